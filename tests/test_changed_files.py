"""--since REF in a real git repository: renames, deletions, untracked, ignored, the merge base."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.changed_files import parse_name_status
from banjia.cli import app

OPENAI = "from openai import OpenAI\nclient = OpenAI()\n"


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """main: five files; feature (checked out) edits, renames, deletes; main moves on after the branch point."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = {
        "edited.py": OPENAI, "untouched.py": OPENAI, "deleted.py": OPENAI,
        "old_name.py": OPENAI + "# a long enough body that git sees the rename\n" * 3,
        "tests/test_edited.py": OPENAI, ".gitignore": "ignored.py\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "edited.py").write_text(OPENAI + "client.models.list()\n", encoding="utf-8")
    (repo / "tests" / "test_edited.py").write_text(OPENAI + "x = 1\n", encoding="utf-8")
    git(repo, "mv", "old_name.py", "new_name.py")
    git(repo, "rm", "-q", "deleted.py")
    commit_all(repo, "feature work")
    git(repo, "checkout", "-q", "main")
    (repo / "untouched.py").write_text(OPENAI + "# changed on main after the branch point\n", encoding="utf-8")
    commit_all(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    (repo / "untracked.py").write_text(OPENAI, encoding="utf-8")
    (repo / "ignored.py").write_text(OPENAI, encoding="utf-8")
    monkeypatch.chdir(repo)
    return repo


def audited(result) -> set[str]:
    assert result.exit_code == 0, result.stderr
    return {file["path"] for file in json.loads(result.stdout)["files"]}


def test_only_the_branchs_changes_are_audited(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--since", "main", "--format", "json"])
    assert audited(result) == {"edited.py", "new_name.py", "tests/test_edited.py", "untracked.py"}


def test_uncommitted_edits_count_and_exclude_still_applies(repo: Path) -> None:
    (repo / "untouched.py").write_text(OPENAI + "# edited, not committed\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", ".", "--since", "main", "--exclude", "tests/", "-f", "json"])
    assert audited(result) == {"edited.py", "new_name.py", "untouched.py", "untracked.py"}


def test_since_narrows_the_paths_given(repo: Path) -> None:
    assert audited(CliRunner().invoke(app, ["audit", "tests", "--since", "main", "-f", "json"])) == {"tests/test_edited.py"}


def test_migrate_since_checks_only_changed_files(repo: Path) -> None:
    result = CliRunner().invoke(app, ["migrate", ".", "--to", "qwen", "--since", "main", "--check", "-f", "json"])
    assert result.exit_code == 1
    changed = {file["path"] for file in json.loads(result.stdout)["files"] if file["changed"]}
    assert changed == {"edited.py", "new_name.py", "tests/test_edited.py", "untracked.py"}


def test_nothing_changed_is_clean(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--since", "HEAD", "--fail-on-findings", "-f", "json"])
    assert result.exit_code == 1  # untracked.py is new
    (repo / "untracked.py").unlink()
    result = CliRunner().invoke(app, ["audit", ".", "--since", "HEAD", "--fail-on-findings", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["files"] == []


@pytest.mark.parametrize("ref, message", [("no-such-branch", "unknown git ref 'no-such-branch'"), ("--all", "not a git ref")])
def test_an_unknown_ref_is_a_usage_error(repo: Path, ref: str, message: str) -> None:
    result = CliRunner().invoke(app, ["audit", ".", f"--since={ref}"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_outside_a_git_repository_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for command in (["audit", "."], ["migrate", ".", "--to", "qwen"]):
        result = CliRunner().invoke(app, [*command, "--since", "main"])
        assert result.exit_code == 2
        assert result.stderr.startswith("banjia: error: --since main: not inside a git repository")


def test_name_status_parsing() -> None:
    output = "M\0a.py\0R087\0old.py\0new.py\0D\0gone.py\0C100\0src.py\0copy.py\0A\0dir/new file.py\0T\0link\0"
    assert parse_name_status(output) == ["a.py", "new.py", "copy.py", "dir/new file.py", "link"]
    assert parse_name_status("") == []
