"""Every kind of bad input gives one line naming the file and the reason; the run goes on and exits 3."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import banjia.api
from banjia.cli import app
from banjia.rules.loader import load_builtin

GOOD = b"from openai import OpenAI\nclient = OpenAI()\n"
BAD = {
    "py2.py": (b"import openai\nprint 'hi'\n", "does not parse as Python 3 (line 2, column 1)"),
    "syntax.py": (b"import openai\ndef f(:\n", "does not parse as Python 3"),
    "nul.py": (b"import openai\x00\n", "binary file (NUL byte at offset 13)"),
    "png.py": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR openai", "binary file (NUL byte at offset 8)"),
    "gbk.py": ("import openai\n# 中文\n".encode("gbk"), "not valid utf-8 text (byte 0xd6 at offset 16)"),
    "cookie.py": (b"# coding: klingon\nimport openai\n", "unknown encoding 'klingon' in coding cookie"),
    "big.py": (b"import openai\n" + b"#" * 3000 + b"\n", "3.0 kB exceeds the 2.0 kB limit (--max-file-size)"),
    "nb.ipynb": (b'{"cells": [ "openai"', "not valid notebook JSON"),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "good.py").write_bytes(GOOD)
    for name, (data, _) in BAD.items():
        (tmp_path / name).write_bytes(data)
    os.symlink("loop.py", tmp_path / "loop.py")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.py"
    outside.write_bytes(GOOD)
    os.symlink(outside, tmp_path / "outside.py")
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPECTED = {
    **{name: reason for name, (_, reason) in BAD.items()},
    "loop.py": "symlink loop",
    "outside.py": "symlink leaves the root",
}


@pytest.mark.parametrize("command", [["audit", "."], ["migrate", ".", "--to", "qwen", "--write"]])
def test_each_bad_file_is_one_warning_line_and_the_good_file_is_still_done(project: Path, command: list[str]) -> None:
    before = {path.name: path.read_bytes() for path in project.iterdir() if not path.is_symlink()}
    result = CliRunner().invoke(app, [*command, "--max-file-size", "2000", "--no-progress"])
    assert result.exit_code == 3, result.stderr
    warnings = sorted(line for line in result.stderr.splitlines() if line.startswith("warning: "))
    assert [line.split(": ")[1] for line in warnings] == sorted(EXPECTED)
    for line, name in zip(warnings, sorted(EXPECTED)):
        assert line.startswith(f"warning: {name}: ") and EXPECTED[name] in line, line
    if command[0] == "audit":
        assert "good.py" in result.stdout
    else:
        assert b"DASHSCOPE_API_KEY" in (project / "good.py").read_bytes()
        assert all((project / name).read_bytes() == data for name, data in before.items() if name != "good.py")


def test_a_file_deleted_after_discovery_is_named_and_the_others_are_done(project: Path, monkeypatch) -> None:
    found = banjia.api.discover

    def discover_then_delete(*args, **kwargs):
        result = found(*args, **kwargs)
        (project / "gone.py").unlink()
        return result

    (project / "gone.py").write_bytes(GOOD)
    monkeypatch.setattr(banjia.api, "discover", discover_then_delete)
    migration = banjia.api.migrate([Path(".")], load_builtin("qwen"))
    errors = {file.path: file.error for file in migration.errors}
    assert errors["gone.py"] == "cannot read: No such file or directory"
    assert "good.py" in {file.path for file in migration.changed_files}
    (project / "gone.py").write_bytes(GOOD)
    audit = banjia.api.audit([Path(".")])
    assert {file.path: file.error for file in audit.errors}["gone.py"] == "cannot read: No such file or directory"


def test_an_unreadable_file_is_named_and_the_others_are_done(project: Path, monkeypatch) -> None:
    # chmod 000 does not stop root (CI containers), so the refusal is the file system's answer, simulated.
    def refuse_secret(path, *args, **kwargs):
        if Path(path).name == "secret.py":
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    (project / "secret.py").write_bytes(GOOD)
    monkeypatch.setattr(banjia.api, "open", refuse_secret, raising=False)  # the module's files are read with open()
    migration = banjia.api.migrate([Path(".")], load_builtin("qwen"))
    assert {file.path: file.error for file in migration.errors}["secret.py"] == "cannot read: Permission denied"
    assert "good.py" in {file.path for file in migration.changed_files}
