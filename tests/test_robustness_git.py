"""`--write` only touches files git can give back, unless `--allow-dirty`."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from banjia.cli import app
from banjia.interactive import review_and_write
from banjia.model import FileMigration, MigrationResult
from banjia.vcs import uncommitted
from banjia.writer import WriteError, check_migration, write_migration

OLD = "x = 1\n"
NEW = "x = 2\n"
NAMES = ("app.py", "sub/模块 one.py", "other.py")


def git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo), *arguments],
        check=True, capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    for name in NAMES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(OLD, encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def change(*names: str, before: str = OLD) -> MigrationResult:
    return MigrationResult("qwen", "compat", tuple(FileMigration(name, before, NEW) for name in names))


def test_committed_files_are_written(repo: Path) -> None:
    assert write_migration(change(*NAMES), repo) == sorted(NAMES)
    assert all((repo / name).read_text(encoding="utf-8") == NEW for name in NAMES)


@pytest.mark.parametrize("state", ["modified", "staged", "untracked", "ignored"])
def test_a_file_git_holds_no_copy_of_stops_the_whole_write(repo: Path, state: str) -> None:
    dirty = repo / "dirty.py"
    if state in ("modified", "staged"):
        dirty.write_text(OLD, encoding="utf-8")
        git(repo, "add", "dirty.py")
        git(repo, "commit", "-q", "-m", "add")
        dirty.write_text("x = 0\n", encoding="utf-8")
        if state == "staged":
            git(repo, "add", "dirty.py")
    else:
        dirty.write_text("x = 0\n", encoding="utf-8")
        if state == "ignored":
            (repo / ".gitignore").write_text("dirty.py\n", encoding="utf-8")
            git(repo, "add", ".gitignore")
            git(repo, "commit", "-q", "-m", "ignore")
    result = MigrationResult("qwen", "compat", (FileMigration("app.py", OLD, NEW), FileMigration("dirty.py", "x = 0\n", NEW)))
    with pytest.raises(WriteError, match=r"git holds no copy of dirty\.py .*--allow-dirty"):
        write_migration(result, repo)
    assert (repo / "app.py").read_text(encoding="utf-8") == OLD
    assert dirty.read_text(encoding="utf-8") == "x = 0\n"
    write_migration(result, repo, allow_dirty=True)
    assert dirty.read_text(encoding="utf-8") == NEW


def test_uncommitted_changes_elsewhere_in_the_repository_do_not_matter(repo: Path) -> None:
    (repo / "other.py").write_text("edited\n", encoding="utf-8")
    (repo / "notes.txt").write_text("new\n", encoding="utf-8")
    assert write_migration(change("app.py"), repo) == ["app.py"]


def test_non_ascii_and_space_containing_names_are_matched_exactly(repo: Path) -> None:
    target = repo / "sub" / "模块 one.py"
    assert uncommitted([target.resolve()]) == []
    target.write_text("y = 1\n", encoding="utf-8")
    assert uncommitted([target.resolve(), (repo / "app.py").resolve()]) == [target.resolve()]


def test_files_outside_any_repository_and_files_to_create_are_not_checked(
    tmp_path_factory: pytest.TempPathFactory, repo: Path
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "a.py").write_text(OLD, encoding="utf-8")
    assert uncommitted([(outside / "a.py").resolve(), (repo / "new.py").resolve()]) == []


def test_without_git_nothing_is_written_unless_allowed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(WriteError, match="cannot run git.*--allow-dirty"):
        write_migration(change("app.py"), repo)
    assert (repo / "app.py").read_text(encoding="utf-8") == OLD
    write_migration(change("app.py"), repo, allow_dirty=True)
    assert (repo / "app.py").read_text(encoding="utf-8") == NEW


def test_cli_write_refuses_an_edited_file_and_allow_dirty_writes_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = "from openai import OpenAI\nclient = OpenAI()\n"
    (repo / "app.py").write_text(source, encoding="utf-8")  # edited since the last commit
    monkeypatch.chdir(repo)
    refused = CliRunner().invoke(app, ["migrate", "app.py", "--to", "qwen", "--write"])
    assert refused.exit_code == 3
    assert "git holds no copy of app.py" in refused.stderr
    assert (repo / "app.py").read_text(encoding="utf-8") == source
    allowed = CliRunner().invoke(app, ["migrate", "app.py", "--to", "qwen", "--write", "--allow-dirty"])
    assert allowed.exit_code == 0, allowed.stderr
    assert "dashscope" in (repo / "app.py").read_text(encoding="utf-8")


def test_the_check_alone_refuses_without_writing(repo: Path) -> None:
    (repo / "app.py").write_text("x = 0\n", encoding="utf-8")
    with pytest.raises(WriteError, match=r"git holds no copy of app\.py"):
        check_migration(change("app.py", before="x = 0\n"), repo)
    assert (repo / "app.py").read_text(encoding="utf-8") == "x = 0\n"
    check_migration(change("app.py", before="x = 0\n"), repo, allow_dirty=True)


def test_the_interactive_review_honours_allow_dirty(repo: Path) -> None:
    (repo / "app.py").write_text("x = 0\n", encoding="utf-8")
    console = Console(file=io.StringIO())
    written = review_and_write(change("app.py", before="x = 0\n"), io.StringIO("a\n"), console, repo, allow_dirty=True)
    assert written == ["app.py"] and (repo / "app.py").read_text(encoding="utf-8") == NEW
