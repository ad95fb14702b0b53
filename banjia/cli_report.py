"""`banjia report ...`: work with reports already written, such as one per repository from a CI matrix."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

# The exit codes of banjia.cli.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNPROCESSABLE = 3

report_app = typer.Typer(
    name="report",
    help="Work with reports already written: merge one audit per repository into one summary.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class MergeFormat(str, enum.Enum):
    json = "json"
    markdown = "markdown"


@report_app.command("merge")
def merge(
    reports: Annotated[
        list[Path], typer.Argument(help="JSON audit reports, one per repository, named <repository>.json.",
                                   exists=True, dir_okay=False)
    ],
    report_format: Annotated[
        MergeFormat, typer.Option("--format", "-f", help="json (for scripts) or markdown (a dashboard).")
    ] = MergeFormat.markdown,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the summary to this file instead of stdout.")
    ] = None,
    fail_on_findings: Annotated[
        bool, typer.Option("--fail-on-findings", help="Exit 1 when any repository has a finding.")
    ] = False,
) -> None:
    """Merge JSON audit reports (`banjia audit -f json`) into one organisation-wide summary.

    Each report counts as one repository, named after its file. Totals add up the
    findings, files, verdicts and the count tables (models, APIs, dependencies...).
    A report that cannot be read is listed and left out; the exit code is then 3.

    Examples:

      banjia report merge reports/*.json > dashboard.md

      banjia report merge reports/*.json -f json -o org-summary.json
    """
    from banjia.report.merge import merge_reports, render_merged_json, render_merged_markdown

    merged = merge_reports(reports)
    text = render_merged_json(merged) if report_format is MergeFormat.json else render_merged_markdown(merged)
    if output is None:
        sys.stdout.write(text)
    else:
        from banjia.writer import write_file_atomically

        try:
            write_file_atomically(output, text.encode("utf-8"))
        except OSError as error:
            typer.echo(f"banjia: error: cannot write the summary to {output}: {error}", err=True)
            raise typer.Exit(EXIT_UNPROCESSABLE) from None
    for path, why in merged.unreadable:
        typer.echo(f"warning: {path}: {why}", err=True)
    typer.echo(
        f"merged {len(merged.repositories)} of {len(reports)} reports"
        + (f", {len(merged.unreadable)} could not be read" if merged.unreadable else ""),
        err=True,
    )
    if merged.unreadable:
        raise typer.Exit(EXIT_UNPROCESSABLE)
    raise typer.Exit(EXIT_FINDINGS if fail_on_findings and any(r.summary["findings"] for r in merged.repositories)
                     else EXIT_OK)
