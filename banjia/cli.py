"""Command line: argv -> api call -> render -> exit code. The only module that writes output.

Machine output (the report) goes to stdout or --output; people's output (progress,
one-line notices, the closing summary line) goes to stderr, so `banjia audit -f json |
jq` always gets clean JSON.
"""

from __future__ import annotations

import enum
import functools
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from banjia import __version__
from banjia.cli_report import report_app
from banjia.cli_rules import rules_app

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNPROCESSABLE = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

app = typer.Typer(
    name="banjia",
    help=(
        "banjia (搬家, 'moving house') audits Python repositories for their OpenAI API "
        "dependencies and migrates them to Chinese LLM providers.\n\n"
        "Exit codes (audit and migrate): 0 clean; 1 findings present (with --fail-on-findings), call sites "
        "that need a person (with --to and --fail-on), or changes pending (migrate --check); "
        "2 usage or configuration error; 3 some files could not be processed or a result could not be written."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app, name="rules")
app.add_typer(report_app, name="report")


class ReportFormat(str, enum.Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"banjia {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """banjia: move Python code off the OpenAI API."""


# Options shared by every command that walks a repository.
PathsArgument = Annotated[
    Optional[list[Path]],
    typer.Argument(help="Files or directories (default: the current directory).", show_default=False),
]
IncludeOption = Annotated[
    Optional[list[str]],
    typer.Option("--include", help="Only take files matching this gitignore-style glob (repeatable)."),
]
ExcludeOption = Annotated[
    Optional[list[str]],
    typer.Option("--exclude", help="Skip files and folders matching this gitignore-style glob (repeatable)."),
]
NoGitignoreOption = Annotated[bool, typer.Option("--no-gitignore", help="Also take files that .gitignore excludes.")]
MaxFileSizeOption = Annotated[
    int, typer.Option("--max-file-size", min=1, help="Skip (and report) files larger than this many bytes.")
]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 means one per core.")]
NoProgressOption = Annotated[bool, typer.Option("--no-progress", help="Never show a progress bar.")]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Analyse every file afresh; neither read nor write the cache.")
]
CacheDirOption = Annotated[
    Optional[Path],
    typer.Option("--cache-dir", envvar="BANJIA_CACHE_DIR",
                 help="Where results of unchanged files are kept (default: .banjia_cache in the working directory)."),
]
SinceOption = Annotated[
    Optional[str],
    typer.Option(
        "--since", metavar="REF",
        help="Only files changed since this git ref (merge base to working tree, untracked included; "
             "renames count by their new path, deletions are left out).",
    ),
]


class FailOn(str, enum.Enum):
    manual = "manual"
    blocked = "blocked"


def _stops_cleanly_on_interrupt(command):
    """Ctrl-C ends a command with a line saying what was written, and exit 130.

    Without this, click prints "Aborted!" and exits 1, which here means findings.
    """

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt as stop:
            # Imported here: the writer's imports would slow every audit's start-up.
            from banjia.writer import WriteInterrupted

            if not isinstance(stop, WriteInterrupted):
                typer.echo("banjia: interrupted: no file was written", err=True)
                raise typer.Exit(EXIT_INTERRUPTED) from None
            typer.echo(f"banjia: interrupted: {len(stop.written)} of {stop.total} files written, "
                       "the others unchanged", err=True)
            for path in stop.written:
                typer.echo(f"written: {path}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)

    return run


class Strategy(str, enum.Enum):
    compat = "compat"
    native = "native"


STRATEGY_HELP = ("compat: keep the openai SDK, use the provider's OpenAI-compatible endpoint; "
                 "native: move to the provider's own SDK (zhipu, qwen, qianfan, doubao).")


@app.command()
@_stops_cleanly_on_interrupt
def audit(
    paths: PathsArgument = None,
    report_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f",
            help="Report format: table (terminal), json, markdown, sarif (with --to: fixes included), "
                 "github (workflow-command annotations), gitlab (Code Quality report).",
        ),
    ] = ReportFormat.table,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    no_gitignore: NoGitignoreOption = False,
    max_file_size: MaxFileSizeOption = 2_000_000,
    jobs: JobsOption = 0,
    fail_on_findings: Annotated[
        bool, typer.Option("--fail-on-findings", help="Exit 1 when any OpenAI dependency is found (a CI gate).")
    ] = False,
    to: Annotated[
        Optional[str],
        typer.Option("--to", help="Also judge every call site for this provider: auto, auto-with-notes, manual, blocked."),
    ] = None,
    rules: Annotated[
        Optional[list[Path]], typer.Option("--rules", help="With --to: a rule file that adds to or overrides the provider's rules (repeatable).")
    ] = None,
    unsafe: Annotated[bool, typer.Option("--unsafe", help="With --to: judge as if unsafe fixes were applied.")] = False,
    strategy: Annotated[
        Optional[Strategy], typer.Option("--strategy", help=f"With --to: the migration to judge. {STRATEGY_HELP}")
    ] = None,
    fail_on: Annotated[
        Optional[FailOn],
        typer.Option("--fail-on", help="With --to: exit 1 when a call site is manual (or blocked), or blocked."),
    ] = None,
    since: SinceOption = None,
    no_progress: NoProgressOption = False,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
) -> None:
    """Find every OpenAI dependency in a repository, without changing anything.

    Reports SDK imports (v0 and v1), client constructions, module configuration, API
    calls with their models and prompt parameters, OpenAI model names in code and
    config files, OPENAI_* environment variables, dependency pins, wrapper libraries
    (langchain, llama_index, tiktoken) and notebook cells. Each SDK finding is
    `certain` (resolved through imports and assignments) or `likely` (unresolved
    receiver with the SDK's unmistakable call shape).

    Examples:

      banjia audit .

      banjia audit src/ --format sarif --output banjia.sarif

      banjia audit . --format json | jq '.summary'

      banjia audit . --fail-on-findings --exclude 'tests/'

      banjia audit . --to qwen --fail-on blocked  # what moving to Qwen takes, per call site

      banjia audit . --to zhipu --strategy native  # ... onto Zhipu's own SDK

      banjia audit . --since origin/main --format github  # a pull request's files only

    With --to, [tool.banjia] rules and models apply as they do for migrate; the
    [tool.banjia] `to` key does not: an audit is provider-neutral unless asked.
    """
    from banjia.api import audit as run_audit

    roots, options = _walk_options(paths, include, exclude, no_gitignore, max_file_size, jobs,
                                   no_cache, cache_dir)
    if to is None and (rules or unsafe or fail_on is not None or strategy is not None):
        _fail_usage("--rules, --unsafe, --strategy and --fail-on judge call sites for a provider: "
                    "pass --to ID as well")
    ruleset = _target_rules(to, rules, default_from_config=False)
    judged_on = (strategy or Strategy.compat).value
    if ruleset is not None:
        _check_strategy(judged_on, ruleset)
    roots = _changed_only(roots, options, since)
    result = _with_progress(
        lambda progress: run_audit(roots, options, progress, rules=ruleset, unsafe=unsafe, strategy=judged_on),
        not no_progress,
    )
    migration = None
    if ruleset is not None and report_format is ReportFormat.sarif:  # every automatic change becomes a fix
        from banjia.api import migrate as run_migrate

        migration = run_migrate(roots, ruleset, options, unsafe=unsafe, strategy=judged_on)
    _emit(result, report_format.value, output, migration)
    _print_notices(result)
    raise typer.Exit(_exit_code(result, fail_on_findings, fail_on))


class MigrateFormat(str, enum.Enum):
    diff = "diff"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"


@app.command()
@_stops_cleanly_on_interrupt
def migrate(
    paths: PathsArgument = None,
    to: Annotated[
        Optional[str],
        typer.Option("--to", help="Target provider id (see `banjia rules list`); default: [tool.banjia] to."),
    ] = None,
    rules: Annotated[
        Optional[list[Path]], typer.Option("--rules", help="A rule file that adds to or overrides the provider's rules (repeatable).")
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Apply the changes to the files (atomically).")] = False,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", "-i", help="With --write: choose hunk by hunk, on a terminal, what is written."),
    ] = False,
    patch: Annotated[
        Optional[Path], typer.Option("--patch", help="Write the changes as a patch that `git apply` accepts.")
    ] = None,
    patch_dir: Annotated[
        Optional[Path],
        typer.Option("--patch-dir", help="Write one patch per concern into this folder, to `git apply` in order."),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when changes are pending; change nothing.")] = False,
    allow_dirty: Annotated[
        bool, typer.Option("--allow-dirty", help="With --write: also write files git holds no copy of (uncommitted changes).")
    ] = False,
    unsafe: Annotated[bool, typer.Option("--unsafe", help="Also apply fixes marked unsafe in the rule file.")] = False,
    strategy: Annotated[Strategy, typer.Option("--strategy", help=STRATEGY_HELP)] = Strategy.compat,
    report_format: Annotated[
        MigrateFormat,
        typer.Option(
            "--format", "-f",
            help="What goes to stdout: the diff, a json report, markdown, sarif (every change as a fix), "
                 "github (workflow-command annotations) or gitlab (Code Quality report).",
        ),
    ] = MigrateFormat.diff,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    no_gitignore: NoGitignoreOption = False,
    max_file_size: MaxFileSizeOption = 2_000_000,
    jobs: JobsOption = 0,
    since: SinceOption = None,
    no_progress: NoProgressOption = False,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
) -> None:
    """Rewrite OpenAI SDK code for a provider's OpenAI-compatible endpoint, or its own SDK.

    Clients get the provider's key and base URL (from environment variables, with the
    provider's endpoint as default), OpenAI model names are mapped, parameters are
    clamped, renamed, moved into extra_body or added as the provider's rule file says.
    With --strategy native, clients become the provider SDK's (zhipuai.ZhipuAI,
    qianfan.Qianfan, volcenginesdkarkruntime.Ark), keywords the SDK rejects are removed
    or renamed, and exceptions become the SDK's.
    What cannot be done safely is left unchanged and marked with a `# TODO(banjia):`
    comment and a note in the report. Nothing is written without --write.

    Exit codes: 0 done (or, with --check, nothing to change); 1 changes pending (--check);
    2 usage or rule-file error; 3 some files could not be processed.

    Examples:

      banjia migrate . --to qwen                 # review the diff

      banjia migrate . --to deepseek --write     # apply it

      banjia migrate src/ --to zhipu --patch zhipu.patch

      banjia migrate . --to qwen --patch-dir patches/  # one patch per concern, for review

      banjia migrate . --to qwen --check         # CI: fail while code still needs moving

      banjia migrate . --to doubao --strategy native
    """
    from banjia.api import migrate as run_migrate

    roots, options = _walk_options(paths, include, exclude, no_gitignore, max_file_size, jobs,
                                   no_cache, cache_dir)
    if interactive:
        _check_interactive(write, check, patch, patch_dir, report_format)
    ruleset = _target_rules(to, rules, default_from_config=True)
    if ruleset is None:
        _fail_usage("no target provider: pass --to ID (see `banjia rules list`) or set [tool.banjia] to")
    _check_strategy(strategy.value, ruleset)
    roots = _changed_only(roots, options, since)
    result = _with_progress(
        lambda progress: run_migrate(roots, ruleset, options, unsafe=unsafe, strategy=strategy.value,
                                     progress=progress),
        not no_progress,
    )
    if interactive:
        _review_interactively(result, allow_dirty)
    _emit_migration(result, report_format.value)
    from banjia.writer import WriteError, write_migration, write_patch

    try:
        if patch is not None:
            write_patch(result, patch)
        if patch_dir is not None:
            _write_patch_series(result, patch_dir)
        if write and not check:
            write_migration(result, Path.cwd(), allow_dirty=allow_dirty)
    except (WriteError, OSError) as error:
        typer.echo(f"banjia: error: nothing more written: {error}", err=True)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    _print_migration_notices(result, written=write and not check)
    if result.errors:
        raise typer.Exit(EXIT_UNPROCESSABLE)
    raise typer.Exit(EXIT_FINDINGS if check and result.changed_files else EXIT_OK)


def _check_interactive(write: bool, check: bool, patch, patch_dir, report_format) -> None:
    """--interactive decides what --write writes, so it goes with --write alone, and needs a person."""
    if not write:
        _fail_usage("--interactive chooses what --write writes: pass --write as well")
    if check or patch is not None or patch_dir is not None or report_format is not MigrateFormat.diff:
        _fail_usage("--interactive cannot be combined with --check, --patch, --patch-dir or --format")
    if not sys.stdin.isatty():
        _fail_usage("--interactive asks its questions on a terminal, and stdin is not one")


def _review_interactively(result, allow_dirty: bool) -> None:
    """Review, write the chosen hunks, exit: 0 done, 3 a write failed or files could not be processed, 130 Ctrl-C."""
    from rich.console import Console

    from banjia.interactive import review_and_write
    from banjia.writer import WriteError, check_migration

    try:
        check_migration(result, Path.cwd(), allow_dirty=allow_dirty)  # refuse before the review, not after it
        written = review_and_write(result, sys.stdin, Console(stderr=True, highlight=False), Path.cwd(),
                                   allow_dirty=allow_dirty)
    except (WriteError, OSError) as error:
        typer.echo(f"banjia: error: nothing more written: {error}", err=True)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    if written is None:
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_UNPROCESSABLE if result.errors else EXIT_OK)


def _check_strategy(strategy: str, ruleset) -> None:
    """A usage error (exit 2) when `strategy` cannot serve the provider: no file is read before it."""
    from banjia.codemods.strategies import check_strategy

    try:
        check_strategy(strategy, ruleset)
    except ValueError as error:
        _fail_usage(f"--strategy {strategy}: {error}")


def _target_rules(to: str | None, extra: list[Path] | None, *, default_from_config: bool):
    """The effective rules for --to (or [tool.banjia] to, when allowed), or None when there is no target.

    [tool.banjia] rules and models, then each --rules file, override the built-in rules.
    """
    from banjia.project_config import ConfigError, load_project_config
    from banjia.rules.loader import RuleError, resolve_rules

    try:
        config = load_project_config(Path.cwd())
        provider = to or (config.to if default_from_config else None)
        if provider is None:
            return None
        return resolve_rules(provider, [*config.rules, *(extra or [])], config.models)
    except (RuleError, ConfigError) as error:
        _fail_usage(str(error))


def _walk_options(paths, include, exclude, no_gitignore: bool, max_file_size: int, jobs: int,
                  no_cache: bool, cache_dir: Path | None):
    from banjia.api import AuditOptions
    from banjia.cache import DEFAULT_DIRECTORY

    roots = paths or [Path(".")]
    for root in roots:
        if not root.exists():
            _fail_usage(f"{root}: no such file or directory")
    return roots, AuditOptions(
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        max_bytes=max_file_size,
        use_gitignore=not no_gitignore,
        jobs=jobs,
        cache_dir=None if no_cache else cache_dir or Path(DEFAULT_DIRECTORY),
    )


def _write_patch_series(result, directory: Path) -> None:
    from banjia.report.patch_series import write_patch_series

    written = write_patch_series(result, directory)
    names = ", ".join(path.name for path in written) or "none: nothing to change"
    typer.echo(f"patches in {directory}: {names}", err=True)


def _changed_only(roots: list[Path], options, since: str | None) -> list[Path]:
    """With --since, the files under `roots` changed since that ref; otherwise `roots` as given."""
    if since is None:
        return roots
    from banjia.changed_files import GitError, changed_paths, changed_since

    try:
        return changed_paths(roots, options, changed_since(since, Path.cwd()))
    except (GitError, ValueError) as error:
        _fail_usage(f"--since {since}: {error}")


def _emit_migration(result, fmt: str) -> None:
    if fmt in ("sarif", "github", "gitlab"):
        from banjia.report import render_ci_format
        from banjia.report.sarif_migration import render_migration_sarif

        sys.stdout.write(render_ci_format(render_migration_sarif(result, source_root=str(Path.cwd())), fmt))
    elif fmt == "json":
        from banjia.report.migration import render_migration_json

        sys.stdout.write(render_migration_json(result))
    elif fmt == "markdown":
        from banjia.report.migration import render_migration_markdown

        sys.stdout.write(render_migration_markdown(result))
    else:
        from rich.console import Console

        from banjia.report.diff import render_diff, unified_diff

        console = Console(highlight=False, soft_wrap=True)
        if console.is_terminal:
            console.print(render_diff(result))
        else:  # exactly the patch text, never wrapped or cropped
            sys.stdout.write(unified_diff(result))


def _print_migration_notices(result, *, written: bool) -> None:
    """Problems, the per-file summary and a closing line on stderr: a styled table on a terminal, plain lines else."""
    for file_migration in result.errors:
        _warn(file_migration.path, file_migration.error)
    if sys.stderr.isatty():
        from rich.console import Console

        from banjia.report.migration import render_migration_summary

        Console(stderr=True, highlight=False).print(render_migration_summary(result))
    else:
        from banjia.report.migration import migration_summary_text

        sys.stderr.write(migration_summary_text(result))
    changed = len(result.changed_files)
    verb = "changed" if written else "would change"
    typer.echo(
        f"{verb} {changed} file{'s' * (changed != 1)} for {result.provider}"
        + (f", {len(result.errors)} could not be processed" if result.errors else ""),
        err=True,
    )


def _with_progress(run, allowed: bool):
    """A progress bar on an interactive stderr only; plain (silent) when piped or in CI."""
    if not allowed:
        return run(None)
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return run(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:
        task = bar.add_task("audit", total=None)
        return run(lambda done, total: bar.update(task, completed=done, total=total))


def _emit(result, fmt: str, output: Path | None, migration=None) -> None:
    from banjia.report import render

    rendered = render(result, fmt, source_root=str(Path.cwd()), migration=migration)
    if output is not None:
        text = rendered if isinstance(rendered, str) else _plain_text(rendered)
        try:
            _write_atomically(output, text)
        except OSError as error:
            typer.echo(f"banjia: error: cannot write the report to {output}: {error}", err=True)
            raise typer.Exit(EXIT_UNPROCESSABLE) from None
        return
    if isinstance(rendered, str):
        sys.stdout.write(rendered)
        sys.stdout.flush()
    else:
        from rich.console import Console

        Console().print(rendered)


def _plain_text(renderable) -> str:
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=120, color_system=None).print(renderable)
    return buffer.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    """A reader never sees half a report (see banjia.atomic)."""
    from banjia.atomic import write_file_atomically

    write_file_atomically(path, text.encode("utf-8"))


def _print_notices(result) -> None:
    """One line per file that could not be processed, then one summary line, on stderr (colour on a terminal only)."""
    for file_result in result.errors:
        _warn(file_result.path, file_result.error)
    findings = [f for f in result.findings if f.kind.value != "unprocessable"]
    files = len({f.path for f in findings})
    typer.echo(
        f"{len(findings)} finding{'s' * (len(findings) != 1)} in {files} file{'s' * (files != 1)}; "
        f"{result.files_scanned} files scanned, {result.files_parsed} analysed"
        + (f", {len(result.errors)} could not be processed" if result.errors else ""),
        err=True,
    )


def _warn(path: str, reason: str) -> None:
    """`warning: PATH: reason` on stderr, for a file that could not be processed (colour on a terminal only)."""
    typer.echo(f"{typer.style('warning', fg='yellow')}: {path}: {reason}", err=True)


def _exit_code(result, fail_on_findings: bool, fail_on: FailOn | None = None) -> int:
    from banjia.model import Verdict

    if result.errors:
        return EXIT_UNPROCESSABLE
    if fail_on_findings and any(f.kind.value != "unprocessable" for f in result.findings):
        return EXIT_FINDINGS
    if fail_on is not None:
        threshold = Verdict(fail_on.value).rank
        if any(Verdict(f.data["verdict"]).rank >= threshold for f in result.findings if "verdict" in f.data):
            return EXIT_FINDINGS
    return EXIT_OK


def _fail_usage(message: str) -> None:
    typer.echo(f"banjia: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def main() -> None:
    """The console script. An unexpected error exits 3, never 1: CI must not read a crash as findings."""
    try:
        app()
    except Exception:  # not SystemExit (the exit codes) nor KeyboardInterrupt: those are no Exception
        import traceback

        traceback.print_exc()
        sys.stderr.write("banjia: internal error: the run did not complete; please report this with the traceback\n")
        sys.exit(EXIT_UNPROCESSABLE)
