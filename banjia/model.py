"""Plain, picklable values that flow from the analyzers to the reporters.

Every stage of banjia (discover -> analyze -> report) talks in these types only, so
worker processes can send them back unchanged and reporters never need libcst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Kind(str, Enum):
    """What a finding is. The value is the stable id used in JSON and SARIF."""

    IMPORT = "import"  # `import openai`, `from openai import OpenAI`
    TYPE_IMPORT = "type-import"  # `from openai.types.chat import ...`: typing only
    CLIENT = "client"  # `OpenAI(...)`, `AsyncAzureOpenAI(...)`, `openai.Client(...)`
    CONFIG = "config"  # `openai.api_key = ...` (module-level configuration)
    CALL = "call"  # an API call through the SDK, v1 or legacy v0
    ERROR_REF = "error-ref"  # `openai.error.RateLimitError` (legacy v0 exceptions)
    MODEL = "model"  # an OpenAI model name, in code or in a config file
    ENV_VAR = "env-var"  # OPENAI_API_KEY and friends, read in code or set in .env files
    DEPENDENCY = "dependency"  # openai / tiktoken / langchain-openai ... in dependency files
    WRAPPER = "wrapper"  # langchain ChatOpenAI, llama_index OpenAI, tiktoken encodings
    UNPROCESSABLE = "unprocessable"  # a file that could not be read or parsed


class Confidence(str, Enum):
    """How sure the analyzer is that a finding really is the OpenAI SDK.

    `certain`: the receiver resolves to the openai module or a client through imports,
    assignments, attributes, annotations or defaults. `likely`: it does not resolve,
    but the file imports openai and the call has the SDK's unmistakable shape.
    """

    CERTAIN = "certain"
    LIKELY = "likely"


@dataclass(frozen=True, order=True)
class Span:
    """A source range. Lines and columns are 1-based; the end column is exclusive.

    For notebooks, `cell` is the 0-based index of the cell in the notebook's `cells`
    list (markdown cells count, as in nbformat and every notebook viewer's cell
    order) and lines count from the start of that cell.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    cell: int | None = None


@dataclass(frozen=True)
class Finding:
    """One OpenAI dependency at one place in one file.

    `data` carries kind-specific facts with JSON-friendly values, e.g. for a call:
    {"api": "chat.completions.create", "client": "OpenAI", "model": "gpt-4o",
     "params": {"temperature": 0.2}, "spread": ["**kwargs"]}.
    """

    kind: Kind
    path: str  # POSIX path, relative to the working directory when the file is below it
    span: Span
    message: str
    snippet: str = ""
    confidence: Confidence = Confidence.CERTAIN
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple:
        s = self.span
        cell = -1 if s.cell is None else s.cell
        return (self.path, cell, s.line, s.column, s.end_line, s.end_column, self.kind.value, self.message)

    def to_dict(self) -> dict[str, Any]:
        span = {
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
        }
        if self.span.cell is not None:
            span["cell"] = self.span.cell
        return {
            "kind": self.kind.value,
            "path": self.path,
            **span,
            "confidence": self.confidence.value,
            "message": self.message,
            "snippet": self.snippet,
            "data": self.data,
        }


@dataclass(frozen=True)
class FileResult:
    """What analysing one file produced: its findings, or why it could not be analysed."""

    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None  # set when the file could not be read or parsed


@dataclass(frozen=True)
class AuditResult:
    """The whole audit: every file scanned, in a stable (path) order."""

    roots: tuple[str, ...]
    files: tuple[FileResult, ...]
    files_scanned: int  # files discovered and looked at (prefilter included)
    files_parsed: int  # files that passed the prefilter and were fully analysed
    target: str | None = None  # the provider id the sites were judged against (`audit --to`)
    strategy: str | None = None  # the migration strategy they were judged on (with `target`)

    @property
    def findings(self) -> list[Finding]:
        return [f for fr in self.files for f in fr.findings]

    @property
    def errors(self) -> list[FileResult]:
        return [fr for fr in self.files if fr.error is not None]


# ---------------------------------------------------------------- migration
class Severity(str, Enum):
    """How much a migration note asks of a person."""

    INFO = "info"  # done automatically; worth knowing (e.g. a clamped value)
    MANUAL = "manual"  # not changed: a person must decide (a TODO comment marks the place)
    BLOCKED = "blocked"  # the provider cannot do this at all (e.g. DeepSeek embeddings)


class Verdict(str, Enum):
    """How much of one call site the compat rewrite handles (`audit --to`), least work first.

    Stored in a CALL, CLIENT or WRAPPER finding's `data["verdict"]`, with the note
    messages behind it in `data["verdict_reasons"]`.
    """

    AUTO = "auto"  # rewritten completely, nothing to read
    AUTO_WITH_NOTES = "auto-with-notes"  # rewritten; INFO notes (a clamped value, a dynamic model) to read
    MANUAL = "manual"  # a person must act (a MANUAL note, an unsafe fix left for --unsafe)
    BLOCKED = "blocked"  # the provider has no equivalent (a BLOCKED note)

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


@dataclass(frozen=True)
class Change:
    """One automatic edit, for the report (the edit itself is in the file's new text)."""

    path: str
    span: Span  # where it was, in the original file
    category: str  # "client" | "model" | "parameter" | "import" | "legacy" | "dependency" | "env" | "wrapper"
    message: str  # "temperature 2 clamped to 1.99 (DashScope accepts [0, 2))"
    safety: str = "safe"  # the rule's safety level: "safe" or "unsafe"


@dataclass(frozen=True)
class Note:
    """Something the migration did not (or could not) do, for a person to follow up."""

    path: str
    span: Span
    severity: Severity
    message: str
    rule: str = ""  # e.g. "deepseek:unsupported:embeddings", "qwen:parameter:logit_bias"


@dataclass(frozen=True)
class FileMigration:
    """One file's migration: its text before and after, what changed, what is left."""

    path: str  # as in findings: relative to the working directory when below it
    before: str  # decoded original text ("" for a file the migration creates)
    after: str  # migrated text; equal to `before` when nothing changed
    encoding: str = "utf-8"  # re-encode `after` with this (a BOM is part of the encoding: "utf-8-sig")
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()
    error: str | None = None  # the file could not be migrated (read, decode, parse, re-parse)
    location: str = ""  # where it was read on disk (absolute); writes go there, whatever `path` says

    @property
    def changed(self) -> bool:
        return self.error is None and self.after != self.before


@dataclass(frozen=True)
class MigrationResult:
    provider: str  # rule set id, e.g. "qwen"
    strategy: str  # "compat" (openai SDK pointed at the provider) or "native"
    files: tuple[FileMigration, ...]  # every file looked at, in path order

    @property
    def changed_files(self) -> list[FileMigration]:
        return [f for f in self.files if f.changed]

    @property
    def errors(self) -> list[FileMigration]:
        return [f for f in self.files if f.error is not None]
