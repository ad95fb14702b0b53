"""Dependencies declared in pyproject.toml and Pipfile.

TOML declares dependencies in two shapes, and every tool picks one of them:

- arrays of PEP 508 strings: PEP 621 `dependencies` and `optional-dependencies.<extra>`,
  PEP 735 `[dependency-groups]`, `[tool.uv] dev-dependencies`, PDM's and Hatch's
  lists, `[build-system] requires`;
- tables keyed by package name: Poetry's `[tool.poetry.dependencies]` and
  `group.<name>.dependencies`, and the Pipfile's `[packages]` / `[dev-packages]`,
  where the value is a version (`"^1.0"`), a table (`{version = ..., extras = [...]}`),
  or a list of such tables.

Keys elsewhere (`[project] name = "openai-tools"`, `[tool.poetry.extras]`) never count.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from banjia.model import Finding
from banjia.patterns import TRACKED_PACKAGES, normalize_package

from ._requirement import dependency_finding, parse_requirement
from ._text import LineIndex, normalize_text
from ._toml_walk import Path, TomlKey, TomlString, walk_toml

# Keys whose value is an array of requirement strings.
_REQUIREMENT_LIST_KEYS = frozenset({"dependencies", "dev-dependencies", "extra-dependencies", "requires"})
# Tables whose every key holds such an array (extras, dependency groups, PDM groups).
_REQUIREMENT_LIST_TABLES = frozenset({"optional-dependencies", "dependency-groups", "dev-dependencies"})


def scan_pyproject(text: str, path: str, *, packages: Collection[str] = TRACKED_PACKAGES) -> list[Finding]:
    """DEPENDENCY findings for `packages` (the tracked ones) declared anywhere in a pyproject.toml."""
    text = normalize_text(text)
    index = LineIndex(text)
    events = walk_toml(text)
    findings = _requirement_list_findings(events, index, path, packages)
    findings += _package_table_findings(events, index, path, _is_poetry_table, "pyproject", packages)
    return sorted(findings, key=Finding.sort_key)


def scan_pipfile(text: str, path: str, *, packages: Collection[str] = TRACKED_PACKAGES) -> list[Finding]:
    """DEPENDENCY findings for `packages` (the tracked ones) in a Pipfile's package tables."""
    text = normalize_text(text)
    index = LineIndex(text)
    return _package_table_findings(walk_toml(text), index, path, _is_pipfile_table, "pipfile", packages)


def _is_requirement_list(path: Path) -> bool:
    return bool(path) and (
        path[-1] in _REQUIREMENT_LIST_KEYS or (len(path) >= 2 and path[-2] in _REQUIREMENT_LIST_TABLES)
    )


def _is_poetry_table(path: Path) -> bool:
    if path[:2] != ("tool", "poetry"):
        return False
    rest = path[2:]
    return rest in (("dependencies",), ("dev-dependencies",)) or (
        len(rest) == 3 and rest[0] == "group" and rest[2] == "dependencies"
    )


def _is_pipfile_table(path: Path) -> bool:
    return path in (("packages",), ("dev-packages",))


def _requirement_list_findings(
    events: list[TomlKey | TomlString], index: LineIndex, path: str, packages: Collection[str]
) -> list[Finding]:
    findings = []
    for event in events:
        if not (isinstance(event, TomlString) and event.in_array and _is_requirement_list(event.path)):
            continue
        requirement = parse_requirement(event.value)
        if requirement is None or not requirement.is_one_of(packages):
            continue
        findings.append(
            dependency_finding(
                path, index, event.offsets[requirement.start], event.offsets[requirement.end],
                package=requirement.package, spec=requirement.spec, extras=requirement.extras,
                file_type="pyproject", section=".".join(event.path),
            )
        )
    return findings


def _package_table_findings(
    events: list[TomlKey | TomlString],
    index: LineIndex,
    path: str,
    is_package_table: Callable[[Path], bool],
    file_type: str,
    packages: Collection[str],
) -> list[Finding]:
    """One finding per key of one of `packages`, at its first mention, with all its versions."""
    first_mention: dict[Path, TomlKey] = {}
    for event in events:
        if (
            isinstance(event, TomlKey)
            and len(event.path) > 1
            and is_package_table(event.path[:-1])
            and normalize_package(event.path[-1]) in packages
        ):
            first_mention.setdefault(event.path, event)
    findings = []
    for key_path, key in first_mention.items():
        versions: list[str] = []
        extras: list[str] = []
        for event in events:
            if not isinstance(event, TomlString):
                continue
            if event.path in (key_path, (*key_path, "version")):
                version = "".join(event.value.split())
                if version not in ("", "*") and version not in versions:
                    versions.append(version)
            elif event.path == (*key_path, "extras") and event.value not in extras:
                extras.append(event.value)
        findings.append(
            dependency_finding(
                path, index, key.start, key.end,
                package=normalize_package(key_path[-1]), spec=" || ".join(versions), extras=extras,
                file_type=file_type, section=".".join(key_path[:-1]),
            )
        )
    return findings
