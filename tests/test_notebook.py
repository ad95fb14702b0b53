"""Notebooks: code cells analysed with cell positions, IPython lines skipped, bad cells isolated."""

from __future__ import annotations

from pathlib import Path

import pytest

from banjia.model import Kind
from banjia.scanners.notebook import NotebookError, python_of_cell, scan_notebook

NOTEBOOK = Path(__file__).parent / "fixtures" / "notebooks" / "analysis.ipynb"


@pytest.fixture(scope="module")
def findings():
    return scan_notebook(NOTEBOOK.read_text(encoding="utf-8"), "analysis.ipynb")


def facts(findings, kind):
    return sorted((f.span.cell, f.span.line, f.span.column) for f in findings if f.kind is kind)


def test_calls_resolve_across_cells_with_cell_positions(findings) -> None:
    calls = [f for f in findings if f.kind is Kind.CALL]
    assert [(f.span.cell, f.span.line, f.data["api"], f.confidence.value) for f in calls] == [
        (2, 2, "chat.completions.create", "certain"),
        (5, 1, "embeddings.create", "certain"),
    ]


def test_imports_clients_and_models_are_found(findings) -> None:
    assert facts(findings, Kind.IMPORT) == [(1, 4, 8), (1, 5, 1)]
    assert facts(findings, Kind.CLIENT) == [(1, 6, 10)]
    assert sorted(f.data["model"] for f in findings if f.kind is Kind.MODEL) == ["gpt-4o", "text-embedding-3-small"]


def test_other_language_cell_magics_are_skipped(findings) -> None:
    assert not [f for f in findings if f.span.cell == 3]


def test_a_broken_cell_is_reported_and_the_rest_still_analysed(findings) -> None:
    broken = [f for f in findings if f.kind is Kind.UNPROCESSABLE]
    assert [(f.span.cell, f.span.line) for f in broken] == [(4, 1)]
    assert "does not parse" in broken[0].message
    assert any(f.span.cell == 5 for f in findings if f.kind is Kind.CALL)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("%pip install openai\nimport openai", "pass\nimport openai"),
        ("x = 1\n  !ls", "x = 1\n  pass"),
        ("files = !ls -la\nprint(files)", "pass\nprint(files)"),
        ("y = a % b\nz = x != 1", "y = a % b\nz = x != 1"),
        ("%%timeit\nsum(range(3))", "pass\nsum(range(3))"),
        ("%%writefile app.py\nimport openai", None),
    ],
)
def test_ipython_syntax_is_neutralised_without_moving_lines(cell: str, expected: str | None) -> None:
    assert python_of_cell(cell) == expected


@pytest.mark.parametrize("text", ["{not json", "[]", '{"cells": 3}'])
def test_malformed_notebooks_raise_a_clear_error(text: str) -> None:
    with pytest.raises(NotebookError):
        scan_notebook(text, "bad.ipynb")
