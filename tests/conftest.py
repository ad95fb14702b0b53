"""Suite-wide settings."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
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


CORPUS_CHECK = Path(__file__).resolve().parents[1] / "tools" / "corpus_check.py"


@pytest.fixture(scope="session")
def corpus_check() -> ModuleType:
    """tools/corpus_check.py as a module, registered so its dataclasses and pool workers find it by name."""
    if "corpus_check" not in sys.modules:
        spec = importlib.util.spec_from_file_location("corpus_check", CORPUS_CHECK)
        sys.modules["corpus_check"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["corpus_check"])
    return sys.modules["corpus_check"]
