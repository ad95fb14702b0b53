"""The loopback provider server and the unmigrated programs' runs, shared by every end-to-end test of the session."""

from __future__ import annotations

from typing import Iterator

import pytest

from .harness import APPS_DIR, BASELINE_OF, AppRun, app_names, openai_env, run_apps, run_tag
from .server import FakeProviders


@pytest.fixture(scope="session")
def fake_providers() -> Iterator[FakeProviders]:
    with FakeProviders() as server:
        yield server


@pytest.fixture(scope="session")
def baseline(fake_providers: FakeProviders) -> dict[str, AppRun]:
    """The unmigrated programs' output against the OpenAI-shaped route (tagged `openai-<app>`)."""
    jobs = {app: (APPS_DIR / f"{app}.py", openai_env(fake_providers, run_tag("openai", app)))
            for app in app_names() if app not in BASELINE_OF}
    runs = run_apps(jobs)
    for run in runs.values():
        assert run.returncode == 0, run.explain()
    return runs
