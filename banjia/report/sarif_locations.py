"""Where a SARIF result points: artifact URIs relative to %SRCROOT%, and text regions.

Every artifact URI is relative and names the `%SRCROOT%` base, which the run declares
as the directory the paths are relative to. GitHub code scanning maps such URIs onto
the checkout, and a local SARIF viewer resolves them against the declared root.

A region computed from a character offset carries both forms SARIF knows, line and
column and `charOffset` / `charLength`, so a viewer that reads either lands on the
same text. Lines end at CR, LF or CR LF, as SARIF counts them; columns and offsets
count Unicode code points of the decoded text (a byte-order mark is not part of it).
"""

from __future__ import annotations

import bisect
import re
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

SOURCE_ROOT = "%SRCROOT%"

_LINE_END = re.compile(r"\r\n|\r|\n")


def artifact_uri(path: str) -> str:
    """A relative POSIX path as an RFC 3986 URI reference.

    Each segment is percent-encoded (spaces, `#`, `%`, non-ASCII), and a first
    segment holding `:` gets `./` so it cannot be read as a URI scheme.
    """
    segments = [quote(segment, safe="") for segment in path.split("/")]
    if ":" in path.split("/")[0]:
        segments.insert(0, ".")
    return "/".join(segments)


def artifact_location(path: str) -> dict[str, str]:
    return {"uri": artifact_uri(path), "uriBaseId": SOURCE_ROOT}


def source_root_base(source_root: str | None) -> dict[str, Any]:
    """%SRCROOT% as SARIF wants it: an absolute URI ending in `/`, or a description."""
    if source_root is not None:
        if not PurePath(source_root).is_absolute():
            raise ValueError(f"source_root must be an absolute path, got {source_root!r}")
        uri = PurePath(source_root).as_uri()
        return {"uri": uri if uri.endswith("/") else uri + "/"}
    return {"description": {"text": "The directory banjia was run from; every path is relative to it."}}


class TextPositions:
    """Character offsets of one text turned into SARIF regions."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [match.end() for match in _LINE_END.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of the character at `offset` (or of the end, at len(text))."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def region(self, offset: int, length: int) -> dict[str, int]:
        start_line, start_column = self.position(offset)
        end_line, end_column = self.position(offset + length)
        return {
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
            "charOffset": offset,
            "charLength": length,
        }
