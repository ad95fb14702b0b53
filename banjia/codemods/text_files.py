"""Migration of the text files around the code: dependency files, env files, config files.

The audit's scanners find what to change, with exact spans; each migrator turns its
kind of finding into character-exact edits of one shared `TextRewrite`, so a file that
holds several kinds (a pyproject.toml with an openai pin and a model name) is edited
in one pass and every other byte stays as it was.
"""

from __future__ import annotations

from banjia.codemods.config_models import map_config_models
from banjia.codemods.dependencies import SdkDependency, raise_openai_pins
from banjia.codemods.env_files import add_provider_variables, is_env_template
from banjia.codemods.outcome import Outcome
from banjia.codemods.sdk_requirement import declare_sdk
from banjia.codemods.text_edits import TextRewrite
from banjia.rules.model import RuleSet
from banjia.scanners import scan_env_file, scanners_for


def migrate_text_file(text: str, path: str, rules: RuleSet, *, sdk: SdkDependency | None = None) -> Outcome:
    """Rewrite one scanned text file (BOM already removed) for `rules`' provider.

    With `sdk` (the native strategy), dependency files also declare the provider's SDK.
    """
    scanners = scanners_for(path)
    findings = [finding for scan in scanners for finding in scan(text, path)]
    rewrite = TextRewrite(text, path)
    if sdk is None or sdk.keep_openai:
        raise_openai_pins(rewrite, findings, rules)
    if sdk is not None:
        declare_sdk(rewrite, findings, rules, sdk)
    is_env_file = scan_env_file in scanners
    if is_env_file:
        add_provider_variables(rewrite, findings, rules)
    map_config_models(rewrite, findings, rules, editable=not is_env_file or is_env_template(path))
    return rewrite.outcome()
