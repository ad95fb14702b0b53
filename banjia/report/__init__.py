"""Renderers that turn an AuditResult into a report; they return text, the CLI writes it.

Each format lives in its own module and is imported only when asked for, so
`import banjia.report` costs nothing for a run that prints JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

    from banjia.model import AuditResult, MigrationResult

FORMATS = ("table", "json", "markdown", "sarif", "github", "gitlab")


def render(
    result: AuditResult, fmt: str, *, source_root: str | None = None, migration: MigrationResult | None = None
) -> str | RenderableType:
    """`table` gives a rich renderable for a Console; the other formats give text.

    `source_root` and `migration` are for SARIF (see `render_sarif`), which the CI
    formats are derived from.
    """
    if fmt == "table":
        from banjia.report.terminal import render_terminal

        return render_terminal(result)
    if fmt == "json":
        from banjia.report.json_report import render_json

        return render_json(result)
    if fmt == "markdown":
        from banjia.report.markdown import render_markdown

        return render_markdown(result)
    if fmt in ("sarif", "github", "gitlab"):
        from banjia.report.sarif import render_sarif

        return render_ci_format(render_sarif(result, source_root=source_root, migration=migration), fmt)
    raise ValueError(f"unknown report format {fmt!r}; expected one of: {', '.join(FORMATS)}")


def render_ci_format(sarif_text: str, fmt: str) -> str:
    """The SARIF report as is, or as GitHub workflow commands or a GitLab Code Quality report."""
    if fmt == "sarif":
        return sarif_text
    from banjia.report.annotations import annotations_from_sarif

    if fmt == "github":
        from banjia.report.github import render_github

        return render_github(annotations_from_sarif(sarif_text))
    if fmt == "gitlab":
        from banjia.report.gitlab import render_gitlab

        return render_gitlab(annotations_from_sarif(sarif_text))
    raise ValueError(f"unknown CI format {fmt!r}; expected sarif, github or gitlab")
