"""The lean position pass reports exactly what libcst's PositionProvider reports."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from banjia.codemods.positions import Position, positions_of

SOURCES = sorted((Path(__file__).parent / "fixtures" / "audit").glob("*.py"))
TRICKY = [
    "x = 1\r\ny = f(\r\n  'a',\r\n)\r\n",
    "def f():\n\tif x:\n\t\treturn g('é', \"中文\")\n",
    "a = b.c(d)[e].f  # comment\n\n\n@dec(1)\nclass K(B):\n    z = 'o1'\n",
    "import os, openai as oa\nfrom x import (a,\n    b as c)\n",
    "s = ('gpt-4o'\n     'x')\nw = lambda: (yield)\n",
]
INTERESTING = (cst.Call, cst.Attribute, cst.SimpleString, cst.ImportAlias, cst.ImportFrom, cst.Name)


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, INTERESTING):
            self.nodes.append(node)
        return True


@pytest.mark.parametrize("source", [p.read_text(encoding="utf-8") for p in SOURCES] + TRICKY)
def test_positions_match_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    collector = _Collect()
    module.visit(collector)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found = positions_of(module, collector.nodes)
    assert collector.nodes
    for node in collector.nodes:
        want = expected[node]
        got = found[id(node)]
        assert (got.line, got.column - 1, got.end_line, got.end_column - 1) == (
            want.start.line, want.start.column, want.end.line, want.end.column,
        ), module.code_for_node(node)


NO_FINAL_NEWLINE = ["x = f('a')", "def f():\n    return g(1)", "import openai\nclient = openai.OpenAI()  # done"]


@pytest.mark.parametrize("source", [p.read_text(encoding="utf-8") for p in SOURCES] + TRICKY + NO_FINAL_NEWLINE)
def test_a_node_asked_alone_is_placed_as_among_all(source: str) -> None:
    """The code generation stops after the last wanted node: where it stops moves nothing."""
    module = cst.parse_module(source)
    collector = _Collect()
    module.visit(collector)
    together = positions_of(module, collector.nodes)
    for node in collector.nodes:
        assert positions_of(module, [node]) == {id(node): together[id(node)]}, module.code_for_node(node)


def test_a_statement_ending_the_file_without_a_line_break_ends_on_its_last_line() -> None:
    """The module drops the final line break only at its very end, after the statement's range closed."""
    module = cst.parse_module("x = 1\ndef f():\n    return g(1)")
    function = module.body[1]
    assert positions_of(module, [function]) == {id(function): Position(2, 1, 3, 16)}
