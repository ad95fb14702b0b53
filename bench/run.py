"""Benchmark banjia against its peers on two trees of real code, in one run.

    python bench/run.py [--files 10000] [--repeat 3] [--codemod-repeat 1] [--work /tmp/banjia-bench] [--tools DIR]

Trees (built once in --work, reused on later runs):
  large        --files Python files from this interpreter's site-packages, 1% of them
               ones that may use OpenAI (as banjia's prefilter sees them), the rest not;
  openai-code  the sources of openai-agents, langchain-openai, llama-index-llms-openai
               and instructor, downloaded from PyPI with `pip download --no-deps`.

Timed on each tree, every command in a fresh process, `--repeat` times (medians shown;
the libcst codemod runner, some hundred times slower than the rest, `--codemod-repeat`):
banjia audit cold (empty cache) and warm (nothing changed), banjia migrate --to qwen
(the diff only, no cache), libcst's codemod runner with a codemod that does nothing,
semgrep and ast-grep with an equivalent detect-openai rule, and a raw byte scan
(walk, read every file, look for "openai") as the floor. semgrep and ast-grep are
found on PATH or in --tools (`pip install --target DIR semgrep ast-grep-cli`); when
missing they are reported as skipped. Peak memory is the largest sum, sampled every
20 ms, of the proportional set sizes of the process and its children (pages shared by
forked workers counted once; Linux, where other systems give no PSS the resident set
sizes are summed).

Compare ratios within one run: absolute times depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OPENAI_PACKAGES = ("openai-agents", "langchain-openai", "llama-index-llms-openai", "instructor")
OPENAI_SHARE = 0.01
# banjia never enters these, so the large tree leaves them out for every tool alike.
SKIPPED_PARTS = frozenset({"build", "dist", "site-packages", "node_modules", "__pycache__", "venv", ".venv"})


@dataclass
class Timing:
    name: str
    seconds: list[float]
    peak_mb: float
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


# ---------------------------------------------------------------- trees
def build_large_tree(target: Path, files: int) -> None:
    if target.exists():
        return
    sys.path.insert(0, str(REPO))
    from banjia.api import may_hold_findings

    source = Path(sysconfig.get_paths()["purelib"])
    matching, plain = [], []
    for path in sorted(source.rglob("*.py")):
        relpath = path.relative_to(source)
        if SKIPPED_PARTS.intersection(relpath.parts[:-1]) or not path.is_file():
            continue
        (matching if may_hold_findings(path.read_bytes(), relpath.as_posix()) else plain).append(relpath)
    chooser = random.Random(7)
    wanted_matching = min(len(matching), max(1, round(files * OPENAI_SHARE)))
    chosen = chooser.sample(matching, wanted_matching) + chooser.sample(plain, min(len(plain), files - wanted_matching))
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    for relpath in chosen:
        (staging / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relpath, staging / relpath)
    staging.rename(target)


def build_openai_tree(target: Path, downloads: Path) -> None:
    if target.exists():
        return
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                    "-d", str(downloads), *OPENAI_PACKAGES], check=True)
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    for wheel in sorted(downloads.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.endswith(".py") and ".dist-info/" not in member:
                    archive.extract(member, staging)
    staging.rename(target)


def tree_size(tree: Path) -> tuple[int, int]:
    sizes = [p.stat().st_size for p in tree.rglob("*.py")]
    return len(sizes), sum(sizes)


# ---------------------------------------------------------------- running
def measure(command: list[str], *, cwd: Path, env: dict[str, str], before=None, repeat: int) -> tuple[list[float], float]:
    seconds, peak = [], 0.0
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sampler = _PeakMemory(process.pid)
        sampler.start()
        _, stderr = process.communicate()
        seconds.append(time.perf_counter() - started)
        sampler.stop()
        peak = max(peak, sampler.peak_mb)
        if process.returncode not in (0, 1):  # 1: findings or changes, as designed
            raise RuntimeError(f"{command[0]} failed ({process.returncode}): {stderr.decode()[-2000:]}")
    return seconds, peak


class _PeakMemory(threading.Thread):
    """The largest memory of a process and its descendants together, from /proc.

    Summed as PSS (proportional set size: a page shared by forked workers counts once,
    split between them), where the kernel gives it; summing RSS would count every page a
    worker inherits from its parent again for each worker. Elsewhere, the RSS sum.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            self.peak_mb = max(self.peak_mb, _tree_memory_mb(self.pid))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree_memory_mb(root: int) -> float:
    try:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as handle:
                        fields = handle.read().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21])
    except OSError:
        return 0.0
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(_pss_bytes(pid, rss.get(pid, 0) * os.sysconf("SC_PAGE_SIZE")) for pid in tree) / 1e6


def _pss_bytes(pid: int, rss_bytes: int) -> int:
    """The process's PSS, or its RSS where /proc/PID/smaps_rollup cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss_bytes


def raw_scan(tree: Path) -> int:
    """The floor: walk, read every Python file, find a word. No tool can do less."""
    hits = 0
    for folder, _, names in os.walk(tree):
        for name in names:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    hits += b"openai" in handle.read()
    return hits


def find_tool(names: tuple[str, ...], tools: Path | None) -> str | None:
    path = os.pathsep.join(filter(None, [str(tools / "bin") if tools else "", os.environ.get("PATH", "")]))
    return next((found for name in names if (found := shutil.which(name, path=path))), None)


def bench_tree(tree: Path, args, env: dict[str, str]) -> list[Timing]:
    python = sys.executable
    cache = args.work / "cache"
    banjia = [python, "-m", "banjia"]
    quiet = ["--no-progress"]
    clear_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    timings = []

    # Not the tree: `python -m` puts the working directory first on sys.path, and the
    # large tree holds partial copies of installed packages.
    outside = args.work / "run"
    outside.mkdir(exist_ok=True)

    def run(name, command, before=None, extra_env=None, repeat=args.repeat):
        seconds, peak = measure(command, cwd=outside, env={**env, **(extra_env or {})}, before=before,
                                repeat=repeat)
        timings.append(Timing(name, seconds, peak))

    run("banjia audit (cold)", [*banjia, "audit", str(tree), "-f", "json", "--cache-dir", str(cache), *quiet], clear_cache)
    run("banjia audit (warm)", [*banjia, "audit", str(tree), "-f", "json", "--cache-dir", str(cache), *quiet])
    run("banjia audit (no cache)", [*banjia, "audit", str(tree), "-f", "json", "--no-cache", *quiet])
    run("banjia migrate --to qwen", [*banjia, "migrate", str(tree), "--to", "qwen", "--no-cache", *quiet])
    run("libcst codemod (no-op)",
        [python, "-m", "libcst.tool", "codemod", "-x", "noop_codemod.NoOpCommand", "--no-format",
         "--hide-progress", "-u", "0", str(tree)],
        extra_env={"PYTHONPATH": os.pathsep.join([str(BENCH), env.get("PYTHONPATH", "")])},
        repeat=min(args.repeat, args.codemod_repeat))
    semgrep = find_tool(("semgrep",), args.tools)
    if semgrep:
        (tree / ".semgrepignore").write_text("")  # semgrep's default ignores skip test folders
        run("semgrep", [semgrep, "scan", "--config", str(BENCH / "detect-openai.semgrep.yml"), "--metrics", "off",
                        "--json", "--quiet", "--disable-version-check", "--project-root", str(tree), str(tree)],
            extra_env={"PYTHONPATH": str(args.tools) if args.tools else "",
                       "PATH": os.pathsep.join([str(Path(semgrep).parent), env.get("PATH", "")])})
    else:
        timings.append(Timing("semgrep", [], 0, "not installed (pip install semgrep)"))
    ast_grep = find_tool(("ast-grep",), args.tools)  # not `sg`: on Linux that is shadow-utils' run-as-group command
    if ast_grep:
        run("ast-grep", [ast_grep, "scan", "--rule", str(BENCH / "detect-openai.ast-grep.yml"), "--json", str(tree)])
    else:
        timings.append(Timing("ast-grep", [], 0, "not installed (pip install ast-grep-cli)"))
    run("raw byte scan (floor)", [python, str(Path(__file__).resolve()), "--raw-scan", str(tree)])
    return timings


def report(tree: Path, timings: list[Timing]) -> None:
    files, size = tree_size(tree)
    by_name = {t.name: t for t in timings}
    cold = by_name["banjia audit (no cache)"].median
    print(f"\n{tree.name}: {files:,} Python files, {size / 1e6:.1f} MB")
    print(f"{'command':<26}{'median s':>10}{'files/s':>10}{'MB/s':>8}{'peak MB':>9}{'vs audit':>10}")
    for t in timings:
        if t.skipped:
            print(f"{t.name:<26}  skipped: {t.skipped}")
            continue
        print(f"{t.name:<26}{t.median:>10.2f}{files / t.median:>10,.0f}{size / 1e6 / t.median:>8.1f}"
              f"{t.peak_mb:>9.0f}{t.median / cold:>9.2f}x")
    print("targets:")
    checks = [
        ("semgrep / audit cold >= 1 (aim 5)", "semgrep", lambda t: t.median / cold),
        ("ast-grep / audit cold >= 1 (aim 5)", "ast-grep", lambda t: t.median / cold),
        ("audit warm / raw scan <= 2", "banjia audit (warm)",
         lambda t: t.median / by_name["raw byte scan (floor)"].median),
        ("migrate / audit <= 1.5", "banjia migrate --to qwen", lambda t: t.median / cold),
        ("libcst codemod / audit cold >= 5", "libcst codemod (no-op)", lambda t: t.median / cold),
        ("peak MB of audit cold", "banjia audit (no cache)", lambda t: t.peak_mb),
    ]
    for label, name, value in checks:
        timing = by_name[name]
        print(f"  {label:<38} {'skipped' if timing.skipped else f'{value(timing):.2f}'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="files in the large tree")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the median is shown)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/banjia-bench"), help="where the trees are built")
    parser.add_argument("--codemod-repeat", type=int, default=1,
                        help="runs of the libcst codemod runner, minutes per run on the large tree (default 1)")
    parser.add_argument("--tools", type=Path, help="a `pip install --target` folder holding semgrep and ast-grep")
    parser.add_argument("--raw-scan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_scan:
        raw_scan(args.raw_scan)
        return
    args.work = args.work.resolve()
    args.tools = args.tools.resolve() if args.tools else None
    large, openai_code = args.work / f"large-{args.files}", args.work / "openai-code"
    build_large_tree(large, args.files)
    build_openai_tree(openai_code, args.work / "downloads")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    print(f"banjia bench: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.repeat} runs each")
    for tree in (large, openai_code):
        report(tree, bench_tree(tree, args, env))


if __name__ == "__main__":
    main()
