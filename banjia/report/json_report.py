"""The audit as JSON, for scripts and for diffing one run against the next.

The output is canonical: files by path, findings by `Finding.sort_key()`, keys
sorted, so the same audit always gives the same bytes whatever order the workers
finished in.

Schema version 1; fields added since are additive. With `audit --to ID`: `summary.target`
is the provider id (null without --to), `summary.strategy` the migration strategy the
sites were judged on (`compat` or `native`; null without --to), `summary.verdicts` counts call sites per verdict
(`auto`, `auto-with-notes`, `manual`, `blocked`; {} without --to), and every call,
client and wrapper-use finding has `data.verdict` and `data.verdict_reasons` (the
migration's note messages behind it, most severe first).
"""

from __future__ import annotations

from typing import Any

from banjia import __version__
from banjia.model import AuditResult, FileResult
from banjia.report.canonical_json import canonical_json
from banjia.report.summary import summarize

SCHEMA_VERSION = 1


def render_json(result: AuditResult) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "banjia", "version": __version__},
        "roots": list(result.roots),
        "summary": summarize(result).to_dict(),
        "files": [
            _file(fr)
            for fr in sorted(result.files, key=lambda fr: fr.path)
            if fr.findings or fr.error is not None
        ],
    }
    return canonical_json(document)


def _file(file_result: FileResult) -> dict[str, Any]:
    return {
        "path": file_result.path,
        "error": file_result.error,
        "findings": [f.to_dict() for f in sorted(file_result.findings, key=lambda f: f.sort_key())],
    }
