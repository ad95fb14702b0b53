"""Keeps deeply nested code from crashing or stalling the process that parses it.

libcst's native parser recurses once per level of nesting on the C stack, where
Python's recursion limit does not reach: a generated file with a sum of ten thousand
terms (sympy ships such files) overflows a thread's usual 8 MB stack and kills the
whole process with a segmentation fault, taking every other file's result with it.
Its time also grows with the square of the depth (a 4,000-term sum takes seconds).

So every Python file is first measured with CPython's own parser, which refuses
excessive nesting with an exception rather than a crash and is some ten times faster
than libcst; a file nested deeper than `MAX_NESTING` is reported and skipped. The
parse itself then runs on a thread with a large stack and a raised recursion limit,
so code that passes the measure (or that CPython cannot parse at all: Python 2, or
syntax newer than the running interpreter) fails with a `RecursionError`, caught per
file, before it can exhaust the stack.
"""

from __future__ import annotations

import ast
import sys
import threading
import warnings
from typing import Callable, TypeVar

# Deeper than any hand-written code (a few dozen levels); libcst takes about a second here.
MAX_NESTING = 2_000
# Python frames allowed while parsing and visiting: libcst's visitors take several per level.
RECURSION_LIMIT = 10_000
# Room for RECURSION_LIMIT Python frames and the native parser at MAX_NESTING, several
# times over. Only the pages a parse touches are ever committed.
STACK_BYTES = 512 * 1024 * 1024

T = TypeVar("T")


class TooDeeplyNested(ValueError):
    """Code nested beyond what can be parsed safely. The message is written for the report."""


def check_nesting(source: str) -> None:
    """Raise TooDeeplyNested when `source` nests deeper than MAX_NESTING syntax levels.

    Code CPython cannot parse for any other reason passes: libcst decides about it.
    """
    try:
        parse_within_depth(source)
    except TooDeeplyNested:
        raise
    except (SyntaxError, ValueError):
        return


def parse_within_depth(source: str) -> ast.Module:
    """`ast.parse(source)`, or TooDeeplyNested for code libcst could not parse safely.

    For callers that need CPython's verdict anyway (notebook cells): SyntaxError and
    ValueError (null bytes) pass through.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for old escape sequences
        try:
            tree = ast.parse(source)
        except RecursionError:
            raise TooDeeplyNested("too deeply nested to parse (Python's own parser gives up)") from None
        except MemoryError:
            raise TooDeeplyNested("too large or deeply nested to parse (out of memory)") from None
        except (SyntaxError, ValueError) as error:
            if "too many nested" in str(error):
                raise TooDeeplyNested(f"too deeply nested to parse ({error.msg})") from None  # type: ignore[attr-defined]
            raise
    if _depth(tree) > MAX_NESTING:
        raise TooDeeplyNested(f"too deeply nested to parse (more than {MAX_NESTING:,} levels)")
    return tree


def _depth(tree: ast.AST) -> int:
    """Levels of the syntax tree, counted breadth first (no recursion), up to MAX_NESTING + 1."""
    depth = 0
    level = [tree]
    while level and depth <= MAX_NESTING:
        depth += 1
        level = [child for node in level for child in ast.iter_child_nodes(node)]
    return depth


def on_deep_stack(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`function(*args, **kwargs)` on a thread with a STACK_BYTES stack and RECURSION_LIMIT.

    Returns its result or raises its exception. The thread is a daemon, so an
    interrupt of the caller (Ctrl-C) is never held up by it. Where no thread with
    such a stack can start, the function runs on the caller's own stack, under the
    caller's recursion limit, which keeps that stack safe.
    """
    outcome: list = []

    def target() -> None:
        try:
            outcome.append((True, function(*args, **kwargs)))
        except BaseException as error:  # handed to the caller, raised there
            outcome.append((False, error))

    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
    previous_size = threading.stack_size(STACK_BYTES)
    worker: threading.Thread | None = threading.Thread(target=target, name="banjia-parse", daemon=True)
    try:
        worker.start()
    except RuntimeError:  # no room for the stack (strict overcommit, 32-bit): the usual one and limit, then
        worker = None
        sys.setrecursionlimit(previous_limit)
    finally:
        threading.stack_size(previous_size)
    try:
        if worker is None:
            target()
        else:
            worker.join()
    finally:
        sys.setrecursionlimit(previous_limit)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value
