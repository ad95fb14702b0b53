"""The config scanner: model names and OpenAI variables in YAML, JSON, TOML and INI files."""

from __future__ import annotations

import pytest

from banjia.model import Finding, Kind
from banjia.scanners import scan_config

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"


def summary(findings: list[Finding]) -> list[tuple[str, str, int, int, int]]:
    """(kind, model or variable name, line, column, end column) of each finding, in order."""
    return [
        (f.kind.value, f.data.get("model", f.data.get("name")), f.span.line, f.span.column, f.span.end_column)
        for f in findings
    ]


def test_yaml_values_quoted_or_not_and_comments_ignored() -> None:
    text = (
        "# default: gpt-4\n"
        "llm:\n"
        "  model: gpt-4o  # was gpt-4-turbo\n"
        '  fallback: "openai/gpt-4o-mini"\n'
        "  embeddings: ['text-embedding-3-small', o1]\n"
        "  title: it's gpt-3.5-turbo # legacy\n"
        "  url: http://example.com/#gpt-4\n"
    )
    findings = scan_config(text, "config/llm.yaml")
    assert summary(findings) == [
        ("model", "gpt-4o", 3, 10, 16),
        ("model", "openai/gpt-4o-mini", 4, 14, 32),
        ("model", "text-embedding-3-small", 5, 17, 39),
        ("model", "o1", 5, 42, 44),
        ("model", "gpt-3.5-turbo", 6, 15, 28),
        ("model", "gpt-4", 7, 28, 33),  # `#` not after a space starts no YAML comment
    ]
    assert findings[0].snippet == "model: gpt-4o  # was gpt-4-turbo"
    assert findings[0].data == {"model": "gpt-4o", "file_type": "yaml"}
    assert findings[0].message == "OpenAI model name gpt-4o"


def test_docker_compose_environment_is_set_or_named() -> None:
    text = (
        "services:\n"
        "  api:\n"
        "    environment:\n"
        "      - OPENAI_API_KEY=${OPENAI_API_KEY}\n"
        f"      - OPENAI_ORG_ID={SECRET}\n"
        "  worker:\n"
        "    environment:\n"
        f"      AZURE_OPENAI_API_KEY: {SECRET}\n"
        "      OPENAI_BASE_URL:\n"
        "    settings:\n"
        "      api_key_env: OPENAI_API_KEY\n"
    )
    findings = scan_config(text, "docker-compose.yml")
    assert summary(findings) == [
        ("env-var", "OPENAI_API_KEY", 4, 9, 23),
        ("env-var", "OPENAI_API_KEY", 4, 26, 40),
        ("env-var", "OPENAI_ORG_ID", 5, 9, 22),
        ("env-var", "AZURE_OPENAI_API_KEY", 8, 7, 27),
        ("env-var", "OPENAI_BASE_URL", 9, 7, 22),
        ("env-var", "OPENAI_API_KEY", 11, 20, 34),
    ]
    assert [f.data["set"] for f in findings] == [True, False, True, True, True, False]
    assert findings[0].data == {"name": "OPENAI_API_KEY", "set": True, "file_type": "yaml"}
    assert findings[0].message == "Environment variable OPENAI_API_KEY is set in a yaml file"
    assert findings[1].message == "Environment variable OPENAI_API_KEY is named in a yaml file"
    assert [f.snippet for f in findings[:4]] == [
        "- OPENAI_API_KEY=${OPENAI_API_KEY}",
        "- OPENAI_API_KEY=${OPENAI_API_KEY}",
        "- OPENAI_ORG_ID=sk-***",
        "AZURE_OPENAI_API_KEY: ***",
    ]
    assert all(SECRET not in repr(f) for f in findings)


def test_json_keys_values_and_jsonc_comments() -> None:
    text = (
        "{\n"
        '  // "model": "gpt-4"\n'
        '  "model": "gpt-4o-2024-08-06", "url": "https://x//gpt-4",\n'
        '  "prices": {"gpt-4o": 2.5, "dall-e-3": 40},\n'
        f'  "env": {{"OPENAI_API_KEY":"{SECRET}", "key_var": "OPENAI_API_KEY"}}\n'
        "}\n"
    )
    findings = scan_config(text, "settings.json")
    assert summary(findings) == [
        ("model", "gpt-4o-2024-08-06", 3, 13, 30),
        ("model", "gpt-4o", 4, 15, 21),
        ("model", "dall-e-3", 4, 30, 38),
        ("env-var", "OPENAI_API_KEY", 5, 12, 26),
        ("env-var", "OPENAI_API_KEY", 5, 88, 102),
    ]
    assert [f.data["set"] for f in findings if f.kind is Kind.ENV_VAR] == [True, False]
    assert findings[3].snippet == '"env": {"OPENAI_API_KEY":"***", "key_var": "OPENAI_API_KEY"}'
    assert {f.data["file_type"] for f in findings} == {"json"}


def test_toml_and_pyproject_settings() -> None:
    text = (
        "[tool.myapp]\n"
        'model = "gpt-4.1"  # "o3"\n'
        "aliases = { fast = 'o4-mini', 'x#y' = \"tts-1-hd\" }\n"
        "[tool.pytest.ini_options]\n"
        'env = ["OPENAI_API_KEY=test-key", "OPENAI_LOG=debug"]\n'
    )
    findings = scan_config(text, "pyproject.toml")
    assert summary(findings) == [
        ("model", "gpt-4.1", 2, 10, 17),
        ("model", "o4-mini", 3, 21, 28),
        ("model", "tts-1-hd", 3, 40, 48),
        ("env-var", "OPENAI_API_KEY", 5, 9, 23),
        ("env-var", "OPENAI_LOG", 5, 36, 46),
    ]
    assert [f.data["set"] for f in findings[3:]] == [True, True]
    assert findings[3].snippet == 'env = ["OPENAI_API_KEY=***", "OPENAI_LOG=debug"]'
    assert {f.data["file_type"] for f in findings} == {"toml"}


def test_ini_and_cfg_comments_and_passenv() -> None:
    text = (
        "; gpt-4 everywhere\n"
        "[testenv]\n"
        "# model = gpt-4\n"
        "setenv =\n"
        "    OPENAI_API_KEY = dummy\n"
        "    MODEL = gpt-4o-mini ; the cheap one, not gpt-4o\n"
        "passenv = OPENAI_BASE_URL\n"
    )
    findings = scan_config(text, "tox.ini")
    assert summary(findings) == [
        ("env-var", "OPENAI_API_KEY", 5, 5, 19),
        ("model", "gpt-4o-mini", 6, 13, 24),
        ("env-var", "OPENAI_BASE_URL", 7, 11, 26),
    ]
    assert [f.data["set"] for f in findings if f.kind is Kind.ENV_VAR] == [True, False]
    assert findings[0].snippet == "OPENAI_API_KEY = ***"
    assert scan_config("[llm]\nmodel = o3-mini\n", "setup.cfg")[0].data == {"model": "o3-mini", "file_type": "ini"}


@pytest.mark.parametrize(
    "value",
    ["gpt-", "my-gpt-4o", "gpt-4o_custom", "foo/gpt-4", "ada", "davinci", "o2", "MY_OPENAI_API_KEY"],
)
def test_lookalikes_are_not_findings(value: str) -> None:
    assert scan_config(f"name: {value}\n", "app.yaml") == []


def test_malformed_json_and_toml_are_still_scanned() -> None:
    json_text = '{\n  "model": "gpt-4o",\n  "broken": [1, 2,\n  "temperature": \n'
    assert summary(scan_config(json_text, "bad.json")) == [("model", "gpt-4o", 2, 13, 19)]
    toml_text = '[a\nmodel = "o1-preview\n<<<<<<< HEAD\nx = {{ o3 }}\n'
    assert summary(scan_config(toml_text, "bad.toml")) == [
        ("model", "o1-preview", 2, 10, 20),
        ("model", "o3", 4, 8, 10),
    ]


def test_crlf_bom_and_unicode() -> None:
    text = "\ufeff模型: gpt-4o\r\n说明: \"搬家\"\r\n  env: OPENAI_API_KEY\r\n"
    assert summary(scan_config(text, "配置.yml")) == [
        ("model", "gpt-4o", 1, 5, 11),
        ("env-var", "OPENAI_API_KEY", 3, 8, 22),
    ]


def test_long_lines_are_cut_around_the_match() -> None:
    text = '{"a": "' + "x" * 500 + '", "model": "gpt-4o", "b": "' + "y" * 500 + '"}'
    finding = scan_config(text, "minified.json")[0]
    assert finding.span.column == 521
    assert '"model": "gpt-4o"' in finding.snippet
    assert finding.snippet.startswith("…") and finding.snippet.endswith("…")
    assert len(finding.snippet) <= 162


def test_files_of_other_types_get_nothing() -> None:
    assert scan_config("model: gpt-4o\n", "notes.md") == []
