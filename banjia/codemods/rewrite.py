"""What the rewrite passes share: their result, how edits are applied, how a place is marked.

Each pass (the legacy openai<1.0 upgrade, then the compat rewrite) plans edits keyed by
the identity of the original node, plus TODO comments for a person, and applies them in
one transform; imports are settled afterwards with libcst's import visitors.
"""

from __future__ import annotations

import ast
import difflib
import warnings
from typing import Callable, Iterable

import libcst as cst

from banjia.codemods.walk import child_nodes, walk
from banjia.model import Span

TODO_PREFIX = "# TODO(banjia): "

Edit = Callable[[cst.CSTNode], cst.CSTNode]


def span_of(position) -> Span:
    return Span(position.line, position.column, position.end_line, position.end_column)


class ApplyEdits(cst.CSTTransformer):
    """Applies edits by original-node identity and adds TODO comments to enclosing statements.

    Only the nodes on the way to one it changes are entered: libcst's transform rebuilds
    every node it enters, and an edit touches a few nodes of a tree of hundreds of
    thousands, so the rest of the tree is handed back as it is (subclasses that act on
    more nodes name them in `targets`).
    """

    def __init__(self, edits: dict[int, list[Edit]], todos: dict[int, list[str]]) -> None:
        super().__init__()
        self.edits = edits
        self.todos = todos
        self._on_path: set[int] | None = None  # the targets and every node above one, found from the root
        self._statements: list[list[str]] = []
        self._first_statement: cst.CSTNode | None = None
        self._header: set[str] = set()  # comments above the first statement belong to the module once parsed

    def targets(self) -> set[int]:
        """The ids of the original nodes this transform acts on."""
        return self.edits.keys() | self.todos.keys()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._on_path is None:
            self._on_path = nodes_leading_to(node, self.targets())
        if id(node) not in self._on_path:
            return False
        if isinstance(node, cst.Module):
            self._first_statement = node.body[0] if node.body else None
            self._header = {line.comment.value for line in node.header if line.comment is not None}
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._statements.append([])
        messages = self.todos.get(id(node))
        if messages and self._statements:
            self._statements[-1].extend(messages)
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        if id(original_node) not in self._on_path:
            return updated_node
        for edit in self.edits.get(id(original_node), ()):
            updated_node = edit(updated_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            messages = self._statements.pop()
            if messages:
                above = self._header if original_node is self._first_statement else set()
                updated_node = with_todos(updated_node, messages, above)
        return updated_node


def nodes_leading_to(root: cst.CSTNode, targets: set[int]) -> set[int]:
    """The ids of the `targets` under `root` (by id) and of every node above one of them."""
    found: set[int] = set()

    def search(node: cst.CSTNode) -> bool:
        leads = id(node) in targets
        for child in child_nodes(node):
            leads = search(child) or leads
        if leads:
            found.add(id(node))
        return leads

    if targets:
        search(root)
    return found


def with_todos(statement, messages: list[str], above: set[str] = frozenset()):
    """`statement` with a TODO comment line for each message it (or `above` it) does not carry yet."""
    existing = above | {line.comment.value for line in statement.leading_lines if line.comment is not None}
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
    `from openai import OpenAI`. Each of libcst's import visitors runs only when it has
    work: removing needs scope analysis of the whole module, the costliest step of a rewrite.
    """
    needed = sorted(needed, key=lambda item: (item[0], item[1] or ""))
    unused = sorted(unused, key=lambda item: (item[0], item[1] or ""))
    if not needed and not unused:
        return module
    # Imported here: libcst.codemod pulls in libcst.matchers, a large share of a short run's start-up.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    context = CodemodContext()
    if needed:
        for module_name, name in needed:
            AddImportsVisitor.add_needed_import(context, module_name, name)
        module = _add_imports(module, AddImportsVisitor(context))
    if unused:
        for module_name, name in unused:
            RemoveImportsVisitor.remove_unused_import(context, module_name, name)
        removed_from = module
        module = _remove_unused_imports(module, context, unused)
        module = _keep_separating_lines(removed_from, module)
    return module


def _remove_unused_imports(module: cst.Module, context, unused: list[tuple[str, str | None]]) -> cst.Module:
    """libcst's RemoveImportsVisitor, deciding on the statements that could matter.

    It needs scope analysis, which on a large module costs many times its parse. A
    top-level statement whose code holds none of the names the imports in question can
    bind (an imported name, a package, any `as` alias) can neither use nor rebind them, so
    the visitor runs on a module of the other statements, and each import statement it
    changes there is changed the same way, in its place, in the whole module.
    """
    from libcst.codemod.visitors import RemoveImportsVisitor

    names = {name or module_name.split(".")[0] for module_name, name in unused} | _aliases(module)
    relevant = [s for s in module.body if _mentions_any(module.code_for_node(s), names)]
    if len(relevant) == len(module.body):
        return RemoveImportsVisitor(context).transform_module(module)
    reduced = module.with_changes(body=relevant)

    class Recording(RemoveImportsVisitor):
        """Notes what became of each import, in visit order (the visitor works on a copy)."""

        def __init__(self, context) -> None:
            super().__init__(context)
            self.outcomes: list = []

        def leave_Import(self, original_node, updated_node):
            return self._noted(updated_node, super().leave_Import(original_node, updated_node))

        def leave_ImportFrom(self, original_node, updated_node):
            return self._noted(updated_node, super().leave_ImportFrom(original_node, updated_node))

        def _noted(self, updated_node, result):
            self.outcomes.append(None if result is updated_node else result)
            return result

    recording = Recording(context)
    recording.transform_module(reduced)
    imports = _imports_in(reduced)
    edits = {id(node): [lambda _, outcome=outcome: outcome]
             for node, outcome in zip(imports, recording.outcomes, strict=True) if outcome is not None}
    return module.visit(ApplyEdits(edits, {})) if edits else module


def _mentions_any(code: str, names: set[str]) -> bool:
    return any(name in code for name in names)


def _aliases(module: cst.Module) -> set[str]:
    """Every name an `as` clause of an import binds."""
    return {alias.evaluated_alias for node in _imports_in(module) if not isinstance(node.names, cst.ImportStar)
            for alias in node.names if alias.evaluated_alias is not None}


def _imports_in(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    """The import nodes of `module`, in libcst's visit order."""
    found: list[cst.Import | cst.ImportFrom] = []

    class Collector:
        def visit_Import(self, node: cst.Import) -> bool:
            found.append(node)
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            found.append(node)
            return False

    walk(module, Collector())
    return found


def _keep_separating_lines(before: cst.Module, after: cst.Module) -> cst.Module:
    """Blank lines and comments above a top-level import that was removed go to the statement
    that took its place, when that one has none of its own: removing `import openai` must
    not glue the import groups above and below it together.

    The removal only deletes or shortens import lines, so the statements of `after` are
    those of `before` in order, less the deleted ones; a kept statement is recognised by
    its code (shortened imports by the module they import from).
    """
    if len(after.body) == len(before.body):
        return after
    body = list(after.body)
    index = 0
    pending: list[cst.EmptyLine] = []
    for old in before.body:
        if index < len(body) and _same_statement(old, body[index]):
            if pending and not body[index].leading_lines:
                body[index] = body[index].with_changes(leading_lines=pending)
            pending = []
            index += 1
        elif not pending:
            pending = list(old.leading_lines)
    return after.with_changes(body=body)


def _same_statement(old: cst.BaseStatement, new: cst.BaseStatement) -> bool:
    """Whether `new` is `old` as the import removal left it (unchanged, or the same import shortened)."""
    if old.deep_equals(new):
        return True
    if not (_is_import_line(old) and _is_import_line(new)):
        return False
    old_import, new_import = old.body[0], new.body[0]
    if isinstance(old_import, cst.ImportFrom) and isinstance(new_import, cst.ImportFrom):
        return old_import.module is not None and new_import.module is not None \
            and old_import.module.deep_equals(new_import.module) and len(old_import.relative) == len(new_import.relative)
    if isinstance(old_import, cst.Import) and isinstance(new_import, cst.Import):
        names = {alias.evaluated_name for alias in old_import.names}
        return {alias.evaluated_name for alias in new_import.names} <= names
    return False


def _add_imports(module: cst.Module, visitor) -> cst.Module:
    """`visitor` run on the statements it can change: those up to the first one after the leading imports.

    AddImportsVisitor edits only the imports at the top of the module (found by identity)
    and the statement right after them (a blank line above it), and inserts new imports
    between them; it needs no metadata. Running it on that head instead of the whole
    module, without `transform_module`'s deep copy, gives the same code in a fraction of
    the time on a large module.
    """
    end = 1
    while end < len(module.body) and _is_import_line(module.body[end]):
        end += 1
    head = module.with_changes(body=module.body[: end + 1]).visit(visitor)
    return module.with_changes(body=(*head.body, *module.body[end + 1:]))


def _is_import_line(statement: cst.CSTNode) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], (cst.Import, cst.ImportFrom)))


def check_parses(code: str) -> None:
    """Raise libcst.ParserSyntaxError unless `code`, the output of a rewrite, parses: none is handed back otherwise.

    The interpreter's own parser decides first, about eleven times faster than libcst's.
    What it accepts libcst accepts too: the output is libcst's code for a tree libcst
    parsed, changed only by nodes built with libcst, so it is in the grammar both share
    (they differ only at the edges: newer syntax than this interpreter's, and checks
    CPython makes after parsing). What it rejects goes to libcst, which decides as it
    always did, so code written for a newer Python still passes and broken code still
    raises libcst's error.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for old escape sequences
            ast.parse(code)
        return
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    cst.parse_module(code)


def line_mapping(after: str, before: str) -> Callable[[int], int]:
    """Maps a 1-based line of `after` to the line of `before` it came from.

    A pass that runs on the output of an earlier pass reports places in that output; this
    takes them back to the file as it was. Unchanged lines map exactly; a line inside a
    rewritten block maps to the most similar line of the block it replaced, in order
    (`r = client.chat.completions.create(` to `r = openai.ChatCompletion.create(`).
    """
    before_lines, after_lines = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, before_lines, after_lines, autojunk=False)
    table: dict[int, int] = {}
    for tag, before_start, before_end, after_start, after_end in matcher.get_opcodes():
        if tag == "equal":
            table.update((after_start + i, before_start + i) for i in range(after_end - after_start))
        elif before_end > before_start:
            table.update(_closest_lines(before_lines, before_start, before_end, after_lines, after_start, after_end))
        else:  # inserted lines: where the insertion happened
            table.update((i, min(before_start, max(len(before_lines) - 1, 0))) for i in range(after_start, after_end))

    def original(line: int) -> int:
        return table.get(line - 1, line - 1) + 1
    return original


# Above this many line pairs in one rewritten block, its lines map to the block's start.
_SIMILARITY_BUDGET = 20_000


def _closest_lines(before: list[str], b_start: int, b_end: int, after: list[str], a_start: int, a_end: int):
    """Each line of the rewritten block paired with a line it replaced, in order, most similar overall."""
    width = b_end - b_start
    if width * (a_end - a_start) > _SIMILARITY_BUDGET:
        return ((i, b_start) for i in range(a_start, a_end))
    # best[j]: the highest total similarity of the lines so far with the current one on before-line j;
    # choices remember, per line, the before-line its predecessor was on (the best one at or above j).
    best = [0.0] * width
    choices: list[list[int]] = []
    for index in range(a_start, a_end):
        running, running_at, previous = -1.0, 0, []
        scores = []
        for j in range(width):
            if best[j] > running:
                running, running_at = best[j], j
            previous.append(running_at)
            scores.append(running + difflib.SequenceMatcher(None, before[b_start + j], after[index]).ratio())
        best = scores
        choices.append(previous)
    j = max(range(width), key=lambda k: (best[k], -k))
    pairs = []
    for index in range(a_end - 1, a_start - 1, -1):
        pairs.append((index, b_start + j))
        j = choices[index - a_start][j]
    return pairs
