"""Strategy `native`: rewrite onto the provider's own SDK instead of its OpenAI-compatible endpoint.

Providers are served by the module that knows their SDK. The OpenAI-shaped SDKs
(zhipuai / zai, qianfan's v2 client, Ark) share `openai_shaped.py`; DashScope's API has
another shape and its own module. Modules are named as strings and imported on first
use (libcst and each rewrite are slow to import).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from banjia.codemods.outcome import Outcome, PythonRewrite
from banjia.rules.model import RuleSet

if TYPE_CHECKING:
    from banjia.codemods.compat import _Planner

# (module, its rewrite, its planner); the planner's dry run is what `audit --to` judges sites on.
_SHAPED = ("banjia.codemods.native.openai_shaped", "migrate_openai_shaped", "_NativePlanner")
# Provider id -> its module; providers not listed use the OpenAI-shaped one.
_PROVIDER_MODULES: dict[str, tuple[str, str, str]] = {
    "qwen": ("banjia.codemods.native.dashscope", "migrate_dashscope", "_DashScopePlanner"),
}


def migrate_native(source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome:
    """Rewrite `source` onto `rules`' native SDK. ValueError when the provider has none (see `check_rules`)."""
    return native_rewrite(rules)(source, path, rules, unsafe=unsafe)


def check_rules(rules: RuleSet) -> None:
    """Raise ValueError, naming the provider, unless `migrate --strategy native` can serve it."""
    native_rewrite(rules)


def native_rewrite(rules: RuleSet) -> PythonRewrite:
    module, rewrite, _ = _served_by(rules)
    return getattr(import_module(module), rewrite)


def native_planner(rules: RuleSet) -> type[_Planner]:
    """The planner class of `rules`' native rewrite, for a dry run (see `banjia.codemods.verdicts`)."""
    module, _, planner = _served_by(rules)
    return getattr(import_module(module), planner)


def _served_by(rules: RuleSet) -> tuple[str, str, str]:
    """(module, rewrite, planner) of the provider's native SDK; ValueError when there is none."""
    if rules.native is None:
        raise ValueError(f"{rules.id} ({rules.name}) has no native SDK in its rule file: use --strategy compat")
    target = _PROVIDER_MODULES.get(rules.id, _SHAPED)
    if target == _SHAPED:
        from banjia.codemods.native.sdks import SDKS

        if rules.native.client not in SDKS:
            raise ValueError(f"{rules.id}: no native rewrite for client {rules.native.client!r} "
                             f"(known: {', '.join(sorted(SDKS))})")
    return target
