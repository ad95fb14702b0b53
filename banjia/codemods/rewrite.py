"""What the rewrite passes share: their result, how edits are applied, how a place is marked.

Each pass (the legacy openai<1.0 upgrade, then the compat rewrite) plans edits keyed by
the identity of the original node, plus TODO comments for a person, and applies them in
one transform; imports are settled afterwards with libcst's import visitors.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Callable, Iterable

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from banjia.model import Change, Note, Span

TODO_PREFIX = "# TODO(banjia): "

Edit = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Outcome:
    text: str
    changes: list[Change] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def span_of(position) -> Span:
    return Span(position.line, position.column, position.end_line, position.end_column)


class ApplyEdits(cst.CSTTransformer):
    """Applies edits by original-node identity and adds TODO comments to enclosing statements."""

    def __init__(self, edits: dict[int, list[Edit]], todos: dict[int, list[str]]) -> None:
        super().__init__()
        self.edits = edits
        self.todos = todos
        self._statements: list[list[str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._statements.append([])
        messages = self.todos.get(id(node))
        if messages and self._statements:
            self._statements[-1].extend(messages)
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        for edit in self.edits.get(id(original_node), ()):
            updated_node = edit(updated_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            messages = self._statements.pop()
            if messages:
                updated_node = with_todos(updated_node, messages)
        return updated_node


def with_todos(statement, messages: list[str]):
    """`statement` with a TODO comment line for each message it does not carry yet."""
    existing = {line.comment.value for line in statement.leading_lines if line.comment is not None}
    added = [
        cst.EmptyLine(comment=cst.Comment(TODO_PREFIX + message))
        for message in dict.fromkeys(messages)
        if TODO_PREFIX + message not in existing
    ]
    if not added:
        return statement
    return statement.with_changes(leading_lines=[*statement.leading_lines, *added])


def settle_imports(
    module: cst.Module,
    needed: Iterable[tuple[str, str | None]],
    unused: Iterable[tuple[str, str | None]],
) -> cst.Module:
    """Add the `needed` imports, then remove the `unused` ones if nothing uses them any more.

    Entries are (module, name): ("os", None) is `import os`, ("openai", "OpenAI") is
    `from openai import OpenAI`.
    """
    needed = sorted(needed, key=lambda item: (item[0], item[1] or ""))
    unused = sorted(unused, key=lambda item: (item[0], item[1] or ""))
    if not needed and not unused:
        return module
    context = CodemodContext()
    for module_name, name in needed:
        AddImportsVisitor.add_needed_import(context, module_name, name)
    for module_name, name in unused:
        RemoveImportsVisitor.remove_unused_import(context, module_name, name)
    module = AddImportsVisitor(context).transform_module(module)
    return RemoveImportsVisitor(context).transform_module(module)


def line_mapping(after: str, before: str) -> Callable[[int], int]:
    """Maps a 1-based line of `after` to the line of `before` it came from.

    A pass that runs on the output of an earlier pass reports places in that output; this
    takes them back to the file as it was. Lines inside a rewritten block map to the
    block's first original line.
    """
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    blocks = matcher.get_opcodes()

    def original(line: int) -> int:
        index = line - 1
        for tag, before_start, before_end, after_start, after_end in blocks:
            if after_start <= index < after_end or (after_start == after_end == index):
                offset = index - after_start if tag == "equal" else 0
                return min(before_start + offset, max(before_end - 1, before_start)) + 1
        return line
    return original
