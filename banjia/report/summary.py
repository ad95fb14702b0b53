"""Counts over an audit: the size and shape of the migration at a glance.

Every format shows the same numbers, so they are computed once, here, from the
findings' `data`, and no renderer re-derives them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from banjia.model import AuditResult, Confidence, Finding, Kind, Span, Verdict

# (name, count) pairs, most frequent first, ties by name: a stable order for output.
Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Summary:
    """What an audit found, counted.

    A file that could not be analysed is not an OpenAI usage: UNPROCESSABLE findings
    and file errors are listed in `unprocessable` and left out of every count, so
    `findings == certain + likely` and `files_with_findings` counts real usages only.
    """

    files_scanned: int
    files_parsed: int
    files_with_findings: int
    findings: int
    certain: int
    likely: int
    by_kind: Counts
    calls_by_api: Counts
    models: Counts
    parameters: Counts
    env_vars: Counts
    dependencies: Counts
    unprocessable: tuple[str, ...]
    target: str | None = None  # the provider the sites were judged against (`audit --to`)
    strategy: str | None = None  # the migration strategy they were judged on (`audit --to --strategy`)
    verdicts: Counts = ()  # call sites per verdict, in Verdict order, all four; empty without a target

    def totals(self) -> list[tuple[str, int]]:
        """The headline counts, labelled, in the order every report shows them."""
        return [
            ("files scanned", self.files_scanned),
            ("files analysed", self.files_parsed),
            ("files with findings", self.files_with_findings),
            ("findings", self.findings),
            ("certain", self.certain),
            ("likely", self.likely),
            ("files not analysable", len(self.unprocessable)),
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; count tables become name -> count mappings."""
        return {
            "files_scanned": self.files_scanned,
            "files_parsed": self.files_parsed,
            "files_with_findings": self.files_with_findings,
            "findings": self.findings,
            "confidence": {Confidence.CERTAIN.value: self.certain, Confidence.LIKELY.value: self.likely},
            "by_kind": dict(self.by_kind),
            "calls_by_api": dict(self.calls_by_api),
            "models": dict(self.models),
            "parameters": dict(self.parameters),
            "env_vars": dict(self.env_vars),
            "dependencies": dict(self.dependencies),
            "unprocessable": list(self.unprocessable),
            "target": self.target,
            "strategy": self.strategy,
            "verdicts": dict(self.verdicts),
        }


def summarize(result: AuditResult) -> Summary:
    findings = [f for f in result.findings if f.kind is not Kind.UNPROCESSABLE]
    calls = [f for f in findings if f.kind is Kind.CALL]
    return Summary(
        files_scanned=result.files_scanned,
        files_parsed=result.files_parsed,
        files_with_findings=len({f.path for f in findings}),
        findings=len(findings),
        certain=sum(1 for f in findings if f.confidence is Confidence.CERTAIN),
        likely=sum(1 for f in findings if f.confidence is Confidence.LIKELY),
        by_kind=_ranked(f.kind.value for f in findings),
        calls_by_api=_ranked(_text(f.data.get("api")) for f in calls),
        models=_ranked(_models(findings)),
        parameters=_ranked(name for f in calls for name in _params(f)),
        env_vars=_ranked(_text(f.data.get("name")) for f in findings if f.kind is Kind.ENV_VAR),
        dependencies=_ranked(_dependency(f) for f in findings if f.kind is Kind.DEPENDENCY),
        unprocessable=tuple(
            sorted(
                {fr.path for fr in result.files if fr.error is not None}
                | {f.path for f in result.findings if f.kind is Kind.UNPROCESSABLE}
            )
        ),
        target=result.target,
        strategy=result.strategy,
        verdicts=_verdicts(findings) if result.target is not None else (),
    )


def _verdicts(findings: list[Finding]) -> Counts:
    counts = Counter(f.data.get("verdict") for f in findings)
    return tuple((verdict.value, counts[verdict.value]) for verdict in Verdict)


def _ranked(names: Iterable[str | None]) -> Counts:
    counts = Counter(name for name in names if name)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _params(call: Finding) -> list[str]:
    params = call.data.get("params")
    return [str(name) for name in params] if isinstance(params, dict) else []


def _dependency(finding: Finding) -> str | None:
    package = _text(finding.data.get("package"))
    if package is None:
        return None
    spec = finding.data.get("spec")
    return package + (spec.strip() if isinstance(spec, str) else "")


# Findings whose `data["model"]` names the model they use.
_MODEL_USERS = (Kind.CALL, Kind.WRAPPER)


def _models(findings: list[Finding]) -> list[str | None]:
    """Every model mention, counted once.

    The analyzer reports `model="gpt-4o"` both as a MODEL finding and in the
    enclosing call's (or wrapper's) `data["model"]`; that copy counts only when no
    MODEL finding for the same name sits inside the call.
    """
    mentions = [f for f in findings if f.kind is Kind.MODEL]
    models = [_text(f.data.get("model")) for f in mentions]
    for user in findings:
        model = _text(user.data.get("model")) if user.kind in _MODEL_USERS else None
        if model is None:
            continue
        already_counted = any(
            m.path == user.path and m.data.get("model") == model and _within(m.span, user.span)
            for m in mentions
        )
        if not already_counted:
            models.append(model)
    return models


def _within(inner: Span, outer: Span) -> bool:
    return (
        inner.cell == outer.cell
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )
