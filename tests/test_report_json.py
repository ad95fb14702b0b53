from __future__ import annotations

import json

from test_report_sample import (
    APP,
    BROKEN,
    CLEAN,
    ENV_FILE,
    NOTEBOOK,
    REQUIREMENTS,
    UNICODE,
    UNREADABLE,
    empty_result,
    reordered_sample_result,
    sample_result,
)

from banjia import __version__
from banjia.report.json_report import render_json
from banjia.report.summary import summarize


def test_document_header_and_summary() -> None:
    document = json.loads(render_json(sample_result()))
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "banjia", "version": __version__}
    assert document["roots"] == ["/work/repo"]
    assert document["summary"] == summarize(sample_result()).to_dict()


def test_lists_only_files_with_findings_or_errors_sorted_by_path() -> None:
    paths = [entry["path"] for entry in json.loads(render_json(sample_result()))["files"]]
    assert paths == sorted([ENV_FILE, BROKEN, UNREADABLE, NOTEBOOK, REQUIREMENTS, APP, UNICODE])
    assert CLEAN not in paths


def test_file_entries_carry_errors_and_sorted_findings() -> None:
    files = {entry["path"]: entry for entry in json.loads(render_json(sample_result()))["files"]}
    assert files[BROKEN] == {"path": BROKEN, "error": "SyntaxError: invalid syntax (line 3)", "findings": []}
    assert files[APP]["error"] is None
    lines = [f["line"] for f in files[APP]["findings"]]
    assert lines == sorted(lines) and len(lines) == 9
    first_call = next(f for f in files[APP]["findings"] if f["kind"] == "call")
    assert first_call["data"]["params"] == {"model": "gpt-4o", "temperature": 0.2}
    assert first_call["confidence"] == "certain"


def test_notebook_findings_keep_their_cell_and_plain_files_have_none() -> None:
    files = {entry["path"]: entry for entry in json.loads(render_json(sample_result()))["files"]}
    assert files[NOTEBOOK]["findings"][0]["cell"] == 2
    assert all("cell" not in f for f in files[APP]["findings"])


def test_non_ascii_is_written_as_is_with_two_space_indent_and_a_final_newline() -> None:
    text = render_json(sample_result())
    assert '"path": "模块/客户端.py"' in text
    assert "\\u" not in text
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '\n  "files": [' in text


def test_same_audit_gives_the_same_bytes_whatever_the_input_order() -> None:
    first = render_json(sample_result())
    assert render_json(sample_result()) == first
    assert render_json(reordered_sample_result()) == first


def test_an_audit_with_nothing_found_lists_no_files() -> None:
    document = json.loads(render_json(empty_result()))
    assert document["files"] == []
    assert document["summary"]["findings"] == 0
