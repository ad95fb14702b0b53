"""The audit as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Choices that keep alerts stable across runs:
- one rule per Kind, id `banjia/<kind>`, listed in Kind order, so `ruleId` and
  `ruleIndex` never change between versions that share the Kind;
- `partialFingerprints` hash the path, kind, snippet and the occurrence of that
  snippet in the file, never the line, so an alert survives lines moving above it.
  (GitHub reserves `primaryLocationLineHash` and recomputes it; ours has its own key.)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from banjia import __version__
from banjia.model import AuditResult, Confidence, Finding, Kind, MigrationResult, Span, Verdict
from banjia.report.canonical_json import canonical_json
from banjia.report.hunks import Hunk, file_hunks
from banjia.report.labels import location_label, reasons_of, verdict_of
from banjia.report.sarif_fixes import CHANGE_RULE_IDS, change_rules, hunk_result, sarif_fix
from banjia.report.sarif_locations import SOURCE_ROOT, TextPositions, artifact_location, source_root_base

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/banjia/"
FINGERPRINT_KEY = "banjia/v1"

RULE_IDS: dict[Kind, str] = {kind: f"banjia/{kind.value}" for kind in Kind}
_RULE_INDEX: dict[Kind, int] = {kind: index for index, kind in enumerate(Kind)}

# Each rule's short description: what was found, for a reader new to the tool.
_RULE_TITLES: dict[Kind, str] = {
    Kind.IMPORT: "Imports the OpenAI SDK",
    Kind.TYPE_IMPORT: "Imports OpenAI types for annotations",
    Kind.CLIENT: "Creates an OpenAI client",
    Kind.CONFIG: "Configures the OpenAI module globally",
    Kind.CALL: "Calls the OpenAI API",
    Kind.ERROR_REF: "Refers to an OpenAI exception",
    Kind.MODEL: "Names an OpenAI model",
    Kind.ENV_VAR: "Uses an OpenAI environment variable",
    Kind.DEPENDENCY: "Depends on an OpenAI package",
    Kind.WRAPPER: "Uses an OpenAI wrapper from another library",
    Kind.UNPROCESSABLE: "File could not be analysed",
}


# Why each kind matters to a migration: the rule's full description and help.
_RULE_HELP: dict[Kind, str] = {
    Kind.IMPORT: (
        "The module imports the openai package. Providers with an OpenAI-compatible "
        "endpoint keep this import and change the client's base_url and key; providers "
        "with their own SDK need a different import."
    ),
    Kind.TYPE_IMPORT: (
        "The module imports types from openai.types for annotations only. These keep "
        "working while the openai package stays installed, but tie the code to it."
    ),
    Kind.CLIENT: (
        "An OpenAI client is created here. Its api_key and base_url (or the environment "
        "variables it reads) decide which service is called, so this is where a "
        "migration points the code at the new provider."
    ),
    Kind.CONFIG: (
        "The openai module is configured globally (openai.api_key, openai.api_base, ...). "
        "This is the legacy v0 style; the new provider's key and endpoint go here or, "
        "better, into an explicit client."
    ),
    Kind.CALL: (
        "An API call through the OpenAI SDK. The model name and some parameters usually "
        "differ at the new provider; check each parameter against its documentation."
    ),
    Kind.ERROR_REF: (
        "The code refers to an OpenAI exception class. Error handling must match the "
        "exceptions the new provider's SDK raises."
    ),
    Kind.MODEL: (
        "An OpenAI model name. The new provider has its own model names; pick the "
        "equivalent model for this use."
    ),
    Kind.ENV_VAR: (
        "An OpenAI environment variable is read or set. The new provider reads its key "
        "and endpoint from different variables."
    ),
    Kind.DEPENDENCY: (
        "A dependency file lists an OpenAI-related package. Add the new provider's SDK, "
        "and remove this entry once nothing imports it."
    ),
    Kind.WRAPPER: (
        "A library wrapper around OpenAI (LangChain, LlamaIndex, tiktoken, ...). The "
        "wrapper usually has a counterpart for the new provider."
    ),
    Kind.UNPROCESSABLE: (
        "The file could not be read or parsed, so it was not audited. Any OpenAI usage "
        "in it is missing from this report."
    ),
}


def render_sarif(
    result: AuditResult, *, source_root: str | None = None, migration: MigrationResult | None = None
) -> str:
    """Render `result`; `source_root` is the absolute directory the finding paths are relative to.

    Without it, %SRCROOT% is only described: GitHub resolves relative URIs against
    the repository checkout anyway, and guessing from `result.roots` would be wrong
    when the paths are relative to some other directory.

    With `migration` (the same files migrated for `result.target`, as `audit --to`
    does), each hunk of it becomes a fix on the first finding whose lines it touches;
    a hunk that touches none gets a result of its own, so every automatic change is
    offered as a fix.
    """
    findings = sorted(_all_findings(result), key=lambda f: f.sort_key())
    results = [_result(f) for f in findings]
    identities = [_identity(f) for f in findings]
    if migration is not None:
        extra = _attach_fixes(findings, results, migration)
        results += [r for r, _ in extra]
        identities += [i for _, i in extra]
    for result_dict, fingerprint in zip(results, stable_fingerprints(identities), strict=True):
        result_dict["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    rules = [kind_rule(kind) for kind in Kind] + (change_rules() if migration is not None else [])
    judged = {"target": result.target, "strategy": result.strategy} if result.target is not None else None
    return sarif_log(rules, results, source_root_base(source_root), judged)


def sarif_log(
    rules: list[dict[str, Any]], results: list[dict[str, Any]], source_root: dict[str, Any],
    properties: dict[str, Any] | None = None,
) -> str:
    """The SARIF document: one run of banjia with these rules and results, as canonical JSON.

    `properties`: the run's property bag (`audit --to`, `migrate`: the provider and the strategy).
    """
    run = {
        "tool": {
            "driver": {
                "name": "banjia",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {SOURCE_ROOT: source_root},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if properties:
        run["properties"] = properties
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return canonical_json(document)


def _attach_fixes(
    findings: list[Finding], results: list[dict[str, Any]], migration: MigrationResult
) -> list[tuple[dict[str, Any], tuple[str, str, str]]]:
    """Add each hunk's fix to a finding's result; return results (and identities) for the others."""
    by_path: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        if finding.kind is not Kind.UNPROCESSABLE and finding.span.cell is None:
            by_path.setdefault(finding.path, []).append(index)
    first_change_rule = len(Kind)
    extra = []
    for file in sorted(migration.changed_files, key=lambda fm: fm.path):
        positions = TextPositions(file.before)
        for hunk in file_hunks(file):
            first, last = hunk.old_start + 1, max(hunk.old_end, hunk.old_start + 1)
            holder = next(
                (i for i in by_path.get(file.path, ()) if findings[i].span.line <= last and findings[i].span.end_line >= first),
                None,
            )
            if holder is not None:
                results[holder].setdefault("fixes", []).append(sarif_fix(hunk, positions, migration.provider))
            else:
                extra.append((
                    hunk_result(hunk, positions, migration.provider, first_change_rule + hunk.concern),
                    hunk_identity(hunk),
                ))
    return extra


def hunk_identity(hunk: Hunk) -> tuple[str, str, str]:
    """What a hunk's fingerprint hashes: where, which rule, and the text it replaces and inserts."""
    return (hunk.path, CHANGE_RULE_IDS[hunk.concern], " ".join(hunk.deleted.split()) + "\0" + " ".join(hunk.inserted.split()))


def _all_findings(result: AuditResult) -> list[Finding]:
    """The findings, plus one UNPROCESSABLE result per failed file that has none.

    A file that could not be analysed must show up as an alert, not vanish.
    """
    findings = list(result.findings)
    for file_result in result.errors:
        if not any(f.kind is Kind.UNPROCESSABLE for f in file_result.findings):
            findings.append(
                Finding(
                    kind=Kind.UNPROCESSABLE,
                    path=file_result.path,
                    span=Span(1, 1, 1, 1),
                    message=f"Could not be analysed: {file_result.error}",
                )
            )
    return findings


def kind_rule(kind: Kind) -> dict[str, Any]:
    title = _RULE_TITLES[kind]
    help_text = _RULE_HELP[kind]
    return {
        "id": RULE_IDS[kind],
        "name": "".join(part.capitalize() for part in kind.value.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": f"**{title}.** {help_text}"},
        "defaultConfiguration": {"level": "error" if kind is Kind.UNPROCESSABLE else "warning"},
        "properties": {"tags": ["openai", "migration"]},
    }


# With `audit --to`, a call site's level says how much work it is: only what a person
# must do (or cannot do at all) raises an alert above a note.
_VERDICT_LEVELS = {
    Verdict.BLOCKED: "error",
    Verdict.MANUAL: "warning",
    Verdict.AUTO_WITH_NOTES: "note",
    Verdict.AUTO: "note",
}


def _level(finding: Finding) -> str:
    if finding.kind is Kind.UNPROCESSABLE:
        return "error"
    verdict = verdict_of(finding.data)
    if verdict is not None:
        return _VERDICT_LEVELS[verdict]
    if finding.confidence is Confidence.LIKELY:
        return "note"
    return "warning"


def _region(finding: Finding) -> dict[str, Any]:
    region = span_region(finding.span)
    if finding.snippet:
        region["snippet"] = {"text": finding.snippet}
    return region


def span_region(span: Span) -> dict[str, Any]:
    """A span as a SARIF region (both use an exclusive end column).

    Values are clamped to what the schema allows: one out-of-range number would make
    GitHub reject the whole upload, not just this alert.
    """
    start = (max(span.line, 1), max(span.column, 1))
    end = max((max(span.end_line, 1), max(span.end_column, 1)), start)
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]}


def _message(finding: Finding) -> str:
    """The finding's message; for a notebook, also where in it; with a verdict, the verdict and its reasons.

    A notebook's region counts lines within the cell, so a viewer that opens the
    .ipynb file points at the wrong line; the message names the real place.
    """
    message = finding.message
    if finding.span.cell is not None:
        message += f" ({location_label(finding.span)})"
    verdict = verdict_of(finding.data)
    if verdict is not None:
        message += f" [{verdict.value}]" + "".join(f"\n- {reason}" for reason in reasons_of(finding.data))
    return message


def _result(finding: Finding) -> dict[str, Any]:
    properties: dict[str, Any] = {"confidence": finding.confidence.value, "data": finding.data}
    if finding.span.cell is not None:
        properties["cell"] = finding.span.cell
    if verdict_of(finding.data) is not None:
        properties["verdict"] = finding.data["verdict"]
        properties["verdict_reasons"] = reasons_of(finding.data)
    return {
        "ruleId": RULE_IDS[finding.kind],
        "ruleIndex": _RULE_INDEX[finding.kind],
        "level": _level(finding),
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": _region(finding),
                }
            }
        ],
        "properties": properties,
    }


def _identity(finding: Finding) -> tuple[str, str, str]:
    return finding.path, finding.kind.value, " ".join((finding.snippet or finding.message).split())


def stable_fingerprints(identities: list[tuple[str, str, str]]) -> list[str]:
    """One hash per (path, kind, content) identity, stable when lines move.

    Equal identities are told apart by their order in the list (the order in the
    file), so two identical calls in one file are still two alerts.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    hashes = []
    for identity in identities:
        occurrence = seen[identity]
        seen[identity] += 1
        digest = hashlib.sha256("\0".join([*identity, str(occurrence)]).encode("utf-8"))
        hashes.append(digest.hexdigest()[:32])
    return hashes
