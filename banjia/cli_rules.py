"""`banjia rules ...`: inspect and validate the provider rule files.

Listing and showing are for people deciding where to migrate and for reviewing what a
migration will do; `check` is for people writing rule or override files. Tables are
drawn with rich on a terminal and written as plain aligned text when piped; `--format
json` is for scripts. Errors go to stderr, one line each.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

if TYPE_CHECKING:
    from banjia.rules.model import NativeSdk, ParameterRule, RuleSet

# Rule loading and rich are imported by the commands that use them: `banjia --help` and
# `banjia audit` import this module too, and need neither.

# The exit codes of banjia.cli: 0 success, 2 usage or configuration error.
EXIT_OK = 0
EXIT_INVALID = 2

rules_app = typer.Typer(
    name="rules",
    help=(
        "Inspect and validate provider rule files: the model map, parameter rules and "
        "unsupported APIs that `banjia migrate --to PROVIDER` applies."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, enum.Enum):
    table = "table"
    json = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table (rich on a terminal, plain text when piped) or json.")
]


@rules_app.command("list")
def list_rules(output_format: FormatOption = OutputFormat.table) -> None:
    """List the built-in providers.

    One row per provider: id, name, base URL, API key variable, and how many model
    mappings, parameter rules and unsupported APIs its rule file has.

    Examples:

      banjia rules list

      banjia rules list --format json | jq -r '.[].id'
    """
    from banjia.rules.loader import RuleError, builtin_ids, load_builtin

    rulesets: list[RuleSet] = []
    failures: list[str] = []
    for provider in builtin_ids():
        try:
            rulesets.append(load_builtin(provider))
        except RuleError as error:
            failures.extend(error.errors)
    if output_format is OutputFormat.json:
        _print_json([_summary(ruleset) for ruleset in rulesets])
    else:
        rows = [
            [r.id, r.name, r.endpoint.base_url, r.endpoint.api_key_env,
             str(len(r.models)), str(len(r.parameters)), str(len(r.unsupported))]
            for r in rulesets
        ]
        headers = ["id", "name", "base URL", "key variable", "models", "parameters", "unsupported"]
        _print_tables([_Table("", headers, rows)])
    if failures:
        _fail(failures)


@rules_app.command("show")
def show(
    provider: Annotated[str, typer.Argument(metavar="ID", help="A provider id, as listed by `banjia rules list`.", show_default=False)],
    rules: Annotated[
        Optional[list[Path]],
        typer.Option("--rules", metavar="FILE", help="An override file laid over the built-in rules (repeatable, applied in order)."),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Show the rules a migration to a provider would use.

    The endpoint, the model map (OpenAI pattern -> provider model, or "no
    equivalent"), the parameter rules with their safety, the APIs the provider does
    not serve, and its notes. Override files given with --rules are laid over the
    built-in rules in order, as `banjia migrate --rules FILE` does.

    Examples:

      banjia rules show qwen

      banjia rules show deepseek --rules our-models.toml

      banjia rules show zhipu --format json | jq '.parameters'
    """
    from banjia.rules.loader import RuleError, resolve_rules, ruleset_as_dict

    try:
        ruleset = resolve_rules(provider, rules or ())
    except RuleError as error:
        _fail(error.errors)
    if output_format is OutputFormat.json:
        _print_json(ruleset_as_dict(ruleset))
    else:
        _print_tables(_ruleset_tables(ruleset, rules or ()))


@rules_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Rule files to validate.", show_default=False)],
    override: Annotated[
        bool,
        typer.Option("--override", help="Validate as --rules override files: only `id` is required."),
    ] = False,
) -> None:
    """Validate rule files; exit 2 if any has a problem.

    Prints `FILE: ok`, or every problem of the file on its own line as
    `FILE: KEY.PATH: reason`.

    A complete rule file needs every section and an `id` equal to its file name
    stem; with --override, files are checked as partial overrides for --rules.

    Examples:

      banjia rules check banjia/rules/*.toml

      banjia rules check --override our-models.toml
    """
    from banjia.rules.loader import RuleError, load_override_file, load_rule_file

    load = load_override_file if override else load_rule_file
    all_ok = True
    for path in files:
        try:
            load(path)
        except RuleError as error:
            all_ok = False
            for line in error.errors:
                typer.echo(line)
        else:
            typer.echo(f"{path}: ok")
    raise typer.Exit(EXIT_OK if all_ok else EXIT_INVALID)


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class _Table:
    title: str
    headers: list[str] | None  # None: a list of values without a header row
    rows: list[list[str]]


def _summary(ruleset: RuleSet) -> dict[str, object]:
    return {
        "id": ruleset.id,
        "name": ruleset.name,
        "base_url": ruleset.endpoint.base_url,
        "api_key_env": ruleset.endpoint.api_key_env,
        "models": len(ruleset.models),
        "parameters": len(ruleset.parameters),
        "unsupported": len(ruleset.unsupported),
    }


def _native_rows(native: NativeSdk) -> list[list[str]]:
    rows = [
        ["package", native.requirement],
        ["client", native.client],
        ["async client", native.async_client or "none"],
        ["key variable", native.api_key_env],
        ["base URL", native.base_url],
        ["base URL variable", native.base_url_env],
    ]
    return rows + ([["source", native.source]] if native.source else [])


def _ruleset_tables(ruleset: RuleSet, overrides: Sequence[Path]) -> list[_Table]:
    endpoint = ruleset.endpoint
    endpoint_rows = [
        ["client", endpoint.client],
        ["base URL", endpoint.base_url],
        ["key variable", endpoint.api_key_env],
        ["base URL variable", endpoint.base_url_env],
        *[[f"region {region}", url] for region, url in endpoint.regions.items()],
    ]
    if endpoint.source:
        endpoint_rows.append(["source", endpoint.source])
    embedding = ruleset.default_embedding_model or "none (no embeddings)"
    tables = [
        _Table(f"{ruleset.id}: {ruleset.name} ({' + '.join(map(str, (ruleset.path, *overrides)))})", None, []),
        _Table("endpoint", None, endpoint_rows),
        *([_Table("native SDK (--strategy native)", None, _native_rows(ruleset.native))] if ruleset.native else []),
        _Table(
            f"model map (default chat model: {ruleset.default_chat_model}; default embedding model: {embedding})",
            ["OpenAI pattern", "target", "note"],
            [[pattern, t.target or "no equivalent", t.note] for pattern, t in ruleset.models],
        ),
    ]
    if ruleset.parameters:
        tables.append(_Table(
            "parameter rules",
            ["api", "name", "action", "details", "safety", "note"],
            [[r.api, r.name, r.action.value, _details(r), r.safety.value, r.note] for r in ruleset.parameters],
        ))
    if ruleset.unsupported:
        tables.append(_Table("unsupported APIs", ["api", "message"], [[u.api, u.message] for u in ruleset.unsupported]))
    if ruleset.notes:
        tables.append(_Table("notes", None, [[f"- {note}"] for note in ruleset.notes]))
    return tables


def _details(rule: ParameterRule) -> str:
    from banjia.rules.model import Action

    if rule.action is Action.CLAMP:
        if rule.minimum is not None and rule.maximum is not None:
            return f"{rule.minimum} .. {rule.maximum}"
        return f">= {rule.minimum}" if rule.minimum is not None else f"<= {rule.maximum}"
    if rule.action is Action.RENAME:
        return f"-> {rule.to}"
    if rule.action is Action.ADD:
        return f"= {rule.value!r}"
    if rule.action is Action.EXTRA_BODY:
        return "sent in extra_body"
    return ""


def _print_tables(tables: list[_Table]) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if console.is_terminal:
        for table in tables:
            console.print(_rich_table(table))
    else:
        typer.echo("\n\n".join(_plain_table(table) for table in tables))


def _rich_table(table: _Table):
    """Only the last column wraps: it holds the free text (notes, messages, URLs)."""
    from rich.markup import escape
    from rich.table import Table

    if not table.rows:
        return f"[bold]{escape(table.title)}[/]"
    rich_table = Table(title=escape(table.title) or None, title_justify="left", show_header=table.headers is not None)
    count = len(table.rows[0])
    for index, header in enumerate(table.headers or [""] * count):
        rich_table.add_column(header, no_wrap=index < count - 1)
    for row in table.rows:
        rich_table.add_row(*(escape(cell) for cell in row))
    return rich_table


def _plain_table(table: _Table) -> str:
    """Columns aligned by display width (CJK names take two cells); no trailing spaces."""
    from rich.cells import cell_len

    rows = ([table.headers] if table.headers else []) + table.rows
    lines = [table.title] if table.title else []
    if rows:
        widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = [cell + " " * (widths[i] - cell_len(cell)) for i, cell in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _fail(errors: list[str]) -> NoReturn:
    """Each error on its own stderr line, then exit 2."""
    for line in errors:
        typer.echo(f"banjia: error: {line}", err=True)
    raise typer.Exit(EXIT_INVALID)
