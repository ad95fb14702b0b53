"""Reports as canonical JSON: keys sorted, two-space indent, non-ASCII kept, a final newline.

Exactly the text of `json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2)`
plus "\\n". The standard library writes indented JSON with its pure-Python encoder, a
generator per nesting level per value; on a large repository's audit that is a good
part of a run with nothing to parse. This writer appends to one list in a single
recursive function and leaves the escaping of strings to the same C routine.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "
_INFINITY = float("inf")


def canonical_json(document: Any) -> str:
    parts: list[str] = []
    _write(document, parts, "\n")
    parts.append("\n")
    return "".join(parts)


def _write(value: Any, out: list[str], newline: str) -> None:
    """Append `value`'s JSON to `out`; `newline` is a line break plus the current indent."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in sorted(value.items()):
            out.append(separator)
            out.append(encode_basestring(key if isinstance(key, str) else _key(key)))
            out.append(": ")
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A non-string key as `json` writes it."""
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
