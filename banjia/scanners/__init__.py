"""Text scanners for the files around the Python code: dependencies, env and config files.

Each scanner is a pure function `(text, path) -> list[Finding]` that never raises on
malformed input. `scanners_for` picks them by file name alone, so discovery can decide
what to read before reading it. Python files and notebooks have their own analyzers
and get no scanner here; lock files are generated, so they get none either: their
pins follow from the dependency files that are scanned.
"""

from __future__ import annotations

from collections.abc import Callable

from banjia.model import Finding

from .config import CONFIG_FILE_TYPES, scan_config
from .env_file import scan_env_file
from .requirements_txt import scan_requirements
from .setup_cfg import scan_setup_cfg
from .setup_py import scan_setup_py
from .toml_dependencies import scan_pipfile, scan_pyproject

Scanner = Callable[[str, str], list[Finding]]
# The scanners of dependency files; each also takes `packages=` to look for other packages.
DEPENDENCY_SCANNERS: tuple[Scanner, ...] = (scan_pipfile, scan_pyproject, scan_requirements, scan_setup_cfg,
                                            scan_setup_py)

__all__ = [
    "DEPENDENCY_SCANNERS",
    "Scanner",
    "is_scannable",
    "scan_config",
    "scan_env_file",
    "scan_pipfile",
    "scan_pyproject",
    "scan_requirements",
    "scan_setup_cfg",
    "scan_setup_py",
    "scanners_for",
]

_BY_NAME: dict[str, tuple[Scanner, ...]] = {
    "pyproject.toml": (scan_pyproject, scan_config),
    "setup.cfg": (scan_setup_cfg, scan_config),
    "setup.py": (scan_setup_py,),
    "pipfile": (scan_pipfile,),
    ".env": (scan_env_file,),
    ".envrc": (scan_env_file,),
}
_LOCK_FILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock"})
# Templates that share pip-tools' `.in` extension.
_NOT_REQUIREMENTS_IN = frozenset({"manifest.in", "makefile.in"})


def scanners_for(path: str) -> tuple[Scanner, ...]:
    """The scanners that apply to a relative POSIX path, judged by its name only."""
    parts = path.lower().split("/")
    name = parts[-1]
    suffix = name[name.rfind(".") :] if name.rfind(".") > 0 else ""
    if name in _LOCK_FILES or name.endswith(".lock"):
        return ()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if suffix in (".py", ".ipynb"):
        return ()  # the Python analyzer's
    if _is_requirements_file(name, suffix, parts[:-1]):
        return (scan_requirements,)
    if suffix in CONFIG_FILE_TYPES:
        return (scan_config,)
    if name.startswith(".env.") or name.endswith(".env"):
        return (scan_env_file,)
    return ()


def is_scannable(path: str) -> bool:
    """Whether any text scanner applies to this path."""
    return bool(scanners_for(path))


def _is_requirements_file(name: str, suffix: str, folders: list[str]) -> bool:
    if suffix == ".txt":
        return "requirements" in name or "constraints" in name or (bool(folders) and folders[-1] == "requirements")
    if suffix == ".in":
        return name not in _NOT_REQUIREMENTS_IN and name.count(".") == 1
    return False
