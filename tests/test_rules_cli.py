"""`banjia rules list / show / check`: output on a terminal and piped, JSON, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import banjia.rules.loader
from banjia.cli import app
from banjia.rules.loader import builtin_ids, load_builtin, ruleset_as_dict

RULES_DIR = Path(__file__).resolve().parents[1] / "banjia" / "rules"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def override(tmp_path: Path) -> Path:
    path = tmp_path / "ours.toml"
    path.write_text('id = "qwen"\n[models.map]\n"gpt-4o" = "qwen3-max"\n', encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- list


def test_list_piped_is_a_plain_table_of_every_provider(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["id", "name", "base", "URL", "key", "variable", "models", "parameters", "unsupported"]
    assert [row.split()[0] for row in rows] == builtin_ids()
    qwen = load_builtin("qwen")
    [qwen_row] = [row for row in rows if row.startswith("qwen ")]
    assert qwen_row.split()[-5:] == [
        "https://dashscope.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY",
        str(len(qwen.models)), str(len(qwen.parameters)), str(len(qwen.unsupported)),
    ]
    assert "\x1b[" not in result.stdout and "┃" not in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_list_on_a_terminal_is_a_rich_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "list"], env={"FORCE_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0
    assert "┃" in result.stdout and "DASHSCOPE_API_KEY" in result.stdout


def test_list_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert [entry["id"] for entry in listed] == builtin_ids()
    [qwen] = [entry for entry in listed if entry["id"] == "qwen"]
    assert qwen == {
        "id": "qwen",
        "name": "Alibaba DashScope / Bailian (Qwen)",
        "base_url": "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "api_key_env": "DASHSCOPE_API_KEY",
        "models": len(load_builtin("qwen").models),
        "parameters": len(load_builtin("qwen").parameters),
        "unsupported": len(load_builtin("qwen").unsupported),
    }


def test_list_reports_a_broken_rule_file_and_still_lists_the_others(runner: CliRunner, monkeypatch) -> None:
    real_ids, real_load = banjia.rules.loader.builtin_ids, banjia.rules.loader.load_builtin

    def load_with_real_ids(provider: str):
        monkeypatch.setattr(banjia.rules.loader, "builtin_ids", real_ids)
        try:
            return real_load(provider)
        finally:
            monkeypatch.setattr(banjia.rules.loader, "builtin_ids", lambda: ["qwen", "ghost"])

    monkeypatch.setattr(banjia.rules.loader, "builtin_ids", lambda: ["qwen", "ghost"])
    monkeypatch.setattr(banjia.rules.loader, "load_builtin", load_with_real_ids)
    result = runner.invoke(app, ["rules", "list", "-f", "json"])
    assert result.exit_code == 2
    assert [entry["id"] for entry in json.loads(result.stdout)] == ["qwen"]
    assert result.stderr.startswith("banjia: error: unknown provider 'ghost'")


# ----------------------------------------------------------------------------- show


def test_show_piped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "show", "qwen"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("qwen: Alibaba DashScope / Bailian (Qwen) (banjia/rules/qwen.toml)\n")
    lines = out.splitlines()
    assert "base URL           https://dashscope.aliyuncs.com/compatible-mode/v1" in lines
    assert "model map (default chat model: qwen-plus; default embedding model: text-embedding-v4)" in lines
    assert any(line.split()[:2] == ["gpt-4o", "qwen-max"] for line in lines)
    assert any(line.startswith("dall-e-*") and "no equivalent" in line for line in lines)
    assert any(line.split()[:6] == ["chat.completions", "temperature", "clamp", "0.0", "..", "1.99"] for line in lines)
    assert any(line.split()[:5] == ["embeddings", "encoding_format", "add", "=", "'float'"] for line in lines)
    assert any(line.split()[:3] == ["chat.completions", "logit_bias", "flag"] and "manual" in line for line in lines)
    assert "unsupported APIs" in lines and any(line.startswith("beta.assistants ") for line in lines)
    assert "- API keys are per region: a Beijing key does not work on the international endpoints." in lines


def test_show_on_a_terminal(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "show", "qwen"], env={"FORCE_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0
    assert "┃" in result.stdout and "text-embedding-v4" in result.stdout


def test_show_json_is_the_effective_ruleset(runner: CliRunner, override: Path) -> None:
    plain = runner.invoke(app, ["rules", "show", "qwen", "--format", "json"])
    assert plain.exit_code == 0
    assert json.loads(plain.stdout) == ruleset_as_dict(load_builtin("qwen"))
    merged = runner.invoke(app, ["rules", "show", "qwen", "--rules", str(override), "-f", "json"])
    assert merged.exit_code == 0
    models = {entry["pattern"]: entry["target"] for entry in json.loads(merged.stdout)["models"]}
    assert models["gpt-4o"] == "qwen3-max" and models["gpt-4o-mini*"] == "qwen-flash"
    table = runner.invoke(app, ["rules", "show", "qwen", "--rules", str(override)])
    assert table.stdout.startswith(f"qwen: Alibaba DashScope / Bailian (Qwen) (banjia/rules/qwen.toml + {override})\n")
    assert any(line.split()[:2] == ["gpt-4o", "qwen3-max"] for line in table.stdout.splitlines())


def test_show_unknown_provider(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "show", "openai"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"banjia: error: unknown provider 'openai' (known: {', '.join(builtin_ids())})\n"


def test_show_with_a_broken_override(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "qwen"\n[models.map]\n"gpt-4o" = ""\n"gpt-[4" = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "show", "qwen", "--rules", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"banjia: error: {broken}: models.map.gpt-4o: must not be empty (use {{ none = true, note = \"...\" }} when there is no equivalent)",
        f"banjia: error: {broken}: models.map.\"gpt-[4\": not a valid glob: a '[' is not closed by ']'",
    ]


# ----------------------------------------------------------------------------- check


def test_check_builtin_files(runner: CliRunner) -> None:
    files = sorted(RULES_DIR.glob("*.toml"))
    result = runner.invoke(app, ["rules", "check", *map(str, files)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == [f"{path}: ok" for path in files]


def test_check_reports_every_error_and_exits_2(runner: CliRunner, tmp_path: Path, override: Path) -> None:
    bad = tmp_path / "qwen.toml"
    bad.write_text(
        (RULES_DIR / "qwen.toml").read_text(encoding="utf-8")
        .replace('action = "clamp"', 'action = "clmap"', 1)
        .replace("https://dashscope.aliyuncs.com/compatible", "http://dashscope.aliyuncs.com/compatible"),
        encoding="utf-8",
    )
    good = RULES_DIR / "qwen.toml"
    result = runner.invoke(app, ["rules", "check", str(good), str(bad)])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{good}: ok",
        f"{bad}: endpoint.base_url: 'http://dashscope.aliyuncs.com/compatible-mode/v1' must start with https://",
        f"{bad}: parameters[0].action: 'clmap' is not one of clamp, rename, drop, extra_body, add, flag",
    ]


def test_check_override_files(runner: CliRunner, override: Path) -> None:
    as_rule_file = runner.invoke(app, ["rules", "check", str(override)])
    assert as_rule_file.exit_code == 2
    assert f"{override}: endpoint: required key is missing" in as_rule_file.stdout.splitlines()
    as_override = runner.invoke(app, ["rules", "check", "--override", str(override)])
    assert as_override.exit_code == 0
    assert as_override.stdout == f"{override}: ok\n"


def test_check_a_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "check", str(tmp_path / "none.toml")])
    assert result.exit_code == 2
    assert result.stdout == f"{tmp_path / 'none.toml'}: cannot read: No such file or directory\n"


def test_check_needs_a_file(runner: CliRunner) -> None:
    assert runner.invoke(app, ["rules", "check"]).exit_code == 2


@pytest.mark.parametrize("command, example", [
    ("list", "banjia rules list --format json"),
    ("show", "banjia rules show qwen"),
    ("check", "banjia rules check --override our-models.toml"),
])
def test_help_has_examples(runner: CliRunner, command: str, example: str) -> None:
    result = runner.invoke(app, ["rules", command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and example in result.stdout
