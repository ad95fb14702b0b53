"""A read-only depth-first walk over a libcst tree, for visitors that only collect.

`module.visit(visitor)` goes through each node's `_visit_and_replace_children`, which
builds (and validates) a fresh copy of every node even when the visitor changes nothing;
on real code that rebuild is most of the cost of an analysis pass. `node.children` is no
way out: it is computed the same way. This walk reads the child fields directly instead.

Which fields hold children, and in which order libcst visits them, is read once per node
class from that class's own `_visit_and_replace_children` (the fields it hands to libcst's
`visit_required` / `visit_optional` / `visit_sequence` ... helpers, in call order), so
the walk meets the same nodes in the same order as `module.visit` (tested against it).

Most nodes of a tree are whitespace, punctuation and names, which a visitor rarely has
hooks for. From the fields' type annotations the walk knows which node classes a field
can hold, so it goes only into the subtrees that can hold a node the visitor has a hook
for: the hooks see exactly the nodes they would see on a full walk, in the same order.

A visitor is any object with `visit_<ClassName>(node)` and `leave_<ClassName>(node)`
methods, as on a `libcst.CSTVisitor`: `visit_` returning False skips the node's children,
and `leave_` is called either way. Attribute-level hooks (`visit_Call_func`) and the
generic `on_visit` / `on_leave` are not called; a visitor should not subclass
`libcst.CSTVisitor`, whose no-op hooks for every node class would all be called.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import textwrap
import typing
from typing import Callable, Optional

import libcst as cst

_Hook = Optional[Callable[[object, cst.CSTNode], object]]
# A child field's name, and whether it holds a sequence of nodes (None: one node or a sequence).
_Field = tuple[str, Optional[bool]]
_Entry = tuple[_Hook, _Hook, tuple[_Field, ...]]

# libcst's helpers that visit one field of a node (their second argument names the field),
# each with whether the field holds one node (or None / MaybeSentinel) or a sequence.
# A sequence field may also be None (`FormattedStringExpression.format_spec`).
_FIELD_VISITORS = {
    "visit_required": False, "visit_optional": False, "visit_sentinel": False,
    "visit_iterable": True, "visit_sequence": True, "visit_body_iterable": True, "visit_body_sequence": True,
}
_NO_CHILD = cst.MaybeSentinel.DEFAULT
_child_fields: dict[type, tuple[_Field, ...]] = {}
_field_classes: dict[type, dict[str, frozenset[type]]] = {}
_plans: dict[type, "_Plan"] = {}  # visitor class -> its plan


def walk(node: cst.CSTNode, visitor: object) -> None:
    """Visit `node` and everything under it with `visitor`, in libcst's visit order."""
    plan = _plans.get(type(visitor))
    if plan is None:
        plan = _plans[type(visitor)] = _Plan(type(visitor))
    entry = plan[type(node)]
    if entry is not None:
        _walk(node, visitor, entry, plan)


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The same nodes as `node.children`, in the same order, without rebuilding `node`."""
    children: list[cst.CSTNode] = []
    for name, many in _fields_of(type(node)):
        value = getattr(node, name)
        if value is None or value is _NO_CHILD:
            continue
        if many or (many is None and not isinstance(value, cst.CSTNode)):
            children.extend(value)
        else:
            children.append(value)
    return children


def _walk(node: cst.CSTNode, visitor: object, entry: _Entry, plan: "_Plan") -> None:
    visit, leave, fields = entry
    if visit is None or visit(visitor, node) is not False:
        for name, many in fields:
            value = getattr(node, name)
            if value is None or value is _NO_CHILD:
                continue
            if many or (many is None and not isinstance(value, cst.CSTNode)):
                for child in value:
                    child_entry = plan[type(child)]
                    if child_entry is not None:
                        _walk(child, visitor, child_entry, plan)
            else:
                child_entry = plan[type(value)]
                if child_entry is not None:
                    _walk(value, visitor, child_entry, plan)
    if leave is not None:
        leave(visitor, node)


class _Plan(dict):
    """Node class -> the visitor's hooks for it and the child fields worth going into, or
    None when no node the visitor has a hook for can be at or under a node of that class."""

    def __init__(self, visitor_class: type) -> None:
        super().__init__()
        self.visitor_class = visitor_class
        self.relevant = _reaching({cls for cls in _node_classes() if _hooks(visitor_class, cls) != (None, None)})

    def __missing__(self, node_class: type) -> _Entry | None:
        if node_class in _field_classes and node_class not in self.relevant:
            entry = None
        else:  # a class the annotations do not describe is always gone into
            fields = tuple(
                (name, many) for name, many in _fields_of(node_class)
                if node_class not in _field_classes or _field_classes[node_class][name] & self.relevant
            )
            entry = (*_hooks(self.visitor_class, node_class), fields)
        self[node_class] = entry
        return entry


def _hooks(visitor_class: type, node_class: type) -> tuple[_Hook, _Hook]:
    name = node_class.__name__
    return getattr(visitor_class, f"visit_{name}", None), getattr(visitor_class, f"leave_{name}", None)


def _reaching(hooked: set[type]) -> frozenset[type]:
    """The node classes at or under whose nodes a node of a `hooked` class may be."""
    reaching = set(hooked)
    grew = True
    while grew:
        grew = False
        for node_class, fields in _field_classes.items():
            if node_class not in reaching and any(classes & reaching for classes in fields.values()):
                reaching.add(node_class)
                grew = True
    return frozenset(reaching)


def _node_classes() -> list[type]:
    """Every node class libcst defines, each with the classes each of its fields can hold.

    All dataclass fields, not only the visited ones: reading which fields a class visits
    costs a source parse, worth paying only for the classes a walk meets."""
    if not _field_classes:
        for node_class in _subclasses(cst.CSTNode):
            hints = typing.get_type_hints(node_class)
            _field_classes[node_class] = {
                field.name: _classes_in(hints.get(field.name)) for field in dataclasses.fields(node_class)
            }
    return list(_field_classes)


@functools.cache
def _subclasses(cls: type) -> frozenset[type]:
    """`cls` and every class deriving from it."""
    return frozenset({cls}).union(*map(_subclasses, cls.__subclasses__()))


def _classes_in(annotation: object) -> frozenset[type]:
    """The node classes a field annotated `annotation` can hold; all of them when it is unclear."""
    if isinstance(annotation, type):  # None, MaybeSentinel, str: no node
        return _subclasses(annotation) if issubclass(annotation, cst.CSTNode) else frozenset()
    arguments = typing.get_args(annotation)
    if not arguments:
        return _subclasses(cst.CSTNode)
    return frozenset().union(*map(_classes_in, arguments))


def _fields_of(node_class: type) -> tuple[_Field, ...]:
    fields = _child_fields.get(node_class)
    if fields is None:
        fields = _child_fields[node_class] = _visited_fields(node_class)
    return fields


def _visited_fields(node_class: type) -> tuple[_Field, ...]:
    """The fields `node_class._visit_and_replace_children` visits, in the order it visits them."""
    method = node_class._visit_and_replace_children  # type: ignore[attr-defined]
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    calls = sorted(
        (call for call in ast.walk(tree)
         if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in _FIELD_VISITORS),
        key=lambda call: (call.lineno, call.col_offset),
    )
    fields: dict[str, Optional[bool]] = {}  # a field visited on either side of a conditional is listed once
    for call in calls:
        if isinstance(call.args[1], ast.Constant):
            name, many = call.args[1].value, _FIELD_VISITORS[call.func.id]
            fields[name] = many if fields.get(name, many) == many else None  # `ImportFrom.names`: either
    return tuple(fields.items())
