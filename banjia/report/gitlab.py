"""A GitLab Code Quality report (the Code Climate issue subset GitLab reads).

Saved as a job's `artifacts:reports:codequality`, each issue shows in the merge
request's Code Quality widget and on the changed line in its diff. GitLab needs
`description`, `check_name`, `fingerprint`, `severity` and `location.path` with
`location.lines.begin`; fingerprints are the SARIF ones, stable when lines move,
so GitLab can tell new issues from old.
"""

from __future__ import annotations

import json

from banjia.report.annotations import Annotation

# SARIF levels on GitLab's scale (info, minor, major, critical, blocker).
SEVERITIES = {"error": "critical", "warning": "major", "note": "minor"}


def render_gitlab(annotations: list[Annotation]) -> str:
    issues = [
        {
            "type": "issue",
            "check_name": annotation.rule,
            "description": f"{annotation.title}: {annotation.message}",
            "categories": ["Compatibility"],
            "fingerprint": annotation.fingerprint,
            "severity": SEVERITIES[annotation.level],
            "location": {
                "path": annotation.path,
                "lines": {"begin": annotation.lines[0] if annotation.lines else 1},
            },
        }
        for annotation in annotations
    ]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
