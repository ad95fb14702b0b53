"""Requirement strings in setup.py.

The Python analyzer sees setup.py as code; this scanner sees its requirement lists.
A string literal counts when it is a requirement spec of a tracked package and is not
the value of an argument that names things rather than requires them
(`name="openai"`, `packages=["openai"]`, `keywords=[...]`). Tokenizing, rather than
searching the text, keeps commented-out requirements and dict keys out
(`extras_require={"openai": [...]}`) and tells which argument holds each string, which
becomes the finding's `section`: `install_requires`, `extras_require.llm`, or the
name of the variable a list was assigned to. Strings under `install_requires`,
`extras_require`, `setup_requires` or `tests_require` are certain; strings in other
lists (`REQUIRES = [...]`, passed on later) are likely.

A file that stops tokenizing part-way (an unclosed bracket, a stray dedent) keeps
the findings made before that point.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Collection, Iterator

from banjia.model import Finding
from banjia.patterns import TRACKED_PACKAGES

from ._requirement import Requirement, dependency_finding, parse_requirement
from ._text import LineIndex, normalize_text

_SETUP_REQUIREMENT_ARGUMENTS = frozenset({"install_requires", "extras_require", "setup_requires", "tests_require"})
_NAMING_ARGUMENTS = frozenset(
    {
        "name", "packages", "py_modules", "package_dir", "package_data", "namespace_packages",
        "include", "exclude", "keywords", "entry_points",
    }
)
_STRING_PREFIX = re.compile(r"[A-Za-z]*")
_SKIPPED_TOKENS = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})


def scan_setup_py(text: str, path: str, *, packages: Collection[str] = TRACKED_PACKAGES) -> list[Finding]:
    """DEPENDENCY findings for requirement strings of `packages` (the tracked ones) in a setup.py."""
    text = normalize_text(text)
    index = LineIndex(text)
    findings = []
    for token, labels in _strings_with_owners(text):
        located = _requirement_in(token, index, packages)
        if located is None or _NAMING_ARGUMENTS.intersection(labels):
            continue
        start, requirement = located
        findings.append(
            dependency_finding(
                path, index, start + requirement.start, start + requirement.end,
                package=requirement.package, spec=requirement.spec, extras=requirement.extras,
                file_type="setup.py", section=".".join(labels),
                certain=bool(labels) and labels[0] in _SETUP_REQUIREMENT_ARGUMENTS,
            )
        )
    return findings


def _strings_with_owners(text: str) -> Iterator[tuple[tokenize.TokenInfo, tuple[str, ...]]]:
    """Each string token that is not a dict key, with the names that enclose it.

    The names are keyword arguments, assignment targets and dict keys, outermost
    first: in `setup(extras_require={"llm": ["openai"]})` the string "openai" is
    owned by ("extras_require", "llm").
    """
    stack: list[str | None] = []  # one entry per open bracket: the name it belongs to
    pending: str | None = None  # a name just followed by `=` or a dict key by `:`
    previous: tokenize.TokenInfo | None = None
    held: tuple[tokenize.TokenInfo, tuple[str, ...]] | None = None  # a string, until we know it is no dict key
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _SKIPPED_TOKENS:
                continue
            if held is not None:
                string, labels = held
                held = None
                if token.exact_type == tokenize.COLON:
                    pending = _literal(string.string)
                    previous = token
                    continue
                yield string, labels
            if token.type == tokenize.STRING:
                held = (token, tuple(label for label in (*stack, pending) if label))
            elif token.type == tokenize.NEWLINE:
                stack.clear()
                pending = None
            elif token.exact_type == tokenize.EQUAL and previous is not None and previous.type == tokenize.NAME:
                pending = previous.string
            elif token.string in ("(", "[", "{"):
                stack.append(pending)
                pending = None
            elif token.string in (")", "]", "}"):
                if stack:
                    stack.pop()
                pending = None
            elif token.exact_type == tokenize.COMMA:
                pending = None
            previous = token
    except (tokenize.TokenError, SyntaxError):
        pass
    if held is not None:
        yield held


def _literal(source: str) -> str | None:
    """The value of a string literal without escapes, whose characters are its source's.

    None for bytes, f-strings, escapes (no requirement or extra name needs one).
    """
    if "\\" in source:
        return None
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _requirement_in(
    token: tokenize.TokenInfo, index: LineIndex, packages: Collection[str]
) -> tuple[int, Requirement] | None:
    """(offset of the string's first character, requirement) for a one-line string naming one of `packages`."""
    value = _literal(token.string)
    if not value or "\n" in value:
        return None
    requirement = parse_requirement(value)
    if requirement is None or not requirement.is_one_of(packages):
        return None
    prefix = _STRING_PREFIX.match(token.string).end()
    quote = 3 if token.string.startswith(('"""', "'''"), prefix) else 1
    line, column = token.start
    return index.offset(line, column + 1) + prefix + quote, requirement
