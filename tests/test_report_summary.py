from __future__ import annotations

import dataclasses

import pytest
from test_report_sample import (
    APP,
    BROKEN,
    UNREADABLE,
    empty_result,
    finding,
    reordered_sample_result,
    sample_result,
)

from banjia.model import AuditResult, FileResult, Kind
from banjia.report.summary import Summary, summarize


def test_counts_files_findings_and_confidence() -> None:
    summary = summarize(sample_result())
    assert summary.files_scanned == 12
    assert summary.files_parsed == 9
    # legacy/latin1.py only holds its UNPROCESSABLE finding: not an OpenAI usage.
    assert summary.files_with_findings == 5
    assert summary.findings == 15
    assert (summary.certain, summary.likely) == (14, 1)


def test_kinds_are_ranked_by_count_then_name() -> None:
    assert summarize(sample_result()).by_kind == (
        ("call", 4),
        ("dependency", 2),
        ("env-var", 2),
        ("client", 1),
        ("config", 1),
        ("error-ref", 1),
        ("import", 1),
        ("model", 1),
        ("type-import", 1),
        ("wrapper", 1),
    )


def test_call_apis_parameters_env_vars_and_dependencies() -> None:
    summary = summarize(sample_result())
    assert summary.calls_by_api == (
        ("chat.completions.create", 2),
        ("Completion.create", 1),
        ("embeddings.create", 1),
    )
    assert summary.parameters == (("model", 2), ("temperature", 2), ("input", 1), ("max_tokens", 1))
    assert summary.env_vars == (("OPENAI_API_KEY", 2),)
    assert summary.dependencies == (("openai>=1.0", 1), ("tiktoken", 1))


def test_unprocessable_lists_files_with_an_error_or_an_unprocessable_finding() -> None:
    assert summarize(sample_result()).unprocessable == (BROKEN, UNREADABLE)


def test_a_model_inside_a_call_is_counted_once() -> None:
    # The sample's first call names gpt-4o and a MODEL finding sits inside it: one mention.
    assert summarize(sample_result()).models == (("gpt-4o", 1), ("gpt-4o-mini", 1), ("text-davinci-003", 1))


def test_models_count_every_separate_mention() -> None:
    call = finding(
        Kind.CALL, APP, 3, 1, "calls", "c.chat.completions.create(model='gpt-4o')", api="x", model="gpt-4o"
    )
    inside = finding(Kind.MODEL, APP, 3, 30, "model", "'gpt-4o'", model="gpt-4o")
    elsewhere = finding(Kind.MODEL, "config.yaml", 3, 30, "model", "gpt-4o", model="gpt-4o")
    other_line = finding(Kind.MODEL, APP, 8, 1, "model", "'gpt-4o'", model="gpt-4o")
    wrapper = finding(Kind.WRAPPER, APP, 12, 1, "ChatOpenAI", "ChatOpenAI(model=name)", model="gpt-4o")
    call_without_mention = finding(
        Kind.CALL, APP, 10, 1, "calls", "c.embeddings.create(model=M)", api="y", model="gpt-4o"
    )
    result = AuditResult(
        roots=(".",),
        files=(
            FileResult(APP, (call, inside, other_line, call_without_mention, wrapper)),
            FileResult("config.yaml", (elsewhere,)),
        ),
        files_scanned=2,
        files_parsed=2,
    )
    assert summarize(result).models == (("gpt-4o", 5),)


def test_data_that_is_missing_or_of_the_wrong_type_is_skipped() -> None:
    odd = (
        finding(Kind.CALL, APP, 1, 1, "calls", "x()", api=None, params=["not", "a", "dict"], model=3),
        finding(Kind.DEPENDENCY, "req.txt", 1, 1, "dep", "?", spec=">=1"),
        finding(Kind.ENV_VAR, ".env", 1, 1, "env"),
    )
    result = AuditResult(roots=(".",), files=(FileResult(APP, odd),), files_scanned=1, files_parsed=1)
    summary = summarize(result)
    assert summary.calls_by_api == summary.parameters == summary.models == ()
    assert summary.dependencies == summary.env_vars == ()
    assert summary.by_kind == (("call", 1), ("dependency", 1), ("env-var", 1))


def test_an_audit_with_nothing_found() -> None:
    summary = summarize(empty_result())
    assert (summary.files_scanned, summary.files_parsed, summary.files_with_findings, summary.findings) == (
        3,
        2,
        0,
        0,
    )
    assert summary.by_kind == summary.models == summary.dependencies == ()
    assert summary.unprocessable == ()


def test_order_of_input_does_not_change_the_summary() -> None:
    assert summarize(reordered_sample_result()) == summarize(sample_result())


def test_to_dict_maps_names_to_counts() -> None:
    data = summarize(sample_result()).to_dict()
    assert data["confidence"] == {"certain": 14, "likely": 1}
    assert data["by_kind"]["call"] == 4
    assert data["dependencies"] == {"openai>=1.0": 1, "tiktoken": 1}
    assert data["unprocessable"] == [BROKEN, UNREADABLE]
    assert set(data) == {field.name for field in dataclasses.fields(Summary)} - {"certain", "likely"} | {
        "confidence"
    }


def test_summary_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        summarize(sample_result()).findings = 0  # type: ignore[misc]
