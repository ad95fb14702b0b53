"""The migration as a git-style unified diff: to review, to colour, to `git apply`.

The diff is built here rather than with `difflib.unified_diff` because `git apply` is
stricter than a reader: it needs git's file headers (`diff --git`, `new file mode`,
C-quoted paths), a `\\ No newline at end of file` marker after a last line without
one, and lines split on `\\n` only, so a CRLF file keeps its `\\r` and a form feed or
U+2028 inside a line does not start a new one.

A diff is text, but `git apply` matches bytes. `unified_diff` is the text, for reading
(UTF-8, with the BOM of a `utf-8-sig` file at the start of its first line);
`patch_bytes` is the patch file, each file's part encoded as that file is on disk, so
a gbk or big5 file is patched byte for byte. Every header is ASCII (`quote_path`
escapes other bytes), which each of those encodings writes the same way.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.theme import Theme

from banjia.model import FileMigration, MigrationResult

CONTEXT_LINES = 3
NO_NEWLINE_MARKER = "\\ No newline at end of file"

THEME = Theme(
    {
        "diff.file": "bold",
        "diff.hunk": "cyan",
        "diff.added": "green",
        "diff.removed": "red",
        "diff.marker": "dim",
    }
)


def unified_diff(result: MigrationResult) -> str:
    """Every changed file's diff, in path order; "" when nothing changed.

    Paths are written as the result spells them, so a result whose paths are
    relative to the repository root gives a patch to apply from that root.
    """
    changed = sorted(result.changed_files, key=lambda fm: fm.path)
    return "".join(line for fm in changed for line in _file_diff(fm))


def patch_bytes(result: MigrationResult) -> bytes:
    """`unified_diff` as `git apply` needs it: each file's part in that file's encoding.

    The result mixes encodings when the files do, as git's own patches of such files
    do. Raises UnicodeError or LookupError when a file's text has no bytes in its
    encoding (a migration the writer refuses too).
    """
    changed = sorted(result.changed_files, key=lambda fm: fm.path)
    return b"".join("".join(_file_diff(fm)).encode(_patch_encoding(fm)) for fm in changed)


def _patch_encoding(file: FileMigration) -> str:
    # `_disk_text` has put a utf-8-sig file's BOM into its text already.
    return "utf-8" if codecs.lookup(file.encoding).name == "utf-8-sig" else file.encoding


def quote_path(path: str) -> str:
    """A path as git writes it in a diff header, quoted only when git would quote it.

    Git (with its default `core.quotePath`) wraps a name in double quotes and escapes
    control characters, `"`, `\\`, DEL and every byte of a non-ASCII character, in
    C style (`\\t`, `\\"`, `\\346`). Spaces need no quoting.
    """
    raw = path.encode("utf-8", "surrogateescape")
    if not any(_must_quote(byte) for byte in raw):
        return path
    return '"' + "".join(_quoted_byte(byte) for byte in raw) + '"'


def render_diff(result: MigrationResult) -> DiffView:
    """The diff for a terminal: file headers bold, hunk headers cyan, +green, -red."""
    return DiffView(unified_diff(result))


@dataclass(frozen=True)
class DiffView:
    """A unified diff as a rich renderable; created by `render_diff`.

    Lines are never wrapped by the view, so a colourless console printing it with
    `soft_wrap=True` (a pipe, a log file) writes the diff itself; colour never
    carries meaning on its own.
    """

    diff: str

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text(no_wrap=True, overflow="ignore", end="")
        for line, style in _styled_lines(self.diff):
            # A terminal shows a CRLF line's "\r" as nothing at best; the patch keeps it.
            text.append(line.removesuffix("\r") + "\n", style=style)
        with console.use_theme(THEME):
            yield from console.render(text, options)


# ---------------------------------------------------------------- one file
def _file_diff(file: FileMigration) -> Iterator[str]:
    created = file.before == ""
    old_name = quote_path("a/" + file.path)
    new_name = quote_path("b/" + file.path)
    yield f"diff --git {old_name} {new_name}\n"
    if created:
        yield "new file mode 100644\n"
    yield _label("---", "/dev/null" if created else old_name)
    yield _label("+++", new_name)

    old = split_lines(_disk_text(file, file.before))
    new = split_lines(_disk_text(file, file.after))
    for group in LineMatcher(old, new).get_grouped_opcodes(CONTEXT_LINES):
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from _hunk_lines(" ", old[i1:i2])
                continue
            yield from _hunk_lines("-", old[i1:i2])
            yield from _hunk_lines("+", new[j1:j2])


class LineMatcher(SequenceMatcher):
    """Minimal hunks at a bounded cost.

    difflib's exact matching (`autojunk=False`) is quadratic in the lines that recur
    (blank lines, closing brackets), which takes minutes on a long file edited in
    many places; its fast mode treats those lines as junk and can merge nearby edits
    into one large replacement. So the fast pass finds the regions that differ and
    the exact pass re-examines each region small enough to afford it.
    """

    def __init__(self, old: list[str], new: list[str]) -> None:
        super().__init__(None, old, new)

    def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:
        refined: list[tuple[str, int, int, int, int]] = []
        for tag, i1, i2, j1, j2 in super().get_opcodes():
            if tag != "replace" or (i2 - i1) * (j2 - j1) > _EXACT_PASS_LIMIT:
                _append_opcode(refined, (tag, i1, i2, j1, j2))
                continue
            exact = SequenceMatcher(None, self.a[i1:i2], self.b[j1:j2], autojunk=False)
            for sub_tag, a1, a2, b1, b2 in exact.get_opcodes():
                _append_opcode(refined, (sub_tag, i1 + a1, i1 + a2, j1 + b1, j1 + b2))
        return refined


# Line pairs in one region the exact pass may compare: a few hundred lines a side.
_EXACT_PASS_LIMIT = 250_000


def _append_opcode(opcodes: list[tuple[str, int, int, int, int]], opcode: tuple[str, int, int, int, int]) -> None:
    """Append, merging with the previous opcode when both are the same kind."""
    tag, i1, i2, j1, j2 = opcode
    if opcodes and opcodes[-1][0] == tag:
        _, start_i, _, start_j, _ = opcodes.pop()
        opcode = (tag, start_i, i2, start_j, j2)
    opcodes.append(opcode)


def _label(sign: str, name: str) -> str:
    """A `---`/`+++` line; git ends it with a tab when the name holds a space, so the
    name's end is unambiguous to `patch`, which would otherwise stop at the space."""
    return f"{sign} {name}{chr(9) if ' ' in name else ''}\n"


def _disk_text(file: FileMigration, text: str) -> str:
    """The text as the file holds it: a `utf-8-sig` file starts with its BOM.

    A created file has no "before" at all, so it gets no BOM there.
    """
    if not text and not file.before:
        return text
    try:
        codec = codecs.lookup(file.encoding).name
    except LookupError:
        return text
    return "\ufeff" + text if codec == "utf-8-sig" else text


def split_lines(text: str) -> list[str]:
    """Lines with their `\\n` kept, split as git splits them: on `\\n` only."""
    if not text:
        return []
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _hunk_lines(prefix: str, lines: list[str]) -> Iterator[str]:
    for line in lines:
        if line.endswith("\n"):
            yield prefix + line
        else:
            yield f"{prefix}{line}\n{NO_NEWLINE_MARKER}\n"


def _range(start: int, stop: int) -> str:
    """A hunk range in unified-diff form: `3` for one line, `0,0` before an empty side."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


# ---------------------------------------------------------------- quoting and colour
_LETTER_ESCAPES = {
    0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r", 0x22: '"', 0x5C: "\\",
}


def _must_quote(byte: int) -> bool:
    return byte < 0x20 or byte >= 0x7F or byte in (0x22, 0x5C)


def _quoted_byte(byte: int) -> str:
    if byte in _LETTER_ESCAPES:
        return "\\" + _LETTER_ESCAPES[byte]
    if _must_quote(byte):
        return f"\\{byte:03o}"
    return chr(byte)


def _styled_lines(diff: str) -> Iterator[tuple[str, str]]:
    """Each line with its style. Headers are told from hunk lines by position, not
    by their first character: a removed line "-- x" reads "--- x" in the diff."""
    in_header = False
    for line in diff.split("\n")[:-1]:
        if line.startswith("diff --git "):
            in_header = True
        elif line.startswith("@@ "):
            in_header = False
            yield line, "diff.hunk"
            continue
        yield line, _line_style(line, in_header)


_HUNK_STYLES = {"+": "diff.added", "-": "diff.removed", "\\": "diff.marker"}


def _line_style(line: str, in_header: bool) -> str:
    if in_header:
        return "diff.file"
    return _HUNK_STYLES.get(line[:1], "")
