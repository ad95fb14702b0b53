"""`migrate --write --interactive`: the migration reviewed hunk by hunk, as `git add -p` does.

Each changed file is shown hunk by hunk, with the changes and notes that explain the
hunk, and the person answers y, n, a, d, q or ? (help). A file is written with the
hunks chosen for it and nothing else, once every one of its hunks is decided; q (or
the end of the input) stops the review, and the files decided before it are written
while the rest stay as they are.

A partial selection can break a file: a hunk that reads `os.environ` needs the hunk
that imports `os`. Before such a file is written, `selection_problem` checks it
(Python and notebooks: the code parses and uses no name only a left-out hunk
defines; JSON and TOML: the file still parses), and a failed check asks whether to
apply the whole file, skip it or review it again. Text that does not parse is never
written.

Notebooks go through the same review: their hunks are lines of the notebook's JSON,
which the migration changes only inside cell sources, so most selections are valid
notebooks, and the check refuses the ones that are not (a broken JSON list, a cell
that no longer parses, a cell using an import another cell's left-out hunk adds).

Nothing is written until the review ends, so Ctrl-C leaves every file untouched.
The writes themselves are `write_migration`'s: atomic, and refused for a file
edited on disk while it was being reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text

from banjia.model import Change, FileMigration, MigrationResult, Note
from banjia.report.diff import CONTEXT_LINES, THEME, split_lines
from banjia.report.hunks import Hunk, apply_hunks, file_hunks, touches
from banjia.selection_check import selection_problem

HUNK_CHOICES = ("y", "n", "a", "d", "q", "?")
HUNK_HELP = """\
y - apply this hunk
n - do not apply this hunk
a - apply this hunk and all later hunks in the file
d - do not apply this hunk or any later hunk in the file
q - quit; files already decided are written, this file and the ones after it are not
? - print help"""

FILE_CHOICES = ("a", "s", "r", "q", "?")
FILE_HELP = """\
a - apply the whole file, every hunk
s - skip the file: apply none of its hunks
r - review the file's hunks again
q - quit; files already decided are written, this file and the ones after it are not
? - print help"""

_NOTE_STYLES = {"info": "cyan", "manual": "yellow", "blocked": "red"}


@dataclass
class Review:
    """What the person decided: the files to write (each with its chosen hunks applied), and tallies."""

    accepted: list[FileMigration] = field(default_factory=list)
    hunks_applied: int = 0
    hunks_skipped: int = 0
    files_skipped: int = 0
    files_not_reviewed: int = 0  # left undecided by q or the end of the input


def review_and_write(result: MigrationResult, answers: TextIO, console: Console, root: Path, *,
                     allow_dirty: bool = False) -> list[str] | None:
    """Review `result` with the person at `answers`/`console`, write what they chose, print a summary.

    Returns the paths written, or None when Ctrl-C ended the review (nothing is
    written then). WriteError and OSError come from `write_migration`: nothing, or
    the files before the failing one, written.
    """
    from banjia.writer import write_migration

    try:
        review = review_migration(result, answers, console)
    except KeyboardInterrupt:
        console.print("\ninterrupted: nothing written")
        return None
    written = write_migration(replace(result, files=tuple(review.accepted)), root, allow_dirty=allow_dirty)
    console.print(review_summary(review, written, result))
    return written


def review_migration(result: MigrationResult, answers: TextIO, console: Console) -> Review:
    """Ask about every hunk of every changed file (in path order); writes nothing.

    `answers` is read a line at a time: a terminal's stdin, or any text stream for a
    script. An empty read (end of input, Ctrl-D) quits like q.
    """
    review = Review()
    files = sorted(result.changed_files, key=lambda file: file.path)
    dialogue = _Dialogue(answers, console)
    for index, file in enumerate(files):
        hunks = file_hunks(file)
        try:
            chosen = dialogue.review_file(file, hunks)
        except _Quit:
            review.files_not_reviewed = len(files) - index
            break
        review.hunks_applied += len(chosen)
        review.hunks_skipped += len(hunks) - len(chosen)
        if chosen:
            review.accepted.append(replace(file, after=apply_hunks(file.before, chosen)))
        else:
            review.files_skipped += 1
    return review


def review_summary(review: Review, written: list[str], result: MigrationResult) -> Text:
    """One line for the end of the review, and one per file the migration could not process."""
    count = len(written)
    line = (f"wrote {count} file{'s' * (count != 1)} for {result.provider}; "
            f"applied {review.hunks_applied} hunk{'s' * (review.hunks_applied != 1)}, "
            f"skipped {review.hunks_skipped}")
    if review.files_skipped:
        line += f"; left {review.files_skipped} file{'s' * (review.files_skipped != 1)} unchanged"
    if review.files_not_reviewed:
        line += f"; quit before {review.files_not_reviewed} file{'s' * (review.files_not_reviewed != 1)}"
    summary = Text(line)
    for file in result.errors:
        summary.append(f"\nwarning: {file.path}: {file.error}", style="yellow")
    return summary


class _Quit(Exception):
    """The person stopped the review: q, or the end of the input."""


class _Dialogue:
    """Shows hunks and reads the answers about them."""

    def __init__(self, answers: TextIO, console: Console) -> None:
        self.answers = answers
        self.console = console

    def review_file(self, file: FileMigration, hunks: list[Hunk]) -> list[Hunk]:
        """The hunks to apply: asked one by one, then asked again while the selection would break the file."""
        while True:
            chosen = self._choose(file, hunks)
            if len(chosen) in (0, len(hunks)):
                return chosen
            problem = selection_problem(file, apply_hunks(file.before, chosen))
            if problem is None:
                return chosen
            self.console.print(Text(f"{file.path}: the hunks chosen cannot be applied alone: {problem}.",
                                    style="yellow"))
            answer = self._ask("Apply the whole file, skip it, or review it again", FILE_CHOICES, FILE_HELP)
            if answer == "a":
                return hunks
            if answer == "s":
                return []

    def _choose(self, file: FileMigration, hunks: list[Hunk]) -> list[Hunk]:
        self._show_file(file, hunks)
        chosen: list[Hunk] = []
        rest: bool | None = None  # set by a or d: the answer for every later hunk
        for number, hunk in enumerate(hunks, 1):
            if rest is None:
                self._show_hunk(file, hunks, number - 1)
                answer = self._ask(f"({number}/{len(hunks)}) Apply this hunk", HUNK_CHOICES, HUNK_HELP)
                if answer in ("a", "d"):
                    rest = answer == "a"
                take = answer in ("y", "a")
            else:
                take = rest
            if take:
                chosen.append(hunk)
        return chosen

    def _ask(self, question: str, choices: tuple[str, ...], help_text: str) -> str:
        """The first known answer; anything else shows the help and asks again."""
        while True:
            self.console.print(Text(f"{question} [{','.join(choices)}]? ", style="bold blue"), end="")
            line = self.answers.readline()
            if not line:
                self.console.print()
                raise _Quit
            answer = line.strip().lower()
            if answer == "q":
                raise _Quit
            if answer in choices and answer != "?":
                return answer
            self.console.print(Text(help_text, style="red" if answer != "?" else ""))

    def _show_file(self, file: FileMigration, hunks: list[Hunk]) -> None:
        header = Text(f"\n{file.path}", style="bold")
        header.append(f"  ({len(hunks)} hunk{'s' * (len(hunks) != 1)})", style="dim")
        self.console.print(header)
        # Notebook changes count lines within a cell, and some notes sit on lines no hunk
        # changed: they belong to the file, not to one hunk.
        for change in file.changes:
            if change.span.cell is not None:
                self.console.print(_change_line(change), soft_wrap=True)
        for note in file.notes:
            if not any(touches(hunk, note.span) for hunk in hunks):
                self.console.print(_note_line(note), soft_wrap=True)

    def _show_hunk(self, file: FileMigration, hunks: list[Hunk], index: int) -> None:
        hunk = hunks[index]
        old, new = split_lines(file.before), split_lines(file.after)
        # Context stops at the neighbouring hunks, so it is the same text on both sides.
        before_start = max(hunk.old_start - CONTEXT_LINES, hunks[index - 1].old_end if index else 0)
        after_end = min(hunk.old_end + CONTEXT_LINES, hunks[index + 1].old_start if index + 1 < len(hunks) else len(old))
        leading, trailing = hunk.old_start - before_start, after_end - hunk.old_end
        old_count = leading + hunk.old_end - hunk.old_start + trailing
        new_count = leading + hunk.new_end - hunk.new_start + trailing
        text = Text(f"@@ -{_range(before_start, old_count)} +{_range(hunk.new_start - leading, new_count)} @@\n",
                    style="diff.hunk")
        for prefix, lines, style in (
            (" ", old[before_start:hunk.old_start], ""),
            ("-", old[hunk.old_start:hunk.old_end], "diff.removed"),
            ("+", new[hunk.new_start:hunk.new_end], "diff.added"),
            (" ", old[hunk.old_end:after_end], ""),
        ):
            for line in lines:
                text.append(prefix + line.removesuffix("\n").removesuffix("\r") + "\n", style=style)
        with self.console.use_theme(THEME):
            self.console.print(text, end="", soft_wrap=True)
        for change in hunk.changes:
            if change.span.cell is None:
                self.console.print(_change_line(change), soft_wrap=True)
        for note in file.notes:
            if touches(hunk, note.span):
                self.console.print(_note_line(note), soft_wrap=True)


def _range(start: int, count: int) -> str:
    """A hunk header's `start,count` as git writes it: 1-based, or the line before when empty."""
    return f"{start + 1 if count else start},{count}"


def _change_line(change: Change) -> Text:
    where = f"cell {change.span.cell}, " if change.span.cell is not None else ""
    unsafe = " [unsafe]" if change.safety != "safe" else ""
    return Text(f"  change ({where}line {change.span.line}): {change.message}{unsafe}", style="green")


def _note_line(note: Note) -> Text:
    where = f"cell {note.span.cell}, " if note.span.cell is not None else ""
    return Text(f"  {note.severity.value} ({where}line {note.span.line}): {note.message}",
                style=_NOTE_STYLES.get(note.severity.value, ""))

