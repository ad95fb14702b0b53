"""The audit as JSON, for scripts and for diffing one run against the next.

The output is canonical: files by path, findings by `Finding.sort_key()`, keys
sorted, so the same audit always gives the same bytes whatever order the workers
finished in.
"""

from __future__ import annotations

import json
from typing import Any

from banjia import __version__
from banjia.model import AuditResult, FileResult
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
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _file(file_result: FileResult) -> dict[str, Any]:
    return {
        "path": file_result.path,
        "error": file_result.error,
        "findings": [f.to_dict() for f in sorted(file_result.findings, key=lambda f: f.sort_key())],
    }
