"""`migrate --strategy native`: dispatch, the command line, and the dependency files it edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.api import migrate
from banjia.cli import app
from banjia.codemods.dependencies import SdkDependency, imports_openai
from banjia.codemods.native import migrate_native
from banjia.codemods.text_files import migrate_text_file
from banjia.rules.loader import load_builtin

ZHIPU = load_builtin("zhipu")
CHAT = 'from openai import OpenAI\n\nclient = OpenAI()\nr = client.chat.completions.create(model="gpt-4o", messages=[])\n'


def test_providers_without_a_native_sdk_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="deepseek .* has no native SDK"):
        migrate_native(CHAT, "a.py", load_builtin("deepseek"))


def test_qwen_is_served_by_the_dashscope_rewrite() -> None:
    text = migrate_native(CHAT, "a.py", load_builtin("qwen")).text
    assert "dashscope.Generation.call(" in text and "OpenAI(" not in text


def test_the_client_comes_from_the_rule_file(tmp_path: Path) -> None:
    from dataclasses import replace

    rules = replace(ZHIPU, native=replace(ZHIPU.native, client="zai.ZhipuAiClient", api_key_env="ZAI_API_KEY"))
    text = migrate_native(CHAT, "a.py", rules).text
    assert "from zai import ZhipuAiClient" in text
    assert 'client = ZhipuAiClient(api_key=os.environ["ZAI_API_KEY"])' in text
    assert "openai" not in text


def test_the_clamping_of_sampling_values_is_reported() -> None:
    source = CHAT.replace("messages=[]", "messages=[], temperature=0")
    notes = [note.message for note in migrate_native(source, "a.py", ZHIPU).notes]
    assert any(message.startswith("temperature: the SDK silently rewrites it") for message in notes)


@pytest.mark.parametrize("text, expected", [
    ("import openai\n", True),
    ("import os, openai\n", True),
    ("from openai.types.chat import ChatCompletion\n", True),
    ("from zhipuai import ZhipuAI\n", False),
    ("import langchain_openai\n", False),
    ("# import openai\nx = 1\n", False),
])
def test_which_migrated_files_still_import_openai(text: str, expected: bool) -> None:
    assert imports_openai(text, "a.py") is expected


def test_notebooks_are_read_cell_by_cell_for_openai_imports() -> None:
    notebook = {"cells": [{"cell_type": "markdown", "source": ["import openai"]},
                          {"cell_type": "code", "source": ["from zhipuai import ZhipuAI\n"]}]}
    assert not imports_openai(json.dumps(notebook), "a.ipynb")
    notebook["cells"][1]["source"].append("import openai\n")
    assert imports_openai(json.dumps(notebook), "a.ipynb")


@pytest.mark.parametrize("path, before, keep, after", [
    ("requirements.txt", "openai>=1.0  # llm\nrequests\n", False, "zhipuai>=2.1.5  # llm\nrequests\n"),
    ("requirements.txt", "openai[datalib]\n", False, "zhipuai>=2.1.5\n"),
    ("requirements.txt", "openai==0.28.1\n", True, "openai>=1.55.3\nzhipuai>=2.1.5\n"),
    ("requirements.txt", "openai\r\nzhipuai\r\n", True, "openai\r\nzhipuai\r\n"),
    ("pyproject.toml", '[project]\ndependencies = [\n    "openai>=1",\n]\n', True,
     '[project]\ndependencies = [\n    "openai>=1",\n    "zhipuai>=2.1.5",\n]\n'),
    ("pyproject.toml", "[project]\ndependencies = ['openai>=1', 'x']\n", True,
     "[project]\ndependencies = ['openai>=1', 'zhipuai>=2.1.5', 'x']\n"),
    ("pyproject.toml", '[project]\ndependencies = ["openai>=1; python_version>\'3\'"]\n', False,
     '[project]\ndependencies = ["zhipuai>=2.1.5; python_version>\'3\'"]\n'),
])
def test_dependency_files_declare_the_sdk(path: str, before: str, keep: bool, after: str) -> None:
    outcome = migrate_text_file(before, path, ZHIPU, sdk=SdkDependency("zhipuai", "zhipuai>=2.1.5", keep))
    assert outcome.text == after


def test_formats_without_an_edit_get_a_note() -> None:
    text = "[tool.poetry.dependencies]\nopenai = \"^1.3\"\n"
    outcome = migrate_text_file(text, "pyproject.toml", ZHIPU, sdk=SdkDependency("zhipuai", "zhipuai>=2.1.5", False))
    assert outcome.text == text
    assert [note.message for note in outcome.notes] == [
        "replace openai with zhipuai>=2.1.5 here: the migrated code uses the Zhipu AI (GLM) SDK"]


def _project(tmp_path: Path, code: str) -> Path:
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("openai>=1.40\nrequests\n", encoding="utf-8")
    return tmp_path


def test_openai_leaves_the_requirements_when_no_code_imports_it(tmp_path: Path) -> None:
    result = migrate([_project(tmp_path, CHAT)], load_builtin("doubao"), strategy="native")
    assert result.strategy == "native"
    requirements = next(f for f in result.files if f.path.endswith("requirements.txt"))
    assert requirements.after == "volcengine-ark-runtime>=5.0.54\nrequests\n"


def test_openai_stays_while_code_still_imports_it(tmp_path: Path) -> None:
    code = CHAT + "from openai.types.chat import ChatCompletion\n"
    result = migrate([_project(tmp_path, code)], ZHIPU, strategy="native")
    requirements = next(f for f in result.files if f.path.endswith("requirements.txt"))
    assert requirements.after == "openai>=1.40\nzhipuai>=2.1.5.20250825\nrequests\n"


def test_cli_native_strategy_writes_code_and_requirements(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(_project(tmp_path, CHAT))
    result = CliRunner().invoke(app, ["migrate", ".", "--to", "qianfan", "--strategy", "native", "--write",
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "requirements.txt").read_text() == "qianfan>=0.4.12.3\nrequests\n"
    code = (tmp_path / "app.py").read_text()
    assert "from qianfan import Qianfan" in code and "openai" not in code
    check = CliRunner().invoke(app, ["migrate", ".", "--to", "qianfan", "--strategy", "native", "--check",
                                     "--no-progress"])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("provider", ["deepseek", "moonshot", "azure-cn"])
def test_cli_refuses_native_for_providers_it_cannot_serve(tmp_path: Path, monkeypatch, provider: str) -> None:
    monkeypatch.chdir(_project(tmp_path, CHAT))
    result = CliRunner().invoke(app, ["migrate", ".", "--to", provider, "--strategy", "native", "--no-progress"])
    assert result.exit_code == 2
    assert f"--strategy native: {provider} (" in result.output


def test_cli_rejects_an_unknown_strategy(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(_project(tmp_path, CHAT))
    result = CliRunner().invoke(app, ["migrate", ".", "--to", "zhipu", "--strategy", "sdk"])
    assert result.exit_code == 2
