"""Replacing a file so that a reader, or a crash, only ever sees it wholly old or wholly new.

Kept apart from `banjia.writer` (which plans a migration's writes and needs the diff
and git modules) so that writing a report with `-o` costs no more than this.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that it is always either wholly old or wholly new.

    The new file keeps the old one's permission bits; a new file gets the usual
    umask-limited mode. A symlink is followed, so the link stays and its target
    changes. On any error the temporary file is removed and `path` is untouched.
    A path that is not a regular file (`/dev/null`, a named pipe) is written to as it
    is: renaming over it would put a file where the device or pipe was.
    """
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        status = target.stat()
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        # A device or a pipe (`-o /dev/stdout`, a FIFO): written through, never replaced by a file.
        with open(target, "wb") as handle:
            handle.write(data)
        return
    mode = stat.S_IMODE(status.st_mode) if status is not None else None
    temporary, fd = _create_temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                os.chmod(temporary, mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


def _create_temporary(target: Path) -> tuple[Path, int]:
    """A new, exclusive file beside `target`: same directory, so the rename is atomic."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        except FileExistsError:
            continue


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate newlines


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable. POSIX only; some file systems refuse, harmlessly."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
