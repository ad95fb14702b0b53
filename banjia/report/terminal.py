"""The audit for a person at a terminal: findings by file, then the totals.

The report is a rich renderable that brings its own theme, so any Console shows it
with the intended styles and a colourless one (a pipe, a CI log) still reads well:
nothing depends on colour alone, and text from the audited code is never parsed as
rich markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from banjia.model import AuditResult, Confidence, FileResult, Finding
from banjia.report.labels import judged_on, location_label, plural, reasons_of, verdict_counts, verdict_of
from banjia.report.summary import Counts, Summary, summarize

THEME = Theme(
    {
        "path": "bold cyan",
        "location": "dim",
        "finding.kind": "magenta",
        "confidence.likely": "yellow",
        "error": "bold red",
        "verdict.clean": "bold green",
        "verdict.found": "bold yellow",
        "summary.title": "bold",
        "summary.count": "cyan",
        "site.auto": "green",
        "site.auto-with-notes": "cyan",
        "site.manual": "yellow",
        "site.blocked": "bold red",
        "site.reason": "dim",
    }
)


@dataclass(frozen=True)
class TerminalReport:
    """Renders an AuditResult; created by `render_terminal`."""

    result: AuditResult

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(THEME):
            yield from console.render(self._body(), options)

    def _body(self) -> RenderableType:
        summary = summarize(self.result)
        reported = sorted(
            (fr for fr in self.result.files if fr.findings or fr.error is not None),
            key=lambda fr: fr.path,
        )
        parts: list[RenderableType] = []
        judged = self.result.target is not None
        for file_result in reported:
            parts += _file_block(file_result, judged)
        parts.append(_verdict(summary))
        if judged:
            parts.append(_site_verdicts(summary))
        parts.append(Text(""))
        parts.append(Columns([_totals(summary), *_breakdown(summary)], padding=(0, 4)))
        return Group(*parts)


def render_terminal(result: AuditResult) -> TerminalReport:
    return TerminalReport(result)


def _file_block(file_result: FileResult, judged: bool) -> list[RenderableType]:
    findings = sorted(file_result.findings, key=lambda f: f.sort_key())
    header = Text.assemble((file_result.path, "path"))
    if findings:
        header.append(f"  ({plural(len(findings), 'finding')})", style="location")
    block: list[RenderableType] = [header]
    if file_result.error is not None:
        block.append(Text(f"  could not be analysed: {file_result.error}", style="error"))
    if findings:
        rows = Table.grid(padding=(0, 2), pad_edge=True)  # the edge padding indents the rows
        rows.add_column(style="location", no_wrap=True)
        rows.add_column(style="finding.kind", no_wrap=True)
        if judged:
            rows.add_column(no_wrap=True)
        rows.add_column(overflow="fold")
        rows.add_column(style="confidence.likely", no_wrap=True)
        for finding in findings:
            rows.add_row(*_row(finding, judged))
        block.append(rows)
    block.append(Text(""))
    return block


def _row(finding: Finding, judged: bool) -> tuple[Text, ...]:
    likely = finding.confidence is Confidence.LIKELY
    message = Text(finding.message)
    for reason in reasons_of(finding.data):
        message.append(f"\n- {reason}", style="site.reason")
    verdict = verdict_of(finding.data)
    verdict_cell = (Text(verdict.value, style=f"site.{verdict.value}") if verdict is not None else Text(""),)
    return (
        Text(location_label(finding.span)),
        Text(finding.kind.value),
        *(verdict_cell if judged else ()),
        message,
        Text("[likely]" if likely else ""),
    )


def _verdict(summary: Summary) -> Text:
    if summary.findings == 0:
        text = Text(
            f"No OpenAI usage found in {plural(summary.files_scanned, 'scanned file')}.",
            style="verdict.clean",
        )
    else:
        text = Text(
            f"Found {plural(summary.findings, 'OpenAI usage')} "
            f"in {plural(summary.files_with_findings, 'file')}.",
            style="verdict.found",
        )
    if summary.unprocessable:
        text.append(f" {plural(len(summary.unprocessable), 'file')} could not be analysed.", style="error")
    return text


def _site_verdicts(summary: Summary) -> Text:
    """`Call sites for qwen: 3 auto, ...`, each count in its verdict's colour."""
    text = Text(f"Call sites for {summary.target}{judged_on(summary.strategy)}: ")
    for index, (name, count) in enumerate(summary.verdicts):
        text.append(", " if index else "")
        text.append(verdict_counts(((name, count),)), style=f"site.{name}")
    return text.append(".")


def _totals(summary: Summary) -> Table:
    table = _count_table("Totals")
    for name, count in summary.totals():
        table.add_row(name, str(count))
    return table


def _breakdown(summary: Summary) -> list[Table]:
    groups: Iterable[tuple[str, Counts]] = (
        ("Kinds", summary.by_kind),
        ("APIs called", summary.calls_by_api),
        ("Models", summary.models),
        ("Parameters", summary.parameters),
        ("Environment variables", summary.env_vars),
        ("Dependencies", summary.dependencies),
    )
    tables = []
    for title, counts in groups:
        if not counts:
            continue
        table = _count_table(title)
        for name, count in counts:
            table.add_row(Text(name), str(count))
        tables.append(table)
    return tables


def _count_table(title: str) -> Table:
    table = Table(
        title=title,
        title_style="summary.title",
        title_justify="left",
        box=None,
        show_header=False,
        pad_edge=False,
        min_width=len(title),
    )
    table.add_column(overflow="fold")
    table.add_column(justify="right", style="summary.count")
    return table
