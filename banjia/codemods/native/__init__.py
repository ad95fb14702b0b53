"""Strategy `native`: rewrite onto the provider's own SDK instead of its OpenAI-compatible endpoint.

Providers are served by the module that knows their SDK. The OpenAI-shaped SDKs
(zhipuai / zai, qianfan's v2 client, Ark) share `openai_shaped.py`; DashScope's API has
another shape and its own module. Modules are named as strings and imported on first
use (libcst and each rewrite are slow to import).
"""

from __future__ import annotations

from importlib import import_module

from banjia.codemods.outcome import Outcome, PythonRewrite
from banjia.rules.model import RuleSet

_SHAPED = "banjia.codemods.native.openai_shaped:migrate_openai_shaped"
# Provider id -> its rewrite; providers not listed use the OpenAI-shaped rewrite.
_PROVIDER_REWRITES: dict[str, str] = {"qwen": "banjia.codemods.native.dashscope:migrate_dashscope"}


def migrate_native(source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome:
    """Rewrite `source` onto `rules`' native SDK. ValueError when the provider has none (see `check_rules`)."""
    return native_rewrite(rules)(source, path, rules, unsafe=unsafe)


def check_rules(rules: RuleSet) -> None:
    """Raise ValueError, naming the provider, unless `migrate --strategy native` can serve it."""
    native_rewrite(rules)


def native_rewrite(rules: RuleSet) -> PythonRewrite:
    if rules.native is None:
        raise ValueError(f"{rules.id} ({rules.name}) has no native SDK in its rule file: use --strategy compat")
    target = _PROVIDER_REWRITES.get(rules.id, _SHAPED)
    module_name, _, function = target.partition(":")
    module = import_module(module_name)
    if target == _SHAPED:
        from banjia.codemods.native.sdks import SDKS

        if rules.native.client not in SDKS:
            raise ValueError(f"{rules.id}: no native rewrite for client {rules.native.client!r} "
                             f"(known: {', '.join(sorted(SDKS))})")
    return getattr(module, function)
