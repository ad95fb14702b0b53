"""Many audits, one dashboard: merge JSON audit reports into an organisation-wide summary.

A CI matrix audits each repository (`banjia audit . -f json -o <repo>.json`) and a
last job merges the reports. Each report is one repository, named after its file
(`acme-api.json` -> `acme-api`). The merged summary keeps each repository's headline
counts and adds them up: findings, files, unprocessable files, verdicts (for reports
made with `--to`), and the count tables (kinds, APIs, models, parameters, variables,
dependencies), so "which repositories still call gpt-4" is one lookup.

A report that cannot be read, or is not a banjia audit report, is listed in
`unreadable` and left out of the totals; the merge goes on with the others.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from banjia import __version__
from banjia.report.canonical_json import canonical_json
from banjia.report.labels import plural
from banjia.report.markdown import code_span, escape_text

SCHEMA_VERSION = 1
KIND = "banjia-merged-audit"

# The count tables of an audit summary that add up across repositories.
COUNT_TABLES = ("by_kind", "calls_by_api", "models", "parameters", "env_vars", "dependencies", "verdicts")
_HEADLINE = ("files_scanned", "files_parsed", "files_with_findings", "findings")


@dataclass(frozen=True)
class Repository:
    name: str
    summary: dict[str, Any]  # the audit report's `summary`, as written

    def headline(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **{key: self.summary[key] for key in _HEADLINE},
            "unprocessable": len(self.summary["unprocessable"]),
            "target": self.summary.get("target"),
            "strategy": self.summary.get("strategy"),
            "verdicts": dict(self.summary.get("verdicts") or {}),
        }


@dataclass(frozen=True)
class MergedReport:
    repositories: tuple[Repository, ...]  # by name
    unreadable: tuple[tuple[str, str], ...]  # (report path, why), by path

    def to_dict(self) -> dict[str, Any]:
        totals: dict[str, Any] = {
            "repositories": len(self.repositories),
            "repositories_with_findings": sum(1 for r in self.repositories if r.summary["findings"]),
            **{key: sum(r.summary[key] for r in self.repositories) for key in _HEADLINE},
            "unprocessable": sum(len(r.summary["unprocessable"]) for r in self.repositories),
        }
        for table in COUNT_TABLES:
            counts: Counter[str] = Counter()
            for repository in self.repositories:
                counts.update(repository.summary.get(table) or {})
            totals[table] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "tool": {"name": "banjia", "version": __version__},
            "totals": totals,
            "repositories": [r.headline() for r in self.repositories],
            "unreadable": [{"report": path, "error": why} for path, why in self.unreadable],
        }


def merge_reports(paths: list[Path]) -> MergedReport:
    repositories: dict[str, Repository] = {}
    unreadable = []
    for path in paths:
        try:
            summary = _audit_summary(path)
        except (OSError, ValueError) as error:
            unreadable.append((str(path), str(error)))
            continue
        name = path.name.removesuffix(".json")
        if name in repositories:
            unreadable.append((str(path), f"a second report for repository {name!r}"))
            continue
        repositories[name] = Repository(name, summary)
    return MergedReport(
        tuple(repositories[name] for name in sorted(repositories)),
        tuple(sorted(unreadable)),
    )


def _audit_summary(path: Path) -> dict[str, Any]:
    """The report's summary, after checking it is an audit report this version reads."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("tool", {}).get("name") != "banjia":
        raise ValueError("not a banjia report")
    if document.get("schema_version") != 1 or "provider" in document or "roots" not in document:
        raise ValueError("not a banjia audit report with schema_version 1 (make it with `banjia audit -f json`)")
    summary = document.get("summary")
    if not isinstance(summary, dict) or any(not isinstance(summary.get(key), int) for key in _HEADLINE):
        raise ValueError("its summary is incomplete")
    if not isinstance(summary.get("unprocessable"), list):
        raise ValueError("its summary is incomplete")
    return summary


def render_merged_json(report: MergedReport) -> str:
    return canonical_json(report.to_dict())


def render_merged_markdown(report: MergedReport, *, top: int = 10) -> str:
    """A dashboard: totals, one row per repository (most findings first), the top count tables."""
    document = report.to_dict()
    totals = document["totals"]
    lines = [
        "## banjia: OpenAI usage across repositories",
        "",
        f"**{plural(totals['findings'], 'finding')} in {totals['repositories_with_findings']} "
        f"of {_repositories(totals['repositories'])}.**",
        "",
        "| Repository | Findings | Files with findings | Files scanned | Not analysable | Verdicts |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    ranked = sorted(document["repositories"], key=lambda r: (-r["findings"], r["name"]))
    for repository in ranked:
        verdicts = ", ".join(f"{count} {name}" for name, count in repository["verdicts"].items() if count)
        lines.append(
            f"| {code_span(repository['name'], in_table=True)} | {repository['findings']} | "
            f"{repository['files_with_findings']} | {repository['files_scanned']} | "
            f"{repository['unprocessable']} | {verdicts} |"
        )
    for table, title in (("models", "Models"), ("calls_by_api", "APIs called"), ("dependencies", "Dependencies")):
        if totals[table]:
            lines += ["", f"### {title}", "", "| | Count |", "| --- | ---: |"]
            lines += [f"| {code_span(name, in_table=True)} | {count} |" for name, count in list(totals[table].items())[:top]]
    if document["unreadable"]:
        lines += ["", "### Reports that could not be read", ""]
        lines += [f"- {code_span(item['report'])}: {escape_text(item['error'], one_line=True)}" for item in document["unreadable"]]
    return "\n".join(lines) + "\n"


def _repositories(count: int) -> str:
    return f"{count} repositor{'y' if count == 1 else 'ies'}"
