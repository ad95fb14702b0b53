"""Reads of OpenAI-shaped responses, rewritten for what DashScope's native calls return.

Read in dashscope 2.0.2 (`api_entities/dashscope_response.py`, `api_entities/http_request.py`):

- `Generation.call` returns a `GenerationResponse`, a dict with attribute access: the
  choices are under `output` (`r.output.choices[0].message.content` with
  `result_format="message"`), usage is `input_tokens` / `output_tokens` / `total_tokens`,
  the id is `request_id`. A stream yields the same objects; with `incremental_output=True`
  each holds the new text in `choices[i].message` (there is no `delta`).
- Reading a missing key as an attribute raises AttributeError, so `message.tool_calls`
  (None in openai when the model called no tool) becomes `message.get("tool_calls")`.
  Tool calls are plain dicts: `call["function"]["name"]`.
- `TextEmbedding.call` returns a `DashScopeAPIResponse` whose `output` and `usage` are
  plain dicts: `r.output["embeddings"][i]["embedding"]`, `["text_index"]`,
  `r.usage["total_tokens"]`.

As in `legacy_responses.py`, only what can be traced to a migrated call is rewritten: a
name every binding of which is such a response or a read of one, a loop variable over
one, and reads written directly on the call. A field with no DashScope counterpart, and
a response object handed on to other code, are noted for a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from banjia.codemods.legacy_responses import ResponsePlan, _Scan, _Tracer
from banjia.codemods.native.model_methods import is_model_method_call
from banjia.codemods.rewrite import Edit

# What a traced expression is. The three responses are what a migrated call returns.
CHAT = "chat response"
STREAM = "chat stream"
EMBEDDINGS = "embeddings response"
_CHUNK = "stream chunk"
_CHOICES, _CHOICE = "choices", "choice"
_CHUNK_CHOICES, _CHUNK_CHOICE = "chunk choices", "chunk choice"
_MESSAGE, _DELTA = "message", "delta"
_TOOL_CALLS, _TOOL_CALL, _FUNCTION = "tool calls", "tool call", "function"
_USAGE, _EMBEDDING_USAGE = "usage", "embeddings usage"
_DATA, _VECTOR = "embeddings data", "embedding"
_VALUE = "value"  # a string, a number: nothing more to rewrite below it

# Iterating or indexing a list-like kind gives its elements.
_ELEMENTS = {
    STREAM: _CHUNK,
    _CHOICES: _CHOICE,
    _CHUNK_CHOICES: _CHUNK_CHOICE,
    _TOOL_CALLS: _TOOL_CALL,
    _DATA: _VECTOR,
}


@dataclass(frozen=True)
class _Step:
    """One attribute read on a traced kind: the kind it gives and how the read is written for DashScope."""

    kind: str
    how: str = "keep"  # keep | rename | get | key | under-output | output-key
    name: str = ""  # the DashScope name (rename, get, key, output-key) or the attribute kept under `output`
    note: str = ""  # a caution for a person, kept as a TODO


_FINISH_REASON_NOTE = ('DashScope streams send finish_reason "null" (a string) until the last chunk: '
                       'test for "stop" / "tool_calls" rather than for a truthy value')
_STEPS: dict[tuple[str, str], _Step] = {
    (CHAT, "choices"): _Step(_CHOICES, "under-output", "choices"),
    (CHAT, "usage"): _Step(_USAGE),
    (CHAT, "id"): _Step(_VALUE, "rename", "request_id"),
    (_CHUNK, "choices"): _Step(_CHUNK_CHOICES, "under-output", "choices"),
    (_CHUNK, "usage"): _Step(_USAGE),
    (_CHUNK, "id"): _Step(_VALUE, "rename", "request_id"),
    (_CHOICE, "message"): _Step(_MESSAGE),
    (_CHOICE, "finish_reason"): _Step(_VALUE),
    (_CHOICE, "index"): _Step(_VALUE),
    (_CHOICE, "logprobs"): _Step(_VALUE, "get", "logprobs"),
    (_CHUNK_CHOICE, "delta"): _Step(_DELTA, "rename", "message"),
    (_CHUNK_CHOICE, "finish_reason"): _Step(_VALUE, note=_FINISH_REASON_NOTE),
    (_CHUNK_CHOICE, "index"): _Step(_VALUE),
    (_MESSAGE, "content"): _Step(_VALUE),
    (_MESSAGE, "role"): _Step(_VALUE),
    (_MESSAGE, "tool_calls"): _Step(_TOOL_CALLS, "get", "tool_calls"),
    (_MESSAGE, "reasoning_content"): _Step(_VALUE, "get", "reasoning_content"),
    (_DELTA, "content"): _Step(_VALUE),
    (_DELTA, "role"): _Step(_VALUE, "get", "role"),
    (_DELTA, "reasoning_content"): _Step(_VALUE, "get", "reasoning_content"),
    (_DELTA, "tool_calls"): _Step(_TOOL_CALLS, "get", "tool_calls",
                                  "streamed tool calls arrive in pieces: check how DashScope splits them "
                                  "before joining the arguments"),
    (_TOOL_CALL, "id"): _Step(_VALUE, "key", "id"),
    (_TOOL_CALL, "type"): _Step(_VALUE, "key", "type"),
    (_TOOL_CALL, "index"): _Step(_VALUE, "key", "index"),
    (_TOOL_CALL, "function"): _Step(_FUNCTION, "key", "function"),
    (_FUNCTION, "name"): _Step(_VALUE, "key", "name"),
    (_FUNCTION, "arguments"): _Step(_VALUE, "key", "arguments"),
    (_USAGE, "prompt_tokens"): _Step(_VALUE, "rename", "input_tokens"),
    (_USAGE, "completion_tokens"): _Step(_VALUE, "rename", "output_tokens"),
    (_USAGE, "total_tokens"): _Step(_VALUE),
    (EMBEDDINGS, "data"): _Step(_DATA, "output-key", "embeddings"),
    (EMBEDDINGS, "usage"): _Step(_EMBEDDING_USAGE),
    (EMBEDDINGS, "id"): _Step(_VALUE, "rename", "request_id"),
    (_EMBEDDING_USAGE, "prompt_tokens"): _Step(_VALUE, "key", "total_tokens"),
    (_EMBEDDING_USAGE, "total_tokens"): _Step(_VALUE, "key", "total_tokens"),
    (_VECTOR, "embedding"): _Step(_VALUE, "key", "embedding"),
    (_VECTOR, "index"): _Step(_VALUE, "key", "text_index"),
}
# The kinds whose dict has the fields the openai object had: dumping one gives what the code expects.
_SAME_FIELDS = frozenset({_MESSAGE, _DELTA, _TOOL_CALL, _FUNCTION})
_DUMPED_SHAPE = ("this dumps a DashScope {kind}: the dict has DashScope's fields (output, usage.input_tokens, "
                 "request_id), not openai's")
_PASSED_ON = ("a DashScope {kind} is passed on here: code that reads it must use DashScope's shape "
              "(r.output.choices[0].message.content, r.usage.input_tokens, r.output[\"embeddings\"])")


class ResponseTracer(_Tracer):
    """Traces the responses of migrated calls (node id -> CHAT, STREAM or EMBEDDINGS) through a module.

    `call_edits` are the edits migrating the calls, so a change can show a read written on
    a call (`client...create(...).choices[0]`) as it will be.
    """

    CHANGE = "response read the DashScope way"

    def __init__(self, module: cst.Module, scan: _Scan, responses: dict[int, str],
                 call_edits: dict[int, list[Edit]]) -> None:
        super().__init__(module, scan, set(responses), call_edits)
        self.kinds_of_calls = responses
        self._sort_keys = _sort_keys(scan)

    def _kind(self, node: cst.BaseExpression) -> str | None:
        if id(node) in self.kinds_of_calls:
            return self.kinds_of_calls[id(node)]
        if isinstance(node, cst.Await):
            return self.kind(node.expression)
        if isinstance(node, cst.Name):
            return self._name_kind(node)
        if isinstance(node, cst.Attribute):
            owner = self.kind(node.value)
            step = _STEPS.get((owner, node.attr.value)) if owner else None
            return step.kind if step else None
        if isinstance(node, cst.Subscript) and _is_element(node):
            return _ELEMENTS.get(self.kind(node.value))
        if isinstance(node, cst.Call) and _is_reordering(node):
            kind = self.kind(node.args[0].value)
            return kind if kind in _ELEMENTS and kind != STREAM else None  # sorted(r.data, ...)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or) \
                and isinstance(node.right, (cst.List, cst.Tuple)) and not node.right.elements:
            return self.kind(node.left)  # `message.tool_calls or []`
        return None

    def _name_kind(self, node: cst.Name) -> str | None:
        scope = self.scan.scope_of.get(id(node))
        if scope is None:
            return None
        if scope in self._sort_keys and self._sort_keys[scope][0] == node.value:
            return _ELEMENTS.get(self.kind(self._sort_keys[scope][1]))  # the key function's parameter
        key = (scope, node.value)
        if key not in self._names:
            self._names[key] = None
            kinds = set()
            for binding, value in self.scan.bindings[scope].get(node.value, []):
                if binding == "other" or value is None:
                    kinds.add(None)
                elif binding == "iter":
                    kinds.add(_ELEMENTS.get(self.kind(value)))
                else:
                    kinds.add(self.kind(value))
            self._names[key] = kinds.pop() if len(kinds) == 1 else None
        return self._names[key]

    def is_object(self, node: cst.BaseExpression) -> bool:
        """Whether `node` is a DashScope response object or part of one (all are dicts), not a plain value."""
        return self.kind(node) not in (None, _VALUE)

    def plan(self) -> ResponsePlan:
        """Edits for every traced read, a change per rewritten read, and notes for what cannot be rewritten.

        openai's model methods (`message.model_dump()`) are left to `model_methods`; dumping
        a whole response is noted, since its dict does not have openai's fields.
        """
        for node in self.scan.attributes:
            owner = self.kind(node.value)
            if owner is None or owner == _VALUE:
                continue
            parent = self.scan.parent.get(id(node))
            if is_model_method_call(parent) and parent.func is node:
                if owner not in _SAME_FIELDS:
                    self._note(parent, _DUMPED_SHAPE.format(kind=owner))
                continue
            step = _STEPS.get((owner, node.attr.value))
            if step is None:
                self._note(node, f"`.{node.attr.value}` of a {owner} has no DashScope counterpart: "
                           "read the native response instead")
                continue
            if step.note and not isinstance(self.scan.parent.get(id(node)), cst.Comparison):
                self._note(node, step.note)
            if step.how != "keep":
                self._edit(node, _rewrite(step))
        for node, _ in self.scan.escapes:
            kind = self.kind(node)
            if kind not in (None, _VALUE) and isinstance(self.scan.parent.get(id(node)), (cst.Return, cst.Yield)):
                self._note(node, _PASSED_ON.format(kind=kind))
        self._report_changes()
        return self.result

    def _reads(self) -> list[cst.CSTNode]:
        return list(self.scan.attributes)


_REORDERING = ("sorted", "list", "reversed")


def _is_reordering(node: cst.Call) -> bool:
    """`sorted(x, ...)`, `list(x)`, `reversed(x)`: the same elements as x."""
    return isinstance(node.func, cst.Name) and node.func.value in _REORDERING and bool(node.args) \
        and node.args[0].keyword is None and not node.args[0].star


def _sort_keys(scan: _Scan) -> dict[int, tuple[str, cst.BaseExpression]]:
    """Lambdas given as `key=` to sorted / min / max: lambda id -> (its parameter, the iterable it is applied to)."""
    keys = {}
    for call in scan.calls:
        if not (isinstance(call.func, cst.Name) and call.func.value in ("sorted", "min", "max")) or not call.args:
            continue
        for arg in call.args:
            function = arg.value
            if arg.keyword is not None and arg.keyword.value == "key" and isinstance(function, cst.Lambda) \
                    and len(function.params.params) == 1:
                keys[id(function)] = (function.params.params[0].name.value, call.args[0].value)
    return keys


def _is_element(node: cst.Subscript) -> bool:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return False
    value = node.slice[0].slice.value
    if isinstance(value, cst.UnaryOperation):
        value = value.expression
    return isinstance(value, (cst.Integer, cst.Name))  # choices[0], data[i]


def _key(name: str) -> cst.SubscriptElement:
    return cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{name}"')))


def _rewrite(step: _Step) -> Edit:
    """The edit turning `x.attr` into the DashScope read `step` describes, built on the updated node."""
    def edit(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Attribute)
        parens = {"lpar": node.lpar, "rpar": node.rpar}
        if step.how == "rename":
            return node.with_changes(attr=cst.Name(step.name))
        if step.how == "under-output":
            return node.with_changes(value=cst.Attribute(node.value, cst.Name("output")))
        if step.how == "get":
            getter = cst.Attribute(node.value, cst.Name("get"))
            return cst.Call(getter, [cst.Arg(cst.SimpleString(f'"{step.name}"'))], **parens)
        if step.how == "key":
            return cst.Subscript(node.value, [_key(step.name)], **parens)
        assert step.how == "output-key"
        return cst.Subscript(cst.Attribute(node.value, cst.Name("output")), [_key(step.name)], **parens)
    return edit
