"""`banjia audit --to`: verdicts on request only, rule overrides, --fail-on, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.cli import app


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\nclient = OpenAI()\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n"
        "client.embeddings.create(model='text-embedding-3-small', input='x')\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def summary(result) -> dict:
    return json.loads(result.stdout)["summary"]


def test_to_judges_every_site(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--to", "deepseek", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert summary(result)["verdicts"] == {"auto": 2, "auto-with-notes": 0, "manual": 0, "blocked": 1}


def test_the_table_shows_the_tally(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--to", "qwen"])
    assert "Call sites for qwen: 2 auto, 1 auto-with-notes, 0 manual, 0 blocked." in result.stdout


@pytest.mark.parametrize("threshold, code", [("blocked", 1), ("manual", 1)])
def test_fail_on_exits_1_at_or_above_the_threshold(repo: Path, threshold: str, code: int) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--to", "deepseek", "--fail-on", threshold])
    assert result.exit_code == code


def test_fail_on_passes_when_nothing_reaches_the_threshold(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--to", "qwen", "--fail-on", "manual"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("option", [["--fail-on", "blocked"], ["--unsafe"], ["--rules", "x.toml"]])
def test_site_options_without_to_are_usage_errors(repo: Path, option: list[str]) -> None:
    result = CliRunner().invoke(app, ["audit", ".", *option])
    assert result.exit_code == 2
    assert "pass --to ID as well" in result.stderr


def test_an_unknown_provider_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--to", "nowhere"])
    assert result.exit_code == 2
    assert "unknown provider 'nowhere'" in result.stderr


NO_CHAT = 'schema_version = 1\nid = "qwen"\n[[unsupported]]\napi = "chat.completions"\nmessage = "no chat here"\n'


def test_the_project_target_is_not_read_but_its_rules_are(repo: Path) -> None:
    (repo / "no-chat.toml").write_text(NO_CHAT, encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.banjia]\nto = "qwen"\nrules = ["no-chat.toml"]\n', encoding="utf-8")
    plain = CliRunner().invoke(app, ["audit", ".", "-f", "json"])
    assert summary(plain)["target"] is None and summary(plain)["verdicts"] == {}
    judged = CliRunner().invoke(app, ["audit", ".", "--to", "qwen", "-f", "json"])
    assert judged.exit_code == 0, judged.output
    assert summary(judged)["verdicts"]["blocked"] == 1


def test_rules_files_apply_with_to(repo: Path) -> None:
    (repo / "no-chat.toml").write_text(NO_CHAT, encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", ".", "--to", "qwen", "--rules", "no-chat.toml", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert summary(result)["verdicts"]["blocked"] == 1


def test_unsafe_judges_as_if_unsafe_fixes_were_applied(repo: Path) -> None:
    (repo / "app.py").write_text(
        "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[], max_tokens=4096)\n",
        encoding="utf-8",
    )
    cautious = CliRunner().invoke(app, ["audit", ".", "--to", "minimax", "-f", "json"])
    bold = CliRunner().invoke(app, ["audit", ".", "--to", "minimax", "--unsafe", "-f", "json"])
    assert summary(cautious)["verdicts"]["manual"] == 1
    assert summary(bold)["verdicts"] == {"auto": 1, "auto-with-notes": 1, "manual": 0, "blocked": 0}
