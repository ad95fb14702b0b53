"""The dotenv scanner: variables set, model names in values, and no secret in any snippet."""

from __future__ import annotations

import pytest

from banjia.model import Finding, Kind
from banjia.scanners import scan_env_file

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"


def summary(findings: list[Finding]) -> list[tuple[str, str, int, int, int]]:
    """(kind, name or model, line, column, end column) of each finding, in order."""
    return [
        (f.kind.value, f.data.get("name", f.data.get("model")), f.span.line, f.span.column, f.span.end_column)
        for f in findings
    ]


def test_assignments_set_variables_with_masked_snippets() -> None:
    text = (
        "# OpenAI settings\n"
        f"OPENAI_API_KEY={SECRET}\n"
        'export OPENAI_BASE_URL="https://llm.internal.example.com/v1"  # proxy\n'
        "  AZURE_OPENAI_ENDPOINT = 'https://x.openai.azure.com/'\n"
    )
    findings = scan_env_file(text, ".env")
    assert summary(findings) == [
        ("env-var", "OPENAI_API_KEY", 2, 1, 15),
        ("env-var", "OPENAI_BASE_URL", 3, 8, 23),
        ("env-var", "AZURE_OPENAI_ENDPOINT", 4, 3, 24),
    ]
    assert [f.snippet for f in findings] == [
        "OPENAI_API_KEY=***",
        "export OPENAI_BASE_URL=***",
        "AZURE_OPENAI_ENDPOINT =***",
    ]
    assert findings[0].data == {"name": "OPENAI_API_KEY", "set": True, "file_type": "env"}
    assert findings[0].message == "Environment variable OPENAI_API_KEY is set in an env file"
    assert all(SECRET not in repr(f) and "internal" not in repr(f) for f in findings)


def test_model_values_are_findings_and_stay_readable() -> None:
    text = (
        "OPENAI_MODEL=gpt-4o\n"
        'FALLBACK_MODELS="gpt-4o-mini, o1-mini"  # cheap first\n'
        "EMBEDDINGS=text-embedding-3-small\n"
    )
    findings = scan_env_file(text, ".env.example")
    assert summary(findings) == [
        ("env-var", "OPENAI_MODEL", 1, 1, 13),
        ("model", "gpt-4o", 1, 14, 20),
        ("model", "gpt-4o-mini", 2, 18, 29),
        ("model", "o1-mini", 2, 31, 38),
        ("model", "text-embedding-3-small", 3, 12, 34),
    ]
    assert findings[1].snippet == "OPENAI_MODEL=gpt-4o"
    assert findings[2].snippet == 'FALLBACK_MODELS="gpt-4o-mini, o1-mini"  # cheap first'
    assert findings[1].data == {"model": "gpt-4o", "file_type": "env"}
    assert findings[1].message == "OpenAI model name gpt-4o"


def test_a_model_next_to_a_secret_masks_the_whole_value() -> None:
    findings = scan_env_file(f"LLM_CONFIG='gpt-4o {SECRET}'\n", "app.env")
    assert summary(findings) == [("model", "gpt-4o", 1, 13, 19)]
    assert findings[0].snippet == "LLM_CONFIG=***"


def test_references_to_openai_variables_are_read_not_set() -> None:
    text = "LLM_API_KEY=${OPENAI_API_KEY}\nOPENAI_ORG_ID=\nOPENAI_PROJECT= # fill in\n"
    findings = scan_env_file(text, ".envrc")
    assert summary(findings) == [
        ("env-var", "OPENAI_API_KEY", 1, 15, 29),
        ("env-var", "OPENAI_ORG_ID", 2, 1, 14),
        ("env-var", "OPENAI_PROJECT", 3, 1, 15),
    ]
    assert [f.data["set"] for f in findings] == [False, True, True]
    assert [f.snippet for f in findings] == [
        "LLM_API_KEY=${OPENAI_API_KEY}",
        "OPENAI_ORG_ID=",
        "OPENAI_PROJECT= # fill in",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "# OPENAI_API_KEY=sk-old",
        "MY_OPENAI_API_KEY=x",
        "OPENAI_API_KEYS_FILE",
        "OPENAIAPI_KEY=x",
        "APP_NAME=my-gpt-4o",
        "PREFIX=gpt-",
        "DEBUG=true # gpt-4o was here",
    ],
)
def test_non_findings(line: str) -> None:
    assert scan_env_file(line + "\n", ".env") == []


def test_multiline_quoted_values_are_skipped_to_their_end() -> None:
    text = 'OPENAI_CA_CERT="-----BEGIN\nOPENAI_API_KEY=not-a-line\ngpt-4o-----"\nOPENAI_MODEL=o3\n'
    findings = scan_env_file(text, ".env")
    assert summary(findings) == [
        ("env-var", "OPENAI_CA_CERT", 1, 1, 15),
        ("env-var", "OPENAI_MODEL", 4, 1, 13),
        ("model", "o3", 4, 14, 16),
    ]
    assert findings[0].snippet == "OPENAI_CA_CERT=***"


def test_crlf_bom_and_unicode() -> None:
    text = "\ufeffOPENAI_API_KEY=密钥\r\n# 模型\r\nOPENAI_MODEL=\"gpt-4o\"  # 默认\r\n"
    findings = scan_env_file(text, ".env.local")
    assert summary(findings) == [
        ("env-var", "OPENAI_API_KEY", 1, 1, 15),
        ("env-var", "OPENAI_MODEL", 3, 1, 13),
        ("model", "gpt-4o", 3, 15, 21),
    ]
    assert findings[0].snippet == "OPENAI_API_KEY=***"
    assert findings[2].snippet == 'OPENAI_MODEL="gpt-4o"  # 默认'


@pytest.mark.parametrize("text", ['OPENAI_API_KEY="unterminated\n', "=\n", "export\n", "OPENAI_API_KEY='a\\'\n", "\\"])
def test_malformed_input_does_not_raise(text: str) -> None:
    assert all(f.kind is Kind.ENV_VAR for f in scan_env_file(text, ".env"))
