"""Renderers that turn an AuditResult into a report; they return text, the CLI writes it.

Each format lives in its own module and is imported only when asked for, so
`import banjia.report` costs nothing for a run that prints JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

    from banjia.model import AuditResult

FORMATS = ("table", "json", "markdown", "sarif")


def render(result: AuditResult, fmt: str) -> str | RenderableType:
    """`table` gives a rich renderable for a Console; the other formats give text."""
    if fmt == "table":
        from banjia.report.terminal import render_terminal

        return render_terminal(result)
    if fmt == "json":
        from banjia.report.json_report import render_json

        return render_json(result)
    if fmt == "markdown":
        from banjia.report.markdown import render_markdown

        return render_markdown(result)
    if fmt == "sarif":
        from banjia.report.sarif import render_sarif

        return render_sarif(result)
    raise ValueError(f"unknown report format {fmt!r}; expected one of: {', '.join(FORMATS)}")
