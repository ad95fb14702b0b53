from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_report_sample import sample_result

from banjia.report import FORMATS, render
from banjia.report.json_report import render_json
from banjia.report.markdown import render_markdown
from banjia.report.sarif import render_sarif
from banjia.report.terminal import TerminalReport


def test_formats() -> None:
    assert FORMATS == ("table", "json", "markdown", "sarif", "github", "gitlab")


@pytest.mark.parametrize(
    ("fmt", "renderer"), [("json", render_json), ("markdown", render_markdown), ("sarif", render_sarif)]
)
def test_text_formats_dispatch_to_their_renderer(fmt: str, renderer) -> None:
    assert render(sample_result(), fmt) == renderer(sample_result())


def test_table_gives_a_renderable() -> None:
    report = render(sample_result(), "table")
    assert isinstance(report, TerminalReport)
    assert report.result == sample_result()


def test_unknown_format_is_rejected_with_the_choices() -> None:
    with pytest.raises(
        ValueError, match=r"unknown report format 'html'; expected one of: table, json, markdown, sarif, github, gitlab"
    ):
        render(sample_result(), "html")


def test_importing_the_package_loads_no_renderer() -> None:
    code = (
        "import sys, banjia.report; "
        "print(sorted(m for m in sys.modules if m.startswith(('rich', 'banjia.report.', 'libcst'))))"
    )
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_renderers_never_import_libcst() -> None:
    code = (
        "import sys\n"
        "from banjia.report import render\n"
        "from banjia.model import AuditResult\n"
        "result = AuditResult((), (), 0, 0)\n"
        "for fmt in ('table', 'json', 'markdown', 'sarif'): render(result, fmt)\n"
        "print('libcst' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"
