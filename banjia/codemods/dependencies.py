"""Raise `openai` pins that only allow the pre-1.0 SDK, in every dependency format scanned.

The compat strategy keeps the openai SDK but writes v1 code (clients with `base_url`,
`extra_body=`, `AzureOpenAI(azure_endpoint=...)`), which a 0.x SDK cannot run. A pin
that allows v1 already (`openai>=1.0`, `openai`, `^1.3`) is left alone; one that does
not (`==0.28.1`, `<1`, `~=0.27`, `^0.28`, `>=0.27,<1.0`) has its version part, and only
that, replaced by the floor below. Name, extras, markers, quotes and comments stay.

Lock files are never edited (they are not even scanned); where one usually sits next
to the file, a note says to regenerate it. A requirements file with `--hash` pins is a
lock file of its own: its pin is reported, not raised, because the hashes would no
longer match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from banjia.codemods.text_edits import TextRewrite
from banjia.model import Finding, Kind, Severity, Span
from banjia.rules.model import RuleSet
from banjia.scanners._text import LineIndex, normalize_text
from banjia.scanners._toml_walk import TomlKey, TomlString, walk_toml

# Everything the compat rewrite writes exists since openai 1.0 (base_url, extra_body,
# AzureOpenAI's azure_endpoint, embeddings' encoding_format), but openai releases
# before 1.55.3 pass `proxies=` to httpx, which httpx 0.28 (Nov 2024) removed: a fresh
# install of an older 1.x fails in `OpenAI()` itself (openai CHANGELOG, 1.55.3:
# "compat with new httpx 0.28.0 release"). So the floor is the first release that a
# fresh install can construct a client with.
OPENAI_V1_FLOOR = "1.55.3"
RAISED_SPEC = f">={OPENAI_V1_FLOOR}"

_VERSION = r"[0-9][0-9A-Za-z.*+!_-]*"
_PEP440_CLAUSE = rf"(?:~=|===|==|!=|<=|>=|<|>)[ \t]*{_VERSION}"
# The version part that follows a requirement's name: `[extras]` skipped, then the specifier.
_SPEC_AFTER_NAME = re.compile(
    rf"[ \t]*(?:\[[^\]\n]*\])?[ \t]*\(?[ \t]*(?P<spec>{_PEP440_CLAUSE}(?:[ \t]*,[ \t]*{_PEP440_CLAUSE})*)"
)
# One clause of a PEP 440 specifier or a Poetry constraint (`^0.28`, `~0.28`, `0.28.1`).
CONSTRAINT_CLAUSE = re.compile(rf"(?P<op>\^|~=|~|===|==|!=|<=|>=|<|>)?[ \t]*(?P<version>{_VERSION}|\*)")
_LOCK_HINT = {
    "pyproject": "regenerate the lock file if the project has one (poetry lock, uv lock, pdm lock)",
    "pipfile": "regenerate Pipfile.lock (pipenv lock)",
}


def only_before_v1(constraint: str) -> bool:
    """Whether a version constraint excludes every openai 1.x and later.

    PEP 440 specifiers and Poetry constraints alike: clauses joined by `,` or spaces
    must all hold; alternatives joined by `||` (Poetry) each must exclude v1.
    """
    alternatives = [part for part in constraint.split("||") if part.strip()]
    return bool(alternatives) and all(_alternative_before_v1(part) for part in alternatives)


def raise_openai_pins(rewrite: TextRewrite, findings: list[Finding], rules: RuleSet) -> None:
    """Raise every pre-1.0 openai pin among `findings` (DEPENDENCY findings of this file)."""
    normalized: NormalizedToml | None = None
    lock_noted = False
    for finding in findings:
        if finding.kind is not Kind.DEPENDENCY or finding.data["package"] != "openai":
            continue
        if not only_before_v1(finding.data["spec"]):
            continue
        file_type = finding.data["file_type"]
        if file_type == "requirements" and "--hash" in rewrite.text:
            rewrite.note(finding.span, Severity.MANUAL,
                         f"openai{finding.data['spec']} allows only the pre-1.0 SDK, which the migrated code cannot "
                         f"use; this file pins hashes, so regenerate it with openai{RAISED_SPEC}",
                         f"{rules.id}:dependency:openai")
            continue
        if is_package_table(finding):
            normalized = normalized or NormalizedToml(rewrite.text)
            spans = normalized.version_spans(finding.span)
        else:
            spans = spec_after_name(rewrite, finding.span)
        for span in spans:
            old = span_text(rewrite, span)
            rewrite.replace(span, RAISED_SPEC, "dependency",
                            f"openai {old} -> {RAISED_SPEC}: the migrated code needs the v1 SDK")
        hint = _LOCK_HINT.get(file_type)
        if spans and hint and not lock_noted:
            lock_noted = True
            rewrite.note(finding.span, Severity.INFO, f"openai raised to {RAISED_SPEC}: {hint}",
                         f"{rules.id}:dependency:lock")


def _alternative_before_v1(constraint: str) -> bool:
    return any(_clause_before_v1(m["op"] or "==", m["version"]) for m in CONSTRAINT_CLAUSE.finditer(constraint))


def _clause_before_v1(op: str, version: str) -> bool:
    if version == "*":
        return False
    release = release_of(version)
    if not release:
        return False
    major_zero = release[0] == 0
    if op in ("==", "===", "^", "~"):
        return major_zero  # `^0.x` and `~0.x` stay below 1 as well
    if op == "~=":
        return major_zero and len(release) >= 2
    if op == "<":
        return major_zero or (release[0] == 1 and all(part == 0 for part in release[1:]))
    if op == "<=":
        return major_zero
    return False  # `>`, `>=`, `!=` never exclude all of 1.x


def release_of(version: str) -> tuple[int, ...]:
    """The leading numeric release segment: `0.28.1rc1` -> (0, 28, 1); wildcards end it."""
    parts = []
    for piece in version.lstrip("vV").split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits[0]))
        if digits.end() != len(piece):
            break
    return tuple(parts)


def is_package_table(finding: Finding) -> bool:
    """Poetry's and Pipfile's `openai = "^0.28"` tables, as opposed to PEP 508 strings."""
    return finding.data["file_type"] == "pipfile" or finding.data["section"].startswith("tool.poetry.")


def spec_after_name(rewrite: TextRewrite, name: Span) -> list[Span]:
    """The specifier that follows a requirement's name on its line, or nothing."""
    line = rewrite.line_text(name.end_line)
    match = _SPEC_AFTER_NAME.match(line, name.end_column - 1)
    if match is None:
        return []
    return [Span(name.end_line, match.start("spec") + 1, name.end_line, match.end("spec") + 1)]


def span_text(rewrite: TextRewrite, span: Span) -> str:
    return rewrite.text[rewrite.offset(span.line, span.column) : rewrite.offset(span.end_line, span.end_column)]


class NormalizedToml:
    """The keys and strings of a TOML text, located in the scanners' normalised copy."""

    def __init__(self, text: str) -> None:
        self.index = LineIndex(normalize_text(text))
        self.events = walk_toml(self.index.text)

    def version_spans(self, key_span: Span) -> list[Span]:
        """Spans of the pre-1.0 version strings of the package whose key is at `key_span`."""
        key = self.key_at(key_span)
        if key is None:
            return []
        return [self.string_span(event) for event in self.version_strings(key) if only_before_v1(event.value)]

    def key_at(self, key_span: Span) -> TomlKey | None:
        start = self.index.offset(key_span.line, key_span.column)
        return next((e for e in self.events if isinstance(e, TomlKey) and e.start == start), None)

    def strings_under(self, key: TomlKey) -> list[TomlString]:
        """The strings of a package's value: its version, or those of its table(s)."""
        return [e for e in self.events if isinstance(e, TomlString) and e.path[: len(key.path)] == key.path]

    def version_strings(self, key: TomlKey) -> list[TomlString]:
        return [e for e in self.strings_under(key) if e.path in (key.path, (*key.path, "version"))]

    def string_span(self, string: TomlString) -> Span:
        """The string's characters, between its quotes."""
        return self.index.span(string.offsets[0], string.offsets[-1])


# ---------------------------------------------------------------- the native strategy's SDK
@dataclass(frozen=True)
class SdkDependency:
    """What dependency files gain under `migrate --strategy native`, and whether openai stays.

    `keep_openai` is a fact about the whole migration (some migrated module still imports
    openai), so it is decided after the Python files and notebooks are rewritten.
    """

    package: str  # "zhipuai"
    requirement: str  # "zhipuai>=2.1.5"
    keep_openai: bool

    @property
    def spec(self) -> str:
        """`>=2.1.5`: the floor as every dependency format writes it (rule files pin `name>=version`)."""
        return f">={self.floor}"

    @property
    def floor(self) -> str:
        return self.requirement.partition(">=")[2].strip()


_PYTHON_IMPORTS_OPENAI = re.compile(r"^[ \t]*(?:from[ \t]+openai[ \t.]|import[ \t][^\n#]*(?<![\w.])openai\b(?!\.))",
                                    re.MULTILINE)


def imports_openai(text: str, path: str) -> bool:
    """Whether a (migrated) Python file or notebook still imports the openai package."""
    if path.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
        except (ValueError, AttributeError):
            return True  # not readable: assume it does, so openai is not removed on a guess
        text = "\n".join("".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "code")
    return _PYTHON_IMPORTS_OPENAI.search(text) is not None
