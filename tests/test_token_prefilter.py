"""The prefilter's token stage: it turns away incidental mentions, and never a file with a finding."""

from __future__ import annotations

import symtable
from pathlib import Path

import openai
import pytest

from banjia import token_prefilter
from banjia.api import AuditOptions, audit, migrate, may_hold_findings
from banjia.discover import prefilter
from banjia.rules.loader import load_builtin
from banjia.token_prefilter import tokens_may_match

REPO = Path(__file__).resolve().parent.parent
CORPUS = [REPO / "tests" / "fixtures", REPO / "examples"]


@pytest.mark.parametrize(
    "source",
    [
        "import openai\n",
        "import os, openai.types as t\n",
        "from openai import OpenAI\n",
        "if True: from langchain_openai import ChatOpenAI\n",
        "from langchain.chat_models import (\n    ChatOpenAI,\n)\n",
        "from llama_index.llms.openai import OpenAI\n",
        "import tiktoken\n",
        'MODEL = "gpt-4o-mini"\n',
        "MODEL = 'openai/gpt-4o'\n",
        'MODEL = r"o3-mini"\n',
        'MODEL = """gpt-4o"""\n',
        'MODEL = "gpt-4o" " (default)"\n',  # implicit concatenation: the first part alone is a model
        'MODEL = "gpt\\x2d4o"\n',  # an escape: the value, not the spelling, counts
        'MODEL = "\\N{LATIN SMALL LETTER G}pt-4o"\n',
        'MODEL = "\\147pt-4o"\n',  # an octal escape
        'MODEL = "gpt-\\\n4o"\n',  # a backslash-newline is no character at all
        'MODEL = "gpt-4.\u0661"\n',  # the model pattern's \\d takes any decimal digit
        "import os\nopenai = None\n",  # an import and the name, though unrelated
        'create(model="davinci")\n',
        'key = os.environ["OPENAI_API_KEY"]\n',
        'key = os.getenv(u"AZURE_OPENAI_ENDPOINT")\n',
        "def broken(:\n    import openai\n",  # tokenizes; the parser reports the error
        'text = """never closed openai\n',  # the tokenizer gives up: the parser reports why
        "if ok:\n        a = 1\n    b = 2  # openai\n",  # a dedent to no enclosing column
        "x = (  # openai\n    1,\n",  # a bracket left open
        "# coding: ascii\n# openai\ns = 'caf\xe9'\n",  # undecodable as declared
    ],
)
def test_sources_that_may_hold_a_finding_pass(source):
    assert tokens_may_match(source.encode(), "pkg/mod.py")


@pytest.mark.parametrize(
    "source",
    [
        "# uses the openai SDK, gpt-4o by default\n",
        '"""Talks to OpenAI\'s gpt-4o through an OpenAI-compatible server."""\n',
        'HELP = "Set OPENAI_API_KEY first"\n',
        "openai_compatible = True\nclient = make_openai_client()\n",
        "openai = None\nopenai.api_key = KEY\n",  # a name, but no SDK import bound it
        'MODEL = b"gpt-4o"\n',  # bytes never become a model name
        'MODEL = f"gpt-4o"\n',  # f-strings are not literals the analyzer reads
        'MODEL = "gpt-4o' + " " * 90 + '"\n',  # longer than any name the analyzer reads
        "import os\n# see https://github.com/openai/openai-python\n",  # the name in a comment only
        'import os\n"""Wraps openai."""\nx = "openai"\n',  # and in strings only
        'import os\nNOTE = "the gpt-4o model"\n',  # a model name inside a longer string
    ],
)
def test_incidental_mentions_are_turned_away(source):
    data = source.encode()
    assert prefilter(data, "pkg/mod.py")
    assert not tokens_may_match(data, "pkg/mod.py")
    assert not may_hold_findings(data, "pkg/mod.py")


def test_a_line_the_tokenizer_skips_after_a_lone_carriage_return_is_left_to_it():
    # The tokenizer reads `\r"""doc` as a blank line, so the next `"""` opens a string it
    # never sees closed and it gives up (the file passes); the parser reads two lines.
    data = b'x = 1\n\r"""doc\n"""  # openai\n'
    symtable.symtable(data, "mod.py", "exec")
    assert tokens_may_match(data, "pkg/mod.py")


def proof_corpus() -> list[bytes]:
    """Real sources that reach the token stage: fixtures, examples, banjia and the openai SDK."""
    folders = [*CORPUS, REPO / "banjia", Path(openai.__file__).parent]
    paths = sorted(path for folder in folders for path in folder.rglob("*.py"))
    return [data for data in map(Path.read_bytes, paths) if prefilter(data, "mod.py")]


def test_a_proof_that_a_source_is_turned_away_always_agrees_with_its_tokens():
    proved = [data for data in proof_corpus() if token_prefilter._proved_incidental(data)]
    assert len(proved) > 50  # the proof does hold on real code, so it is tested
    assert not any(token_prefilter._tokens_may_match(data) for data in proved)


def test_code_only_blanks_strings_and_comments_but_not_f_strings_that_hold_tokens(monkeypatch):
    assert token_prefilter._code_only('x = "openai"  # openai\n') == "x =     \n"
    monkeypatch.setattr(token_prefilter, "_F_STRINGS_HOLD_TOKENS", True)  # Python 3.12 and later
    with_f_string = 'x = f"{d["k"]}{openai}"  # openai\n'
    assert token_prefilter._code_only(with_f_string) == with_f_string
    assert token_prefilter._code_only('x = "openai"  # openai\n') == "x =     \n"


def test_setup_py_and_other_kinds_are_left_to_the_byte_stage():
    data = b'install_requires = ["openai>=1.0"]\n'
    assert tokens_may_match(data, "setup.py") and may_hold_findings(data, "pkg/setup.py")
    assert not tokens_may_match(data, "pkg/install.py")
    assert may_hold_findings(b'{"cells": [{"source": ["# openai"]}]}', "nb.ipynb")
    assert may_hold_findings(b"openai==1.0\n", "requirements.txt")


def migration_outcome(result) -> list:
    """What a migration reports and writes; a turned-away file is not decoded, so its `before` is empty."""
    return [(f.path, f.changed, f.after if f.changed else None, f.changes, f.notes, f.error) for f in result.files]


def files_with_findings(result) -> list:
    return [(file, [finding.to_dict() for finding in file.findings]) for file in result.files]


def test_every_fixture_gives_the_same_findings_with_and_without_the_prefilter():
    filtered = audit(CORPUS, AuditOptions(jobs=1))
    unfiltered = audit(CORPUS, AuditOptions(jobs=1, use_prefilter=False))
    assert files_with_findings(filtered) == files_with_findings(unfiltered)
    assert filtered.files_parsed < unfiltered.files_parsed  # something was turned away


@pytest.mark.parametrize("provider", ["qwen", "deepseek"])
def test_every_fixture_gets_the_same_verdicts_and_migration_with_the_token_stage(monkeypatch, provider):
    rules = load_builtin(provider)
    judged = audit(CORPUS, AuditOptions(jobs=1), rules=rules)
    migrated = migration_outcome(migrate(CORPUS, rules, AuditOptions(jobs=1)))
    monkeypatch.setattr("banjia.api.tokens_may_match", lambda data, relpath: True)
    assert files_with_findings(audit(CORPUS, AuditOptions(jobs=1), rules=rules)) == files_with_findings(judged)
    assert migration_outcome(migrate(CORPUS, rules, AuditOptions(jobs=1))) == migrated
