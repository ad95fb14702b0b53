"""Suite-wide settings."""

from __future__ import annotations

import os
from typing import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def result_cache_outside_the_tree(tmp_path_factory) -> Iterator[None]:
    """Commands run by the tests keep their result cache in a temporary folder, not in the
    working directory, so no test sees another's `.banjia_cache` among the files it checks."""
    previous = os.environ.get("BANJIA_CACHE_DIR")
    os.environ["BANJIA_CACHE_DIR"] = str(tmp_path_factory.mktemp("banjia-cache"))
    yield
    if previous is None:
        del os.environ["BANJIA_CACHE_DIR"]
    else:
        os.environ["BANJIA_CACHE_DIR"] = previous
