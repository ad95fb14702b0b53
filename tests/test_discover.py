"""Discovery: which files an audit takes, which it reports as skipped, how bytes become text."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from banjia import discover as discover_module
from banjia.discover import (
    may_mention_openai,
    Candidate,
    DecodeError,
    Skipped,
    discover,
    prefilter,
    read_plain_text,
    read_text,
)
from banjia.patterns import is_model_name


def wants_python(relpath: str) -> bool:
    return relpath.endswith((".py", ".ipynb"))


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def taken(roots: list[Path], **options) -> list[str]:
    options.setdefault("wanted", wants_python)
    candidates, _ = discover(roots, **options)
    return [c.relpath for c in candidates]


def skips(roots: list[Path], **options) -> dict[str, str]:
    options.setdefault("wanted", wants_python)
    _, skipped = discover(roots, **options)
    return {s.relpath: s.reason for s in skipped}


# --- what a candidate is -------------------------------------------------------------


def test_candidate_carries_absolute_path_posix_relpath_root_and_size(tmp_path, monkeypatch):
    make_tree(tmp_path, {"pkg/sub/mod.py": "import openai\n"})
    monkeypatch.chdir(tmp_path)

    candidates, skipped = discover([Path("pkg")], wanted=wants_python)

    assert skipped == []
    assert candidates == [
        Candidate(
            location=str(tmp_path / "pkg" / "sub" / "mod.py"),
            relpath="sub/mod.py",
            root=tmp_path / "pkg",
            size=len("import openai\n"),
        )
    ]
    assert candidates[0].path.is_absolute()


def test_files_the_caller_does_not_want_are_neither_taken_nor_reported(tmp_path):
    make_tree(tmp_path, {"a.py": "", "notes.txt": "", "huge.png": b"x" * 500})

    candidates, skipped = discover([tmp_path], wanted=wants_python, max_bytes=100)

    assert [c.relpath for c in candidates] == ["a.py"]
    assert skipped == []


def test_wanted_sees_the_relpath(tmp_path):
    make_tree(tmp_path, {"src/app.py": "", "scripts/app.py": ""})
    seen: list[str] = []

    def wanted(relpath: str) -> bool:
        seen.append(relpath)
        return relpath.startswith("src/")

    assert taken([tmp_path], wanted=wanted) == ["src/app.py"]
    assert sorted(seen) == ["scripts/app.py", "src/app.py"]


def test_results_are_sorted_by_relpath(tmp_path):
    make_tree(tmp_path, {"b.py": "", "a/z.py": "", "a/b/c.py": "", "A.py": ""})

    assert taken([tmp_path]) == ["A.py", "a/b/c.py", "a/z.py", "b.py"]


def test_unicode_and_space_containing_paths(tmp_path):
    make_tree(tmp_path, {"模块/客户端 v2.py": "import openai\n", "my dir/a b.py": ""})

    candidates, _ = discover([tmp_path], wanted=wants_python)

    assert [c.relpath for c in candidates] == ["my dir/a b.py", "模块/客户端 v2.py"]
    assert candidates[1].path == tmp_path / "模块" / "客户端 v2.py"
    assert candidates[1].path.read_text(encoding="utf-8") == "import openai\n"


# --- .gitignore ----------------------------------------------------------------------


def test_nested_gitignore_applies_to_its_subtree_and_can_negate(tmp_path):
    make_tree(
        tmp_path,
        {
            ".gitignore": "generated_*.py\nlogs/\n",
            "generated_top.py": "",
            "local.py": "",
            "logs/run.py": "",
            "sub/.gitignore": "!generated_ok.py\nlocal.py\n",
            "sub/generated_ok.py": "",
            "sub/generated_other.py": "",
            "sub/local.py": "",
            "sub/deeper/local.py": "",
            "sub/kept.py": "",
        },
    )

    assert taken([tmp_path]) == ["local.py", "sub/generated_ok.py", "sub/kept.py"]


def test_gitignore_cannot_reinclude_a_file_below_an_ignored_folder(tmp_path):
    make_tree(tmp_path, {".gitignore": "vendor/\n!vendor/keep.py\n", "vendor/keep.py": "", "a.py": ""})

    assert taken([tmp_path]) == ["a.py"]


def test_anchored_and_directory_only_patterns(tmp_path):
    make_tree(
        tmp_path,
        {
            ".gitignore": "/top.py\ncache/\n",
            "top.py": "",
            "sub/top.py": "",
            "cache/a.py": "",
            "sub/cache": "",  # a file called cache: `cache/` matches folders only
        },
    )

    assert taken([tmp_path], wanted=lambda relpath: True) == [".gitignore", "sub/cache", "sub/top.py"]


def test_use_gitignore_false_takes_ignored_files(tmp_path):
    make_tree(tmp_path, {".gitignore": "*.py\n", "a.py": "", "sub/b.py": ""})

    assert taken([tmp_path]) == []
    assert taken([tmp_path], use_gitignore=False) == ["a.py", "sub/b.py"]


def test_malformed_gitignore_pattern_is_dropped_not_fatal(tmp_path):
    make_tree(tmp_path, {".gitignore": "\\\n[z-a]\n!\nsecret.py\n", "secret.py": "", "a.py": ""})

    assert taken([tmp_path]) == ["a.py"]


def test_gitignore_above_the_root_inside_a_repo(tmp_path):
    repo = make_tree(
        tmp_path / "repo",
        {
            ".gitignore": "secret*.py\n/top_only.py\n/pkg/app/anchored.py\n",
            ".git/info/exclude": "from_info_exclude.py\n",
            "pkg/.gitignore": "!secret_ok.py\n",
            "pkg/app/secret.py": "",
            "pkg/app/secret_ok.py": "",
            "pkg/app/top_only.py": "",
            "pkg/app/anchored.py": "",
            "pkg/app/from_info_exclude.py": "",
            "pkg/app/ok.py": "",
        },
    )

    assert taken([repo / "pkg" / "app"]) == ["ok.py", "secret_ok.py", "top_only.py"]
    assert taken([repo / "pkg"]) == ["app/ok.py", "app/secret_ok.py", "app/top_only.py"]


def test_gitignore_above_the_root_outside_any_repo_is_not_applied(tmp_path):
    make_tree(tmp_path, {".gitignore": "secret.py\n", "project/secret.py": ""})

    assert taken([tmp_path / "project"]) == ["secret.py"]


def test_repo_found_through_a_dot_git_file_reads_the_common_info_exclude(tmp_path):
    make_tree(
        tmp_path,
        {
            "main/.git/info/exclude": "local_only.py\n",
            "main/.git/worktrees/feature/commondir": "../..\n",
            "feature/.git": f"gitdir: {tmp_path / 'main/.git/worktrees/feature'}\n",
            "feature/src/local_only.py": "",
            "feature/src/app.py": "",
        },
    )

    assert taken([tmp_path / "feature" / "src"]) == ["app.py"]


def test_directory_root_ignored_by_its_repo_is_still_walked(tmp_path):
    repo = make_tree(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".gitignore": "vendor/\nsecret.py\n",
            "vendor/lib.py": "",
            "vendor/secret.py": "",
        },
    )

    assert taken([repo]) == []
    assert taken([repo / "vendor"]) == ["lib.py"]


# --- default excludes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "folder",
    [
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "site-packages",
        "dist-packages",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "build",
        "dist",
        ".eggs",
        "banjia.egg-info",
        ".ipynb_checkpoints",
        ".banjia_cache",
        "deep/nested/node_modules",
    ],
)
def test_default_excluded_folders(tmp_path, folder):
    make_tree(tmp_path, {f"{folder}/inside.py": "", "app.py": ""})

    assert taken([tmp_path]) == ["app.py"]


def test_virtualenv_is_recognised_by_pyvenv_cfg_whatever_its_name(tmp_path):
    make_tree(
        tmp_path,
        {
            "py311 (old)/pyvenv.cfg": "home = /usr/bin\n",
            "py311 (old)/lib/openai/client.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/x.py": "",
            "config/env/settings.py": "",  # an `env` folder without pyvenv.cfg is code
            "app.py": "",
        },
    )

    assert taken([tmp_path]) == ["app.py", "config/env/settings.py"]


def test_a_root_is_walked_even_when_its_name_is_excluded_by_default(tmp_path):
    make_tree(tmp_path, {"build/gen.py": "", "build/node_modules/x.py": ""})

    assert taken([tmp_path / "build"]) == ["gen.py"]


# --- include / exclude ---------------------------------------------------------------


def test_include_takes_only_matching_files(tmp_path):
    make_tree(tmp_path, {"src/a.py": "", "src/deep/b.py": "", "tests/t.py": "", "nb.ipynb": "{}"})

    assert taken([tmp_path], include=["src/**"]) == ["src/a.py", "src/deep/b.py"]
    assert taken([tmp_path], include=["*.ipynb", "tests/"]) == ["nb.ipynb", "tests/t.py"]


def test_exclude_removes_files_and_prunes_folders(tmp_path):
    make_tree(tmp_path, {"src/a.py": "", "tests/t.py": "", "nb.ipynb": "{}", "src/nb.ipynb": "{}"})
    # A broken symlink would be reported if the pruned folder were walked.
    os.symlink(tmp_path / "missing.py", tmp_path / "tests" / "broken.py")

    candidates, skipped = discover([tmp_path], wanted=wants_python, exclude=["tests/", "*.ipynb"])

    assert [c.relpath for c in candidates] == ["src/a.py"]
    assert skipped == []


def test_include_and_exclude_combine(tmp_path):
    make_tree(tmp_path, {"src/a.py": "", "src/a_test.py": "", "lib/b.py": ""})

    assert taken([tmp_path], include=["src/"], exclude=["*_test.py"]) == ["src/a.py"]


def test_invalid_glob_raises_value_error_naming_the_option(tmp_path):
    with pytest.raises(ValueError, match="invalid exclude glob"):
        discover([tmp_path], wanted=wants_python, exclude=["!"])


# --- roots ---------------------------------------------------------------------------


def test_file_root_is_taken_even_when_ignored_or_in_an_excluded_folder(tmp_path):
    make_tree(tmp_path, {".gitignore": "*.py\n", "node_modules/pkg/tool.py": "x = 1\n"})
    file_root = tmp_path / "node_modules" / "pkg" / "tool.py"

    candidates, skipped = discover([file_root], wanted=wants_python)

    assert candidates == [Candidate(str(file_root), "tool.py", file_root, 6)]
    assert skipped == []


def test_file_root_the_caller_does_not_want_is_not_taken(tmp_path):
    make_tree(tmp_path, {"README.md": "# hi\n"})

    assert discover([tmp_path / "README.md"], wanted=wants_python) == ([], [])


def test_missing_root_is_reported_not_raised(tmp_path):
    _, skipped = discover([tmp_path / "nope"], wanted=wants_python)

    assert skipped == [Skipped(".", tmp_path / "nope", "cannot read: No such file or directory")]


def test_duplicate_and_nested_roots_take_each_file_once_under_the_first_root(tmp_path):
    make_tree(tmp_path, {"a.py": "", "sub/b.py": ""})

    candidates, _ = discover(
        [tmp_path / "sub", tmp_path, tmp_path / "sub", tmp_path / "sub" / "b.py"], wanted=wants_python
    )

    assert [(c.root, c.relpath) for c in candidates] == [(tmp_path / "sub", "b.py"), (tmp_path, "a.py")]


def test_roots_keep_the_order_they_were_given(tmp_path):
    make_tree(tmp_path, {"z/a.py": "", "a/z.py": ""})

    assert taken([tmp_path / "z", tmp_path / "a"]) == ["a.py", "z.py"]


# --- symlinks ------------------------------------------------------------------------


def test_symlink_to_a_file_inside_the_root_is_taken_under_its_own_name(tmp_path):
    make_tree(tmp_path, {"data/real.txt": "import openai\n"})
    os.symlink(tmp_path / "data" / "real.txt", tmp_path / "alias.py")

    candidates, skipped = discover([tmp_path], wanted=wants_python)

    assert [(c.relpath, c.path, c.size) for c in candidates] == [("alias.py", tmp_path / "alias.py", 14)]
    assert skipped == []


def test_symlink_and_its_target_count_once(tmp_path):
    make_tree(tmp_path, {"inner/real.py": ""})
    os.symlink("inner/real.py", tmp_path / "link.py")

    assert taken([tmp_path]) == ["inner/real.py"]


def test_symlink_to_a_file_outside_the_root_is_skipped(tmp_path):
    make_tree(tmp_path, {"outside/secret.py": "", "root/a.py": ""})
    os.symlink(tmp_path / "outside" / "secret.py", tmp_path / "root" / "escape.py")

    candidates, skipped = discover([tmp_path / "root"], wanted=wants_python)

    assert [c.relpath for c in candidates] == ["a.py"]
    assert skipped == [Skipped("escape.py", tmp_path / "root", "symlink leaves the root")]


def test_symlinked_directories_are_never_followed_so_loops_terminate(tmp_path):
    make_tree(tmp_path, {"root/pkg/mod.py": "", "elsewhere/lib.py": ""})
    os.symlink("..", tmp_path / "root" / "pkg" / "up")  # pkg/up/pkg/up/... forever
    os.symlink(tmp_path / "root" / "pkg", tmp_path / "root" / "pkg_again")
    os.symlink(tmp_path / "elsewhere", tmp_path / "root" / "external")

    candidates, skipped = discover([tmp_path / "root"], wanted=wants_python)

    assert [c.relpath for c in candidates] == ["pkg/mod.py"]
    assert skipped == [
        Skipped("external", tmp_path / "root", "symlinked directory leaves the root (not followed)")
    ]


def test_broken_symlink_and_symlink_loop_are_reported(tmp_path):
    os.symlink(tmp_path / "missing.py", tmp_path / "gone.py")
    os.symlink("self.py", tmp_path / "self.py")
    os.symlink(tmp_path / "missing.txt", tmp_path / "gone.txt")  # not wanted: silent

    assert skips([tmp_path]) == {"gone.py": "broken symlink", "self.py": "symlink loop"}


def test_broken_symlink_as_a_file_root_is_reported(tmp_path):
    os.symlink(tmp_path / "missing.py", tmp_path / "gone.py")

    _, skipped = discover([tmp_path / "gone.py"], wanted=wants_python)

    assert skipped == [Skipped("gone.py", tmp_path / "gone.py", "broken symlink")]


# --- unreadable folders and size -----------------------------------------------------


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="needs POSIX permissions; root reads a chmod 000 folder anyway",
)
def test_unreadable_directory_is_reported_not_raised(tmp_path):
    make_tree(tmp_path, {"locked/a.py": "", "b.py": ""})
    (tmp_path / "locked").chmod(0)
    try:
        candidates, skipped = discover([tmp_path], wanted=wants_python)
    finally:
        (tmp_path / "locked").chmod(0o755)

    assert [c.relpath for c in candidates] == ["b.py"]
    assert skipped == [Skipped("locked", tmp_path, "cannot read directory: Permission denied")]


def test_directory_that_refuses_listing_is_reported_not_raised(tmp_path, monkeypatch):
    # Runs even as root, which the chmod test above cannot: the listing itself is refused.
    make_tree(tmp_path, {"locked/a.py": "", "b.py": ""})
    real_scandir = os.scandir

    def refusing_scandir(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(discover_module.os, "scandir", refusing_scandir)
    candidates, skipped = discover([tmp_path], wanted=wants_python)

    assert [c.relpath for c in candidates] == ["b.py"]
    assert skipped == [Skipped("locked", tmp_path, "cannot read directory: Permission denied")]


def test_files_over_the_size_limit_are_skipped_with_size_and_limit(tmp_path):
    make_tree(tmp_path, {"at_limit.py": b"x" * 100, "over.py": b"x" * 101, "big.py": b"x" * 150})

    candidates, skipped = discover([tmp_path], wanted=wants_python, max_bytes=100)

    assert [c.relpath for c in candidates] == ["at_limit.py"]
    assert {s.relpath: s.reason for s in skipped} == {
        "big.py": "150 bytes exceeds the 100 bytes limit (--max-file-size)",
        "over.py": "101 bytes exceeds the 100 bytes limit (--max-file-size)",
    }


def test_size_reason_reads_in_megabytes_and_stays_distinct_when_rounding_would_hide_it(tmp_path):
    with open(tmp_path / "data.py", "wb") as handle:
        handle.truncate(3_200_000)  # sparse: costs no disk
    with open(tmp_path / "barely.py", "wb") as handle:
        handle.truncate(2_000_001)

    assert skips([tmp_path]) == {
        "barely.py": "2,000,001 bytes exceeds the 2,000,000 bytes limit (--max-file-size)",
        "data.py": "3.2 MB exceeds the 2.0 MB limit (--max-file-size)",
    }


def test_many_files_are_walked(tmp_path):
    for folder in range(20):
        make_tree(tmp_path, {f"pkg{folder}/m{n}.py": "" for n in range(50)})

    assert len(taken([tmp_path])) == 1000


# --- prefilter -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        b"import openai\n",
        b"from openai import OpenAI\nclient = OpenAI()\n",
        b"llm = AzureChatOpenAI()\n",
        b"import tiktoken\n",
        b'MODEL = "gpt-4o-mini"\n',
        b"# Ask ChatGPT\n",
        b'emb = "text-embedding-3-small"\n',
        b"engine='text-davinci-003'\n",
        b'"text-curie-001"',
        b'"text-ada-001"',
        b'"babbage-002"',
        b'"code-cushman-001"',
        b'"dall-e-3"',
        b'"whisper-1"',
        b'"tts-1-hd"',
        b'"omni-moderation-latest"',
        b'model="o1"',
        b"model='o3-mini'",
        b'model="o4-mini-2025-04-16"',
        b'model="O1"',
        b'model = """o3"""',
        b'route = "azure/o1"',
        b'"source": ["r = c(model=\\"o3-mini\\")\\n"]',  # a notebook's JSON escaping
    ],
)
def test_prefilter_accepts_python_that_may_use_openai(source):
    assert prefilter(source, "mod.py")


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"def add(a, b):\n    return a + b\n",
        b"o1_value = 3\n",
        b'x = "o1_value"\n',
        b'x = "o2"\n',
        b'x = "o10"\n',
        b'x = "pro1"\n',
        b"gpt4 = None  # no dash\n",
    ],
)
def test_prefilter_rejects_python_without_openai(source):
    assert not prefilter(source, "mod.py")


@pytest.mark.parametrize("relpath", ["stub.pyi", "notebook.ipynb", "LEGACY.PY"])
def test_prefilter_applies_to_stubs_and_notebooks(relpath):
    assert not prefilter(b"plain code", relpath)
    assert prefilter(b"import openai", relpath)


@pytest.mark.parametrize("relpath", ["requirements.txt", ".env", "pyproject.toml", "config.yaml"])
def test_prefilter_lets_every_other_file_through(relpath):
    assert prefilter(b"nothing to see", relpath)


@pytest.mark.parametrize(
    "model",
    [
        "gpt-4o",
        "gpt-4.1-mini",
        "gpt-3.5-turbo-0125",
        "gpt-5",
        "gpt-oss-120b",
        "chatgpt-4o-latest",
        "o1",
        "o1-preview",
        "o3-pro",
        "o4-mini-2025-04-16",
        "text-embedding-ada-002",
        "text-davinci-003",
        "text-curie-001",
        "text-babbage-001",
        "text-ada-001",
        "code-davinci-002",
        "code-cushman-001",
        "davinci-002",
        "dall-e-2",
        "whisper-1",
        "tts-1-hd",
        "omni-moderation-latest",
        "text-moderation-stable",
        "openai/gpt-4o",
        "azure/o3-mini",
    ],
)
def test_prefilter_passes_every_model_name_the_analyzer_recognises(model):
    assert is_model_name(model)
    assert may_mention_openai(f'model = "{model}"'.encode())


# The single case-insensitive regex the word search replaced: the reference it must agree with.
_REFERENCE_PREFILTER = re.compile(
    rb"(?:openai|tiktoken|gpt-|chatgpt|text-(?:embedding|curie|ada)|davinci|babbage|cushman"
    rb"|dall-e|whisper-1|tts-1|moderation"
    rb"|[\"'](?:azure[/:])?o[134](?:-[a-z0-9-]*)?\\?[\"'])",
    re.IGNORECASE,
)


def test_the_word_search_decides_as_one_case_insensitive_regex_would() -> None:
    repo = Path(__file__).resolve().parents[1]
    samples = [path.read_bytes() for path in sorted((repo / "tests" / "fixtures").rglob("*")) if path.is_file()]
    samples += [path.read_bytes() for path in sorted((repo / "banjia").rglob("*.py"))]
    samples += [b'x = "O3-MINI"', b'"o1\\"', b"m = 'o4-'", b"'o2'", b'"foo1"', b"OpenAI", b"TextEmbedding",
                b"Text-ADA", b"gpt4", b"ChatGPT", b"azure:o1", b'"azure/o1"', b"", b"\xff\xfeO\x00P",
                b"GPT", b"chat-gpt", b"context-free", b"TEXT-", b"text-curi", b"whisper-2"]  # a shared core alone
    decisions = [(may_mention_openai(data), _REFERENCE_PREFILTER.search(data) is not None) for data in samples]
    assert all(new == old for new, old in decisions)
    assert {new for new, _ in decisions} == {True, False}


# --- read_text / read_plain_text -----------------------------------------------------


def test_read_text_defaults_to_utf8():
    assert read_text("名字 = '客户端'\n".encode()) == ("名字 = '客户端'\n", "utf-8")


def test_read_text_drops_a_utf8_bom_and_says_so():
    assert read_text(b"\xef\xbb\xbfimport openai\n") == ("import openai\n", "utf-8-sig")


def test_read_text_honours_a_gbk_coding_cookie():
    data = "# -*- coding: gbk -*-\n名字 = '客户端'\n".encode("gbk")

    assert read_text(data) == ("# -*- coding: gbk -*-\n名字 = '客户端'\n", "gbk")


def test_read_text_honours_a_vim_latin1_cookie_on_the_second_line():
    data = b"#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\ns = 'caf\xe9'\n"

    text, encoding = read_text(data)

    assert encoding == "iso-8859-1"
    assert text.endswith("s = 'café'\n")


def test_read_text_ignores_a_cookie_below_line_two():
    with pytest.raises(DecodeError, match=r"^not valid utf-8 text \(byte 0xe9 at offset 20\)$"):
        read_text(b"\n\n# coding: latin-1\n\xe9")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x = 1\ny = '\xff'\n", "not valid utf-8 text (byte 0xff at offset 11)"),
        (b"\xff = 1\n", "not valid utf-8 text (byte 0xff at offset 0)"),
        (b"\xef\xbb\xbfx = '\xff'", "not valid utf-8 text (byte 0xff at offset 8)"),
        (b"# coding: gbk\nx = '\xff'\n", "not valid gbk text (byte 0xff at offset 19)"),
        (b"# coding: foo\nx = 1\n", "unknown encoding 'foo' in coding cookie"),
        (b"# coding: rot13\nx = 1\n", "'rot13' in coding cookie is not a text encoding"),
        (b"\xef\xbb\xbf# coding: latin-1\n", "coding cookie contradicts the UTF-8 byte order mark"),
        (b"import os\x00\n", "binary file (NUL byte at offset 9)"),
    ],
)
def test_read_text_raises_only_decode_error_with_a_readable_message(data, message):
    with pytest.raises(DecodeError) as raised:
        read_text(data)

    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)
    assert not isinstance(raised.value, (UnicodeError, SyntaxError, LookupError))


def test_nul_after_the_first_8_kib_is_not_taken_for_binary():
    data = b"#" * 8192 + b"\x00"

    assert read_text(data) == (data.decode(), "utf-8")


def test_read_plain_text_strips_a_bom_and_ignores_coding_cookies():
    assert read_plain_text(b"\xef\xbb\xbfopenai==1.0\n") == "openai==1.0\n"
    with pytest.raises(DecodeError, match=r"^not valid utf-8 text \(byte 0xe9 at offset 18\)$"):
        read_plain_text(b"# coding: latin-1\n\xe9")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbfab\xff", "not valid utf-8 text (byte 0xff at offset 5)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (NUL byte at offset 8)"),
    ],
)
def test_read_plain_text_errors(data, message):
    with pytest.raises(DecodeError) as raised:
        read_plain_text(data)

    assert str(raised.value) == message
