"""Dict-style reads of openai<1.0 responses, turned into the attribute reads v1 needs.

v0 responses were dicts (`r["choices"][0]["message"]["content"]`); v1 responses are
pydantic models (`r.choices[0].message.content`). Only what can be traced to a converted
call is rewritten: a variable every binding of which comes from such a call or from a
read of one, a loop variable over one (stream chunks, `choices`, `data`), and subscripts
written directly on the call. Only string-literal keys that are valid attribute names
are rewritten; anything else that treats a response as a dict is left and noted.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

import libcst as cst

from banjia.codemods.bindings import dotted_name
from banjia.codemods.openai_sdk import V0_RESPONSE_AS_DICT, V0_RESPONSE_OBJECT_FIELDS
from banjia.codemods.rewrite import ApplyEdits, Edit

# Parents in which `a or b` needs no parentheses.
_BARE_OR_PARENTS = (cst.Assign, cst.AnnAssign, cst.Return, cst.Arg, cst.Element, cst.Expr, cst.Yield)
_OBJECT = "object"  # a response, a stream chunk, an element of a list in one: keys are fields
_VALUE = "value"  # read from a response: a field, a list, a string
_ELEMENT = "element"  # iterated or indexed out of a traced value
_PASSED_ON = ("a v1 response object is passed on here: code that reads it must use attributes "
              "(r.choices[0].message.content), not keys")
# Builtins that take any object without reading it as a dict.
_READS_ANY_OBJECT = frozenset({"print", "repr", "str", "type", "id", "isinstance", "len", "bool", "hasattr", "getattr"})
# Container methods that store an object without reading it (v1 accepts message objects back in `messages`).
_STORES = frozenset({"append", "extend", "insert", "appendleft"})
_MEMBERSHIP = "`in` on a v1 response object does not test its fields: test the attribute (x.content is not None)"


@dataclass
class ResponsePlan:
    edits: dict[int, list[Edit]] = field(default_factory=dict)
    changes: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    notes: list[tuple[cst.CSTNode, str]] = field(default_factory=list)


def plan_response_access(module: cst.Module, responses: set[int], call_edits: dict[int, list[Edit]]) -> ResponsePlan:
    """Edits that read the responses of the calls in `responses` (node ids) with attributes.

    `call_edits` are the edits converting those calls; they are applied too when a
    change's message shows the rewritten expression.
    """
    scan = _Scan()
    module.visit(scan)
    return _Tracer(module, scan, responses, call_edits).plan()


# ---------------------------------------------------------------- bindings per scope
class _Scan(cst.CSTVisitor):
    """Bindings of every scope (module, function, lambda, class) and each node's parent."""

    def __init__(self) -> None:
        super().__init__()
        self.bindings: dict[int, dict[str, list[tuple[str, cst.BaseExpression | None]]]] = {}
        self.scope_of: dict[int, int] = {}
        self.parent: dict[int, cst.CSTNode] = {}
        self.subscripts: list[cst.Subscript] = []
        self.calls: list[cst.Call] = []
        self.attributes: list[cst.Attribute] = []
        self.escapes: list[tuple[cst.CSTNode, str]] = []  # returned, yielded or `in`-tested values
        self._scopes: list[int] = []
        self._stack: list[cst.CSTNode] = []

    # -- bookkeeping
    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parent[id(node)] = self._stack[-1]
        self._stack.append(node)
        if isinstance(node, (cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and self._scopes:
                self._bind(node.name, "other", None)
            self._scopes.append(id(node))
            self.bindings[id(node)] = {}
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self._stack.pop()
        if isinstance(original_node, (cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            self._scopes.pop()

    def _bind(self, target: cst.CSTNode, kind: str, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.bindings[self._scopes[-1]].setdefault(target.value, []).append((kind, value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, "other", None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, "other", None)

    # -- bindings
    def visit_Param(self, node: cst.Param) -> None:
        self._bind(node.name, "other", None)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, "value" if len(node.targets) == 1 else "other", node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, "value", node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, "other", None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, "value", node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, "iter", node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind(node.target, "iter", node.iter)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind(node.name, "other", None)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            name = dotted_name(node.name) or ""
            self.bindings[self._scopes[-1]].setdefault(name.split(".", 1)[0], []).append(("other", None))

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._bind(item.name, "other", None)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self._bind(item.name, "other", None)

    # -- uses
    def visit_Name(self, node: cst.Name) -> None:
        self.scope_of[id(node)] = self._scopes[-1]

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self.subscripts.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.attributes.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.escapes.append((node.value, _PASSED_ON))

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self.escapes.append((node.value, _PASSED_ON))

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if isinstance(node.operator, (cst.In, cst.NotIn)):
            self.escapes.append((node.comparator, _MEMBERSHIP))


# ---------------------------------------------------------------- tracing
class _Tracer:
    CHANGE = "v1 response read with attributes"  # how a rewritten read is reported

    def __init__(self, module: cst.Module, scan: _Scan, responses: set[int], call_edits: dict[int, list[Edit]]):
        self.module = module
        self.scan = scan
        self.responses = responses
        self.call_edits = call_edits
        self.result = ResponsePlan()
        self._kinds: dict[int, str | None] = {}
        self._names: dict[tuple[int, str], str | None] = {}

    def kind(self, node: cst.BaseExpression) -> str | None:
        """How `node` relates to a converted call's response, or None when it does not."""
        key = id(node)
        if key not in self._kinds:
            self._kinds[key] = None  # a cycle through bindings resolves to "not traced"
            self._kinds[key] = self._kind(node)
        return self._kinds[key]

    def _kind(self, node: cst.BaseExpression) -> str | None:
        if id(node) in self.responses:
            return _OBJECT
        if isinstance(node, cst.Await):
            return self.kind(node.expression)
        if isinstance(node, cst.Name):
            return self._name_kind(node)
        if isinstance(node, cst.Attribute):
            return _field_kind(node.attr.value) if self.kind(node.value) else None
        if isinstance(node, cst.Subscript):
            if self.kind(node.value) is None:
                return None
            key = _string_key(node)
            return _ELEMENT if key is None else _field_kind(key)
        if isinstance(node, cst.Call) and _get_receiver(node) is not None:
            if not self.kind(_get_receiver(node)):
                return None
            key = _literal_string(node.args[0].value) if node.args else None
            return _VALUE if key is None else _field_kind(key)
        return None

    def _name_kind(self, node: cst.Name) -> str | None:
        scope = self.scan.scope_of.get(id(node))
        if scope is None:
            return None
        key = (scope, node.value)
        if key not in self._names:
            self._names[key] = None
            bindings = self.scan.bindings[scope].get(node.value, [])
            kinds = []
            for binding, value in bindings:
                if binding == "other" or value is None:
                    kinds.append(None)
                elif binding == "iter":
                    kinds.append(_ELEMENT if self.kind(value) else None)
                else:
                    kinds.append(self.kind(value))
            self._names[key] = kinds[0] if kinds and all(kinds) else None
        return self._names[key]

    # -- planning
    def plan(self) -> ResponsePlan:
        for node in self.scan.subscripts:
            self._subscript(node)
        for node in self.scan.calls:
            self._call(node)
        for node in self.scan.attributes:
            if node.attr.value in V0_RESPONSE_AS_DICT and self.kind(node.value) in (_OBJECT, _ELEMENT):
                self._note(node, f"`.{node.attr.value}()` reads a v0 response as a dict")
        for node, message in self.scan.escapes:
            if self.kind(node) in (_OBJECT, _ELEMENT):
                self._note(node, message)
        self._report_changes()
        return self.result

    def _subscript(self, node: cst.Subscript) -> None:
        owner = self.kind(node.value)
        if owner is None:
            return
        key = _string_key(node)
        if key is not None:
            if key.isidentifier() and not keyword.iskeyword(key):
                self._edit(node, _attribute_for_subscript(key))
            else:
                self._note(node, f"the v1 response has no attribute for the key {key!r}")
        elif owner in (_OBJECT, _ELEMENT) and not _is_index(node):
            self._note(node, "a v1 response is read with a computed key: use getattr() or .model_dump()")

    def _call(self, node: cst.Call) -> None:
        receiver = _get_receiver(node)
        if receiver is not None and self.kind(receiver) is not None:
            key = _literal_string(node.args[0].value) if node.args and node.args[0].keyword is None else None
            if key is not None and key.isidentifier() and not keyword.iskeyword(key) and len(node.args) <= 2 \
                    and not any(arg.keyword or arg.star for arg in node.args):
                parent = self.scan.parent.get(id(node))
                self._edit(node, _attribute_for_get(key, bare=isinstance(parent, _BARE_OR_PARENTS)))
            else:
                self._note(node, "`.get()` on a v1 response: read the attribute instead")
            return
        name = dotted_name(node.func)
        if name in V0_RESPONSE_AS_DICT and node.args and self.kind(node.args[0].value) in (_OBJECT, _ELEMENT):
            self._note(node, f"`{name}()` reads a v0 response as a dict: use .model_dump() / .model_dump_json()")
            return
        if name in _READS_ANY_OBJECT or (isinstance(node.func, cst.Attribute) and node.func.attr.value in _STORES):
            return
        for arg in node.args:
            if self.kind(arg.value) == _OBJECT:
                self._note(arg.value, f"a v1 response object is passed to `{name or 'a function'}`: code there that "
                           "reads it with keys must use attributes (r.choices[0].message.content)")

    def _edit(self, node: cst.CSTNode, edit: Edit) -> None:
        self.result.edits.setdefault(id(node), []).append(edit)

    def _note(self, node: cst.CSTNode, message: str) -> None:
        self.result.notes.append((node, message))

    def _report_changes(self) -> None:
        """One change per outermost rewritten expression, showing it before and after."""
        edited = self.result.edits
        every_edit = {**self.call_edits}
        for key, edits in edited.items():
            every_edit.setdefault(key, []).extend(edits)
        for node in self._reads():
            if id(node) not in edited or self._inside_edited_read(node):
                continue
            before = self.module.code_for_node(node)
            after = self.module.code_for_node(node.visit(ApplyEdits(every_edit, {})))
            shown = f"`{before}` -> `{after}`" if "\n" not in before and len(before) + len(after) < 160 else ""
            self.result.changes.append((node, f"{self.CHANGE} {shown}".rstrip()))

    def _reads(self) -> list[cst.CSTNode]:
        """The expressions this tracer may rewrite."""
        return [*self.scan.subscripts, *self.scan.calls]

    def _inside_edited_read(self, node: cst.CSTNode) -> bool:
        """Whether `node` is the start of a longer read (`r["a"]` in `r["a"][0]["b"]`) that is rewritten too."""
        parent = self.scan.parent.get(id(node))
        while isinstance(parent, (cst.Subscript, cst.Attribute, cst.Call)):
            if id(parent) in self.result.edits:
                return True
            parent = self.scan.parent.get(id(parent))
        return False


# ---------------------------------------------------------------- node helpers
def _field_kind(name: str) -> str:
    return _OBJECT if name in V0_RESPONSE_OBJECT_FIELDS else _VALUE


def _string_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return _literal_string(node.slice[0].slice.value)


def _is_index(node: cst.Subscript) -> bool:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return True  # a slice
    value = node.slice[0].slice.value
    return isinstance(value, cst.Integer) or (isinstance(value, cst.UnaryOperation) and isinstance(value.expression, cst.Integer))


def _literal_string(node: cst.BaseExpression) -> str | None:
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower():
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) else None


def _get_receiver(node: cst.Call) -> cst.BaseExpression | None:
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "get":
        return func.value
    return None


def _attribute_for_subscript(key: str) -> Edit:
    def edit(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Subscript)
        return cst.Attribute(value=node.value, attr=cst.Name(key), lpar=node.lpar, rpar=node.rpar)
    return edit


def _attribute_for_get(key: str, *, bare: bool) -> Edit:
    def edit(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        attribute = cst.Attribute(value=node.func.value, attr=cst.Name(key))
        if len(node.args) == 1:
            return attribute.with_changes(lpar=node.lpar, rpar=node.rpar)
        parens = (node.lpar, node.rpar) if node.lpar or bare else ([cst.LeftParen()], [cst.RightParen()])
        return cst.BooleanOperation(attribute, cst.Or(), node.args[1].value, lpar=parens[0], rpar=parens[1])
    return edit
