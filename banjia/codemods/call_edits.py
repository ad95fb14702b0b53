"""Small, layout-keeping edits of libcst call nodes and literals, shared by the rewrites.

Each function takes a node and returns a new one; none of them knows about providers.
Keyword arguments are set, renamed or dropped while keeping the call's own layout
(one argument per line stays one per line; a trailing comma stays or stays absent).
"""

from __future__ import annotations

import ast
import json

import libcst as cst

from banjia.rules.model import ParameterRule

def is_replaceable_setting(node: cst.BaseExpression) -> bool:
    """A hard-coded value, or a read of an OpenAI environment variable (OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT, ...)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return True
    name = environment_variable_read(node)
    return name is not None and "OPENAI" in name.upper()


def environment_variable_read(node: cst.BaseExpression) -> str | None:
    """The variable name of `os.environ["X"]`, `os.environ.get("X", ...)`, `os.getenv("X", ...)` (any import style)."""
    if isinstance(node, cst.Subscript) and dotted(node.value) in ("os.environ", "environ"):
        index = node.slice[0].slice if len(node.slice) == 1 else None
        key = index.value if isinstance(index, cst.Index) else None
    elif isinstance(node, cst.Call) and dotted(node.func) in ("os.getenv", "getenv", "os.environ.get", "environ.get"):
        key = node.args[0].value if node.args and node.args[0].keyword is None else None
    else:
        return None
    if isinstance(key, cst.SimpleString):
        value = key.evaluated_value
        return value if isinstance(value, str) else None
    return None


def dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        owner = dotted(node.value)
        return f"{owner}.{node.attr.value}" if owner is not None else None
    return None


def one_line(code: str, limit: int = 60) -> str:
    flat = " ".join(code.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def set_keywords(call: cst.Call, values: dict[str, str], drop: tuple[str, ...] = ()) -> cst.Call:
    """Set keyword arguments to source expressions (replacing in place or appending); drop others.

    Layout is kept: appended arguments follow the call's own style (one per line in a
    multi-line call), and the call keeps or lacks its trailing comma as before.
    """
    if not call.args and not values:
        return call
    kept: list[cst.Arg] = []
    present = set()
    for arg in call.args:
        name = arg.keyword.value if arg.keyword is not None else None
        if name in drop:
            continue
        if name in values:
            present.add(name)
            arg = arg.with_changes(value=cst.parse_expression(values[name]))
        kept.append(arg)
    added = [
        cst.Arg(keyword=cst.Name(name), value=cst.parse_expression(source),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
        for name, source in values.items() if name not in present
    ]
    arguments = kept + added
    if not arguments:
        return call.with_changes(args=[])
    multiline = isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace)
    separator = cst.Comma(whitespace_after=call.whitespace_before_args if multiline else cst.SimpleWhitespace(" "))
    original_last = call.args[-1] if call.args else None
    tail_comma = original_last.comma if original_last is not None else cst.MaybeSentinel.DEFAULT
    tail_space = original_last.whitespace_after_arg if original_last is not None else cst.SimpleWhitespace("")
    laid_out = []
    for index, arg in enumerate(arguments):
        if index == len(arguments) - 1:
            arg = arg.with_changes(comma=tail_comma, whitespace_after_arg=tail_space)
        elif index >= len(kept) - 1 or not isinstance(arg.comma, cst.Comma):
            arg = arg.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
        laid_out.append(arg)
    return call.with_changes(args=laid_out)


def rename_keyword(call: cst.Call, old: str, new: str | None) -> cst.Call:
    return call.with_changes(args=[
        arg.with_changes(keyword=cst.Name(new)) if new and arg.keyword is not None and arg.keyword.value == old else arg
        for arg in call.args
    ])


def move_into_extra_body(call: cst.Call, name: str) -> cst.Call:
    value = keyword_value(call, name)
    if value is None:
        return call
    extra = keyword_value(call, "extra_body")
    element = cst.DictElement(cst.SimpleString(f'"{name}"'), value)
    if isinstance(extra, cst.Dict):
        elements = list(extra.elements)
        if elements and not isinstance(elements[-1].comma, cst.Comma):
            elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        new_extra = extra.with_changes(elements=[*elements, element])
    else:
        new_extra = cst.Dict([element])
    call = set_keywords(call, {}, drop=(name,))
    code = cst.Module([]).code_for_node(new_extra)
    return set_keywords(call, {"extra_body": code})


def rename_callee(call: cst.Call, current: str, target: str) -> cst.Call:
    if current == target:
        return call
    func = call.func
    if isinstance(func, cst.Name):
        return call.with_changes(func=cst.Name(target))
    if isinstance(func, cst.Attribute):
        return call.with_changes(func=func.with_changes(attr=cst.Name(target)))
    return call


def literal_number(node: cst.BaseExpression | None) -> float | None:
    if node is None:
        return None
    try:
        value = ast.literal_eval(cst.Module([]).code_for_node(node))
    except Exception:
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def number_literal(value: float, original: float) -> str:
    if isinstance(original, int) and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def python_literal(value) -> str:
    """Source for a rule-file value, with double-quoted strings as most formatters write them."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def bounds(rule: ParameterRule) -> str:
    low = "-inf" if rule.minimum is None else f"{rule.minimum:g}"
    high = "inf" if rule.maximum is None else f"{rule.maximum:g}"
    return f"[{low}, {high}]"


def string_prefix_and_quote(node: cst.SimpleString) -> tuple[str, str]:
    value = node.value
    prefix_length = len(value) - len(value.lstrip("rRbBuUfF"))
    body = value[prefix_length:]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
    return value[:prefix_length], quote
