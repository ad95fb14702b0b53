"""Deeply nested code: processed when it can be, skipped with a reason when not, never a crash.

libcst's native parser overflows the C stack on generated code (a long sum) and takes
time quadratic in the depth, so the runs that could kill the process happen in a
subprocess: a segmentation fault there fails the test instead of the test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from banjia.api import analyze_file, migrate_file
from banjia.nesting import MAX_NESTING, TooDeeplyNested, check_nesting, on_deep_stack
from banjia.rules.loader import load_builtin

REPO = Path(__file__).resolve().parents[1]
OPENAI_CLIENT = "from openai import OpenAI\nclient = OpenAI()\n"


def long_sum(terms: int) -> str:
    """A sum of `terms` ones: a syntax tree `terms` levels deep, as generated code holds."""
    return "x = " + " + ".join(["1"] * terms) + "\n"


def test_a_sum_deeper_than_the_default_recursion_limit_allows_is_still_migrated() -> None:
    # 800 levels need some 8,000 Python frames inside libcst: beyond the default 1,000.
    source = OPENAI_CLIENT + long_sum(800)
    assert sys.getrecursionlimit() < 8_000
    path = REPO / "tests" / "data" / "nesting-800.py"
    try:
        path.write_text(source, encoding="utf-8")
        migrated = migrate_file(path, "nesting-800.py", load_builtin("qwen"))
        audited, parsed = analyze_file(path, "nesting-800.py")
    finally:
        path.unlink()
    assert migrated.error is None and migrated.changed
    assert audited.error is None and parsed and audited.findings


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_generated_code_too_deep_to_parse_is_skipped_by_name_and_the_run_goes_on(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "generated.py").write_text("import openai\n" + long_sum(20_000), encoding="utf-8")
    for number in range(24):  # enough files for the process pool with --jobs 2
        (tmp_path / f"app{number}.py").write_text(OPENAI_CLIENT, encoding="utf-8")
    command = [sys.executable, "-m", "banjia", "audit", ".", "--format", "json", "--jobs", jobs]
    completed = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=_this_checkout()
    )
    assert completed.returncode == 3, completed.stderr[-2000:]
    warnings = [line for line in completed.stderr.splitlines() if line.startswith("warning:")]
    # one line each, however long: a log reader greps for the file name
    assert warnings == [f"warning: generated.py: too deeply nested to parse (more than {MAX_NESTING:,} levels)"]
    assert completed.stdout.count('"kind": "client"') == 24


def test_a_notebook_cell_too_deep_to_parse_is_reported_and_the_other_cells_migrate(tmp_path: Path) -> None:
    cells = [OPENAI_CLIENT, long_sum(20_000), 'client.chat.completions.create(model="gpt-4o", messages=[])\n']
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": source.splitlines(keepends=True)} for source in cells],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "deep.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    run = [sys.executable, "-m", "banjia"]
    audited = subprocess.run([*run, "audit", ".", "--format", "json", "--no-cache"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, env=_this_checkout())
    findings = json.loads(audited.stdout)["files"][0]["findings"]
    deep = [f for f in findings if f["kind"] == "unprocessable"]
    assert [(f["cell"], f["message"]) for f in deep] == [
        (1, f"cell 1 does not parse: too deeply nested to parse (more than {MAX_NESTING:,} levels)")]
    assert {f["kind"] for f in findings} >= {"client", "call"}
    migrated = subprocess.run([*run, "migrate", ".", "--to", "qwen", "--format", "json", "--no-cache"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120, env=_this_checkout())
    assert migrated.returncode in (0, 1), migrated.stderr[-2000:]
    report = json.loads(migrated.stdout)["files"][0]
    assert any("cell 1 does not parse (too deeply nested" in note["message"] for note in report["notes"])
    assert any("qwen" in change["message"] for change in report["changes"])


def test_check_nesting_measures_syntax_levels() -> None:
    check_nesting(long_sum(MAX_NESTING - 10))
    with pytest.raises(TooDeeplyNested, match="more than 2,000 levels"):
        check_nesting(long_sum(MAX_NESTING + 10))


def test_parentheses_python_itself_refuses_are_too_deep() -> None:
    with pytest.raises(TooDeeplyNested, match="too many nested parentheses"):
        check_nesting("x = " + "(" * 300 + "1" + ")" * 300 + "\n")


def test_code_python_cannot_parse_for_another_reason_is_left_to_libcst() -> None:
    check_nesting("print 'python 2'\n")
    check_nesting("x = (\n")


def test_on_deep_stack_returns_the_result_and_restores_the_recursion_limit() -> None:
    before = sys.getrecursionlimit()
    assert on_deep_stack(sys.getrecursionlimit) >= 10_000
    assert on_deep_stack(lambda a, *, b: a + b, 1, b=2) == 3
    assert sys.getrecursionlimit() == before


def test_on_deep_stack_raises_the_functions_own_exception() -> None:
    def fail() -> None:
        raise KeyError("where")

    with pytest.raises(KeyError, match="where"):
        on_deep_stack(fail)


def test_without_room_for_a_large_stack_the_function_runs_on_the_callers(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    def refuse(self) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    assert on_deep_stack(threading.current_thread) is threading.current_thread()
    assert on_deep_stack(sys.getrecursionlimit) == sys.getrecursionlimit() < 10_000


def _this_checkout() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
