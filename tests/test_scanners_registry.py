"""Which scanners apply to which file names, and that no scanner raises on any text."""

from __future__ import annotations

import random

import pytest

from banjia.scanners import (
    is_scannable,
    scan_config,
    scan_env_file,
    scan_pipfile,
    scan_pyproject,
    scan_requirements,
    scan_setup_cfg,
    scan_setup_py,
    scanners_for,
)

ALL_SCANNERS = (
    scan_config, scan_env_file, scan_pipfile, scan_pyproject, scan_requirements, scan_setup_cfg, scan_setup_py,
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pyproject.toml", (scan_pyproject, scan_config)),
        ("libs/core/pyproject.toml", (scan_pyproject, scan_config)),
        ("setup.cfg", (scan_setup_cfg, scan_config)),
        ("setup.py", (scan_setup_py,)),
        ("Pipfile", (scan_pipfile,)),
        ("requirements.txt", (scan_requirements,)),
        ("requirements-dev.txt", (scan_requirements,)),
        ("dev-requirements.txt", (scan_requirements,)),
        ("Requirements_Test.txt", (scan_requirements,)),
        ("constraints.txt", (scan_requirements,)),
        ("requirements/base.txt", (scan_requirements,)),
        ("requirements.in", (scan_requirements,)),
        ("requirements/dev.in", (scan_requirements,)),
        (".env", (scan_env_file,)),
        (".env.example", (scan_env_file,)),
        ("deploy/.env.local", (scan_env_file,)),
        ("prod.env", (scan_env_file,)),
        (".envrc", (scan_env_file,)),
        ("config.yaml", (scan_config,)),
        ("docker-compose.yml", (scan_config,)),
        ("settings.json", (scan_config,)),
        ("app.toml", (scan_config,)),
        ("tox.ini", (scan_config,)),
        ("setup.other.cfg", (scan_config,)),
        (".env.json", (scan_config,)),
    ],
)
def test_scanners_by_file_name(path: str, expected: tuple) -> None:
    assert scanners_for(path) == expected
    assert is_scannable(path)


@pytest.mark.parametrize(
    "path",
    [
        "foo.py",
        "pkg/setup_helpers.py",
        ".env.py",
        "x.ipynb",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "yarn.lock",
        "package-lock.json",
        "web/pnpm-lock.yaml",
        "notes.txt",
        "docs/index.md",
        "MANIFEST.in",
        "config.h.in",
        "environment",
        "Makefile",
    ],
)
def test_files_without_scanner(path: str) -> None:
    assert scanners_for(path) == ()
    assert not is_scannable(path)


_PIECES = [
    "openai", "tiktoken", ">=1.0", "[", "]", "[[", "]]", "{", "}", "=", "==", '"', "'", '"""', "'''", "\\", "\\u00",
    "#", ";", ":", ",", "@", "-e ", "--hash=x", " ", "\t", "\n", "\r\n", "\r", "\ufeff", "gpt-4o", "OPENAI_API_KEY",
    "${", "export ", "install_requires", "[options]", "[project]", "dependencies", "(", ")", "搬家", "\x00",
]


@pytest.mark.parametrize("seed", range(300))
def test_no_scanner_raises_on_garbage(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 80)))
    for scanner in ALL_SCANNERS:
        for finding in scanner(text, "x.toml"):
            assert finding.span.line >= 1 and finding.span.column >= 1
            assert (finding.span.end_line, finding.span.end_column) > (finding.span.line, finding.span.column)
