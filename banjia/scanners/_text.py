"""Offsets to positions, so every scanner reports lines and columns the same way.

Scanners work on one normalised string and absolute offsets into it; this module
turns an offset into the 1-based line and column an editor shows. Normalising first
(no byte-order mark, `\\n` line ends) keeps columns right for files saved on Windows
or with a BOM, without any scanner having to think about either.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from banjia.model import Span

_LINE_BREAK = re.compile(r"\r\n?")


def normalize_text(text: str) -> str:
    """Drop a leading BOM and turn CRLF / CR line ends into LF.

    Only line ends change, so line numbers and columns stay those of the original file.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return _LINE_BREAK.sub("\n", text)


def lines_with_offsets(text: str) -> Iterator[tuple[int, str]]:
    """(offset of the line's first character, line without its `\\n`) for every line."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


class LineIndex:
    """Answers "which line and column is this offset" for one normalised text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset; columns count characters, not bytes."""
        line = bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based (line, column)."""
        return self._starts[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end]; `end` is exclusive, as in Span."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)

    def line_at(self, offset: int) -> str:
        """The whole line holding an offset, without its line end."""
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]
