"""Migration of the files around the code: dependency files, env files, configs, notebooks.

Fixture pairs: tests/fixtures/<provider>/files/<name> becomes <name>.fixed next to it
(none: must not change). Names are real file names, because the scanners pick files by
name. Every output is compared byte for byte and must be stable under a second run.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from banjia.api import migrate_file
from banjia.codemods.dependencies import RAISED_SPEC, only_before_v1
from banjia.codemods.env_files import is_env_template
from banjia.model import Severity
from banjia.rules.loader import builtin_ids, load_builtin

FIXTURES = Path(__file__).parent / "fixtures"
FILE_CASES = sorted(
    path
    for provider in builtin_ids()
    if (FIXTURES / provider / "files").is_dir()
    for path in (FIXTURES / provider / "files").iterdir()
    if not path.name.endswith(".fixed")
)
QWEN = load_builtin("qwen")
# Isolated from the user's and the system's git configuration (autocrlf, quotePath ...).
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def migrate_bytes(tmp_path: Path, name: str, data: bytes, provider: str = "qwen"):
    """Migrate `data` saved under its real file name."""
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return migrate_file(target, name, load_builtin(provider))


def after_bytes(file) -> bytes:
    assert file.error is None, file.error
    return file.after.encode(file.encoding)


# ---------------------------------------------------------------- fixture pairs
def test_there_are_fixtures_of_every_kind() -> None:
    names = {path.name for path in FILE_CASES}
    assert {"requirements.txt", "pyproject.toml", "Pipfile", "setup.cfg", "setup.py", ".env.example",
            "settings.yaml", "config.json", "app.ini", "app.ipynb"} <= names


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda p: f"{p.parent.parent.name}-{p.name}")
def test_file_fixture(case: Path, tmp_path: Path) -> None:
    fixed = case.with_name(case.name + ".fixed")
    expected = fixed.read_bytes() if fixed.exists() else case.read_bytes()
    first = migrate_bytes(tmp_path / "first", case.name, case.read_bytes(), case.parent.parent.name)
    assert after_bytes(first) == expected
    second = migrate_bytes(tmp_path / "second", case.name, expected, case.parent.parent.name)
    assert after_bytes(second) == expected, "not idempotent"
    assert not second.changes


# ---------------------------------------------------------------- dependencies
@pytest.mark.parametrize(
    ("constraint", "before_v1"),
    [
        ("==0.28.1", True), ("<1", True), ("<1.0.0", True), ("<=0.99", True), ("~=0.27", True),
        ("~=0.27.1", True), (">=0.27,<1.0", True), ("==0.*", True), ("^0.28", True), ("~0.27", True),
        ("0.28.1", True), ("<0.28 || ^0.28", True), (">=0.27 <1", True),
        ("", False), ("*", False), (">=1.0", False), (">=0.27", False), ("<2", False), ("<1.1", False),
        ("<=1.0", False), ("~=1.2", False), ("~=0", False), ("^1.3", False), ("!=0.28", False),
        ("==1.*", False), ("<1 || >=1.40", False),
    ],
)
def test_which_pins_only_allow_the_pre_1_0_sdk(constraint: str, before_v1: bool) -> None:
    assert only_before_v1(constraint) is before_v1


def test_a_hash_pinned_requirements_file_is_reported_not_edited(tmp_path: Path) -> None:
    data = b"openai==0.28.1 \\\n    --hash=sha256:ab\n"
    file = migrate_bytes(tmp_path, "requirements.txt", data)
    assert after_bytes(file) == data
    [note] = file.notes
    assert note.severity is Severity.MANUAL and "regenerate" in note.message


def test_a_crlf_requirements_file_with_a_bom_keeps_both(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + b"requests\r\nopenai==0.28.1\r\n"
    file = migrate_bytes(tmp_path, "requirements.txt", data)
    assert file.encoding == "utf-8-sig"
    assert after_bytes(file) == codecs.BOM_UTF8 + f"requests\r\nopenai{RAISED_SPEC}\r\n".encode()
    [change] = file.changes
    assert (change.span.line, change.span.column, change.category) == (2, 7, "dependency")


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("pyproject.toml", '[tool.poetry.dependencies]\r\n"openai" = { version = "^0.28", optional = true }\r\n',
         f'[tool.poetry.dependencies]\r\n"openai" = {{ version = "{RAISED_SPEC}", optional = true }}\r\n'),
        ("pyproject.toml", '[project]\r\ndependencies = [\r\n  "openai>=0.26, <1",  # old\r\n]\r\n',
         f'[project]\r\ndependencies = [\r\n  "openai{RAISED_SPEC}",  # old\r\n]\r\n'),
        ("Pipfile", '[packages]\rOPENAI = "<1"\r', f'[packages]\rOPENAI = "{RAISED_SPEC}"\r'),
        ("requirements.txt", "openai==0.28 --no-binary openai\n", f"openai{RAISED_SPEC} --no-binary openai\n"),
        ("requirements.txt", "openai @ https://example.com/openai-0.28.0.tar.gz\n", None),
        ("requirements.in", "openai>=0.27\n", None),
    ],
)
def test_pins_keep_the_files_line_ends_and_everything_around_the_version(
    tmp_path: Path, name: str, before: str, after: str | None
) -> None:
    file = migrate_bytes(tmp_path, name, before.encode())
    assert file.after == (before if after is None else after)


def test_setup_py_is_rewritten_once_as_code_and_once_for_its_requirements(tmp_path: Path) -> None:
    source = (
        'from setuptools import setup\n\nDEFAULT_MODEL = "gpt-4o"\n\n'
        'setup(name="bot", install_requires=["openai<1"])\n'
    )
    file = migrate_bytes(tmp_path, "setup.py", source.encode())
    assert file.after == source.replace('"gpt-4o"', '"qwen-max"').replace('"openai<1"', f'"openai{RAISED_SPEC}"')
    assert sorted(change.category for change in file.changes) == ["dependency", "model"]


# ---------------------------------------------------------------- env files
@pytest.mark.parametrize(
    ("name", "template"),
    [(".env.example", True), (".env.sample", True), ("example.env", True), (".env.template", True),
     ("config/.env.dist", True), (".env", False), (".env.local", False), ("prod.env", False), (".envrc", False)],
)
def test_env_templates_are_told_from_real_env_files(name: str, template: bool) -> None:
    assert is_env_template(name) is template


def test_env_template_variables_follow_crlf_and_a_missing_last_newline(tmp_path: Path) -> None:
    file = migrate_bytes(tmp_path, ".env.example", b"# keys\r\nOPENAI_API_KEY=sk-xxx")
    assert after_bytes(file) == (
        b"# keys\r\nOPENAI_API_KEY=sk-xxx\r\nDASHSCOPE_API_KEY=\r\n"
        b"DASHSCOPE_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1\r\n"
    )
    again = migrate_bytes(tmp_path / "again", ".env.example", after_bytes(file))
    assert not again.changed


def test_only_missing_provider_variables_are_added(tmp_path: Path) -> None:
    file = migrate_bytes(tmp_path, ".env.example", b"OPENAI_API_KEY=\nDASHSCOPE_API_KEY=sk-\n")
    assert file.after == "OPENAI_API_KEY=\nDASHSCOPE_API_KEY=sk-\n" \
        "DASHSCOPE_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1\n"


def test_an_env_template_without_openai_variables_is_left_alone(tmp_path: Path) -> None:
    file = migrate_bytes(tmp_path, ".env.example", b"DATABASE_URL=postgres://\n")
    assert not file.changed and not file.notes


def test_a_real_env_file_is_never_edited_but_says_what_to_set(tmp_path: Path) -> None:
    data = b"OPENAI_API_KEY=sk-secret\nCHAT_MODEL=gpt-4o\n"
    file = migrate_bytes(tmp_path, ".env", data)
    assert after_bytes(file) == data
    messages = [note.message for note in file.notes if note.severity is Severity.MANUAL]
    assert any("DASHSCOPE_API_KEY" in m and "DASHSCOPE_BASE_URL" in m and "not edited" in m for m in messages)
    assert any("'qwen-max' instead of 'gpt-4o'" in m for m in messages)
    assert "sk-secret" not in " ".join(messages)


# ---------------------------------------------------------------- config files
def test_config_edits_keep_crlf_and_comments(tmp_path: Path) -> None:
    data = b"model: gpt-4o  # gpt-4 before\r\nother: 1\r\n"
    file = migrate_bytes(tmp_path, "settings.yml", data)
    assert after_bytes(file) == b"model: qwen-max  # gpt-4 before\r\nother: 1\r\n"
    [change] = file.changes
    assert (change.span.line, change.span.column, change.span.end_column) == (1, 8, 14)


# ---------------------------------------------------------------- notebooks
NOTEBOOK = FIXTURES / "qwen" / "files" / "app.ipynb"


def test_notebook_round_trip_changes_only_the_migrated_sources(tmp_path: Path) -> None:
    file = migrate_bytes(tmp_path, "app.ipynb", NOTEBOOK.read_bytes())
    before, after = json.loads(file.before), json.loads(file.after)
    changed = [i for i, (old, new) in enumerate(zip(before["cells"], after["cells"])) if old != new]
    assert changed == [2, 3, 4]
    for index in changed:
        old, new = before["cells"][index], after["cells"][index]
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
        assert type(old["source"]) is type(new["source"])
    assert after["metadata"] == before["metadata"]
    cell2 = "".join(after["cells"][2]["source"])
    assert cell2.startswith("from openai import OpenAI\nimport os\n\n%load_ext autoreload\n")
    cell3 = after["cells"][3]["source"]
    assert cell3[0] == "%%time\n" and "files = !ls\n" in cell3 and '    model="qwen-max",\n' in cell3
    assert after["cells"][4]["source"].startswith("# TODO(banjia): ")
    assert {(change.span.cell, change.category) for change in file.changes} == {(2, "client"), (3, "model")}


def test_a_notebook_without_openai_code_stays_byte_identical(tmp_path: Path) -> None:
    data = (b'{\n "cells": [\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "source": [\n'
            b'    "%pip install openai\\n",\n    "print(\'hello\')"\n   ]\n  }\n ],\n "nbformat": 4\n}')
    file = migrate_bytes(tmp_path, "plain.ipynb", data)
    assert file.error is None and after_bytes(file) == data


def test_notebook_style_is_kept_ascii_escapes_string_sources_and_compact_lists(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "code", "source": "from openai import OpenAI\nclient = OpenAI()  # é"},
        {"cell_type": "code", "source": ["client.chat.completions.create(model='gpt-4o', messages=[])"]},
    ]
    data = json.dumps({"cells": cells, "nbformat": 4}, ensure_ascii=True).encode()
    file = migrate_bytes(tmp_path, "compact.ipynb", data)
    text = file.after
    assert "\\u00e9" in text and "é" not in text and "\n" not in text
    migrated = json.loads(text)["cells"]
    assert migrated[0]["source"].startswith("from openai import OpenAI\nimport os\n\nclient = OpenAI(api_key=")
    assert migrated[1]["source"] == ["client.chat.completions.create(model='qwen-max', messages=[])"]
    again = migrate_bytes(tmp_path / "again", "compact.ipynb", after_bytes(file))
    assert not again.changed


def test_a_crlf_notebook_with_a_bom_keeps_its_bytes_outside_the_changed_line(tmp_path: Path) -> None:
    text = json.dumps({"cells": [{"cell_type": "code", "source": ["import openai\n", "m = 'gpt-4o'"]}]}, indent=1)
    data = codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()
    file = migrate_bytes(tmp_path, "win.ipynb", data)
    assert after_bytes(file) == data.replace(b"'gpt-4o'", b"'qwen-max'")


@pytest.mark.parametrize("data", [b'{"cells": ["openai"', b'{"nbformat": 4, "x": "openai"}', b'["openai"]'])
def test_a_notebook_that_is_not_notebook_json_is_a_file_error(tmp_path: Path, data: bytes) -> None:
    file = migrate_bytes(tmp_path, "broken.ipynb", data)
    assert file.error is not None and not file.changed


# ---------------------------------------------------------------- whole runs: patch, CLI
def project(root: Path) -> Path:
    """A small project: a notebook, a CRLF env template with a BOM, requirements, code."""
    root.mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "app.ipynb").write_bytes(NOTEBOOK.read_bytes())
    (root / ".env.example").write_bytes(codecs.BOM_UTF8 + b"OPENAI_API_KEY=\r\n")
    (root / "requirements.txt").write_bytes(b"openai==0.28.1\ntiktoken\n")
    (root / "app.py").write_bytes(b"from openai import OpenAI\nclient = OpenAI()\n")
    return root


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_patch_for_a_notebook_and_an_env_file_applies_with_git(tmp_path: Path, monkeypatch) -> None:
    from banjia.api import migrate
    from banjia.report.diff import patch_bytes

    root = project(tmp_path / "repo")
    monkeypatch.chdir(root)
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]):
        subprocess.run(["git", *command], check=True, env=GIT_ENV)
    result = migrate([Path(".")], QWEN)
    assert {f.path for f in result.changed_files} == {".env.example", "app.py", "notebooks/app.ipynb", "requirements.txt"}
    (tmp_path / "qwen.patch").write_bytes(patch_bytes(result))
    applied = subprocess.run(["git", "apply", str(tmp_path / "qwen.patch")], capture_output=True, env=GIT_ENV)
    assert applied.returncode == 0, applied.stderr.decode()
    for file in result.changed_files:
        assert (root / file.path).read_bytes() == file.after.encode(file.encoding), file.path


def test_cli_writes_requirements_env_template_and_notebook_then_check_passes(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from banjia.cli import app

    root = project(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    written = runner.invoke(app, ["migrate", "repo", "--to", "qwen", "--write"])
    assert written.exit_code == 0, written.output
    assert (root / "requirements.txt").read_bytes() == f"openai{RAISED_SPEC}\ntiktoken\n".encode()
    assert (root / ".env.example").read_bytes() == codecs.BOM_UTF8 + (
        b"OPENAI_API_KEY=\r\nDASHSCOPE_API_KEY=\r\nDASHSCOPE_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1\r\n"
    )
    assert (root / "notebooks" / "app.ipynb").read_bytes() == NOTEBOOK.with_name("app.ipynb.fixed").read_bytes()
    check = runner.invoke(app, ["migrate", "repo", "--to", "qwen", "--check"])
    assert check.exit_code == 0, check.output


def test_imports_join_an_imports_only_cell_without_a_trailing_blank_line(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "code", "source": ["!pip install openai"]},
        {"cell_type": "code", "source": ["from openai import OpenAI"]},
        {"cell_type": "code", "source": ["client = OpenAI()"]},
    ]
    file = migrate_bytes(tmp_path, "nb.ipynb", json.dumps({"cells": cells}, indent=1).encode())
    sources = [cell["source"] for cell in json.loads(file.after)["cells"]]
    assert sources[0] == ["!pip install openai"]
    assert sources[1] == ["from openai import OpenAI\n", "import os"]
    assert sources[2][0].startswith('client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"]')


def test_an_unknown_strategy_is_refused_before_any_file_is_read(tmp_path: Path) -> None:
    from banjia.api import migrate

    with pytest.raises(ValueError, match="unknown migration strategy 'rewrite'"):
        migrate([tmp_path], QWEN, strategy="rewrite")
