"""The read-only walk meets the same nodes, in the same order, as libcst's own visit."""

from __future__ import annotations

import inspect
from pathlib import Path

import libcst as cst
import pytest

from banjia.codemods.walk import child_nodes, walk

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted((ROOT / "examples" / "support-desk").rglob("*.py")) + sorted(
    path for path in (ROOT / "tests" / "fixtures").rglob("*.py") if not path.name.endswith(".fixed.py")
)[::3]
# Syntax the sample may lack: every kind of child field (optional, sentinel, sequence,
# body) and the node classes whose visit order is conditional or not the source order.
VARIED = '''\
from __future__ import annotations
from . import a
from ..pkg.mod import (b as c, d,)
from x import *
import os.path as p, sys
@dec(1)
@other.deco
async def f[T: int, *Ts, **P](x: int = 1, /, y=2, *args, z: str, **kw) -> T:
    global g
    nonlocal_free = lambda q, *r, s=3, **t: (q, r, s, t)
    async with open(x) as h, other():
        async for i, (j, *k) in h:
            yield await i
    return f"{x!r:>{y}.{z}} {x=} {'nested' + f'{y}'}" 'plain' "concatenated"
class K(Base, metaclass=M):
    attr: dict[str, list[int]] | None = None
    def m(self): del self.attr[1:2, ::3]; return {**self.__dict__, "k": [*a], 1: {n for n in b if n}}
type Alias[U] = list[U]
match command.split():
    case [action, *rest] if rest: pass
    case {"k": v, **others}: pass
    case Point(x=0, y=yy) | None as bound: pass
    case _: pass
try:
    x = y if z else (w := 1)
except* (ValueError, TypeError) as e:
    raise RuntimeError() from e
else:
    assert x, "message"
finally:
    print(not -x ** 2 @ y // 3 < 4 <= 5 is not None, *z, sep="")
while (i := i - 1) > 0: continue
x += 1; x -= 1; x *= 1; x /= 1; x //= 1; x %= 1; x **= 1; x @= y; x &= 1; x |= 1; x ^= 1; x <<= 1; x >>= 1
y = ~a & b ^ c | d << 1 >> 2 % 3 + +4j, a in b, a is b, a != b, a >= b, {1, ...}, {k: v for k, v in w}
def h(a, *, b):
    nonlocal q
    match p:
        case (1, 2): pass
'''


def _sources() -> list[str]:
    return [VARIED] + [path.read_text(encoding="utf-8") for path in SAMPLE]


def _node_classes() -> list[type]:
    return [
        cls for cls in vars(cst).values()
        if isinstance(cls, type) and issubclass(cls, cst.CSTNode) and not inspect.isabstract(cls)
    ]


def _recorder_class() -> type:
    """A visitor with a visit_ and a leave_ hook for every node class, logging what it meets."""

    def hooks(name: str) -> dict:
        return {
            f"visit_{name}": lambda self, node: self.events.append(("visit", id(node))),
            f"leave_{name}": lambda self, node: self.events.append(("leave", id(node))),
        }

    body: dict = {"__init__": lambda self: setattr(self, "events", [])}
    for cls in _node_classes():
        body.update(hooks(cls.__name__))
    return type("Recorder", (), body)


class _LibcstOrder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))


def test_the_sample_is_varied() -> None:
    """Guard the comparison below: the sample reaches most of libcst's node classes."""
    seen: set[type] = set()

    class Classes(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            seen.add(type(node))
            return True

    for source in _sources():
        cst.parse_module(source).visit(Classes())
    assert len(SAMPLE) >= 20
    assert len(seen) >= 0.9 * len(_node_classes())


@pytest.mark.parametrize("source", _sources(), ids=["varied"] + [str(p.relative_to(ROOT)) for p in SAMPLE])
def test_same_nodes_in_the_same_order_as_libcst(source: str) -> None:
    module = cst.parse_module(source)
    expected = _LibcstOrder()
    module.visit(expected)
    found = _recorder_class()()
    walk(module, found)
    assert found.events == expected.events


def _one_hook_visitor(node_class: type) -> type:
    """A visitor with hooks for `node_class` only, logging what it meets."""
    name = node_class.__name__
    return type(f"Only{name}", (), {
        "__init__": lambda self: setattr(self, "events", []),
        f"visit_{name}": lambda self, node: self.events.append(("visit", id(node))),
        f"leave_{name}": lambda self, node: self.events.append(("leave", id(node))),
    })


def test_a_visitor_with_few_hooks_meets_every_node_it_has_a_hook_for() -> None:
    """The walk leaves out subtrees that cannot hold a hooked node (by the fields' types):
    for each node class, a visitor hooked on it alone still meets all its nodes, in order."""
    visitors = {cls: _one_hook_visitor(cls) for cls in _node_classes()}
    for source in _sources():
        module = cst.parse_module(source)
        every = _LibcstOrder()
        module.visit(every)
        classes: dict[int, type] = {}
        pending: list[cst.CSTNode] = [module]
        while pending:
            node = pending.pop()
            classes[id(node)] = type(node)
            pending.extend(child_nodes(node))
        for node_class, visitor_class in visitors.items():
            found = visitor_class()
            walk(module, found)
            assert found.events == [event for event in every.events if classes[event[1]] is node_class], node_class


def test_child_nodes_are_libcsts_children() -> None:
    module = cst.parse_module(VARIED)
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        assert child_nodes(node) == list(node.children)
        assert all(a is b for a, b in zip(child_nodes(node), node.children))
        pending.extend(child_nodes(node))


class _SkipsFunctions:
    """Names outside function bodies; a function's own leave hook still runs."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.events.append(f"def {node.name.value}")
        return False

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.events.append(f"end {original_node.name.value}")

    def visit_Name(self, node: cst.Name) -> None:
        self.events.append(node.value)


SKIPPED = "a = b\ndef f(c):\n    d = e\nclass K:\n    def g(self): h\n    i = j\n"


def test_false_from_visit_skips_the_children_but_not_the_leave() -> None:
    visitor = _SkipsFunctions()
    walk(cst.parse_module(SKIPPED), visitor)
    assert visitor.events == ["a", "b", "def f", "end f", "K", "def g", "end g", "i", "j"]


def test_skipping_matches_libcst() -> None:
    class OnLibcst(_SkipsFunctions, cst.CSTVisitor):
        pass

    expected = OnLibcst()
    cst.parse_module(SKIPPED).visit(expected)
    found = _SkipsFunctions()
    walk(cst.parse_module(SKIPPED), found)
    assert found.events == expected.events


def test_hooks_are_per_visitor_class() -> None:
    """Two visitor classes walking the same node classes each get their own hooks."""

    class Names:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def visit_Name(self, node: cst.Name) -> None:
            self.seen.append(node.value)

    class Strings:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            self.seen.append(node.value)

    module = cst.parse_module("x = f('a', y)\n")
    names, strings = Names(), Strings()
    walk(module, names)
    walk(module, strings)
    assert names.seen == ["x", "f", "y"]
    assert strings.seen == ["'a'"]
