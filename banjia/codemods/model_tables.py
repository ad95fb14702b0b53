"""Model names that are keys of a dict literal: mapping must not merge entries.

Several OpenAI models usually map to one provider model. In a list or a set that is
harmless (membership keeps its meaning), but in `{"gpt-4": 8192, "gpt-4o": 128000}` mapping both keys to the same name would
silently drop an entry (the last one wins) and change what every lookup returns. Such
tables are left for a person, who knows which entry should survive.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from banjia.codemods.walk import walk
from banjia.patterns import is_model_name


class UniqueTables:
    """Finds, for a string node, the dict it is a key of, and whether mapping would merge that dict's entries."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._owner: dict[int, cst.Dict] | None = None
        self._merges: dict[int, tuple[str, str, str] | None] = {}

    def table_of(self, node: cst.SimpleString) -> cst.Dict | None:
        if self._owner is None:
            self._owner = _owners(self._module)
        return self._owner.get(id(node))

    def merge_caused(self, table: cst.Dict, mapped: Callable[[str], str | None]) -> tuple[str, str, str] | None:
        """The first two entries that mapping would merge, as (first, second, common target); None when none do."""
        if id(table) not in self._merges:
            self._merges[id(table)] = _first_merge(_entries(table), mapped)
        return self._merges[id(table)]


def _owners(module: cst.Module) -> dict[int, cst.Dict]:
    owners: dict[int, cst.Dict] = {}

    class Visitor:
        def visit_Dict(self, node: cst.Dict) -> None:
            for element in node.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                    owners[id(element.key)] = node

    walk(module, Visitor())
    return owners


def _entries(table: cst.Dict) -> list[str]:
    values = []
    for node in (e.key for e in table.elements if isinstance(e, cst.DictElement)):
        value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
        if isinstance(value, str):
            values.append(value)
    return values


def _first_merge(entries: list[str], mapped: Callable[[str], str | None]) -> tuple[str, str, str] | None:
    seen: dict[str, str] = {}
    for entry in entries:
        target = (mapped(entry) or entry) if is_model_name(entry) else entry
        if target in seen and seen[target] != entry:
            return seen[target], entry, target
        seen.setdefault(target, entry)
    return None
