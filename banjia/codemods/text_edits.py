"""Character-exact edits to a text file, located by the spans the scanners report.

The scanners read a normalised copy of each file (no BOM, `\\n` line ends) and report
1-based lines and columns in it. Normalising changes only line ends, so a line and a
column name the same character in the original text too; this module turns them
into offsets there and replaces exactly the characters asked for. Every other byte —
layout, comments, quoting, CRLF or CR line ends — stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from banjia.codemods.outcome import Outcome
from banjia.model import Change, Note, Severity, Span

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class TextEdit:
    start: int  # offset in the original text
    end: int  # exclusive; equal to `start` for an insertion
    replacement: str


class TextRewrite:
    """Collects non-overlapping edits to one text, with the changes and notes that explain them."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self._line_starts = [0] + [match.end() for match in _LINE_END.finditer(text)]
        self._edits: list[TextEdit] = []
        self._changes: list[Change] = []
        self._notes: list[Note] = []

    @property
    def line_end(self) -> str:
        """The file's own line end (its first one), `\\n` for a file of one line."""
        match = _LINE_END.search(self.text)
        return match[0] if match else "\n"

    def offset(self, line: int, column: int) -> int:
        return self._line_starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line end."""
        start = self._line_starts[line - 1]
        match = _LINE_END.search(self.text, start)
        return self.text[start : match.start() if match else len(self.text)]

    def end_span(self) -> Span:
        """Where text appended to the file begins."""
        line = len(self._line_starts)
        column = len(self.text) - self._line_starts[-1] + 1
        return Span(line, column, line, column)

    def replace(self, span: Span, replacement: str, category: str, message: str) -> None:
        """Replace the characters of `span`; nothing is recorded when they already read so."""
        start, end = self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)
        if self.text[start:end] != replacement:
            self._add(TextEdit(start, end, replacement), span, category, message)

    def append(self, addition: str, category: str, message: str) -> None:
        self._add(TextEdit(len(self.text), len(self.text), addition), self.end_span(), category, message)

    def note(self, span: Span, severity: Severity, message: str, rule: str) -> None:
        self._notes.append(Note(self.path, span, severity, message, rule))

    def outcome(self) -> Outcome:
        """The edited text, with changes and notes in file order."""
        text = self.text
        for edit in sorted(self._edits, key=lambda e: (e.start, e.end), reverse=True):
            text = text[: edit.start] + edit.replacement + text[edit.end :]
        return Outcome(text, sorted(self._changes, key=lambda c: c.span), sorted(self._notes, key=lambda n: n.span))

    def _add(self, edit: TextEdit, span: Span, category: str, message: str) -> None:
        for other in self._edits:
            if edit.start < other.end and other.start < edit.end:
                raise ValueError(f"{self.path}: overlapping edits at offsets {edit.start} and {other.start}")
        self._edits.append(edit)
        self._changes.append(Change(self.path, span, category, message))
