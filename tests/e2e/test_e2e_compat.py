"""Every provider x the compat strategy: migrated programs run for real against the loopback server.

For each provider, the programs in apps/ are copied, migrated with the CLI
(`banjia migrate DIR --to ID --unsafe --write`) and run in subprocesses whose
environment holds only PATH, the provider's key variable and its base-URL variable.
Each must print what it printed against the OpenAI-shaped route, and its requests must
reach the provider's path with its auth header, the mapped model and parameters inside
the provider's documented ranges. APIs a provider does not serve must be flagged, not run.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from banjia.rules.loader import builtin_ids, resolve_rules
from banjia.rules.model import RuleSet

from .harness import (
    APPS_DIR,
    REPO_ROOT,
    AppRun,
    app_names,
    blocked_files,
    copy_apps,
    migrate,
    openai_env,
    provider_env,
    run_app,
    run_apps,
)
from .providers import PROVIDERS
from .server import FakeProviders, Recorded

pytestmark = pytest.mark.e2e

PROVIDER_IDS = builtin_ids()
APPS = app_names()
# providers.md §4, §5, §8: no OpenAI-shaped embeddings API.
UNSUPPORTED = {("deepseek", "embeddings"), ("moonshot", "embeddings"), ("minimax", "embeddings")}
# A v0 program cannot run on the v1 SDK unmigrated; legacy_chat.py is chat.py in openai<1.0 style.
BASELINE_OF = {"legacy_chat": "chat"}
RUNNABLE = [(p, a) for p in PROVIDER_IDS for a in APPS if (p, a) not in UNSUPPORTED]


@dataclass(frozen=True)
class ProviderRun:
    rules: RuleSet
    report: dict[str, Any]
    folder: Path
    blocked: set[str]  # programs the migration flagged as blocked: not run
    runs: dict[str, AppRun]


def _tag(provider: str, app: str) -> str:
    return f"{provider}-{app}"


@pytest.fixture(scope="session")
def baseline(fake_providers: FakeProviders) -> dict[str, AppRun]:
    """The unmigrated programs' output against the OpenAI-shaped route."""
    jobs = {app: (APPS_DIR / f"{app}.py", openai_env(fake_providers, _tag("openai", app)))
            for app in APPS if app not in BASELINE_OF}
    runs = run_apps(jobs)
    for run in runs.values():
        assert run.returncode == 0, run.explain()
    return runs


@pytest.fixture(scope="session")
def migrated(fake_providers: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ProviderRun]:
    """provider -> its migration and runs, made on first use and shared by the tests that check them."""
    done: dict[str, ProviderRun] = {}

    def get(provider: str) -> ProviderRun:
        if provider not in done:
            folder = copy_apps(tmp_path_factory.mktemp(provider) / "apps")
            report = migrate(folder, provider)
            rules = resolve_rules(provider)
            blocked = blocked_files(report)
            jobs = {app: (folder / f"{app}.py", provider_env(rules, fake_providers, _tag(provider, app)))
                    for app in APPS if app not in blocked}
            done[provider] = ProviderRun(rules, report, folder, blocked, run_apps(jobs))
        return done[provider]

    return get


def _sent_model(request: Recorded) -> str:
    """The model a request asked for: the body's, or the deployment in an Azure path."""
    if request.path.startswith("/openai/deployments/"):
        return request.path.split("/")[3]
    return request.body["model"]


def _api(request: Recorded) -> str:
    return request.path.rsplit("/", 1)[-1]


def _credential(request: Recorded, rules: RuleSet) -> str | None:
    if rules.endpoint.client == "AzureOpenAI":
        return request.headers.get("api-key")
    return request.headers.get("authorization", "").removeprefix("Bearer ")


@pytest.mark.parametrize(("provider", "app"), RUNNABLE, ids=[_tag(*c) for c in RUNNABLE])
def test_migrated_program_prints_what_it_printed_on_openai(
    provider: str, app: str, migrated: Callable[[str], ProviderRun], baseline: dict[str, AppRun]
) -> None:
    run = migrated(provider)
    assert app not in run.blocked, f"{app} was flagged as blocked for {provider}"
    result = run.runs[app]
    assert result.returncode == 0, result.explain()
    assert result.stdout == baseline[BASELINE_OF.get(app, app)].stdout


@pytest.mark.parametrize(("provider", "app"), RUNNABLE, ids=[_tag(*c) for c in RUNNABLE])
def test_requests_reach_the_provider_as_documented(
    provider: str, app: str, migrated: Callable[[str], ProviderRun], baseline: dict[str, AppRun],
    fake_providers: FakeProviders,
) -> None:
    rules = migrated(provider).rules
    sent = fake_providers.requests(provider, _tag(provider, app))
    original = fake_providers.requests("openai", _tag("openai", BASELINE_OF.get(app, app)))
    assert sent, f"{app} sent nothing to {provider}"
    assert [(r.status, _api(r)) for r in sent] == [(200, _api(r)) for r in sent], [(r.path, r.status) for r in sent]
    assert sorted(_api(r) for r in sent) == sorted(_api(r) for r in original)
    assert {_credential(r, rules) for r in sent} == {PROVIDERS[provider].key}
    expected_models = sorted(rules.map_model(_sent_model(r)).target for r in original)
    assert sorted(_sent_model(r) for r in sent) == expected_models
    for request in sent:
        assert PROVIDERS[provider].limits.violations(request.body) == []
        if app == "stream":
            assert request.body.get("stream") is True


@pytest.mark.parametrize("provider", PROVIDER_IDS)
def test_tool_results_go_back_with_the_call_id(
    provider: str, migrated: Callable[[str], ProviderRun], fake_providers: FakeProviders
) -> None:
    migrated(provider)
    first, second = fake_providers.requests(provider, _tag(provider, "tools"))
    assert first.body["tools"][0]["function"]["name"] == "get_weather"
    assistant, tool = second.body["messages"][-2:]
    assert tool["role"] == "tool" and tool["content"] == "sunny in Hangzhou, 21 degrees"
    assert tool["tool_call_id"] in [call["id"] for call in assistant["tool_calls"]]


@pytest.mark.parametrize(("provider", "app"), sorted(UNSUPPORTED), ids=[_tag(*c) for c in sorted(UNSUPPORTED)])
def test_an_api_the_provider_does_not_serve_is_flagged_not_run(
    provider: str, app: str, migrated: Callable[[str], ProviderRun], fake_providers: FakeProviders
) -> None:
    run = migrated(provider)
    assert run.blocked == {a for p, a in UNSUPPORTED if p == provider}
    (entry,) = [f for f in run.report["files"] if Path(f["path"]).stem == app]
    assert {n["rule"] for n in entry["notes"] if n["severity"] == "blocked"} == {f"{provider}:unsupported:embeddings"}
    assert "# TODO(banjia)" in (run.folder / f"{app}.py").read_text(encoding="utf-8")
    assert fake_providers.requests(provider, _tag(provider, app)) == []


WRONG_RULES = {
    # The compatible route lives under /api/paas/v4: a rule pointing at v3 must not pass.
    "wrong-base-path": ("zhipu", '[endpoint]\nbase_url = "https://open.bigmodel.cn/api/paas/v3/"\n', 404),
    # GLM documents temperature in [0, 1]: a clamp to OpenAI's [0, 2] lets chat.py's 1.3 through.
    "clamp-above-the-documented-range": (
        "zhipu",
        '[[parameters]]\napi = "chat.completions"\nname = "temperature"\naction = "clamp"\n'
        'min = 0.0\nmax = 2.0\nsafety = "safe"\nnote = "OpenAI\'s range"\n',
        400,
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG_RULES))
def test_a_wrong_rule_makes_the_run_fail(case: str, fake_providers: FakeProviders, tmp_path: Path) -> None:
    provider, override, status = WRONG_RULES[case]
    rule_file = tmp_path / "override.toml"
    rule_file.write_text(f'id = "{provider}"\n{override}', encoding="utf-8")
    folder = copy_apps(tmp_path / "apps", ["chat"])
    migrate(folder, provider, [rule_file])
    tag = f"wrong-{case}"
    result = run_app(folder / "chat.py", provider_env(resolve_rules(provider, [rule_file]), fake_providers, tag))
    assert result.returncode != 0, result.explain()
    assert [r.status for r in fake_providers.requests(provider, tag)] == [status]


def test_write_migrates_a_folder_outside_the_current_directory(tmp_path: Path) -> None:
    folder = copy_apps(tmp_path / "apps", ["chat"])
    done = subprocess.run([sys.executable, "-m", "banjia", "migrate", str(folder), "--to", "zhipu", "--write",
                           "--no-progress"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ZHIPUAI_API_KEY" in (folder / "chat.py").read_text(encoding="utf-8")
