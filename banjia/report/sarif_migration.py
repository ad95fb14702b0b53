"""A migration as SARIF 2.1.0: each pending hunk with its fix, each note, each failed file.

`banjia migrate --format sarif` uploads to code scanning like the audit does, and
every automatic change arrives as a suggested fix (see `sarif_fixes`). Rules, in
this order: one per concern (`banjia/migrate/<concern>`), one per note severity
(`banjia/note/<severity>`), and `banjia/unprocessable` for files that could not be
migrated. A note's level follows its severity: blocked is an error, manual a
warning, info a note.
"""

from __future__ import annotations

from typing import Any

from banjia.model import FileMigration, Kind, MigrationResult, Note, Severity, Span
from banjia.report.hunks import file_hunks
from banjia.report.labels import location_label
from banjia.report.migration import SEVERITY_ORDER, reported_files, sorted_notes
from banjia.report.sarif import FINGERPRINT_KEY, hunk_identity, kind_rule, sarif_log, span_region, stable_fingerprints
from banjia.report.sarif_fixes import CHANGE_RULE_IDS, change_rules, hunk_result
from banjia.report.sarif_locations import TextPositions, artifact_location, source_root_base

NOTE_RULE_IDS = {severity: f"banjia/note/{severity.value}" for severity in SEVERITY_ORDER}
NOTE_LEVELS = {Severity.BLOCKED: "error", Severity.MANUAL: "warning", Severity.INFO: "note"}

_NOTE_TITLES = {
    Severity.BLOCKED: "The provider has no equivalent",
    Severity.MANUAL: "A person must finish this part of the move",
    Severity.INFO: "Worth a reviewer's look",
}

_FIRST_NOTE_RULE = len(CHANGE_RULE_IDS)
_UNPROCESSABLE_RULE = _FIRST_NOTE_RULE + len(SEVERITY_ORDER)


def render_migration_sarif(result: MigrationResult, *, source_root: str | None = None) -> str:
    """Render `result`; `source_root` is the absolute directory its paths are relative to."""
    results: list[dict[str, Any]] = []
    identities: list[tuple[str, str, str]] = []
    for file in reported_files(result):
        if file.error is not None:
            results.append(_error_result(file))
            identities.append((file.path, kind_rule(Kind.UNPROCESSABLE)["id"], file.error))
            continue
        positions = TextPositions(file.before)
        for hunk in file_hunks(file):
            results.append(hunk_result(hunk, positions, result.provider, hunk.concern))
            identities.append(hunk_identity(hunk))
        for note in sorted_notes(file):
            results.append(_note_result(note))
            identities.append((note.path, NOTE_RULE_IDS[note.severity], f"{note.rule}\0{note.message}"))
    for result_dict, fingerprint in zip(results, stable_fingerprints(identities), strict=True):
        result_dict["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    rules = change_rules() + [_note_rule(severity) for severity in SEVERITY_ORDER] + [kind_rule(Kind.UNPROCESSABLE)]
    return sarif_log(rules, results, source_root_base(source_root),
                     {"target": result.provider, "strategy": result.strategy})


def _note_rule(severity: Severity) -> dict[str, Any]:
    title = _NOTE_TITLES[severity]
    return {
        "id": NOTE_RULE_IDS[severity],
        "name": f"Note{severity.value.capitalize()}",
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"The migration left a {severity.value} note: {title.lower()}."},
        "defaultConfiguration": {"level": NOTE_LEVELS[severity]},
        "properties": {"tags": ["openai", "migration"]},
    }


def _note_result(note: Note) -> dict[str, Any]:
    message = note.message
    if note.span.cell is not None:
        message += f" ({location_label(note.span)})"
    properties: dict[str, Any] = {"rule": note.rule, "severity": note.severity.value}
    if note.span.cell is not None:
        properties["cell"] = note.span.cell
    return {
        "ruleId": NOTE_RULE_IDS[note.severity],
        "ruleIndex": _FIRST_NOTE_RULE + SEVERITY_ORDER.index(note.severity),
        "level": NOTE_LEVELS[note.severity],
        "message": {"text": message},
        "locations": [_location(note.path, note.span)],
        "properties": properties,
    }


def _error_result(file: FileMigration) -> dict[str, Any]:
    return {
        "ruleId": kind_rule(Kind.UNPROCESSABLE)["id"],
        "ruleIndex": _UNPROCESSABLE_RULE,
        "level": "error",
        "message": {"text": f"Could not be migrated: {file.error}"},
        "locations": [_location(file.path, Span(1, 1, 1, 1))],
    }


def _location(path: str, span: Span) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": artifact_location(path), "region": span_region(span)}}
