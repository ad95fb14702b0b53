"""Strategy `compat`: keep the openai SDK, point it at the provider's compatible endpoint.

The analyzer's findings, still attached to their nodes, are turned into a plan: edits
keyed by node identity, notes for a person, and TODO comments on the statements a person
must look at. The plan is applied in one transform; the result is re-parsed before it is
returned. Every edit is computed on the original node first and kept only if it changes
the code, so a second run over migrated code finds nothing to do (idempotence).
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace

import libcst as cst

from banjia.codemods.analyzer import NodeFinding, analyze_nodes
from banjia.codemods.legacy import upgrade_legacy
from banjia.codemods.openai_sdk import V0_CONFIG_HINTS
from banjia.codemods.positions import positions_of
from banjia.codemods.rewrite import TODO_PREFIX, ApplyEdits, Edit, Outcome, line_mapping, settle_imports, span_of
from banjia.model import Change, Confidence, Kind, Note, Severity, Span
from banjia.rules.model import Action, ParameterRule, RuleSet, Safety

_AZURE_ONLY = ("azure_endpoint", "api_version", "azure_deployment", "azure_ad_token", "azure_ad_token_provider")
_OPENAI_ONLY = ("organization", "project", "webhook_secret")
_DEFAULT_AZURE_API_VERSION = "2024-10-21"


def migrate_python(source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome:
    """Rewrite `source` for `rules`' provider. Raises libcst.ParserSyntaxError on bad input.

    openai<1.0 code is first upgraded to the v1 client (see `legacy.py`), then the v1
    code is pointed at the provider. Both passes report where things were in `source`.
    """
    upgraded = upgrade_legacy(source, path, note_config=False)
    outcome = _point_at_provider(upgraded.text, path, rules, unsafe)
    if upgraded.text != source:
        original_line = line_mapping(upgraded.text, source)
        outcome.changes = [replace(c, span=_moved(c.span, original_line)) for c in outcome.changes]
        outcome.notes = [replace(n, span=_moved(n.span, original_line)) for n in outcome.notes]
    legacy_notes = [replace(note, rule=f"{rules.id}:{note.rule}") for note in upgraded.notes]
    return Outcome(
        outcome.text,
        sorted(upgraded.changes + outcome.changes, key=lambda change: change.span),
        sorted(legacy_notes + outcome.notes, key=lambda note: note.span),
    )


def _moved(span: Span, original_line) -> Span:
    return replace(span, line=original_line(span.line), end_line=original_line(span.end_line))


def _point_at_provider(source: str, path: str, rules: RuleSet, unsafe: bool) -> Outcome:
    module = cst.parse_module(source)
    plan = _Planner(module, path, rules, unsafe)
    for finding in analyze_nodes(module, path):
        plan.add(finding)
    positions = positions_of(module, plan.located_nodes())
    changes = sorted(
        (Change(path, span_of(positions[id(n)]), category, message, safety)
         for n, category, message, safety in plan.changes),
        key=lambda change: change.span,
    )
    notes = sorted(
        (Note(path, span_of(positions[id(n)]), severity, message, rule) for n, severity, message, rule in plan.notes),
        key=lambda note: note.span,
    )
    if not plan.edits and not plan.todos:
        return Outcome(source, changes, notes)
    migrated = module.visit(ApplyEdits(plan.edits, plan.todos))
    migrated = settle_imports(migrated, plan.imports, plan.unused_imports)
    text = migrated.code
    cst.parse_module(text)  # never hand back code that does not parse
    return Outcome(text, changes, notes)


# ---------------------------------------------------------------- planning
class _Planner:
    def __init__(self, module: cst.Module, path: str, rules: RuleSet, unsafe: bool) -> None:
        self.module = module
        self.path = path
        self.rules = rules
        self.unsafe = unsafe
        self.edits: dict[int, list[Edit]] = {}
        self.todos: dict[int, list[str]] = {}
        self.imports: set[tuple[str, str | None]] = set()
        self.unused_imports: set[tuple[str, str]] = set()  # removed only if nothing else uses them
        self.changes: list[tuple[cst.CSTNode, str, str, str]] = []
        self.notes: list[tuple[cst.CSTNode, Severity, str, str]] = []
        self._leave_models: set[int] = set()  # model literals a call-level decision already covers

    def located_nodes(self) -> list[cst.CSTNode]:
        return [n for n, *_ in self.changes] + [n for n, *_ in self.notes]

    # -- bookkeeping
    def _edit(self, node: cst.CSTNode, edit: Edit, category: str, message: str, safety: str = "safe") -> bool:
        """Register `edit` when it changes the node's code; report it as a change."""
        if self.module.code_for_node(edit(node)) == self.module.code_for_node(node):
            return False
        self.edits.setdefault(id(node), []).append(edit)
        self.changes.append((node, category, message, safety))
        return True

    def _note(self, node: cst.CSTNode, severity: Severity, message: str, rule: str, todo: bool) -> None:
        self.notes.append((node, severity, message, f"{self.rules.id}:{rule}"))
        if todo:
            self.todos.setdefault(id(node), []).append(message)

    # -- dispatch
    def add(self, finding: NodeFinding) -> None:
        handler = {
            Kind.CLIENT: self._client,
            Kind.CALL: self._call,
            Kind.WRAPPER: self._wrapper,
            Kind.CONFIG: self._config,
        }.get(finding.kind)
        if handler is not None:
            handler(finding)
        elif finding.kind is Kind.MODEL and id(finding.node) not in self._leave_models:
            self._model(finding.node, finding.data["model"])

    # -- clients
    def _client(self, finding: NodeFinding) -> None:
        call = finding.node
        assert isinstance(call, cst.Call)
        is_async = finding.data["is_async"]
        azure_target = self.rules.endpoint.client == "AzureOpenAI"
        target_class = ("AsyncAzureOpenAI" if is_async else "AzureOpenAI") if azure_target else (
            "AsyncOpenAI" if is_async else "OpenAI"
        )
        self.imports.add(("os", None))
        wanted = self._client_arguments(azure_target)
        dropped = _AZURE_ONLY + ("base_url",) if azure_target else _AZURE_ONLY + _OPENAI_ONLY
        dropped = tuple(name for name in dropped if name not in wanted)

        def edit(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call)
            node = _rename_callee(node, finding.data["cls"], target_class)
            return _set_keywords(node, wanted, drop=dropped)

        message = f"{finding.data['cls']} client pointed at {self.rules.name}"
        if finding.data["cls"] != target_class:
            message += f" (now {target_class})"
        if self._edit(call, edit, "client", message) and finding.data["cls"] != target_class:
            if isinstance(call.func, cst.Name):
                self.imports.add(("openai", target_class))
                self.unused_imports.add(("openai", call.func.value))

    def _client_arguments(self, azure: bool) -> dict[str, str]:
        endpoint = self.rules.endpoint
        key = f'os.environ["{endpoint.api_key_env}"]'
        if azure:
            return {
                "api_key": key,
                "azure_endpoint": f'os.environ["{endpoint.base_url_env}"]',
                "api_version": f'os.environ.get("OPENAI_API_VERSION", "{_DEFAULT_AZURE_API_VERSION}")',
            }
        return {"api_key": key, "base_url": f'os.environ.get("{endpoint.base_url_env}", "{endpoint.base_url}")'}

    # -- API calls
    def _call(self, finding: NodeFinding) -> None:
        call = finding.node
        assert isinstance(call, cst.Call)
        api = finding.data["api"]
        model_node = _keyword_value(call, "model")
        blocked = self.rules.unsupported_api(api)
        if blocked is not None:
            if model_node is not None:
                self._leave_models.add(id(model_node))
            self._note(call, Severity.BLOCKED, f"{self.rules.name}: {blocked.message}", f"unsupported:{blocked.api}", True)
            return
        if finding.data["legacy"]:
            if model_node is not None:
                self._leave_models.add(id(model_node))
            return  # not convertible: the legacy pass left a TODO and a note on it
        if finding.data["spread"]:
            self._note(call, Severity.INFO,
                       f"parameters passed through {', '.join(finding.data['spread'])} are not checked against "
                       f"{self.rules.name}'s limits", "spread", False)
        if finding.data["model"] is None and finding.data["model_expr"]:
            self._note(call, Severity.INFO,
                       f"model comes from `{finding.data['model_expr']}`: OpenAI model names written elsewhere are "
                       "mapped where they are written; check values that come from outside the code", "dynamic-model",
                       False)
        likely = finding.confidence is Confidence.LIKELY
        for rule in self.rules.parameter_rules(api):
            self._parameter(call, rule, likely)

    def _parameter(self, call: cst.Call, rule: ParameterRule, likely: bool) -> None:
        value = _keyword_value(call, rule.name)
        if value is None and rule.action is not Action.ADD:
            return
        safety = Safety.UNSAFE if likely and rule.safety is Safety.SAFE else rule.safety
        tag = f"parameter:{rule.name}"
        if safety is Safety.MANUAL or rule.action is Action.FLAG:
            self._note(call, Severity.MANUAL, f"{rule.name}: {rule.note}", tag, True)
            return
        planned = self._parameter_edit(call, rule, value)
        if planned is None:
            return
        edit, message = planned
        if safety is Safety.UNSAFE and not self.unsafe:
            self._note(call, Severity.MANUAL, f"{message} — not applied: unsafe fix (use --unsafe)", tag, True)
            return
        self._edit(call, edit, "parameter", message, safety.value)

    def _parameter_edit(self, call: cst.Call, rule: ParameterRule, value: cst.BaseExpression | None):
        name = rule.name
        if rule.action is Action.CLAMP:
            number = _number(value)
            if number is None:
                self._note(call, Severity.MANUAL, f"{name} is computed: keep it within "
                           f"{_bounds(rule)} ({rule.note})", f"parameter:{name}", True)
                return None
            clamped = min(max(number, rule.minimum if rule.minimum is not None else number),
                          rule.maximum if rule.maximum is not None else number)
            if clamped == number:
                return None
            literal = _number_literal(clamped, number)
            return (lambda node: _set_keywords(node, {name: literal})), f"{name} {number} clamped to {literal} ({rule.note})"
        if rule.action is Action.RENAME:
            return (lambda node: _rename_keyword(node, name, rule.to)), f"{name} renamed to {rule.to} ({rule.note})"
        if rule.action is Action.DROP:
            return (lambda node: _set_keywords(node, {}, drop=(name,))), f"{name} removed ({rule.note})"
        if rule.action is Action.EXTRA_BODY:
            extra = _keyword_value(call, "extra_body")
            if extra is not None and not isinstance(extra, cst.Dict):
                self._note(call, Severity.MANUAL, f"move {name} into the computed extra_body ({rule.note})",
                           f"parameter:{name}", True)
                return None
            return (lambda node: _move_into_extra_body(node, name)), f"{name} moved into extra_body ({rule.note})"
        if rule.action is Action.ADD:
            if value is not None:
                return None
            if any(arg.star == "**" for arg in call.args):
                self._note(call, Severity.MANUAL, f"make sure {name}={rule.value!r} is passed ({rule.note})",
                           f"parameter:{name}", True)
                return None
            literal = _python_literal(rule.value)
            return (lambda node: _set_keywords(node, {name: literal})), f"{name}={literal} added ({rule.note})"
        return None

    # -- model names
    def _model(self, node: cst.CSTNode, model: str) -> None:
        assert isinstance(node, cst.SimpleString)
        target = self.rules.map_model(model)
        if target.target is None:
            self._note(node, Severity.BLOCKED, f"no {self.rules.name} equivalent for {model!r}: {target.note}",
                       f"model:{model}", True)
            return
        prefix, quote = _string_prefix_and_quote(node)
        replacement = node.with_changes(value=f"{prefix}{quote}{target.target}{quote}")
        message = f"model {model!r} -> {target.target!r}" + (f" ({target.note})" if target.note else "")
        self._edit(node, lambda _: replacement, "model", message)

    # -- wrappers and configuration
    def _wrapper(self, finding: NodeFinding) -> None:
        data = finding.data
        if data["library"] == "tiktoken" and data["usage"] == "call":
            for arg in finding.node.args[:1]:
                self._leave_models.add(id(arg.value))
            self._note(finding.node, Severity.MANUAL, f"tiktoken counts OpenAI tokens; {self.rules.name} models "
                       "tokenize differently, so limits and costs computed from it are estimates", "tiktoken", True)
            return
        if data["usage"] != "construct":
            return
        if data["library"] == "langchain" and data["cls"] in ("ChatOpenAI", "OpenAIEmbeddings", "OpenAI") \
                and self.rules.endpoint.client == "OpenAI":
            wanted = self._client_arguments(azure=False)
            if data["cls"] == "OpenAIEmbeddings":
                wanted["check_embedding_ctx_length"] = "False"
            self.imports.add(("os", None))
            self._edit(finding.node, lambda node: _set_keywords(node, wanted), "wrapper",
                       f"langchain {data['cls']} pointed at {self.rules.name}")
            return
        self._note(finding.node, Severity.MANUAL,
                   f"{data['library']} {data['cls']}: point it at {self.rules.name} by hand "
                   f"({self.rules.endpoint.base_url}, key from {self.rules.endpoint.api_key_env})",
                   f"wrapper:{data['cls']}", True)

    def _config(self, finding: NodeFinding) -> None:
        attribute = finding.data["attribute"]
        hint = V0_CONFIG_HINTS.get(attribute)
        self._note(finding.node, Severity.MANUAL,
                   f"module-level openai.{attribute}: clients built by banjia take their key and endpoint from "
                   f"{self.rules.endpoint.api_key_env} / {self.rules.endpoint.base_url_env}; remove or adapt this"
                   + (f" ({hint})" if hint else ""),
                   f"config:{attribute}", True)


# ---------------------------------------------------------------- node helpers
def _keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _set_keywords(call: cst.Call, values: dict[str, str], drop: tuple[str, ...] = ()) -> cst.Call:
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


def _rename_keyword(call: cst.Call, old: str, new: str | None) -> cst.Call:
    return call.with_changes(args=[
        arg.with_changes(keyword=cst.Name(new)) if new and arg.keyword is not None and arg.keyword.value == old else arg
        for arg in call.args
    ])


def _move_into_extra_body(call: cst.Call, name: str) -> cst.Call:
    value = _keyword_value(call, name)
    if value is None:
        return call
    extra = _keyword_value(call, "extra_body")
    element = cst.DictElement(cst.SimpleString(f'"{name}"'), value)
    if isinstance(extra, cst.Dict):
        elements = list(extra.elements)
        if elements and not isinstance(elements[-1].comma, cst.Comma):
            elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        new_extra = extra.with_changes(elements=[*elements, element])
    else:
        new_extra = cst.Dict([element])
    call = _set_keywords(call, {}, drop=(name,))
    code = cst.Module([]).code_for_node(new_extra)
    return _set_keywords(call, {"extra_body": code})


def _rename_callee(call: cst.Call, current: str, target: str) -> cst.Call:
    if current == target:
        return call
    func = call.func
    if isinstance(func, cst.Name):
        return call.with_changes(func=cst.Name(target))
    if isinstance(func, cst.Attribute):
        return call.with_changes(func=func.with_changes(attr=cst.Name(target)))
    return call


def _number(node: cst.BaseExpression | None) -> float | None:
    if node is None:
        return None
    try:
        value = ast.literal_eval(cst.Module([]).code_for_node(node))
    except Exception:
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _number_literal(value: float, original: float) -> str:
    if isinstance(original, int) and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _python_literal(value) -> str:
    """Source for a rule-file value, with double-quoted strings as most formatters write them."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _bounds(rule: ParameterRule) -> str:
    low = "-inf" if rule.minimum is None else f"{rule.minimum:g}"
    high = "inf" if rule.maximum is None else f"{rule.maximum:g}"
    return f"[{low}, {high}]"


def _string_prefix_and_quote(node: cst.SimpleString) -> tuple[str, str]:
    value = node.value
    prefix_length = len(value) - len(value.lstrip("rRbBuUfF"))
    body = value[prefix_length:]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
    return value[:prefix_length], quote
