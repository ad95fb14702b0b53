"""PEP 508 requirement strings, and the finding for one that names a tracked package.

Every dependency format (requirements files, pyproject arrays, setup.cfg, setup.py)
ends up holding strings like `openai[datalib]>=1.0; python_version >= "3.8"`; parsing
them in one place keeps `spec` and `extras` identical whatever file they came from.
The parser is strict about the version part so prose ("openai is great") is not
taken for a requirement.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from banjia.model import Confidence, Finding, Kind
from banjia.patterns import TRACKED_PACKAGES, normalize_package

from ._snippet import snippet
from ._text import LineIndex

NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_REQUIREMENT = re.compile(rf"\s*(?P<name>{NAME})\s*(?:\[(?P<extras>[^\]]*)\])?(?P<rest>.*)\Z", re.DOTALL)
_CLAUSE = r"(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+"
_SPECIFIER = re.compile(rf"{_CLAUSE}(?:\s*,\s*{_CLAUSE})*")


@dataclass(frozen=True)
class Requirement:
    """A parsed requirement; `start`/`end` locate the name in the parsed string."""

    name: str
    start: int
    end: int
    extras: tuple[str, ...]
    spec: str  # version specifier without spaces, "" when unversioned or a URL

    @property
    def package(self) -> str:
        return normalize_package(self.name)

    def is_one_of(self, packages: Collection[str]) -> bool:
        return self.package in packages


def parse_requirement(text: str) -> Requirement | None:
    """`name[extras] spec ; marker` or `name @ url ; marker`; None if `text` is not one."""
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    rest = match["rest"].strip()
    spec = ""
    if not rest.startswith("@"):
        version = rest.partition(";")[0].strip()
        if version.startswith("(") and version.endswith(")"):
            version = version[1:-1].strip()
        if version and not _SPECIFIER.fullmatch(version):
            return None
        spec = re.sub(r"\s+", "", version)
    extras = tuple(extra.strip() for extra in (match["extras"] or "").split(",") if extra.strip())
    return Requirement(match["name"], match.start("name"), match.end("name"), extras, spec)


def dependency_finding(
    path: str,
    index: LineIndex,
    start: int,
    end: int,
    *,
    package: str,
    spec: str,
    extras: tuple[str, ...] | list[str],
    file_type: str,
    section: str,
    certain: bool = True,
) -> Finding:
    """The DEPENDENCY finding for a tracked package named at text[start:end]."""
    where = f" in {section}" if section else ""
    return Finding(
        Kind.DEPENDENCY,
        path,
        index.span(start, end),
        f"Dependency on {package}{spec}{where}: {TRACKED_PACKAGES.get(package, 'a requirement')}",
        snippet(index.line_at(start), index.text[start:end]),
        Confidence.CERTAIN if certain else Confidence.LIKELY,
        data={"package": package, "spec": spec, "extras": list(extras), "file_type": file_type, "section": section},
    )
