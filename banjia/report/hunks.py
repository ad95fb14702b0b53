"""A migrated file as its hunks: each run of changed lines, the changes behind it, its concern.

SARIF fixes, CI annotations, the patch series and the interactive review all work
hunk by hunk. The hunks come from comparing the file's text before and after, never
from the changes' spans, so replacing each hunk's `deleted` text (at `offset`) with
its `inserted` text turns `before` into `after` exactly. The spans only decide which
changes explain a hunk, and so its concern.

Concerns are the review order of a migration: first where the code connects
(clients, endpoints, imports, the legacy upgrade, wrapper libraries), then model
names, then parameters, then dependency pins and environment templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from banjia.model import Change, FileMigration, Span
from banjia.report.diff import LineMatcher, split_lines

CONCERNS = ("clients-and-endpoints", "models", "parameters", "dependencies-and-env")

_CONCERN_OF_CATEGORY = {
    "client": 0,
    "import": 0,
    "legacy": 0,
    "wrapper": 0,
    "model": 1,
    "parameter": 2,
    "dependency": 3,
    "env": 3,
}


def concern_of(change: Change) -> int:
    """The change's concern, as an index into CONCERNS.

    A category this table does not know goes first, with the clients: the patch
    everything else builds on.
    """
    return _CONCERN_OF_CATEGORY.get(change.category, 0)


@dataclass(frozen=True)
class Hunk:
    """One run of replaced lines. Line indexes are 0-based, ends exclusive."""

    path: str
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    offset: int  # where `deleted` starts in the file's `before` text, in characters
    deleted: str
    inserted: str
    changes: tuple[Change, ...]  # the changes that explain it, in position order
    concern: int  # index into CONCERNS

    @property
    def concern_name(self) -> str:
        return CONCERNS[self.concern]


def file_hunks(file: FileMigration) -> list[Hunk]:
    """The changed file's hunks, top to bottom; [] for an unchanged or failed file."""
    if not file.changed:
        return []
    old, new = split_lines(file.before), split_lines(file.after)
    line_offsets = [0]
    for line in old:
        line_offsets.append(line_offsets[-1] + len(line))
    blocks = [op[1:] for op in LineMatcher(old, new).get_opcodes() if op[0] != "equal"]
    explained = _explaining_changes(blocks, file.changes)
    fallback = min((concern_of(change) for change in file.changes), default=0)
    return [
        Hunk(
            path=file.path,
            old_start=i1,
            old_end=i2,
            new_start=j1,
            new_end=j2,
            offset=line_offsets[i1],
            deleted="".join(old[i1:i2]),
            inserted="".join(new[j1:j2]),
            changes=tuple(changes),
            concern=min((concern_of(change) for change in changes), default=fallback),
        )
        for (i1, i2, j1, j2), changes in zip(blocks, explained, strict=True)
    ]


def touches(hunk: Hunk, span: Span) -> bool:
    """Whether a span of the original file meets the hunk's lines (see `_line_range`).

    A span inside a notebook cell counts its lines within the cell, not the file, so
    it touches no hunk.
    """
    return span.cell is None and _meets(span, _line_range(hunk.old_start, hunk.old_end))


def apply_hunks(text: str, hunks: list[Hunk]) -> str:
    """`text` (a file's `before`) with the given hunks of it applied, the others not."""
    parts = []
    position = 0
    for hunk in sorted(hunks, key=lambda h: h.offset):
        parts += [text[position:hunk.offset], hunk.inserted]
        position = hunk.offset + len(hunk.deleted)
    parts.append(text[position:])
    return "".join(parts)


def _explaining_changes(blocks: list[tuple[int, int, int, int]], changes: tuple[Change, ...]) -> list[list[Change]]:
    """For each block, the changes whose original lines it touches.

    A change no block touches goes to the nearest block; a notebook change (its lines
    count within a cell, not within the file) goes to the first. So every change
    explains some hunk, and a hunk the spans cannot place gets none.
    """
    explained: list[list[Change]] = [[] for _ in blocks]
    if not blocks:
        return explained
    ranges = [_line_range(i1, i2) for i1, i2, _, _ in blocks]
    for change in sorted(changes, key=lambda c: (-1 if c.span.cell is None else c.span.cell, c.span.line, c.span.column, c.category)):
        if change.span.cell is not None:
            explained[0].append(change)
            continue
        touched = [i for i, line_range in enumerate(ranges) if _meets(change.span, line_range)]
        if not touched:
            touched = [min(range(len(ranges)), key=lambda i: _distance(change.span.line, ranges[i]))]
        for index in touched:
            explained[index].append(change)
    return explained


def _line_range(i1: int, i2: int) -> tuple[int, int]:
    """A block's 1-based original lines; an insertion touches the lines on either side of it."""
    if i1 == i2:
        return max(i1, 1), i1 + 1
    return i1 + 1, i2


def _meets(span: Span, line_range: tuple[int, int]) -> bool:
    first, last = line_range
    return span.line <= last and span.end_line >= first


def _distance(line: int, line_range: tuple[int, int]) -> int:
    first, last = line_range
    return max(first - line, line - last, 0)
