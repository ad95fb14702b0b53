from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from banjia.model import FileMigration, MigrationResult
from banjia.report.diff import patch_bytes
from banjia.writer import WriteError, write_file_atomically, write_migration, write_patch


def migration(*files: FileMigration) -> MigrationResult:
    return MigrationResult(provider="qwen", strategy="compat", files=files)


def on_disk(root: Path, *files: FileMigration) -> None:
    for file in files:
        if file.before:
            target = root / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.before.encode(file.encoding))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*.tmp"))


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    ("before", "after", "encoding", "expected"),
    [
        pytest.param("# 中文\nx = 1\n", "# 中文\nx = 2\n", "gbk", "# 中文\nx = 2\n".encode("gbk"), id="gbk"),
        pytest.param("x = 1\n", "y = 1\n", "utf-8-sig", b"\xef\xbb\xbfy = 1\n", id="utf-8-sig-keeps-bom"),
        pytest.param("a = 1\r\nb = 2\r\n", "a = 1\r\nb = 3\r\n", "utf-8", b"a = 1\r\nb = 3\r\n", id="crlf"),
        pytest.param("# café\n", "# café!\n", "latin-1", b"# caf\xe9!\n", id="latin-1"),
        pytest.param("last", "last line", "utf-8", b"last line", id="no-trailing-newline"),
    ],
)
def test_files_are_written_in_their_own_encoding(
    tmp_path: Path, before: str, after: str, encoding: str, expected: bytes
) -> None:
    file = FileMigration("pkg/mod.py", before, after, encoding=encoding)
    on_disk(tmp_path, file)
    assert write_migration(migration(file), tmp_path) == ["pkg/mod.py"]
    assert (tmp_path / "pkg/mod.py").read_bytes() == expected
    assert leftovers(tmp_path) == []


def test_only_changed_files_are_written_in_path_order(tmp_path: Path) -> None:
    files = (
        FileMigration("b.py", "1\n", "2\n"),
        FileMigration("a.py", "1\n", "2\n"),
        FileMigration("same.py", "1\n", "1\n"),
        FileMigration("broken.py", "1\n", "2\n", error="re-parse failed"),
    )
    on_disk(tmp_path, *files)
    assert write_migration(migration(*files), tmp_path) == ["a.py", "b.py"]
    assert (tmp_path / "broken.py").read_bytes() == b"1\n"
    assert (tmp_path / "same.py").read_bytes() == b"1\n"


def test_relative_paths_default_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = FileMigration("m.py", "1\n", "2\n")
    on_disk(tmp_path, file)
    monkeypatch.chdir(tmp_path)
    assert write_migration(migration(file)) == ["m.py"]
    assert (tmp_path / "m.py").read_bytes() == b"2\n"


def test_created_files_get_their_folders_and_the_umask_mode(tmp_path: Path) -> None:
    file = FileMigration("config/new/.env.example", "", "DASHSCOPE_API_KEY=\n")
    old_umask = os.umask(0o022)
    try:
        write_migration(migration(file), tmp_path)
    finally:
        os.umask(old_umask)
    target = tmp_path / "config/new/.env.example"
    assert target.read_bytes() == b"DASHSCOPE_API_KEY=\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


# ---------------------------------------------------------------- permissions and atomicity
@pytest.mark.parametrize("mode", [0o755, 0o600, 0o640])
def test_permission_bits_are_kept(tmp_path: Path, mode: int) -> None:
    file = FileMigration("run.py", "#!/usr/bin/env python\n", "#!/usr/bin/env python3\n")
    on_disk(tmp_path, file)
    os.chmod(tmp_path / "run.py", mode)
    write_migration(migration(file), tmp_path)
    assert stat.S_IMODE((tmp_path / "run.py").stat().st_mode) == mode


def test_a_failed_rename_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(b"original\n")

    def failing_replace(source: object, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_file_atomically(target, b"new\n")
    assert target.read_bytes() == b"original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(b"original\n")

    def failing_fsync(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="I/O error"):
        write_file_atomically(target, b"new\n")
    assert target.read_bytes() == b"original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_written_through_not_replaced(tmp_path: Path) -> None:
    """`-o` naming a pipe or a device (`/dev/null`, `/dev/stdout`) writes to it; a rename
    over it would leave a regular file where the device was."""
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_file_atomically(pipe, b"report\n")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]


def test_a_symlinked_file_is_written_through_its_link(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_bytes(b"1\n")
    (tmp_path / "link.py").symlink_to("real.py")
    write_migration(migration(FileMigration("link.py", "1\n", "2\n")), tmp_path)
    assert (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "real.py").read_bytes() == b"2\n"


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize("path", ["../outside.py", "pkg/../../outside.py"])
def test_paths_outside_the_root_are_refused_before_anything_is_written(tmp_path: Path, path: str) -> None:
    root = tmp_path / "root"
    inside = FileMigration("a.py", "1\n", "2\n")
    on_disk(root, inside)
    (tmp_path / "outside.py").write_bytes(b"1\n")
    with pytest.raises(WriteError, match="outside"):
        write_migration(migration(inside, FileMigration(path, "1\n", "2\n")), root)
    assert (root / "a.py").read_bytes() == b"1\n"
    assert (tmp_path / "outside.py").read_bytes() == b"1\n"


def test_absolute_paths_outside_the_root_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_bytes(b"1\n")
    (tmp_path / "root").mkdir()
    with pytest.raises(WriteError, match="outside"):
        write_migration(migration(FileMigration(str(outside), "1\n", "2\n")), tmp_path / "root")
    assert outside.read_bytes() == b"1\n"


def test_a_symlink_leading_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.py").write_bytes(b"1\n")
    (root / "innocent.py").symlink_to(tmp_path / "secret.py")
    with pytest.raises(WriteError, match="outside"):
        write_migration(migration(FileMigration("innocent.py", "1\n", "2\n")), root)
    assert (tmp_path / "secret.py").read_bytes() == b"1\n"


def test_a_file_edited_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    first, second = FileMigration("a.py", "1\n", "2\n"), FileMigration("b.py", "1\n", "2\n")
    on_disk(tmp_path, first, second)
    (tmp_path / "b.py").write_bytes(b"edited by hand\n")
    with pytest.raises(WriteError, match="b.py: has changed on disk"):
        write_migration(migration(first, second), tmp_path)
    assert (tmp_path / "a.py").read_bytes() == b"1\n"


def test_a_file_to_create_that_now_exists_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "new.py").write_bytes(b"someone else's\n")
    with pytest.raises(WriteError, match="already exists"):
        write_migration(migration(FileMigration("new.py", "", "ours\n")), tmp_path)
    assert (tmp_path / "new.py").read_bytes() == b"someone else's\n"


def test_a_deleted_file_is_not_recreated(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="no longer exists"):
        write_migration(migration(FileMigration("gone.py", "1\n", "2\n")), tmp_path)
    assert not (tmp_path / "gone.py").exists()


def test_text_the_encoding_cannot_hold_is_refused(tmp_path: Path) -> None:
    first, latin = FileMigration("a.py", "1\n", "2\n"), FileMigration("l.py", "x\n", "模型\n", encoding="latin-1")
    on_disk(tmp_path, first, latin)
    with pytest.raises(WriteError, match="cannot be encoded as latin-1"):
        write_migration(migration(first, latin), tmp_path)
    assert (tmp_path / "a.py").read_bytes() == b"1\n"


def test_two_paths_to_one_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_bytes(b"1\n")
    (tmp_path / "alias.py").symlink_to("real.py")
    files = (FileMigration("alias.py", "1\n", "2\n"), FileMigration("real.py", "1\n", "3\n"))
    with pytest.raises(WriteError, match="same file"):
        write_migration(migration(*files), tmp_path)
    assert (tmp_path / "real.py").read_bytes() == b"1\n"


def test_write_error_is_a_value_error() -> None:
    assert issubclass(WriteError, ValueError)


# ---------------------------------------------------------------- patches
def test_the_patch_is_written_in_each_files_encoding(tmp_path: Path) -> None:
    result = migration(
        FileMigration("legacy/gbk.py", "# 中文\nx = 1\n", "# 中文\nx = 2\n", encoding="gbk"),
        FileMigration("src/app.py", "a\n", "b\n"),
    )
    target = tmp_path / "out" / "migration.patch"
    write_patch(result, target)
    data = target.read_bytes()
    assert data == patch_bytes(result)
    assert "# 中文".encode("gbk") in data
    assert leftovers(tmp_path) == []


def test_a_patch_that_cannot_be_encoded_is_refused_and_not_written(tmp_path: Path) -> None:
    result = migration(FileMigration("latin.py", "x\n", "名\n", encoding="latin-1"))
    with pytest.raises(WriteError, match="cannot hold"):
        write_patch(result, tmp_path / "migration.patch")
    assert list(tmp_path.iterdir()) == []
