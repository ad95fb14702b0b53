"""Puts a migration on disk: every changed file replaced whole, or left as it was.

Each file is written to a temporary file beside it and renamed over the original,
so a reader, a crash or a full disk never leaves half a file. Everything that can
be checked is checked before the first write: every path must lie inside the
root, every new text must encode in its file's encoding, every file must still
hold the text the migration read, so a file edited since is not overwritten, and
(unless allowed) git must hold a copy of every file, so the migration can be undone.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator
from pathlib import Path

from banjia.atomic import write_file_atomically
from banjia.model import FileMigration, MigrationResult
from banjia.report.diff import patch_bytes
from banjia.vcs import GitUnavailable, uncommitted


class WriteError(ValueError):
    """A migration that must not be written; raised before any file is touched."""


class WriteInterrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) arrived while a migration was being written.

    Files are never cut short: the file being written when the signal came is
    finished, then writing stops. `written` are the paths written, in order, out
    of `total`; every other file is as it was.
    """

    def __init__(self, written: list[str], total: int) -> None:
        super().__init__(f"interrupted after writing {len(written)} of {total} files")
        self.written = written
        self.total = total


@dataclass(frozen=True)
class _PlannedWrite:
    file: FileMigration
    target: Path  # resolved: a symlinked file is written through its link
    data: bytes


def write_migration(result: MigrationResult, root: Path | None = None, *, allow_dirty: bool = False) -> list[str]:
    """Write every changed file below `root` (the working directory when None).

    Each file goes back where the migration read it (`FileMigration.location`); a file
    without one (built by hand) is taken relative to `root`. Returns the paths written,
    as `result` spells them, in path order. Raises WriteError, writing nothing,
    when a check fails, or when a file in a git working tree has uncommitted
    changes (see `banjia.vcs`) and not `allow_dirty`; an OSError while writing
    leaves the files before it (in path order) written and the rest untouched.
    """
    plan = _checked_plan(result, root, allow_dirty)
    written: list[str] = []
    with _interrupts_held() as interrupted:
        for planned in plan:
            if interrupted:
                raise WriteInterrupted(written, len(plan))
            write_file_atomically(planned.target, planned.data)
            written.append(planned.file.path)
    return written


def check_migration(result: MigrationResult, root: Path | None = None, *, allow_dirty: bool = False) -> None:
    """Raise the WriteError `write_migration` would, without writing: before a long review, say, not after it."""
    _checked_plan(result, root, allow_dirty)


def _checked_plan(result: MigrationResult, root: Path | None, allow_dirty: bool) -> list[_PlannedWrite]:
    base = (Path.cwd() if root is None else root).resolve()
    plan = [_plan(file, base) for file in sorted(result.changed_files, key=lambda fm: fm.path)]
    _refuse_shared_targets(plan)
    if not allow_dirty:
        _refuse_uncommitted(plan)
    return plan


def write_patch(result: MigrationResult, path: Path) -> None:
    """Write the migration's patch (see `patch_bytes`), atomically; WriteError if a file's text cannot be encoded."""
    try:
        data = patch_bytes(result)
    except (UnicodeError, LookupError) as error:
        raise WriteError(f"the patch cannot hold a file's new text in its encoding: {error}; nothing was written") from None
    write_file_atomically(path, data)


# ---------------------------------------------------------------- checks
def _plan(file: FileMigration, base: Path) -> _PlannedWrite:
    if file.location:  # read there by this run: paths shown relative to another folder still land right
        target = Path(file.location)
    else:
        target = (base / file.path).resolve()
    if not file.location and not target.is_relative_to(base):
        raise WriteError(f"{file.path}: resolves to {target}, outside {base}; nothing was written")
    try:
        data = file.after.encode(file.encoding)
    except (UnicodeError, LookupError) as error:
        raise WriteError(f"{file.path}: the new text cannot be encoded as {file.encoding}: {error}") from None
    _refuse_if_edited(file, target)
    return _PlannedWrite(file, target, data)


def _refuse_if_edited(file: FileMigration, target: Path) -> None:
    """The file must still hold what the migration read; a created file must not exist yet."""
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as error:
        raise WriteError(f"{file.path}: cannot be read back before writing: {error}") from None
    if file.before == "":
        expected_absent = current is None or current == b""
        if not expected_absent:
            raise WriteError(f"{file.path}: was to be created but already exists; nothing was written")
        return
    if current != file.before.encode(file.encoding):
        state = "no longer exists" if current is None else "has changed on disk since it was read"
        raise WriteError(f"{file.path}: {state}; nothing was written")


def _refuse_shared_targets(plan: list[_PlannedWrite]) -> None:
    """Two paths that resolve to one file (through a symlink) would overwrite each other."""
    seen: dict[Path, str] = {}
    for planned in plan:
        other = seen.setdefault(planned.target, planned.file.path)
        if other != planned.file.path:
            raise WriteError(f"{other} and {planned.file.path} are the same file; nothing was written")


def _refuse_uncommitted(plan: list[_PlannedWrite]) -> None:
    try:
        dirty = set(uncommitted([planned.target for planned in plan]))
    except GitUnavailable as error:
        raise WriteError(f"{error}; nothing was written (pass --allow-dirty to write anyway)") from None
    names = [planned.file.path for planned in plan if planned.target in dirty]
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise WriteError(
            f"git holds no copy of {shown} (uncommitted changes, untracked or ignored); "
            "nothing was written: commit or stash them, or pass --allow-dirty"
        )


# ---------------------------------------------------------------- files
@contextmanager
def _interrupts_held() -> Iterator[list[int]]:
    """Hold SIGINT while files are written; the yielded list is non-empty once one came.

    A file is replaced atomically either way; holding the signal makes the list of
    files written exact, so the user is told precisely which files changed. Only the
    main thread receives signals, so elsewhere there is nothing to hold.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)
