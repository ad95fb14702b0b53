from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from banjia import __version__
from banjia.model import Change, FileMigration, MigrationResult, Note, Severity, Span
from banjia.report.migration import (
    render_migration_json,
    render_migration_markdown,
    migration_summary_text,
    render_migration_summary,
    summarize_migration,
)

APP = "src/app.py"
GBK = "模块/客户端.py"


def span(line: int, column: int = 1, cell: int | None = None) -> Span:
    return Span(line, column, line, column + 6, cell)


def sample_files() -> list[FileMigration]:
    app = FileMigration(
        path=APP,
        before="from openai import OpenAI\n",
        after="from openai import OpenAI  # migrated\n",
        changes=(
            Change(APP, span(7, 5), "parameter", "temperature 2 clamped to 1.99 (DashScope accepts [0, 2))", "unsafe"),
            Change(APP, span(4, 10), "client", "OpenAI client pointed at DashScope (base_url, api_key)"),
            Change(APP, span(2), "model", "gpt-4o -> qwen-plus"),
        ),
        notes=(
            Note(APP, span(9), Severity.INFO, "logit_bias is not accepted; removed", "qwen:parameter:logit_bias"),
            Note(APP, span(12), Severity.BLOCKED, "embeddings are not offered", "qwen:unsupported:embeddings"),
            Note(APP, span(3), Severity.MANUAL, "check the tool schema [bold]x[/bold]", "qwen:manual:tools"),
        ),
    )
    gbk = FileMigration(
        path=GBK,
        before="# 中文\nimport openai\n",
        after="# 中文\nimport openai  # qwen\n",
        encoding="gbk",
        changes=(Change(GBK, span(2), "import", "kept the openai SDK for the compatible endpoint"),),
    )
    notebook = FileMigration(
        path="notebooks/demo.ipynb",
        before="{}",
        after="{}",
        notes=(
            Note("notebooks/demo.ipynb", span(2, 1, cell=3), Severity.MANUAL, "streaming in a loop", "qwen:manual:stream"),
        ),
    )
    broken = FileMigration("broken.py", "x(\n", "x(\n", error="SyntaxError: invalid syntax (line 1)")
    untouched = FileMigration("untouched.py", "print('hi')\n", "print('hi')\n")
    return [app, gbk, notebook, broken, untouched]


def sample(files: list[FileMigration] | None = None) -> MigrationResult:
    return MigrationResult("qwen", "compat", tuple(sample_files() if files is None else files))


def reordered_sample() -> MigrationResult:
    """The same migration with files, changes and notes in other orders."""
    files = []
    for file in reversed(sample_files()):
        files.append(
            FileMigration(
                file.path, file.before, file.after, file.encoding,
                tuple(reversed(file.changes)), tuple(reversed(file.notes)), file.error,
            )
        )
    return sample(files)


# ---------------------------------------------------------------- JSON
def test_json_is_canonical_whatever_the_order_of_the_result() -> None:
    text = render_migration_json(sample())
    assert text == render_migration_json(reordered_sample())
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_json_header_and_summary() -> None:
    document = json.loads(render_migration_json(sample()))
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "banjia", "version": __version__}
    assert (document["provider"], document["strategy"]) == ("qwen", "compat")
    assert document["summary"] == {
        "files_changed": 2,
        "changes": 4,
        "changes_by_category": {"client": 1, "import": 1, "model": 1, "parameter": 1},
        "notes_by_severity": {"blocked": 1, "manual": 2, "info": 1},
        "errors": 1,
    }


def test_json_lists_only_files_with_changes_notes_or_errors() -> None:
    files = json.loads(render_migration_json(sample()))["files"]
    assert [f["path"] for f in files] == ["broken.py", "notebooks/demo.ipynb", APP, GBK]
    broken, notebook, app, gbk = files
    assert broken == {
        "path": "broken.py", "changed": False, "encoding": "utf-8",
        "error": "SyntaxError: invalid syntax (line 1)", "changes": [], "notes": [],
    }
    assert notebook["changed"] is False and notebook["notes"][0]["cell"] == 3
    assert gbk["encoding"] == "gbk" and gbk["changed"] is True
    assert app["changes"][0] == {
        "line": 2, "column": 1, "end_line": 2, "end_column": 7,
        "category": "model", "message": "gpt-4o -> qwen-plus", "safety": "safe",
    }
    assert [c["line"] for c in app["changes"]] == [2, 4, 7]
    assert [(n["line"], n["severity"]) for n in app["notes"]] == [(3, "manual"), (9, "info"), (12, "blocked")]
    assert app["notes"][2]["rule"] == "qwen:unsupported:embeddings"
    assert "cell" not in app["changes"][0]


def test_json_holds_no_file_text_and_keeps_unicode_readable() -> None:
    text = render_migration_json(sample())
    assert "from openai import OpenAI" not in text and "# 中文" not in text
    assert '"before"' not in text and '"after"' not in text
    assert GBK in text and "\\u" not in text


def test_json_of_an_empty_migration() -> None:
    document = json.loads(render_migration_json(sample([])))
    assert document["files"] == []
    assert document["summary"] == {
        "files_changed": 0, "changes": 0, "changes_by_category": {},
        "notes_by_severity": {"blocked": 0, "manual": 0, "info": 0}, "errors": 0,
    }


def test_summary_counts_unsafe_changes_and_ranks_categories() -> None:
    many = FileMigration(
        "a.py", "a", "b",
        changes=(
            Change("a.py", span(1), "model", "m1"),
            Change("a.py", span(2), "model", "m2", "unsafe"),
            Change("a.py", span(3), "env", "e"),
            Change("a.py", span(4), "client", "c"),
        ),
    )
    summary = summarize_migration(sample([many]))
    assert summary.changes_by_category == (("model", 2), ("client", 1), ("env", 1))
    assert summary.unsafe_changes == 1
    assert summary.notes(Severity.BLOCKED) == 0


# ---------------------------------------------------------------- terminal
def printed(result: MigrationResult, color_system: str | None = None) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=color_system)
    console.print(render_migration_summary(result))
    return console.file.getvalue()


# The styled summary for a terminal, and the plain lines written when stderr is not one.
RENDERINGS = [pytest.param(printed, id="terminal"), pytest.param(migration_summary_text, id="plain")]


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def block(text: str, header: str) -> list[str]:
    lines = lines_of(text)
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    return lines[start : lines.index("", start)]


@pytest.mark.parametrize("render", RENDERINGS)
def test_files_are_listed_in_path_order_with_their_counts(render) -> None:
    headers = [line for line in lines_of(render(sample())) if line and not line.startswith(" ")][:4]
    assert headers == [
        "broken.py",
        "notebooks/demo.ipynb  (1 note)",
        "src/app.py  (3 changes, 3 notes)",
        "模块/客户端.py  (1 change)",
    ]


@pytest.mark.parametrize("render", RENDERINGS)
def test_changes_come_first_then_notes_blocked_manual_info(render) -> None:
    rows = block(render(sample()), APP)[1:]
    assert [row.split()[:2] for row in rows] == [
        ["2:1", "model"],
        ["4:10", "client"],
        ["7:5", "parameter"],
        ["blocked", "12:1"],
        ["manual", "3:1"],
        ["info", "9:1"],
    ]
    assert rows[2].endswith("[unsafe]")
    assert not any(row.endswith("[unsafe]") for row in rows[:2])
    assert rows[3].endswith("qwen:unsupported:embeddings")


@pytest.mark.parametrize("render", RENDERINGS)
def test_text_from_the_code_is_not_read_as_markup(render) -> None:
    assert "check the tool schema [bold]x[/bold]" in render(sample())


@pytest.mark.parametrize("render", RENDERINGS)
def test_notebook_notes_name_the_cell_and_errors_are_shown(render) -> None:
    text = render(sample())
    assert block(text, "notebooks/demo.ipynb")[1].split()[:5] == ["manual", "cell", "4,", "line", "2:1"]
    assert block(text, "broken.py") == ["broken.py", "  could not be migrated: SyntaxError: invalid syntax (line 1)"]


@pytest.mark.parametrize("render", RENDERINGS)
def test_the_verdict_and_the_summary_table_close_the_report(render) -> None:
    text = render(sample())
    flat = " ".join(text.split())
    assert (
        "Migrated to qwen (compat): 4 changes in 2 files. Left for people: 1 blocked, 2 manual. "
        "1 file could not be migrated." in flat
    )
    table = lines_of(text)[lines_of(text).index("Summary") + 1 :]
    pairs = [tuple(line.rsplit(None, 1)) for line in table if line]
    assert pairs == [
        ("provider", "qwen"),
        ("strategy", "compat"),
        ("files changed", "2"),
        ("changes", "4"),
        ("client changes", "1"),
        ("import changes", "1"),
        ("model changes", "1"),
        ("parameter changes", "1"),
        ("unsafe changes", "1"),
        ("notes: blocked", "1"),
        ("notes: manual", "2"),
        ("notes: info", "1"),
        ("files not migrated", "1"),
    ]


@pytest.mark.parametrize("render", RENDERINGS)
def test_a_migration_with_nothing_to_do_says_so(render) -> None:
    text = render(sample([FileMigration("a.py", "x\n", "x\n")]))
    assert lines_of(text)[0] == "No files changed for qwen (compat)."


def test_colour_marks_severities_and_a_plain_console_gets_none() -> None:
    assert "\x1b[" not in printed(sample())
    coloured = printed(sample(), "truecolor")
    assert "\x1b[1;31mblocked" in coloured
    assert "\x1b[33mmanual" in coloured
    assert "\x1b[1;36msrc/app.py" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == printed(sample())


def test_plain_lines_are_never_wrapped_and_align_each_block() -> None:
    long = "x" * 300
    result = sample([FileMigration("a.py", "a", "b", changes=(Change("a.py", span(10), "model", long),
                                                             Change("a.py", span(2), "client", "c")))])
    rows = block(migration_summary_text(result), "a.py")[1:]
    assert rows == ["  2:1   client  c", "  10:1  model   " + long]


# ---------------------------------------------------------------- Markdown
def test_markdown_opens_with_the_verdict_and_the_totals() -> None:
    text = render_migration_markdown(sample())
    lines = text.split("\n")
    assert lines[0] == "## banjia: migration to `qwen`"
    assert lines[2].startswith("**Migrated to qwen (compat): 4 changes in 2 files.")
    assert "| Provider | `qwen` |" in lines and "| Notes: blocked | 1 |" in lines
    assert text.endswith("</details>\n")


def test_markdown_expands_the_files_that_need_a_person() -> None:
    text = render_migration_markdown(sample())
    summaries = re.findall(r"<details( open)?>\n<summary>(.*?)</summary>", text)
    assert summaries == [
        (" open", "<code>broken.py</code> — could not be migrated"),
        (" open", "<code>notebooks/demo.ipynb</code>: 1 note"),
        (" open", "<code>src/app.py</code>: 3 changes, 3 notes"),
        ("", "<code>模块/客户端.py</code>: 1 change"),
    ]


def test_markdown_rows_escape_the_text_and_order_the_notes() -> None:
    text = render_migration_markdown(sample())
    assert "| 7:5 | `parameter` | temperature 2 clamped to 1.99 (DashScope accepts \\[0, 2)) | unsafe |" in text
    notes = [line for line in text.split("\n") if line.startswith("| ") and "**" in line]
    assert [line.split(" | ")[1] for line in notes] == ["**manual**", "**blocked**", "**manual**", "**info**"]
    assert "check the tool schema \\[bold\\]x\\[/bold\\]" in text
    assert "| cell 4, line 2:1 | **manual** |" in text


def test_markdown_caps_rows_keeping_notes_before_changes() -> None:
    text = render_migration_markdown(sample(), max_rows=4)
    # broken.py (1 row) + notebook (1 note) leave two rows: app's blocked and manual notes.
    assert "| 12:1 | **blocked** |" in text and "| 3:1 | **manual** |" in text
    assert "| 9:1 | **info** |" not in text and "`model`" not in text
    assert "… and 4 more rows in this file; see the JSON report." in text
    assert "… and 1 more file not shown; see the JSON report." in text
    assert GBK not in text


def test_markdown_rejects_a_cap_below_one() -> None:
    with pytest.raises(ValueError):
        render_migration_markdown(sample(), max_rows=0)
