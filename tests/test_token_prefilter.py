"""The prefilter's token stage: it turns away incidental mentions, and never a file with a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        'create(model="davinci")\n',
        'key = os.environ["OPENAI_API_KEY"]\n',
        'key = os.getenv(u"AZURE_OPENAI_ENDPOINT")\n',
        "def broken(:\n    import openai\n",  # tokenizes; the parser reports the error
        'text = """never closed openai\n',  # the tokenizer gives up: the parser reports why
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
    ],
)
def test_incidental_mentions_are_turned_away(source):
    data = source.encode()
    assert prefilter(data, "pkg/mod.py")
    assert not tokens_may_match(data, "pkg/mod.py")
    assert not may_hold_findings(data, "pkg/mod.py")


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
