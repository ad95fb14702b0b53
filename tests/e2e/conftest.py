"""The loopback provider server, shared by every end-to-end test of the session."""

from __future__ import annotations

from typing import Iterator

import pytest

from .server import FakeProviders


@pytest.fixture(scope="session")
def fake_providers() -> Iterator[FakeProviders]:
    with FakeProviders() as server:
        yield server
