"""A persistent cache of per-file results, so an unchanged file is never parsed twice.

Parsing is nearly the whole cost of a run, and in CI or a pre-commit hook most files
have not changed since the last one. Like ruff's, the cache lives in the project
(`.banjia_cache/`, tagged with CACHEDIR.TAG and ignoring itself for git), holds one
file per command and rule set, and maps each file's path to the sha256 of its bytes
and the result they gave. A result is a pure function of (path, bytes, banjia version,
rules, options), so an entry is used only when all of them match: the version, the
rule-set digest and the options name the cache file, the content digest is checked
per entry, and the path is the entry's key. Keying by path keeps the cache as large as
the repository, however often its files change.

Reading and hashing every file is most of what a run with nothing changed still costs,
so an entry also records the file's size, times and inode (its stamp), as git's index
does: a file showing the recorded stamp is answered unread. A stamp is recorded only
once the file has been left alone for a while before the run began, so a change made
during or just after the run, even within the file system's timestamp resolution,
always shows as a new stamp; the change time, which no tool can set back, is part of
it (Windows has none: there, a tool that rewrites a file to as many bytes and then puts
its modification time back goes unseen; `--no-cache` is the way out). A file whose
stamp differs (a fresh checkout) is read and looked up by digest.

Nothing here may make a run fail or give a different answer: an unreadable, corrupt or
foreign cache file counts as empty, an entry that does not decode is a miss, and a
cache that cannot be written is silently left alone. Writes go to a temporary file that
is renamed into place, so concurrent runs never see half a file; the last one to finish
wins, and the other's new entries are merely computed again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from banjia import __version__
from banjia.atomic import write_file_atomically
from banjia.model import (
    Change,
    Confidence,
    FileMigration,
    FileResult,
    Finding,
    Kind,
    Note,
    Severity,
    Span,
)

DEFAULT_DIRECTORY = ".banjia_cache"
# Bump when the stored shape of a result changes; entries of another format are never read.
CACHE_FORMAT = 2
# How long before the run a file must have been last changed for its stamp to be recorded:
# more than any file system's timestamp resolution (FAT's is 2 s).
SETTLED_NS = 3_000_000_000

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by banjia.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def content_digest(data: bytes) -> str:
    """128 bits of the bytes' sha256: as safe against collisions, and half the size in the cache file."""
    return hashlib.sha256(data).hexdigest()[:32]


def file_stamp(info: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes do: size, modification and change times, inode."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


class ResultCache:
    """The cached results of one command under one rule set and set of options.

    `options` are the strings besides the version that change results (the command,
    the rule-set digest, strategy, unsafe); they name the cache file. Open the cache
    before looking at the run's files: stamps are judged against that moment.
    """

    def __init__(self, directory: Path, *options: str) -> None:
        self.directory = directory
        name = hashlib.sha256("\0".join((str(CACHE_FORMAT), *options)).encode("utf-8")).hexdigest()[:32]
        self.file = directory / __version__ / f"{name}.json"
        self._settled_before = time.time_ns() - SETTLED_NS
        self._entries = _load(self.file)
        self._updates: dict[str, list] = {}

    def knows(self, path: str) -> bool:
        """Whether anything is stored for `path`; when not, its file need not even be read."""
        return path in self._updates or path in self._entries

    def get(self, path: str, digest: str) -> dict[str, Any] | None:
        """The stored result of `path` when its content digest was `digest`, else None."""
        entry = self._entry(path)
        return entry[1] if entry is not None and entry[0] == digest else None

    def get_unchanged(self, path: str, info: os.stat_result) -> dict[str, Any] | None:
        """The stored result of `path` if the file still has the stamp recorded with it, else None."""
        entry = self._entry(path)
        return entry[1] if entry is not None and entry[2] is not None and entry[2] == file_stamp(info) else None

    def put(self, path: str, digest: str, value: dict[str, Any], info: os.stat_result | None = None) -> None:
        """Store `value` for `path` with bytes of `digest`; `info` is the file's stat from before it was read."""
        settled = info is not None and max(info.st_mtime_ns, info.st_ctime_ns) < self._settled_before
        self._updates[path] = [digest, value, file_stamp(info) if settled else None]

    def _entry(self, path: str) -> list | None:
        entry = self._updates.get(path) or self._entries.get(path)
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], dict):
            return entry
        return None

    def save(self) -> None:
        """Write the new entries, merged over what is on disk now. Never raises."""
        if not self._updates:
            return
        try:
            self._prepare_directory()
            entries = _load(self.file)  # a concurrent run may have saved since we loaded
            entries.update(self._updates)
            write_file_atomically(self.file, json.dumps({"format": CACHE_FORMAT, "entries": entries}).encode("utf-8"))
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop on the way to the cache
            return  # a read-only checkout or a full disk: the run's answer is unaffected
        self._entries, self._updates = entries, {}

    def _prepare_directory(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _CACHEDIR_TAG), (".gitignore", "# Created by banjia.\n*\n")):
            marker = self.directory / name
            if not marker.exists():
                write_file_atomically(marker, text.encode("utf-8"))


def _load(file: Path) -> dict[str, Any]:
    try:
        with open(file, encoding="utf-8") as handle:
            stored = json.load(handle)
    except (OSError, ValueError):  # missing, unreadable, truncated or not JSON
        return {}
    if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT:
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


# ---------------------------------------------------------------- results as JSON values
def encode_audit(result: tuple[FileResult, bool]) -> dict[str, Any]:
    """An audit worker's (FileResult, parsed) as a JSON value; the path is the entry's key.

    Fields at their defaults are left out: nearly every file of a large tree is one the
    prefilter turned away, and its entry is then `{}`.
    """
    file, parsed = result
    value: dict[str, Any] = {}
    if parsed:
        value["parsed"] = True
    if file.error is not None:
        value["error"] = file.error
    if file.findings:
        value["findings"] = [_encode_finding(f) for f in file.findings]
    return value


def decode_audit(value: dict[str, Any], path: str) -> tuple[FileResult, bool] | None:
    """The inverse of `encode_audit`, or None when `value` is not one (a corrupt entry)."""
    parsed, error, findings = value.get("parsed", False), value.get("error"), value.get("findings", ())
    if not isinstance(parsed, bool) or not (error is None or isinstance(error, str)):
        return None
    if not isinstance(findings, (list, tuple)):
        return None
    try:
        return FileResult(path, tuple(_decode_finding(f, path) for f in findings), error), parsed
    except (KeyError, TypeError, ValueError):
        return None


def encode_migration(file: FileMigration) -> dict[str, Any]:
    """A FileMigration as a JSON value, without the texts' common part.

    `before` is the decoded file and is rebuilt from its bytes; `after` is stored only
    when it differs. `path` and `location` belong to the entry's key and to this run.
    """
    value: dict[str, Any] = {
        "encoding": file.encoding,
        "changes": [[_encode_span(c.span), c.category, c.message, c.safety] for c in file.changes],
        "notes": [[_encode_span(n.span), n.severity.value, n.message, n.rule] for n in file.notes],
        "error": file.error,
        "read": bool(file.before),
        "located": bool(file.location),
    }
    if file.after != file.before:
        value["after"] = file.after
    return value


def decode_migration(value: dict[str, Any], path: str, before: str, location: str) -> FileMigration | None:
    """The inverse of `encode_migration`, given the file's decoded text; None for a corrupt entry."""
    try:
        if not value["read"]:
            before = ""
        changes = tuple(Change(path, _decode_span(s), category, message, safety)
                        for s, category, message, safety in value["changes"])
        notes = tuple(Note(path, _decode_span(s), Severity(severity), message, rule)
                      for s, severity, message, rule in value["notes"])
        after = value.get("after", before)
        if not isinstance(after, str) or not isinstance(value["encoding"], str):
            return None
        return FileMigration(path, before, after, value["encoding"], changes, notes, value["error"],
                             location=location if value["located"] else "")
    except (KeyError, TypeError, ValueError):
        return None


def _encode_finding(finding: Finding) -> list:
    return [finding.kind.value, _encode_span(finding.span), finding.message, finding.snippet,
            finding.confidence.value, finding.data]


def _decode_finding(value: list, path: str) -> Finding:
    kind, span, message, snippet, confidence, data = value
    if not isinstance(data, dict):
        raise TypeError("finding data is not an object")
    return Finding(Kind(kind), path, _decode_span(span), message, snippet, Confidence(confidence), data)


def _encode_span(span: Span) -> list:
    return [span.line, span.column, span.end_line, span.end_column, span.cell]


def _decode_span(value: list) -> Span:
    line, column, end_line, end_column, cell = value
    return Span(line, column, end_line, end_column, cell)
