"""The command line: formats, output files, exit codes, notices, help."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.cli import app

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-desk"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\nclient = OpenAI()\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n",
        encoding="utf-8",
    )
    (tmp_path / "plain.py").write_text("print('nothing to see')\n", encoding="utf-8")
    return tmp_path


def test_table_report_and_summary_line(runner: CliRunner, repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["audit", "."])
    assert result.exit_code == 0, result.output
    assert "chat.completions.create" in result.stdout
    assert "4 findings in 1 file; 2 files scanned, 1 analysed" in result.stderr
    assert "\x1b[" not in result.stdout  # plain text when not a terminal


def test_json_is_stable_and_machine_readable(runner: CliRunner, repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    first = runner.invoke(app, ["audit", ".", "--format", "json"])
    second = runner.invoke(app, ["audit", ".", "-f", "json"])
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert report["schema_version"] == 1
    [file_report] = report["files"]
    assert file_report["path"] == "app.py"
    kinds = sorted(f["kind"] for f in file_report["findings"])
    assert kinds == ["call", "client", "import", "model"]


@pytest.mark.parametrize("fmt, marker", [("markdown", "| "), ("sarif", '"version": "2.1.0"')])
def test_other_formats_to_an_output_file(runner: CliRunner, repo: Path, tmp_path: Path, monkeypatch, fmt, marker) -> None:
    monkeypatch.chdir(repo)
    target = tmp_path / "out" / f"report.{fmt}"
    result = runner.invoke(app, ["audit", ".", "--format", fmt, "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert marker in target.read_text(encoding="utf-8")
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temp file left


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_output_that_is_a_pipe_is_written_through(runner: CliRunner, repo: Path, tmp_path: Path, monkeypatch) -> None:
    """`-o /dev/null` or `-o /dev/stdout` must not become a regular file: a named pipe stands in for them."""
    monkeypatch.chdir(repo)
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    result = runner.invoke(app, ["audit", ".", "--format", "json", "--output", str(pipe)])
    reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert json.loads(received[0])["schema_version"] == 1
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_fail_on_findings_gates_ci(runner: CliRunner, repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    assert runner.invoke(app, ["audit", ".", "--fail-on-findings"]).exit_code == 1
    assert runner.invoke(app, ["audit", "plain.py", "--fail-on-findings"]).exit_code == 0


def test_unprocessable_file_is_reported_and_the_run_goes_on(runner: CliRunner, repo: Path, monkeypatch) -> None:
    (repo / "broken.py").write_text("import openai\nprint 'python 2'\n", encoding="utf-8")
    (repo / "gbk.py").write_bytes("# -*- coding: utf-8 -*-\nimport openai\nx = '\u4e2d'\n".encode("gbk"))
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["audit", ".", "--format", "json"])
    assert result.exit_code == 3
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert any(line.startswith("warning: broken.py: does not parse") for line in warnings)
    assert any(line.startswith("warning: gbk.py: ") for line in warnings)
    report = json.loads(result.stdout)
    assert "app.py" in {f["path"] for f in report["files"]}  # the good file is still audited


@pytest.mark.parametrize(
    "arguments",
    [["audit", "does-not-exist"], ["audit", ".", "--format", "xml"], ["audit", ".", "--jobs", "-1"], ["nope"]],
)
def test_usage_errors_exit_2(runner: CliRunner, repo: Path, monkeypatch, arguments) -> None:
    monkeypatch.chdir(repo)
    assert runner.invoke(app, arguments).exit_code == 2


def test_help_reads_like_a_manual(runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", "--help"])
    assert result.exit_code == 0
    for option in ("--format", "--output", "--include", "--exclude", "--fail-on-findings", "--jobs"):
        assert option in result.stdout
    assert "Exit codes" in runner.invoke(app, ["--help"]).stdout


def test_parallel_and_serial_runs_agree(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    for index in range(40):
        (tmp_path / f"m{index:02}.py").write_text(
            f"import openai\nopenai.ChatCompletion.create(model='gpt-4', n={index})\n", encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path)
    serial = runner.invoke(app, ["audit", ".", "-f", "json", "-j", "1"])
    parallel = runner.invoke(app, ["audit", ".", "-f", "json", "-j", "2"])
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.stdout == parallel.stdout
    assert len(json.loads(serial.stdout)["files"]) == 40


def test_console_script_runs_on_the_example() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "banjia", "audit", str(EXAMPLE), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["summary"]


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "support-desk"
    shutil.copytree(EXAMPLE, target)
    return target


def test_migrate_check_write_and_idempotence(runner: CliRunner, example_copy: Path, monkeypatch) -> None:
    monkeypatch.chdir(example_copy)
    before = (example_copy / "support_desk" / "clients.py").read_text(encoding="utf-8")
    check = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--check"])
    assert check.exit_code == 1, check.output
    assert (example_copy / "support_desk" / "clients.py").read_text(encoding="utf-8") == before
    diff = runner.invoke(app, ["migrate", ".", "--to", "qwen"])
    assert diff.exit_code == 0
    assert diff.stdout.startswith("diff --git a/")
    assert '+client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"]' in diff.stdout
    written = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--write"])
    assert written.exit_code == 0
    after = (example_copy / "support_desk" / "clients.py").read_text(encoding="utf-8")
    assert "DASHSCOPE_BASE_URL" in after
    again = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--check"])
    assert again.exit_code == 0, again.stdout
    assert again.stdout == ""


def test_migrate_patch_applies_with_git(runner: CliRunner, example_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(example_copy)
    subprocess.run(["git", "init", "-q"], check=True)
    patch = tmp_path / "qwen.patch"
    result = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--patch", str(patch)])
    assert result.exit_code == 0
    applied = subprocess.run(["git", "apply", "--check", str(patch)], capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr


def test_migrate_json_report(runner: CliRunner, example_copy: Path, monkeypatch) -> None:
    monkeypatch.chdir(example_copy)
    result = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--format", "json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["provider"] == "qwen"
    paths = {f["path"] for f in report["files"]}
    assert "support_desk/clients.py" in paths


@pytest.mark.parametrize("arguments", [["migrate", ".", "--to", "nowhere"], ["migrate", "."]])
def test_migrate_usage_errors(runner: CliRunner, repo: Path, monkeypatch, arguments) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert result.stderr.startswith("banjia: error:") or "Error" in result.stderr


def test_migrate_write_refuses_a_file_changed_since_it_was_read(runner: CliRunner, repo: Path, monkeypatch) -> None:
    """A refused write is one clear line and exit 3, never a traceback."""
    import banjia.writer

    def refuse(result, root=None, **options):
        raise banjia.writer.WriteError("app.py: changed on disk since it was read")

    monkeypatch.setattr(banjia.writer, "write_migration", refuse)
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--write"])
    assert result.exit_code == 3
    assert "banjia: error: nothing more written: app.py: changed on disk" in result.stderr
