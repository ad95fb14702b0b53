"""Audit and migration as functions: paths in, plain values out. Nothing here prints or writes.

Stages: discover files (honouring ignores) -> answer unchanged files from the cache ->
reject by bytes, then by tokens (prefilter) -> analyse or rewrite each remaining file (in a process pool
when there are many) -> collect results in a stable order. A file that cannot be read or parsed becomes an `unprocessable`
finding (audit) or a file error (migrate); it never stops the run.
"""

from __future__ import annotations

import codecs
import gc
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence, TypeVar

from banjia.cache import ResultCache, content_digest, decode_audit, decode_migration, encode_audit, encode_migration
from banjia.codemods.outcome import Outcome, PythonRewrite
from banjia.codemods.strategies import DEFAULT_STRATEGY, check_strategy, python_rewrite
from banjia.discover import Candidate, DecodeError, Skipped, discover, prefilter, read_plain_text, read_text
from banjia.model import AuditResult, FileMigration, FileResult, Finding, Kind, MigrationResult, Span
from banjia.nesting import TooDeeplyNested, check_nesting, on_deep_stack
from banjia.scanners import scanners_for
from banjia.token_prefilter import tokens_may_match

if TYPE_CHECKING:
    from banjia.codemods.dependencies import SdkDependency
    from banjia.rules.model import RuleSet

T = TypeVar("T")

PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"
# Below this many files to parse, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


@dataclass(frozen=True)
class AuditOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = 2_000_000
    use_gitignore: bool = True
    jobs: int = 0  # 0: one per core
    use_prefilter: bool = True
    cache_dir: Path | None = None  # where results of unchanged files are kept; None: no cache


def may_hold_findings(data: bytes, shown: str) -> bool:
    """Both prefilter stages: OpenAI words in the bytes, then, in Python, tokens that could become findings."""
    if not prefilter(data, shown):
        return False
    return not shown.endswith(PYTHON_SUFFIXES) or tokens_may_match(data, shown)


def is_wanted(relpath: str) -> bool:
    """Whether any analyzer looks at a file of this name."""
    return relpath.endswith(PYTHON_SUFFIXES + (NOTEBOOK_SUFFIX,)) or bool(scanners_for(relpath))


def discover_files(paths: Sequence[Path], options: AuditOptions) -> tuple[list[Candidate], list[Skipped]]:
    """The files audit and migrate look at under `paths`, and those they report skipping."""
    return discover(
        list(paths),
        wanted=is_wanted,
        include=options.include,
        exclude=options.exclude,
        max_bytes=options.max_bytes,
        use_gitignore=options.use_gitignore,
    )


def audit(
    paths: Sequence[Path],
    options: AuditOptions = AuditOptions(),
    progress: Callable[[int, int], None] | None = None,
    *,
    rules: RuleSet | None = None,
    unsafe: bool = False,
    strategy: str = DEFAULT_STRATEGY,
) -> AuditResult:
    """Audit files and directories; `progress(done, total)` is called as files finish.

    With `rules`, every call site also gets its verdict for that provider (see
    `banjia.codemods.verdicts`), judged on `strategy`'s migration (ValueError, before
    any file is read, when it cannot serve the provider); `unsafe` judges as if
    `migrate --unsafe` were run.
    """
    if rules is not None:
        check_strategy(strategy, rules)
    cache = None
    if options.cache_dir is not None:  # opened before the walk: see ResultCache
        cache = ResultCache(options.cache_dir, "audit", _rules_key(rules), f"unsafe={unsafe}",
                            f"prefilter={options.use_prefilter}", f"strategy={strategy}")
    cwd = Path.cwd()
    candidates, shown_paths, skipped = _files_to_look_at(paths, options, cwd)
    tasks = [(c.location, shown, options.use_prefilter, rules, unsafe, strategy)
             for c, shown in zip(candidates, shown_paths)]
    if cache is None:
        results = list(_run(analyze_file, tasks, options.jobs, progress))
    else:
        infos = {shown: c.info for c, shown in zip(candidates, shown_paths)}
        results = _run_cached(_analyze_contents, tasks, infos, options.jobs, progress, cache,
                              encode_audit, _cached_audit)
    results += [_skipped_result(s, cwd) for s in skipped]
    results.sort(key=lambda r: r[0].path)
    return AuditResult(
        roots=tuple(str(p) for p in paths),
        files=tuple(r for r, _ in results),
        files_scanned=len(candidates),
        files_parsed=sum(1 for _, parsed in results if parsed),
        target=rules.id if rules is not None else None,
        strategy=strategy if rules is not None else None,
    )


def migrate(
    paths: Sequence[Path],
    rules: RuleSet,
    options: AuditOptions = AuditOptions(),
    *,
    unsafe: bool = False,
    strategy: str = DEFAULT_STRATEGY,
    progress: Callable[[int, int], None] | None = None,
) -> MigrationResult:
    """Rewrite every file the audit looks at for `rules`' provider; returns each file's before and after."""
    check_strategy(strategy, rules)  # an unknown or unsuitable strategy fails here, not once per file
    cache = None
    if options.cache_dir is not None:  # opened before the walk: see ResultCache
        cache = ResultCache(options.cache_dir, "migrate", _rules_key(rules), f"unsafe={unsafe}", strategy)
    cwd = Path.cwd()
    candidates, shown_paths, skipped = _files_to_look_at(paths, options, cwd)
    tasks = [(c.location, shown, rules, unsafe, strategy) for c, shown in zip(candidates, shown_paths)]
    infos = {shown: c.info for c, shown in zip(candidates, shown_paths)}
    if strategy == "native":
        files = _migrate_native(tasks, infos, rules, options.jobs, progress, cache)
    else:
        files = _migrate_files(tasks, infos, options.jobs, progress, cache)
    files += [FileMigration(_skipped_path(s, cwd), "", "", error=s.reason) for s in skipped]
    files.sort(key=lambda f: f.path)
    return MigrationResult(rules.id, strategy, tuple(files))


def _migrate_files(
    tasks: list[tuple], infos: dict[str, os.stat_result | None], jobs: int, progress, cache: ResultCache | None
) -> list[FileMigration]:
    if cache is None:
        return list(_run(migrate_file, tasks, jobs, progress))
    return _run_cached(_migrate_contents, tasks, infos, jobs, progress, cache, encode_migration, _cached_migration)


def _migrate_native(
    tasks: list[tuple], infos: dict[str, os.stat_result | None], rules: RuleSet, jobs: int, progress,
    cache: ResultCache | None,
) -> list[FileMigration]:
    """Code first, then dependency files: whether they keep openai depends on what the migrated code imports."""
    from banjia.codemods.dependencies import SdkDependency, imports_openai

    assert rules.native is not None
    dependency_files = [task for task in tasks if _declares_dependencies(task[1])]
    others = [task for task in tasks if not _declares_dependencies(task[1])]
    total = len(tasks)

    def progress_from(offset: int):
        return (lambda done, _: progress(offset + done, total)) if progress else None

    files = _migrate_files(others, infos, jobs, progress_from(0), cache)
    keep_openai = any(
        (file.error is not None or imports_openai(file.after, file.path))
        for file in files if file.path.endswith(PYTHON_SUFFIXES + (NOTEBOOK_SUFFIX,)) and (file.before or file.error)
    )
    sdk = SdkDependency(rules.native.package, rules.native.requirement, keep_openai)
    # Not cached: few, small text files, whose result depends on every other file's.
    files += _run(migrate_file, [(*task, sdk) for task in dependency_files], jobs, progress_from(len(others)))
    return files


def _declares_dependencies(shown: str) -> bool:
    from banjia.scanners import DEPENDENCY_SCANNERS

    return any(scan in DEPENDENCY_SCANNERS for scan in scanners_for(shown))


def migrate_file(
    path: str | Path, shown: str, rules: RuleSet, unsafe: bool = False, strategy: str = DEFAULT_STRATEGY,
    sdk: SdkDependency | None = None,
) -> FileMigration:
    """Migrate one file of any kind the audit reads; never raises (problems become the file's `error`).

    `sdk`: under the native strategy, what dependency files declare (see `_migrate_native`).
    """
    return _migrate_contents(_read(path), path, shown, rules, unsafe, strategy, sdk)


def _migrate_contents(
    data: bytes | str, path: str | Path, shown: str, rules: RuleSet, unsafe: bool = False,
    strategy: str = DEFAULT_STRATEGY, sdk: SdkDependency | None = None,
) -> FileMigration:
    if isinstance(data, str):
        return FileMigration(shown, "", "", error=data)
    if not may_hold_findings(data, shown):
        return FileMigration(shown, "", "")
    try:
        text, encoding = _decode_file(data, shown)
        if shown.endswith(PYTHON_SUFFIXES):
            check_nesting(text)
        outcome = _without_cyclic_gc(on_deep_stack, migrate_source, text, shown, rules, python_rewrite(strategy),
                                     unsafe=unsafe, sdk=sdk)
    except (DecodeError, TooDeeplyNested) as error:
        return FileMigration(shown, "", "", error=str(error))
    except RecursionError:
        return FileMigration(shown, "", "", error="too deeply nested to parse (recursion limit)")
    except Exception as error:  # a parser error, or a bug: report it for this file, keep going
        return FileMigration(shown, "", "", error=_describe(error))
    return FileMigration(shown, text, outcome.text, encoding, tuple(outcome.changes), tuple(outcome.notes),
                         location=os.path.realpath(path))


def _without_cyclic_gc(function: Callable[..., T], *args, **kwargs) -> T:
    """`function(*args, **kwargs)` with Python's cyclic garbage collector paused.

    A libcst tree is hundreds of thousands of objects, none of them garbage while its file
    is being worked on, and the collector would walk them all again every few thousand
    allocations: about a fifth of the CPU of an analysis. Reference counting frees the
    tree afterwards; any cycles left are found by the next ordinary collection.
    """
    if not gc.isenabled():
        return function(*args, **kwargs)
    gc.disable()
    try:
        return function(*args, **kwargs)
    finally:
        gc.enable()


def _decode_file(data: bytes, shown: str) -> tuple[str, str]:
    """(text, encoding): Python as the interpreter reads it, anything else as UTF-8 with an optional BOM."""
    if shown.endswith(PYTHON_SUFFIXES):
        return read_text(data)
    return read_plain_text(data), "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"


def _cached_migration(value: dict, read: Callable[[], bytes | str], path: str, shown: str) -> FileMigration | None:
    before = ""
    if value.get("read"):
        data = read()
        if not isinstance(data, bytes):
            return None
        try:
            before = _decode_file(data, shown)[0]
        except DecodeError:
            return None
    return decode_migration(value, shown, before, os.path.realpath(path))


def migrate_source(
    text: str, shown: str, rules: RuleSet, rewrite: PythonRewrite, *, unsafe: bool = False,
    sdk: SdkDependency | None = None,
) -> Outcome:
    """Dispatch by file kind: Python to `rewrite`, notebooks cell by cell through it, other files as text.

    setup.py is Python, rewritten by `rewrite`; its requirement strings are raised as
    text first, so the positions in that pass are the original file's. `sdk` is what
    dependency files declare under the native strategy.
    """
    if shown.endswith(NOTEBOOK_SUFFIX):
        from banjia.codemods.notebook import migrate_notebook

        return migrate_notebook(text, shown, rules, rewrite, unsafe=unsafe)
    from banjia.codemods.text_files import migrate_text_file

    if not shown.endswith(PYTHON_SUFFIXES):
        return migrate_text_file(text, shown, rules, sdk=sdk)
    if shown.rsplit("/", 1)[-1] != "setup.py":
        return rewrite(text, shown, rules, unsafe=unsafe)
    requirements = migrate_text_file(text, shown, rules, sdk=sdk)
    code = rewrite(requirements.text, shown, rules, unsafe=unsafe)
    return Outcome(code.text, sorted(requirements.changes + code.changes, key=lambda c: c.span),
                   sorted(requirements.notes + code.notes, key=lambda n: n.span))


def display_paths(candidates: Sequence[Candidate], cwd: Path) -> list[str]:
    """Paths as the user typed them: relative to the working directory when below it,
    else below the root folder's name (a root that is a file: its name).

    String arithmetic and one `is_dir` per root: on a large tree, pathlib's
    `relative_to` and a stat per file cost as much as reading every file.
    """
    below = os.path.join(os.path.normcase(str(cwd)), "")
    root_prefixes: dict[Path, str | None] = {}  # None: the root is a file
    shown = []
    for candidate in candidates:
        path = candidate.location
        if os.path.normcase(path).startswith(below):
            shown.append(path[len(below):].replace(os.sep, "/"))
            continue
        root = candidate.root
        if root not in root_prefixes:
            root_prefixes[root] = (f"{root.name}/" if root.name else "") if root.is_dir() else None
        prefix = root_prefixes[root]
        shown.append(os.path.basename(path) if prefix is None else prefix + candidate.relpath)
    return shown


def _files_to_look_at(
    paths: Sequence[Path], options: AuditOptions, cwd: Path
) -> tuple[list[Candidate], list[str], list[Skipped]]:
    """The discovered files, largest first so one big file does not finish last on an idle
    pool, with their display paths, and the files skipped."""
    candidates, skipped = discover_files(paths, options)
    candidates.sort(key=lambda candidate: -candidate.size)
    return candidates, display_paths(candidates, cwd), skipped


def _run(worker, tasks, jobs: int, progress) -> Iterable:
    """`worker(*task)` for each task, results in the tasks' order."""
    workers = jobs or os.cpu_count() or 1
    total = len(tasks)
    if workers <= 1 or total < PARALLEL_THRESHOLD:
        for done, task in enumerate(tasks, 1):
            yield worker(*task)
            if progress:
                progress(done, total)
        return
    from concurrent.futures import ProcessPoolExecutor  # here: a run with a handful of files needs no pool

    chunk = max(1, min(64, total // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, result in enumerate(pool.map(worker, *zip(*tasks), chunksize=chunk), 1):
            yield result
            if progress:
                progress(done, total)


def _run_cached(on_contents, tasks, infos, jobs: int, progress, cache: ResultCache, encode, decode) -> list:
    """Like `_run` over `on_contents(contents, path, shown, *rest)` for each (path, shown, *rest) task,
    answering the files the cache knows unchanged without a worker; returns results in no particular order.

    `infos` maps each task's `shown` path to the file's stat from discovery. A file the
    cache holds nothing for is read only by its worker. The digest stored with a new
    result is that of the bytes the worker read, and the stamp the stat taken before, so
    a file changing during the run can never pair its new content with its old result.
    """
    total = len(tasks)
    results = []
    misses = []
    for path, shown, *rest in tasks:
        hit = _cached_result(cache, path, shown, infos[shown], decode) if cache.knows(shown) else None
        if hit is not None:
            results.append(hit)
            if progress:
                progress(len(results), total)
            continue
        misses.append((path, shown, on_contents, *rest))
    hits = len(results)
    offset_progress = (lambda done, _: progress(hits + done, total)) if progress else None
    for shown, digest, result in _run(_read_and_run, misses, jobs, offset_progress):
        results.append(result)
        if digest is not None:
            cache.put(shown, digest, encode(result), infos[shown])
    cache.save()
    return results


def _cached_result(cache: ResultCache, path: str, shown: str, info: os.stat_result | None, decode):
    """The cache's answer for a file, decoded (`decode(value, read, path, shown)`), or None.

    A file with the stamp recorded in its entry is read only if `decode` needs its bytes;
    any other is read and looked up by the digest of its bytes.
    """
    value = cache.get_unchanged(shown, info) if info is not None else None
    if value is not None:
        return decode(value, lambda: _read(path), path, shown)
    contents = _read(path)
    if not isinstance(contents, bytes):
        return None
    value = cache.get(shown, content_digest(contents))
    return decode(value, lambda: contents, path, shown) if value is not None else None


def _read_and_run(path: str, shown: str, on_contents, *rest) -> tuple[str, str | None, object]:
    contents = _read(path)
    digest = content_digest(contents) if isinstance(contents, bytes) else None
    return shown, digest, on_contents(contents, path, shown, *rest)


def _read(path: str | Path) -> bytes | str:
    """The file's bytes, or why they cannot be read."""
    try:
        with open(path, "rb") as handle:  # Path.read_bytes costs twice as much per file
            return handle.read()
    except OSError as error:
        return f"cannot read: {error.strerror or error}"


def _rules_key(rules: RuleSet | None) -> str:
    if rules is None:
        return "no rules"
    from banjia.rules.loader import ruleset_digest

    return ruleset_digest(rules)


def analyze_file(
    path: str | Path, shown: str, use_prefilter: bool = True, rules: RuleSet | None = None, unsafe: bool = False,
    strategy: str = DEFAULT_STRATEGY,
) -> tuple[FileResult, bool]:
    """Analyse one file (judging its call sites for `rules` under `strategy`, if given);
    returns (result, whether it was parsed).

    Never raises.
    """
    return _analyze_contents(_read(path), path, shown, use_prefilter, rules, unsafe, strategy)


def _analyze_contents(
    data: bytes | str, path: str | Path, shown: str, use_prefilter: bool, rules: RuleSet | None, unsafe: bool,
    strategy: str = DEFAULT_STRATEGY,
) -> tuple[FileResult, bool]:
    if isinstance(data, str):
        return _failure(shown, data), False
    if use_prefilter and not may_hold_findings(data, shown):
        return FileResult(shown), False
    try:
        findings = _without_cyclic_gc(on_deep_stack, _analyze_bytes, data, shown, rules, unsafe, strategy)
    except (DecodeError, TooDeeplyNested) as error:
        return _failure(shown, str(error)), False
    except RecursionError:
        return _failure(shown, "too deeply nested to parse (recursion limit)"), False
    except Exception as error:  # a parser error, or a bug: report it for this file, keep going
        return _failure(shown, _describe(error)), False
    return FileResult(shown, tuple(findings)), True


def _cached_audit(value: dict, read: Callable[[], bytes | str], path: str, shown: str) -> tuple[FileResult, bool] | None:
    return decode_audit(value, shown)


def _analyze_bytes(
    data: bytes, shown: str, rules: RuleSet | None, unsafe: bool, strategy: str = DEFAULT_STRATEGY
) -> list[Finding]:
    if shown.endswith(PYTHON_SUFFIXES):
        text, _ = read_text(data)
        check_nesting(text)
        if rules is None:
            from banjia.codemods.analyzer import analyze_python

            findings = analyze_python(text, shown)
        else:
            from banjia.codemods.verdicts import audit_python

            findings = audit_python(text, shown, rules, unsafe=unsafe, strategy=strategy)
        if shown.rsplit("/", 1)[-1] == "setup.py":
            findings += _scan_text(text, shown)
        return findings
    text = read_plain_text(data)
    if shown.endswith(NOTEBOOK_SUFFIX):
        from banjia.scanners.notebook import scan_notebook

        findings = scan_notebook(text, shown)
        if rules is None:
            return findings
        from banjia.codemods.notebook import migrate_notebook
        from banjia.codemods.verdicts import outcome_verdicts

        migrated = migrate_notebook(text, shown, rules, python_rewrite(strategy), unsafe=unsafe)
        return outcome_verdicts(findings, migrated)
    return _scan_text(text, shown)


def _scan_text(text: str, shown: str) -> list[Finding]:
    findings: list[Finding] = []
    for scan in scanners_for(shown):
        findings += scan(text, shown)
    return sorted(findings, key=Finding.sort_key)


def _describe(error: Exception) -> str:
    import libcst as cst

    if isinstance(error, cst.ParserSyntaxError):
        return f"does not parse as Python 3 (line {error.raw_line}, column {error.raw_column + 1}): {error.message}"
    name = type(error).__name__
    return f"{name}: {error}" if str(error) else name


def _failure(shown: str, reason: str) -> FileResult:
    finding = Finding(Kind.UNPROCESSABLE, shown, Span(1, 1, 1, 1), reason, data={"reason": reason})
    return FileResult(shown, (finding,), error=reason)


def _skipped_result(skipped: Skipped, cwd: Path) -> tuple[FileResult, bool]:
    return _failure(_skipped_path(skipped, cwd), skipped.reason), False


def _skipped_path(skipped: Skipped, cwd: Path) -> str:
    path = skipped.root / skipped.relpath if skipped.root.is_dir() else skipped.root
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()
