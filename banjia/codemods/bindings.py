"""Resolve what an expression holds: the openai module, a client, a resource, or else.

libcst's QualifiedNameProvider resolves imports but not values: it cannot tell that
`self.client` (assigned in `__init__`) or `chat = OpenAI().chat.completions` holds an
OpenAI client. This module collects, in one pass, every binding of every scope
(imports, assignments, `self.x = ...` anywhere in a class, annotated parameters and
defaults, `with ... as`, walrus, function returns, properties) and then resolves
expressions lazily against them. Resolution is flow-insensitive: a name that is bound
to a client anywhere in a scope holds a client everywhere in it, which is what an
audit wants (report what can reach the SDK).

It is also much cheaper than libcst's ScopeProvider, which it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

import libcst as cst

from banjia.codemods.openai_sdk import CLIENT_CLASSES, CLIENT_COPIES, LOOKALIKE_MODULES


# ---------------------------------------------------------------- resolved values
@dataclass(frozen=True)
class Ref:
    """A module or a name reached through imports: "openai", "openai.OpenAI", "os.getenv"."""

    qualname: str

    @property
    def root(self) -> str:
        return self.qualname.split(".", 1)[0]


@dataclass(frozen=True)
class Instance:
    """An object made by calling a class: `OpenAI()` -> Instance("openai.OpenAI")."""

    qualname: str


@dataclass(frozen=True)
class Member:
    """An attribute path on an instance: `client.chat.completions` -> ("chat", "completions")."""

    owner: Instance
    path: tuple[str, ...]


@dataclass(eq=False)
class FunctionInfo:
    """A function or method: calling it yields what it returns."""

    node: cst.FunctionDef
    scope: "Scope"  # the function's own scope
    returns: list[cst.BaseExpression] = field(default_factory=list)
    is_property: bool = False


@dataclass(eq=False)
class ClassInfo:
    """A class: its attributes, collected from the body and from `self.x = ...` in methods."""

    name: str
    scope: "Scope"  # the class body's scope
    bases: list[cst.BaseExpression] = field(default_factory=list)
    attrs: dict[str, list["Source"]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassRef:
    """The class itself, or `self`/`cls` inside one of its methods."""

    info: ClassInfo


@dataclass(frozen=True)
class FunctionRef:
    info: FunctionInfo


Value = Union[Ref, Instance, Member, ClassRef, FunctionRef]


# ---------------------------------------------------------------- binding sources
@dataclass(frozen=True)
class Source:
    """Where a binding's value comes from; resolved only when someone asks.

    kind: "expr" (an expression evaluated in `scope`), "annotation" (an instance of the
    annotated type), "value" (already known), "opaque" (bound to something we do not
    follow, which still shadows outer bindings).
    """

    kind: str
    scope: "Scope | None" = None
    node: cst.CSTNode | None = None
    value: Value | None = None
    default: cst.BaseExpression | None = None


OPAQUE = Source("opaque")


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda" | "comprehension"
    parent: "Scope | None"
    bindings: dict[str, list[Source]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    class_info: ClassInfo | None = None  # for class scopes
    function: FunctionInfo | None = None  # for function scopes

    def bind(self, name: str, source: Source) -> None:
        target = self.module() if name in self.global_names else self
        target.bindings.setdefault(name, []).append(source)

    def module(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


def attribute_chain(node: cst.BaseExpression) -> tuple[cst.BaseExpression, list[str]]:
    """Split `a.b.c` into (Name a, ["b", "c"]); the base may be any expression."""
    names: list[str] = []
    while isinstance(node, cst.Attribute):
        names.append(node.attr.value)
        node = node.value
    names.reverse()
    return node, names


def dotted_name(node: cst.BaseExpression) -> str | None:
    base, names = attribute_chain(node)
    if isinstance(base, cst.Name):
        return ".".join([base.value, *names])
    return None


# ---------------------------------------------------------------- collection pass
class BindingCollector:
    """Walks a module once, building scopes, and lets a subclass see every node with its scope.

    A visitor for `walk.walk`, not a `libcst.CSTVisitor`: the pass only reads the tree.
    """

    def __init__(self) -> None:
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self._stack: list[Scope] = []
        self.star_imports: set[str] = set()
        self.attribute_assignments: list[tuple[cst.Attribute, Source]] = []

    # -- scope plumbing
    def _push(self, scope: Scope) -> None:
        self._stack.append(self.scope)
        self.scope = scope

    def _pop(self) -> None:
        self.scope = self._stack.pop()

    # -- imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bind(alias.asname.name.value, Source("value", value=Ref(full)))
            else:
                root = full.split(".", 1)[0]
                self.scope.bind(root, Source("value", value=Ref(root)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative:
            module = None
        else:
            module = dotted_name(node.module) if node.module is not None else None
        if isinstance(node.names, cst.ImportStar):
            if module:
                self.star_imports.add(module)
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            bound = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            source = Source("value", value=Ref(f"{module}.{name}")) if module else OPAQUE
            self.scope.bind(bound, source)

    # -- definitions
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = FunctionInfo(node, scope=None)  # type: ignore[arg-type]
        owner = self.scope.class_info
        decorators = {(dotted_name(d.decorator) or "").split(".")[-1] for d in node.decorators}
        if owner is not None:
            owner.attrs.setdefault(node.name.value, []).append(
                Source("value", value=FunctionRef(info))
            )
        self.scope.bind(node.name.value, Source("value", value=FunctionRef(info)))
        scope = Scope("function", self.scope, function=info)
        info.scope = scope
        info.is_property = bool(decorators & {"property", "cached_property"})
        self._push(scope)
        # `self` / `cls` is the class itself; a staticmethod has neither.
        self._bind_parameters(node.params, None if "staticmethod" in decorators else owner)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def _bind_parameters(self, params: cst.Parameters, owner: ClassInfo | None) -> None:
        positional = [*params.posonly_params, *params.params]
        outer = self.scope.parent or self.scope
        for index, param in enumerate(positional):
            if index == 0 and owner is not None:
                self.scope.bind(param.name.value, Source("value", value=ClassRef(owner)))
                continue
            self._bind_parameter(param, outer)
        for param in params.kwonly_params:
            self._bind_parameter(param, outer)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.scope.bind(star.name.value, OPAQUE)

    def _bind_parameter(self, param: cst.Param, outer: Scope) -> None:
        annotation = param.annotation.annotation if param.annotation is not None else None
        if annotation is None and param.default is None:
            self.scope.bind(param.name.value, OPAQUE)
            return
        # Annotations and defaults are evaluated in the enclosing scope.
        self.scope.bind(
            param.name.value,
            Source("annotation", scope=outer, node=annotation, default=param.default),
        )

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = Scope("lambda", self.scope)
        self._push(scope)
        for param in [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]:
            scope.bind(param.name.value, OPAQUE)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        scope = Scope("class", self.scope)
        info = ClassInfo(node.name.value, scope, bases=[arg.value for arg in node.bases])
        scope.class_info = info
        self.scope.bind(node.name.value, Source("value", value=ClassRef(info)))
        self._push(scope)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def _comprehension(self) -> None:
        self._push(Scope("comprehension", self.scope))

    def _leave_comprehension(self) -> None:
        self._pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = lambda self, node: self._comprehension()  # noqa: E731
    leave_ListComp = leave_SetComp = leave_GeneratorExp = leave_DictComp = lambda self, node: self._leave_comprehension()  # noqa: E731

    def visit_Global(self, node: cst.Global) -> None:
        self.scope.global_names.update(n.name.value for n in node.names)

    def visit_Return(self, node: cst.Return) -> None:
        function = self._current_function()
        if function is not None and node.value is not None:
            function.returns.append(node.value)

    def _current_function(self) -> FunctionInfo | None:
        scope = self.scope
        while scope.kind in ("comprehension", "lambda") and scope.parent is not None:
            scope = scope.parent
        return scope.function

    # -- assignments
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, Source("expr", scope=self.scope, node=node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        source = Source(
            "annotation", scope=self.scope, node=node.annotation.annotation, default=node.value
        )
        self._bind_target(node.target, source)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.scope.bind(node.target.value, OPAQUE)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        if isinstance(node.target, cst.Name):
            scope.bind(node.target.value, Source("expr", scope=self.scope, node=node.value))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, Source("expr", scope=self.scope, node=node.item))

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, OPAQUE)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, OPAQUE)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, OPAQUE)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.scope.bind(node.name.value, OPAQUE)

    def _bind_target(self, target: cst.BaseExpression, source: Source) -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, source)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, OPAQUE)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, OPAQUE)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            # `self.client = OpenAI()` in a method, or `Bot.client = ...` anywhere.
            self.attribute_assignments.append((target, source))


# ---------------------------------------------------------------- resolution
class Resolver:
    """Answers "what does this expression hold?" against the collected scopes."""

    def __init__(self, collector: BindingCollector) -> None:
        self.module_scope = collector.module_scope
        self.star_imports = collector.star_imports
        self._in_progress: set[int] = set()
        self._name_cache: dict[tuple[int, str], Value | None] = {}
        self._attach_attribute_assignments(collector.attribute_assignments)
        self._name_cache.clear()  # names resolved while attaching may have missed attributes

    def _attach_attribute_assignments(self, assignments: list[tuple[cst.Attribute, Source]]) -> None:
        for target, source in assignments:
            owner = self.resolve(target.value, source.scope) if source.scope else None
            if isinstance(owner, ClassRef):
                owner.info.attrs.setdefault(target.attr.value, []).append(source)

    # -- names
    def lookup(self, name: str, scope: Scope) -> list[Source] | None:
        """The binding sources of `name` as seen from `scope`, per Python's scoping rules."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if name in current.global_names:
                current = current.module()
            if (first or current.kind != "class") and name in current.bindings:
                return current.bindings[name]
            first = False
            current = current.parent
        return None

    def resolve_name(self, name: str, scope: Scope) -> Value | None:
        key = (id(scope), name)
        if key in self._name_cache:
            return self._name_cache[key]
        sources = self.lookup(name, scope)
        if sources is None:
            value = self._builtin_or_star(name)
        else:
            value = self._first_value(sources)
        self._name_cache[key] = value
        return value

    def _builtin_or_star(self, name: str) -> Value | None:
        for module in sorted(self.star_imports):
            if module == "openai" or module.startswith("openai."):
                return Ref(f"{module}.{name}")
        return None

    def _first_value(self, sources: list[Source]) -> Value | None:
        for source in sources:
            value = self.resolve_source(source)
            if value is not None:
                return value
        return None

    def resolve_source(self, source: Source) -> Value | None:
        if source.kind == "value":
            return source.value
        if source.kind == "opaque" or source.scope is None:
            return None
        guard = id(source)
        if guard in self._in_progress:
            return None
        self._in_progress.add(guard)
        try:
            if source.kind == "expr":
                return self.resolve(source.node, source.scope)  # type: ignore[arg-type]
            if source.kind == "annotation":
                value = None
                if source.node is not None:
                    value = self.instance_of_annotation(source.node, source.scope)
                if value is None and source.default is not None:
                    value = self.resolve(source.default, source.scope)
                return value
        finally:
            self._in_progress.discard(guard)
        return None

    # -- expressions
    def resolve(self, node: cst.CSTNode, scope: Scope) -> Value | None:
        if isinstance(node, cst.Name):
            return self.resolve_name(node.value, scope)
        if isinstance(node, cst.Attribute):
            return self.attribute(self.resolve(node.value, scope), node.attr.value)
        if isinstance(node, cst.Call):
            return self.call(self.resolve(node.func, scope), node, scope)
        if isinstance(node, cst.Await):
            return self.resolve(node.expression, scope)
        if isinstance(node, cst.NamedExpr):
            return self.resolve(node.value, scope)
        if isinstance(node, cst.BooleanOperation):
            # `client or OpenAI()`: either side.
            return self.resolve(node.left, scope) or self.resolve(node.right, scope)
        if isinstance(node, cst.IfExp):
            return self.resolve(node.body, scope) or self.resolve(node.orelse, scope)
        return None

    def attribute(self, base: Value | None, attr: str) -> Value | None:
        if isinstance(base, Ref):
            return Ref(f"{base.qualname}.{attr}")
        if isinstance(base, Instance):
            return Member(base, (attr,))
        if isinstance(base, Member):
            return Member(base.owner, (*base.path, attr))
        if isinstance(base, ClassRef):
            return self._class_attribute(base.info, attr, set())
        return None

    def _class_attribute(self, info: ClassInfo, attr: str, seen: set[int]) -> Value | None:
        if id(info) in seen:
            return None
        seen.add(id(info))
        sources = info.attrs.get(attr)
        if sources is None:
            sources = info.scope.bindings.get(attr)
        if sources is not None:
            value = self._first_value(sources)
            if isinstance(value, FunctionRef) and value.info.is_property:
                return self.returned_value(value.info)
            if value is not None:
                return value
        for base in info.bases:
            base_value = self.resolve(base, info.scope.parent or info.scope)
            if isinstance(base_value, ClassRef):
                value = self._class_attribute(base_value.info, attr, seen)
                if value is not None:
                    return value
            elif isinstance(base_value, Ref):
                return Ref(f"{base_value.qualname}.{attr}")
        return None

    def call(self, func: Value | None, node: cst.Call, scope: Scope) -> Value | None:
        if isinstance(func, Ref):
            if func.qualname in CLIENT_CLASSES:
                return Instance(func.qualname)
            if func.root == "openai":
                return None  # an API response, a type, a helper: not a client
            wrapped = self._wrapped_client(node, scope)
            return wrapped or Instance(func.qualname)
        if isinstance(func, Member):
            if len(func.path) == 1 and func.path[0] in CLIENT_COPIES:
                return func.owner
            return None
        if isinstance(func, ClassRef):
            return self._instance_of_class(func.info, set())
        if isinstance(func, FunctionRef):
            return self.returned_value(func.info)
        return None

    def _wrapped_client(self, node: cst.Call, scope: Scope) -> Value | None:
        """`instructor.from_openai(OpenAI())`, `wrap_openai(client)`: the result still calls the SDK."""
        for arg in node.args[:1]:
            if arg.keyword is None and arg.star == "":
                value = self.resolve(arg.value, scope)
                if isinstance(value, Instance) and value.qualname in CLIENT_CLASSES:
                    return value
        return None

    def _instance_of_class(self, info: ClassInfo, seen: set[int]) -> Value | None:
        """A local class deriving from an OpenAI client is a client; other classes are ClassRef-like."""
        if id(info) in seen:
            return ClassRef(info)
        seen.add(id(info))
        for base in info.bases:
            base_value = self.resolve(base, info.scope.parent or info.scope)
            if isinstance(base_value, Ref) and base_value.qualname in CLIENT_CLASSES:
                return Instance(base_value.qualname)
            if isinstance(base_value, ClassRef):
                inherited = self._instance_of_class(base_value.info, seen)
                if isinstance(inherited, Instance):
                    return inherited
        return ClassRef(info)

    def returned_value(self, info: FunctionInfo) -> Value | None:
        guard = id(info)
        if guard in self._in_progress:
            return None
        self._in_progress.add(guard)
        try:
            returns = info.node.returns
            if returns is not None:
                value = self.instance_of_annotation(returns.annotation, info.scope.parent or info.scope)
                if value is not None:
                    return value
            for expression in info.returns:
                value = self.resolve(expression, info.scope)
                if value is not None:
                    return value
        finally:
            self._in_progress.discard(guard)
        return None

    # -- annotations
    def instance_of_annotation(self, node: cst.BaseExpression, scope: Scope) -> Value | None:
        """`OpenAI`, `"OpenAI"`, `Optional[OpenAI]`, `OpenAI | None`, `Annotated[OpenAI, ...]` -> a client.

        A look-alike client type (`fallback: ZhipuAI`) resolves too, so that its calls
        are known not to be OpenAI's rather than merely unresolved.
        """
        lookalike = None
        for candidate in self._annotation_parts(node):
            value = self.resolve(candidate, scope)
            if isinstance(value, Ref) and value.qualname in CLIENT_CLASSES:
                return Instance(value.qualname)
            if isinstance(value, Ref) and value.root in LOOKALIKE_MODULES:
                lookalike = lookalike or Instance(value.qualname)
            if isinstance(value, ClassRef):
                instance = self._instance_of_class(value.info, set())
                if isinstance(instance, Instance):
                    return instance
        return lookalike

    def _annotation_parts(self, node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
        if isinstance(node, cst.SimpleString):
            try:
                text = node.evaluated_value
                if isinstance(text, str):
                    yield from self._annotation_parts(cst.parse_expression(text))
            except Exception:  # a string annotation that is not an expression: nothing to resolve
                return
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            yield from self._annotation_parts(node.left)
            yield from self._annotation_parts(node.right)
        elif isinstance(node, cst.Subscript):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    yield from self._annotation_parts(element.slice.value)
        elif isinstance(node, (cst.Name, cst.Attribute)):
            yield node
