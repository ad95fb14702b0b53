"""Dependencies declared in setup.cfg.

Read line by line, as configparser does: a `[section]` header, `key = value` (or
`key: value`) at the left margin, and indented continuation lines that extend the
value. Requirements live in `[options]` `install_requires` / `setup_requires` /
`tests_require` and under every key of `[options.extras_require]`; each line of such
a value holds one requirement (a `;` there starts an environment marker).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from banjia.model import Finding
from banjia.patterns import TRACKED_PACKAGES

from ._requirement import dependency_finding, parse_requirement
from ._text import LineIndex, lines_with_offsets, normalize_text

_SECTION = re.compile(r"\[(?P<name>[^\]]+)\]")
_OPTION = re.compile(r"(?P<key>[^=:\s][^=:]*?)\s*[=:]\s*")
_INLINE_COMMENT = re.compile(r"\s+#.*")
_REQUIREMENT_OPTIONS = frozenset({"install_requires", "setup_requires", "tests_require"})


def scan_setup_cfg(text: str, path: str, *, packages: Collection[str] = TRACKED_PACKAGES) -> list[Finding]:
    """DEPENDENCY findings for `packages` (the tracked ones) in setup.cfg's requirement options."""
    text = normalize_text(text)
    index = LineIndex(text)
    findings = []
    section = ""
    value_section = ""  # where the value being continued declares requirements, else ""
    for offset, line in lines_with_offsets(text):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if line[0] in " \t":
            value_start = offset + len(line) - len(line.lstrip())
            if value_section:
                findings += _scan_value(line.lstrip(), value_start, value_section, index, path, packages)
            continue
        header = _SECTION.match(line)
        if header is not None:
            section = header["name"].strip().lower()
            value_section = ""
            continue
        option = _OPTION.match(line)
        if option is None:
            value_section = ""
            continue
        value_section = _requirements_section(section, option["key"].strip())
        if value_section:
            findings += _scan_value(line[option.end() :], offset + option.end(), value_section, index, path,
                                    packages)
    return findings


def _requirements_section(section: str, key: str) -> str:
    """`options.install_requires`, `options.extras_require.<extra>`, or "" for other options."""
    option = key.lower().replace("-", "_")
    if section == "options" and option in _REQUIREMENT_OPTIONS:
        return f"options.{option}"
    if section == "options.extras_require":
        return f"options.extras_require.{key}"
    return ""


def _scan_value(
    value: str, start: int, section: str, index: LineIndex, path: str, packages: Collection[str]
) -> list[Finding]:
    requirement = parse_requirement(_INLINE_COMMENT.sub("", value))
    if requirement is None or not requirement.is_one_of(packages):
        return []
    return [
        dependency_finding(
            path, index, start + requirement.start, start + requirement.end,
            package=requirement.package, spec=requirement.spec, extras=requirement.extras,
            file_type="setup.cfg", section=section,
        )
    ]
