"""Per-site verdicts for `audit --to`: how much of each call site a migration strategy handles.

The verdict is read off the strategy's planner's own dry run (compat's, or the native
SDK's: a call kept on the compatible endpoint is `manual` with its reason), never re-derived: a site's
changes and notes are those planned on its node or on a node inside it (a model
literal, a keyword argument), and a site nested in another one (a client built inside
a call's arguments) keeps its own. Notes decide by severity; of the changes, those a
reviewer should read make a site `auto-with-notes`: a parameter changed (clamped,
renamed, moved), a model mapped with a caution, an unsafe fix applied. The module is parsed once; the audit findings and
the plan are computed from the same tree, and sites are matched to findings by kind and
span.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from banjia.codemods.analyzer import NodeFinding, analyze_nodes, located
from banjia.codemods.compat import _Planner, plan_python
from banjia.codemods.legacy import upgrade_legacy
from banjia.codemods.strategies import DEFAULT_STRATEGY, check_strategy, python_rewrite
from banjia.codemods.outcome import Outcome
from banjia.codemods.positions import positions_of
from banjia.codemods.walk import child_nodes
from banjia.model import Finding, Kind, Severity, Span, Verdict
from banjia.rules.model import RuleSet

SITE_KINDS = (Kind.CALL, Kind.CLIENT, Kind.WRAPPER)
_VERDICT_OF_SEVERITY = {
    Severity.BLOCKED: Verdict.BLOCKED,
    Severity.MANUAL: Verdict.MANUAL,
    Severity.INFO: Verdict.AUTO_WITH_NOTES,
}

SiteVerdicts = dict[tuple[Kind, Span], tuple[Verdict, list[str]]]


def audit_python(
    source: str, path: str, rules: RuleSet, *, unsafe: bool = False, strategy: str = DEFAULT_STRATEGY
) -> list[Finding]:
    """The audit findings of `source`, each call site carrying its verdict for `rules`' provider.

    Raises libcst.ParserSyntaxError on bad code, as the plain audit does; ValueError
    when `strategy` cannot serve the provider.
    """
    module = cst.parse_module(source)
    nodes = analyze_nodes(module, path)
    findings = located(module, path, nodes, source)
    if upgrade_legacy(source, path, module=module, findings=nodes).text != source:
        # openai<1.0 code is judged on the whole migration (upgrade, then compat), whose
        # places are mapped back to the file's lines: attributed by line, not by node.
        migrated = python_rewrite(strategy)(source, path, rules, unsafe=unsafe)
        return outcome_verdicts(findings, migrated, by_line=True)
    verdicts = site_verdicts(module, path, rules, unsafe=unsafe, strategy=strategy, findings=nodes)
    return [_judged(finding, verdicts) for finding in findings]


def site_verdicts(
    module: cst.Module, path: str, rules: RuleSet, *, unsafe: bool = False, strategy: str = DEFAULT_STRATEGY,
    findings: list[NodeFinding] | None = None,
) -> SiteVerdicts:
    """(kind, span) of every call site -> its verdict and the messages behind it.

    `findings`: the module's `analyze_nodes` findings, when the caller has them already.
    """
    dry = plan_python(module, path, rules, unsafe=unsafe, planner=strategy_planner(strategy, rules), findings=findings)
    sites = [finding for finding in dry.findings if is_site(finding.kind, finding.data)]
    owners = _owners(sites)
    reasons: list[list[tuple[Verdict, str]]] = [[] for _ in sites]
    for node, severity, message, _rule in dry.notes:
        if id(node) in owners:
            reasons[owners[id(node)]].append((_VERDICT_OF_SEVERITY[severity], message))
    for node, category, message, safety in dry.changes:
        if id(node) not in owners:
            continue
        if safety == "unsafe":
            message = f"unsafe fix applied (--unsafe): {message}"
        elif not (category == "parameter" or (category == "model" and _mapping_has_note(node, rules))):
            continue
        reasons[owners[id(node)]].append((Verdict.AUTO_WITH_NOTES, message))
    positions = positions_of(module, (site.node for site in sites))
    verdicts: SiteVerdicts = {}
    for site, found in zip(sites, reasons):
        p = positions[id(site.node)]
        verdicts[(site.kind, Span(p.line, p.column, p.end_line, p.end_column))] = _verdict_of(found)
    return verdicts


def strategy_planner(strategy: str, rules: RuleSet) -> type[_Planner]:
    """The planner whose dry run judges the sites; ValueError when `strategy` cannot serve the provider."""
    check_strategy(strategy, rules)
    if strategy == "native":
        from banjia.codemods.native import native_planner

        return native_planner(rules)
    return _Planner


def is_site(kind: Kind, data: dict) -> bool:
    """Call sites are API calls, client constructions and wrapper uses (not wrapper imports)."""
    return kind in SITE_KINDS and data.get("usage") != "import"


def with_verdict(finding: Finding, verdict: Verdict, reasons: list[str]) -> Finding:
    return dataclasses.replace(finding, data={**finding.data, "verdict": verdict.value, "verdict_reasons": reasons})


def outcome_verdicts(findings: list[Finding], planned: Outcome, *, by_line: bool = False) -> list[Finding]:
    """Verdicts for sites judged on a finished migration's notes and changes (`planned`).

    For notebooks (the rewrite reports in cell coordinates, as the audit does) and for
    openai<1.0 code. Each note belongs to the innermost site whose span holds it, or,
    `by_line`, whose lines hold its line.
    """
    sites = [f for f in findings if is_site(f.kind, f.data)]
    reasons: dict[int, list[tuple[Verdict, str]]] = {id(site): [] for site in sites}

    def owner(span: Span) -> Finding | None:
        holding = [site for site in sites if _holds(site.span, span, by_line)]
        return min(holding, key=lambda site: _extent(site.span), default=None)

    for note in planned.notes:
        site = owner(note.span)
        if site is not None:
            reasons[id(site)].append((_VERDICT_OF_SEVERITY[note.severity], note.message))
    for change in planned.changes:
        site = owner(change.span)
        if site is not None and (change.safety == "unsafe" or change.category in ("parameter", "legacy")):
            message = f"unsafe fix applied (--unsafe): {change.message}" if change.safety == "unsafe" else change.message
            reasons[id(site)].append((Verdict.AUTO_WITH_NOTES, message))
    judged = {id(site): _verdict_of(reasons[id(site)]) for site in sites}
    return [with_verdict(f, *judged[id(f)]) if id(f) in judged else f for f in findings]


def _holds(outer: Span, inner: Span, by_line: bool) -> bool:
    if by_line:
        return outer.cell == inner.cell and outer.line <= inner.line <= outer.end_line
    return outer.cell == inner.cell and (outer.line, outer.column) <= (inner.line, inner.column) \
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def _extent(span: Span) -> tuple[int, int]:
    return span.end_line - span.line, span.end_column - span.column


def _verdict_of(found: list[tuple[Verdict, str]]) -> tuple[Verdict, list[str]]:
    verdict = max((v for v, _ in found), key=lambda v: v.rank, default=Verdict.AUTO)
    messages = [message for _, message in sorted(found, key=lambda item: -item[0].rank)]  # stable: source order
    return verdict, list(dict.fromkeys(messages))


def _mapping_has_note(node: cst.CSTNode, rules: RuleSet) -> bool:
    """A model mapped with a caution attached (dimensions differ, the rule file's default, ...)."""
    value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    return isinstance(value, str) and bool(rules.map_model(value).note)


def _judged(finding: Finding, verdicts: SiteVerdicts) -> Finding:
    judged = verdicts.get((finding.kind, finding.span))
    return finding if judged is None else with_verdict(finding, *judged)


def _owners(sites: list[NodeFinding]) -> dict[int, int]:
    """Maps every node inside a site to the index of the innermost site that holds it.

    Only the sites' own subtrees are walked, and a site already reached inside another
    one's subtree is not walked again: that walk gave its nodes to their innermost site.
    """
    index = {id(site.node): position for position, site in enumerate(sites)}
    owner: dict[int, int] = {}

    def claim(node: cst.CSTNode, site: int) -> None:
        site = index.get(id(node), site)
        owner[id(node)] = site
        for child in child_nodes(node):
            claim(child, site)

    for site in sites:
        if id(site.node) not in owner:
            claim(site.node, index[id(site.node)])
    return owner
