"""Audit and migrate thousands of real Python files; count crashes and broken output.

Hand-written fixtures only hold the code someone thought of. Real code (an installed
site-packages has tens of thousands of files: generated parsers, deeply nested tables,
Python 2 leftovers, every syntax feature) finds the cases nobody thought of. For every
file this runs what `banjia audit` and `banjia audit --to` and `banjia migrate` run on
it (without the byte prefilter, so every file reaches the parser and the rewrite), and
sorts the outcome into one of:

- unchanged      the file was audited and migrate left it as it was;
- migrated       the file was audited and migrated, and migrating it again changes nothing;
- not-python-3   the input itself is not Python 3 that libcst parses (a reported skip);
- undecodable    the bytes are not text in the file's encoding (a reported skip);
- too-deep       nesting beyond the recursion limit (a reported skip);
- crash          audit or migrate raised anything else: a bug;
- unparsable     migrate produced code that does not parse (or its own re-parse refused it);
- not-idempotent migrating the migrated code changes it again;
- bad-import     the migration added an import of a module or name the installed packages lack.

The last four are failures: the exit status is 1 when any occurs. Files are chosen
deterministically (by a hash of their path), so two runs over the same tree agree.

    python tools/corpus_check.py                       # 5000 files of this interpreter's site-packages
    python tools/corpus_check.py --limit 0 DIR ...     # every .py file below the folders given
    python tools/corpus_check.py --strategy native     # onto the providers' own SDKs
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import importlib.util
import os
import sys
import sysconfig
import time
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

FAILURES = ("crash", "unparsable", "not-idempotent", "bad-import")


@dataclass(frozen=True)
class FileCheck:
    """What happened to one file; `detail` says why for anything but ok."""

    path: str
    outcome: str
    detail: str = ""
    seconds: float = 0.0


def select_files(roots: list[Path], limit: int) -> list[Path]:
    """Every `.py` file below `roots` (symlinks not followed), or `limit` of them chosen by path hash."""
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            found += [Path(folder, name) for name in sorted(files) if name.endswith(".py")]
    found.sort(key=lambda path: hashlib.sha256(path.as_posix().encode("utf-8", "surrogateescape")).digest())
    return found[:limit] if limit else found


def check_file(path: Path, provider: str, strategy: str = "compat") -> FileCheck:
    """Audit and migrate one file for `provider` with `strategy`; never raises."""
    started = time.perf_counter()
    outcome, detail = _check(path, provider, strategy)
    return FileCheck(str(path), outcome, detail, time.perf_counter() - started)


def _check(path: Path, provider: str, strategy: str) -> tuple[str, str]:
    from banjia.discover import DecodeError, read_text
    from banjia.nesting import TooDeeplyNested, check_nesting, on_deep_stack

    try:
        text, _ = read_text(path.read_bytes())
        check_nesting(text)
    except (DecodeError, TooDeeplyNested) as error:
        return ("too-deep" if isinstance(error, TooDeeplyNested) else "undecodable"), str(error)
    except OSError as error:
        return "undecodable", f"cannot read: {error.strerror}"
    return on_deep_stack(_audit_and_migrate, text, path.name, provider, strategy)


def _audit_and_migrate(text: str, shown: str, provider: str, strategy: str) -> tuple[str, str]:
    """What `banjia audit`, `audit --to` and `migrate` do with decoded Python, twice for migrate."""
    import libcst as cst

    from banjia.api import migrate_source
    from banjia.codemods.analyzer import analyze_python
    from banjia.codemods.strategies import python_rewrite
    from banjia.codemods.verdicts import audit_python
    from banjia.rules.loader import load_builtin

    rules = load_builtin(provider)
    rewrite = python_rewrite(strategy)
    stage = "audit"
    try:
        analyze_python(text, shown)
        audit_python(text, shown, rules)
        stage = "migrate"
        migrated = migrate_source(text, shown, rules, rewrite).text
        if migrated == text:
            return "unchanged", ""
        if _compiles(text) and not _compiles(migrated):
            return "unparsable", "migrated code does not compile"
        stage = "second migrate"
        again = migrate_source(migrated, shown, rules, rewrite).text
    except RecursionError:
        return "too-deep", f"{stage}: recursion limit"
    except cst.ParserSyntaxError as error:
        if stage == "audit":
            return "not-python-3", error.message
        return "unparsable", f"{stage}: {error.message}"
    except Exception as error:  # what the corpus is for: anything else is a bug
        return "crash", f"{stage}: {type(error).__name__}: {error}"
    if again != migrated:
        return "not-idempotent", "a second migrate changed the output"
    missing = new_unresolved_imports(text, migrated)
    if missing:
        return "bad-import", ", ".join(missing)
    return "migrated", ""


def new_unresolved_imports(before: str, after: str) -> list[str]:
    """Imports in `after` but not in `before` that the installed packages cannot satisfy.

    An import the input already had is the input's business (its package may just not be
    installed here); one the migration wrote must name a real module, and for
    `from X import Y` a real attribute or submodule Y of X.
    """
    return [_shown(module, name) for module, name in sorted(imports_of(after) - imports_of(before), key=str)
            if not resolves(module, name)]


def imports_of(source: str) -> set[tuple[str, str | None]]:
    """(module, name) of every absolute import in `source`, at any depth; name is None for `import X`."""
    found: set[tuple[str, str | None]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            found.update((node.module, alias.name) for alias in node.names if alias.name != "*")
    return found


def resolves(module: str, name: str | None) -> bool:
    """Whether `import module` (name None) or `from module import name` works with the installed packages."""
    try:
        if name is None:
            return importlib.util.find_spec(module) is not None
        return hasattr(importlib.import_module(module), name) or importlib.util.find_spec(f"{module}.{name}") is not None
    except Exception:  # a missing parent package, or a module that fails on import
        return False


def _shown(module: str, name: str | None) -> str:
    return f"import {module}" if name is None else f"from {module} import {name}"


def _compiles(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in old code
        try:
            compile(text, "<corpus>", "exec", dont_inherit=True)  # stricter than ast.parse: repeated keywords too
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def run(files: list[Path], providers: list[str], jobs: int, strategy: str = "compat") -> list[FileCheck]:
    """Check `files`, each for one of `providers` in turn, with `strategy`; in `jobs` worker processes."""
    assigned = [providers[index % len(providers)] for index in range(len(files))]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(check_file, files, assigned, [strategy] * len(files), chunksize=8))


def summarise(checks: list[FileCheck], shown: int = 20) -> str:
    counts = Counter(check.outcome for check in checks)
    lines = [f"{len(checks)} files: " + ", ".join(f"{name} {counts[name]}" for name in sorted(counts))]
    lines.append(", ".join(f"{name}: {counts[name]}" for name in FAILURES))
    for check in [c for c in checks if c.outcome in FAILURES][:shown]:
        lines.append(f"  {check.outcome}: {check.path}: {check.detail}")
    slowest = sorted(checks, key=lambda c: -c.seconds)[:5]
    lines.append("slowest: " + ", ".join(f"{Path(c.path).name} {c.seconds:.1f}s" for c in slowest))
    return "\n".join(lines)


def _providers(strategy: str) -> list[str]:
    from banjia.rules.loader import builtin_ids, load_builtin

    return [p for p in builtin_ids() if strategy != "native" or load_builtin(p).native is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, help="folders to take .py files from (default: site-packages)")
    parser.add_argument("--limit", type=int, default=5000, help="files to check; 0 for all (default 5000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--to", action="append",
                        help="provider id (repeatable; default: every provider the strategy serves, in turn)")
    parser.add_argument("--strategy", choices=("compat", "native"), default="compat")
    args = parser.parse_args(argv)
    roots = args.roots or [Path(sysconfig.get_paths()["purelib"])]
    files = select_files(roots, args.limit)
    started = time.perf_counter()
    checks = run(files, args.to or _providers(args.strategy), args.jobs, args.strategy)
    print(summarise(checks))
    print(f"{time.perf_counter() - started:.0f} s with {args.jobs} workers")
    return 1 if any(check.outcome in FAILURES for check in checks) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's banjia, not an installed one
    sys.exit(main())
