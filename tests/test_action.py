"""action.yml: its banjia step, run as the Actions runner runs it, against a temporary repository.

The runner substitutes `${{ inputs.* }}` into the step's `env` and runs the script with
`bash --noprofile --norc -eo pipefail`; so does this test, with `banjia` on PATH from
this checkout instead of the package index.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_sarif import validate

yaml = pytest.importorskip("yaml")

PROJECT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
OPENAI = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"


def step(step_id_or_name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name")))


def run_action(repo: Path, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, Path, dict[str, str]]:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    banjia_step = step("banjia")
    environment = {
        key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], value)
        for key, value in banjia_step["env"].items()
    }
    shim = tmp_path / "bin" / "banjia"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m banjia "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    script = tmp_path / "step.sh"
    script.write_text(banjia_step["run"], encoding="utf-8")
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=repo, capture_output=True, text=True, check=False,
        env={
            **os.environ, **environment, "PYTHONPATH": str(PROJECT),
            "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
        },
    )
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()) if output.exists() else {}
    return completed, summary, outputs


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(OPENAI, encoding="utf-8")
    return repo


def test_the_action_installs_the_published_package_and_exposes_the_exit_code() -> None:
    install = step("Install banjia")
    assert '"banjia${BANJIA_VERSION:+==$BANJIA_VERSION}"' in install["run"]
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.banjia.outputs.exit-code }}"


def test_audit_gate_summary_annotations_and_sarif(repo: Path, tmp_path: Path) -> None:
    completed, summary, outputs = run_action(
        repo, tmp_path, args="--fail-on-findings", to="qwen", **{"sarif-file": "banjia.sarif"}
    )
    assert completed.returncode == 1, completed.stderr
    assert outputs == {"exit-code": "1"}
    assert summary.read_text(encoding="utf-8").startswith("## banjia")
    assert "::warning file=app.py,line=1" in completed.stdout or "::notice file=app.py,line=" in completed.stdout
    document = json.loads((repo / "banjia.sarif").read_text(encoding="utf-8"))
    validate(document)
    assert any("fixes" in result for result in document["runs"][0]["results"])


def test_migrate_check_then_write(repo: Path, tmp_path: Path) -> None:
    pending, summary, outputs = run_action(repo, tmp_path, command="migrate", to="qwen", args="--check", annotations="false")
    assert pending.returncode == 1 and outputs == {"exit-code": "1"}
    assert "## banjia: migration to `qwen`" in summary.read_text(encoding="utf-8")
    written, _, outputs = run_action(repo, tmp_path, command="migrate", to="qwen", args="--write")
    assert written.returncode == 0 and outputs == {"exit-code": "0"}
    assert "::warning file=app.py" in written.stdout  # annotated before the files were written
    assert "DASHSCOPE_API_KEY" in (repo / "app.py").read_text(encoding="utf-8")
    clean, _, _ = run_action(repo, tmp_path, command="migrate", to="qwen", args="--check")
    assert clean.returncode == 0


def test_a_usage_error_fails_the_step_with_2(repo: Path, tmp_path: Path) -> None:
    completed, _, outputs = run_action(repo, tmp_path, command="migrate", to="nowhere", annotations="false")
    assert completed.returncode == 2 and outputs == {"exit-code": "2"}
    assert "banjia: error:" in completed.stderr
