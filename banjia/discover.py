"""Which files an audit looks at, and how their bytes become text.

Discovery is the only stage that walks the file system, so every policy about *which*
files count lives here: `.gitignore` as git applies it, folders nobody wants audited
(virtualenvs, caches, build output), the user's include/exclude globs, symlinks and the
size limit. Files left out for a reason the user may not expect come back as `Skipped`,
so the report can say so instead of going quiet; ordinary ignores stay silent.

The byte-level helpers (`prefilter`, `read_text`, `read_plain_text`) sit here too because
they run on every discovered file before any parsing, and must never raise anything but
`DecodeError`.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import pathspec


@dataclass(frozen=True)
class Candidate:
    """A file worth analysing.

    `location` is its absolute path (a symlink keeps its own path, not its target's), a
    string because a large tree has tens of thousands of them; `relpath` is POSIX and
    relative to `root`, or the file name when the root is the file itself. `info` is the
    stat taken when it was found, which lets the cache answer an unchanged file unread.
    """

    location: str
    relpath: str
    root: Path
    size: int
    info: os.stat_result | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True)
class Skipped:
    """A file or directory deliberately left out for a reason worth telling the user.

    `relpath` is "." when the problem is the root directory itself.
    """

    relpath: str
    root: Path
    reason: str


# Folders skipped by name without being read: version control, environments,
# installed packages, caches and build output are never the project's own code.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "site-packages",
        "dist-packages",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "build",
        "dist",
        ".eggs",
        ".ipynb_checkpoints",
        ".banjia_cache",
    }
)

# Any folder holding this file is a virtualenv, whatever its name (`env`, `py311`, ...).
VENV_MARKER = "pyvenv.cfg"


def discover(
    roots: Sequence[Path],
    *,
    wanted: Callable[[str], bool],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_bytes: int = 2_000_000,
    use_gitignore: bool = True,
) -> tuple[list[Candidate], list[Skipped]]:
    """Find the files under `roots` worth analysing.

    `wanted(relpath)` says which kinds of file the caller can analyse; it is asked
    first, so files it refuses are never reported and, symlinks aside, never stat'ed.
    `include` and `exclude` are gitwildmatch globs relative to each directory root.
    A root that is a file was named on purpose: it is taken whenever `wanted`, ignores
    notwithstanding.
    A directory root is always walked, even if its enclosing repository ignores it.

    The same real file reached twice (duplicate or nested roots, symlinks, hard links)
    is taken once, under the first root. Results are sorted by (root order, relpath).
    Never raises for file system trouble; raises ValueError for an invalid glob.
    """
    rules = _Rules(
        wanted=wanted,
        include=_user_globs(include, "include"),
        exclude=_user_globs(exclude, "exclude"),
        max_bytes=max_bytes,
        use_gitignore=use_gitignore,
    )
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    seen_files: set[object] = set()
    seen_skips: set[str] = set()
    for given in roots:
        walk = _RootWalk(Path(os.path.abspath(given)), rules)
        walk.run()
        for candidate, identity in sorted(walk.found, key=lambda item: item[0].relpath):
            if identity not in seen_files:
                seen_files.add(identity)
                candidates.append(candidate)
        for skip, where in sorted(walk.skipped, key=lambda item: item[0].relpath):
            if where not in seen_skips:
                seen_skips.add(where)
                skipped.append(skip)
    return candidates, skipped


def _user_globs(globs: Sequence[str], option: str) -> pathspec.GitIgnoreSpec | None:
    if not globs:
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(globs)
    except (ValueError, re.error) as exc:
        raise ValueError(f"invalid {option} glob: {exc}") from None


@dataclass(frozen=True)
class _IgnoreLayer:
    """The patterns of one ignore file, and how to see a root-relative path from its folder.

    A root-relative path becomes relative to the ignore file's folder as
    `prefix + relpath[strip:]`: files below the root strip the folder's own relpath,
    files above it prefix the root's path relative to them.
    """

    spec: pathspec.GitIgnoreSpec
    strip: int = 0
    prefix: str = ""

    def verdict(self, relpath: str) -> bool | None:
        """True: ignored, False: re-included by a `!` pattern, None: not mentioned."""
        return self.spec.check_file(self.prefix + relpath[self.strip :]).include


_Layers = tuple[_IgnoreLayer, ...]


def _is_ignored(layers: _Layers, relpath: str) -> bool:
    # Git's precedence: the deepest ignore file that mentions a path decides it.
    for layer in reversed(layers):
        verdict = layer.verdict(relpath)
        if verdict is not None:
            return verdict
    return False


@dataclass(frozen=True)
class _Rules:
    """The caller's choices, applied to every entry of every root."""

    wanted: Callable[[str], bool]
    include: pathspec.GitIgnoreSpec | None
    exclude: pathspec.GitIgnoreSpec | None
    max_bytes: int
    use_gitignore: bool

    def takes_file(self, relpath: str, layers: _Layers) -> bool:
        return (
            self.wanted(relpath)
            and (self.include is None or self.include.match_file(relpath))
            and (self.exclude is None or not self.exclude.match_file(relpath))
            and not _is_ignored(layers, relpath)
        )

    def enters_dir(self, name: str, relpath: str, layers: _Layers) -> bool:
        if name in DEFAULT_EXCLUDED_DIRS or name.endswith(".egg-info"):
            return False
        as_dir = relpath + "/"
        if self.exclude is not None and self.exclude.match_file(as_dir):
            return False
        return not _is_ignored(layers, as_dir)


class _RootWalk:
    """Walks one root with os.scandir, collecting candidates and skips.

    Iterative, so deep trees cannot exhaust the stack, and symlinked directories are
    never entered, so link loops cannot make it run forever. Regular files cost one
    stat each, and only once `wanted` and the ignore rules have accepted them.
    """

    def __init__(self, root: Path, rules: _Rules) -> None:
        self.root = root
        self.rules = rules
        self.real_root = os.path.realpath(root)
        self.found: list[tuple[Candidate, object]] = []
        self.skipped: list[tuple[Skipped, str]] = []

    def run(self) -> None:
        try:
            target = os.stat(self.root)
        except OSError as exc:
            if os.path.islink(self.root):
                self._skip_file_root(_symlink_failure(exc))
            else:
                self._skip(".", str(self.root), f"cannot read: {exc.strerror}")
            return
        if stat.S_ISDIR(target.st_mode):
            layers = _enclosing_repo_layers(self.real_root) if self.rules.use_gitignore else ()
            self._walk(layers)
        elif not stat.S_ISREG(target.st_mode):
            self._skip_file_root("not a regular file or directory")
        elif self.rules.wanted(self.root.name):
            self._take(str(self.root), self.root.name, target)

    def _walk(self, root_layers: _Layers) -> None:
        # Stack items: (absolute folder, its relpath with a trailing "/" or "" for the root,
        # the ignore layers in force there).
        stack = [(str(self.root), "", root_layers)]
        while stack:
            folder, folder_rel, layers = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError as exc:
                reason = f"cannot read directory: {exc.strerror}"
                self._skip(folder_rel.rstrip("/") or ".", folder, reason)
                continue
            if folder_rel and any(entry.name == VENV_MARKER for entry in entries):
                continue
            if self.rules.use_gitignore:
                layers = _with_folder_gitignore(entries, folder_rel, layers)
            for entry in entries:
                relpath = folder_rel + entry.name
                try:
                    if entry.is_symlink():
                        self._visit_symlink(entry, relpath, layers)
                    elif entry.is_dir(follow_symlinks=False):
                        if self.rules.enters_dir(entry.name, relpath, layers):
                            stack.append((entry.path, relpath + "/", layers))
                    elif entry.is_file(follow_symlinks=False):
                        if self.rules.takes_file(relpath, layers):
                            self._take(entry.path, relpath, entry.stat(follow_symlinks=False))
                except OSError as exc:  # the entry vanished or changed while we looked
                    self._skip(relpath, entry.path, f"cannot read: {exc.strerror}")

    def _visit_symlink(self, entry: os.DirEntry[str], relpath: str, layers: _Layers) -> None:
        try:
            target = os.stat(entry.path)
        except OSError as exc:
            if self.rules.takes_file(relpath, layers):
                self._skip(relpath, entry.path, _symlink_failure(exc))
            return
        if stat.S_ISDIR(target.st_mode):
            # A link to a folder inside the root is walked at its real place; one leaving
            # the root would silently hide code, so it is reported.
            if self.rules.enters_dir(entry.name, relpath, layers):
                if not self._inside_root(entry.path):
                    reason = "symlinked directory leaves the root (not followed)"
                    self._skip(relpath, entry.path, reason)
        elif stat.S_ISREG(target.st_mode) and self.rules.takes_file(relpath, layers):
            if self._inside_root(entry.path):
                self._take(entry.path, relpath, target)
            else:
                self._skip(relpath, entry.path, "symlink leaves the root")

    def _inside_root(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == self.real_root or real.startswith(os.path.join(self.real_root, ""))

    def _take(self, path: str, relpath: str, info: os.stat_result) -> None:
        if info.st_size > self.rules.max_bytes:
            self._skip(relpath, path, _too_large(info.st_size, self.rules.max_bytes))
            return
        # Windows' DirEntry.stat() leaves st_ino at 0; the real path identifies the file there.
        identity: object = (info.st_dev, info.st_ino)
        if not info.st_ino:
            identity = os.path.normcase(os.path.realpath(path))
        self.found.append((Candidate(path, relpath, self.root, info.st_size, info), identity))

    def _skip_file_root(self, reason: str) -> None:
        self._skip(self.root.name, str(self.root), reason)

    def _skip(self, relpath: str, path: str, reason: str) -> None:
        self.skipped.append((Skipped(relpath, self.root, reason), os.path.normcase(path)))


def _symlink_failure(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "broken symlink"
    return f"cannot follow symlink: {exc.strerror}"


def _too_large(size: int, limit: int) -> str:
    shown_size, shown_limit = _human_size(size), _human_size(limit)
    if shown_size == shown_limit:  # "2.0 MB exceeds the 2.0 MB limit" would read as a bug
        shown_size, shown_limit = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{shown_size} exceeds the {shown_limit} limit (--max-file-size)"


def _human_size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"


def _with_folder_gitignore(
    entries: list[os.DirEntry[str]], folder_rel: str, layers: _Layers
) -> _Layers:
    for entry in entries:
        if entry.name == ".gitignore" and entry.is_file():
            spec = _read_ignore_file(entry.path)
            if spec is not None:
                return (*layers, _IgnoreLayer(spec, strip=len(folder_rel)))
    return layers


def _read_ignore_file(path: str) -> pathspec.GitIgnoreSpec | None:
    """The patterns of an ignore file, or None if it has none.

    Like git, an unreadable file ignores nothing and a malformed pattern is dropped
    rather than failing the run.
    """
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "surrogateescape")
    except OSError:
        return None
    patterns = []
    for line in text.splitlines():
        try:
            patterns.extend(pathspec.GitIgnoreSpec.from_lines([line]).patterns)
        except (ValueError, re.error):
            continue
    return pathspec.GitIgnoreSpec(patterns) if patterns else None


def _enclosing_repo_layers(real_root: str) -> _Layers:
    """Ignore rules that reach a directory root from the git work tree around it.

    `.git/info/exclude` first (lowest precedence), then each `.gitignore` from the repo
    top down to the root's parent. Patterns that would ignore the root itself are set
    aside: the user named that folder, so its files are wanted.
    """
    top = find_repo_top(real_root)
    if top is None:
        return ()
    parts = Path(os.path.relpath(real_root, top)).parts  # () when the root is the top
    ignore_files = []
    git_dir = _git_dir(top)
    if git_dir is not None:
        ignore_files.append((os.path.join(git_dir, "info", "exclude"), parts))
    folder = top
    for depth in range(len(parts)):
        ignore_files.append((os.path.join(folder, ".gitignore"), parts[depth:]))
        folder = os.path.join(folder, parts[depth])
    layers = []
    for path, root_parts in ignore_files:
        spec = _read_ignore_file(path)
        if spec is None:
            continue
        prefix = "".join(part + "/" for part in root_parts)
        if prefix:
            kept = [p for p in spec.patterns if not (p.include and p.match_file(prefix))]
            if not kept:
                continue
            spec = pathspec.GitIgnoreSpec(kept)
        layers.append(_IgnoreLayer(spec, prefix=prefix))
    return tuple(layers)


def find_repo_top(start: str) -> str | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a file in a worktree)."""
    folder = start
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _git_dir(top: str) -> str | None:
    """The folder holding `info/exclude`: `.git` itself, or for linked worktrees and
    submodules (where `.git` is a file saying `gitdir: ...`) the common git dir."""
    dot_git = os.path.join(top, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as handle:
            first_line = handle.readline()
    except (OSError, UnicodeDecodeError):
        return None
    if not first_line.startswith("gitdir:"):
        return None
    git_dir = os.path.join(top, first_line[len("gitdir:") :].strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            return os.path.join(git_dir, handle.read().strip())
    except (OSError, UnicodeDecodeError):
        return git_dir


_PREFILTERED_SUFFIXES = (".py", ".pyi", ".ipynb")

# Bytes that any OpenAI finding in Python code or a notebook must contain, in lower case:
# the SDK and tokenizer names and the model-family prefixes (every name
# patterns.MODEL_NAME accepts), or a quoted o-series literal ("o1", 'o3-mini', and
# \"o4-mini\" as notebooks' JSON escapes it). The file is lowered once (ASCII only, as a
# case-insensitive bytes pattern folds) and the words are found by plain substring
# search, several times faster than one case-insensitive regex: on code without a match
# about 150 MB/s against 65, some 100x faster than parsing it with libcst.
PREFILTER_WORDS = (
    b"openai", b"tiktoken", b"gpt-", b"chatgpt", b"text-embedding", b"text-curie", b"text-ada", b"davinci",
    b"babbage", b"cushman", b"dall-e", b"whisper-1", b"tts-1", b"moderation",
)
# Each search reads the whole file, and almost every file holds none of the words, so
# words sharing a core are looked for as that core first: a file without "gpt" holds
# neither "gpt-" nor "chatgpt", and one search rules out both. A file with the core is
# then searched for the words themselves, so the decision is exactly the word search's.
_SHARED_CORES = (b"gpt", b"text-")
_WORDS_BY_CORE = tuple(
    (core, tuple(word for word in PREFILTER_WORDS if core in word))
    for core in dict.fromkeys(next((core for core in _SHARED_CORES if core in word), word) for word in PREFILTER_WORDS)
)
O_SERIES_LITERAL = re.compile(rb"[\"'](?:azure[/:])?o[134](?:-[a-z0-9-]*)?\\?[\"']")
_O_SERIES = re.compile(rb"o[134]")  # what the literal needs: rare enough to spare its regex most files


def may_mention_openai(data: bytes) -> bool:
    """Whether `data` holds any of the words or literals an OpenAI finding needs (case-insensitive)."""
    lowered = data.lower()
    if any(core in lowered and any(word in lowered for word in words) for core, words in _WORDS_BY_CORE):
        return True
    return _O_SERIES.search(lowered) is not None and O_SERIES_LITERAL.search(lowered) is not None


def prefilter(data: bytes, relpath: str) -> bool:
    """Can this file hold an OpenAI finding? A cheap byte test that spares the parser.

    Only Python sources and notebooks are filtered: they are the bulk of a repository
    and the expensive ones to parse. Other files are small and scanned as text anyway.
    """
    if relpath.lower().endswith(_PREFILTERED_SUFFIXES):
        return may_mention_openai(data)
    return True


class DecodeError(ValueError):
    """Bytes that cannot become text. The message is written for the report."""


_BINARY_SNIFF_BYTES = 8192
_UTF8_BOM = b"\xef\xbb\xbf"


def read_text(data: bytes) -> tuple[str, str]:
    """Decode Python source as the interpreter would; return (text, encoding).

    A UTF-8 BOM gives "utf-8-sig" (so a rewrite can keep the BOM), a PEP 263 cookie
    in the first two lines gives its encoding, anything else is UTF-8.
    """
    _reject_binary(data)
    encoding = _source_encoding(data)
    return _decode(data, encoding), encoding


def read_plain_text(data: bytes) -> str:
    """Decode a non-Python text file: UTF-8, with a leading BOM dropped."""
    _reject_binary(data)
    return _decode(data, "utf-8-sig")


def _reject_binary(data: bytes) -> None:
    nul = data.find(b"\0", 0, _BINARY_SNIFF_BYTES)
    if nul != -1:
        raise DecodeError(f"binary file (NUL byte at offset {nul})")


def _source_encoding(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # tokenize's messages (stable since Python 3.0, without a file name given):
        # "unknown encoding: NAME", "encoding problem: utf-8" (cookie contradicts the BOM),
        # "invalid or missing encoding declaration" (first lines are not UTF-8).
        message = str(exc.msg)
        if message.startswith("unknown encoding"):
            name = message.rpartition(": ")[2]
            raise DecodeError(f"unknown encoding {name!r} in coding cookie") from None
        if message.startswith("encoding problem"):
            raise DecodeError("coding cookie contradicts the UTF-8 byte order mark") from None
        return "utf-8"  # decoding then reports where the bytes stop being UTF-8
    return encoding


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start
        if encoding == "utf-8-sig" and data.startswith(_UTF8_BOM):
            offset += len(_UTF8_BOM)  # the codec counts from after the BOM
        shown = encoding.removesuffix("-sig")
        where = f"byte 0x{data[offset]:02x} at offset {offset}"
        raise DecodeError(f"not valid {shown} text ({where})") from None
    except (UnicodeError, LookupError):  # e.g. `# coding: rot13`, a codec but not a text encoding
        raise DecodeError(f"{encoding!r} in coding cookie is not a text encoding") from None
