"""What a migration promises, checked on the bundled example for every provider.

After `migrate --write`: every Python file parses, a second run changes nothing, and at
every call site still speaking to the SDK no OpenAI model name and no parameter outside
the provider's range is left without a `# TODO(banjia):` comment on its statement.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst as cst
import pytest

from banjia.api import migrate
from banjia.codemods.analyzer import analyze_nodes
from banjia.codemods.rewrite import TODO_PREFIX
from banjia.model import Kind
from banjia.patterns import is_model_name
from banjia.rules.loader import builtin_ids, load_builtin
from banjia.rules.model import Action, RuleSet
from banjia.writer import write_migration

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-desk"


@pytest.fixture(scope="module", params=builtin_ids())
def migrated(request, tmp_path_factory) -> tuple[RuleSet, Path]:
    rules = load_builtin(request.param)
    root = tmp_path_factory.mktemp(request.param) / "support-desk"
    shutil.copytree(EXAMPLE, root)
    result = migrate([root], rules)
    assert not result.errors
    assert result.changed_files
    write_migration(result, root.parent)  # reported paths start with the folder name
    return rules, root


def test_every_migrated_python_file_parses(migrated) -> None:
    _, root = migrated
    for path in root.rglob("*.py"):
        cst.parse_module(path.read_text(encoding="utf-8"))


def test_a_second_run_changes_nothing(migrated) -> None:
    rules, root = migrated
    again = migrate([root], rules)
    assert [f.path for f in again.changed_files] == []


def test_no_openai_model_or_out_of_range_parameter_is_left_unflagged(migrated) -> None:
    rules, root = migrated
    unflagged = []
    for path in sorted(root.rglob("*.py")):
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        todos = _todos_around_calls(module)
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
