"""`[tool.banjia]` in a project's pyproject.toml: defaults a team shares instead of retyping flags.

```toml
[tool.banjia]
to = "qwen"                          # the provider `banjia migrate` moves to
rules = ["banjia-rules.toml"]        # override files, relative to this pyproject.toml
models = { "gpt-4o" = "qwen3-max" }  # model-map overrides (exact keys)
include = ["src/**"]
exclude = ["tests/"]
```

The file used is the nearest pyproject.toml *with a [tool.banjia] section*, looking
from the starting path upwards and stopping at the repository root (the folder
holding `.git`), as ruff and black do: a sub-package's own pyproject.toml without the
section does not hide the repository's settings, and settings outside the repository
never leak in. As with rule files, unknown keys are errors, so a typo cannot
silently drop a setting.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SECTION = "tool.banjia"
_KEYS = ("to", "rules", "models", "include", "exclude")


class ConfigError(ValueError):
    """A bad [tool.banjia] section; `errors` holds one `FILE: KEY: reason` line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class ProjectConfig:
    to: str | None = None
    rules: tuple[Path, ...] = ()  # resolved against the pyproject.toml's folder
    models: dict[str, str] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source: Path | None = None  # the pyproject.toml the settings came from


def load_project_config(start: Path) -> ProjectConfig:
    """The settings that apply to `start` (a file or folder); defaults when no file has the section."""
    for pyproject in _candidates(start):
        section = _banjia_section(pyproject)
        if section is not None:
            return _parse(section, pyproject)
    return ProjectConfig()


def _candidates(start: Path) -> Iterator[Path]:
    """pyproject.toml files from `start` upwards, up to the folder holding `.git` or the root."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            yield pyproject
        if (candidate / ".git").exists():
            return


def _banjia_section(pyproject: Path) -> Any:
    """The [tool.banjia] table, or None. A file that is not valid TOML is an error only
    when it mentions the section: a broken pyproject.toml in a repository being audited
    is one of the files the run reports on, not a reason to stop the run."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{pyproject}: cannot read: {error}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        if "banjia" not in text:
            return None
        raise ConfigError([f"{pyproject}: invalid TOML: {error}"]) from None
    tool = data.get("tool")
    return tool.get("banjia") if isinstance(tool, dict) else None


def _parse(section: Any, pyproject: Path) -> ProjectConfig:
    errors: list[str] = []

    def error(key: str, reason: str) -> None:
        errors.append(f"{pyproject}: {SECTION}{'.' + key if key else ''}: {reason}")

    if not isinstance(section, dict):
        error("", "expected a table")
        raise ConfigError(errors)
    for key in section:
        if key not in _KEYS:
            guess = difflib.get_close_matches(key, _KEYS, n=1)
            error(key, f"unknown key ({f'did you mean {guess[0]!r}?' if guess else 'allowed: ' + ', '.join(_KEYS)})")

    to = section.get("to")
    if to is not None and (not isinstance(to, str) or not to):
        error("to", "expected a provider id such as 'qwen'")
        to = None
    lists = {}
    for key in ("rules", "include", "exclude"):
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            error(key, "expected an array of non-empty strings")
            value = []
        lists[key] = tuple(value)
    models = section.get("models", {})
    if not isinstance(models, dict) or not all(isinstance(v, str) and v for v in models.values()):
        error("models", 'expected a table of model names, e.g. { "gpt-4o" = "qwen-max" }')
        models = {}

    if errors:
        raise ConfigError(errors)
    return ProjectConfig(
        to=to,
        rules=tuple(pyproject.parent / rule for rule in lists["rules"]),
        models=dict(models),
        include=lists["include"],
        exclude=lists["exclude"],
        source=pyproject,
    )
