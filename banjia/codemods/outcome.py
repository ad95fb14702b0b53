"""What every rewrite of one file returns, whatever the file kind or strategy.

The Python strategies, the notebook migrator and the text-file migrators all hand
back this one shape, so the dispatcher and the reports treat every file alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from banjia.model import Change, Note

if TYPE_CHECKING:
    from banjia.rules.model import RuleSet


@dataclass
class Outcome:
    text: str  # the rewritten text; the input itself when nothing changed
    changes: list[Change] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class PythonRewrite(Protocol):
    """A strategy's rewrite of one Python module (compat's `migrate_python`, for one)."""

    def __call__(self, source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome: ...
