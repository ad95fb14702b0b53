"""The provider's variables in dotenv files that set OpenAI ones.

The migrated code reads the provider's key variable and base-URL variable, so an env
template (`.env.example`, `.env.sample`, `example.env`, ...) that documents
`OPENAI_API_KEY` gains both: the key empty, the base URL with the provider's endpoint.
They are appended once, in the file's own line ends and `export` style; a second run
finds them defined and adds nothing. The OpenAI lines stay as they are: code that is
not migrated may still read them.

A real env file (`.env`, `.env.local`, `prod.env`, `.envrc`) holds secrets and is
usually ignored by git, so it is never edited: a note names what to set there.
"""

from __future__ import annotations

import re

from banjia.codemods.text_edits import TextRewrite
from banjia.model import Finding, Kind, Severity
from banjia.rules.model import RuleSet

# Name parts that mark a dotenv file as a template to copy, not the file itself.
TEMPLATE_MARKERS = frozenset({"example", "sample", "template", "tmpl", "tpl", "dist", "defaults"})
ASSIGNMENT = re.compile(r"[ \t]*(?P<export>export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.]*)[ \t]*=")


def is_env_template(path: str) -> bool:
    """`.env.example`, `example.env`, `.env.sample.local`: a name part says it is a template."""
    name = path.rsplit("/", 1)[-1].lower()
    return bool(TEMPLATE_MARKERS.intersection(name.split(".")))


def add_provider_variables(rewrite: TextRewrite, findings: list[Finding], rules: RuleSet) -> None:
    """Append the provider's variables to a template that sets OpenAI ones; note them for a real file."""
    settings = [f for f in findings if f.kind is Kind.ENV_VAR and f.data["set"]]
    if not settings:
        return
    endpoint = rules.endpoint
    defined = _defined_names(rewrite)
    missing = [
        (name, value)
        for name, value in ((endpoint.api_key_env, ""), (endpoint.base_url_env, endpoint.base_url))
        if name not in defined
    ]
    if not missing:
        return
    names = " and ".join(name for name, _ in missing)
    if not is_env_template(rewrite.path):
        wanted = ", ".join(f"{name}={value or f'<your {rules.name} key>'}" for name, value in missing)
        rewrite.note(settings[0].span, Severity.MANUAL,
                     f"the migrated code reads {names}: set {wanted} where this environment is defined "
                     "(this file holds secrets, so it is not edited)", f"{rules.id}:env:secrets")
        return
    first = ASSIGNMENT.match(rewrite.line_text(settings[0].span.line))
    export = first["export"] if first is not None and first["export"] else ""
    eol = rewrite.line_end
    lead = eol if rewrite.text and not rewrite.text.endswith(("\n", "\r")) else ""
    rewrite.append(lead + "".join(f"{export}{name}={value}{eol}" for name, value in missing), "env",
                   f"{names} added for {rules.name}; the OpenAI variables are kept for code that still reads them")


def _defined_names(rewrite: TextRewrite) -> set[str]:
    names = set()
    for line in rewrite.text.splitlines():
        match = ASSIGNMENT.match(line)
        if match is not None:
            names.add(match["name"])
    return names
