"""openai<1.0 ("v0") code brought to the v1 client: the first step of strategy compat.

openai 1.0 replaced the module-level resources (`openai.ChatCompletion.create(...)`) and
module configuration (`openai.api_key = ...`) with client objects, moved the exceptions
from `openai.error` onto `openai`, and turned dict-like responses into typed objects.
The compat rewrite knows v1 code only, so a v0 file is upgraded first, as OpenAI's
retired `openai migrate` did: calls go to one client per module (`client = OpenAI(...)`,
`aclient = AsyncOpenAI(...)`) built from the module configuration, exceptions get their
v1 names, and traced responses are read with attributes (see `legacy_responses.py`).
Whatever cannot be converted safely stays as it was, with a TODO comment and a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst

from banjia.codemods.analyzer import NodeFinding, analyze_nodes
from banjia.codemods.bindings import dotted_name
from banjia.codemods.legacy_responses import plan_response_access
from banjia.codemods.openai_sdk import (
    V0_AZURE_API_TYPES,
    V0_AZURE_CONFIG_ARGUMENTS,
    V0_CALLS,
    V0_CLIENT_OPTIONS,
    V0_CONFIG_ARGUMENTS,
    V0_CONFIG_HINTS,
    V0_ERROR_NOTES,
    V0_ERRORS,
    V0_KEYWORDS,
    V0_ONLY_MODULES,
    V0_RESOURCES,
    V0_RETIRED,
    V0_UNPORTABLE_KEYWORDS,
    V0Call,
)
from banjia.codemods.positions import positions_of
from banjia.codemods.outcome import Outcome
from banjia.codemods.rewrite import ApplyEdits, Edit, check_parses, settle_imports, span_of
from banjia.codemods.walk import child_nodes, walk
from banjia.model import Change, Kind, Note, Severity

RULE = "legacy-v0"
_CLIENT_NAMES = {False: ("client", "openai_client", "sync_client"), True: ("aclient", "async_client", "async_openai_client")}

# A file can hold v0 code only if one of these words appears in it: checked on the text
# before anything is parsed, so v1 code costs one regular-expression search.
_V0_HINT = re.compile(
    r"\b(?:" + "|".join(V0_RESOURCES) + r")\s*\.\s*\w+\s*\(|\berror\b|\b(?:" + "|".join(V0_ONLY_MODULES) + r")\b"
)


def upgrade_legacy(
    source: str, path: str, *, note_config: bool = True,
    module: cst.Module | None = None, findings: list[NodeFinding] | None = None,
) -> Outcome:
    """`source` with its openai<1.0 usage turned into v1 code; `source` itself when it has none.

    Changes are reported with category "legacy"; notes carry rule ids "legacy-v0:...".
    `note_config`: note module configuration that could not be folded into the new
    client. Strategy compat turns it off: it notes every leftover configuration itself,
    naming the provider's variables. `module` and `findings` (of `analyze_nodes`), when
    given, are `source` already parsed and analysed, shared with the pass that follows.
    Raises libcst.ParserSyntaxError on bad input.
    """
    if "openai" not in source or not _V0_HINT.search(source):
        return Outcome(source)
    if module is None:
        module = cst.parse_module(source)
    if findings is None:
        findings = analyze_nodes(module, path)
    plan = _Plan(module, findings, note_config)
    if not plan.run():
        return Outcome(source)
    positions = positions_of(module, [node for node, _ in plan.changes] + [node for node, *_ in plan.notes])
    changes = sorted((Change(path, span_of(positions[id(node)]), "legacy", message) for node, message in plan.changes),
                     key=lambda change: change.span)
    notes = sorted(
        (Note(path, span_of(positions[id(node)]), severity, message, f"{RULE}:{rule}")
         for node, severity, message, rule in plan.notes),
        key=lambda note: note.span,
    )
    upgraded = module.visit(ApplyEdits(plan.edits, plan.todos))
    upgraded = settle_imports(upgraded, plan.imports, plan.unused_imports)
    text = upgraded.code
    check_parses(text)
    return Outcome(text, changes, notes)


@dataclass
class _Client:
    """The client a module's converted calls go to, and what it is built from."""

    name: str
    is_async: bool
    arguments: dict[str, str] = field(default_factory=dict)  # keyword -> source
    azure: bool = False

    @property
    def cls(self) -> str:
        return ("Async" if self.is_async else "") + ("AzureOpenAI" if self.azure else "OpenAI")


class _Plan:
    def __init__(self, module: cst.Module, findings: list[NodeFinding], note_config: bool) -> None:
        self.module = module
        self.findings = findings
        self.note_config = note_config
        self.edits: dict[int, list[Edit]] = {}
        self.todos: dict[int, list[str]] = {}
        self.changes: list[tuple[cst.CSTNode, str]] = []
        self.notes: list[tuple[cst.CSTNode, Severity, str, str]] = []
        self.imports: set[tuple[str, str | None]] = set()
        self.unused_imports: set[tuple[str, str | None]] = set()
        self.clients: dict[bool, _Client] = {}
        self.removed: set[int] = set()  # top-level statements dropped (folded settings, redundant imports)
        self.responses: set[int] = set()
        self.openai_aliases = [f.data["alias"] or "openai" for f in findings
                               if f.kind is Kind.IMPORT and isinstance(f.node, cst.ImportAlias)
                               and f.data["module"] == "openai"]

    @cached_property
    def names(self) -> set[str]:
        """Names the module uses, and those given to new clients: asked only once a client is built."""
        return _names_in_use(self.module)

    # -- bookkeeping
    def _edit(self, node: cst.CSTNode, edit: Edit, message: str) -> None:
        self.edits.setdefault(id(node), []).append(edit)
        self.changes.append((node, message))

    def _note(self, node: cst.CSTNode, message: str, rule: str, severity: Severity = Severity.MANUAL) -> None:
        self.notes.append((node, severity, message, rule))
        if severity is not Severity.INFO:
            self.todos.setdefault(id(node), []).append(message)

    # -- the whole module
    def run(self) -> bool:
        """Plan the upgrade; False when the module has no v0 usage at all."""
        calls = [f for f in self.findings if f.kind is Kind.CALL and f.data["legacy"]]
        errors = [f for f in self.findings if f.kind is Kind.ERROR_REF and f.data["legacy"]]
        imports = [f for f in self.findings if f.kind is Kind.IMPORT]
        removed_modules = self._removed_module_uses(imports)
        if not calls and not errors and not removed_modules and not any(f.data.get("legacy") for f in imports):
            return False
        for finding in calls:
            self._call(finding)
        for finding in errors:
            self._error_ref(finding)
        for finding in imports:
            self._error_import(finding)
        for node, name in removed_modules:
            self._note(node, f"openai.{name} was removed in openai 1.0: {V0_ONLY_MODULES[name]}", f"module:{name}")
        if self.clients:
            self._build_clients([f for f in self.findings if f.kind is Kind.CONFIG])
            plan = plan_response_access(self.module, self.responses, self.edits)
            for key, edits in plan.edits.items():
                self.edits.setdefault(key, []).extend(edits)
            self.changes.extend(plan.changes)
            for node, message in plan.notes:
                self._note(node, message, "response")
        elif self.removed:
            self.edits.setdefault(id(self.module), []).append(_reworked_body(self.module, self.removed, [], None, None))
        return True

    # -- calls
    def _call(self, finding: NodeFinding) -> None:
        call = finding.node
        assert isinstance(call, cst.Call)
        _, resource, *_, method = finding.data["original"].split(".")
        is_async = method.startswith("a") and f"{resource}.{method[1:]}" in V0_CALLS
        spec = V0_CALLS.get(f"{resource}.{method[1:] if is_async else method}")
        shown = f"openai.{resource}.{method}"
        if spec is None:
            why = V0_RETIRED.get(resource, "it has no v1 equivalent")
            self._note(call, f"{shown} (openai<1.0) has no v1 client method: {why}", f"call:{resource}.{method}")
            return
        problem = _argument_problem(call, spec)
        if problem is not None:
            self._note(call, f"{shown} (openai<1.0) not converted: {problem}", f"call:{resource}.{method}")
            return
        client = self._client(is_async)
        self.responses.add(id(call))
        renamed = [f"{arg.keyword.value}= -> {spec.renamed.get(arg.keyword.value) or V0_KEYWORDS[arg.keyword.value]}="
                   for arg in call.args if arg.keyword and (arg.keyword.value in spec.renamed
                                                            or arg.keyword.value in V0_KEYWORDS)]
        message = f"{shown} -> {client.name}.{spec.api}" + (f" ({', '.join(renamed)})" if renamed else "")
        self._edit(call, _converted_call(spec, client.name), message)
        base, *_ = _chain(call.func)
        if base == resource:
            self.unused_imports.add(("openai", resource))  # `from openai import ChatCompletion`
        elif base == "openai":
            self.unused_imports.add(("openai", None))  # removed if nothing else uses the module
        timeout = _keyword(call, "request_timeout")
        if timeout is not None and isinstance(timeout.value, cst.Tuple):
            self._note(call, "request_timeout was a (connect, read) tuple: pass timeout=httpx.Timeout(read, "
                       "connect=connect)", "request_timeout")
        moved = [arg.keyword.value for arg in call.args if arg.keyword and arg.keyword.value in V0_CLIENT_OPTIONS]
        if moved:
            self._note(call, f"per-call {', '.join(moved)} now passed through {client.name}.with_options(): check "
                       "they still fit the endpoint the client is pointed at", "call-options", Severity.INFO)

    def _client(self, is_async: bool) -> _Client:
        if is_async not in self.clients:
            name = next((n for n in _CLIENT_NAMES[is_async] if n not in self.names), None)
            if name is None:
                name = next(f"{_CLIENT_NAMES[is_async][0]}_{i}" for i in range(2, 99)
                            if f"{_CLIENT_NAMES[is_async][0]}_{i}" not in self.names)
            self.names.add(name)
            self.clients[is_async] = _Client(name, is_async)
        return self.clients[is_async]

    # -- module configuration and the clients it builds
    def _build_clients(self, configs: list[NodeFinding]) -> None:
        top_level = _top_level_assignments(self.module)
        counts: dict[str, int] = {}
        for finding in configs:
            if id(finding.node) in top_level:
                counts[finding.data["attribute"]] = counts.get(finding.data["attribute"], 0) + 1
        reads = self._config_reads({id(f.node) for f in configs})
        module_client = any(f.kind is Kind.CALL and f.data["client"] == "openai (module client)" for f in self.findings)
        api_type = next((f for f in configs if f.data["attribute"] == "api_type" and id(f.node) in top_level), None)
        azure_key = _azure_key_argument(api_type.data["value"]) if api_type is not None else None
        table = V0_AZURE_CONFIG_ARGUMENTS if azure_key else V0_CONFIG_ARGUMENTS
        first_use = _first_statement_using(self.module, self.responses)
        folded: list[cst.SimpleStatementLine] = []
        arguments: dict[str, str] = {}
        for finding in configs:
            attribute = finding.data["attribute"]
            statement = top_level.get(id(finding.node))
            reason = None
            if statement is None:
                reason = "it is set inside a function or a block, so it cannot be folded into the client"
            elif self.module.body.index(statement) > first_use:
                reason = "it is set after a module-level call that needs the client"
            elif counts[attribute] > 1:
                reason = "it is set more than once"
            elif attribute in reads:
                reason = "it is read elsewhere in this file"
            elif module_client:
                reason = "the v1 module-level client (openai.chat...) still reads it"
            elif attribute == "api_type" and azure_key is None and finding.data["value"] not in ("open_ai", "openai"):
                reason = V0_CONFIG_HINTS["api_type"]
            elif attribute not in table and attribute != "api_type":
                reason = V0_CONFIG_HINTS.get(attribute, "the v1 client has no such argument")
            if reason is not None:
                if self.note_config:
                    self._note(finding.node, f"openai.{attribute} is not passed to the v1 client: {reason}",
                               f"config:{attribute}")
                continue
            folded.append(statement)
            if attribute != "api_type":
                keyword = azure_key if attribute == "api_key" and azure_key else table[attribute]
                arguments[keyword] = self.module.code_for_node(statement.body[0].value)
            self.changes.append((finding.node, f"openai.{attribute} passed to the v1 client"))
        for client in self.clients.values():
            client.arguments = arguments
            client.azure = azure_key is not None
        self._place_clients(folded)

    def _config_reads(self, targets: set[int]) -> set[str]:
        """Configuration attributes this module reads back (`if not openai.api_key: ...`)."""
        reads: set[str] = set()
        aliases = set(self.openai_aliases)

        class Reads:
            def visit_Attribute(self, node: cst.Attribute) -> None:
                if id(node) not in targets and isinstance(node.value, cst.Name) and node.value.value in aliases:
                    reads.add(node.attr.value)

        walk(self.module, Reads())
        return reads

    def _place_clients(self, folded: list[cst.SimpleStatementLine]) -> None:
        """Create the clients where the last folded setting was, else after the last top-level import."""
        statements = [self._client_statement(client) for _, client in sorted(self.clients.items())]
        body = list(self.module.body)
        self.removed.update(id(s) for s in folded)
        anchor = max((body.index(s) for s in folded), default=None)
        after = None
        if anchor is None:
            imports = [i for i, s in enumerate(body) if _is_import(s)]
            after = imports[-1] if imports else None
        for client in self.clients.values():
            cls = client.cls
            if cls in self.names and self.openai_aliases:
                continue  # written as `openai.OpenAI(...)`: the name is taken
            self.imports.add(("openai", cls))

        self.edits.setdefault(id(self.module), []).append(
            _reworked_body(self.module, self.removed, statements, anchor, after))
        names = ", ".join(f"{c.name} = {c.cls}(...)" for _, c in sorted(self.clients.items()))
        place = anchor if anchor is not None else after if after is not None else 0
        self.changes.append((body[place], f"v1 client created: {names}"))

    def _client_statement(self, client: _Client) -> cst.SimpleStatementLine:
        cls = client.cls
        if cls in self.names and self.openai_aliases:
            cls = f"{self.openai_aliases[0]}.{cls}"
        arguments = [f"{name}={source}" for name, source in client.arguments.items()]
        line = f"{client.name} = {cls}()"
        if arguments:  # one per line: the compat pass adds the provider's arguments in the same style
            line = f"{client.name} = {cls}(\n" + "".join(f"    {a},\n" for a in arguments) + ")"
        statement = cst.parse_statement(line + "\n")
        assert isinstance(statement, cst.SimpleStatementLine)
        return statement

    # -- exceptions
    def _error_ref(self, finding: NodeFinding) -> None:
        node = finding.node
        if not isinstance(node, cst.Attribute):
            return  # a name imported from openai.error: converted with its import
        name = finding.data["name"].rsplit(".", 1)[-1]
        target = V0_ERRORS.get(name)
        if target is None:
            self._note(node, f"{finding.data['name']} does not exist in openai 1.0", f"error:{name}")
            return
        holder = node.value
        if isinstance(holder, cst.Attribute) and holder.attr.value == "error":
            base = holder.value  # openai.error.X -> openai.X
        elif isinstance(holder, cst.Name) and holder.value in self._error_module_aliases():
            base = holder  # `import openai.error as oe`: the import becomes `import openai as oe`
        else:
            base = cst.Name(self.openai_aliases[0] if self.openai_aliases else "openai")
            self.imports.add((base.value, None))  # `from openai import error`: error.X -> openai.X
            self.unused_imports.add(("openai", dotted_name(holder) or "error"))
        self._edit(node, lambda _: cst.Attribute(value=base, attr=cst.Name(target)),
                   f"{self.module.code_for_node(node)} -> {self.module.code_for_node(base)}.{target}")
        self._error_note(node, name)

    def _error_note(self, node: cst.CSTNode, name: str) -> None:
        note = V0_ERROR_NOTES.get(name)
        if note is not None:
            severity = Severity.INFO if name == "InvalidRequestError" else Severity.MANUAL
            self._note(node, note, f"error:{name}", severity)

    def _error_module_aliases(self) -> set[str]:
        return {f.data["alias"] for f in self.findings if f.kind is Kind.IMPORT and isinstance(f.node, cst.ImportAlias)
                and f.data["module"] == "openai.error" and f.data["alias"]}

    def _error_import(self, finding: NodeFinding) -> None:
        node = finding.node
        if not finding.data.get("legacy"):
            return
        if isinstance(node, cst.ImportAlias):  # import openai.error [as oe]
            line = next((s for s in self.module.body if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
                         and isinstance(s.body[0], cst.Import) and list(s.body[0].names) == [node]), None)
            if node.asname is None and "openai" in self.openai_aliases and line is not None:
                self.removed.add(id(line))
                self.changes.append((node, "import openai.error removed (the exceptions live on openai)"))
            else:
                self._edit(node, lambda n: n.with_changes(name=cst.Name("openai")), "import openai.error -> import openai")
            return
        assert isinstance(node, cst.ImportFrom)
        if isinstance(node.names, cst.ImportStar):
            self._note(node, "from openai.error import *: import the v1 exceptions from openai by name", "error-import")
            return
        for alias in node.names:
            if (dotted_name(alias.name) or "") not in V0_ERRORS:
                self._note(node, f"openai.error.{dotted_name(alias.name)} does not exist in openai 1.0", "error-import")
                return
            self._error_note(node, dotted_name(alias.name) or "")
        shown = ", ".join(_imported_error(alias) for alias in node.names)
        self._edit(node, _errors_from_openai, f"from openai.error import ... -> from openai import {shown}")

    def _removed_module_uses(self, imports: list[NodeFinding]) -> list[tuple[cst.CSTNode, str]]:
        """Imports and attribute uses of submodules that openai 1.0 removed."""
        uses: list[tuple[cst.CSTNode, str]] = []
        for finding in imports:
            module = finding.data["module"]
            parts = module.split(".")
            if len(parts) > 1 and parts[1] in V0_ONLY_MODULES:
                uses.append((finding.node, parts[1]))
            elif module == "openai" and isinstance(finding.node, cst.ImportFrom):
                uses.extend((finding.node, name) for name, _ in finding.data["names"] if name in V0_ONLY_MODULES)
        aliases = set(self.openai_aliases)
        if not aliases:
            return uses  # `openai.<module>` needs the module imported as a name

        class Uses:
            def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
                return False  # imports are findings of their own

            def visit_Import(self, node: cst.Import) -> bool:
                return False

            def visit_Attribute(self, node: cst.Attribute) -> None:
                if isinstance(node.value, cst.Name) and node.value.value in aliases and node.attr.value in V0_ONLY_MODULES:
                    uses.append((node, node.attr.value))

        walk(self.module, Uses())
        return uses


# ---------------------------------------------------------------- call conversion
def _argument_problem(call: cst.Call, spec: V0Call) -> str | None:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if any(arg.star == "*" for arg in call.args):
        return "arguments passed through *args cannot be named"
    if len(positional) > len(spec.positional):
        return "more positional arguments than the v1 method names"
    names: list[str] = list(spec.positional[: len(positional)])
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.value
        if name in V0_UNPORTABLE_KEYWORDS:
            return f"per-call {name}= has no v1 equivalent ({V0_UNPORTABLE_KEYWORDS[name]})"
        if name not in V0_CLIENT_OPTIONS:
            names.append(spec.renamed.get(name) or V0_KEYWORDS.get(name) or name)
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        return f"more than one argument would become {', '.join(duplicated)}="
    return None


def _converted_call(spec: V0Call, client: str) -> Edit:
    def edit(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Call)
        arguments: list[cst.Arg] = []
        options: list[cst.Arg] = []
        for index, arg in enumerate(node.args):
            if arg.star:
                arguments.append(arg)
            elif arg.keyword is None:
                arguments.append(arg.with_changes(keyword=cst.Name(spec.positional[index]), equal=_EQUAL))
            elif arg.keyword.value in V0_CLIENT_OPTIONS:
                options.append(arg.with_changes(keyword=cst.Name(V0_CLIENT_OPTIONS[arg.keyword.value])))
            else:
                name = arg.keyword.value
                renamed = spec.renamed.get(name) or V0_KEYWORDS.get(name)
                arguments.append(arg.with_changes(keyword=cst.Name(renamed)) if renamed else arg)
        if arguments and node.args and arguments[-1] is not node.args[-1]:
            last = node.args[-1]
            arguments[-1] = arguments[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        receiver: cst.BaseExpression = cst.Name(client)
        if options:
            receiver = cst.Call(cst.Attribute(receiver, cst.Name("with_options")), args=_one_line(options))
        for part in spec.api.split("."):
            receiver = cst.Attribute(receiver, cst.Name(part))
        return node.with_changes(func=receiver, args=arguments)
    return edit


_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def _one_line(arguments: list[cst.Arg]) -> list[cst.Arg]:
    last = len(arguments) - 1
    return [
        arg.with_changes(
            comma=cst.MaybeSentinel.DEFAULT if i == last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        for i, arg in enumerate(arguments)
    ]


def _chain(node: cst.BaseExpression) -> list[str]:
    """`openai.ChatCompletion.create` -> ["openai", "ChatCompletion", "create"]."""
    return (dotted_name(node) or "").split(".")


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value == name), None)


# ---------------------------------------------------------------- exceptions
def _imported_error(alias: cst.ImportAlias) -> str:
    name = dotted_name(alias.name) or ""
    local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
    target = V0_ERRORS[name]
    return target if target == local else f"{target} as {local}"


def _errors_from_openai(node: cst.CSTNode) -> cst.CSTNode:
    """`from openai.error import A, B as C` -> `from openai import A2 as A, B2 as C`: the file keeps its names."""
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    names = []
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
        target = V0_ERRORS[name]
        asname = None if target == local else cst.AsName(cst.Name(local))
        names.append(alias.with_changes(name=cst.Name(target), asname=asname))
    return node.with_changes(module=cst.Name("openai"), names=names)


# ---------------------------------------------------------------- module helpers
def _names_in_use(module: cst.Module) -> set[str]:
    """Every name the module binds or reads (attribute names and keywords aside)."""
    names: set[str] = set()
    skipped: set[int] = set()

    class Names:
        def visit_Attribute(self, node: cst.Attribute) -> None:
            skipped.add(id(node.attr))

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                skipped.add(id(node.keyword))

        def visit_Name(self, node: cst.Name) -> None:
            if id(node) not in skipped:
                names.add(node.value)

    walk(module, Names())
    return names


def _top_level_assignments(module: cst.Module) -> dict[int, cst.SimpleStatementLine]:
    """`openai.X = value` lines at module level, by the id of their target."""
    found = {}
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            assign = statement.body[0]
            if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
                found[id(assign.targets[0].target)] = statement
    return found


def _first_statement_using(module: cst.Module, calls: set[int]) -> int:
    """Index of the first top-level statement that makes one of `calls` (len(body) if none does)."""
    def uses(node: cst.CSTNode) -> bool:
        return id(node) in calls or any(uses(child) for child in child_nodes(node))

    for index, statement in enumerate(module.body):
        if uses(statement):
            return index
    return len(module.body)


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _azure_key_argument(api_type) -> str | None:
    """The client argument the key goes to for an Azure api_type literal, else None."""
    return V0_AZURE_API_TYPES.get(api_type.lower()) if isinstance(api_type, str) else None


def _reworked_body(module: cst.Module, removed: set[int], clients: list[cst.SimpleStatementLine],
                   anchor: int | None, after: int | None) -> Edit:
    """An edit of the module that drops the `removed` top-level statements and places the clients.

    The clients replace the statement at index `anchor` (the last folded setting), or
    follow the one at `after` (the last import), or open the module. Comments and blank
    lines above a dropped statement move to the next statement kept.
    """
    body = list(module.body)

    def rework(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Module)
        new_body: list[cst.CSTNode] = []
        carried: list[cst.EmptyLine] = []
        if clients and after is None and anchor is None:
            new_body.extend(_spaced(clients, []))
        for index, (original, updated) in enumerate(zip(body, node.body)):
            if index == anchor:
                new_body.extend(_spaced(clients, [*carried, *updated.leading_lines]))
                carried = []
            elif id(original) in removed:
                carried.extend(updated.leading_lines)
            else:
                if carried:
                    updated = updated.with_changes(leading_lines=[*carried, *updated.leading_lines])
                    carried = []
                new_body.append(updated)
            if index == after:
                new_body.extend(_spaced(clients, [cst.EmptyLine()]))
        return node.with_changes(body=new_body)
    return rework


def _spaced(statements: list[cst.SimpleStatementLine], leading: list[cst.EmptyLine]) -> list[cst.SimpleStatementLine]:
    return [s.with_changes(leading_lines=leading) if i == 0 else s for i, s in enumerate(statements)]
