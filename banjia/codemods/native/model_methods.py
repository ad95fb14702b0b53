"""openai's response-model methods, written for what each native SDK's response objects support.

openai v1 responses are pydantic v2 models, so code dumps them with `model_dump()`,
`model_dump_json()` or openai's own `to_dict()` / `to_json()` — most often
`messages.append(message.model_dump(exclude_none=True))` to send the assistant's tool
calls back. The native SDKs return other objects (read in the installed SDKs):

- zhipuai, zai-sdk and Ark copy openai's BaseModel (`core/_base_models.py`, `_models.py`):
  all four methods exist and mean the same. Nothing to rewrite.
- qianfan's v2 client returns `qianfan.utils.pydantic` models, which are `pydantic.v1`
  models: `.dict()` and `.json()` only (`qianfan/resources/typing_client.py`).
- DashScope returns dicts with attribute access (`DictMixin`), and tool calls are plain
  dicts: `dict(x)`, `json.dumps(x)`. A `Message` holds role and content (None when the
  server sent none) plus what the server sent (tool_calls, reasoning_content), so
  `exclude_none=True` becomes `{k: v for k, v in x.items() if v is not None}`, which
  leaves the fields openai's would keep; the nested tool-call dicts are the server's
  JSON as it came. Generation.call sends `messages` as JSON, so a plain dict goes back as is.

Only the keywords with a faithful counterpart are translated; a call with any other
keyword, a positional argument or a `**spread` is left for a person. openai's defaults
are made explicit where the target's differ: `to_dict()` / `to_json()` exclude unset
fields and use the API's names, `to_json()` indents by 2, and pydantic v2 writes
non-ASCII text as it is (`ensure_ascii=False` for json.dumps-based writers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import libcst as cst

from banjia.codemods.call_edits import rename_keyword, set_keywords
from banjia.codemods.legacy_responses import _Scan, _Tracer
from banjia.codemods.native.sdks import Models
from banjia.codemods.rewrite import Edit
from banjia.model import Severity


@dataclass(frozen=True)
class _OpenAIMethod:
    json: bool  # returns a JSON string rather than a dict
    defaults: dict[str, str]  # openai's defaults that differ from pydantic's own


# openai method -> what it does; keywords absent from the call take these defaults.
OPENAI_METHODS: dict[str, _OpenAIMethod] = {
    "model_dump": _OpenAIMethod(json=False, defaults={}),
    "model_dump_json": _OpenAIMethod(json=True, defaults={}),
    "to_dict": _OpenAIMethod(json=False, defaults={"use_api_names": "True", "exclude_unset": "True"}),
    "to_json": _OpenAIMethod(json=True, defaults={"indent": "2", "use_api_names": "True", "exclude_unset": "True"}),
}

# openai keyword -> its pydantic.v1 name, for the keywords `.dict()` (and `.json()`) take.
_V1_KEYWORDS = {
    "include": "include", "exclude": "exclude", "by_alias": "by_alias", "use_api_names": "by_alias",
    "exclude_unset": "exclude_unset", "exclude_defaults": "exclude_defaults", "exclude_none": "exclude_none",
}
_V1_JSON_ONLY = {"indent": "indent"}  # .json() hands other keywords to json.dumps
# Keywords that change nothing for a DashScope dict: its keys are the API's, its values JSON types, and it
# holds only what the server sent.
_DICT_IGNORED = frozenset({"mode", "by_alias", "use_api_names", "exclude_unset", "warnings"})
_NO_EFFECT_WHEN = {"mode": '"python"', "warnings": "True"}  # pydantic.v1: dropped only at these values


@dataclass(frozen=True)
class Rewrite:
    """How one method call is written for the SDK's objects."""

    edit: Edit  # applied to the (updated) call node
    message: str
    imports: frozenset[tuple[str, str | None]] = frozenset()


def is_model_method_call(node: cst.CSTNode) -> bool:
    """`x.model_dump(...)`, `x.to_json(...)`, ...: a call of one of openai's response-model methods."""
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
        and node.func.attr.value in OPENAI_METHODS


def rewrite_model_method(call: cst.Call, models: Models, sdk: str) -> Rewrite | str | None:
    """The rewrite of `call` (see `is_model_method_call`) for `models`; why not as a string; None: none needed."""
    if models is Models.OPENAI:
        return None
    assert isinstance(call.func, cst.Attribute)
    name = call.func.attr.value
    method = OPENAI_METHODS[name]
    if any(arg.keyword is None for arg in call.args):
        return f"`.{name}()` with positional or ** arguments: {sdk}'s response objects have no `.{name}()`"
    given = {arg.keyword.value: _code(arg.value) for arg in call.args if arg.keyword is not None}
    if models is Models.PYDANTIC_V1:
        return _pydantic_v1(name, method, given, sdk)
    return _dict(name, method, {**method.defaults, **given}, sdk)


def _pydantic_v1(name: str, method: _OpenAIMethod, given: dict[str, str], sdk: str) -> Rewrite | str:
    """`given`: the call's own keywords. Renamed in place; openai's differing defaults added after them."""
    allowed = {**_V1_KEYWORDS, **(_V1_JSON_ONLY if method.json else {})}
    dropped = tuple(keyword for keyword, value in given.items() if _NO_EFFECT_WHEN.get(keyword) == value)
    for keyword in given:
        if keyword not in allowed and keyword not in dropped:
            return f"`.{name}({keyword}=...)`: {sdk}'s response objects are pydantic.v1 models, whose " \
                   f"`.{'json' if method.json else 'dict'}()` has no {keyword}"
    target = "json" if method.json else "dict"
    renames = {keyword: allowed[keyword] for keyword in given if keyword in allowed and allowed[keyword] != keyword}
    added = {allowed[keyword]: value for keyword, value in method.defaults.items() if keyword not in given}
    if method.json:
        added["ensure_ascii"] = "False"

    def edit(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        node = node.with_changes(func=node.func.with_changes(attr=cst.Name(target)))
        for old, new in renames.items():
            node = rename_keyword(node, old, new)
        return set_keywords(node, added, drop=dropped)

    return Rewrite(edit, f".{name}() -> .{target}() ({sdk}'s response objects are pydantic.v1 models)")


def _dict(name: str, method: _OpenAIMethod, keywords: dict[str, str], sdk: str) -> Rewrite | str:
    unknown = [keyword for keyword in keywords
               if keyword not in _DICT_IGNORED and keyword not in ("exclude_none", "indent")]
    exclude_none = keywords.get("exclude_none", "False")
    if unknown or exclude_none not in ("True", "False"):
        shown = ", ".join(unknown) or f"exclude_none={exclude_none}"
        return f"`.{name}({shown})`: {sdk}'s response objects are dicts; keep the fields you need by hand"
    indent = keywords.get("indent", "None")

    def edit(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        owner = _code(node.func.value)  # a primary, or parenthesized: `.items()` can follow it as it is
        fields = f"{{k: v for k, v in {owner}.items() if v is not None}}" if exclude_none == "True" \
            else f"dict({owner})"
        if method.json:
            spacing = "" if indent == "None" else f", indent={indent}"
            fields = f"json.dumps({fields}, ensure_ascii=False{spacing})"
        return cst.parse_expression(fields).with_changes(lpar=node.lpar, rpar=node.rpar)

    kept = "its fields that are not None" if exclude_none == "True" else "a copy"
    if method.json:
        return Rewrite(edit, f".{name}() -> json.dumps of {kept} ({sdk}'s response objects are dicts)",
                       frozenset({("json", None)}))
    return Rewrite(edit, f".{name}() -> {kept} as a plain dict ({sdk}'s response objects are dicts)")


def untraced_note(call: cst.Call, models: Models, sdk: str) -> str:
    """What to tell a person about a method call whose receiver could not be traced to a migrated call."""
    assert isinstance(call.func, cst.Attribute)
    name = call.func.attr.value
    have = "pydantic.v1 models (.dict() / .json())" if models is Models.PYDANTIC_V1 else "dicts (dict(x), json.dumps)"
    return f"if this `.{name}()` is called on a {sdk} response, it fails: {sdk}'s response objects are {have}"


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class _PartsTracer(_Tracer):
    """Every expression read from a migrated call's response: attributes, elements, names bound to them."""

    def _kind(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or) \
                and isinstance(node.right, (cst.List, cst.Tuple)) and not node.right.elements:
            return self.kind(node.left)  # `message.tool_calls or []`
        return super()._kind(node)


def response_parts(module: cst.Module, scan: _Scan, calls: set[int]) -> Callable[[cst.BaseExpression], bool]:
    """Whether an expression is (part of) the response of one of `calls` (node ids), for `plan_model_methods`."""
    tracer = _PartsTracer(module, scan, calls, {})
    return lambda node: tracer.kind(node) is not None


def plan_model_methods(planner, calls: Iterable[cst.Call], traced: Callable[[cst.BaseExpression], bool],
                       models: Models, sdk: str) -> None:
    """Rewrite (or flag) every method call among `calls` on a traced response; mention the untraced ones.

    `planner` is the rewrite's compat `_Planner` (its `_edit`, `_note` and `imports`). A
    call on an object that cannot be traced may be on the project's own pydantic models:
    `to_dict` / `to_json` are openai's names and are flagged for a person, `model_dump` /
    `model_dump_json` are pydantic's and only noted.
    """
    if models is Models.OPENAI:
        return
    for call in calls:
        if not is_model_method_call(call):
            continue
        assert isinstance(call.func, cst.Attribute)
        name = call.func.attr.value
        if not traced(call.func.value):
            manual = name in ("to_dict", "to_json")
            planner._note(call, Severity.MANUAL if manual else Severity.INFO, untraced_note(call, models, sdk),
                          "native:response-method", manual)
            continue
        rewrite = rewrite_model_method(call, models, sdk)
        if isinstance(rewrite, str):
            planner._note(call, Severity.MANUAL, rewrite, "native:response-method", True)
        elif rewrite is not None and planner._edit(call, rewrite.edit, "response", rewrite.message):
            planner.imports.update(rewrite.imports)
