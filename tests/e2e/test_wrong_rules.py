"""A deliberately wrong rule must make a migrated program fail, under either strategy.

The loopback server takes its routes and ranges from providers.md, never from the rule
files, so a rule with a wrong base path gets the provider's 404 and a clamp above the
documented range lets a value through that the provider answers with 400. The override
is laid over the built-in rules with `--rules`, and the program's environment comes
from the overridden rules too, as a deployment would take it from the same file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from banjia.rules.loader import resolve_rules

from .harness import copy_apps, migrate, run_app, strategy_env
from .server import FakeProviders

pytestmark = pytest.mark.e2e

# Clamps temperature to OpenAI's [0, 2]: chat.py's 1.3 passes, above what GLM and Ark document ([0, 1]).
CLAMP_TO_OPENAI_RANGE = ('[[parameters]]\napi = "chat.completions"\nname = "temperature"\naction = "clamp"\n'
                         'min = 0.0\nmax = 2.0\nsafety = "safe"\nnote = "OpenAI\'s range"\n')

# case -> (strategy, provider, override, the status the provider answers)
WRONG_RULES = {
    # The compatible route lives under /api/paas/v4: a rule pointing at v3 must not pass.
    "compat-zhipu-wrong-base-path": (
        "compat", "zhipu", '[endpoint]\nbase_url = "https://open.bigmodel.cn/api/paas/v3/"\n', 404),
    "compat-zhipu-clamp-above-the-documented-range": ("compat", "zhipu", CLAMP_TO_OPENAI_RANGE, 400),
    # zhipuai appends its paths to ZHIPUAI_BASE_URL, which the test takes from the rule's [native] base_url.
    "native-zhipu-wrong-base-path": (
        "native", "zhipu", '[native]\nbase_url = "https://open.bigmodel.cn/api/paas/v3"\n', 404),
    # dashscope returns errors instead of raising: the status check the migration adds must turn the 404 into a failure.
    "native-qwen-wrong-base-path": (
        "native", "qwen", '[native]\nbase_url = "https://dashscope.aliyuncs.com/api/v2"\n', 404),
    # zhipuai itself caps temperature at 0.99, so the native clamp is checked on Ark, which does not.
    "native-doubao-clamp-above-the-documented-range": ("native", "doubao", CLAMP_TO_OPENAI_RANGE, 400),
}


@pytest.mark.parametrize("case", sorted(WRONG_RULES))
def test_a_wrong_rule_makes_the_run_fail(case: str, fake_providers: FakeProviders, tmp_path: Path) -> None:
    strategy, provider, override, status = WRONG_RULES[case]
    rule_file = tmp_path / "override.toml"
    rule_file.write_text(f'id = "{provider}"\n{override}', encoding="utf-8")
    folder = copy_apps(tmp_path / "apps", ["chat"])
    migrate(folder, provider, [rule_file], strategy)
    tag = f"wrong-{case}"
    env = strategy_env(resolve_rules(provider, [rule_file]), fake_providers, tag, strategy)
    result = run_app(folder / "chat.py", env)
    assert result.returncode != 0, result.explain()
    assert [r.status for r in fake_providers.requests(provider, tag)] == [status]
