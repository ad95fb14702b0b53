"""`--since REF`: only the files a branch changed, for pull-request pipelines.

"Changed since REF" means changed between the merge base of REF and HEAD and the
working tree, plus untracked files git does not ignore. In CI the working tree is
HEAD, so this is exactly what `git diff REF...HEAD` lists (the pull request's own
changes, not what landed on the target branch since); on a developer's machine
uncommitted work counts too, as a pre-push check should. A renamed or copied file
counts under its new path; a deleted file is gone and has nothing to audit.

The changed files are then narrowed by the ordinary discovery (the paths given,
.gitignore, --include / --exclude, the size limit), so `--since` only ever removes
files from what the same command without it would look at.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from banjia.api import AuditOptions


class GitError(ValueError):
    """The changed files cannot be known: not a git repository, an unknown ref, git missing."""


def changed_since(ref: str, cwd: Path) -> set[Path]:
    """Absolute, symlink-resolved paths of the files changed since `ref` (see the module docstring)."""
    top = Path(_git(cwd, "rev-parse", "--show-toplevel", failure="not inside a git repository").strip())
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git ref")
    _git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", failure=f"unknown git ref {ref!r}")
    base = _git(cwd, "merge-base", ref, "HEAD", failure=f"{ref!r} and HEAD share no history").strip()
    status = _git(top, "diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "--", failure="git diff failed")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z", failure="git ls-files failed")
    paths = parse_name_status(status) + [path for path in untracked.split("\0") if path]
    return {Path(os.path.realpath(top / path)) for path in paths}


def parse_name_status(output: str) -> list[str]:
    """The current paths in `git diff --name-status -z` output: renames and copies by their
    new path, deletions left out."""
    fields = output.split("\0")
    paths = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[0] in "RC":
            paths.append(fields[index + 2])
            index += 3
            continue
        if status[0] != "D":
            paths.append(fields[index + 1])
        index += 2
    return paths


def changed_paths(roots: Sequence[Path], options: AuditOptions, changed: set[Path]) -> list[Path]:
    """The files discovery takes (or reports skipping) under `roots` that are in `changed`.

    Handing these on as the roots to audit or migrate gives the files the command
    would look at without --since, less the unchanged ones; each keeps the path it
    would be shown under, as long as it lies below the working directory.
    """
    from banjia.api import discover_files

    candidates, skipped = discover_files(roots, options)
    found = [c.path for c in candidates] + [
        s.root if s.root.is_file() else s.root / s.relpath for s in skipped if s.relpath != "."
    ]
    return sorted({path for path in found if Path(os.path.realpath(path)) in changed})


def _git(cwd: Path, *arguments: str, failure: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *arguments], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
            errors="surrogateescape", check=False,
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()
        raise GitError(failure + (f" ({detail[-1]})" if detail else ""))
    return completed.stdout
