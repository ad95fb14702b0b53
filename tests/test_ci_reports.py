"""SARIF with fixes for migrate and `audit --to`, GitHub annotations, GitLab Code Quality, exit codes."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_report_sarif import validate
from typer.testing import CliRunner

from banjia import cli
from banjia.cli import app
from banjia.model import Change, FileMigration, MigrationResult, Note, Severity, Span
from banjia.report.annotations import annotations_from_sarif
from banjia.report.github import render_github
from banjia.report.gitlab import render_gitlab
from banjia.report.sarif_migration import render_migration_sarif

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-desk"
_LINE_END = re.compile(r"\r\n|\r|\n")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def example(tmp_path: Path, monkeypatch) -> Path:
    target = tmp_path / "support-desk"
    shutil.copytree(EXAMPLE, target)
    monkeypatch.chdir(target)
    return target


def offset_of(text: str, line: int, column: int) -> int:
    """A SARIF (line, column) as an offset, counting lines the way SARIF does."""
    starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
    return starts[line - 1] + column - 1


def apply_fixes(text: str, fixes: list[dict], *, by: str) -> str:
    """Apply SARIF replacements, located by `charOffset` or by line and column."""
    replacements = []
    for fix in fixes:
        for artifact_change in fix["artifactChanges"]:
            for replacement in artifact_change["replacements"]:
                region = replacement["deletedRegion"]
                if by == "offset":
                    start, end = region["charOffset"], region["charOffset"] + region["charLength"]
                else:
                    start = offset_of(text, region["startLine"], region["startColumn"])
                    end = offset_of(text, region["endLine"], region["endColumn"])
                replacements.append((start, end, replacement["insertedContent"]["text"]))
    for start, end, inserted in sorted(replacements, reverse=True):
        text = text[:start] + inserted + text[end:]
    return text


def fixes_by_path(document: dict) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for result in document["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            [artifact_change] = fix["artifactChanges"]
            grouped.setdefault(unquote(artifact_change["artifactLocation"]["uri"]), []).append(fix)
    return grouped


def originals(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes().decode("utf-8-sig")
        for path in root.rglob("*") if path.is_file()
    }


def sample_migration() -> MigrationResult:
    before = "from openai import OpenAI\r\nc = OpenAI()\r\nx = 1\r\nm = 'gpt-4o'\r\n"
    after = "from openai import OpenAI\r\nc = OpenAI(base_url=U)\r\nx = 1\r\nm = 'qwen-max'\r\n"
    return MigrationResult("qwen", "compat", (
        FileMigration(
            "src/模块.py", before, after,
            changes=(Change("src/模块.py", Span(2, 5, 2, 13), "client", "client pointed at qwen"),
                     Change("src/模块.py", Span(4, 5, 4, 13), "model", "model 'gpt-4o' -> 'qwen-max'")),
            notes=(Note("src/模块.py", Span(4, 1, 4, 4), Severity.BLOCKED, "no image API", "qwen:unsupported:images"),),
        ),
        FileMigration("broken.py", "", "", error="does not parse"),
        FileMigration("nb.ipynb", "{}\n", "{}\n", notes=(Note("nb.ipynb", Span(1, 1, 1, 2, cell=3), Severity.INFO, "see"),)),
    ))


# ---------------------------------------------------------------- migrate --format sarif
def test_migration_sarif_is_valid_and_every_fix_rebuilds_the_file(tmp_path: Path) -> None:
    result = sample_migration()
    document = json.loads(render_migration_sarif(result, source_root=str(tmp_path)))
    validate(document)
    run = document["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert run["properties"] == {"target": result.provider, "strategy": result.strategy}
    [fixes] = fixes_by_path(document).values()
    file = result.files[0]
    assert apply_fixes(file.before, fixes, by="offset") == file.after
    assert apply_fixes(file.before, fixes, by="line") == file.after
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert levels == {
        ("banjia/migrate/clients-and-endpoints", "warning"), ("banjia/migrate/models", "warning"),
        ("banjia/note/blocked", "error"), ("banjia/note/info", "note"), ("banjia/unprocessable", "error"),
    }
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    fingerprints = [r["partialFingerprints"]["banjia/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_migration_sarif_fixes_are_described_by_their_changes() -> None:
    document = json.loads(render_migration_sarif(sample_migration()))
    descriptions = [fix["description"]["text"] for fixes in fixes_by_path(document).values() for fix in fixes]
    assert descriptions == ["client pointed at qwen", "model 'gpt-4o' -> 'qwen-max'"]
    root = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]
    assert "description" in root  # no root given: described, not guessed


def valid_sarif(runner: CliRunner, command: list[str]) -> dict:
    result = runner.invoke(app, [*command, "--format", "sarif"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    validate(document)
    return document


def test_migrate_sarif_on_the_example_rebuilds_every_changed_file(runner: CliRunner, example: Path) -> None:
    before = originals(example)
    document = valid_sarif(runner, ["migrate", ".", "--to", "qwen"])
    assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == example.resolve().as_uri() + "/"
    fixed = {path: apply_fixes(before.get(path, ""), fixes, by="offset") for path, fixes in fixes_by_path(document).items()}
    assert len(fixed) >= 5
    assert runner.invoke(app, ["migrate", ".", "--to", "qwen", "--write"]).exit_code == 0
    after = originals(example)
    assert fixed == {path: after[path] for path in fixed}
    assert {path for path in after if after[path] != before.get(path)} == set(fixed)


def test_audit_to_sarif_attaches_fixes_to_the_findings(runner: CliRunner, example: Path) -> None:
    before = originals(example)
    document = valid_sarif(runner, ["audit", ".", "--to", "qwen"])
    results = document["runs"][0]["results"]
    on_findings = [r for r in results if "fixes" in r and not r["ruleId"].startswith("banjia/migrate/")]
    assert any(r["ruleId"] == "banjia/client" and "verdict" in r["properties"] for r in on_findings)
    runner.invoke(app, ["migrate", ".", "--to", "qwen", "--write"])
    after = originals(example)
    for path, fixes in fixes_by_path(document).items():
        assert apply_fixes(before.get(path, ""), fixes, by="line") == after[path], path


def test_audit_sarif_without_to_has_no_fixes_and_names_the_source_root(runner: CliRunner, example: Path) -> None:
    document = json.loads(runner.invoke(app, ["audit", ".", "--format", "sarif"]).stdout)
    assert not fixes_by_path(document)
    assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"] == {"uri": example.resolve().as_uri() + "/"}


# ---------------------------------------------------------------- github and gitlab
def test_github_commands_escape_their_values() -> None:
    document = render_migration_sarif(sample_migration())
    lines = render_github(annotations_from_sarif(document)).splitlines()
    assert lines[0] == "::error file=broken.py,line=1,endLine=1,col=1,endColumn=1,title=banjia/unprocessable%3A File could not be analysed::Could not be migrated: does not parse"
    assert any(line.startswith("::notice file=nb.ipynb,title=") for line in lines)  # a cell's lines are not the file's
    assert lines[2].startswith("::warning file=src/模块.py,line=2,endLine=2,title=banjia/migrate/clients-and-endpoints")
    assert lines[-1].startswith("::error file=src/模块.py,line=4,endLine=4,col=1,endColumn=4,title=banjia/note/blocked")
    for line in lines:
        assert re.fullmatch(r"::(error|warning|notice) [^:]*::[^\r\n]*", line), line


def test_github_escapes_newlines_percent_commas_and_colons() -> None:
    from banjia.report.annotations import Annotation

    annotation = Annotation("a,b:c.py", "warning", "r", "T", "50% done\nnext", "f", (2, 3), None)
    assert render_github([annotation]) == "::warning file=a%2Cb%3Ac.py,line=2,endLine=3,title=r%3A T::50%25 done%0Anext\n"


@pytest.fixture
def small_repo(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=q, temperature=3)\n",
        encoding="utf-8",
    )
    (tmp_path / "requirements.txt").write_text("openai<1\n", encoding="utf-8")
    (tmp_path / ".env.example").write_text("OPENAI_API_KEY=\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitlab_code_quality_fields(runner: CliRunner, small_repo: Path) -> None:
    example = small_repo
    for command in (["audit", ".", "--to", "qwen"], ["migrate", ".", "--to", "qwen"]):
        result = runner.invoke(app, [*command, "--format", "gitlab"])
        assert result.exit_code == 0, result.stderr
        issues = json.loads(result.stdout)
        assert issues
        for issue in issues:
            assert isinstance(issue["description"], str) and issue["description"]
            assert issue["check_name"].startswith("banjia/")
            assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
            assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
            assert (example / issue["location"]["path"]).is_file()
            assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_severity_follows_the_level() -> None:
    issues = json.loads(render_gitlab(annotations_from_sarif(render_migration_sarif(sample_migration()))))
    assert {i["check_name"]: i["severity"] for i in issues} == {
        "banjia/unprocessable": "critical", "banjia/migrate/clients-and-endpoints": "major",
        "banjia/migrate/models": "major", "banjia/note/blocked": "critical", "banjia/note/info": "minor",
    }


def test_github_format_on_the_audit(runner: CliRunner, example: Path) -> None:
    result = runner.invoke(app, ["audit", ".", "--format", "github", "--fail-on-findings"])
    assert result.exit_code == 1
    assert "::warning file=support_desk/clients.py,line=" in result.stdout


# ---------------------------------------------------------------- one exit-code contract
def test_both_commands_follow_one_exit_code_contract(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.py").write_text("print(1)\n", encoding="utf-8")
    assert runner.invoke(app, ["audit", ".", "--fail-on-findings"]).exit_code == 0
    assert runner.invoke(app, ["migrate", ".", "--to", "qwen", "--check"]).exit_code == 0
    (tmp_path / "app.py").write_text("from openai import OpenAI\nc = OpenAI()\n", encoding="utf-8")
    assert runner.invoke(app, ["audit", ".", "--fail-on-findings"]).exit_code == 1
    assert runner.invoke(app, ["migrate", ".", "--to", "qwen", "--check"]).exit_code == 1
    assert runner.invoke(app, ["audit", ".", "--fail-on-findings", "--format", "nope"]).exit_code == 2
    assert runner.invoke(app, ["migrate", ".", "--to", "nowhere", "--check"]).exit_code == 2
    (tmp_path / "broken.py").write_text("import openai\nprint 'x'\n", encoding="utf-8")
    for command in (["audit", ".", "--fail-on-findings"], ["migrate", ".", "--to", "qwen", "--check"]):
        for fmt in ("sarif", "github", "gitlab"):  # unprocessable beats pending, in every format
            assert runner.invoke(app, [*command, "--format", fmt]).exit_code == 3, (command, fmt)


def test_an_unwritable_report_is_exit_3_not_a_traceback(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    result = runner.invoke(app, ["audit", ".", "--output", "blocker/report.json"])
    assert result.exit_code == 3
    assert result.stderr.startswith("banjia: error: cannot write the report to blocker")


def test_a_crash_exits_3_so_ci_never_reads_it_as_findings(tmp_path: Path, monkeypatch, capsys) -> None:
    import banjia.api

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(banjia.api, "audit", crash)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["banjia", "audit", ".", "--no-progress"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 3
    assert "banjia: internal error" in capsys.readouterr().err
