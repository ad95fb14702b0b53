"""The reports' JSON writer gives exactly the text of `json.dumps(sort_keys=True, ensure_ascii=False, indent=2)`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from banjia.api import AuditOptions, audit
from banjia.report.canonical_json import canonical_json
from banjia.report.json_report import render_json

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

REPO = Path(__file__).resolve().parent.parent

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children) | st.tuples(children, children)
    | st.dictionaries(st.text(), children) | st.dictionaries(keys, children, max_size=1),
    max_leaves=30,
)


def stdlib(document) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


@hypothesis.given(documents)
def test_any_document_is_written_as_the_standard_library_writes_it(document):
    assert canonical_json(document) == stdlib(document)


@pytest.mark.parametrize("document", [{}, [], "中文 \u2028 \x00 \"quoted\"", float("nan"), -float("inf"), 1e300,
                                      {"b": [1, {}], "a": {"c": []}}, {2: "two", 1: "one"}, {True: 1}])
def test_edge_cases(document):
    assert canonical_json(document) == stdlib(document)


def test_the_audit_report_of_every_fixture_is_unchanged():
    result = audit([REPO / "tests" / "fixtures", REPO / "examples"], AuditOptions(jobs=1))
    document = json.loads(render_json(result))
    assert render_json(result) == stdlib(document)


@pytest.mark.parametrize("document", [{"a": object()}, {("a", 1): 1}, {"a": b"bytes"}])
def test_what_json_cannot_write_is_refused_alike(document):
    with pytest.raises(TypeError):
        json.dumps(document, sort_keys=True, indent=2)
    with pytest.raises(TypeError):
        canonical_json(document)
