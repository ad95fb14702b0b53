"""The hooks in .pre-commit-hooks.yaml, run by real pre-commit against a temporary git repository.

pre-commit installs the hook repository into its own virtualenv with pip, as it does
for users, so this test needs the package index (once per run, about half a minute).
The hook repository is a git repository made from this checkout's files, committed,
so the test sees uncommitted work too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")

PROJECT = Path(__file__).resolve().parents[1]
OPENAI = "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"


def git(repo: Path, *arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=repo, capture_output=True, text=True, check=True)
    return completed.stdout


def commit_all(repo: Path) -> str:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "snapshot")
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's package and hook manifest, committed in a repository of their own."""
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = git(PROJECT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for relative in listed:
        if relative in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml") or relative.startswith("banjia/"):
            if (PROJECT / relative).is_file():
                (repo / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(PROJECT / relative, repo / relative)
    git(repo, "init", "-q")
    return repo, commit_all(repo)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def run_hooks(project: Path, hook_repo: tuple[Path, str], home: Path) -> subprocess.CompletedProcess:
    repo, rev = hook_repo
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n"
        f"  - repo: {repo}\n"
        f"    rev: {rev}\n"
        f"    hooks:\n"
        f"      - id: banjia-audit\n"
        f"      - id: banjia-migrate-check\n"
        f"        args: [--to, qwen]\n",
        encoding="utf-8",
    )
    git(project, "add", "-A")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=project, capture_output=True, text=True, check=False,
        env={**_environment(), "PRE_COMMIT_HOME": str(home)},
    )


def _environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}


def test_the_hooks_gate_commits(tmp_path: Path, hook_repo, pre_commit_home: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / "app.py").write_text(OPENAI, encoding="utf-8")
    (project / "notes.md").write_text("not a file banjia reads\n", encoding="utf-8")

    failing = run_hooks(project, hook_repo, pre_commit_home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    lines = failing.stdout.splitlines()
    assert any(line.startswith("banjia audit (no OpenAI dependencies)") and line.endswith("Failed") for line in lines)
    assert any(line.startswith("banjia migrate --check") and line.endswith("Failed") for line in lines)
    assert "app.py" in failing.stdout and "+client = OpenAI(api_key=" in failing.stdout  # the pending diff
    assert (project / "app.py").read_text(encoding="utf-8") == OPENAI  # --check changes nothing

    (project / "app.py").write_text("print('moved off OpenAI')\n", encoding="utf-8")
    passing = run_hooks(project, hook_repo, pre_commit_home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert sum(line.endswith("Passed") for line in passing.stdout.splitlines()) == 2
