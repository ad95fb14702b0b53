"""Migration strategies by name: each is a rewrite of one Python module.

`compat` keeps the openai SDK and points it at the provider's OpenAI-compatible
endpoint; `native` moves the code onto the provider's own SDK (providers whose rule file
has a [native] section). Notebooks and setup.py go through the same rewrite, so a new
strategy is one entry here. Modules are imported on first use: libcst is slow to import.
"""

from __future__ import annotations

from importlib import import_module

from banjia.codemods.outcome import PythonRewrite
from banjia.rules.model import RuleSet

STRATEGIES: dict[str, str] = {
    "compat": "banjia.codemods.compat:migrate_python",
    "native": "banjia.codemods.native:migrate_native",
}
# A strategy that serves only some providers names the function that refuses the others.
_RULE_CHECKS: dict[str, str] = {"native": "banjia.codemods.native:check_rules"}
DEFAULT_STRATEGY = "compat"


def python_rewrite(strategy: str) -> PythonRewrite:
    """The rewrite function of a strategy; ValueError for an unknown name."""
    try:
        return _load(STRATEGIES[strategy])
    except KeyError:
        raise ValueError(f"unknown migration strategy {strategy!r} (known: {', '.join(sorted(STRATEGIES))})") from None


def check_strategy(strategy: str, rules: RuleSet) -> None:
    """ValueError, naming the provider, when `strategy` is unknown or cannot serve `rules`' provider."""
    python_rewrite(strategy)
    if strategy in _RULE_CHECKS:
        _load(_RULE_CHECKS[strategy])(rules)


def _load(target: str):
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)
