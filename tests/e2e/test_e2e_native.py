"""Every provider with an SDK x the native strategy: migrated programs run on the provider's own SDK.

For each provider whose rule file has a `[native]` section, the programs in apps/ are
copied, migrated with `banjia migrate DIR --to ID --strategy native --unsafe --write`
and run in subprocesses whose environment holds only PATH and the SDK's key and
base-URL variables (`rules.native`), the base URL keeping the path of the SDK's real
one. Each must print what it printed against OpenAI, through the SDK (not the openai
package), and its requests must reach the provider's native path with its auth header,
the mapped model and parameters inside the documented ranges.

A module the migration keeps on the OpenAI-compatible endpoint (qianfan embeddings: the
SDK has no v2 embeddings client; zhipu asyncio streaming: no asyncio client) gets the
compatible variables instead, must still run, and its requests must come from the openai
SDK; the report must say why.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import pytest

from banjia.rules.loader import builtin_ids, resolve_rules

from .harness import (
    BASELINE_OF,
    STREAMING_APPS,
    AppRun,
    ProviderRun,
    app_names,
    migrate_and_run,
    notes_of,
    run_tag,
)
from .server import FakeProviders, Recorded
from .wire import assert_sent_as_documented, assert_tool_round_trip, sent_by_openai_sdk

pytestmark = pytest.mark.e2e

NATIVE_IDS = [p for p in builtin_ids() if resolve_rules(p).native is not None]
APPS = app_names()

# The programs the native migration leaves on the compatible endpoint, and what its note must say.
KEPT_COMPATIBLE = {
    ("qianfan", "embeddings"): "the qianfan SDK has no v2 embeddings client",
    ("zhipu", "async_stream"): "its stream is a plain iterator that `async for` cannot drive",
}
# What the report leaves for a person (severity manual or blocked): (program, rule), per provider.
LEFT_FOR_PEOPLE = {
    "zhipu": {("async_stream", "zhipu:native:compatible-endpoint")},
    "qianfan": {("embeddings", "qianfan:native:compatible-endpoint")},
}
# The route each SDK posts to, below the server's provider mount (providers.md §1.2, §2.2, §3.2, §6.2).
NATIVE_PATHS = {
    "zhipu": {"chat": "/api/paas/v4/chat/completions", "embeddings": "/api/paas/v4/embeddings"},
    "qwen": {"chat": "/api/v1/services/aigc/text-generation/generation",
             "embeddings": "/api/v1/services/embeddings/text-embedding/text-embedding"},
    "qianfan": {"chat": "/v2/chat/completions"},
    "doubao": {"chat": "/api/v3/chat/completions", "embeddings": "/api/v3/embeddings"},
}


def _cases(apps: list[str]) -> list[object]:
    """(provider, app) for every native provider."""
    return [pytest.param(provider, app, id=run_tag(provider, app, "native")) for provider in NATIVE_IDS for app in apps]


@pytest.fixture(scope="session")
def migrated_native(fake_providers: FakeProviders,
                    tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ProviderRun]:
    """provider -> its native migration and runs, made on first use and shared by the tests that check them."""
    done: dict[str, ProviderRun] = {}

    def get(provider: str) -> ProviderRun:
        if provider not in done:
            done[provider] = migrate_and_run(fake_providers, tmp_path_factory.mktemp(f"{provider}-native"), provider,
                                             "native")
        return done[provider]

    return get


def _sent(server: FakeProviders, provider: str, app: str) -> list[Recorded]:
    return server.requests(provider, run_tag(provider, app, "native"))


def _imported_packages(script: Path) -> set[str]:
    """The top-level packages a program imports."""
    found = set()
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.partition(".")[0])
    return found


def test_every_provider_with_a_native_section_is_covered() -> None:
    assert sorted(NATIVE_IDS) == sorted(NATIVE_PATHS)


@pytest.mark.parametrize(("provider", "app"), _cases(APPS))
def test_migrated_program_prints_what_it_printed_on_openai(
    provider: str, app: str, migrated_native: Callable[[str], ProviderRun], baseline: dict[str, AppRun]
) -> None:
    result = migrated_native(provider).runs[app]
    assert result.returncode == 0, result.explain()
    assert result.stdout == baseline[BASELINE_OF.get(app, app)].stdout, result.explain()


@pytest.mark.parametrize(("provider", "app"), _cases(APPS))
def test_requests_reach_the_provider_through_its_sdk(
    provider: str, app: str, migrated_native: Callable[[str], ProviderRun], baseline: dict[str, AppRun],
    fake_providers: FakeProviders,
) -> None:
    run = migrated_native(provider)
    sent = _sent(fake_providers, provider, app)
    original = fake_providers.requests("openai", run_tag("openai", BASELINE_OF.get(app, app)))
    assert_sent_as_documented(sent, original, run.rules, streaming=app in STREAMING_APPS)
    if app in run.kept_compatible:
        compatible_base = urlsplit(run.rules.endpoint.base_url).path.rstrip("/")
        assert all(sent_by_openai_sdk(r) and r.path.startswith(compatible_base + "/") for r in sent)
    else:
        assert run.rules.native.client.partition(".")[0] in _imported_packages(run.folder / f"{app}.py")
        assert not any(sent_by_openai_sdk(r) for r in sent), [r.headers.get("user-agent") for r in sent]
        assert {r.path for r in sent} <= set(NATIVE_PATHS[provider].values())


@pytest.mark.parametrize(("provider", "app"), _cases(["tools"]))
def test_tool_results_go_back_with_the_call_id(
    provider: str, app: str, migrated_native: Callable[[str], ProviderRun], fake_providers: FakeProviders
) -> None:
    migrated_native(provider)
    assert_tool_round_trip(_sent(fake_providers, provider, app))


@pytest.mark.parametrize("provider", NATIVE_IDS)
def test_what_is_left_for_people_is_reported(provider: str, migrated_native: Callable[[str], ProviderRun]) -> None:
    """Exactly the expected manual and blocked notes, each with a TODO in the program at its line."""
    run = migrated_native(provider)
    left = {(app, note["rule"]): note for app in APPS for note in notes_of(run.report, app)
            if note["severity"] in ("manual", "blocked")}
    assert set(left) == LEFT_FOR_PEOPLE.get(provider, set())
    assert run.blocked == set()
    for (app, _rule), note in left.items():
        lines = (run.folder / f"{app}.py").read_text(encoding="utf-8").splitlines()
        todo = f"# TODO(banjia): {note['message']}"
        assert any(line.strip() == todo for line in lines), f"{app}.py has no `{todo}`"


@pytest.mark.parametrize("provider", NATIVE_IDS)
def test_a_module_kept_on_the_compatible_endpoint_says_why(
    provider: str, migrated_native: Callable[[str], ProviderRun]
) -> None:
    run = migrated_native(provider)
    expected = {app: why for (p, app), why in KEPT_COMPATIBLE.items() if p == provider}
    assert run.kept_compatible == set(expected)
    for app, why in expected.items():
        (note,) = [n for n in notes_of(run.report, app) if n["rule"] == f"{provider}:native:compatible-endpoint"]
        assert why in note["message"]
        imported = _imported_packages(run.folder / f"{app}.py")
        assert "openai" in imported and run.rules.native.client.partition(".")[0] not in imported
