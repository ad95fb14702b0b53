from __future__ import annotations

import io

from rich.console import Console
from test_report_sample import APP, UNICODE, empty_result, finding, reordered_sample_result, sample_result

from banjia.model import AuditResult, FileResult, Kind
from banjia.report.terminal import render_terminal


def plain(result: AuditResult) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(render_terminal(result))
    return console.file.getvalue()


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def block(text: str, header: str) -> list[str]:
    lines = lines_of(text)
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    end = lines.index("", start)
    return lines[start:end]


def test_findings_are_grouped_under_their_file_in_path_order() -> None:
    headers = [line for line in lines_of(plain(sample_result())) if line and not line.startswith(" ")][:7]
    assert headers == [
        ".env  (1 finding)",
        "broken.py",
        "legacy/latin1.py  (1 finding)",
        "notebooks/demo.ipynb  (1 finding)",
        "requirements.txt  (2 findings)",
        "src/app.py  (9 findings)",
        "模块/客户端.py  (2 findings)",
    ]


def test_rows_show_location_kind_message_and_a_likely_tag() -> None:
    rows = block(plain(sample_result()), APP)[1:]
    assert len(rows) == 9
    assert rows[0].split() == ["1:1", "import", "imports", "openai"]
    assert rows[2].split() == ["4:10", "client", "creates", "an", "OpenAI", "client"]
    likely = [row for row in rows if row.endswith("[likely]")]
    assert len(likely) == 1 and likely[0].split()[:2] == ["9:5", "call"]


def test_columns_line_up() -> None:
    rows = block(plain(sample_result()), APP)[1:]
    kind_starts = {row.index(" " + row.split()[1] + " ") for row in rows}
    message_starts = {row.index(" " + row.split()[2] + " ", min(kind_starts) + 2) for row in rows}
    assert len(kind_starts) == 1 and len(message_starts) == 1


def test_notebook_rows_name_the_cell() -> None:
    (row,) = block(plain(sample_result()), "notebooks/demo.ipynb")[1:]
    assert row.split()[:5] == ["cell", "3,", "line", "2:1", "call"]


def test_unparsable_files_show_the_error() -> None:
    assert block(plain(sample_result()), "broken.py") == [
        "broken.py",
        "  could not be analysed: SyntaxError: invalid syntax (line 3)",
    ]


def test_verdict_and_summary_tables() -> None:
    text = plain(sample_result())
    assert "Found 15 OpenAI usages in 5 files. 2 files could not be analysed." in text
    for title in [
        "Totals",
        "Kinds",
        "APIs called",
        "Models",
        "Parameters",
        "Environment variables",
        "Dependencies",
    ]:
        assert title in text
    lines = lines_of(text)
    assert any(line.split()[:5] == ["files", "scanned", "12", "call", "4"] for line in lines)
    assert any("chat.completions.create  2" in line for line in lines)
    assert any("openai>=1.0  1" in line for line in lines)
    assert any("模块/客户端.py" in line for line in lines)
    assert UNICODE in text


def test_text_from_the_code_is_never_read_as_markup() -> None:
    tricky = finding(
        Kind.CALL, "[bold]x.py", 1, 1, "calls [red]create[/red] with [link=x]y", "x()", api="[b]"
    )
    result = AuditResult(
        roots=(".",), files=(FileResult("[bold]x.py", (tricky,)),), files_scanned=1, files_parsed=1
    )
    text = plain(result)
    assert "[bold]x.py  (1 finding)" in text
    assert "calls [red]create[/red] with [link=x]y" in text
    assert any(line.split()[-2:] == ["[b]", "1"] for line in lines_of(text))


def test_colourless_output_has_no_escape_codes() -> None:
    assert "\x1b" not in plain(sample_result())


def test_colour_comes_from_the_theme_even_on_a_plain_console() -> None:
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    console.print(render_terminal(sample_result()))
    text = console.file.getvalue()
    assert "\x1b[35mimport" in text  # finding.kind
    assert "\x1b[33m[likely]" in text  # confidence.likely
    assert "\x1b[1;31m  could not be analysed" in text  # error


def test_a_clean_audit_says_so() -> None:
    text = plain(empty_result())
    assert lines_of(text)[0] == "No OpenAI usage found in 3 scanned files."
    assert "Kinds" not in text and "Totals" in text


def test_input_order_does_not_change_the_output() -> None:
    assert plain(reordered_sample_result()) == plain(sample_result())
