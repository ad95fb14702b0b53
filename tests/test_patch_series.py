"""--patch-dir: one patch per concern, each applying with `git apply` on top of the ones before."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from banjia.cli import app
from banjia.model import Change, FileMigration, MigrationResult, Span
from banjia.report.patch_series import PATCH_NAMES, patch_series, write_patch_series

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-desk"


def git(repo: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], cwd=repo, capture_output=True, text=True, check=False)


def committed_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    assert git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base").returncode == 0
    return repo


def tree(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_the_series_applies_in_order_and_equals_write(tmp_path: Path, monkeypatch) -> None:
    repo = committed_copy(tmp_path)
    patches = tmp_path / "patches"
    monkeypatch.chdir(repo)
    runner = CliRunner()
    result = runner.invoke(app, ["migrate", ".", "--to", "qwen", "--patch-dir", str(patches), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in patches.iterdir())
    assert written == [name for name in PATCH_NAMES if name in written] and len(written) >= 3
    assert f"patches in {patches}: {', '.join(written)}" in result.stderr
    for name in written:
        applied = git(repo, "apply", "--index", str(patches / name))
        assert applied.returncode == 0, (name, applied.stderr)
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", name)
    via_patches = tree(repo)
    git(repo, "reset", "-q", "--hard", f"HEAD~{len(written)}")
    assert runner.invoke(app, ["migrate", ".", "--to", "qwen", "--write"]).exit_code == 0
    assert tree(repo) == via_patches


def test_each_patch_holds_only_its_concern(tmp_path: Path, monkeypatch) -> None:
    repo = committed_copy(tmp_path)
    monkeypatch.chdir(repo)
    CliRunner().invoke(app, ["migrate", ".", "--to", "qwen", "--patch-dir", "out"])
    models = (repo / "out" / "02-models.patch").read_text(encoding="utf-8")
    added = [line for line in models.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert "+default: qwen-flash" in added
    assert not [line for line in added if "base_url=" in line or "DASHSCOPE_BASE_URL" in line]
    clients = (repo / "out" / "01-clients-and-endpoints.patch").read_text(encoding="utf-8")
    assert "DASHSCOPE_BASE_URL" in clients and "config/models.yaml" not in clients
    dependencies = (repo / "out" / "04-dependencies-and-env.patch").read_text(encoding="utf-8")
    assert "a/.env.example" in dependencies or "a/requirements.txt" in dependencies


def file_with_three_concerns() -> FileMigration:
    before = "c = OpenAI()\nm = 'gpt-4o'\n\n\nx = f(t=3)\ny = g(model='gpt-4o', t=3)\n"
    after = "c = OpenAI(base_url=U)\nm = 'qwen-max'\n\n\nx = f(t=2)\ny = g(model='qwen-max', t=2)\n"
    changes = (
        Change("a.py", Span(1, 5, 1, 13), "client", "client"),
        Change("a.py", Span(2, 5, 2, 13), "model", "model"),
        Change("a.py", Span(5, 5, 5, 10), "parameter", "t clamped"),
        Change("a.py", Span(6, 5, 6, 10), "parameter", "t clamped"),
        Change("a.py", Span(6, 5, 6, 10), "model", "model"),
    )
    return FileMigration("a.py", before, after, changes=changes)


def test_hunks_split_by_concern_and_mixed_hunks_go_to_the_earliest(tmp_path: Path) -> None:
    result = MigrationResult("qwen", "compat", (file_with_three_concerns(),))
    series = {name: data.decode("utf-8") for name, data in patch_series(result)}
    # lines 1-2 are one hunk (client + model): clients; 5-6 one hunk (parameter + model): models
    assert list(series) == ["01-clients-and-endpoints.patch", "02-models.patch"]
    assert "+c = OpenAI(base_url=U)\n+m = 'qwen-max'\n" in series["01-clients-and-endpoints.patch"]
    assert "+x = f(t=2)\n+y = g(model='qwen-max', t=2)\n" in series["02-models.patch"]


def test_a_new_file_is_created_by_its_concern_and_stale_patches_go(tmp_path: Path) -> None:
    created = FileMigration(".env.example", "", "QWEN_KEY=\n", changes=(Change(".env.example", Span(1, 1, 1, 1), "env", "added"),))
    directory = tmp_path / "series"
    directory.mkdir()
    (directory / "03-parameters.patch").write_text("stale", encoding="utf-8")
    (directory / "notes.txt").write_text("mine", encoding="utf-8")
    written = write_patch_series(MigrationResult("qwen", "compat", (created,)), directory)
    assert [p.name for p in written] == ["04-dependencies-and-env.patch"]
    assert sorted(p.name for p in directory.iterdir()) == ["04-dependencies-and-env.patch", "notes.txt"]
    assert "new file mode 100644" in written[0].read_text(encoding="utf-8")
    assert write_patch_series(MigrationResult("qwen", "compat", ()), directory) == []
    assert sorted(p.name for p in directory.iterdir()) == ["notes.txt"]
