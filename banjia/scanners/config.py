"""Model names and OpenAI variables in YAML, JSON, TOML and INI files.

Line by line, without parsing: a config file that does not parse (a Helm template,
JSON with comments, a half-merged TOML) is still read, and no YAML library is needed.
Comments are cut with each format's own rule first, so `# was gpt-4` is not a
finding. What remains is searched for model names (`model: gpt-4o`,
`"model": "openai/gpt-4o"`, keys of a price table alike) and for OpenAI variable
names. A variable is `set` when the line assigns it: `OPENAI_API_KEY: ...`,
`- OPENAI_API_KEY=...` in docker-compose, `"OPENAI_API_KEY": ...`; otherwise it is
only named (`api_key_env: OPENAI_API_KEY`, `${OPENAI_API_KEY}`, `passenv = ...`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from banjia.model import Finding, Kind
from banjia.patterns import ENV_VAR_IN_TEXT, MODEL_NAME_IN_TEXT

from ._snippet import snippet
from ._text import LineIndex, lines_with_offsets, normalize_text

CONFIG_FILE_TYPES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".ini": "ini", ".cfg": "ini"}

_ASSIGNED = re.compile(r"[\"']\s*:|\s*:(?=\s|$)|\s*=(?!=)")
_INI_COMMENT = re.compile(r"^\s*[#;]|\s[#;]")


def config_file_type(path: str) -> str | None:
    """"yaml", "json", "toml" or "ini" by the file's extension; None for other files."""
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return CONFIG_FILE_TYPES.get(name[dot:]) if dot > 0 else None


def scan_config(text: str, path: str) -> list[Finding]:
    """MODEL and ENV_VAR findings in a YAML, JSON, TOML or INI file (by its extension)."""
    file_type = config_file_type(path)
    if file_type is None:
        return []
    code_end = _CODE_END[file_type]
    text = normalize_text(text)
    index = LineIndex(text)
    findings = []
    for offset, line in lines_with_offsets(text):
        if not (MODEL_NAME_IN_TEXT.search(line) or ENV_VAR_IN_TEXT.search(line)):
            continue  # most lines: no need to find where their comment starts
        code = line[: code_end(line)]
        for match in MODEL_NAME_IN_TEXT.finditer(code):
            findings.append(
                Finding(
                    Kind.MODEL, path, index.span(offset + match.start(), offset + match.end()),
                    f"OpenAI model name {match[0]}", snippet(line, match[0]),
                    data={"model": match[0], "file_type": file_type},
                )
            )
        for match in ENV_VAR_IN_TEXT.finditer(code):
            is_set = _ASSIGNED.match(code, match.end()) is not None
            findings.append(
                Finding(
                    Kind.ENV_VAR, path, index.span(offset + match.start(), offset + match.end()),
                    f"Environment variable {match[0]} is {'set' if is_set else 'named'} in a {file_type} file",
                    snippet(line, match[0]),
                    data={"name": match[0], "set": is_set, "file_type": file_type},
                )
            )
    return sorted(findings, key=Finding.sort_key)


def _quoted_code_end(line: str, *, quotes: str, opens_anywhere: bool, comment: Callable[[str, int], bool]) -> int:
    """Where the comment starts in `line` (or its length), skipping quoted text.

    `opens_anywhere` False is YAML's rule: a quote opens a string only at the start
    of a scalar, so the apostrophe in `it's` is plain text.
    """
    quote = ""
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in quotes and (opens_anywhere or i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif comment(line, i):
            return i
        i += 1
    return len(line)


def _toml_code_end(line: str) -> int:
    return _quoted_code_end(line, quotes="\"'", opens_anywhere=True, comment=lambda s, i: s[i] == "#")


def _yaml_code_end(line: str) -> int:
    return _quoted_code_end(
        line, quotes="\"'", opens_anywhere=False, comment=lambda s, i: s[i] == "#" and (i == 0 or s[i - 1] in " \t")
    )


def _json_code_end(line: str) -> int:
    """JSON has no comments, but JSONC files (VS Code settings, tsconfig) use `//`."""
    return _quoted_code_end(line, quotes='"', opens_anywhere=True, comment=lambda s, i: s.startswith("//", i))


def _ini_code_end(line: str) -> int:
    match = _INI_COMMENT.search(line)
    return match.start() if match else len(line)


_CODE_END: dict[str, Callable[[str], int]] = {
    "yaml": _yaml_code_end,
    "json": _json_code_end,
    "toml": _toml_code_end,
    "ini": _ini_code_end,
}
