from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from test_report_sample import (
    APP,
    TRICKY_SNIPPET,
    UNICODE,
    empty_result,
    finding,
    reordered_sample_result,
    sample_result,
)

from banjia.model import AuditResult, FileResult, Kind
from banjia.report.markdown import code_span, escape_text, render_markdown


def to_html(markdown: str) -> str:
    """Render as a GFM-style viewer would: CommonMark plus pipe tables."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


def section(markdown: str, path: str) -> str:
    start = markdown.index(f"<summary><code>{path}</code>")
    return markdown[start : markdown.index("</details>", start)]


def test_starts_with_heading_verdict_and_totals() -> None:
    lines = render_markdown(sample_result()).splitlines()
    assert lines[0] == "## banjia: OpenAI usage audit"
    assert lines[2] == (
        "**Found 15 OpenAI usages in 5 files** (14 certain, 1 likely). 2 files could not be analysed."
    )
    assert "| Files scanned | 12 |" in lines
    assert "| Files not analysable | 2 |" in lines


def test_breakdown_lists_counts_in_ranked_order() -> None:
    markdown = render_markdown(sample_result())
    assert (
        "- **APIs called:** `chat.completions.create` (2), `Completion.create` (1), `embeddings.create` (1)"
        in markdown
    )
    assert "- **Dependencies:** `openai>=1.0` (1), `tiktoken` (1)" in markdown


def test_each_file_is_a_collapsed_section_in_path_order() -> None:
    markdown = render_markdown(sample_result())
    summaries = re.findall(r"<summary><code>(.*?)</code>: (.*?)</summary>", markdown)
    assert summaries == [
        (".env", "1 finding"),
        ("broken.py", "could not be analysed"),
        ("legacy/latin1.py", "could not be analysed"),
        ("notebooks/demo.ipynb", "1 finding"),
        ("requirements.txt", "2 findings"),
        ("src/app.py", "9 findings"),
        ("模块/客户端.py", "2 findings"),
    ]
    assert markdown.count("<details>") == markdown.count("</details>") == 7
    assert "clean.py" not in markdown


def test_rows_show_location_kind_message_snippet_and_confidence() -> None:
    rows = section(render_markdown(sample_result()), APP).splitlines()
    assert "| 4:10 | `client` | creates an OpenAI client<br>`OpenAI()` | certain |" in rows
    assert (
        "| 9:5 | `call` | calls chat.completions.create<br>`llm.chat.completions.create(**kwargs)` | likely |"
        in rows
    )


def test_notebook_rows_name_the_cell() -> None:
    assert "| cell 3, line 2:1 | `call` |" in render_markdown(sample_result())


def test_errors_are_shown_in_their_section() -> None:
    assert "Could not be analysed: SyntaxError: invalid syntax (line 3)" in section(
        render_markdown(sample_result()), "broken.py"
    )


def test_pipes_and_backticks_in_snippets_survive_the_table() -> None:
    markdown = render_markdown(sample_result())
    row = next(line for line in section(markdown, UNICODE).splitlines() if "`config`" in line)
    assert (
        row == "| 5:1 | `config` | sets openai.api\\_key<br>"
        "``` openai.api_key = a \\| b # `key` ``x`` ``` | certain |"
    )
    html = to_html(markdown)
    flattened = " ".join(TRICKY_SNIPPET.split())
    assert f"<td>sets openai.api_key<br><code>{flattened}</code></td>" in html
    assert html.count("<table>") == 7  # the totals table and six file tables, none broken by a pipe


def test_every_table_row_has_four_cells_when_rendered() -> None:
    html = to_html(render_markdown(sample_result()))
    for body in re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            assert row.count("<td") in (2, 4)


def test_markup_in_messages_and_paths_is_shown_literally() -> None:
    path = "a<b>/x_y*.py"
    tricky = finding(Kind.CALL, path, 1, 1, "calls *create* with [link](x) | <b>", "x()", api="create")
    result = AuditResult(roots=(".",), files=(FileResult(path, (tricky,)),), files_scanned=1, files_parsed=1)
    html = to_html(render_markdown(result))
    assert "<summary><code>a&lt;b&gt;/x_y*.py</code>" in html
    assert "<td>calls *create* with [link](x) | &lt;b&gt;<br><code>x()</code></td>" in html


def test_rows_per_file_are_capped_with_a_count_of_the_rest() -> None:
    app = section(render_markdown(sample_result(), max_rows_per_file=4), APP)
    assert len([line for line in app.splitlines() if line.startswith("| ") and "`" in line]) == 4
    assert "… and 5 more findings in this file." in app
    assert "more findings" not in section(render_markdown(sample_result(), max_rows_per_file=9), APP)


def test_the_total_row_budget_cuts_the_last_file_and_counts_the_rest() -> None:
    # In path order: .env 1 row, broken.py (error only) 1, latin1 1, notebook 1, requirements 2 ...
    markdown = render_markdown(sample_result(), max_rows=5)
    assert markdown.count("<details>") == 5
    assert "… and 1 more finding in this file." in section(markdown, "requirements.txt")
    assert markdown.rstrip().endswith("… and 2 more files not shown; see the JSON or SARIF report.")
    assert "src/app.py" not in markdown


def test_no_cut_line_when_everything_fits() -> None:
    markdown = render_markdown(sample_result(), max_rows_per_file=9, max_rows=17)
    assert "more finding" not in markdown and "more file" not in markdown


@pytest.mark.parametrize("option", ["max_rows_per_file", "max_rows"])
def test_caps_below_one_are_rejected(option: str) -> None:
    with pytest.raises(ValueError):
        render_markdown(sample_result(), **{option: 0})


def test_a_clean_audit_says_so_and_lists_no_files() -> None:
    markdown = render_markdown(empty_result())
    assert "**No OpenAI usage found** in 3 scanned files." in markdown
    assert "<details>" not in markdown and "### Files" not in markdown


def test_output_is_deterministic_and_ends_with_one_newline() -> None:
    markdown = render_markdown(sample_result())
    assert render_markdown(reordered_sample_result()) == markdown
    assert markdown.endswith("</details>\n")


def test_long_and_multi_line_snippets_are_flattened_and_shortened() -> None:
    snippet = "client.chat.completions.create(\n    model='gpt-4o',\n" + "    x=1,\n" * 40 + ")"
    long_call = finding(Kind.CALL, APP, 1, 1, "calls", snippet, api="x")
    result = AuditResult(
        roots=(".",), files=(FileResult(APP, (long_call,)),), files_scanned=1, files_parsed=1
    )
    row = next(line for line in render_markdown(result).splitlines() if line.startswith("| 1:1"))
    shown = re.search(r"<br>`(.*)`", row).group(1)
    assert shown.startswith("client.chat.completions.create( model='gpt-4o', x=1,")
    assert shown.endswith("…") and len(shown) == 100
    assert "\n" not in row


@pytest.mark.parametrize(
    ("text", "in_table", "expected"),
    [
        ("plain", False, "`plain`"),
        ("a`b", False, "``a`b``"),
        ("``x``", False, "``` ``x`` ```"),
        ("a | b", False, "`a | b`"),
        ("a | b", True, "`a \\| b`"),
        (" both sides ", False, "`  both sides  `"),
    ],
)
def test_code_span(text: str, in_table: bool, expected: str) -> None:
    assert code_span(text, in_table=in_table) == expected


def test_code_spans_render_back_to_their_text() -> None:
    for text in ["a`b", "``x``", "`start", "end`", " both sides "]:
        assert to_html(code_span(text)) == f"<p><code>{text}</code></p>\n"


def test_escape_text_keeps_text_verbatim() -> None:
    text = r"**bold** _it_ [x](y) <i> a\b `c` #1 ~s~ &amp; !"
    assert (
        to_html(escape_text(text))
        == "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>\n"
    )
    assert escape_text("a\n  b", one_line=True) == "a b"


def test_a_huge_audit_fits_in_a_github_comment_by_default() -> None:
    message = "calls chat.completions.create with parameters the new provider does not accept"
    snippet = "client.chat.completions.create(model='gpt-4o', messages=messages, temperature=0.2, " * 3
    files = tuple(
        FileResult(
            f"package_{n:03}/module_with_a_long_name.py",
            tuple(
                finding(
                    Kind.CALL,
                    f"package_{n:03}/module_with_a_long_name.py",
                    line,
                    1,
                    message,
                    snippet,
                    api="x",
                )
                for line in range(1, 51)
            ),
        )
        for n in range(100)
    )
    markdown = render_markdown(AuditResult((".",), files, 100, 100))
    assert len(markdown) < 65_536
    assert "more files not shown" in markdown
