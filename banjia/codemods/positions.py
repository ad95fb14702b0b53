"""Source positions for a few chosen nodes, at the cost of one plain code generation.

libcst's PositionProvider records a position for every node of the module, which on
real code costs more than ten times the code generation it piggybacks on. An audit needs
positions only for the handful of nodes it reports, so this runs the same code
generation once, remembers the token index where each chosen node starts and ends, and
turns token indexes into line and column numbers afterwards in bulk. Positions are the
same syntactic ranges PositionProvider reports (tested against it).

The generation stops as soon as the last chosen node is done: findings cluster near the
top of a file (imports, clients), and what follows the last one cannot move it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import accumulate
from typing import ContextManager, Iterable, Iterator, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")
_UNMARKED = nullcontext()


class _AllMarked(Exception):
    """Raised out of the code generation once every wanted node has its token range."""


@dataclass(frozen=True)
class Position:
    """1-based line and column; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class _MarkingState(CodegenState):
    wanted: set[int] = field(default_factory=set)
    marks: dict[int, tuple[int, int]] = field(default_factory=dict)

    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> ContextManager[None]:
        # Called for nearly every node: the ones not wanted share one no-op context.
        return self._marking(node) if id(node) in self.wanted else _UNMARKED

    @contextmanager
    def _marking(self, node: cst.CSTNode) -> Iterator[None]:
        start = len(self.tokens)
        yield
        self.marks[id(node)] = (start, len(self.tokens))
        # The module drops its last token, a line break, when the file ends without one: a
        # range ending in a line break may still be cut, so the generation then runs on.
        if len(self.marks) == len(self.wanted) and not self.tokens[-1].endswith(("\n", "\r")):
            raise _AllMarked


def positions_of(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, Position]:
    """Positions of `nodes` (expressions and simple statements) keyed by `id(node)`."""
    wanted = {id(node) for node in nodes}
    if not wanted:
        return {}
    state = _MarkingState(
        default_indent=module.default_indent, default_newline=module.default_newline, wanted=wanted
    )
    try:
        module._codegen(state)
    except _AllMarked:
        pass
    offsets = [0, *accumulate(map(len, state.tokens))]
    code = "".join(state.tokens)
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(code))]

    def locate(token_index: int) -> tuple[int, int]:
        offset = offsets[min(token_index, len(offsets) - 1)]
        line = bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    result = {}
    for key, (start, end) in state.marks.items():
        line, column = locate(start)
        end_line, end_column = locate(end)
        result[key] = Position(line, column, end_line, end_column)
    return result
