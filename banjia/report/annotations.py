"""CI annotations, read off the SARIF report, so every format names the same alerts.

GitHub workflow commands and GitLab Code Quality both want one flat list: a path,
a line, a level, a title, a message and (for GitLab) a fingerprint. The SARIF
report already holds exactly that for an audit and for a migration, with stable
fingerprints and levels that follow verdicts and note severities, so the CI formats
are derived from it rather than computed a third time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote

from banjia.report.sarif import FINGERPRINT_KEY


@dataclass(frozen=True)
class Annotation:
    path: str
    level: str  # SARIF's: "error", "warning" or "note"
    rule: str
    title: str  # the rule's short description
    message: str
    fingerprint: str
    lines: tuple[int, int] | None  # first and last line; None when lines mean nothing there
    columns: tuple[int, int] | None  # start and (exclusive) end column, on a one-line annotation only


def annotations_from_sarif(sarif_text: str) -> list[Annotation]:
    """One annotation per SARIF result, in the report's order.

    A notebook result has no usable line: its region counts lines within a cell,
    not within the .ipynb file, so it is annotated on the file (its message names
    the cell).
    """
    run = json.loads(sarif_text)["runs"][0]
    titles = {rule["id"]: rule["shortDescription"]["text"] for rule in run["tool"]["driver"]["rules"]}
    annotations = []
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        in_cell = "cell" in result.get("properties", {})
        annotations.append(
            Annotation(
                path=_path(location["artifactLocation"]["uri"]),
                level=result["level"],
                rule=result["ruleId"],
                title=titles[result["ruleId"]],
                message=result["message"]["text"],
                fingerprint=result["partialFingerprints"][FINGERPRINT_KEY],
                **({"lines": None, "columns": None} if in_cell else _lines_and_columns(location["region"])),
            )
        )
    return annotations


def _lines_and_columns(region: dict[str, int]) -> dict[str, tuple[int, int] | None]:
    """A region as lines, and columns when it sits on one line.

    A region that ends at the start of a line (whole replaced lines, as a fix's)
    ends, for a reader, on the line before.
    """
    first, last = region["startLine"], region["endLine"]
    if region["endColumn"] == 1 and last > first:
        return {"lines": (first, last - 1), "columns": None}
    columns = (region["startColumn"], region["endColumn"]) if first == last else None
    return {"lines": (first, last), "columns": columns}


def _path(uri: str) -> str:
    return unquote(uri).removeprefix("./")
