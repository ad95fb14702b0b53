"""Per-site verdicts (`audit --to`): read off the compat planner, attached to the audit's findings."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from banjia.api import audit
from banjia.codemods.verdicts import audit_python
from banjia.model import Finding, Kind
from banjia.rules.loader import load_builtin
from banjia.report.summary import summarize


def judged(source: str, provider: str, *, unsafe: bool = False) -> list[Finding]:
    return audit_python(textwrap.dedent(source), "app.py", load_builtin(provider), unsafe=unsafe)


def verdicts(source: str, provider: str, *, unsafe: bool = False) -> list[tuple[int, str, str, list[str]]]:
    """(line, kind, verdict, reasons) of every finding that has a verdict."""
    return [
        (f.span.line, f.kind.value, f.data["verdict"], f.data["verdict_reasons"])
        for f in judged(source, provider, unsafe=unsafe)
        if "verdict" in f.data
    ]


def test_a_plain_client_and_call_are_auto_without_reasons() -> None:
    source = """\
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model="gpt-4o", messages=[])
    """
    assert verdicts(source, "qwen") == [(2, "client", "auto", []), (3, "call", "auto", [])]


def test_a_clamped_parameter_and_a_dynamic_model_are_auto_with_notes() -> None:
    source = """\
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model="gpt-4o", messages=[], temperature=2)
        client.chat.completions.create(model=MODEL, messages=[])
    """
    clamped, dynamic = verdicts(source, "qwen")[1:]
    assert clamped[2] == "auto-with-notes" and clamped[3][0].startswith("temperature 2 clamped to 1.99")
    assert dynamic[2] == "auto-with-notes" and dynamic[3][0].startswith("model comes from `MODEL`")


def test_a_model_mapped_with_a_caution_is_auto_with_notes_and_one_without_is_auto() -> None:
    source = """\
        from openai import OpenAI
        client = OpenAI()
        client.embeddings.create(model="text-embedding-3-small", input="x", encoding_format="float")
        client.chat.completions.create(model="gpt-4o", messages=[])
    """
    embeddings, chat = verdicts(source, "qwen")[1:]
    assert embeddings[2] == "auto-with-notes"
    assert embeddings[3] == [next(r for r in embeddings[3] if r.startswith("model 'text-embedding-3-small'"))]
    assert chat[2:] == ("auto", [])


def test_an_unsafe_fix_is_manual_until_unsafe_is_given() -> None:
    source = """\
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=4096)
    """
    [(_, _, verdict, reasons)] = verdicts(source, "minimax")[1:]
    assert verdict == "manual"
    assert reasons == [r for r in reasons if "not applied: unsafe fix (use --unsafe)" in r] != []
    [(_, _, verdict, reasons)] = verdicts(source, "minimax", unsafe=True)[1:]
    assert verdict == "auto-with-notes"
    assert reasons[0].startswith("unsafe fix applied (--unsafe): max_tokens 4096 clamped to 2048")


def test_legacy_calls_are_judged_on_the_upgraded_code() -> None:
    source = """\
        import openai
        r = openai.ChatCompletion.create(model="gpt-4", messages=[], temperature=2.5)
        e = openai.Edit.create(model="text-davinci-edit-001", input="x", instruction="fix it")
    """
    converted, retired = verdicts(source, "zhipu")
    assert converted == (2, "call", "auto-with-notes", [
        "openai.ChatCompletion.create -> client.chat.completions.create",
        "temperature 2.5 clamped to 1.0 (GLM accepts temperature in [0, 1] (OpenAI: [0, 2]))",
    ])
    assert retired[:3] == (3, "call", "manual") and "edits endpoint was retired" in retired[3][0]


def test_an_unsupported_api_and_a_model_without_equivalent_are_blocked() -> None:
    source = """\
        from openai import OpenAI
        client = OpenAI()
        client.embeddings.create(model="text-embedding-3-small", input="x")
        client.chat.completions.create(model="dall-e-3", messages=[])
    """
    embeddings, chat = verdicts(source, "deepseek")[1:]
    assert embeddings[2:] == ("blocked", ["DeepSeek: DeepSeek has no embeddings API (POST /embeddings returns 404): "
                                          "keep embeddings on another provider"])
    assert chat[2] == "blocked" and chat[3][0].startswith("no DeepSeek equivalent for 'dall-e-3'")


def test_the_most_severe_reason_comes_first() -> None:
    source = """\
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model=MODEL, messages=[], temperature=t)
    """
    [(_, _, verdict, reasons)] = verdicts(source, "qwen")[1:]
    assert verdict == "manual"
    assert [r.split(" ", 1)[0] for r in reasons] == ["temperature", "model"]  # manual, then info
    assert "is computed" in reasons[0]


def test_a_site_inside_another_keeps_its_own_notes() -> None:
    source = """\
        from openai import OpenAI
        OpenAI(organization="org-1").moderations.create(input="x")
    """
    call, client = sorted(verdicts(source, "qwen"), key=lambda v: v[1])
    assert client[1:] == ("client", "auto", [])
    assert call[1:3] == ("call", "blocked") and "moderation" in call[3][0]


def test_wrappers_get_verdicts_and_their_imports_do_not() -> None:
    source = """\
        import tiktoken
        from langchain_openai import ChatOpenAI
        from llama_index.llms.openai import OpenAI
        chat = ChatOpenAI(model="gpt-4o")
        llm = OpenAI(model="gpt-4o")
        encoding = tiktoken.encoding_for_model("gpt-4o")
    """
    found = verdicts(source, "qwen")
    assert [(line, verdict) for line, _, verdict, _ in found] == [(4, "auto"), (5, "manual"), (6, "manual")]
    assert found[1][3][0] == ("add the llama-index-llms-openai-like package to the project's dependencies "
                              "(OpenAILike lives there)")


def test_findings_that_are_not_sites_have_no_verdict() -> None:
    findings = judged('from openai import OpenAI\nMODEL = "gpt-4o"\n', "qwen")
    assert {f.kind for f in findings} == {Kind.IMPORT, Kind.MODEL}
    assert all("verdict" not in f.data for f in findings)


def test_notebook_sites_are_judged_like_python_across_cells(tmp_path: Path) -> None:
    cells = [
        "from openai import OpenAI\nclient = OpenAI()",
        "%pip install openai\nr = client.chat.completions.create(model='gpt-4o', messages=[], temperature=3)",
        "client.images.generate(model='dall-e-3', prompt='a cat')",
    ]
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                   "source": source.splitlines(keepends=True)} for source in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    [result] = audit([path], rules=load_builtin("qwen")).files
    found = [(f.span.cell, f.span.line, f.kind.value, f.data["verdict"]) for f in result.findings if "verdict" in f.data]
    assert found == [(0, 2, "client", "auto"), (1, 2, "call", "auto-with-notes"), (2, 1, "call", "blocked")]
    clamped = next(f for f in result.findings if f.data.get("verdict") == "auto-with-notes")
    assert clamped.data["verdict_reasons"] == ["temperature 3 clamped to 1.99 (DashScope accepts temperature in [0, 2) (2 itself is rejected))"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\nclient = OpenAI()\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n"
        "client.embeddings.create(model='text-embedding-3-small', input='x')\n",
        encoding="utf-8",
    )
    return tmp_path


def test_the_audit_judges_sites_only_when_given_rules(project: Path) -> None:
    plain = audit([project])
    assert plain.target is None and summarize(plain).verdicts == ()
    assert all("verdict" not in f.data for f in plain.findings)
    result = audit([project], rules=load_builtin("deepseek"))
    assert result.target == "deepseek"
    assert summarize(result).verdicts == (("auto", 2), ("auto-with-notes", 0), ("manual", 0), ("blocked", 1))
    assert len(result.findings) == len(plain.findings)  # the same findings, judged
