"""pip requirements and pip-tools `.in` files.

Follows pip's own reading order: a trailing backslash joins lines, then comments
(`#` at the start or after whitespace) go, then per-requirement options such as
`--hash=...`. Option lines (`-r`, `-c`, `--index-url`, `--no-binary openai`) name no
dependency, except `-e`/`--editable`, whose URL may say `#egg=openai`. Direct URLs
and archive paths are read by their `#egg=` fragment or their file name
(`openai-1.3.0-py3-none-any.whl`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from banjia.model import Finding
from banjia.patterns import TRACKED_PACKAGES

from ._requirement import NAME, dependency_finding, parse_requirement
from ._text import LineIndex, lines_with_offsets, normalize_text

_COMMENT = re.compile(r"(?:^|\s+)#.*")
_REQUIREMENT_OPTIONS = re.compile(r"\s+--?[A-Za-z].*")
_EDITABLE = re.compile(r"(?:-e|--editable)(?:\s+|\s*=\s*|(?=[^\s=]))(?P<target>\S.*)")
_EGG = re.compile(rf"#egg=(?P<name>{NAME})")
_ARCHIVE = re.compile(r"(?:^|/)(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*?)-\d[^/\s]*\.(?:whl|tar\.gz|tar\.bz2|zip)\Z")


def scan_requirements(text: str, path: str, *, packages: Collection[str] = TRACKED_PACKAGES) -> list[Finding]:
    """DEPENDENCY findings for `packages` (the tracked ones) in a requirements or constraints file."""
    text = normalize_text(text)
    index = LineIndex(text)
    # Blanking "\\\n" to two spaces joins continued lines while keeping every offset.
    joined = text.replace("\\\n", "  ")
    findings = []
    for offset, line in lines_with_offsets(joined):
        content = _COMMENT.sub("", line)
        stripped = content.strip()
        if not stripped:
            continue
        lead = len(content) - len(content.lstrip())
        located = _locate_dependency(stripped, packages)
        if located is None:
            continue
        start, end, package, spec, extras = located
        findings.append(
            dependency_finding(
                path, index, offset + lead + start, offset + lead + end,
                package=package, spec=spec, extras=extras, file_type="requirements", section="",
            )
        )
    return findings


def _locate_dependency(entry: str, packages: Collection[str]) -> tuple[int, int, str, str, tuple[str, ...]] | None:
    """(name start, name end, package, spec, extras) of one of `packages` in one entry."""
    editable = _EDITABLE.match(entry)
    if editable is not None:
        return _from_url(entry, editable.start("target"), packages)
    if entry.startswith("-"):
        return None
    requirement = parse_requirement(_REQUIREMENT_OPTIONS.sub("", entry))
    if requirement is not None:
        if not requirement.is_one_of(packages):
            return None
        return requirement.start, requirement.end, requirement.package, requirement.spec, requirement.extras
    return _from_url(entry, 0, packages)


def _from_url(entry: str, start: int, packages: Collection[str]) -> tuple[int, int, str, str, tuple[str, ...]] | None:
    """One of `packages` named by a URL's `#egg=` fragment or an archive's file name."""
    target = _REQUIREMENT_OPTIONS.sub("", entry[start:]).strip()
    match = _EGG.search(target) or _ARCHIVE.search(target.split("#", 1)[0])
    if match is None:
        return None
    requirement = parse_requirement(match["name"])
    if requirement is None or not requirement.is_one_of(packages):
        return None
    return start + match.start("name"), start + match.end("name"), requirement.package, "", ()
