"""Declaring the provider's SDK in dependency files, for `migrate --strategy native`.

Wherever openai is declared (each requirements file, PEP 621 / PEP 735 list, Poetry
group, Pipfile table, setup.cfg option, setup.py list is a section of its own), the
SDK is declared too: next to openai while migrated code still imports it, in its
place otherwise. A section that already declares the SDK does not get it twice: its
floor is raised when it allows releases older than the one the rewrite was checked
against, and openai, when nothing imports it, is removed.

Edits are minimal and textual, so comments, order, quoting and line ends stay. The
floor is written `>=X` in every dialect: PEP 440, Poetry and Pipenv all read it as
"X or newer" (Poetry's `^X` would also cap the major version).
"""

from __future__ import annotations

import re

from banjia.codemods.dependencies import (
    CONSTRAINT_CLAUSE, NormalizedToml, SdkDependency, is_package_table, release_of, span_text, spec_after_name,
)
from banjia.codemods.text_edits import TextRewrite
from banjia.model import Finding, Kind, Severity, Span
from banjia.patterns import normalize_package
from banjia.rules.model import RuleSet
from banjia.scanners import DEPENDENCY_SCANNERS, scanners_for
from banjia.scanners._toml_walk import TomlKey

_UPPER_BOUNDS = ("<", "<=", "!=")
_EXTRAS = re.compile(r"[ \t]*\[[^\]\n]*\]")
_REST_OF_OWN_LINE = re.compile(r"[ \t]*,?[ \t]*(?:#.*)?")
_SETUP_CFG_OPTION = re.compile(r"[^=:\s][^=:]*[=:]")


def declare_sdk(rewrite: TextRewrite, findings: list[Finding], rules: RuleSet, sdk: SdkDependency) -> None:
    """Declare `sdk` in each section of this file that declares openai (`findings`: the file's)."""
    openai = [f for f in findings if f.kind is Kind.DEPENDENCY and f.data["package"] == "openai"]
    if not openai:
        return
    editor = _Editor(rewrite, rules, sdk)
    if any(f.data["file_type"] == "requirements" for f in openai) and "--hash" in rewrite.text:
        editor.manual(openai[0], f"declare {sdk.requirement} and regenerate this file: it pins hashes, "
                                 "which an edit would no longer match")
        return
    declared = editor.sdk_declarations()
    for finding in declared:
        editor.raise_floor(finding)
    sections_with_sdk = {f.data["section"] for f in declared}
    done: set[str] = set()
    for finding in openai:
        section = finding.data["section"]
        if section in sections_with_sdk:
            if not sdk.keep_openai:
                editor.remove(finding)
        elif not sdk.keep_openai:
            editor.replace(finding)
        elif section not in done:
            editor.add_after(finding)
        done.add(section)


def raised_spec(spec: str, floor: str) -> str | None:
    """`spec` with its lower bound raised to `floor`, or None when it needs no raising.

    Unversioned (`""`, `*`) needs none; nor does a lower bound at or above the floor.
    Upper bounds that still admit the floor stay: `>=2.0,<3` -> `>=2.1.5,<3`.
    """
    clauses = [(m["op"] or "==", m["version"]) for m in CONSTRAINT_CLAUSE.finditer(spec) if m["version"] != "*"]
    if not clauses:
        return None
    least = release_of(floor)
    lower = [release_of(version) for op, version in clauses if op not in _UPPER_BOUNDS]
    if lower and max(lower) >= least:
        return None
    kept = [f"{op}{version}" for op, version in clauses if op in _UPPER_BOUNDS and _admits(op, version, least)]
    return ",".join([f">={floor}", *kept])


def _admits(op: str, version: str, least: tuple[int, ...]) -> bool:
    bound = release_of(version)
    return {"<": least < bound, "<=": least <= bound}.get(op, bound != least)


class _Editor:
    """The edits of one file, by dialect: requirement lines, quoted requirement strings, package tables."""

    def __init__(self, rewrite: TextRewrite, rules: RuleSet, sdk: SdkDependency) -> None:
        self.rewrite = rewrite
        self.rules = rules
        self.sdk = sdk
        self._toml: NormalizedToml | None = None

    @property
    def toml(self) -> NormalizedToml:
        self._toml = self._toml or NormalizedToml(self.rewrite.text)
        return self._toml

    def sdk_declarations(self) -> list[Finding]:
        packages = {normalize_package(self.sdk.package)}
        path, text = self.rewrite.path, self.rewrite.text
        return [f for scan in scanners_for(path) if scan in DEPENDENCY_SCANNERS
                for f in scan(text, path, packages=packages)]

    def manual(self, finding: Finding, message: str) -> None:
        self.rewrite.note(finding.span, Severity.MANUAL, message, f"{self.rules.id}:dependency:{self.sdk.package}")

    # -- the four edits
    def replace(self, openai: Finding) -> None:
        """openai's declaration becomes the SDK's: name, extras and version; markers and comments stay."""
        why = f"openai -> {self.sdk.requirement}: no migrated code imports openai any more"
        name = openai.span
        if is_package_table(openai):
            self._replace_table_entry(openai, why)
        elif self._starts_entry(openai):
            extras = _EXTRAS.match(self.rewrite.line_text(name.line), name.end_column - 1)
            spec = spec_after_name(self.rewrite, name)
            end = spec[0].end_column if spec else extras.end() + 1 if extras else name.end_column
            self.rewrite.replace(Span(name.line, name.column, name.line, end), self.sdk.requirement, "dependency",
                                 why)
        else:
            self.manual(openai, f"replace openai with {self.sdk.requirement} here: no migrated code imports openai")

    def add_after(self, openai: Finding) -> None:
        """The SDK declared right after openai, in the same style."""
        if is_package_table(openai):
            self._add_table_entry(openai)
        elif openai.data["file_type"] in ("requirements", "setup.cfg"):
            self._add_line(openai)
        else:
            self._add_string(openai)

    def remove(self, openai: Finding) -> None:
        """openai's declaration goes (the section declares the SDK already, and nothing imports openai)."""
        why = f"openai removed: no migrated code imports it ({self.sdk.package} is declared)"
        span = openai.span
        if is_package_table(openai):
            whole_line = self._table_entry_on_its_line(openai) is not None
        elif openai.data["file_type"] in ("requirements", "setup.cfg"):
            whole_line = self.rewrite.line_text(span.line)[: span.column - 1].strip() == ""
        else:
            self._remove_string(openai, why)
            return
        if whole_line:
            self._delete_line(span.line, why)
        else:
            self.manual(openai, f"remove openai here: no migrated code imports it ({self.sdk.package} is declared)")

    def raise_floor(self, declared: Finding) -> None:
        """A declaration of the SDK that allows releases older than the floor gets the floor."""
        if is_package_table(declared):
            key = self.toml.key_at(declared.span)
            spans = [self.toml.string_span(s) for s in self.toml.version_strings(key)] if key else []
        else:
            spans = spec_after_name(self.rewrite, declared.span)
        for span in spans:
            old = span_text(self.rewrite, span)
            new = raised_spec(old, self.sdk.floor)
            if new is not None:
                self.rewrite.replace(span, new, "dependency",
                                     f"{self.sdk.package} {old} -> {new}: the migrated code needs {self.sdk.requirement}")

    # -- requirement lines (requirements files, setup.cfg)
    def _add_line(self, openai: Finding) -> None:
        line_number = openai.span.line
        line = self.rewrite.line_text(line_number)
        prefix = line[: openai.span.column - 1]
        indent = prefix if prefix.strip() == "" else "    "  # setup.cfg `install_requires = openai`
        self._insert_after_line(line_number, indent + self.sdk.requirement)

    # -- quoted requirement strings (PEP 621 / PEP 735 lists, setup.py)
    def _add_string(self, openai: Finding) -> None:
        literal = self._literal(openai, f"add {self.sdk.requirement} here: the migrated code uses the "
                                        f"{self.rules.name} SDK")
        if literal is None:
            return
        quote, line, _, end = literal
        line_number = openai.span.line
        if line.strip().startswith(quote) and line.rstrip().endswith(","):
            indent = line[: len(line) - len(line.lstrip())]
            self._insert_after_line(line_number, f"{indent}{quote}{self.sdk.requirement}{quote},")
            return
        self.rewrite.replace(Span(line_number, end + 1, line_number, end + 1), f", {quote}{self.sdk.requirement}{quote}",
                             "dependency", self._added())

    def _remove_string(self, openai: Finding, why: str) -> None:
        literal = self._literal(openai, f"remove openai here: no migrated code imports it ({self.sdk.package} is "
                                        "declared)")
        if literal is None:
            return
        _, line, start, end = literal
        line_number = openai.span.line
        if line[:start].strip() == "" and _REST_OF_OWN_LINE.fullmatch(line[end:]):
            self._delete_line(line_number, why)
            return
        after = re.match(r"[ \t]*,[ \t]*", line[end:])
        before = re.search(r"[ \t]*,[ \t]*\Z", line[:start])
        if after is not None and line[end + after.end():][:1] not in ("]", ")", ""):
            end += after.end()
        elif before is not None:
            start = before.start()
        elif after is not None:
            end += after.end()
        self.rewrite.replace(Span(line_number, start + 1, line_number, end + 1), "", "dependency", why)

    def _literal(self, openai: Finding, otherwise: str) -> tuple[str, str, int, int] | None:
        """(quote, its line, 0-based columns of the literal's start and end) of the string holding openai;
        None, with `otherwise` as a note, for a literal this does not edit."""
        quote, opening, closing = self._string_bounds(openai.span)
        if quote is None:
            self.manual(openai, otherwise)
            return None
        line_start = self.rewrite.offset(openai.span.line, 1)
        return quote, self.rewrite.line_text(openai.span.line), opening - line_start, closing - line_start + 1

    def _string_bounds(self, name: Span) -> tuple[str | None, int, int]:
        """(quote, offset of the opening quote, offset of the closing quote) of the literal holding `name`;
        quote None for a literal this does not edit (triple-quoted, prefixed, not at the literal's start)."""
        start = self.rewrite.offset(name.line, name.column)
        quote = self.rewrite.text[start - 1 : start]
        if quote not in ("'", '"') or self.rewrite.text[start - 3 : start] == quote * 3:
            return None, 0, 0
        if self.rewrite.text[start - 2 : start - 1].isalpha():
            return None, 0, 0
        return quote, start - 1, self.rewrite.text.index(quote, start)

    # -- package tables (Poetry, Pipfile)
    def _table_entry_on_its_line(self, finding: Finding) -> TomlKey | None:
        """The entry's key, when the entry is alone on one line (then a line can be added or removed)."""
        key = self.toml.key_at(finding.span)
        if key is None:
            return None
        line = finding.span.line
        text = self.rewrite.line_text(line).lstrip()
        if not text.startswith((key.path[-1], f'"{key.path[-1]}"', f"'{key.path[-1]}'")):
            return None
        if any(self.toml.string_span(s).end_line != line for s in self.toml.strings_under(key)):
            return None
        value = self.rewrite.line_text(line).split("=", 1)[-1].strip()
        return key if not value.startswith("[") or "]" in value else None

    def _replace_table_entry(self, openai: Finding, why: str) -> None:
        key = self.toml.key_at(openai.span)
        strings = self.toml.strings_under(key) if key is not None else []
        versions = self.toml.version_strings(key) if key is not None else []
        if key is None or not versions or any(len(s.path) > len(key.path) + 1 for s in strings):
            self.manual(openai, f"replace openai with {self.sdk.requirement} here: no migrated code imports openai")
            return
        self.rewrite.replace(openai.span, self.sdk.package, "dependency", why)
        for version in versions:
            self.rewrite.replace(self.toml.string_span(version), self.sdk.spec, "dependency", why)
        extras = self._extras_span(key)
        if extras is not None:
            self.rewrite.replace(extras, "", "dependency", f"openai's extras removed: {self.sdk.package} has none")

    def _extras_span(self, key: TomlKey) -> Span | None:
        """`, extras = [...]` of an inline table, with one separating comma."""
        extras = next((e for e in self.toml.events if isinstance(e, TomlKey) and e.path == (*key.path, "extras")),
                      None)
        if extras is None:
            return None
        text = self.toml.index.text
        start = extras.start - 1 if text[extras.start - 1] in "\"'" else extras.start
        end = text.find("]", extras.end)
        if end == -1 or "\n" in text[start:end]:
            return None
        end += 1
        before = re.search(r",[ \t]*\Z", text[:start])
        after = re.match(r"[ \t]*,[ \t]*", text[end:])
        if before is not None:
            start = before.start()
        elif after is not None:
            end += after.end()
        return self.toml.index.span(start, end)

    def _add_table_entry(self, openai: Finding) -> None:
        key = self._table_entry_on_its_line(openai)
        if key is None:
            self.manual(openai, f"add {self.sdk.requirement} here: the migrated code uses the {self.rules.name} SDK")
            return
        strings = self.toml.strings_under(key)
        quote = self.toml.index.text[strings[0].offsets[0] - 1] if strings else '"'
        line = self.rewrite.line_text(openai.span.line)
        indent = line[: len(line) - len(line.lstrip())]
        self._insert_after_line(openai.span.line, f"{indent}{self.sdk.package} = {quote}{self.sdk.spec}{quote}")

    # -- text helpers
    def _starts_entry(self, finding: Finding) -> bool:
        """Whether the name begins a requirement this edits (not a URL's `#egg=openai`, not an f-string)."""
        name = finding.span
        file_type = finding.data["file_type"]
        if file_type not in ("requirements", "setup.cfg"):
            return self._string_bounds(name)[0] is not None
        before = self.rewrite.line_text(name.line)[: name.column - 1].strip()
        return before == "" or (file_type == "setup.cfg" and _SETUP_CFG_OPTION.fullmatch(before) is not None)

    def _insert_after_line(self, line_number: int, addition: str) -> None:
        end = len(self.rewrite.line_text(line_number)) + 1
        self.rewrite.replace(Span(line_number, end, line_number, end), self.rewrite.line_end + addition,
                             "dependency", self._added())

    def _delete_line(self, line_number: int, why: str) -> None:
        length = len(self.rewrite.line_text(line_number))
        ends_with_line_end = self.rewrite.offset(line_number, length + 1) < len(self.rewrite.text)
        span = Span(line_number, 1, line_number + 1, 1) if ends_with_line_end else Span(line_number, 1, line_number,
                                                                                        length + 1)
        self.rewrite.replace(span, "", "dependency", why)

    def _added(self) -> str:
        return f"{self.sdk.requirement} added: the migrated code uses it (openai stays: code still imports it)"
