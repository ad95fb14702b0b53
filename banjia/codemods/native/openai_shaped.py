"""Strategy `native` for the SDKs shaped like openai's: zhipuai / zai, qianfan's v2 client, Ark.

The compat planner does the provider-facing work (model names, the rule file's parameter
rules, wrappers, legacy code first upgraded to v1); this subclass swaps what differs
between the openai SDK and the provider's: the client class and its arguments, keywords
the SDK rejects or names differently, asyncio, and the exception classes. What to do is
read from `sdks.py`.

A module is the unit of the decision. The analyzer knows which client class a call is
made on, not which construction, so a module whose calls cannot all move (an API the SDK
lacks, a call through `with_raw_response`, async streaming on zhipuai) keeps the
compatible rewrite as a whole, with a TODO on each call that held it back: half a
module on one client and half on another would break the calls that share a client.
"""

from __future__ import annotations

import libcst as cst

from banjia.codemods.analyzer import NodeFinding
from banjia.codemods.call_edits import is_replaceable_setting, keyword_value, one_line, rename_keyword, set_keywords
from banjia.codemods.compat import _Planner, migrate_python
from banjia.codemods.legacy_responses import _Scan
from banjia.codemods.native.model_methods import plan_model_methods, response_parts
from banjia.codemods.native.sdks import RESPONSE_SHAPING, AsyncStyle, Method, Models, ShapedSdk, sdk_for
from banjia.codemods.outcome import Outcome
from banjia.codemods.walk import child_nodes, walk
from banjia.model import Confidence, Kind, Severity
from banjia.rules.model import Action, ParameterRule, RuleSet

_OPENAI_CLIENTS = ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI")


def migrate_openai_shaped(source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome:
    """Rewrite `source` onto `rules.native`'s client; ValueError when that SDK has no tables here."""
    if rules.native is None or sdk_for(rules.native.client) is None:
        raise ValueError(f"{rules.name}: no native rewrite for client {rules.native.client if rules.native else None!r}")
    return migrate_python(source, path, rules, unsafe=unsafe, planner=_NativePlanner)


class _NativePlanner(_Planner):
    def __init__(self, module: cst.Module, path: str, rules: RuleSet, unsafe: bool) -> None:
        super().__init__(module, path, rules, unsafe)
        assert rules.native is not None
        self.native = rules.native
        sdk = sdk_for(rules.native.client)
        assert sdk is not None
        self.sdk: ShapedSdk = sdk
        self.swapping = True  # False: the module keeps the compatible rewrite
        self._awaited: set[int] = set()  # calls that are the operand of an `await`
        self._method: Method | None = None  # the SDK method of the call being planned
        self._handled: set[tuple[int, str]] = set()  # (call, keyword) a parameter rule already dealt with
        self._native_calls: set[int] = set()  # calls moved to the SDK: their responses are the SDK's objects
        self._swapped_clients = False  # some client construction became the SDK's
        self._openai_names: dict[str, str] = {}  # name bound by `from openai import X` -> X

    # -- the module-wide decision
    def plan(self, findings: list[NodeFinding]) -> None:
        self._awaited = {id(node.expression) for node in _awaits(self.module)}
        held_back = [(f.node, reason) for f in findings if f.kind is Kind.CALL and (reason := self._held_back(f))]
        self.swapping = not held_back
        super().plan(findings)
        for node, reason in held_back:
            self._note(node, Severity.MANUAL, f"kept on the OpenAI-compatible endpoint: {reason}",
                       "native:compatible-endpoint", True)

    def _held_back(self, finding: NodeFinding) -> str | None:
        """Why this call cannot move to the native client, or None."""
        data = finding.data
        if data["legacy"]:
            return None  # the legacy pass could not convert it; its own TODO says what to do
        api, package = self._api_of(finding), self.native.package
        if api not in self.sdk.methods:
            why = next((text for prefix, text in self.sdk.missing_apis.items()
                        if api == prefix or api.startswith(prefix + ".")), f"{package} has no {api}")
            return f"{api}: {why}"
        if data["client"] == "openai (module client)":
            return f"openai.{api} goes through the openai module's own client, which has no {package} counterpart"
        if data["via"]:
            return f"{data['via']} is an openai SDK feature"
        if data["async"] and self.sdk.async_style is AsyncStyle.THREAD:
            if id(finding.node) not in self._awaited:
                return (f"{package} has no asyncio client, and asyncio.to_thread can only replace a call that "
                        "is awaited where it is made")
            stream = keyword_value(finding.node, "stream")
            if stream is not None and not (isinstance(stream, cst.Name) and stream.value == "False"):
                return (f"async streaming: {package} has no asyncio client, and its stream is a plain iterator "
                        "that `async for` cannot drive")
        return None

    def _api_of(self, finding: NodeFinding) -> str:
        """The openai API of a call, seeing through the coroutine twin (`acreate`) an earlier run wrote.

        A client the analyzer still types as openai's (a factory annotated `-> AsyncOpenAI`)
        shows the migrated `chat.completions.acreate(...)` as an openai call again.
        """
        api = finding.data["api"]
        owner, _, method = api.rpartition(".")
        if self.sdk.async_style is AsyncStyle.METHOD and method == self.sdk.async_method \
                and f"{owner}.create" in self.sdk.methods:
            return f"{owner}.create"
        return api

    # -- dispatch
    def add(self, finding: NodeFinding) -> None:
        if finding.kind is Kind.IMPORT and finding.data.get("module") == "openai" and "names" in finding.data:
            self._openai_names.update((asname or name, name) for name, asname in finding.data["names"])
        if self.swapping and finding.kind is Kind.ERROR_REF and not finding.data["legacy"]:
            self._error(finding)
            return
        super().add(finding)

    # -- clients
    def _client(self, finding: NodeFinding) -> None:
        if not self.swapping:
            super()._client(finding)
            return
        call = finding.node
        assert isinstance(call, cst.Call)
        is_async = finding.data["is_async"]
        target = self.native.async_client if is_async and self.sdk.async_style is AsyncStyle.CLIENT \
            else self.native.client
        module, cls = target.rsplit(".", 1)
        wanted = {"api_key": f'os.environ["{self.native.api_key_env}"]'}
        if self.sdk.base_url_in_constructor:
            wanted["base_url"] = f'os.environ.get("{self.native.base_url_env}", "{self.native.base_url}")'
        settable = set(wanted)
        self._keep_configured_values(call, wanted)  # notes the project's own values of `settable`
        renames = {old: new for old, new in self.sdk.constructor_renames.items() if keyword_value(call, old) is not None}
        dropped = []
        for arg in call.args:
            name = arg.keyword.value if arg.keyword is not None else None
            if name is None or name in settable:
                continue
            if name == "base_url":  # OpenAI's endpoint, or the project's own: the SDK has its own default
                if not is_replaceable_setting(arg.value):
                    self._own_endpoint(call, arg.value, cls)
                    if "base_url" in self.sdk.constructor:
                        continue
                dropped.append(name)
                continue
            if renames.get(name, name) in self.sdk.constructor:
                continue
            dropped.append(name)
            if not is_replaceable_setting(arg.value):
                self._note(call, Severity.INFO, f"{name}=`{one_line(self.module.code_for_node(arg.value))}` "
                           f"removed: {cls} does not take it", f"client:{name}", False)

        def edit(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call)
            node = node.with_changes(func=cst.Name(cls))
            for old, new in renames.items():
                node = rename_keyword(node, old, new)
            return set_keywords(node, wanted, drop=tuple(dropped))

        message = f"{finding.data['cls']} client -> {target}"
        if is_async and self.sdk.async_style is not AsyncStyle.CLIENT:
            message += f" ({self.native.package} has no asyncio client: awaited calls are adapted)"
        if not self._edit(call, edit, "client", message):
            return
        self._swapped_clients = True
        self.imports.update({("os", None), (module, cls)})
        if isinstance(call.func, cst.Name):
            self.unused_imports.add(("openai", call.func.value))
        else:
            self.unused_imports.add(("openai", None))

    def _own_endpoint(self, call: cst.Call, value: cst.BaseExpression, cls: str) -> None:
        """A base_url the project computes: kept where the SDK takes one, and explained either way."""
        shown = one_line(self.module.code_for_node(value))
        if "base_url" in self.sdk.constructor:
            message = f"base_url comes from `{shown}`, the project's own setting: set it to {self.native.base_url}"
        else:
            message = (f"base_url=`{shown}` removed: {cls} takes no base_url; it reads its endpoint from "
                       f"{self.native.base_url_env} ({self.native.base_url} by default)")
        self._note(call, Severity.MANUAL, message, "client:base_url", True)

    # -- API calls
    def _call(self, finding: NodeFinding) -> None:
        if not self.swapping or finding.data["legacy"] or finding.data["api"] not in self.sdk.methods:
            super()._call(finding)
            return
        call = finding.node
        assert isinstance(call, cst.Call)
        self._method = self.sdk.methods[finding.data["api"]]
        self._native_calls.add(id(call))
        super()._call(finding)
        if self.rules.unsupported_api(finding.data["api"]) is None:
            self._sdk_keywords(call, finding)
            if finding.data["async"]:
                self._adapt_await(call)
        self._method = None

    def finish(self) -> None:
        """Annotations naming openai's client classes, and openai's model methods called on
        the SDK's responses, written the way the SDK spells them."""
        super().finish()
        if not self.swapping:
            return
        if self._native_calls or self._swapped_clients:
            self._annotations()
        if self.sdk.response_models is Models.OPENAI:
            return
        scan = _Scan()
        self.module.visit(scan)
        plan_model_methods(self, scan.calls, response_parts(self.module, scan, self._native_calls),
                           self.sdk.response_models, self.native.package)

    def _annotations(self) -> None:
        """`client: AsyncOpenAI` and `-> OpenAI` name the SDK's class once the clients are the SDK's:
        the annotation stays true, and the openai import can go with the last use."""
        for node, openai_class, bound in _client_annotations(self.module, self._openai_names):
            target = self.native.async_client if openai_class.startswith("Async") \
                and self.sdk.async_style is AsyncStyle.CLIENT else self.native.client
            module, cls = target.rsplit(".", 1)
            if not self._edit(node, lambda old, cls=cls: _renamed(old, cls), "client",
                              f"annotation {openai_class} -> {target}"):
                continue
            self.imports.add((module, cls))
            self.unused_imports.add(("openai", bound))

    def _parameter(self, call: cst.Call, rule: ParameterRule, likely: bool) -> None:
        """The rule file's rule, unless the SDK's own signature decides what happens to the keyword."""
        method = self._method
        if method is not None and self._sdk_decides(method, rule):
            return
        if keyword_value(call, rule.name) is not None:
            self._handled.add((id(call), rule.name))
        super()._parameter(call, rule, likely)

    @staticmethod
    def _sdk_decides(method: Method, rule: ParameterRule) -> bool:
        name = rule.name
        if name in method.renames or name in method.flagged:
            return True
        if rule.action is Action.EXTRA_BODY:
            return _accepts(method, name)  # the SDK takes it as a keyword: no need for extra_body
        if _accepts(method, name):
            return False
        return not (rule.action is Action.RENAME and rule.to is not None and _accepts(method, rule.to))

    def _sdk_keywords(self, call: cst.Call, finding: NodeFinding) -> None:
        method = self._method
        assert method is not None
        package = self.native.package
        for arg in call.args:
            if arg.star == "**" and method.accepts is not None:
                self._note(call, Severity.MANUAL, f"the parameters in {arg.star}{self.module.code_for_node(arg.value)} "
                           f"must be ones {package} takes: it raises TypeError on any other keyword",
                           "native:spread", True)
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            tag = f"native:parameter:{name}"
            if name in self.sdk.call_notes:
                self._note(call, Severity.INFO, f"{name}: {self.sdk.call_notes[name]}", tag, False)
            if (id(call), name) in self._handled:
                continue
            if name in method.flagged:
                self._note(call, Severity.MANUAL, f"{name}: {method.flagged[name]}", tag, True)
            elif name in method.renames:
                new = method.renames[name]
                self._edit(call, lambda node, old=name, new=new: rename_keyword(node, old, new), "parameter",
                           f"{name} renamed to {new} ({package} calls it {new})")
            elif not _accepts(method, name):
                self._drop(call, name, finding)

    def _drop(self, call: cst.Call, name: str, finding: NodeFinding) -> None:
        package = self.native.package
        why = f"{package} raises TypeError on it"
        certain = finding.confidence is Confidence.CERTAIN
        if not certain and not self.unsafe:
            self._note(call, Severity.MANUAL, f"remove {name}: {why} — not applied: the client is not known for "
                       "certain (use --unsafe)", f"native:parameter:{name}", True)
            return
        self._edit(call, lambda node: set_keywords(node, {}, drop=(name,)), "parameter", f"{name} removed ({why})",
                   "safe" if certain else "unsafe")
        if name in RESPONSE_SHAPING:
            self._note(call, Severity.MANUAL, f"{name} removed ({why}): code that reads what it asked for "
                       "(more choices, log probabilities, a usage chunk) gets nothing now", f"native:parameter:{name}",
                       True)

    def _adapt_await(self, call: cst.Call) -> None:
        style = self.sdk.async_style
        if style is AsyncStyle.THREAD:
            self.imports.add(("asyncio", None))
            self._edit(call, _in_thread, "async", f"awaited through asyncio.to_thread ({self.native.package} has "
                       "no asyncio client; the call runs in a worker thread)")
        elif style is AsyncStyle.METHOD and isinstance(call.func, cst.Attribute):
            method = self.sdk.async_method
            self._edit(call, lambda node: node.with_changes(func=node.func.with_changes(attr=cst.Name(method))),
                       "async", f"create -> {method}, the {self.native.package} client's coroutine")

    # -- exceptions
    def _error(self, finding: NodeFinding) -> None:
        node = finding.node
        short = finding.data["name"].rsplit(".", 1)[-1]
        target = self.sdk.errors.get(short)
        if target is None:
            self._note(node, Severity.MANUAL, f"openai.{short} has no {self.native.package} counterpart: "
                       f"{self.sdk.unmapped_error_advice}", f"native:error:{short}", True)
            return
        module, cls = target.rsplit(".", 1)
        written = target if self.sdk.error_import == "module" else cls
        if not self._edit(node, lambda _: cst.parse_expression(written), "exception",
                          f"openai.{short} -> {target}"):
            return
        self.imports.add((module, None) if self.sdk.error_import == "module" else (module, cls))
        if isinstance(node, cst.Name):
            self.unused_imports.add(("openai", node.value))
        else:
            self.unused_imports.add(("openai", None))


class _Annotations:
    """Every annotation of a module (parameters, returns, annotated assignments)."""

    def __init__(self) -> None:
        self.found: list[cst.Annotation] = []

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self.found.append(node)


def _client_annotations(module: cst.Module, imported: dict[str, str]) -> list[tuple[cst.CSTNode, str, str | None]]:
    """(node, openai class, name it is imported as) for each `OpenAI` / `openai.AsyncOpenAI`-style
    name inside an annotation; the name is None when it is reached through `import openai`.

    `imported` maps the names `from openai import ...` binds to the classes they are.
    """
    annotations = _Annotations()
    walk(module, annotations)
    found = []
    for annotation in annotations.found:
        stack: list[cst.CSTNode] = [annotation.annotation]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "openai" \
                    and node.attr.value in _OPENAI_CLIENTS:
                found.append((node, node.attr.value, None))
            elif isinstance(node, cst.Name) and imported.get(node.value) in _OPENAI_CLIENTS:
                found.append((node, imported[node.value], node.value))
            elif isinstance(node, cst.SimpleString) and (named := _named_client(node.evaluated_value, imported)):
                found.append((node, *named))  # a forward reference: "OpenAI"
            else:
                stack.extend(child_nodes(node))
    return found


def _named_client(text: object, imported: dict[str, str]) -> tuple[str, str | None] | None:
    """(openai class, name it is imported as) for a string annotation naming one on its own, or None."""
    if not isinstance(text, str):
        return None
    if text.startswith("openai.") and text[len("openai."):] in _OPENAI_CLIENTS:
        return text[len("openai."):], None
    return (imported[text], text) if imported.get(text) in _OPENAI_CLIENTS else None


def _renamed(node: cst.CSTNode, cls: str) -> cst.CSTNode:
    """The annotation part naming an openai client, naming `cls` instead (a string stays a string)."""
    if isinstance(node, cst.SimpleString):
        return node.with_changes(value=f"{node.prefix}{node.quote}{cls}{node.quote}")
    return cst.Name(cls)


def _accepts(method: Method, name: str) -> bool:
    return name not in method.flagged and (method.accepts is None or name in method.accepts)


def _in_thread(node: cst.CSTNode) -> cst.CSTNode:
    """`c.chat.completions.create(...)` -> `asyncio.to_thread(c.chat.completions.create, ...)`."""
    assert isinstance(node, cst.Call)
    if not node.args:
        return node.with_changes(func=cst.parse_expression("asyncio.to_thread"), args=[cst.Arg(node.func)])
    between = node.args[0].comma  # the call's own separator, so a one-per-line call stays one per line
    if not isinstance(between, cst.Comma):
        between = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    first = cst.Arg(node.func, comma=between)
    return node.with_changes(func=cst.parse_expression("asyncio.to_thread"), args=[first, *node.args])


def _awaits(module: cst.Module) -> list[cst.Await]:
    found: list[cst.Await] = []

    class _Collect(cst.CSTVisitor):
        def visit_Await(self, node: cst.Await) -> None:
            found.append(node)

    module.visit(_Collect())
    return found
