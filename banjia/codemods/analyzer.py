"""The audit's analyzer: every OpenAI dependency in one Python module, as findings.

One traversal collects bindings (see `bindings.py`) and records the nodes that may be
findings; then each recorded node is resolved against the bindings, and positions are
computed for the nodes that did become findings only (see `positions.py`). No libcst
metadata provider runs: scope analysis and whole-module positions are by far the
costliest parts of libcst, and the audit needs neither.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import libcst as cst

from banjia.codemods.bindings import (
    BindingCollector,
    ClassRef,
    Member,
    Ref,
    Resolver,
    Scope,
    attribute_chain,
    dotted_name,
)
from banjia.codemods.positions import positions_of
from banjia.codemods.walk import walk
from banjia.codemods.openai_sdk import (
    ASYNC_CLIENTS,
    CLIENT_CLASSES,
    LOOKALIKE_MODULES,
    MODULE_CONFIG,
    PROMPT_PARAMETERS,
    RESOURCES,
    RESPONSE_WRAPPERS,
    TIKTOKEN_FUNCTIONS,
    UNMISTAKABLE_SHAPES,
    V0_METHODS,
    V0_RESOURCES,
    WRAPPER_CLASSES,
)
from banjia.model import Confidence, Finding, Kind, Span
from banjia.patterns import ENV_VAR_NAME, LEGACY_BASE_MODEL, MODEL_NAME

# Longer strings are prose or docstrings, never a model id or an env var name.
_MAX_NAME_LENGTH = 80
_MODEL_KEYWORDS = frozenset({"model", "engine", "deployment_id", "model_name", "azure_deployment"})
# A model name given to these is a prefix or suffix, not a model: mapping it would change what the test matches.
_PREFIX_TESTS = frozenset({"startswith", "endswith", "removeprefix", "removesuffix"})
_ENV_READERS = {
    "os.getenv": "read",
    "os.environ.get": "read",
    "os.environ.setdefault": "set",
    "os.environ.pop": "set",
    "os.putenv": "set",
}
_SECRET = re.compile(r"\b(sk-(?:proj-)?)[A-Za-z0-9_\-]{8,}")
_SNIPPET_LIMIT = 200
_SHAPES = frozenset(UNMISTAKABLE_SHAPES)
_SHAPE_LENGTHS = sorted({len(shape) for shape in UNMISTAKABLE_SHAPES})


def analyze_python(source: str, path: str) -> list[Finding]:
    """Parse `source` and return its findings. Raises libcst.ParserSyntaxError on bad code."""
    return analyze_module(cst.parse_module(source), path, source)


def analyze_module(module: cst.Module, path: str, source: str | None = None) -> list[Finding]:
    """`source`, when given, is the text `module` was parsed from: it spares generating the code again."""
    return _Emitter.over(module, path).run(source)


@dataclass(frozen=True)
class NodeFinding:
    """A finding still attached to its node, for rewrites that edit the same tree."""

    kind: Kind
    node: cst.CSTNode
    message: str
    confidence: Confidence
    data: dict


def analyze_nodes(module: cst.Module, path: str) -> list[NodeFinding]:
    """The findings of `module`, in source order, each with the node it is about."""
    return _Emitter.over(module, path).collect()


def located(module: cst.Module, path: str, nodes: list[NodeFinding], source: str | None = None) -> list[Finding]:
    """`analyze_nodes`' findings placed in the file, as `analyze_module` reports them: for
    callers that need both forms of one analysis (`audit --to` plans on the nodes)."""
    positions = positions_of(module, (pending.node for pending in nodes))
    lines = (module.code if source is None else source).splitlines() if nodes else []
    findings = []
    for pending in nodes:
        p = positions[id(pending.node)]
        snippet = _snippet(lines[p.line - 1] if p.line <= len(lines) else "")
        span = Span(p.line, p.column, p.end_line, p.end_column)
        findings.append(Finding(pending.kind, path, span, pending.message, snippet, pending.confidence, pending.data))
    return sorted(findings, key=Finding.sort_key)


# ---------------------------------------------------------------- recording
@dataclass
class _Events:
    imports: list[cst.CSTNode] = field(default_factory=list)
    calls: list[tuple[cst.Call, Scope]] = field(default_factory=list)
    config: list[tuple[cst.Attribute, cst.BaseExpression | None, Scope]] = field(default_factory=list)
    error_refs: list[tuple[cst.BaseExpression, Scope]] = field(default_factory=list)
    strings: list[cst.SimpleString] = field(default_factory=list)
    env_access: dict[int, tuple[cst.BaseExpression, Scope, bool]] = field(default_factory=dict)
    model_arguments: set[int] = field(default_factory=set)
    prefix_tests: set[int] = field(default_factory=set)  # strings given to str.startswith / str.endswith


class _Recorder(BindingCollector):
    """Collects bindings and remembers every node that might become a finding."""

    def __init__(self) -> None:
        super().__init__()
        self.events = _Events()
        self._assign_targets: set[int] = set()

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        self.events.imports.append(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        self.events.imports.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.events.calls.append((node, self.scope))
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in _MODEL_KEYWORDS:
                self.events.model_arguments.add(id(arg.value))
        if node.args and isinstance(node.args[0].value, cst.SimpleString):
            self.events.env_access[id(node.args[0].value)] = (node.func, self.scope, False)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _PREFIX_TESTS and node.args:
            tested = node.args[0].value
            for element in tested.elements if isinstance(tested, (cst.Tuple, cst.List)) else ():
                self.events.prefix_tests.add(id(element.value))
            self.events.prefix_tests.add(id(tested))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = node.slice[0].slice.value
            if isinstance(key, cst.SimpleString):
                is_target = id(node) in self._assign_targets
                self.events.env_access[id(key)] = (node.value, self.scope, is_target)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        for target in node.targets:
            self._record_assignment(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        self._record_assignment(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        super().visit_AugAssign(node)
        self._record_assignment(node.target, node.value)

    def _record_assignment(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Attribute):
            self.events.config.append((target, value, self.scope))
        elif isinstance(target, cst.Subscript):
            self._assign_targets.add(id(target))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value[:1].isupper() and _last_name(node.value) == "error":
            self.events.error_refs.append((node, self.scope))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        super().visit_ExceptHandler(node)
        if node.type is None:
            return
        types = [e.value for e in node.type.elements] if isinstance(node.type, cst.Tuple) else [node.type]
        for expression in types:
            if isinstance(expression, (cst.Name, cst.Attribute)):
                self.events.error_refs.append((expression, self.scope))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if len(node.value) <= _MAX_NAME_LENGTH + 8:
            self.events.strings.append(node)


# ---------------------------------------------------------------- emitting
class _Emitter:
    """Turns recorded nodes into findings, resolving each against the bindings."""

    def __init__(self, path: str, recorder: _Recorder, resolver: Resolver, module: cst.Module) -> None:
        self.path = path
        self.events = recorder.events
        self.resolver = resolver
        self.module = module
        self.pending: list[NodeFinding] = []
        self.imports_openai = False
        self._reported_errors: set[int] = set()

    @classmethod
    def over(cls, module: cst.Module, path: str) -> "_Emitter":
        recorder = _Recorder()
        walk(module, recorder)
        return cls(path, recorder, Resolver(recorder), module)

    def run(self, source: str | None = None) -> list[Finding]:
        return located(self.module, self.path, self.collect(), source)

    def collect(self) -> list[NodeFinding]:
        for node in self.events.imports:
            self._import(node)
        for call, scope in self.events.calls:
            self._call(call, scope)
        for target, value, scope in self.events.config:
            self._config(target, value, scope)
        for node, scope in self.events.error_refs:
            self._error_ref(node, scope)
        for node in self.events.strings:
            self._string(node)
        return self.pending

    # -- helpers
    def _add(self, kind: Kind, node: cst.CSTNode, message: str, confidence=Confidence.CERTAIN, **data) -> None:
        self.pending.append(NodeFinding(kind, node, message, confidence, data))

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def _literal(self, node: cst.BaseExpression):
        """The value of a literal argument, or {"expr": source} when it is computed."""
        code = self._code(node)
        try:
            value = ast.literal_eval(code.strip())
        except Exception:
            return {"expr": " ".join(code.split())[:_SNIPPET_LIMIT]}
        return _jsonable(value, code)

    # -- imports
    def _import(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted_name(alias.name) or ""
                asname = _asname(alias)
                self._module_import(alias, name, asname)
            return
        assert isinstance(node, cst.ImportFrom)
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module) or ""
        names = (
            [["*", None]]
            if isinstance(node.names, cst.ImportStar)
            else [[dotted_name(a.name) or "", _asname(a)] for a in node.names]
        )
        root = module.split(".", 1)[0]
        if root == "openai":
            self.imports_openai = True
            shown = ", ".join(n for n, _ in names)
            if module.startswith("openai.types"):
                self._add(Kind.TYPE_IMPORT, node, f"type-only import of {shown} from {module}",
                          module=module, names=names)
            elif module == "openai.error":
                self._add(Kind.IMPORT, node, f"imports {shown} from the legacy openai.error module "
                          "(removed in openai 1.0; the exceptions live on openai itself)",
                          module=module, names=names, legacy=True)
            else:
                self._add(Kind.IMPORT, node, f"imports {shown} from {module}", module=module, names=names)
            return
        wrapped = [n for n, _ in names if f"{module}.{n}" in WRAPPER_CLASSES]
        if wrapped:
            library = WRAPPER_CLASSES[f"{module}.{wrapped[0]}"]
            self._add(Kind.WRAPPER, node, f"imports {', '.join(wrapped)} from {module} ({library})",
                      library=library, module=module, names=names, usage="import")

    def _module_import(self, alias: cst.ImportAlias, name: str, asname: str | None) -> None:
        root = name.split(".", 1)[0]
        alias_text = f" as {asname}" if asname else ""
        if root == "openai":
            self.imports_openai = True
            if name.startswith("openai.types"):
                self._add(Kind.TYPE_IMPORT, alias, f"type-only import of {name}{alias_text}",
                          module=name, alias=asname)
            else:
                self._add(Kind.IMPORT, alias, f"imports {name}{alias_text}", module=name, alias=asname,
                          legacy=name == "openai.error")
        elif root in ("tiktoken", "langchain_openai") or name.startswith("llama_index.llms.openai"):
            library = {"tiktoken": "tiktoken", "langchain_openai": "langchain"}.get(root, "llama_index")
            self._add(Kind.WRAPPER, alias, f"imports {name}{alias_text} ({library})",
                      library=library, module=name, usage="import")

    # -- calls
    def _call(self, node: cst.Call, scope: Scope) -> None:
        func = self.resolver.resolve(node.func, scope)
        if isinstance(func, Ref):
            self._call_on_ref(node, func)
        elif isinstance(func, Member):
            self._call_on_member(node, func)
        elif isinstance(func, ClassRef):
            return
        else:
            self._maybe_likely_call(node, scope)

    def _call_on_ref(self, node: cst.Call, func: Ref) -> None:
        qualname = func.qualname
        if qualname in CLIENT_CLASSES:
            self._client(node, CLIENT_CLASSES[qualname])
            return
        if qualname in WRAPPER_CLASSES:
            self._wrapper(node, qualname)
            return
        if qualname in TIKTOKEN_FUNCTIONS:
            self._tiktoken(node, qualname)
            return
        parts = qualname.split(".")
        if parts[0] != "openai" or len(parts) < 3:
            if parts[0] not in LOOKALIKE_MODULES:
                self._maybe_likely_call(node, None)
            return
        if parts[1] in V0_RESOURCES:
            method = V0_METHODS.get(parts[-1], parts[-1])
            api = f"{V0_RESOURCES[parts[1]]}.{method}"
            self._api_call(node, api, client="openai (v0 module)", legacy=True,
                           original=".".join(parts), is_async=parts[-1].startswith("a"))
        elif parts[1] in RESOURCES:
            api, via = _api_path(parts[1:])
            self._api_call(node, api, client="openai (module client)", via=via)

    def _call_on_member(self, node: cst.Call, func: Member) -> None:
        owner = func.owner.qualname
        if owner in CLIENT_CLASSES:
            api, via = _api_path(list(func.path))
            if "." in api and api.split(".", 1)[0] in RESOURCES:
                client = CLIENT_CLASSES[owner]
                self._api_call(node, api, client=client, via=via, is_async=client in ASYNC_CLIENTS)
            return
        if owner.split(".", 1)[0] not in LOOKALIKE_MODULES:
            self._maybe_likely_call(node, None)

    def _maybe_likely_call(self, node: cst.Call, scope: Scope | None) -> None:
        """An unresolved receiver with the SDK's unmistakable call shape, in a file that imports openai."""
        if not self.imports_openai:
            return
        base, names = attribute_chain(node.func)
        names = [n for n in names if n not in RESPONSE_WRAPPERS]
        if not any(tuple(names[-length:]) in _SHAPES for length in _SHAPE_LENGTHS if len(names) >= length):
            return
        if scope is not None and self._is_lookalike(base, names, scope):
            return
        start = next(i for i, n in enumerate(names) if n in RESOURCES)
        api, via = _api_path(names[start:])
        self._api_call(node, api, client="unresolved", via=via, confidence=Confidence.LIKELY)

    def _is_lookalike(self, base: cst.BaseExpression, names: list[str], scope: Scope) -> bool:
        value = self.resolver.resolve(base, scope)
        qualname = getattr(value, "qualname", None) or getattr(getattr(value, "owner", None), "qualname", None)
        return qualname is not None and qualname.split(".", 1)[0] in LOOKALIKE_MODULES

    def _api_call(self, node: cst.Call, api: str, *, client: str, via=None, legacy=False,
                  original=None, is_async=False, confidence=Confidence.CERTAIN) -> None:
        params: dict[str, object] = {}
        arguments: list[str] = []
        spread: list[str] = []
        model = None
        model_expr = None
        for arg in node.args:
            if arg.star:
                spread.append(f"{arg.star}{self._code(arg.value)}")
                continue
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            arguments.append(name)
            if name in ("model", "engine", "deployment_id"):
                value = self._literal(arg.value)
                if isinstance(value, str):
                    model = value
                else:
                    model_expr = value["expr"] if isinstance(value, dict) else repr(value)
            elif name in PROMPT_PARAMETERS:
                params[name] = self._literal(arg.value)
        what = original or api
        message = f"legacy v0 call {what} (v1: {api})" if legacy else f"{api} call"
        if model is not None:
            message += f", model {model}"
        elif model_expr is not None:
            message += f", model from `{model_expr}`"
        if spread:
            message += f"; parameters not statically known ({', '.join(spread)})"
        data = {
            "api": api, "client": client, "async": is_async, "legacy": legacy,
            "model": model, "model_expr": model_expr, "params": params,
            "arguments": arguments, "spread": spread, "via": via,
        }
        if original:
            data["original"] = original
        self._add(Kind.CALL, node, message, confidence, **data)

    def _client(self, node: cst.Call, cls: str) -> None:
        kwargs = self._keyword_arguments(node)
        shown = f" ({', '.join(kwargs)})" if kwargs else ""
        self._add(Kind.CLIENT, node, f"{cls} client constructed{shown}", cls=cls, kwargs=kwargs,
                  is_async=cls in ASYNC_CLIENTS, azure="Azure" in cls)

    def _keyword_arguments(self, node: cst.Call) -> dict:
        """Keyword arguments as literal values (or source), with key- and token-like values masked."""
        return {
            arg.keyword.value: self._masked(arg.keyword.value, arg.value)
            for arg in node.args
            if arg.keyword is not None
        }

    def _masked(self, name: str, node: cst.BaseExpression):
        value = self._literal(node)
        if isinstance(value, str) and ("key" in name or "token" in name) and value:
            return "***"
        return value

    def _wrapper(self, node: cst.Call, qualname: str) -> None:
        library = WRAPPER_CLASSES[qualname]
        cls = qualname.rsplit(".", 1)[-1]
        kwargs = self._keyword_arguments(node)
        model = next((kwargs[k] for k in ("model", "model_name", "deployment_name") if k in kwargs), None)
        message = f"{library} {cls} (speaks the OpenAI protocol)"
        if isinstance(model, str):
            message += f", model {model}"
        self._add(Kind.WRAPPER, node, message, library=library, cls=cls, kwargs=kwargs,
                  model=model if isinstance(model, str) else None, usage="construct")

    def _tiktoken(self, node: cst.Call, qualname: str) -> None:
        argument = self._literal(node.args[0].value) if node.args else None
        shown = f"({argument!r})" if isinstance(argument, str) else "(…)"
        self._add(Kind.WRAPPER, node, f"{qualname}{shown}: OpenAI tokenizer; counts differ on other models",
                  library="tiktoken", function=qualname, argument=argument, usage="call")

    # -- module configuration
    def _config(self, target: cst.Attribute, value, scope: Scope) -> None:
        owner = self.resolver.resolve(target.value, scope)
        attr = target.attr.value
        if not (isinstance(owner, Ref) and owner.qualname == "openai"):
            return
        shown = self._masked(attr, value) if value is not None else None
        known = attr in MODULE_CONFIG
        message = f"module configuration openai.{attr}" + ("" if known else " (not a known setting)")
        self._add(Kind.CONFIG, target, message, attribute=attr, value=shown)

    # -- exceptions
    def _error_ref(self, node: cst.BaseExpression, scope: Scope) -> None:
        if id(node) in self._reported_errors:
            return
        value = self.resolver.resolve(node, scope)
        if not isinstance(value, Ref) or value.root != "openai":
            return
        parts = value.qualname.split(".")
        self._reported_errors.add(id(node))
        if len(parts) == 3 and parts[1] == "error":
            self._add(Kind.ERROR_REF, node, f"legacy exception {value.qualname} (v1: openai.{parts[2]})",
                      name=value.qualname, replacement=f"openai.{parts[2]}", legacy=True)
        elif len(parts) == 2:
            self._add(Kind.ERROR_REF, node, f"catches {value.qualname}", name=value.qualname,
                      replacement=None, legacy=False)

    # -- string literals
    def _string(self, node: cst.SimpleString) -> None:
        try:
            value = node.evaluated_value
        except Exception:  # an invalid escape inside a string: nothing to report
            return
        if not isinstance(value, str) or len(value) > _MAX_NAME_LENGTH:
            return
        in_model_argument = id(node) in self.events.model_arguments
        if MODEL_NAME.match(value) or (in_model_argument and LEGACY_BASE_MODEL.match(value)):
            where = "model argument" if in_model_argument else (
                "prefix test" if id(node) in self.events.prefix_tests else "literal")
            self._add(Kind.MODEL, node, f"OpenAI model name {value!r}", model=value, context=where)
        elif ENV_VAR_NAME.match(value):
            access = self._env_access(node)
            message = {"read": f"reads {value}", "set": f"sets {value}"}.get(access, f"mentions {value}")
            self._add(Kind.ENV_VAR, node, message, name=value, access=access)

    def _env_access(self, node: cst.SimpleString) -> str:
        recorded = self.events.env_access.get(id(node))
        if recorded is None:
            return "mention"
        holder, scope, is_target = recorded
        value = self.resolver.resolve(holder, scope)
        if isinstance(value, Ref):
            if value.qualname == "os.environ":
                return "set" if is_target else "read"
            if value.qualname in _ENV_READERS:
                return _ENV_READERS[value.qualname]
        return "mention"


# ---------------------------------------------------------------- small pure helpers
def _snippet(line: str) -> str:
    """The finding's source line, trimmed, with anything that looks like an API key masked."""
    text = _SECRET.sub(r"\1***", line.strip())
    return text if len(text) <= _SNIPPET_LIMIT else text[: _SNIPPET_LIMIT - 1] + "…"


def _last_name(node: cst.BaseExpression) -> str | None:
    """`c` for `a.b.c` and for `c`; None for any other expression."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else None


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _api_path(names: list[str]) -> tuple[str, str | None]:
    """("chat", "completions", "with_raw_response", "create") -> ("chat.completions.create", "with_raw_response")."""
    via = next((n for n in names if n in RESPONSE_WRAPPERS), None)
    return ".".join(n for n in names if n not in RESPONSE_WRAPPERS), via


def _jsonable(value, code: str):
    """Literal values as JSON-friendly data; anything else (bytes, sets, complex) as source text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, repr(v)) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _jsonable(v, repr(v)) for k, v in value.items()}
    return {"expr": " ".join(code.split())[:_SNIPPET_LIMIT]}
