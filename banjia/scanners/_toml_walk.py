"""A forgiving TOML reader that says where every key and string is.

`tomllib` gives values without positions and rejects a whole file for one bad line
(a merge-conflict marker, a templated `{{ version }}`). Dependency findings need the
position of each package name, and a broken pyproject.toml is still worth auditing,
so this reader walks the text itself: it reports keys and strings as it meets them,
and on anything it cannot read it skips to the next element or line and carries on.

Only what dependency declarations use is decoded. Multi-line strings are stepped
over, never reported; numbers, booleans and dates are skipped unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Path = tuple[str, ...]


@dataclass(frozen=True)
class TomlKey:
    """A key, by its full dotted path; start/end locate its name (inside any quotes)."""

    path: Path
    start: int
    end: int


@dataclass(frozen=True)
class TomlString:
    """A one-line string value.

    `offsets[i]` is where character i of `value` starts in the source and
    `offsets[len(value)]` is the closing quote, so escapes never skew a position.
    `in_array` is True only for a direct element of an array.
    """

    path: Path
    value: str
    offsets: tuple[int, ...]
    in_array: bool


class _Malformed(Exception):
    """The text at the cursor is not TOML we can read; the caller resynchronises."""


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^\s,\]}#]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}
_HEX_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}
_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')"
# Lines that cannot be inside an array, so an array still open there was never closed.
_TABLE_HEADER_LINE = re.compile(rf"[ \t]*\[\[?[ \t]*[A-Za-z_][A-Za-z0-9_-]*(?:[ \t]*\.[ \t]*{_KEY_PART})*[ \t]*\]")
_KEY_VALUE_LINE = re.compile(rf"[ \t]*{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*[ \t]*=(?!=)")


def walk_toml(text: str) -> list[TomlKey | TomlString]:
    """Every key and one-line string of a (possibly malformed) TOML text, in order."""
    return _Walker(text).run()


class _Walker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.events: list[TomlKey | TomlString] = []

    def run(self) -> list[TomlKey | TomlString]:
        table: Path | None = ()  # None: under a header we could not read
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.events
            try:
                if self.text[self.pos] == "[":
                    table = self._table_header()
                elif table is None:
                    self._skip_line()
                else:
                    self._key_value(table)
                    self._end_of_line()
            except _Malformed:
                self._skip_line()

    # -- structure ---------------------------------------------------------------

    def _table_header(self) -> Path | None:
        double = self.text.startswith("[[", self.pos)
        self.pos += 2 if double else 1
        try:
            path = self._dotted_key(())
        except _Malformed:
            self._skip_line()
            return None
        self._skip_blank()
        closing = "]]" if double else "]"
        if self.text.startswith(closing, self.pos):
            self.pos += len(closing)
        self._skip_line()  # a comment, or junk that cannot change which table follows
        return path

    def _key_value(self, table: Path) -> None:
        path = self._dotted_key(table)
        self._skip_blank()
        if not self.text.startswith("=", self.pos):
            raise _Malformed
        self.pos += 1
        self._skip_blank()
        self._value(path, in_array=False)

    def _dotted_key(self, prefix: Path) -> Path:
        path = prefix
        while True:
            self._skip_blank()
            name, start, end = self._simple_key()
            path = (*path, name)
            self.events.append(TomlKey(path, start, end))
            self._skip_blank()
            if not self.text.startswith(".", self.pos):
                return path
            self.pos += 1

    def _simple_key(self) -> tuple[str, int, int]:
        quote = self.text[self.pos : self.pos + 1]
        if quote in ('"', "'"):
            value, offsets = self._basic_string() if quote == '"' else self._literal_string()
            return value, offsets[0], offsets[-1]
        match = _BARE_KEY.match(self.text, self.pos)
        if match is None:
            raise _Malformed
        self.pos = match.end()
        return match[0], match.start(), match.end()

    def _value(self, path: Path, in_array: bool) -> None:
        text, pos = self.text, self.pos
        if text.startswith(('"""', "'''"), pos):
            self._skip_multiline_string()
        elif text.startswith('"', pos) or text.startswith("'", pos):
            value, offsets = self._basic_string() if text[pos] == '"' else self._literal_string()
            self.events.append(TomlString(path, value, offsets, in_array))
        elif text.startswith("[", pos):
            self._array(path)
        elif text.startswith("{", pos):
            self._inline_table(path)
        else:
            match = _SCALAR.match(text, pos)
            if match is None:
                raise _Malformed
            self.pos = match.end()

    def _array(self, path: Path) -> None:
        self.pos += 1
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self._at_line_start() and self._line_is_statement():
                # Never closed: stop on the line end before, leaving the line to the caller.
                self.pos = self.text.rfind("\n", 0, self.pos)
                return
            char = self.text[self.pos]
            if char == "]":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            try:
                self._value(path, in_array=True)
            except _Malformed:
                self._skip_past_junk(",]\n")

    def _inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self._skip_blank()
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                return  # an inline table ends on its line, closed or not
            char = self.text[self.pos]
            if char == "}":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            try:
                self._key_value(path)
            except _Malformed:
                self._skip_past_junk(",}\n")

    # -- strings -----------------------------------------------------------------

    def _basic_string(self) -> tuple[str, tuple[int, ...]]:
        text, i = self.text, self.pos + 1
        chars: list[str] = []
        offsets: list[int] = []
        while True:
            if i >= len(text) or text[i] == "\n":
                raise _Malformed
            char = text[i]
            if char == '"':
                break
            offsets.append(i)
            if char == "\\":
                decoded, length = _escape(text, i)
                chars.append(decoded)
                i += length
            else:
                chars.append(char)
                i += 1
        offsets.append(i)
        self.pos = i + 1
        return "".join(chars), tuple(offsets)

    def _literal_string(self) -> tuple[str, tuple[int, ...]]:
        start = self.pos + 1
        end = self.text.find("'", start)
        newline = self.text.find("\n", start)
        if end == -1 or (newline != -1 and newline < end):
            raise _Malformed
        self.pos = end + 1
        return self.text[start:end], tuple(range(start, end + 1))

    def _skip_multiline_string(self) -> None:
        delimiter = self.text[self.pos : self.pos + 3]
        i = self.pos + 3
        while True:
            end = self.text.find(delimiter, i)
            if end == -1:
                self.pos = len(self.text)
                raise _Malformed
            if delimiter == '"""' and _escaped(self.text, end):
                i = end + 1
                continue
            # Up to two quotes right before the closing three belong to the content.
            run = 3
            while run < 5 and self.text.startswith(delimiter[0], end + run):
                run += 1
            self.pos = end + run
            return

    # -- cursor helpers ----------------------------------------------------------

    def _skip_blank(self, newlines: bool = False) -> None:
        """Skip spaces, tabs and comments; and line ends too when `newlines`."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end == -1 else end
            else:
                return

    def _end_of_line(self) -> None:
        self._skip_blank()
        if self.pos < len(self.text) and self.text[self.pos] != "\n":
            raise _Malformed

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end == -1 else end + 1

    def _skip_past_junk(self, stops: str) -> None:
        """Move to the next stop character, always advancing at least one character."""
        i = self.pos + 1
        while i < len(self.text) and self.text[i] not in stops:
            i += 1
        self.pos = i

    def _at_line_start(self) -> bool:
        line_start = self.text.rfind("\n", 0, self.pos) + 1
        return self.text[line_start : self.pos].strip() == ""

    def _line_is_statement(self) -> bool:
        line_start = self.text.rfind("\n", 0, self.pos) + 1
        return bool(
            _TABLE_HEADER_LINE.match(self.text, line_start) or _KEY_VALUE_LINE.match(self.text, line_start)
        )


def _escape(text: str, i: int) -> tuple[str, int]:
    """(decoded character, source length) of the escape sequence at text[i]."""
    code = text[i + 1 : i + 2]
    if code in _ESCAPES:
        return _ESCAPES[code], 2
    length = _HEX_ESCAPE_LENGTHS.get(code)
    digits = text[i + 2 : i + 2 + length] if length else ""
    if not length or len(digits) != length or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise _Malformed
    try:
        return chr(int(digits, 16)), 2 + length
    except ValueError:  # beyond U+10FFFF
        raise _Malformed from None


def _escaped(text: str, i: int) -> bool:
    """True when text[i] is preceded by an odd number of backslashes."""
    count = 0
    while i - count - 1 >= 0 and text[i - count - 1] == "\\":
        count += 1
    return count % 2 == 1
