"""Strategy `native` for DashScope (Qwen): openai client calls become dashscope's module functions.

Facts read in dashscope 2.0.2 and checked against 1.19.0, the first release with
`AioGeneration` (the rule file's requirement floor):

- `client.chat.completions.create(...)` -> `dashscope.Generation.call(...)`, and for
  `AsyncOpenAI` `await dashscope.AioGeneration.call(...)`; with `stream=True` the awaited
  value is an async generator, so `async for` loops stay as they are. Every call gets
  `result_format="message"` (otherwise the text is in `output.text` and `choices` is
  None) and, when it may stream, `incremental_output=True` (otherwise each chunk repeats
  the whole text so far). `client.embeddings.create(...)` -> `dashscope.TextEmbedding.call`
  (`dimensions` is `dimension` there; there is no asyncio embedding call).
- There is no client object: the calls get `api_key=os.environ["DASHSCOPE_API_KEY"]`, and
  a client construction whose every use was migrated is removed. The endpoint is the
  SDK's own: it reads `DASHSCOPE_HTTP_BASE_URL` when `dashscope` is imported, so
  deployments and tests point it elsewhere through that variable and no code is written.
- Calls with no native counterpart here (images, audio, completions, async embeddings,
  `with_raw_response`, ...) stay on the OpenAI-compatible endpoint exactly as the compat
  strategy leaves them, their client with them, with a TODO and a note.
- Parameters: Generation.call takes temperature, top_p, max_tokens, seed, stop, n, tools,
  tool_choice, parallel_tool_calls, response_format, logprobs, presence_penalty (and
  DashScope's own top_k, enable_thinking, ...) directly, so the rule file's clamps apply
  and its compatible-mode moves into `extra_body` and additions do not; `extra_body`'s
  keys become keywords, `max_completion_tokens` is `max_tokens`, `timeout` is
  `request_timeout`, `extra_headers` is `headers`; `stream_options`, `user`,
  `encoding_format` and other OpenAI-only options are removed, and the ones that mean
  something DashScope does differently are flagged.

Errors: DashScope returns a failed call as a response with `status_code != 200` (`code`,
`message`, `output=None`) instead of raising. openai raised, and code relied on that
whether or not it caught anything, so after every migrated call bound by `name = ...`,
and as the first statement of every loop over a migrated stream, banjia adds

    if name.status_code != HTTPStatus.OK:
        raise RequestFailure(name.request_id, name.message, name.code, name.status_code)

`RequestFailure` (`dashscope.common.error`, arguments request_id, message, name,
http_code) is the SDK's own exception for a failed request, so an except clause around a
migrated call keeps meaning "the API call failed": `openai.APIError` / `APIStatusError`
become `RequestFailure`, `openai.OpenAIError` the SDK's base `DashScopeException`. A
handler for one status (`RateLimitError`) is left as it is and flagged: widening it would
send every failure down a path written for one (a retry, a `return None`), so the
person moves it under `except RequestFailure as e` with the test that narrows it
(`e.http_code == 429`). Network failures are raised by
requests / aiohttp, so handlers for `APIConnectionError` / `APITimeoutError` are flagged
and left alone. A call whose response is not bound to a name gets a TODO instead.

Reads of the responses are rewritten where they can be traced (`dashscope_responses.py`).
"""

from __future__ import annotations

import libcst as cst

from banjia.codemods.analyzer import NodeFinding
from banjia.codemods.call_edits import (
    dotted,
    is_replaceable_setting,
    keyword_value,
    one_line,
    rename_keyword,
    set_keywords,
)
from banjia.codemods.compat import _Planner, migrate_with
from banjia.codemods.legacy_responses import _Scan
from banjia.codemods.native.dashscope_responses import CHAT, EMBEDDINGS, STREAM, ResponseTracer
from banjia.codemods.native.model_methods import plan_model_methods
from banjia.codemods.native.sdks import Models
from banjia.codemods.outcome import Outcome
from banjia.codemods.rewrite import ApplyEdits, settle_imports
from banjia.model import Confidence, Kind, Severity
from banjia.rules.model import Action, ParameterRule, RuleSet

_GENERATION = "dashscope.Generation.call"
_ASYNC_GENERATION = "dashscope.AioGeneration.call"
_EMBEDDING = "dashscope.TextEmbedding.call"
_ERRORS = "dashscope.common.error"

# OpenAI keywords DashScope spells differently: (native name, why).
_RENAMED = {
    "max_completion_tokens": ("max_tokens", "Generation.call's output limit"),
    "timeout": ("request_timeout", "dashscope's per-request timeout, in seconds"),
    "extra_headers": ("headers", "dashscope sends `headers` with the request"),
    "dimensions": ("dimension", "TextEmbedding.call's vector size"),
}
# OpenAI-only options the native calls do not take: removed.
_DROPPED = {
    "stream_options": "DashScope streams report usage on every chunk",
    "user": "the native API takes no end-user id",
    "encoding_format": "TextEmbedding.call always returns float vectors",
    "store": "OpenAI-only (stored completions)",
    "metadata": "OpenAI-only (stored completions)",
    "service_tier": "OpenAI-only",
}
# Options with a DashScope counterpart that is not a keyword-for-keyword translation.
_FLAGGED = {
    "functions": "legacy function calling: pass the functions as tools=[{\"type\": \"function\", ...}]",
    "function_call": "legacy function calling: use tool_choice",
    "reasoning_effort": "DashScope's thinking is enable_thinking=True with thinking_budget=<tokens>",
    "web_search_options": "DashScope's web search is enable_search=True (search_options={...})",
    "frequency_penalty": "not a Generation.call parameter: it is passed through to the service, which may "
                         "ignore it; presence_penalty or repetition_penalty are DashScope's",
    "extra_query": "dashscope takes no query parameters",
    "modalities": "audio output needs DashScope's omni models through MultiModalConversation",
    "audio": "audio output needs DashScope's omni models through MultiModalConversation",
    "prediction": "predicted outputs are OpenAI-only",
}
# openai exceptions and what an except clause around a migrated call catches now.
_CATCH_ALL = {"OpenAIError": "DashScopeException", "APIError": "RequestFailure", "APIStatusError": "RequestFailure"}
_ONE_STATUS = {
    "BadRequestError": "== 400", "AuthenticationError": "== 401", "PermissionDeniedError": "== 403",
    "NotFoundError": "== 404", "ConflictError": "== 409", "UnprocessableEntityError": "== 422",
    "RateLimitError": "== 429", "InternalServerError": ">= 500",
}
_TRANSPORT = ("APIConnectionError", "APITimeoutError")
_ADDED = {
    "result_format": "choices and messages as openai has them, under output",
    "incremental_output": "each chunk holds the new text, not all of it so far",
    "api_key": "dashscope has no client to hold the key",
}
_UNBOUND = ("DashScope returns a failed call as a response (status_code != 200) instead of raising: bind the "
            "response to a name and check its status_code")


def migrate_dashscope(source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome:
    """Rewrite `source` onto the dashscope SDK. Raises libcst.ParserSyntaxError on bad input.

    As with compat's `migrate_python`, openai<1.0 code is first upgraded to the v1 client;
    the output is re-parsed, and a second run over it changes nothing.
    """
    if rules.native is None:
        raise ValueError(f"{rules.id} has no [native] section")
    return migrate_with(_DashScopePlanner, source, path, rules, unsafe=unsafe)


class _Survey(_Scan):
    """Bindings and parents (see legacy_responses), plus the loops and names a module holds."""

    def __init__(self) -> None:
        super().__init__()
        self.loops: list[cst.For] = []
        self.names: list[cst.Name] = []

    def visit_For(self, node: cst.For) -> None:
        super().visit_For(node)
        self.loops.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        super().visit_Name(node)
        self.names.append(node)


class _DashScopePlanner(_Planner):
    def __init__(self, module: cst.Module, path: str, rules: RuleSet, unsafe: bool) -> None:
        super().__init__(module, path, rules, unsafe)
        assert rules.native is not None
        self.native = rules.native
        self.survey = _Survey()
        module.visit(self.survey)
        self.responses: dict[int, str] = {}  # migrated call -> what it returns (CHAT, STREAM, EMBEDDINGS)
        self.migrated: list[cst.Call] = []
        self.receivers: set[int] = set()  # the client expressions of migrated calls
        self.kept: list[cst.Call] = []  # openai calls left on the compatible endpoint
        self.clients: list[NodeFinding] = []
        self.error_refs: list[NodeFinding] = []
        self.removed: set[int] = set()  # statements removed (client constructions)
        self.after: dict[int, list[cst.BaseStatement]] = {}  # statements inserted after a statement
        self._going_native = False

    # -- findings
    def add(self, finding: NodeFinding) -> None:
        if finding.kind is Kind.CLIENT:
            self.clients.append(finding)  # decided once every call is known
        elif finding.kind is Kind.ERROR_REF:
            self.error_refs.append(finding)
        elif finding.kind is Kind.IMPORT:
            self._openai_import(finding)
        else:
            super().add(finding)

    def _openai_import(self, finding: NodeFinding) -> None:
        """openai imports are removed when nothing uses them any more (calls left on the endpoint still do)."""
        data = finding.data
        if "names" in data:
            self.unused_imports.update((data["module"], name) for name, asname in data["names"] if asname is None)
        elif data["module"] == "openai" and data["alias"] is None:
            self.unused_imports.add(("openai", None))

    def _parameter_rules(self, api: str) -> list[ParameterRule]:
        rules = super()._parameter_rules(api)
        if not self._going_native:
            return rules
        # extra_body moves and additions are how the openai SDK reaches the compatible endpoint
        return [rule for rule in rules if rule.action not in (Action.EXTRA_BODY, Action.ADD)]

    def _call(self, finding: NodeFinding) -> None:
        target = self._native_target(finding)
        self._going_native = isinstance(target, tuple)
        super()._call(finding)
        self._going_native = False
        if isinstance(target, tuple):
            self._migrate(finding, *target)
            return
        self.kept.append(finding.node)
        if target:
            self._note(finding.node, Severity.MANUAL, f"stays on the OpenAI-compatible endpoint: {target}",
                       "native:kept", True)

    def _native_target(self, finding: NodeFinding) -> tuple[str, str | None] | str:
        """(dashscope function, what it returns) for a call migrated natively; else why not ("" when noted)."""
        data = finding.data
        api = data["api"]
        if data["legacy"] or self.rules.unsupported_api(api) is not None:
            return ""
        if data["via"]:
            return f"{data['via']} has no dashscope counterpart"
        if api not in ("chat.completions.create", "embeddings.create"):
            return f"{api} is not migrated to the dashscope SDK"
        if finding.confidence is Confidence.LIKELY and not self.unsafe:
            return "the client could not be resolved; run with --unsafe to move it to the dashscope SDK anyway"
        if api == "embeddings.create":
            return "dashscope has no asyncio embeddings call" if data["async"] else (_EMBEDDING, EMBEDDINGS)
        function = _ASYNC_GENERATION if data["async"] else _GENERATION
        stream = keyword_value(finding.node, "stream")
        if stream is None or _is_constant(stream, "False", "None"):
            return function, CHAT
        return function, (STREAM if _is_constant(stream, "True") else None)  # None: computed, either shape

    # -- the call itself
    def _migrate(self, finding: NodeFinding, function: str, returns: str | None) -> None:
        call = finding.node
        assert isinstance(call, cst.Call)
        safety = "unsafe" if finding.confidence is Confidence.LIKELY else "safe"
        self.imports.update({("dashscope", None), ("os", None)})
        callee = cst.parse_expression(function)
        self._edit(call, lambda node: node.with_changes(func=callee), "call",
                   f"{finding.data['api']} -> {function}", safety)
        self._translate_keywords(call)
        added = {} if function == _EMBEDDING else {"result_format": '"message"'}
        stream = keyword_value(call, "stream")
        if stream is not None and not _is_constant(stream, "False", "None"):
            added["incremental_output"] = "True"
        added["api_key"] = f'os.environ["{self.native.api_key_env}"]'
        self._edit(call, lambda node: set_keywords(node, added), "parameter",
                   "; ".join(f"{name}={added[name]} added ({_ADDED[name]})" for name in added), safety)
        receiver = call.func
        for _ in finding.data["api"].split("."):
            receiver = receiver.value if isinstance(receiver, cst.Attribute) else receiver
        self.receivers.add(id(receiver))
        self.migrated.append(call)
        if returns is not None:
            self.responses[id(call)] = returns
        self._status_check(call, returns)

    def _translate_keywords(self, call: cst.Call) -> None:
        for arg in call.args:
            name = arg.keyword.value if arg.keyword is not None else None
            if name in _RENAMED:
                native, why = _RENAMED[name]
                self._edit(call, lambda node, old=name, new=native: rename_keyword(node, old, new), "parameter",
                           f"{name} renamed to {native} ({why})")
            elif name in _DROPPED:
                self._edit(call, lambda node, old=name: set_keywords(node, {}, drop=(old,)), "parameter",
                           f"{name} removed ({_DROPPED[name]})")
            elif name in _FLAGGED:
                self._note(call, Severity.MANUAL, f"{name}: {_FLAGGED[name]}", f"parameter:{name}", True)
            elif name == "extra_body":
                self._unpack_extra_body(call, arg.value)

    def _unpack_extra_body(self, call: cst.Call, extra: cst.BaseExpression) -> None:
        """dashscope takes the provider's own parameters as keywords: a literal extra_body is unpacked."""
        keys = [element.key.evaluated_value for element in extra.elements
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString)] \
            if isinstance(extra, cst.Dict) else []
        if not keys or len(keys) != len(extra.elements) or not all(isinstance(k, str) and k.isidentifier()
                                                                  for k in keys):
            self._note(call, Severity.MANUAL, "extra_body: pass its keys to the dashscope call as keyword arguments",
                       "parameter:extra_body", True)
            return
        values = {key: self.module.code_for_node(element.value) for key, element in zip(keys, extra.elements)}
        self._edit(call, lambda node: set_keywords(node, values, drop=("extra_body",)), "parameter",
                   f"extra_body unpacked into {', '.join(values)} (dashscope takes them as keywords)")

    # -- errors
    def _status_check(self, call: cst.Call, returns: str | None) -> None:
        """The explicit check after `name = <migrated call>` (streams are checked in their loops)."""
        if returns == STREAM:
            if not self._bound_name(call) and not any(loop.iter is call for loop in self.survey.loops):
                self._note(call, Severity.MANUAL, _UNBOUND + " (every chunk of a stream)", "native:errors", True)
            return
        name = self._bound_name(call) if returns is not None else None
        if name is None:
            self._note(call, Severity.MANUAL, _UNBOUND, "native:errors", True)
            return
        statement = self.survey.parent[id(self.survey.parent[id(self._bound_value(call))])]
        self.after.setdefault(id(statement), []).append(self._check_statement(name))
        self.changes.append((call, "error-handling", f"status check added after the call: DashScope returns "
                             f"errors instead of raising, so `{name}` is checked and RequestFailure raised", "safe"))

    def _bound_value(self, call: cst.Call) -> cst.BaseExpression:
        parent = self.survey.parent.get(id(call))
        return parent if isinstance(parent, cst.Await) else call

    def _bound_name(self, call: cst.Call) -> str | None:
        """`r` for a statement line that is just `r = <call>` / `r: T = <call>` (await included)."""
        value = self._bound_value(call)
        assign = self.survey.parent.get(id(value))
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            target = assign.targets[0].target
        elif isinstance(assign, cst.AnnAssign):
            target = assign.target
        else:
            return None
        line = self.survey.parent.get(id(assign))
        if not isinstance(target, cst.Name) or not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None
        return target.value

    def _check_statement(self, name: str) -> cst.BaseStatement:
        self.imports.update({("http", "HTTPStatus"), (_ERRORS, "RequestFailure")})
        return cst.parse_statement(
            f"if {name}.status_code != HTTPStatus.OK:\n"
            f"    raise RequestFailure({name}.request_id, {name}.message, {name}.code, {name}.status_code)\n",
            config=self.module.config_for_parsing,
        )

    # -- decisions over the whole module
    def finish(self) -> None:
        for finding in self.clients:
            self._client_finding(finding)
        for finding in self.error_refs:
            self._except_clause(finding)
        call_edits = {key: self.edits[key] for key in self.responses if key in self.edits}
        tracer = ResponseTracer(self.module, self.survey, self.responses, call_edits)
        for loop in self.survey.loops:
            if tracer.kind(loop.iter) == STREAM:
                self._check_each_chunk(loop)
        reads = tracer.plan()
        for key, edits in reads.edits.items():
            self.edits.setdefault(key, []).extend(edits)
        self.changes.extend((node, "response", message, "safe") for node, message in reads.changes)
        for node, message in reads.notes:
            self._note(node, Severity.MANUAL, message, "native:response", True)
        if self.migrated:
            plan_model_methods(self, self.survey.calls, tracer.is_object, Models.DICT, "dashscope")

    def _check_each_chunk(self, loop: cst.For) -> None:
        if not isinstance(loop.target, cst.Name) or not isinstance(loop.body, cst.IndentedBlock):
            self._note(loop, Severity.MANUAL, _UNBOUND + " (every chunk of a stream)", "native:errors", True)
            return
        check = self._check_statement(loop.target.value)
        self._edit(loop, lambda node: node.with_changes(body=node.body.with_changes(body=[check, *node.body.body])),
                   "error-handling", "each chunk checked: a failed stream yields a chunk with status_code != 200")

    def _client_finding(self, finding: NodeFinding) -> None:
        """A client none of whose uses is left disappears; one still in use stays on the compatible endpoint."""
        statement, target = self._client_statement(finding.node)
        why = self._why_client_stays(finding, target)
        if why is not None:
            super()._client(finding)
            self._note(finding.node, Severity.INFO, f"the {finding.data['cls']} client stays on the "
                       f"OpenAI-compatible endpoint: {why}", "native:client", False)
            return
        self.removed.add(id(statement))
        self.changes.append((finding.node, "client", f"{finding.data['cls']} client removed: the dashscope calls "
                             "are module functions", "safe"))
        self._note(finding.node, Severity.INFO, f"`{dotted(target)}` is gone: code elsewhere that imports or "
                   "reads it must call dashscope instead", "native:client", False)

    def _why_client_stays(self, finding: NodeFinding, target: cst.BaseExpression | None) -> str | None:
        """Why a client construction cannot go with its calls, or None when it can."""
        if target is None:
            return ("it is not assigned to a name in a statement of its own, so its uses cannot all be known "
                    "to have moved to dashscope")
        if not self._only_migrated_uses(target):
            return f"`{dotted(target)}` is used by more than the calls moved to dashscope"
        if not self._configured_from_environment(finding):
            return "its key or endpoint is the project's own setting, which the dashscope calls do not read"
        return None

    def _client_statement(self, call: cst.CSTNode) -> tuple[cst.CSTNode | None, cst.BaseExpression | None]:
        """The statement line `x = OpenAI(...)` and its target, when that is how the client is built."""
        assign = self.survey.parent.get(id(call))
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None, None
        line = self.survey.parent.get(id(assign))
        block = self.survey.parent.get(id(line))
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 \
                or not isinstance(block, (cst.Module, cst.IndentedBlock)) or len(block.body) < 2:
            return None, None
        target = assign.targets[0].target
        return (line, target) if dotted(target) is not None else (None, None)

    def _only_migrated_uses(self, target: cst.BaseExpression) -> bool:
        name = dotted(target)
        if isinstance(target, cst.Name):
            mentions = [node for node in self.survey.names if node.value == name and not self._is_attribute_name(node)]
        else:
            mentions = [node for node in self.survey.attributes if dotted(node) == name]
        uses = [node for node in mentions if node is not target]
        return bool(uses) and all(id(node) in self.receivers for node in uses)

    def _is_attribute_name(self, node: cst.Name) -> bool:
        parent = self.survey.parent.get(id(node))
        return isinstance(parent, cst.Attribute) and parent.attr is node

    def _configured_from_environment(self, finding: NodeFinding) -> bool:
        """Whether the client's key and endpoint are hard-coded or OPENAI_* variables (replaced by DashScope's)."""
        for name in ("api_key", "base_url"):
            value = keyword_value(finding.node, name)
            if value is not None and not is_replaceable_setting(value):
                self._note(finding.node, Severity.MANUAL, f"{name} comes from `{one_line(self.module.code_for_node(value))}`"
                           f", the project's own setting: the dashscope calls read {self.native.api_key_env} "
                           f"(api_key=) and {self.native.base_url_env}; pass that setting there instead",
                           f"client:{name}", True)
                return False
        return True

    def _except_clause(self, finding: NodeFinding) -> None:
        node = finding.node
        short = finding.data["name"].rsplit(".", 1)[-1]
        handler = self.survey.parent.get(id(node))
        while handler is not None and not isinstance(handler, cst.ExceptHandler):
            handler = self.survey.parent.get(id(handler))
        attempt = self.survey.parent.get(id(handler)) if handler is not None else None
        if not isinstance(attempt, cst.Try) or not self._holds(attempt.body, self.migrated) \
                or self._holds(attempt.body, self.kept):
            return
        if short in _TRANSPORT:
            self._note(node, Severity.MANUAL, f"dashscope raises requests / aiohttp exceptions for network failures, "
                       f"not openai.{short}: catch requests.RequestException (aiohttp.ClientError for AioGeneration)",
                       f"errors:{short}", True)
            return
        if short in _ONE_STATUS:
            # Widening it to RequestFailure would send every failure down this path (a
            # rate-limit retry or `return None` would swallow real errors): left, flagged.
            self._note(node, Severity.MANUAL, f"openai.{short} is never raised by dashscope, whose failures are all "
                       f"RequestFailure: handle this case in `except RequestFailure as e:` when e.http_code "
                       f"{_ONE_STATUS[short]}", f"errors:{short}", True)
            return
        replacement = _CATCH_ALL.get(short)
        if replacement is None:
            return
        self.imports.add((_ERRORS, replacement))
        self._edit(node, lambda _: cst.Name(replacement), "error-handling",
                   f"except openai.{short} -> {replacement} (raised by the status checks banjia adds; it carries "
                   "http_code, name, message and request_id)")

    def _holds(self, block: cst.CSTNode, calls: list[cst.Call]) -> bool:
        for call in calls:
            node = self.survey.parent.get(id(call))
            while node is not None and node is not block:
                node = self.survey.parent.get(id(node))
            if node is block:
                return True
        return False

    # -- applying
    def apply(self) -> cst.Module:
        migrated = self.module.visit(_ApplyNative(self.edits, self.todos, self.after, self.removed))
        return settle_imports(migrated, self.imports, self.unused_imports)


class _ApplyNative(ApplyEdits):
    """ApplyEdits that also inserts statements after others and removes statements (without a TODO on them).

    A removed statement's blank lines and comments above it go to the statement after it
    when that one has none, so `def f(): ...`, two blank lines, `client = OpenAI()`,
    `x = ...` keeps the two blank lines above `x`.
    """

    def __init__(self, edits, todos, after: dict[int, list[cst.BaseStatement]], removed: set[int]) -> None:
        super().__init__(edits, todos)
        self.after = after
        self.removed = removed
        self._dropped: set[int] = set()  # updated statements to take out of their block

    def targets(self) -> set[int]:
        return super().targets() | self.after.keys() | self.removed

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        result = super().on_leave(original_node, updated_node)
        key = id(original_node)
        if key in self.removed and len(result.leading_lines) == len(updated_node.leading_lines):
            self._dropped.add(id(result))
            return result
        if key in self.after:
            return cst.FlattenSentinel([result, *self.after[key]])
        if isinstance(result, (cst.Module, cst.IndentedBlock)) and self._dropped:
            return result.with_changes(body=self._without_dropped(result.body))
        return result

    def _without_dropped(self, body) -> list[cst.BaseStatement]:
        kept, carried = [], None
        for statement in body:
            if id(statement) in self._dropped:
                carried = statement.leading_lines if carried is None else carried
                continue
            if carried is not None and not statement.leading_lines:
                statement = statement.with_changes(leading_lines=carried)
            carried = None
            kept.append(statement)
        return kept


def _is_constant(node: cst.BaseExpression, *names: str) -> bool:
    return isinstance(node, cst.Name) and node.value in names
