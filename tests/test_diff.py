from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from banjia.model import FileMigration, MigrationResult
from banjia.report.diff import patch_bytes, quote_path, render_diff, unified_diff

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# Isolated from the user's and the system's git configuration (autocrlf, quotePath ...).
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, check=False)


def migration(*files: FileMigration) -> MigrationResult:
    return MigrationResult(provider="qwen", strategy="compat", files=files)


def edit(path: str, before: str, after: str, encoding: str = "utf-8") -> FileMigration:
    return FileMigration(path=path, before=before, after=after, encoding=encoding)


def repo_with(tmp_path: Path, files: list[FileMigration]) -> Path:
    """A committed repository holding each file's `before` bytes."""
    repo = tmp_path / "repo"
    repo.mkdir(parents=True)
    assert git(repo, "init", "-q").returncode == 0
    (repo / "README").write_bytes(b"keeps the first commit non-empty\n")
    for file in files:
        if file.before:
            target = repo / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.before.encode(file.encoding))
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-q", "-m", "before").returncode == 0
    return repo


def apply_patch(repo: Path, patch: str) -> None:
    patch_file = repo.parent / "migration.patch"
    patch_file.write_bytes(patch.encode("utf-8"))
    check = git(repo, "apply", "--check", str(patch_file))
    assert check.returncode == 0, check.stderr.decode()
    applied = git(repo, "apply", str(patch_file))
    assert applied.returncode == 0, applied.stderr.decode()


def assert_applies(tmp_path: Path, *files: FileMigration) -> str:
    """Commit the files' old bytes, apply the diff, and compare the new bytes exactly."""
    repo = repo_with(tmp_path, list(files))
    diff = unified_diff(migration(*files))
    apply_patch(repo, diff)
    for file in files:
        assert (repo / file.path).read_bytes() == file.after.encode(file.encoding), file.path
    return diff


def git_headers(tmp_path: Path, file: FileMigration) -> list[str]:
    """The header lines `git diff` itself writes for the same change (without `index`)."""
    repo = repo_with(tmp_path / "reference", [file])
    target = repo / file.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(file.after.encode(file.encoding))
    if not file.before:
        git(repo, "add", "-N", "--", file.path)
    out = git(repo, "-c", "core.quotePath=true", "diff").stdout.decode("utf-8")
    return [line for line in out.split("\n") if line.startswith(("diff --git", "new file", "--- ", "+++ "))]


def our_headers(diff: str) -> list[str]:
    return [line for line in diff.split("\n") if line.startswith(("diff --git", "new file", "--- ", "+++ "))]


NUMBERED = "".join(f"line {n}\n" for n in range(1, 31))


# ---------------------------------------------------------------- exact text
def test_a_single_edit_gives_git_headers_and_three_lines_of_context() -> None:
    before = "a\nb\nc\nd\ne\nf\ng\nh\n"
    after = "a\nb\nc\nd\nE\nf\ng\nh\n"
    assert unified_diff(migration(edit("src/app.py", before, after))) == (
        "diff --git a/src/app.py b/src/app.py\n"
        "--- a/src/app.py\n"
        "+++ b/src/app.py\n"
        "@@ -2,7 +2,7 @@\n"
        " b\n c\n d\n-e\n+E\n f\n g\n h\n"
    )


def test_nothing_changed_gives_an_empty_diff() -> None:
    unchanged = edit("same.py", "x = 1\n", "x = 1\n")
    failed = FileMigration("broken.py", "x(\n", "x(\n", error="does not parse")
    assert unified_diff(migration(unchanged, failed)) == ""
    assert unified_diff(migration()) == ""


def test_files_that_failed_are_left_out_even_with_a_new_text() -> None:
    failed = FileMigration("broken.py", "a\n", "b\n", error="re-parse failed")
    assert unified_diff(migration(failed)) == ""


def test_files_come_in_path_order_whatever_the_result_order() -> None:
    files = [edit("b.py", "1\n", "2\n"), edit("a.py", "1\n", "2\n"), edit("a/z.py", "1\n", "2\n")]
    diff = unified_diff(migration(*files))
    assert [line for line in diff.split("\n") if line.startswith("diff --git")] == [
        "diff --git a/a.py b/a.py",
        "diff --git a/a/z.py b/a/z.py",
        "diff --git a/b.py b/b.py",
    ]
    assert diff == unified_diff(migration(*reversed(files)))


def test_new_files_have_a_mode_line_and_come_from_dev_null() -> None:
    diff = unified_diff(migration(edit(".env.example", "", "DASHSCOPE_API_KEY=\nQWEN_MODEL=qwen-plus\n")))
    assert diff == (
        "diff --git a/.env.example b/.env.example\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        "+++ b/.env.example\n"
        "@@ -0,0 +1,2 @@\n"
        "+DASHSCOPE_API_KEY=\n"
        "+QWEN_MODEL=qwen-plus\n"
    )


def test_a_last_line_without_newline_is_marked() -> None:
    diff = unified_diff(migration(edit("x.py", "a\nb", "a\nc")))
    assert diff.endswith("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")


def test_lines_split_on_newline_only() -> None:
    # A form feed or U+2028 inside a line is part of it for git, not a line break.
    diff = unified_diff(migration(edit("x.py", "a\x0cb\nc\u2028d\n", "a\x0cb\nC\u2028d\n")))
    assert "@@ -1,2 +1,2 @@\n a\x0cb\n-c\u2028d\n+C\u2028d\n" in diff


# ---------------------------------------------------------------- quoting
@pytest.mark.parametrize(
    ("path", "quoted"),
    [
        ("a/src/app.py", "a/src/app.py"),
        ("a/with space.py", "a/with space.py"),
        ("a/模 x.py", '"a/\\346\\250\\241 x.py"'),
        ('a/say "hi".py', '"a/say \\"hi\\".py"'),
        ("a/back\\slash.py", '"a/back\\\\slash.py"'),
        ("a/tab\there.py", '"a/tab\\there.py"'),
        ("a/new\nline.py", '"a/new\\nline.py"'),
        ("a/bell\x07.py", '"a/bell\\a.py"'),
        ("a/esc\x1b.py", '"a/esc\\033.py"'),
        ("a/del\x7f.py", '"a/del\\177.py"'),
        ("a/café.py", '"a/caf\\303\\251.py"'),
    ],
)
def test_paths_are_quoted_as_git_quotes_them(path: str, quoted: str) -> None:
    assert quote_path(path) == quoted


def test_names_with_spaces_end_their_file_lines_with_a_tab() -> None:
    diff = unified_diff(migration(edit("my dir/app.py", "a\n", "b\n")))
    assert diff.split("\n")[:3] == [
        "diff --git a/my dir/app.py b/my dir/app.py",
        "--- a/my dir/app.py\t",
        "+++ b/my dir/app.py\t",
    ]


# ---------------------------------------------------------------- git apply
@needs_git
def test_git_applies_a_plain_edit(tmp_path: Path) -> None:
    assert_applies(tmp_path, edit("src/app.py", NUMBERED, NUMBERED.replace("line 7\n", "line seven\n")))


@needs_git
def test_git_applies_several_hunks_in_one_file(tmp_path: Path) -> None:
    after = NUMBERED.replace("line 2\n", "line two\n").replace("line 25\n", "")
    after = after.replace("line 30\n", "line 30\nextra\n")
    diff = assert_applies(tmp_path, edit("app.py", NUMBERED, after))
    assert [line for line in diff.split("\n") if line.startswith("@@")] == [
        "@@ -1,5 +1,5 @@",
        "@@ -22,9 +22,9 @@",
    ]


@needs_git
@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("a\nb\nc", "a\nb\nC", id="both-without"),
        pytest.param("a\nb\nc", "a\nb\nc\n", id="newline-added"),
        pytest.param("a\nb\nc\n", "a\nb\nc", id="newline-removed"),
        pytest.param("a\nb", "A\nb", id="far-from-the-end"),
    ],
)
def test_git_applies_files_without_a_trailing_newline(tmp_path: Path, before: str, after: str) -> None:
    assert_applies(tmp_path, edit("x.py", before, after))


@needs_git
def test_git_applies_crlf_files_byte_for_byte(tmp_path: Path) -> None:
    before = "import openai\r\nclient = openai.OpenAI()\r\nmodel = 'gpt-4o'\r\n"
    after = "import openai\r\nclient = openai.OpenAI(base_url=URL)\r\nmodel = 'qwen-plus'\r\n"
    diff = assert_applies(tmp_path, edit("win.py", before, after))
    assert "+model = 'qwen-plus'\r\n" in diff


@needs_git
def test_git_applies_unicode_paths_with_spaces_and_writes_the_same_headers(tmp_path: Path) -> None:
    file = edit("模块/客户 端.py", "模型 = 'gpt-4o'\n", "模型 = 'qwen-plus'\n")
    diff = assert_applies(tmp_path, file)
    assert our_headers(diff) == git_headers(tmp_path, file)
    assert our_headers(diff)[0] == (
        'diff --git "a/\\346\\250\\241\\345\\235\\227/\\345\\256\\242\\346\\210\\267 \\347\\253\\257.py" '
        '"b/\\346\\250\\241\\345\\235\\227/\\345\\256\\242\\346\\210\\267 \\347\\253\\257.py"'
    )


@needs_git
def test_git_applies_new_files_in_new_folders_and_writes_the_same_headers(tmp_path: Path) -> None:
    file = edit("config/new dir/.env.example", "", "DASHSCOPE_API_KEY=\n")
    diff = assert_applies(tmp_path, file)
    assert our_headers(diff) == git_headers(tmp_path, file)


@needs_git
def test_git_applies_a_utf8_bom_file_edited_on_its_first_line(tmp_path: Path) -> None:
    file = edit("bom.py", "import openai\nx = 1\n", "import dashscope\nx = 1\n", encoding="utf-8-sig")
    assert_applies(tmp_path, file)


@needs_git
def test_git_applies_an_emptied_file(tmp_path: Path) -> None:
    diff = assert_applies(tmp_path, edit("gone.py", "a\nb\n", ""))
    assert "@@ -1,2 +0,0 @@\n-a\n-b\n" in diff


@needs_git
def test_git_applies_one_patch_touching_every_kind_of_file(tmp_path: Path) -> None:
    assert_applies(
        tmp_path,
        edit("src/app.py", NUMBERED, NUMBERED.replace("line 3\n", "line three\n")),
        edit("win.py", "a\r\nb\r\n", "a\r\nB\r\n"),
        edit("tail.py", "a\nb", "a\nB"),
        edit("模块/客户 端.py", "x\n", "y\n"),
        edit("new.py", "", "created\n"),
        edit("quote\"d.py", "1\n", "2\n"),
    )


# ---------------------------------------------------------------- encodings
ENCODED = [
    edit("legacy/gbk.py", "# 中文\r\nx = 1\r\n", "# 中文\r\nx = 2  # 已迁移\r\n", encoding="gbk"),
    edit("tw/big5.py", "# 中文\n名 = 1\n", "# 中文\n名 = 2\n", encoding="big5"),
    edit("eu/latin.py", "# café\nx = 1", "# café\nx = 2", encoding="latin-1"),
    edit("bom.py", "# 中\nx = 1\n", "# 中\nx = 2\n", encoding="utf-8-sig"),
    edit("src/app.py", "a\n", "b\n"),
    edit("new/gb.py", "", "# 新\n", encoding="gb18030"),
]


def test_each_files_part_of_the_patch_is_in_that_files_encoding() -> None:
    patch = patch_bytes(migration(*ENCODED))
    assert b"\n-x = 1\r\n+x = 2  # " + "已迁移".encode("gbk") + b"\r\n" in patch
    assert b"\n-" + "名 = 1\n".encode("big5") in patch
    assert b"\n # caf\xe9\n" in patch
    assert b"\n \xef\xbb\xbf# " + "中".encode("utf-8") + b"\n" in patch  # the BOM once, not twice
    assert patch.decode("ascii", "replace").count("diff --git") == len(ENCODED)


@needs_git
def test_git_applies_a_patch_mixing_encodings_byte_for_byte(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, ENCODED)
    patch_file = tmp_path / "migration.patch"
    patch_file.write_bytes(patch_bytes(migration(*ENCODED)))
    applied = git(repo, "apply", str(patch_file))
    assert applied.returncode == 0, applied.stderr.decode()
    for file in ENCODED:
        assert (repo / file.path).read_bytes() == file.after.encode(file.encoding), file.path


def test_a_text_its_encoding_cannot_hold_raises() -> None:
    with pytest.raises(UnicodeError):
        patch_bytes(migration(edit("latin.py", "x\n", "名\n", encoding="latin-1")))


# ---------------------------------------------------------------- terminal
def rendered(result: MigrationResult, color_system: str | None) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=color_system)
    console.print(render_diff(result), soft_wrap=True)
    return console.file.getvalue()


SAMPLE = migration(
    edit("src/app.py", "a\n-- sql comment\nc\n", "a\n-- SQL comment\nc\n"),
    edit("win.py", "x\r\n", "y\r\n"),
)


def test_a_colourless_console_prints_the_diff_itself_without_carriage_returns() -> None:
    text = rendered(SAMPLE, None)
    assert "\x1b" not in text
    assert text == unified_diff(SAMPLE).replace("\r\n", "\n")


def test_long_lines_are_not_wrapped() -> None:
    long_line = "x = '" + "y" * 300 + "'\n"
    result = migration(edit("long.py", "a\n", long_line))
    assert rendered(result, None) == unified_diff(result)


def test_colours_mark_additions_deletions_hunks_and_file_headers() -> None:
    text = rendered(SAMPLE, "truecolor")
    assert "\x1b[1mdiff --git a/src/app.py b/src/app.py\x1b[0m" in text
    assert "\x1b[1m--- a/src/app.py\x1b[0m" in text
    assert "\x1b[1m+++ b/src/app.py\x1b[0m" in text
    assert "\x1b[36m@@ -1,3 +1,3 @@\x1b[0m" in text
    # A removed line that happens to read like a file header is still a removal.
    assert "\x1b[31m--- sql comment\x1b[0m" in text
    assert "\x1b[32m+-- SQL comment\x1b[0m" in text
    assert "\x1b[32m+y\x1b[0m" in text and "\r" not in text


def test_an_empty_diff_renders_nothing() -> None:
    assert rendered(migration(), "truecolor") == ""


# ---------------------------------------------------------------- long files
def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.split("\n") if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))]


def test_hunks_stay_minimal_in_long_files_full_of_repeated_lines() -> None:
    # Past 200 lines difflib's fast mode ignores frequent lines such as blank ones;
    # the diff must still show only the lines that changed.
    before = "".join(f"x{n} = call(model='gpt-4o')\n\n    )\n" for n in range(400))
    after = before.replace("x10 = call(model='gpt-4o')", "x10 = call(model='qwen-plus')").replace(
        "x14 = call(model='gpt-4o')", "x14 = call(model='qwen-plus')"
    )
    assert changed_lines(unified_diff(migration(edit("long.py", before, after)))) == [
        "-x10 = call(model='gpt-4o')",
        "+x10 = call(model='qwen-plus')",
        "-x14 = call(model='gpt-4o')",
        "+x14 = call(model='qwen-plus')",
    ]


@needs_git
def test_git_applies_a_long_file_edited_on_every_third_line(tmp_path: Path) -> None:
    before = "".join(f"x{n} = call(model='gpt-4o')\n\n    )\n" for n in range(3000))
    after = before.replace("gpt-4o", "qwen-plus")
    assert_applies(tmp_path, edit("long.py", before, after))
