"""What a migration did and what it left to people: JSON, terminal and Markdown reports.

The diff shows *how* each file changed; these reports say *why* (one line per
automatic change, with its safety) and *what is left* (notes, the ones that block
the move first). All three formats take their numbers from `summarize_migration`,
so they always agree. No file text appears in them: the diff carries that.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from banjia import __version__
from banjia.model import Change, FileMigration, MigrationResult, Note, Severity, Span
from banjia.report.canonical_json import canonical_json
from banjia.report.labels import location_label, plural
from banjia.report.markdown import code_span, escape_text

SCHEMA_VERSION = 1

# Blocked notes stop the move, manual ones need a decision, info is for the record:
# every report lists and counts them in this order.
SEVERITY_ORDER = (Severity.BLOCKED, Severity.MANUAL, Severity.INFO)
_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITY_ORDER)}

DEFAULT_MAX_ROWS = 200  # Markdown rows in all; GitHub rejects comments over 65,536 characters.


@dataclass(frozen=True)
class MigrationSummary:
    """A migration, counted. `changes_by_category` is most frequent first, ties by name."""

    provider: str
    strategy: str
    files_changed: int
    changes: int
    unsafe_changes: int
    changes_by_category: tuple[tuple[str, int], ...]
    notes_by_severity: tuple[tuple[Severity, int], ...]  # every severity, in SEVERITY_ORDER
    errors: tuple[str, ...]  # paths of the files that could not be migrated

    def notes(self, severity: Severity) -> int:
        return dict(self.notes_by_severity)[severity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_changed": self.files_changed,
            "changes": self.changes,
            "changes_by_category": dict(self.changes_by_category),
            "notes_by_severity": {severity.value: count for severity, count in self.notes_by_severity},
            "errors": len(self.errors),
        }


def summarize_migration(result: MigrationResult) -> MigrationSummary:
    changes = [change for fm in result.files for change in fm.changes]
    notes = Counter(note.severity for fm in result.files for note in fm.notes)
    categories = Counter(change.category for change in changes)
    return MigrationSummary(
        provider=result.provider,
        strategy=result.strategy,
        files_changed=len(result.changed_files),
        changes=len(changes),
        unsafe_changes=sum(1 for change in changes if change.safety != "safe"),
        changes_by_category=tuple(sorted(categories.items(), key=lambda item: (-item[1], item[0]))),
        notes_by_severity=tuple((severity, notes[severity]) for severity in SEVERITY_ORDER),
        errors=tuple(sorted(fm.path for fm in result.errors)),
    )


def reported_files(result: MigrationResult) -> list[FileMigration]:
    """The files worth a line in a report: changed, noted or failed, in path order."""
    return sorted(
        (fm for fm in result.files if fm.changes or fm.notes or fm.error is not None or fm.changed),
        key=lambda fm: fm.path,
    )


def sorted_changes(file: FileMigration) -> list[Change]:
    return sorted(file.changes, key=lambda c: (_span_key(c.span), c.category, c.message))


def sorted_notes(file: FileMigration) -> list[Note]:
    """Blocked first, then manual, then info; by position within each severity."""
    return sorted(file.notes, key=lambda n: (_SEVERITY_RANK[n.severity], _span_key(n.span), n.rule, n.message))


def verdict(summary: MigrationSummary) -> str:
    """One sentence on the whole migration, worded the same in every format."""
    target = f"{summary.provider} ({summary.strategy})"
    if summary.changes == 0 and summary.files_changed == 0:
        text = f"No files changed for {target}."
    else:
        text = (
            f"Migrated to {target}: {plural(summary.changes, 'change')} "
            f"in {plural(summary.files_changed, 'file')}."
        )
    blocked, manual = summary.notes(Severity.BLOCKED), summary.notes(Severity.MANUAL)
    if blocked or manual:
        text += f" Left for people: {blocked} blocked, {manual} manual."
    if summary.errors:
        text += f" {plural(len(summary.errors), 'file')} could not be migrated."
    return text


# ---------------------------------------------------------------- JSON
def render_migration_json(result: MigrationResult) -> str:
    """Canonical JSON: the same migration always gives the same bytes."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "banjia", "version": __version__},
        "provider": result.provider,
        "strategy": result.strategy,
        "summary": summarize_migration(result).to_dict(),
        "files": [_file_dict(fm) for fm in reported_files(result)],
    }
    return canonical_json(document)


def _file_dict(file: FileMigration) -> dict[str, Any]:
    return {
        "path": file.path,
        "changed": file.changed,
        "encoding": file.encoding,
        "error": file.error,
        "changes": [
            {**_span_dict(c.span), "category": c.category, "message": c.message, "safety": c.safety}
            for c in sorted_changes(file)
        ],
        "notes": [
            {**_span_dict(n.span), "severity": n.severity.value, "message": n.message, "rule": n.rule}
            for n in sorted(file.notes, key=_note_position_key)
        ],
    }


def _note_position_key(note: Note) -> tuple:
    """JSON lists a file's notes top to bottom, as they sit in the file."""
    return (_span_key(note.span), _SEVERITY_RANK[note.severity], note.rule, note.message)


def _span_dict(span: Span) -> dict[str, int]:
    fields = {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}
    if span.cell is not None:
        fields["cell"] = span.cell
    return fields


def _span_key(span: Span) -> tuple[int, int, int, int, int]:
    return (-1 if span.cell is None else span.cell, span.line, span.column, span.end_line, span.end_column)


# ---------------------------------------------------------------- terminal
THEME = Theme(
    {
        "path": "bold cyan",
        "location": "dim",
        "change.category": "magenta",
        "safety.unsafe": "yellow",
        "severity.blocked": "bold red",
        "severity.manual": "yellow",
        "severity.info": "blue",
        "rule": "dim",
        "error": "bold red",
        "verdict": "bold",
        "summary.title": "bold",
        "summary.count": "cyan",
    }
)


@dataclass(frozen=True)
class MigrationSummaryView:
    """A MigrationResult for a person at a terminal; created by `render_migration_summary`.

    Text from the migrated code is never parsed as rich markup, and every severity
    and safety is spelled out, so a colourless console reads the same.
    """

    result: MigrationResult

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(THEME):
            yield from console.render(self._body(), options)

    def _body(self) -> RenderableType:
        summary = summarize_migration(self.result)
        parts: list[RenderableType] = []
        for file in reported_files(self.result):
            parts += _file_block(file)
        parts += [Text(verdict(summary), style="verdict"), Text(""), _summary_table(summary)]
        return Group(*parts)


def render_migration_summary(result: MigrationResult) -> MigrationSummaryView:
    return MigrationSummaryView(result)


def _file_block(file: FileMigration) -> list[RenderableType]:
    header = Text(file.path, style="path")
    counts = _file_counts(file)
    if counts:
        header.append(f"  ({counts})", style="location")
    block: list[RenderableType] = [header]
    if file.error is not None:
        block.append(Text(f"  could not be migrated: {file.error}", style="error"))
    change_rows = _change_rows(file)
    if change_rows:
        rows = _rows_grid()
        rows.add_column(no_wrap=True)
        rows.add_column(no_wrap=True)
        rows.add_column(overflow="fold")
        rows.add_column(no_wrap=True)
        for location, category, message, safety in change_rows:
            rows.add_row(Text(location, style="location"), Text(category, style="change.category"), Text(message),
                         Text(safety, style="safety.unsafe"))
        block.append(rows)
    note_rows = _note_rows(file)
    if note_rows:
        rows = _rows_grid()
        rows.add_column(no_wrap=True)
        rows.add_column(no_wrap=True)
        rows.add_column(overflow="fold")
        rows.add_column(overflow="fold")
        for severity, location, message, rule in note_rows:
            rows.add_row(Text(severity, style=f"severity.{severity}"), Text(location, style="location"),
                         Text(message), Text(rule, style="rule"))
        block.append(rows)
    block.append(Text(""))
    return block


def _change_rows(file: FileMigration) -> list[tuple[str, str, str, str]]:
    """(location, category, message, "[unsafe]" or "") per change, in report order."""
    return [(location_label(change.span), change.category, change.message,
             f"[{change.safety}]" if change.safety != "safe" else "") for change in sorted_changes(file)]


def _note_rows(file: FileMigration) -> list[tuple[str, str, str, str]]:
    """(severity, location, message, rule) per note, most severe first."""
    return [(note.severity.value, location_label(note.span), note.message, note.rule) for note in sorted_notes(file)]


def migration_summary_text(result: MigrationResult) -> str:
    """The terminal summary as plain lines, for a log or a pipe: nothing wrapped, no styling.

    The same blocks, rows and totals as `render_migration_summary`, columns aligned
    within each block; laying out tables is most of the cost of printing thousands of
    rows, and a log reader greps lines rather than reading a screen.
    """
    lines: list[str] = []
    for file in reported_files(result):
        counts = _file_counts(file)
        lines.append(f"{file.path}  ({counts})" if counts else file.path)
        if file.error is not None:
            lines.append(f"  could not be migrated: {file.error}")
        lines += _aligned(_change_rows(file)) + _aligned(_note_rows(file)) + [""]
    summary = summarize_migration(result)
    rows = _summary_rows(summary)
    width = max(len(label) for label, _ in rows)
    lines += [verdict(summary), "", "Summary", *(f"{label.ljust(width)}  {value}" for label, value in rows)]
    return "\n".join(lines) + "\n"


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows indented two spaces, each column but the last padded to its widest cell."""
    if not rows:
        return []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return ["  " + "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[-1]]).rstrip()
            for row in rows]


def _file_counts(file: FileMigration) -> str:
    counts = []
    if file.changes:
        counts.append(plural(len(file.changes), "change"))
    if file.notes:
        counts.append(plural(len(file.notes), "note"))
    return ", ".join(counts)


def _rows_grid() -> Table:
    return Table.grid(padding=(0, 2), pad_edge=True)  # the edge padding indents the rows


def _summary_table(summary: MigrationSummary) -> Table:
    table = Table(
        title="Summary",
        title_style="summary.title",
        title_justify="left",
        box=None,
        show_header=False,
        pad_edge=False,
    )
    table.add_column()
    table.add_column(justify="right", style="summary.count")
    for label, value in _summary_rows(summary):
        table.add_row(Text(label), Text(value))
    return table


def _summary_rows(summary: MigrationSummary) -> list[tuple[str, str]]:
    """The totals every format shows, labelled, in their order."""
    return [
        ("provider", summary.provider),
        ("strategy", summary.strategy),
        ("files changed", str(summary.files_changed)),
        ("changes", str(summary.changes)),
        *((f"{category} changes", str(count)) for category, count in summary.changes_by_category),
        ("unsafe changes", str(summary.unsafe_changes)),
        *((f"notes: {severity.value}", str(count)) for severity, count in summary.notes_by_severity),
        ("files not migrated", str(len(summary.errors))),
    ]


# ---------------------------------------------------------------- Markdown
def render_migration_markdown(result: MigrationResult, *, max_rows: int = DEFAULT_MAX_ROWS) -> str:
    """GitHub-flavoured Markdown for a pull-request comment, with at most `max_rows` rows.

    Files that need a person (blocked or manual notes, errors) are expanded; the
    others are collapsed. Files are shown in path order until the rows are spent
    (a file with only an error counts as one row); the rest are counted at the end.
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    summary = summarize_migration(result)
    lines = [
        f"## banjia: migration to {code_span(summary.provider)}",
        "",
        f"**{escape_text(verdict(summary))}**",
        "",
        "| | Count |",
        "| --- | ---: |",
        *(f"| {label[0].upper() + label[1:]} | {value if value.isdigit() else code_span(value)} |"
          for label, value in _summary_rows(summary)),
    ]
    reported = reported_files(result)
    if reported:
        lines += ["", "### Files", ""]
    budget = max_rows
    for shown, file in enumerate(reported):
        if budget == 0:
            lines += [f"… and {plural(len(reported) - shown, 'more file')} not shown; see the JSON report.", ""]
            break
        section, used = _markdown_file(file, budget)
        lines += section
        budget -= used
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_file(file: FileMigration, budget: int) -> tuple[list[str], int]:
    """One file's section using at most `budget` rows; returns it and the rows used."""
    needs_people = file.error is not None or any(n.severity is not Severity.INFO for n in file.notes)
    path = f"<code>{html.escape(file.path)}</code>"
    counts = _file_counts(file)
    headline = path + (f": {counts}" if counts else "")
    if file.error is not None:
        headline += " — could not be migrated"
    lines = ["<details open>" if needs_people else "<details>", f"<summary>{headline}</summary>", ""]
    used = 0
    if file.error is not None:
        lines += [f"Could not be migrated: {escape_text(file.error, one_line=True)}", ""]
        used = 1
    changes = sorted_changes(file)
    notes = sorted_notes(file)
    # Under the row cap, what is left for people is kept before what was done.
    shown_notes = notes[: max(budget - used, 0)]
    used += len(shown_notes)
    shown_changes = changes[: max(budget - used, 0)]
    used += len(shown_changes)
    if shown_changes:
        lines += ["| Line | Category | Change | Safety |", "| ---: | --- | --- | --- |"]
        lines += [
            f"| {location_label(c.span)} | {code_span(c.category, in_table=True)} | "
            f"{escape_text(c.message, one_line=True)} | {c.safety} |"
            for c in shown_changes
        ]
        lines.append("")
    if shown_notes:
        lines += ["| Line | Severity | What is left | Rule |", "| ---: | --- | --- | --- |"]
        lines += [
            f"| {location_label(n.span)} | **{n.severity.value}** | {escape_text(n.message, one_line=True)} | "
            f"{code_span(n.rule, in_table=True) if n.rule else ''} |"
            for n in shown_notes
        ]
        lines.append("")
    hidden = len(notes) + len(changes) - len(shown_notes) - len(shown_changes)
    if hidden:
        lines += [f"… and {plural(hidden, 'more row')} in this file; see the JSON report.", ""]
    lines += ["</details>", ""]
    return lines, max(used, 1)
