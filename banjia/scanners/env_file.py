"""dotenv files: `.env`, `.env.example`, `prod.env`, direnv's `.envrc`.

Each `NAME=value` line (optionally `export NAME=value`, quoted or not, with a
trailing `# comment`) that sets an OpenAI variable is an ENV_VAR finding; a value
that names an OpenAI model (`OPENAI_MODEL=gpt-4o`) is also a MODEL finding, and a
value that reads another OpenAI variable (`LLM_KEY=${OPENAI_API_KEY}`) an ENV_VAR
finding with `set` False.

Values in these files are secrets more often than not, so the snippet always shows
`NAME=***` instead of the value, unless the value is plainly no secret: empty, a
`${VAR}` reference, or model names only.
"""

from __future__ import annotations

import re

from banjia.model import Finding, Kind
from banjia.patterns import ENV_VAR_IN_TEXT, ENV_VAR_NAME, MODEL_NAME_IN_TEXT

from ._snippet import MASK, snippet
from ._text import LineIndex, lines_with_offsets, normalize_text

_ASSIGNMENT = re.compile(r"[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*")
_UNQUOTED_COMMENT = re.compile(r"\s#.*")
_MODEL = MODEL_NAME_IN_TEXT.pattern
_SHOWABLE_VALUE = re.compile(
    rf"|\$\{{[A-Za-z_]\w*\}}|\$[A-Za-z_]\w*|(?:{_MODEL})(?:[\s,;]+(?:{_MODEL}))*", MODEL_NAME_IN_TEXT.flags
)


def scan_env_file(text: str, path: str) -> list[Finding]:
    """ENV_VAR and MODEL findings in a dotenv file, with values masked in snippets."""
    text = normalize_text(text)
    index = LineIndex(text)
    findings: list[Finding] = []
    open_quote = ""  # the quote of a value that continues on the next lines
    for offset, line in lines_with_offsets(text):
        if open_quote:
            if _closing_quote(line, 0, open_quote) != -1:
                open_quote = ""
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment is None:
            continue
        value_start, value_end, open_quote = _value_bounds(line, assignment.end())
        value = line[value_start:value_end]
        if _SHOWABLE_VALUE.fullmatch(value):
            shown = line.strip()
        else:
            shown = line[: assignment.end()].strip() + MASK
        name = assignment["name"]
        if ENV_VAR_NAME.fullmatch(name):
            findings.append(_env_var(path, index, offset + assignment.start("name"), name, True, shown))
        if open_quote:
            continue  # a multi-line value: not a model name, not a reference
        for match in ENV_VAR_IN_TEXT.finditer(value):
            findings.append(_env_var(path, index, offset + value_start + match.start(), match[0], False, shown))
        for match in MODEL_NAME_IN_TEXT.finditer(value):
            start = offset + value_start + match.start()
            findings.append(
                Finding(
                    Kind.MODEL, path, index.span(start, start + len(match[0])),
                    f"OpenAI model name {match[0]}", snippet(shown, match[0]),
                    data={"model": match[0], "file_type": "env"},
                )
            )
    return sorted(findings, key=Finding.sort_key)


def _env_var(path: str, index: LineIndex, start: int, name: str, is_set: bool, shown: str) -> Finding:
    verb = "set" if is_set else "read"
    return Finding(
        Kind.ENV_VAR, path, index.span(start, start + len(name)),
        f"Environment variable {name} is {verb} in an env file", snippet(shown, name),
        data={"name": name, "set": is_set, "file_type": "env"},
    )


def _value_bounds(line: str, start: int) -> tuple[int, int, str]:
    """(start, end) of the value's content, and its quote if it is not closed on this line."""
    quote = line[start : start + 1]
    if quote in ('"', "'"):
        close = _closing_quote(line, start + 1, quote)
        if close == -1:
            return start + 1, len(line), quote
        return start + 1, close, ""
    comment = _UNQUOTED_COMMENT.search(line, max(start - 1, 0))  # `KEY= # note` is empty
    end = comment.start() if comment else len(line)
    return start, max(start, len(line[:end].rstrip())), ""


def _closing_quote(line: str, start: int, quote: str) -> int:
    """Index of the quote that closes a value; backslash escapes only in double quotes."""
    i = start
    while i < len(line):
        if line[i] == "\\" and quote == '"':
            i += 2
            continue
        if line[i] == quote:
            return i
        i += 1
    return -1
