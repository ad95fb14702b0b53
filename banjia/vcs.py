"""Which files git could not give back: the check that keeps `migrate --write` reversible.

A migration written over committed files is undone with `git checkout`; written over
a file with uncommitted edits, it mixes banjia's changes into the user's with no clean
way back. So, as `cargo fix` does, `--write` refuses such files unless told
`--allow-dirty`. A file counts as uncommitted when git reports it modified, staged,
untracked or ignored: in each case git holds no copy of what is on disk. Files
outside any git working tree are not checked; there is nothing to compare with.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Sequence

from banjia.discover import find_repo_top

# Pathspecs per `git status` call: far below any command-line length limit.
_BATCH = 200


class GitUnavailable(RuntimeError):
    """Git is needed to answer and could not: not installed, or it refused the repository."""


def uncommitted(paths: Sequence[Path]) -> list[Path]:
    """The existing files among `paths` (absolute, resolved) that git holds no copy of."""
    by_repo: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        top = find_repo_top(str(path.parent))
        if top is not None and path.exists():
            by_repo[top].append(path)
    found: list[Path] = []
    for top, files in by_repo.items():
        for start in range(0, len(files), _BATCH):
            found += _uncommitted_in(top, files[start : start + _BATCH])
    return sorted(found)


def _uncommitted_in(top: str, files: list[Path]) -> list[Path]:
    relative = {os.path.relpath(path, top).replace(os.sep, "/"): path for path in files}
    command = [
        "git", "-C", top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=traditional",
        "--", *(f":(literal){name}" for name in relative),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, check=False)
    except OSError as error:
        raise GitUnavailable(f"cannot run git to look for uncommitted changes: {error.strerror}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitUnavailable(f"git status failed in {top}: {message[0] if message else completed.returncode}")
    return [relative[name] for name in _status_paths(completed.stdout) if name in relative]


def _status_paths(output: bytes) -> list[str]:
    """Paths of `git status --porcelain=v1 -z` entries: `XY path`, a rename adding its source."""
    paths = []
    entries = iter(output.split(b"\0"))
    for entry in entries:
        if not entry:
            continue
        paths.append(os.fsdecode(entry[3:]))
        if entry[:1] in (b"R", b"C"):
            next(entries, None)  # the rename's or copy's source path
    return paths
