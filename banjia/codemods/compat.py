"""Strategy `compat`: keep the openai SDK, point it at the provider's compatible endpoint.

The analyzer's findings, still attached to their nodes, are turned into a plan: edits
keyed by node identity, notes for a person, and TODO comments on the statements a person
must look at. The plan is applied in one transform; the result is re-parsed before it is
returned. Every edit is computed on the original node first and kept only if it changes
the code, so a second run over migrated code finds nothing to do (idempotence).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from banjia.codemods.analyzer import NodeFinding, analyze_nodes
from banjia.codemods.call_edits import (
    bounds,
    is_replaceable_setting,
    keyword_value,
    literal_number,
    move_into_extra_body,
    number_literal,
    one_line,
    python_literal,
    rename_callee,
    rename_keyword,
    set_keywords,
    string_prefix_and_quote,
)
from banjia.codemods.legacy import upgrade_legacy
from banjia.codemods.model_tables import UniqueTables
from banjia.codemods.openai_sdk import V0_CONFIG_HINTS
from banjia.codemods.outcome import Outcome
from banjia.codemods.positions import positions_of
from banjia.codemods.rewrite import ApplyEdits, Edit, check_parses, line_mapping, settle_imports, span_of
from banjia.model import Change, Confidence, Kind, Note, Severity, Span
from banjia.rules.model import Action, ParameterRule, RuleSet, Safety

_AZURE_ONLY = ("azure_endpoint", "api_version", "azure_deployment", "azure_ad_token", "azure_ad_token_provider")
_OPENAI_ONLY = ("organization", "project", "webhook_secret")
_DEFAULT_AZURE_API_VERSION = "2024-10-21"


def migrate_python(
    source: str, path: str, rules: RuleSet, *, unsafe: bool = False, planner: type["_Planner"] | None = None
) -> Outcome:
    """Rewrite `source` for `rules`' provider. Raises libcst.ParserSyntaxError on bad input.

    openai<1.0 code is first upgraded to the v1 client (see `legacy.py`), then the v1
    code is pointed at the provider. Both passes report where things were in `source`.
    `planner` lets another strategy plan the second pass with a subclass of the compat
    planner (the native strategy swaps clients instead of pointing them elsewhere).
    """
    return migrate_with(planner or _Planner, source, path, rules, unsafe=unsafe)


def migrate_with(planner: type[_Planner], source: str, path: str, rules: RuleSet, *, unsafe: bool = False) -> Outcome:
    """`migrate_python` with another planner: strategies that rewrite the v1 code differently share the pipeline."""
    module = cst.parse_module(source)
    findings = analyze_nodes(module, path)
    upgraded = upgrade_legacy(source, path, note_config=False, module=module, findings=findings)
    if upgraded.text != source:  # v0 code: the second pass reads the upgraded code; otherwise both share one tree
        module = cst.parse_module(upgraded.text)
        findings = analyze_nodes(module, path)
    outcome = _point_at_provider(upgraded.text, module, findings, path, rules, unsafe, planner)
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


def _point_at_provider(
    source: str, module: cst.Module, findings: list[NodeFinding], path: str, rules: RuleSet, unsafe: bool,
    planner: type[_Planner],
) -> Outcome:
    """The second pass over `module`, parsed from `source`, whose `analyze_nodes` findings are `findings`."""
    plan = planner(module, path, rules, unsafe)
    plan.plan(findings)
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
    text = plan.apply().code
    check_parses(text)
    return Outcome(text, changes, notes)


@dataclass(frozen=True)
class DryRun:
    """What `migrate_python` would change and note, still attached to nodes; nothing is applied.

    For reports that judge each call site against a provider without rewriting it.
    """

    findings: list[NodeFinding]
    changes: list[tuple[cst.CSTNode, str, str, str]]  # (node, category, message, safety)
    notes: list[tuple[cst.CSTNode, Severity, str, str]]  # (node, severity, message, rule)


def plan_python(
    module: cst.Module, path: str, rules: RuleSet, *, unsafe: bool = False, planner: type[_Planner] | None = None,
    findings: list[NodeFinding] | None = None,
) -> DryRun:
    """Plan the rewrite of an already parsed module, as `migrate_python` does, without applying it.

    `planner`: another strategy's planner (see `migrate_with`); the compat one by default.
    `findings`: the module's `analyze_nodes` findings, when the caller has them already.
    """
    plan = (planner or _Planner)(module, path, rules, unsafe)
    if findings is None:
        findings = analyze_nodes(module, path)
    plan.plan(findings)
    return DryRun(findings, plan.changes, plan.notes)


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
        self.tables = UniqueTables(module)
        self._noted_tables: set[int] = set()
        self._wrapper_imports: dict[str, str] = {}  # local name -> qualified name, for imported wrapper classes

    def plan(self, findings: list[NodeFinding]) -> None:
        """Plan every finding of the module; a subclass may look at them all first."""
        for finding in findings:
            self.add(finding)
        self.finish()

    def located_nodes(self) -> list[cst.CSTNode]:
        return [n for n, *_ in self.changes] + [n for n, *_ in self.notes]

    def finish(self) -> None:
        """Called once every finding was added: for decisions that need the whole module."""

    def apply(self) -> cst.Module:
        migrated = self.module.visit(ApplyEdits(self.edits, self.todos))
        return settle_imports(migrated, self.imports, self.unused_imports)

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
            if finding.data["context"] == "prefix test":
                self._note(finding.node, Severity.MANUAL,
                           f"{finding.data['model']!r} is tested as a name prefix/suffix: {self.rules.name} model "
                           "names follow other patterns, so decide what this check should match now",
                           f"model-prefix:{finding.data['model']}", True)
            else:
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
        self._keep_configured_values(call, wanted)
        for name in dropped:
            value = keyword_value(call, name)
            if value is not None and not is_replaceable_setting(value):
                self._note(call, Severity.INFO, f"{name}=`{one_line(self.module.code_for_node(value))}` removed: "
                           f"{target_class} does not take it", f"client:{name}", False)

        def edit(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call)
            node = rename_callee(node, finding.data["cls"], target_class)
            return set_keywords(node, wanted, drop=dropped)

        message = f"{finding.data['cls']} client pointed at {self.rules.name}"
        if finding.data["cls"] != target_class:
            message += f" (now {target_class})"
        if self._edit(call, edit, "client", message) and finding.data["cls"] != target_class:
            if isinstance(call.func, cst.Name):
                self.imports.add(("openai", target_class))
                self.unused_imports.add(("openai", call.func.value))

    def _keep_configured_values(self, call: cst.Call, wanted: dict[str, str]) -> None:
        """Leave a key or endpoint alone when the code computes it from its own configuration.

        A literal, or a read of an OPENAI_* environment variable, is replaced by the
        provider's variable. Anything else (`settings.llm_key`, a function argument, a
        variable of the user's own naming) is plumbing the project owns: replacing it would
        silently cut that configuration off, so it is kept and the user is told what it
        must now supply.
        """
        for name in list(wanted):
            value = keyword_value(call, name)
            if value is None or is_replaceable_setting(value) or self.module.code_for_node(value) == wanted[name]:
                continue
            del wanted[name]
            endpoint = self.rules.endpoint
            meant = f"key ({endpoint.api_key_env})" if "key" in name else f"endpoint ({endpoint.base_url})"
            self._note(call, Severity.MANUAL, f"{name} comes from `{one_line(self.module.code_for_node(value))}`, "
                       f"the project's own setting: set it to the {self.rules.name} {meant}", f"client:{name}", True)

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
        model_node = keyword_value(call, "model")
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
        for rule in self._parameter_rules(api):
            self._parameter(call, rule, likely)

    def _parameter_rules(self, api: str) -> list[ParameterRule]:
        """The rules applied to a call of `api`; a strategy that does not use the openai SDK filters them."""
        return self.rules.parameter_rules(api)

    def _parameter(self, call: cst.Call, rule: ParameterRule, likely: bool) -> None:
        value = keyword_value(call, rule.name)
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
            number = literal_number(value)
            if number is None:
                self._note(call, Severity.MANUAL, f"{name} is computed: keep it within "
                           f"{bounds(rule)} ({rule.note})", f"parameter:{name}", True)
                return None
            clamped = min(max(number, rule.minimum if rule.minimum is not None else number),
                          rule.maximum if rule.maximum is not None else number)
            if clamped == number:
                return None
            literal = number_literal(clamped, number)
            return (lambda node: set_keywords(node, {name: literal})), f"{name} {number} clamped to {literal} ({rule.note})"
        if rule.action is Action.RENAME:
            return (lambda node: rename_keyword(node, name, rule.to)), f"{name} renamed to {rule.to} ({rule.note})"
        if rule.action is Action.DROP:
            return (lambda node: set_keywords(node, {}, drop=(name,))), f"{name} removed ({rule.note})"
        if rule.action is Action.EXTRA_BODY:
            extra = keyword_value(call, "extra_body")
            if extra is not None and not isinstance(extra, cst.Dict):
                self._note(call, Severity.MANUAL, f"move {name} into the computed extra_body ({rule.note})",
                           f"parameter:{name}", True)
                return None
            return (lambda node: move_into_extra_body(node, name)), f"{name} moved into extra_body ({rule.note})"
        if rule.action is Action.ADD:
            if value is not None:
                return None
            if any(arg.star == "**" for arg in call.args):
                self._note(call, Severity.MANUAL, f"make sure {name}={rule.value!r} is passed ({rule.note})",
                           f"parameter:{name}", True)
                return None
            literal = python_literal(rule.value)
            return (lambda node: set_keywords(node, {name: literal})), f"{name}={literal} added ({rule.note})"
        return None

    # -- model names
    def _model(self, node: cst.CSTNode, model: str) -> None:
        assert isinstance(node, cst.SimpleString)
        target = self.rules.map_model(model)
        if target.target is None:
            self._note(node, Severity.BLOCKED, f"no {self.rules.name} equivalent for {model!r}: {target.note}",
                       f"model:{model}", True)
            return
        table = self.tables.table_of(node)
        merge = self.tables.merge_caused(table, lambda m: self.rules.map_model(m).target) if table else None
        if merge is not None:
            if id(table) in self._noted_tables:
                return
            self._noted_tables.add(id(table))
            first, second, common = merge
            self._note(table, Severity.MANUAL, f"model names in this table are not mapped: {first!r} and {second!r} "
                       f"would both become {common!r} and one entry would be lost; merge them by hand",
                       "model-table", True)
            return
        prefix, quote = string_prefix_and_quote(node)
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
        if data["usage"] == "import":
            for name, asname in data.get("names", ()):
                self._wrapper_imports[asname or name] = f"{data['module']}.{name}"
            return
        if data["usage"] != "construct":
            return
        if data["library"] == "langchain" and data["cls"] in ("ChatOpenAI", "OpenAIEmbeddings", "OpenAI") \
                and self.rules.endpoint.client == "OpenAI":
            if data["cls"] == "OpenAIEmbeddings" and self._blocked_wrapper(finding.node, "embeddings.create"):
                return
            wanted = self._client_arguments(azure=False)
            for alias, name in _LANGCHAIN_ALIASES.items():  # the older spelling, where the call uses it
                if keyword_value(finding.node, alias) is not None:
                    wanted[alias] = wanted.pop(name)
            self._keep_configured_values(finding.node, wanted)
            if data["cls"] == "OpenAIEmbeddings":
                wanted["check_embedding_ctx_length"] = "False"
                self._embedding_additions(finding.node, wanted)
            self.imports.add(("os", None))
            self._edit(finding.node, lambda node: set_keywords(node, wanted), "wrapper",
                       f"langchain {data['cls']} pointed at {self.rules.name}")
            return
        call = finding.node
        assert isinstance(call, cst.Call)
        counterpart = _LLAMA_INDEX_COUNTERPARTS.get(self._wrapper_imports.get(_callee_name(call), ""))
        if counterpart is not None and self.rules.endpoint.client == "AzureOpenAI":
            self._note(call, Severity.MANUAL, f"llama_index {data['cls']}: for {self.rules.name} use "
                       f"{counterpart.azure_advice}, key from {self.rules.endpoint.api_key_env} and endpoint from "
                       f"{self.rules.endpoint.base_url_env}", f"wrapper:{data['cls']}", True)
            return
        if counterpart is not None:
            if not any(arg.keyword is None for arg in call.args):
                self._llama_index(call, data["cls"], counterpart)
                return
            self._note(call, Severity.MANUAL, f"llama_index {data['cls']} with positional arguments: pass them by "
                       f"keyword and run banjia again, or move it to {counterpart.cls} ({counterpart.module}) by hand",
                       f"wrapper:{data['cls']}", True)
            return
        self._note(call, Severity.MANUAL,
                   f"{data['library']} {data['cls']}: point it at {self.rules.name} by hand "
                   f"({self.rules.endpoint.base_url}, key from {self.rules.endpoint.api_key_env})",
                   f"wrapper:{data['cls']}", True)

    def _embedding_additions(self, call: cst.Call, wanted: dict[str, str]) -> None:
        """Parameters the provider requires on embeddings (e.g. encoding_format="float"), for langchain's
        OpenAIEmbeddings, which passes its `model_kwargs` to every embeddings.create call."""
        required = {rule.name: rule.value for rule in self.rules.parameter_rules("embeddings.create")
                    if rule.action is Action.ADD and rule.safety is Safety.SAFE}
        if not required:
            return
        given = keyword_value(call, "model_kwargs")
        if given is None:
            wanted["model_kwargs"] = "{" + ", ".join(f'"{k}": {python_literal(v)}' for k, v in required.items()) + "}"
            return
        if isinstance(given, cst.Dict) and required.keys() <= {
            e.key.evaluated_value for e in given.elements
            if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
        }:
            return
        shown = ", ".join(f"{k}={v!r}" for k, v in required.items())
        self._note(call, Severity.MANUAL, f"make sure model_kwargs carries {shown}: {self.rules.name} requires it on "
                   "embeddings", "parameter:model_kwargs", True)

    def _blocked_wrapper(self, call: cst.Call, api: str) -> bool:
        """A wrapper for an API the provider does not serve: noted, left unchanged (its model too)."""
        blocked = self.rules.unsupported_api(api)
        if blocked is None:
            return False
        for arg in call.args:
            self._leave_models.add(id(arg.value))
        self._note(call, Severity.BLOCKED, f"{self.rules.name}: {blocked.message}",
                   f"unsupported:{blocked.api}", True)
        return True

    def _llama_index(self, call: cst.Call, cls: str, counterpart: "_Counterpart") -> None:
        """llama_index OpenAI / OpenAIEmbedding -> the OpenAILike class of the same kind, pointed at the provider.

        The OpenAILike classes subclass the OpenAI ones and take the same keywords, except that
        the embedding's model is `model_name`; OpenAI's own defaults (model names) do not
        reach the provider, so a missing model is written out, mapped.
        """
        if counterpart.api and self._blocked_wrapper(call, counterpart.api):
            return
        given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        wanted: dict[str, str] = {}
        message = f"llama_index {cls} -> {counterpart.cls}, pointed at {self.rules.name}"
        if not given & {"model", counterpart.model_keyword}:
            target = self.rules.map_model(counterpart.default_model)
            if target.target is None:
                self._note(call, Severity.BLOCKED, f"no {self.rules.name} equivalent for llama_index {cls}'s default "
                           f"model {counterpart.default_model!r}: {target.note}", f"model:{counterpart.default_model}",
                           True)
                return
            wanted[counterpart.model_keyword] = python_literal(target.target)
            message += f" (model {target.target!r} for its default {counterpart.default_model!r})"
        endpoint = self.rules.endpoint
        wanted["api_base"] = f'os.environ.get("{endpoint.base_url_env}", "{endpoint.base_url}")'
        wanted["api_key"] = f'os.environ["{endpoint.api_key_env}"]'
        self._keep_configured_values(call, wanted)
        wanted.update((name, value) for name, value in counterpart.added.items() if name not in given)
        renamed = counterpart.model_keyword != "model" and "model" in given and counterpart.model_keyword not in given

        def edit(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call)
            node = node.with_changes(func=cst.Name(counterpart.cls))
            if renamed:
                node = rename_keyword(node, "model", counterpart.model_keyword)
            return set_keywords(node, wanted)

        if not self._edit(call, edit, "wrapper", message):
            return
        self.imports.update({("os", None), (counterpart.module, counterpart.cls)})
        if isinstance(call.func, cst.Name) and call.func.value == cls:
            self.unused_imports.add((self._wrapper_imports[cls].rsplit(".", 1)[0], cls))
        self._note(call, Severity.MANUAL, f"add the {counterpart.package} package to the project's dependencies "
                   f"({counterpart.cls} lives there)", f"dependency:{counterpart.package}", True)
        unset = [f"{name}={default}" for name, default in counterpart.defaults_to_review.items() if name not in given]
        if unset:
            self._note(call, Severity.INFO, f"{counterpart.cls} assumes {', '.join(unset)} unless told otherwise: set "
                       f"them to the {self.rules.name} model's real values", f"wrapper:{counterpart.cls}", False)

    def _config(self, finding: NodeFinding) -> None:
        attribute = finding.data["attribute"]
        hint = V0_CONFIG_HINTS.get(attribute)
        self._note(finding.node, Severity.MANUAL,
                   f"module-level openai.{attribute}: clients built by banjia take their key and endpoint from "
                   f"{self.rules.endpoint.api_key_env} / {self.rules.endpoint.base_url_env}; remove or adapt this"
                   + (f" ({hint})" if hint else ""),
                   f"config:{attribute}", True)


# langchain-openai's older keyword spellings (pydantic aliases of api_key / base_url).
_LANGCHAIN_ALIASES = {"openai_api_key": "api_key", "openai_api_base": "base_url"}


# ---------------------------------------------------------------- llama_index counterparts
@dataclass(frozen=True)
class _Counterpart:
    """The llama_index class that talks to any OpenAI-compatible endpoint, for one OpenAI class.

    Read in llama-index-llms-openai-like 0.8.1 and llama-index-embeddings-openai-like 0.4.0
    (both subclass the OpenAI classes), llama-index-llms-azure-openai 0.6.1 and
    llama-index-embeddings-azure-openai (`engine` / `deployment_name` are required there).
    """

    module: str
    cls: str
    package: str
    model_keyword: str  # OpenAILikeEmbedding raises on `model=`: it takes `model_name`
    default_model: str  # what the OpenAI class uses when no model is passed
    api: str  # the API the class calls, for the provider's unsupported list ("" for chat)
    added: dict[str, str]  # keywords written when absent
    defaults_to_review: dict[str, str]  # defaults that differ from the OpenAI class's per-model values
    azure_advice: str


_LLAMA_INDEX_COUNTERPARTS = {
    "llama_index.llms.openai.OpenAI": _Counterpart(
        "llama_index.llms.openai_like", "OpenAILike", "llama-index-llms-openai-like", "model", "gpt-3.5-turbo", "",
        added={"is_chat_model": "True"},
        defaults_to_review={"context_window": "3900", "is_function_calling_model": "False"},
        azure_advice="AzureOpenAI from llama_index.llms.azure_openai (package llama-index-llms-azure-openai) "
                     "with engine=<deployment name>",
    ),
    "llama_index.embeddings.openai.OpenAIEmbedding": _Counterpart(
        "llama_index.embeddings.openai_like", "OpenAILikeEmbedding", "llama-index-embeddings-openai-like",
        "model_name", "text-embedding-ada-002", "embeddings.create",
        added={}, defaults_to_review={},
        azure_advice="AzureOpenAIEmbedding from llama_index.embeddings.azure_openai (package "
                     "llama-index-embeddings-azure-openai) with deployment_name=<deployment name>",
    ),
}


def _callee_name(call: cst.Call) -> str:
    return call.func.value if isinstance(call.func, cst.Name) else ""
