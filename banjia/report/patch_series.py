"""A migration as a patch series, one patch per concern, for review commit by commit.

`banjia migrate --patch-dir DIR` writes `01-clients-and-endpoints.patch`,
`02-models.patch`, `03-parameters.patch` and `04-dependencies-and-env.patch` (each
only when it has hunks). Applied in that order with `git apply`, they give exactly
what `--write` gives; each can become one commit, so a reviewer reads the endpoint
switch apart from the model map and the parameter tweaks.

A file's hunks are split by their concern (see `banjia.report.hunks`): a hunk whose
changes are all of one concern goes to that patch, a hunk mixing concerns to the
earliest of them. Each patch is the diff from the file as the earlier patches leave
it to the file with this concern's hunks added, so every patch applies on top of
the ones before it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from banjia.model import FileMigration, MigrationResult
from banjia.report.diff import patch_bytes
from banjia.report.hunks import CONCERNS, apply_hunks, file_hunks

PATCH_NAMES = tuple(f"{index:02d}-{concern}.patch" for index, concern in enumerate(CONCERNS, 1))


def patch_series(result: MigrationResult) -> list[tuple[str, bytes]]:
    """(file name, patch) for each concern that has hunks, in order; each file's part in its own encoding."""
    files = sorted(result.changed_files, key=lambda fm: fm.path)
    hunks = {file.path: file_hunks(file) for file in files}
    current = {file.path: file.before for file in files}
    series = []
    for concern, name in enumerate(PATCH_NAMES):
        stage: list[FileMigration] = []
        for file in files:
            text = apply_hunks(file.before, [h for h in hunks[file.path] if h.concern <= concern])
            if text != current[file.path]:
                stage.append(replace(file, before=current[file.path], after=text))
                current[file.path] = text
        if stage:
            series.append((name, patch_bytes(replace(result, files=tuple(stage)))))
    return series


def write_patch_series(result: MigrationResult, directory: Path) -> list[Path]:
    """Write the series into `directory` (created if needed); returns the patches written.

    Patches a previous run left there under the series' names are removed first,
    so `git apply DIR/*.patch` never picks up a stale one; other files stay.
    """
    from banjia.writer import write_file_atomically

    directory.mkdir(parents=True, exist_ok=True)
    for name in PATCH_NAMES:
        (directory / name).unlink(missing_ok=True)
    written = []
    for name, data in patch_series(result):
        write_file_atomically(directory / name, data)
        written.append(directory / name)
    return written
