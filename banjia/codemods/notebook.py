"""Jupyter notebooks: code cells rewritten by a Python strategy, written back into the JSON text.

A notebook runs its cells in one namespace, so, as for the audit, the code cells are
rewritten as one module: a client made in one cell is resolved where the next cell
uses it. Cell boundaries travel through the rewrite as marker lines, and IPython
lines (`%pip`, `!ls`, `x = !cmd`) as placeholder lines, so the rewritten module splits
back into cells and every magic comes back untouched. The cell holding the imports
goes first, so imports the rewrite adds (`import os`) join that cell's imports; TODO
comments sit on their statement and so stay in its cell.

Each changed cell's `source` value, and nothing else, is replaced in the JSON text,
written in the style the file already uses (list of lines or one string, indent,
`ensure_ascii`). Outputs, metadata and execution counts stay byte for byte. A cell
that does not parse is left out and noted; a file that is not notebook JSON raises
NotebookError for the caller to report.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring

from banjia.codemods.outcome import Outcome, PythonRewrite
from banjia.model import Change, Note, Severity, Span
from banjia.nesting import parse_within_depth
from banjia.rules.model import RuleSet
from banjia.scanners.notebook import load_notebook, python_of_cell

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NON_ASCII_ESCAPE = re.compile(r"\\u(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})")


@dataclass(frozen=True)
class _Cell:
    index: int  # in the notebook's `cells` list
    source: str  # as the notebook holds it (lines joined)
    python: str  # IPython lines replaced by placeholders
    has_imports: bool


def migrate_notebook(text: str, path: str, rules: RuleSet, rewrite: PythonRewrite, *, unsafe: bool = False) -> Outcome:
    """Rewrite a notebook's code cells with `rewrite`; raises NotebookError for a file that is no notebook."""
    notebook = load_notebook(text)
    token = _unused_token(text)
    cells: list[_Cell] = []
    notes: list[Note] = []
    for index, cell in enumerate(notebook["cells"]):
        source = _cell_source(cell)
        if source is None:
            continue
        python = _with_placeholders(source, token)
        if python is None:
            continue  # a cell magic in another language (%%bash, %%writefile)
        try:
            tree = parse_within_depth(python)
        except (SyntaxError, ValueError) as error:
            line = getattr(error, "lineno", None) or 1
            column = getattr(error, "offset", None) or 1
            reason = getattr(error, "msg", None) or str(error) or type(error).__name__
            notes.append(Note(path, Span(line, column, line, column, cell=index), Severity.MANUAL,
                              f"cell {index} does not parse ({reason}): not migrated", f"{rules.id}:notebook:syntax"))
            continue
        has_imports = any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)
        cells.append(_Cell(index, source, python, has_imports))
    if not cells:
        return Outcome(text, [], notes)
    module = _Module(cells, token)
    outcome = rewrite(module.text, path, rules, unsafe=unsafe)
    changes = [Change(c.path, module.cell_span(c.span), c.category, c.message, c.safety) for c in outcome.changes]
    notes += [Note(n.path, module.cell_span(n.span), n.severity, n.message, n.rule) for n in outcome.notes]
    notes.sort(key=lambda note: (note.span.cell, note.span))
    if outcome.text == module.text:
        return Outcome(text, changes, notes)
    new_sources = {index: source for index, source in module.split(outcome.text).items()
                   if source != module.cells[index].source}
    return Outcome(_write_sources(text, notebook, new_sources), changes, notes)


# ---------------------------------------------------------------- cells as one module
class _Module:
    """The code cells joined into one Python module, and the way back to cells."""

    def __init__(self, cells: list[_Cell], token: str) -> None:
        self.cells = {cell.index: cell for cell in cells}
        self.token = token
        first = next((cell for cell in cells if cell.has_imports), cells[0])
        order = [first] + [cell for cell in cells if cell is not first]
        parts: list[str] = []
        self._origin: list[tuple[int, int] | None] = []  # module line (0-based) -> (cell, line in cell)
        for position, cell in enumerate(order):
            if position:
                parts.append(self._boundary(cell.index) + "\n")
                self._origin.append(None)
            parts.append(cell.python + "\n")
            self._origin += [(cell.index, line) for line in range(1, cell.python.count("\n") + 2)]
        self.text = "".join(parts)
        self._first = first.index
        self._boundary_line = re.compile(rf"^{re.escape(token)}_cell_(\d+)$", re.MULTILINE)
        self._placeholder_line = re.compile(rf"^[ \t]*{re.escape(token)}_line_(\d+)$")

    def _boundary(self, index: int) -> str:
        return f"{self.token}_cell_{index}"

    def cell_span(self, span: Span) -> Span:
        """A span in the module as a span in its cell; one that runs into the next cell ends on its first line."""
        cell, line = self._origin[span.line - 1]
        end_cell, end_line = self._origin[min(span.end_line, len(self._origin)) - 1] or (None, 0)
        if end_cell != cell:
            return Span(line, span.column, line, span.column, cell=cell)
        return Span(line, span.column, end_line, span.end_column, cell=cell)

    def split(self, text: str) -> dict[int, str]:
        """Each cell's new source, IPython lines restored. Raises ValueError if boundaries were lost."""
        segments: dict[int, str] = {}
        index, start = self._first, 0
        for match in self._boundary_line.finditer(text):
            segments[index] = text[start : match.start()]
            index, start = int(match[1]), match.end() + 1
        segments[index] = text[start:]
        if sorted(segments) != sorted(self.cells):
            raise ValueError("cell boundaries were lost in the rewrite")
        return {index: self._restore(self.cells[index], segment) for index, segment in segments.items()}

    def _restore(self, cell: _Cell, segment: str) -> str:
        segment = segment.removesuffix("\n")
        # The rewrite may leave a blank line before the next statement, which here is the next cell.
        kept_newlines = len(cell.python) - len(cell.python.rstrip("\n"))
        while segment.endswith("\n") and len(segment) - len(segment.rstrip("\n")) > kept_newlines:
            segment = segment[:-1]
        original = cell.source.split("\n")
        lines = []
        for line in segment.split("\n"):
            placeholder = self._placeholder_line.match(line)
            lines.append(original[int(placeholder[1])] if placeholder else line)
        return "\n".join(lines)


def _with_placeholders(source: str, token: str) -> str | None:
    """The cell as Python, each IPython line replaced by a placeholder naming its line number."""
    python = python_of_cell(source)
    if python is None:
        return None
    lines = []
    for number, (line, neutral) in enumerate(zip(source.split("\n"), python.split("\n"))):
        if line == neutral:
            lines.append(line)
        else:
            indent = neutral[: len(neutral) - len(neutral.lstrip())]
            lines.append(f"{indent}{token}_line_{number}")
    return "\n".join(lines)


def _unused_token(text: str) -> str:
    token = "__banjia"
    while token in text:
        token += "_"
    return token


# ---------------------------------------------------------------- the JSON text
def _cell_source(cell) -> str | None:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def _write_sources(text: str, notebook: dict, sources: dict[int, str]) -> str:
    """`text` with the `source` value of each cell in `sources` replaced, in the file's style."""
    ensure_ascii = _escapes_non_ascii(text)
    unit = _indent_unit(text)
    replacements = []
    for index, (start, end) in _source_spans(text).items():
        if index not in sources:
            continue
        old = notebook["cells"][index]["source"]
        if isinstance(old, str):
            raw = json.dumps(sources[index], ensure_ascii=ensure_ascii)
        else:
            raw = _render_lines(text, start, end, sources[index].splitlines(keepends=True), ensure_ascii, unit)
        replacements.append((start, end, raw))
    for start, end, raw in sorted(replacements, reverse=True):
        text = text[:start] + raw + text[end:]
    migrated = json.loads(text)
    for index, source in sources.items():
        cell = notebook["cells"][index]
        cell["source"] = source if isinstance(cell["source"], str) else source.splitlines(keepends=True)
    if migrated != notebook:  # anything but the sources differs: never hand that back
        raise ValueError("the rewritten notebook differs outside the cells' sources")
    return text


def _render_lines(text: str, start: int, end: int, lines: list[str], ensure_ascii: bool, unit: str) -> str:
    """A JSON list of strings laid out like the list at text[start:end]."""
    items = _array_item_spans(text, start)
    if len(items) >= 2:
        opening, separator = text[start + 1 : items[0][0]], text[items[0][1] : items[1][0]]
        closing = text[items[-1][1] : end - 1]
    elif items:
        opening, closing = text[start + 1 : items[0][0]], text[items[0][1] : end - 1]
        separator = "," + opening if "\n" in opening else ", "
    else:  # `[]`: lay it out as the file lays out its other lists
        line_start = text.rfind("\n", 0, start) + 1
        indent = text[line_start : line_start + len(text[line_start:start]) - len(text[line_start:start].lstrip())]
        opening, closing = ("\n" + indent + unit, "\n" + indent) if unit else ("", "")
        separator = "," + opening if unit else ", "
    if not lines:
        return "[]"
    body = separator.join(json.dumps(line, ensure_ascii=ensure_ascii) for line in lines)
    return f"[{opening}{body}{closing}]"


def _escapes_non_ascii(text: str) -> bool:
    """Whether the file was written with `ensure_ascii` (nbformat's default is not to)."""
    if any(ord(char) > 127 for char in text):
        return False
    return _NON_ASCII_ESCAPE.search(text) is not None


def _indent_unit(text: str) -> str:
    """The file's indentation step: the indentation of its first indented line ("" when on one line)."""
    match = re.search(r"\n([ \t]+)\S", text)
    return match[1] if match else ""


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    """(start, end) of each cell's `source` value in the JSON text (the last one, as json.loads keeps)."""
    spans: dict[int, tuple[int, int]] = {}
    for key, start, _ in _object_member_spans(text, _skip_whitespace(text, 0)):
        if key != "cells":
            continue
        spans.clear()
        for index, (cell_start, _) in enumerate(_array_item_spans(text, start)):
            if text[cell_start] != "{":
                continue
            for cell_key, value_start, value_end in _object_member_spans(text, cell_start):
                if cell_key == "source":
                    spans[index] = (value_start, value_end)
    return spans


def _object_member_spans(text: str, pos: int) -> list[tuple[str, int, int]]:
    """(key, value start, value end) of each member of the object starting at text[pos]."""
    members = []
    pos = _skip_whitespace(text, pos + 1)
    while text[pos] == '"':
        key, pos = scanstring(text, pos + 1)
        pos = _skip_whitespace(text, pos)
        value_start = _skip_whitespace(text, pos + 1)  # past the colon
        _, value_end = _DECODER.raw_decode(text, value_start)
        members.append((key, value_start, value_end))
        pos = _skip_whitespace(text, value_end)
        if text[pos] == ",":
            pos = _skip_whitespace(text, pos + 1)
    return members


def _array_item_spans(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end) of each element of the array starting at text[pos]."""
    items = []
    pos = _skip_whitespace(text, pos + 1)
    while text[pos] != "]":
        _, end = _DECODER.raw_decode(text, pos)
        items.append((pos, end))
        pos = _skip_whitespace(text, end)
        if text[pos] == ",":
            pos = _skip_whitespace(text, pos + 1)
    return items


def _skip_whitespace(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()
