"""banjia report merge: one summary from many repositories' JSON audits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.cli import app

OPENAI_APP = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"


def audit_report(runner: CliRunner, repo: Path, target: Path, *extra: str) -> int:
    return runner.invoke(app, ["audit", str(repo), "-f", "json", "-o", str(target), *extra]).exit_code


@pytest.fixture
def reports(tmp_path: Path, monkeypatch) -> Path:
    """Three repositories audited one by one, as a CI matrix would: two use OpenAI, one is clean."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    out = tmp_path / "reports"
    for name, files in {
        "billing": {"app.py": OPENAI_APP, "requirements.txt": "openai==0.28\n"},
        "search": {"a.py": OPENAI_APP, "b.py": OPENAI_APP.replace("gpt-4o", "gpt-4o-mini")},
        "website": {"main.py": "print('no llm here')\n"},
    }.items():
        repo = tmp_path / "repos" / name
        repo.mkdir(parents=True)
        for file, text in files.items():
            (repo / file).write_text(text, encoding="utf-8")
        assert audit_report(runner, repo, out / f"{name}.json", "--to", "qwen") == 0
    return out


def test_merged_json_has_each_repository_and_the_totals(reports: Path) -> None:
    result = CliRunner().invoke(app, ["report", "merge", *map(str, sorted(reports.iterdir())), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    merged = json.loads(result.stdout)
    assert merged["kind"] == "banjia-merged-audit" and merged["schema_version"] == 1
    by_name = {r["name"]: r for r in merged["repositories"]}
    assert list(by_name) == ["billing", "search", "website"]
    singles = {p.stem: json.loads(p.read_text(encoding="utf-8"))["summary"] for p in reports.iterdir()}
    for name, summary in singles.items():
        assert by_name[name]["findings"] == summary["findings"]
        assert by_name[name]["verdicts"] == summary["verdicts"]
        assert (by_name[name]["target"], by_name[name]["strategy"]) == ("qwen", "compat")
    totals = merged["totals"]
    assert totals["repositories"] == 3 and totals["repositories_with_findings"] == 2
    assert totals["findings"] == sum(s["findings"] for s in singles.values())
    assert totals["models"] == {"gpt-4o": 2, "gpt-4o-mini": 1}
    assert totals["verdicts"]["auto"] + totals["verdicts"]["auto-with-notes"] >= 3
    assert merged["unreadable"] == []


def test_markdown_dashboard_ranks_repositories_by_findings(reports: Path) -> None:
    result = CliRunner().invoke(app, ["report", "merge", *map(str, sorted(reports.iterdir()))])
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("## banjia: OpenAI usage across repositories\n")
    assert "in 2 of 3 repositories.**" in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows[:3]] == ["search", "billing", "website"]
    assert "### Models" in text and "| `gpt-4o` | 2 |" in text
    assert "merged 3 of 3 reports" in result.stderr


def test_unreadable_reports_are_listed_and_exit_3(reports: Path, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    migration = tmp_path / "migration.json"
    migration.write_text(json.dumps({"schema_version": 1, "tool": {"name": "banjia"}, "provider": "qwen", "summary": {}}),
                         encoding="utf-8")
    paths = [*map(str, sorted(reports.iterdir())), str(tmp_path / "broken.json"), str(migration)]
    result = CliRunner().invoke(app, ["report", "merge", *paths, "-f", "json", "-o", str(tmp_path / "org.json")])
    assert result.exit_code == 3
    merged = json.loads((tmp_path / "org.json").read_text(encoding="utf-8"))
    assert merged["totals"]["repositories"] == 3
    assert [u["report"] for u in merged["unreadable"]] == [str(tmp_path / "broken.json"), str(migration)]
    assert "not JSON" in merged["unreadable"][0]["error"] and "audit report" in merged["unreadable"][1]["error"]
    assert "merged 3 of 5 reports, 2 could not be read" in result.stderr


def test_gate_and_usage_errors(reports: Path) -> None:
    runner = CliRunner()
    paths = list(map(str, sorted(reports.iterdir())))
    assert runner.invoke(app, ["report", "merge", *paths, "--fail-on-findings"]).exit_code == 1
    assert runner.invoke(app, ["report", "merge", str(reports / "website.json"), "--fail-on-findings"]).exit_code == 0
    assert runner.invoke(app, ["report", "merge", str(reports / "missing.json")]).exit_code == 2
    assert runner.invoke(app, ["report", "merge"]).exit_code == 2


def test_two_reports_for_one_repository_keep_the_first(reports: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    again.mkdir()
    (again / "search.json").write_bytes((reports / "website.json").read_bytes())
    result = CliRunner().invoke(app, ["report", "merge", str(reports / "search.json"), str(again / "search.json"), "-f", "json"])
    assert result.exit_code == 3
    merged = json.loads(result.stdout)
    assert merged["repositories"][0]["findings"] > 0
    assert "a second report for repository 'search'" in merged["unreadable"][0]["error"]
