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
from pathlib import Path
from typing import Callable

import pytest

from banjia.rules.loader import builtin_ids

from .harness import (
    BASELINE_OF,
    REPO_ROOT,
    STREAMING_APPS,
    AppRun,
    ProviderRun,
    app_names,
    copy_apps,
    migrate_and_run,
    run_tag,
)
from .server import FakeProviders
from .wire import assert_sent_as_documented, assert_tool_round_trip

pytestmark = pytest.mark.e2e

PROVIDER_IDS = builtin_ids()
APPS = app_names()
# providers.md §4, §5, §8: no OpenAI-shaped embeddings API.
UNSUPPORTED = {("deepseek", "embeddings"), ("moonshot", "embeddings"), ("minimax", "embeddings")}
RUNNABLE = [(p, a) for p in PROVIDER_IDS for a in APPS if (p, a) not in UNSUPPORTED]


@pytest.fixture(scope="session")
def migrated(fake_providers: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ProviderRun]:
    """provider -> its migration and runs, made on first use and shared by the tests that check them."""
    done: dict[str, ProviderRun] = {}

    def get(provider: str) -> ProviderRun:
        if provider not in done:
            done[provider] = migrate_and_run(fake_providers, tmp_path_factory.mktemp(provider), provider, "compat")
        return done[provider]

    return get


@pytest.mark.parametrize(("provider", "app"), RUNNABLE, ids=[run_tag(*c) for c in RUNNABLE])
def test_migrated_program_prints_what_it_printed_on_openai(
    provider: str, app: str, migrated: Callable[[str], ProviderRun], baseline: dict[str, AppRun]
) -> None:
    run = migrated(provider)
    assert app not in run.blocked, f"{app} was flagged as blocked for {provider}"
    result = run.runs[app]
    assert result.returncode == 0, result.explain()
    assert result.stdout == baseline[BASELINE_OF.get(app, app)].stdout, result.explain()


@pytest.mark.parametrize(("provider", "app"), RUNNABLE, ids=[run_tag(*c) for c in RUNNABLE])
def test_requests_reach_the_provider_as_documented(
    provider: str, app: str, migrated: Callable[[str], ProviderRun], baseline: dict[str, AppRun],
    fake_providers: FakeProviders,
) -> None:
    rules = migrated(provider).rules
    sent = fake_providers.requests(provider, run_tag(provider, app))
    original = fake_providers.requests("openai", run_tag("openai", BASELINE_OF.get(app, app)))
    assert_sent_as_documented(sent, original, rules, streaming=app in STREAMING_APPS)


@pytest.mark.parametrize("provider", PROVIDER_IDS)
def test_tool_results_go_back_with_the_call_id(
    provider: str, migrated: Callable[[str], ProviderRun], fake_providers: FakeProviders
) -> None:
    migrated(provider)
    assert_tool_round_trip(fake_providers.requests(provider, run_tag(provider, "tools")))


@pytest.mark.parametrize(("provider", "app"), sorted(UNSUPPORTED), ids=[run_tag(*c) for c in sorted(UNSUPPORTED)])
def test_an_api_the_provider_does_not_serve_is_flagged_not_run(
    provider: str, app: str, migrated: Callable[[str], ProviderRun], fake_providers: FakeProviders
) -> None:
    run = migrated(provider)
    assert run.blocked == {a for p, a in UNSUPPORTED if p == provider}
    (entry,) = [f for f in run.report["files"] if Path(f["path"]).stem == app]
    assert {n["rule"] for n in entry["notes"] if n["severity"] == "blocked"} == {f"{provider}:unsupported:embeddings"}
    assert "# TODO(banjia)" in (run.folder / f"{app}.py").read_text(encoding="utf-8")
    assert fake_providers.requests(provider, run_tag(provider, app)) == []


def test_write_migrates_a_folder_outside_the_current_directory(tmp_path: Path) -> None:
    folder = copy_apps(tmp_path / "apps", ["chat"])
    done = subprocess.run([sys.executable, "-m", "banjia", "migrate", str(folder), "--to", "zhipu", "--write",
                           "--no-progress"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ZHIPUAI_API_KEY" in (folder / "chat.py").read_text(encoding="utf-8")
