"""What a migration promises, checked on the bundled example for every provider and strategy.

After `migrate --write` (compat for every provider, native for those with a native SDK):
every Python file parses, a second run changes nothing, at every API call (the openai
SDK's or the native SDK's) no OpenAI model name and no parameter outside the provider's
range is left without a `# TODO(banjia):` comment on its statement, and every import the
migration wrote or kept of the SDKs (in functions and notebook cells too) names a module,
and a name in it, that the installed packages have. Natively migrated code constructs an
openai client only where the report says why it stays on the compatible endpoint.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
import pytest

from banjia.api import migrate
from banjia.codemods.analyzer import analyze_nodes
from banjia.codemods.call_edits import dotted, keyword_value
from banjia.codemods.rewrite import TODO_PREFIX
from banjia.model import Kind, MigrationResult
from banjia.patterns import is_model_name
from banjia.rules.loader import builtin_ids, load_builtin
from banjia.rules.model import Action, RuleSet
from banjia.writer import write_migration

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-desk"
NATIVE = [(provider, "native") for provider in builtin_ids() if load_builtin(provider).native is not None]
COMBINATIONS = [(provider, "compat") for provider in builtin_ids()] + NATIVE
# What a call on a native client is, as the openai API it replaces: the SDKs shaped like
# openai's keep the method path; DashScope's module functions are listed.
_NATIVE_FUNCTIONS = {
    "Generation.call": "chat.completions.create",
    "AioGeneration.call": "chat.completions.create",
    "TextEmbedding.call": "embeddings.create",
}
_API_PATHS = ("chat.completions.create", "chat.completions.acreate", "embeddings.create", "completions.create")


@dataclass(frozen=True)
class Migrated:
    rules: RuleSet
    strategy: str
    root: Path
    result: MigrationResult


@pytest.fixture(scope="module", params=COMBINATIONS, ids=lambda c: "-".join(c))
def migrated(request, tmp_path_factory) -> Migrated:
    provider, strategy = request.param
    rules = load_builtin(provider)
    root = tmp_path_factory.mktemp(f"{provider}-{strategy}") / "support-desk"
    shutil.copytree(EXAMPLE, root)
    result = migrate([root], rules, strategy=strategy)
    assert not result.errors
    assert result.changed_files
    write_migration(result, root.parent)  # reported paths start with the folder name
    return Migrated(rules, strategy, root, result)


def test_every_migrated_python_file_parses(migrated) -> None:
    for path in migrated.root.rglob("*.py"):
        cst.parse_module(path.read_text(encoding="utf-8"))


def test_a_second_run_changes_nothing(migrated) -> None:
    again = migrate([migrated.root], migrated.rules, strategy=migrated.strategy)
    assert [f.path for f in again.changed_files] == []


def test_every_import_of_the_sdks_the_migration_wrote_or_kept_resolves(migrated, corpus_check) -> None:
    """`import X` names an installed module; `from X import Y` one that has Y (attribute or submodule).

    Imports the project had and the migration did not touch, of packages other than the
    SDKs, are left out: the example imports packages (langchain_openai) that need not be
    installed for the migration to be right.
    """
    sdks = {"openai", *(_top_level(rules.native.client) for rules in [migrated.rules] if rules.native is not None)}
    unresolved = []
    for file in migrated.result.changed_files:
        before, after = _python_of(file.path, file.before), _python_of(file.path, file.after)
        if before is None:
            continue
        had = corpus_check.imports_of(before)
        for module, name in sorted(corpus_check.imports_of(after), key=str):
            wanted = (module, name) not in had or _top_level(module) in sdks
            if wanted and not corpus_check.resolves(module, name):
                unresolved.append((file.path, module, name))
    assert unresolved == []


def test_the_import_check_tells_real_names_from_invented_ones(corpus_check) -> None:
    assert corpus_check.resolves("zhipuai", "ZhipuAI")
    assert corpus_check.resolves("dashscope.common.error", "RequestFailure")
    assert corpus_check.resolves("volcenginesdkarkruntime", None)
    assert corpus_check.resolves("openai", "types")  # a submodule the package does not import
    assert not corpus_check.resolves("zhipuai", "RateLimitError")
    assert not corpus_check.resolves("dashscope.no_such_module", None)
    assert not corpus_check.resolves("no_such_package.sub", "name")
    source = "import os\ndef f():\n    from zhipuai import ZhipuAI\nfrom dashscope import *\nfrom . import sibling\n"
    assert corpus_check.imports_of(source) == {("os", None), ("zhipuai", "ZhipuAI")}


@pytest.mark.parametrize("migrated", NATIVE, ids=lambda c: "-".join(c), indirect=True)
def test_native_code_builds_an_openai_client_only_where_the_report_says_why(migrated) -> None:
    # the compat strategy keeps the openai clients by design
    unexplained = []
    for file in migrated.result.changed_files:
        after = _python_of(file.path, file.after)
        if after is None:
            continue
        clients = [f for f in analyze_nodes(cst.parse_module(after), file.path) if f.kind is Kind.CLIENT]
        explained = any("on the OpenAI-compatible endpoint" in note.message for note in file.notes)
        if clients and not explained:
            unexplained.append(file.path)
    assert unexplained == []


def test_no_openai_model_or_out_of_range_parameter_is_left_unflagged(migrated) -> None:
    rules, root = migrated.rules, migrated.root
    unflagged = []
    for path in sorted(root.rglob("*.py")):
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        todos = _todos_around_calls(module)
        unflagged += _unflagged_native_calls(module, rules, todos, path.name)
        for finding in analyze_nodes(module, path.name):
            if finding.kind is not Kind.CALL:
                continue
            flagged = todos.get(id(finding.node), "")
            if flagged and rules.unsupported_api(finding.data["api"]) is not None:
                continue  # the whole call is blocked, with its reason on the statement
            model = finding.data["model"]
            if model and is_model_name(model) and rules.map_model(model).target != model and model not in flagged:
                unflagged.append((path.name, finding.data["api"], model))
            for name, value in _out_of_range(rules, finding.data).items():
                if name not in flagged:
                    unflagged.append((path.name, finding.data["api"], f"{name}={value}"))
    assert unflagged == [], "\n".join(map(str, unflagged))


def _unflagged_native_calls(module: cst.Module, rules: RuleSet, todos: dict[int, str], shown: str) -> list:
    """Model names and parameters of calls on the native SDKs, which the analyzer does not see."""
    found = []
    for call, api in _native_calls(module):
        flagged = todos.get(id(call), "")
        model = keyword_value(call, "model")
        name = model.evaluated_value if isinstance(model, cst.SimpleString) else None
        if isinstance(name, str) and is_model_name(name) and rules.map_model(name).target != name \
                and name not in flagged:
            found.append((shown, api, name))
        params = {arg.keyword.value: _number(arg.value) for arg in call.args if arg.keyword is not None}
        for parameter, value in _out_of_range(rules, {"api": api, "params": params}).items():
            if parameter not in flagged:
                found.append((shown, api, f"{parameter}={value}"))
    return found


def _native_calls(module: cst.Module) -> list[tuple[cst.Call, str]]:
    """Calls that are not the openai SDK's but name an API it has: `zhipu.chat.completions.create(...)`."""
    openai_calls = {id(f.node) for f in analyze_nodes(module, "") if f.kind is Kind.CALL}
    found = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            name = dotted(node.func) or ""
            api = next((api for suffix, api in _NATIVE_FUNCTIONS.items() if name.endswith(suffix)), None) \
                or next((api for api in _API_PATHS if name.endswith("." + api)), None)
            if api is not None and id(node) not in openai_calls:
                found.append((node, api.replace(".acreate", ".create")))

    module.visit(Collect())
    return found


def _number(node: cst.BaseExpression) -> float | None:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        value = _number(node.expression)
        return -value if value is not None else None
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    return None


def _python_of(path: str, text: str) -> str | None:
    """The Python in a file: its text, or a notebook's code cells (magics left out); None for other files."""
    if path.endswith(".py"):
        return text
    if not path.endswith(".ipynb"):
        return None
    cells = [cell["source"] for cell in json.loads(text)["cells"] if cell["cell_type"] == "code"]
    lines = [line for cell in cells for line in ("".join(cell) if isinstance(cell, list) else cell).splitlines()]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))


def _top_level(dotted_name: str) -> str:
    return dotted_name.split(".", 1)[0]


def _out_of_range(rules: RuleSet, data: dict) -> dict[str, float]:
    found = {}
    for rule in rules.parameter_rules(data["api"]):
        value = data["params"].get(rule.name)
        if rule.action is not Action.CLAMP or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if (rule.minimum is not None and value < rule.minimum) or (rule.maximum is not None and value > rule.maximum):
            found[rule.name] = value
    return found


def _todos_around_calls(module: cst.Module) -> dict[int, str]:
    """Call node id -> the TODO comments on the statements that enclose it."""

    class Collector(cst.CSTVisitor):
        def __init__(self) -> None:
            self.stack: list[str] = []
            self.found: dict[int, str] = {}

        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                comments = [line.comment.value for line in node.leading_lines if line.comment is not None]
                self.stack.append("\n".join(c for c in comments if c.startswith(TODO_PREFIX)))
            if isinstance(node, cst.Call):
                self.found[id(node)] = "\n".join(self.stack)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                self.stack.pop()

    collector = Collector()
    module.visit(collector)
    return collector.found
