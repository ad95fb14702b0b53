"""A read-only depth-first walk over a libcst tree, for visitors that only collect.

`module.visit(visitor)` goes through each node's `_visit_and_replace_children`, which
builds (and validates) a fresh copy of every node even when the visitor changes nothing;
on real code that rebuild is most of the cost of an analysis pass. `node.children` is no
way out: it is computed the same way. This walk reads the child fields directly instead.

Which fields hold children, and in which order libcst visits them, is read once per node
class from that class's own `_visit_and_replace_children` (the fields it hands to libcst's
`visit_required` / `visit_optional` / `visit_sequence` ... helpers, in call order), so
the walk meets the same nodes in the same order as `module.visit` (tested against it).

A visitor is any object with `visit_<ClassName>(node)` and `leave_<ClassName>(node)`
methods, as on a `libcst.CSTVisitor`: `visit_` returning False skips the node's children,
and `leave_` is called either way. Attribute-level hooks (`visit_Call_func`) and the
generic `on_visit` / `on_leave` are not called; a visitor should not subclass
`libcst.CSTVisitor`, whose no-op hooks for every node class would all be called.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Callable, Optional

import libcst as cst

_Hook = Optional[Callable[[object, cst.CSTNode], object]]
_Entry = tuple[_Hook, _Hook, tuple[str, ...]]

# libcst's helpers that visit one field of a node; their second argument names the field.
_FIELD_VISITORS = frozenset(
    {"visit_required", "visit_optional", "visit_sentinel", "visit_iterable", "visit_sequence",
     "visit_body_iterable", "visit_body_sequence"}
)
_child_fields: dict[type, tuple[str, ...]] = {}
_entries: dict[type, dict[type, _Entry]] = {}  # visitor class -> node class -> hooks and child fields


def walk(node: cst.CSTNode, visitor: object) -> None:
    """Visit `node` and everything under it with `visitor`, in libcst's visit order."""
    entries = _entries.get(type(visitor))
    if entries is None:
        entries = _entries[type(visitor)] = {}
    _walk(node, visitor, entries)


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The same nodes as `node.children`, in the same order, without rebuilding `node`."""
    children: list[cst.CSTNode] = []
    for name in _fields_of(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            children.append(value)
        elif value is not None and not isinstance(value, cst.MaybeSentinel):
            children.extend(value)
    return children


def _walk(node: cst.CSTNode, visitor: object, entries: dict[type, _Entry]) -> None:
    entry = entries.get(type(node))
    if entry is None:
        entry = entries[type(node)] = _entry(type(visitor), type(node))
    visit, leave, fields = entry
    if visit is None or visit(visitor, node) is not False:
        for name in fields:
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                _walk(value, visitor, entries)
            elif value is not None and not isinstance(value, cst.MaybeSentinel):
                for child in value:
                    _walk(child, visitor, entries)
    if leave is not None:
        leave(visitor, node)


def _entry(visitor_class: type, node_class: type) -> _Entry:
    name = node_class.__name__
    return (
        getattr(visitor_class, f"visit_{name}", None),
        getattr(visitor_class, f"leave_{name}", None),
        _fields_of(node_class),
    )


def _fields_of(node_class: type) -> tuple[str, ...]:
    fields = _child_fields.get(node_class)
    if fields is None:
        fields = _child_fields[node_class] = _visited_fields(node_class)
    return fields


def _visited_fields(node_class: type) -> tuple[str, ...]:
    """The fields `node_class._visit_and_replace_children` visits, in the order it visits them."""
    method = node_class._visit_and_replace_children  # type: ignore[attr-defined]
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    calls = sorted(
        (call for call in ast.walk(tree)
         if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in _FIELD_VISITORS),
        key=lambda call: (call.lineno, call.col_offset),
    )
    names = [call.args[1].value for call in calls if isinstance(call.args[1], ast.Constant)]
    return tuple(dict.fromkeys(names))  # a field visited on either side of a conditional is listed once
