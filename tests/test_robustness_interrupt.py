"""A run killed or interrupted at any moment leaves every file wholly old or wholly new.

Real processes are killed here: a forked child SIGKILLs itself at every step of a
write in turn, and `banjia migrate --write` subprocesses get SIGKILL and SIGINT in
the middle of their run. A driver slows the run down (a sleep after each file
written, or before each file migrated) so the signal lands mid-run on any machine.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import banjia.atomic
import banjia.writer
from banjia.api import migrate
from banjia.model import FileMigration, MigrationResult
from banjia.rules.loader import load_builtin
from banjia.writer import write_migration

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork")

REPO = Path(__file__).resolve().parents[1]
SOURCE = "from openai import OpenAI\n\nclient = OpenAI()  # 客户端 {number}\n"

DRIVER = """
import sys, time
import banjia.api, banjia.writer
from banjia.cli import main

pause_after_write, pause_before_file = float(sys.argv[1]), float(sys.argv[2])
write_file, migrate_contents = banjia.writer.write_file_atomically, banjia.api._migrate_contents

def slow_write(*args):
    write_file(*args)
    time.sleep(pause_after_write)

def slow_migrate(*args):
    time.sleep(pause_before_file)
    return migrate_contents(*args)

banjia.writer.write_file_atomically = slow_write
banjia.api._migrate_contents = slow_migrate
sys.argv = ["banjia", *sys.argv[3:]]
main()
"""


# ---------------------------------------------------------------- every step of a write
def test_a_kill_at_any_step_of_a_write_leaves_each_file_wholly_old_or_new(tmp_path: Path) -> None:
    files = (
        FileMigration("a.py", "x = 1\n" * 500, "x = 2\n" * 500),
        FileMigration("b/gbk.py", "# 中文\r\ny = 1\r\n", "# 中文\r\ny = 2\r\n", encoding="gbk"),
        FileMigration("c.py", "z = 1\n", "z = 22\n", encoding="utf-8-sig"),
    )
    result = MigrationResult("qwen", "compat", files)
    old = {f.path: f.before.encode(f.encoding) for f in files}
    new = {f.path: f.after.encode(f.encoding) for f in files}
    step, outcomes = 0, set()
    while True:
        step += 1
        for path, data in old.items():
            (tmp_path / path).parent.mkdir(exist_ok=True)
            (tmp_path / path).write_bytes(data)
        os.chmod(tmp_path / "a.py", 0o750)
        killed = _write_in_a_child_killed_at(step, result, tmp_path)
        states = tuple(_state(tmp_path / path, old[path], new[path]) for path in sorted(old))
        assert "torn" not in states, f"killed at step {step}: {states}"
        if (tmp_path / "a.py").read_bytes() == new["a.py"]:
            assert stat.S_IMODE((tmp_path / "a.py").stat().st_mode) == 0o750
        outcomes.add(states)
        for leftover in tmp_path.rglob(".*.tmp"):
            leftover.unlink()  # a killed write can leave its temporary file, never a torn original
        if not killed:
            break
    assert step > 12  # the kill really hit every step: several calls per file
    assert outcomes >= {("old", "old", "old"), ("new", "old", "old"), ("new", "new", "old"), ("new", "new", "new")}


def _write_in_a_child_killed_at(step: int, result: MigrationResult, root: Path) -> bool:
    """Fork; the child writes `result` and SIGKILLs itself at its `step`-th call from writer.py or atomic.py."""
    pid = os.fork()
    if pid == 0:
        try:
            _kill_at_call(step)
            write_migration(result, root)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _kill_at_call(step: int) -> None:
    calls = 0
    writing = {banjia.writer.__file__, banjia.atomic.__file__}

    def profile(frame, event, arg) -> None:
        nonlocal calls
        caller = frame if event == "c_call" else frame.f_back
        if event in ("call", "c_call") and caller is not None and caller.f_code.co_filename in writing:
            calls += 1
            if calls == step:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.setprofile(profile)


def _state(path: Path, old: bytes, new: bytes) -> str:
    data = path.read_bytes()
    return "old" if data == old else "new" if data == new else "torn"


# ---------------------------------------------------------------- real runs
@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """24 files to migrate (enough for the process pool), with what each holds before and after the migration."""
    for number in range(24):
        (tmp_path / f"m{number:02}.py").write_text(SOURCE.format(number=number), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = migrate([Path(".")], load_builtin("qwen"))
    finally:
        os.chdir(cwd)
    assert len(result.changed_files) == 24
    old = {f.path: f.before.encode(f.encoding) for f in result.changed_files}
    new = {f.path: f.after.encode(f.encoding) for f in result.changed_files}
    return tmp_path, old, new


def _start(root: Path, pause_after_write: float, pause_before_file: float, *arguments: str) -> subprocess.Popen:
    (root.parent / "driver.py").write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(root.parent / "driver.py"), str(pause_after_write), str(pause_before_file),
               "migrate", ".", "--to", "qwen", "--write", "--no-progress", "--no-cache", *arguments]
    return subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _wait_for_a_written_file(process: subprocess.Popen, root: Path, old: dict[str, bytes]) -> None:
    deadline = time.monotonic() + 60
    while all((root / path).read_bytes() == data for path, data in old.items()):
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before writing"
        time.sleep(0.002)


def _states(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, str]:
    return {path: _state(root / path, old[path], new[path]) for path in old}


def test_sigkill_in_the_middle_of_a_real_write_leaves_no_torn_file(project) -> None:
    root, old, new = project
    process = _start(root, 0.02, 0.0)
    _wait_for_a_written_file(process, root, old)
    process.kill()
    process.wait(timeout=30)
    states = _states(root, old, new)
    assert "torn" not in states.values()
    assert "old" in states.values() and "new" in states.values()


def test_sigint_in_the_middle_of_a_write_finishes_the_file_and_says_what_was_written(project) -> None:
    root, old, new = project
    process = _start(root, 0.02, 0.0)
    _wait_for_a_written_file(process, root, old)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    states = _states(root, old, new)
    written = sorted(path for path, state in states.items() if state == "new")
    assert "torn" not in states.values() and 0 < len(written) < len(old)
    assert f"banjia: interrupted: {len(written)} of {len(old)} files written, the others unchanged" in stderr
    assert [line[len("written: "):] for line in stderr.splitlines() if line.startswith("written: ")] == written
    assert "Traceback" not in stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_while_files_are_analysed_writes_nothing_and_exits_130(project, jobs: str) -> None:
    root, old, new = project
    process = _start(root, 0.0, 1.0, "--jobs", jobs)  # 24 files: 12 s or more to migrate them all
    time.sleep(1.0)
    assert process.poll() is None
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert time.monotonic() - started < 5  # queued files are dropped, not migrated first
    assert "banjia: interrupted: no file was written" in stderr
    assert "Traceback" not in stderr
    assert set(_states(root, old, new).values()) == {"old"}
