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
    assert "Call sites for qwen (compat): 2 auto, 1 auto-with-notes, 0 manual, 0 blocked." in result.stdout


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


# ---------------------------------------------------------------- --strategy
SEED = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[], seed=3)\n"
RAW = "client.with_raw_response.chat.completions.create(model='gpt-4o', messages=[])\n"


def site_verdicts(result) -> list[tuple[str, str, list[str]]]:
    """(kind, verdict, reasons) of every judged site, in file order."""
    return [(f["kind"], f["data"]["verdict"], f["data"]["verdict_reasons"])
            for file in json.loads(result.stdout)["files"] for f in file["findings"] if "verdict" in f["data"]]


def test_native_judges_a_keyword_the_sdk_rejects_as_removed_with_notes(repo: Path) -> None:
    (repo / "app.py").write_text(SEED, encoding="utf-8")
    compat = CliRunner().invoke(app, ["audit", ".", "--to", "doubao", "-f", "json", "--no-cache"])
    native = CliRunner().invoke(app, ["audit", ".", "--to", "doubao", "--strategy", "native", "-f", "json",
                                      "--no-cache"])
    assert site_verdicts(compat) == [
        ("client", "auto", []),
        ("call", "manual", ["seed: the Ark SDK has no seed parameter; whether the server honours it is U"]),
    ]
    assert site_verdicts(native) == [
        ("client", "auto", []),
        ("call", "auto-with-notes", ["seed removed (volcengine-ark-runtime raises TypeError on it)"]),
    ]
    assert (summary(compat)["strategy"], summary(native)["strategy"]) == ("compat", "native")


def test_native_judges_a_call_kept_on_the_compatible_endpoint_manual_with_its_reason(repo: Path) -> None:
    (repo / "app.py").write_text(SEED.replace(", seed=3", "") + RAW, encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", ".", "--to", "zhipu", "--strategy", "native", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert site_verdicts(result)[2] == (
        "call", "manual", ["kept on the OpenAI-compatible endpoint: with_raw_response is an openai SDK feature"])
    compat = CliRunner().invoke(app, ["audit", ".", "--to", "zhipu", "-f", "json"])
    assert [verdict for _, verdict, _ in site_verdicts(compat)] == ["auto", "auto", "auto"]


def test_native_qwen_is_judged_on_the_dashscope_rewrite(repo: Path) -> None:
    (repo / "app.py").write_text(SEED.replace(", seed=3", ""), encoding="utf-8")
    native = CliRunner().invoke(app, ["audit", ".", "--to", "qwen", "--strategy", "native", "-f", "json"])
    [(_, client, client_reasons), (_, call, call_reasons)] = site_verdicts(native)
    assert (client, call) == ("auto-with-notes", "manual")
    assert client_reasons == ["`client` is gone: code elsewhere that imports or reads it must call dashscope instead"]
    assert call_reasons[0].startswith("DashScope returns a failed call as a response")
    compat = CliRunner().invoke(app, ["audit", ".", "--to", "qwen", "-f", "json"])
    assert site_verdicts(compat) == [("client", "auto", []), ("call", "auto", [])]


def test_the_cache_keeps_the_strategies_apart(repo: Path) -> None:
    (repo / "app.py").write_text(SEED, encoding="utf-8")
    first = CliRunner().invoke(app, ["audit", ".", "--to", "doubao", "-f", "json"])
    native = CliRunner().invoke(app, ["audit", ".", "--to", "doubao", "--strategy", "native", "-f", "json"])
    again = CliRunner().invoke(app, ["audit", ".", "--to", "doubao", "-f", "json"])
    assert site_verdicts(native)[1][1] == "auto-with-notes"
    assert site_verdicts(first) == site_verdicts(again)
    assert site_verdicts(again)[1][1] == "manual"


def test_reports_name_the_strategy(repo: Path) -> None:
    table = CliRunner().invoke(app, ["audit", ".", "--to", "zhipu", "--strategy", "native"])
    assert "Call sites for zhipu (native): 2 auto, 1 auto-with-notes, 0 manual, 0 blocked." in table.stdout
    markdown = CliRunner().invoke(app, ["audit", ".", "--to", "zhipu", "-f", "markdown"])
    assert "**Call sites for `zhipu` (compat):**" in markdown.stdout
    sarif = CliRunner().invoke(app, ["audit", ".", "--to", "zhipu", "--strategy", "native", "-f", "sarif"])
    assert json.loads(sarif.stdout)["runs"][0]["properties"] == {"target": "zhipu", "strategy": "native"}
    plain = CliRunner().invoke(app, ["audit", ".", "-f", "sarif"])
    assert "properties" not in json.loads(plain.stdout)["runs"][0]


@pytest.mark.parametrize("provider", ["deepseek", "moonshot"])
def test_native_for_a_provider_without_an_sdk_is_a_usage_error(repo: Path, provider: str) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--to", provider, "--strategy", "native"])
    assert result.exit_code == 2
    assert f"--strategy native: {provider} (" in result.stderr


def test_strategy_without_to_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(app, ["audit", ".", "--strategy", "compat"])
    assert result.exit_code == 2
    assert "pass --to ID as well" in result.stderr
