"""OpenAI model names in config files (YAML, JSON, TOML, INI/cfg, dotenv) mapped to the provider's.

The config scanners report each model name with its exact span, so the rewrite
replaces just those characters: `model: gpt-4o` becomes `model: qwen-plus` with its
quotes, comments and layout untouched. A router prefix (`openai/gpt-4o`, as litellm
writes it) is kept and only the model id after it replaced. A model the provider has
no equivalent for is left and reported as blocked.

Two kinds of place are reported instead of edited: files that must not be edited at
all (a real `.env`), and `OPENAI_*` variables in dotenv files, whose values belong to
code that may still call OpenAI.
"""

from __future__ import annotations

import re

from banjia.codemods.env_files import ASSIGNMENT
from banjia.codemods.text_edits import TextRewrite
from banjia.model import Finding, Kind, Severity, Span
from banjia.patterns import ENV_VAR_NAME
from banjia.rules.model import RuleSet

_ROUTER_PREFIX = re.compile(r"(?:openai|azure)[/:]", re.IGNORECASE)


def map_config_models(rewrite: TextRewrite, findings: list[Finding], rules: RuleSet, *, editable: bool = True) -> None:
    """Replace (or, when not `editable`, report) every MODEL finding's name with its mapping."""
    for finding in findings:
        if finding.kind is not Kind.MODEL:
            continue
        model = finding.data["model"]
        target = rules.map_model(model)
        rule = f"{rules.id}:model:{model}"
        if target.target is None:
            rewrite.note(finding.span, Severity.BLOCKED, f"no {rules.name} equivalent for {model!r}: {target.note}", rule)
            continue
        prefix = _ROUTER_PREFIX.match(model)
        body = model[prefix.end() :] if prefix else model
        reason = f" ({target.note})" if target.note else ""
        variable = _openai_variable(rewrite, finding) if finding.data["file_type"] == "env" else None
        if variable is not None or not editable:
            where = f"{variable} is kept for code that still calls OpenAI; " if variable else ""
            rewrite.note(finding.span, Severity.MANUAL,
                         f"{where}code migrated to {rules.name} needs {target.target!r} instead of {body!r}{reason}", rule)
            continue
        s = finding.span
        name = Span(s.line, s.column + len(model) - len(body), s.end_line, s.end_column)
        rewrite.replace(name, target.target, "model", f"model {body!r} -> {target.target!r}{reason}")


def _openai_variable(rewrite: TextRewrite, finding: Finding) -> str | None:
    """The `OPENAI_*` variable whose value holds the finding, if it is one."""
    assignment = ASSIGNMENT.match(rewrite.line_text(finding.span.line))
    if assignment is None or not ENV_VAR_NAME.fullmatch(assignment["name"]):
        return None
    return assignment["name"]
