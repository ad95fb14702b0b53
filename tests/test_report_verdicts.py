"""Every report shows the per-site verdicts of `audit --to`, and none of them does without it."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from test_report_sample import APP, finding, sample_result
from test_report_sarif import validate

from banjia.model import AuditResult, FileResult, Kind
from banjia.report.json_report import render_json
from banjia.report.markdown import render_markdown
from banjia.report.sarif import render_sarif
from banjia.report.terminal import render_terminal

BLOCKED_REASON = "DeepSeek has no embeddings API | keep embeddings elsewhere"


def judged_result() -> AuditResult:
    """One file with a site of each verdict, a model finding (no verdict) and a notebook-free path."""
    findings = (
        finding(Kind.CLIENT, APP, 2, 10, "OpenAI client constructed", "OpenAI()", verdict="auto", verdict_reasons=[]),
        finding(Kind.CALL, APP, 3, 1, "chat.completions.create call", "c(temperature=2)",
                verdict="auto-with-notes", verdict_reasons=["temperature 2 clamped to 1.99"]),
        finding(Kind.CALL, APP, 4, 1, "chat.completions.create call", "c(temperature=t)",
                verdict="manual", verdict_reasons=["temperature is computed: keep it within [0, 2)"]),
        finding(Kind.CALL, APP, 5, 1, "embeddings.create call", "e(input='x')",
                verdict="blocked", verdict_reasons=[BLOCKED_REASON]),
        finding(Kind.MODEL, APP, 5, 20, "OpenAI model name 'text-embedding-3-small'", "e(input='x')",
                model="text-embedding-3-small"),
    )
    return AuditResult(("/work/repo",), (FileResult(APP, findings),), 1, 1, target="deepseek")


def plain_terminal(result: AuditResult) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(render_terminal(result))
    return console.file.getvalue()


def test_terminal_has_a_verdict_column_reasons_and_the_tally() -> None:
    text = plain_terminal(judged_result())
    rows = [line.split() for line in text.splitlines() if line.strip()[:2] in ("2:", "3:", "4:", "5:")]
    assert [row[2] for row in rows] == ["auto", "auto-with-notes", "manual", "blocked", "OpenAI"]
    assert f"- {BLOCKED_REASON}" in text
    assert "Call sites for deepseek: 1 auto, 1 auto-with-notes, 1 manual, 1 blocked." in text


def test_terminal_colours_each_verdict() -> None:
    console = Console(file=io.StringIO(), width=120, force_terminal=True, color_system="standard")
    console.print(render_terminal(judged_result()))
    text = console.file.getvalue()
    assert "\x1b[1;31mblocked" in text and "\x1b[33mmanual" in text and "\x1b[32mauto" in text


def test_json_summary_counts_verdicts_and_findings_carry_them() -> None:
    document = json.loads(render_json(judged_result()))
    assert document["schema_version"] == 1
    assert document["summary"]["target"] == "deepseek"
    assert document["summary"]["verdicts"] == {"auto": 1, "auto-with-notes": 1, "manual": 1, "blocked": 1}
    blocked = document["files"][0]["findings"][3]["data"]
    assert blocked == {"verdict": "blocked", "verdict_reasons": [BLOCKED_REASON]}


def test_markdown_has_a_verdict_column_and_the_tally() -> None:
    text = render_markdown(judged_result())
    assert "**Call sites for `deepseek`:** 1 auto, 1 auto-with-notes, 1 manual, 1 blocked." in text
    assert "| Line | Kind | What | Confidence | Verdict |" in text
    assert "| **blocked**<br>DeepSeek has no embeddings API \\| keep embeddings elsewhere |" in text
    model_row = next(line for line in text.splitlines() if line.startswith("| 5:20 "))
    assert model_row.endswith("| certain |  |")


def test_sarif_levels_follow_the_verdict_and_properties_carry_it() -> None:
    document = json.loads(render_sarif(judged_result()))
    validate(document)
    results = document["runs"][0]["results"]
    assert [r["level"] for r in results] == ["note", "note", "warning", "error", "warning"]
    blocked = results[3]
    assert blocked["properties"]["verdict"] == "blocked"
    assert blocked["properties"]["verdict_reasons"] == [BLOCKED_REASON]
    assert blocked["message"]["text"] == f"embeddings.create call [blocked]\n- {BLOCKED_REASON}"
    assert "verdict" not in results[4]["properties"]


@pytest.mark.parametrize("render", [render_json, render_markdown, render_sarif])
def test_without_a_target_no_report_mentions_verdicts(render) -> None:
    text = render(sample_result())
    assert "verdict" not in text.lower().replace('"verdicts": {}', "")


def test_without_a_target_the_terminal_has_no_verdict_column() -> None:
    text = plain_terminal(sample_result())
    assert "Call sites for" not in text and "auto" not in text
