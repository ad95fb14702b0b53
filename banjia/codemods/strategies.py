"""Migration strategies by name: each is a rewrite of one Python module.

`compat` keeps the openai SDK and points it at the provider's OpenAI-compatible
endpoint. Notebooks and setup.py go through the same rewrite, so a new strategy is
one entry here. Modules are imported on first use: libcst is slow to import.
"""

from __future__ import annotations

from importlib import import_module

from banjia.codemods.outcome import PythonRewrite

STRATEGIES: dict[str, str] = {"compat": "banjia.codemods.compat:migrate_python"}
DEFAULT_STRATEGY = "compat"


def python_rewrite(strategy: str) -> PythonRewrite:
    """The rewrite function of a strategy; ValueError for an unknown name."""
    try:
        module, _, name = STRATEGIES[strategy].partition(":")
    except KeyError:
        raise ValueError(f"unknown migration strategy {strategy!r} (known: {', '.join(sorted(STRATEGIES))})") from None
    return getattr(import_module(module), name)
