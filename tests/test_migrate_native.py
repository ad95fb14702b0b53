"""`migrate --strategy native`: dispatch, the command line, and the dependency files it edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.api import migrate, migrate_file
from banjia.cli import app
from banjia.codemods.dependencies import SdkDependency, imports_openai
from banjia.codemods.native import migrate_native
from banjia.codemods.sdk_requirement import raised_spec
from banjia.codemods.text_files import migrate_text_file
from banjia.model import Severity
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


# Fixture pairs: tests/fixtures/<provider>-native/files/{replace,keep}/<name> becomes <name>.fixed
# (none: unchanged) when no migrated code imports openai (replace) or some still does (keep).
FIXTURES = Path(__file__).parent / "fixtures"
DEPENDENCY_CASES = sorted(path for path in FIXTURES.glob("*-native/files/*/*") if path.suffix != ".fixed")


def migrate_dependency_file(tmp_path: Path, name: str, data: bytes, provider: str, keep_openai: bool) -> bytes:
    rules = load_builtin(provider)
    (tmp_path / name).write_bytes(data)
    sdk = SdkDependency(rules.native.package, rules.native.requirement, keep_openai)
    file = migrate_file(tmp_path / name, name, rules, strategy="native", sdk=sdk)
    assert file.error is None, file.error
    return file.after.encode(file.encoding) if file.before else data  # nothing to migrate: not even read


@pytest.mark.parametrize("case", DEPENDENCY_CASES, ids=lambda p: f"{p.parts[-4]}-{p.parent.name}-{p.name}")
def test_dependency_file_fixture(case: Path, tmp_path: Path) -> None:
    provider = case.parts[-4].removesuffix("-native")
    keep_openai = case.parent.name == "keep"
    fixed = case.with_name(case.name + ".fixed")
    expected = fixed.read_bytes() if fixed.exists() else case.read_bytes()
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    assert migrate_dependency_file(tmp_path / "first", case.name, case.read_bytes(), provider, keep_openai) == expected
    again = migrate_dependency_file(tmp_path / "second", case.name, expected, provider, keep_openai)
    assert again == expected, "not idempotent"


def test_the_dependency_fixtures_cover_every_dialect_both_ways() -> None:
    names = {(case.parent.name, case.name) for case in DEPENDENCY_CASES}
    for mode in ("replace", "keep"):
        assert {(mode, name) for name in ("requirements.txt", "pyproject.toml", "Pipfile", "setup.cfg", "setup.py")} \
            <= names


@pytest.mark.parametrize("spec, raised", [
    (">=2.0", ">=2.1.5"), ("==2.1.0", ">=2.1.5"), (">=2.0,<3", ">=2.1.5,<3"), ("^2.0", ">=2.1.5"),
    ("~=2.0", ">=2.1.5"), ("<2", ">=2.1.5"), ("<3", ">=2.1.5,<3"), (">=2.0,!=2.0.3", ">=2.1.5,!=2.0.3"),
    (">=2.1.5", None), ("==2.2", None), ("^3.0", None), (">=2.1.5.20250825", None), ("", None), ("*", None),
])
def test_a_declared_sdk_gets_the_floor_only_when_it_allows_older_releases(spec: str, raised: str | None) -> None:
    assert raised_spec(spec, "2.1.5") == raised


def test_the_floor_compares_release_segments_by_number() -> None:
    assert raised_spec(">=2.1.5", "2.1.5.20250825") == ">=2.1.5.20250825"
    assert raised_spec(">=2.10", "2.9") is None


def declare(name: str, text: str, keep: bool):
    return migrate_text_file(text, name, ZHIPU, sdk=SdkDependency("zhipuai", "zhipuai>=2.1.5", keep))


def test_a_hash_pinned_requirements_file_gets_a_note_not_an_edit() -> None:
    text = "openai==1.55.3 \\\n    --hash=sha256:ab\n"
    outcome = declare("requirements.txt", text, False)
    assert outcome.text == text
    [note] = outcome.notes
    assert note.severity is Severity.MANUAL and "pins hashes" in note.message


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml", '[tool.poetry.dependencies]\nopenai = { git = "https://github.com/openai/openai-python" }\n'),
    ("requirements.txt", "-e git+https://github.com/openai/openai-python#egg=openai\n"),
    ("setup.py", 'setup(install_requires=[f"openai>={V}", """openai"""])\n'),
])
def test_declarations_it_cannot_edit_get_a_note(name: str, text: str) -> None:
    outcome = declare(name, text, False)
    assert outcome.text == text
    assert outcome.notes and all(note.severity is Severity.MANUAL and "zhipuai>=2.1.5" in note.message
                                 for note in outcome.notes)


@pytest.mark.parametrize("before, after", [
    ('x = ["zhipuai", "openai"]\n', 'x = ["zhipuai"]\n'),
    ('x = ["openai", "zhipuai"]\n', 'x = ["zhipuai"]\n'),
    ('x = ["a", "openai", "zhipuai"]\n', 'x = ["a", "zhipuai"]\n'),
    ('x = [\n    "zhipuai",\n    "openai",  # old\n]\n', 'x = [\n    "zhipuai",\n]\n'),
])
def test_openai_leaves_a_list_that_declares_the_sdk(before: str, after: str) -> None:
    text = "[project]\n" + before.replace("x =", "dependencies =")
    expected = "[project]\n" + after.replace("x =", "dependencies =")
    assert declare("pyproject.toml", text, False).text == expected


def test_a_file_without_openai_is_left_alone_even_if_it_declares_an_old_sdk() -> None:
    text = "zhipuai==2.0\nrequests\n"
    outcome = declare("requirements.txt", text, False)
    assert outcome.text == text and not outcome.changes and not outcome.notes


def test_a_whole_project_declares_the_sdk_in_every_dependency_format(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CHAT, encoding="utf-8")
    (tmp_path / "setup.py").write_text('from setuptools import setup\n\nsetup(install_requires=["openai>=1.40"])\n',
                                       encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\nopenai = "^1.40"\n', encoding="utf-8")
    (tmp_path / "Pipfile").write_bytes(b'[packages]\r\nopenai = "*"\r\n')
    result = migrate([tmp_path], ZHIPU, strategy="native")
    after = {Path(f.path).name: f.after for f in result.files}
    assert after["setup.py"] == 'from setuptools import setup\n\nsetup(install_requires=["zhipuai>=2.1.5.20250825"])\n'
    assert after["pyproject.toml"] == '[tool.poetry.dependencies]\nzhipuai = ">=2.1.5.20250825"\n'
    assert after["Pipfile"] == '[packages]\r\nzhipuai = ">=2.1.5.20250825"\r\n'


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
