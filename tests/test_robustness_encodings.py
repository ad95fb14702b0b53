"""A migrated file keeps its encoding, BOM and line endings: every line it does not change, byte for byte.

Each file is written through `banjia migrate --write` under a folder and file name
with Chinese characters and spaces, then compared line by line, as bytes, with what
was there before: only the client and the call may differ.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pytest
from typer.testing import CliRunner

from banjia.api import is_wanted
from banjia.cli import app

COMMENTS = {
    "gbk": "# 中文注释：搬家",
    "gb18030": "# 中文注释：搬家 𠀀",
    "big5": "# 中文註釋：搬家",
    "latin-1": "# café, naïve",
    "utf-8-sig": "# 中文 and café",
    "utf-8": "# 中文 and café",
}
ENDINGS = {"lf": ["\n"], "crlf": ["\r\n"], "mixed": ["\n", "\r\n", "\r\n", "\n"]}


def source_lines(encoding: str) -> list[str]:
    cookie = [] if encoding.startswith("utf-8") else [f"# -*- coding: {encoding} -*-"]
    return [
        *cookie,
        COMMENTS[encoding],
        "from openai import OpenAI",
        "",
        "client = OpenAI()",
        "",
        "def greeting():",
        f'\treturn "{COMMENTS[encoding][2:]}"  # tab-indented',
        "",
        "def ask():",
        '    return client.chat.completions.create(model="gpt-4o", messages=[])',
    ]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("encoding", sorted(COMMENTS))
def test_only_the_changed_lines_differ_and_they_keep_their_line_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, ending: str
) -> None:
    ends = ENDINGS[ending]
    lines = [line + ends[n % len(ends)] for n, line in enumerate(source_lines(encoding))]
    before = "".join(lines).encode(encoding)
    target = tmp_path / "子 目录" / "模块 1.py"
    target.parent.mkdir()
    target.write_bytes(before)
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, ["migrate", ".", "--to", "qwen", "--write", "--no-progress"])

    assert result.exit_code == 0, result.stderr
    after = target.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for line in old[i1:i2]:
            assert b"OpenAI()" in line or b"gpt-4o" in line, f"unrelated line changed: {line!r}"
        for changed, written in zip(old[i1:i2], new[j1:j2]):
            assert written[-2:] == changed[-2:] if changed.endswith(b"\r\n") else not written.endswith(b"\r\n")
    text = after.decode(encoding)
    assert 'OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"]' in text and '"gpt-4o"' not in text


def test_a_non_utf8_file_without_a_cookie_is_named_and_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = "from openai import OpenAI\nclient = OpenAI()  # 中文\n".encode("gbk")
    (tmp_path / "legacy.py").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["migrate", ".", "--to", "qwen", "--write", "--no-progress"])
    assert result.exit_code == 3
    assert "warning: legacy.py: not valid utf-8 text (byte 0xd6 at offset 47)" in result.stderr
    assert (tmp_path / "legacy.py").read_bytes() == data


@pytest.mark.parametrize(
    ("name", "taken"),
    [("app.py", True), ("stub.pyi", True), ("nb.ipynb", True), ("APP.PY", False), ("App.Py", False), ("app.py.bak", False)],
)
def test_suffixes_match_case_sensitively_as_python_black_and_ruff_do(name: str, taken: bool) -> None:
    # CPython's importer only loads lowercase `.py` on case-sensitive file systems, and
    # the formatters and linters a repository already runs skip `APP.PY` too; taking it
    # here would rewrite a file no other tool treats as Python.
    assert is_wanted(name) is taken
