"""[tool.banjia] in pyproject.toml: discovery from a path upwards, values, and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from banjia.project_config import ConfigError, ProjectConfig, load_project_config

FULL = """\
[project]
name = "app"

[tool.banjia]
to = "qwen"
rules = ["rules/ours.toml"]
models = { "gpt-4o" = "qwen3-max" }
include = ["src/**"]
exclude = ["tests/", "*.ipynb"]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root: the `.git` folder keeps the search from leaving the temporary folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_values_are_read_and_rule_paths_resolved_against_the_pyproject(repo: Path) -> None:
    pyproject = write(repo / "pyproject.toml", FULL)
    config = load_project_config(repo)
    assert config == ProjectConfig(
        to="qwen",
        rules=(repo.resolve() / "rules" / "ours.toml",),
        models={"gpt-4o": "qwen3-max"},
        include=("src/**",),
        exclude=("tests/", "*.ipynb"),
        source=pyproject.resolve(),
    )


def test_found_from_a_subfolder_or_a_file(repo: Path) -> None:
    write(repo / "pyproject.toml", FULL)
    module = write(repo / "src" / "app" / "main.py", "")
    assert load_project_config(module.parent).to == "qwen"
    assert load_project_config(module).to == "qwen"


def test_a_nested_pyproject_without_the_section_does_not_hide_the_root_one(repo: Path) -> None:
    write(repo / "pyproject.toml", FULL)
    write(repo / "packages" / "lib" / "pyproject.toml", '[project]\nname = "lib"\n')
    assert load_project_config(repo / "packages" / "lib").source == (repo / "pyproject.toml").resolve()


def test_the_nearest_section_wins(repo: Path) -> None:
    write(repo / "pyproject.toml", FULL)
    nested = write(repo / "packages" / "lib" / "pyproject.toml", '[tool.banjia]\nto = "zhipu"\nrules = ["r.toml"]\n')
    config = load_project_config(repo / "packages" / "lib")
    assert (config.to, config.source) == ("zhipu", nested.resolve())
    assert config.rules == (nested.resolve().parent / "r.toml",)


def test_the_search_stops_at_the_repository_root(tmp_path: Path, repo: Path) -> None:
    write(tmp_path / "pyproject.toml", FULL)  # outside the repository: never read
    assert load_project_config(repo) == ProjectConfig()


def test_defaults_without_a_file_or_a_section(repo: Path) -> None:
    assert load_project_config(repo) == ProjectConfig()
    write(repo / "pyproject.toml", '[project]\nname = "app"\n[tool.ruff]\nline-length = 100\n')
    config = load_project_config(repo)
    assert config == ProjectConfig() and config.source is None


def test_an_empty_section_is_used(repo: Path) -> None:
    pyproject = write(repo / "pyproject.toml", "[tool.banjia]\n")
    assert load_project_config(repo) == ProjectConfig(source=pyproject.resolve())


def test_unknown_keys_and_wrong_types_are_errors_naming_the_file_and_key(repo: Path) -> None:
    pyproject = write(
        repo / "pyproject.toml",
        '[tool.banjia]\nexlude = ["x"]\nfrobnicate = 1\nto = 3\nrules = "ours.toml"\ninclude = ["", "a"]\n'
        'models = { "gpt-4o" = 4 }\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_project_config(repo)
    where = pyproject.resolve()
    assert caught.value.errors == [
        f"{where}: tool.banjia.exlude: unknown key (did you mean 'exclude'?)",
        f"{where}: tool.banjia.frobnicate: unknown key (allowed: to, rules, models, include, exclude)",
        f"{where}: tool.banjia.to: expected a provider id such as 'qwen'",
        f"{where}: tool.banjia.rules: expected an array of non-empty strings",
        f"{where}: tool.banjia.include: expected an array of non-empty strings",
        f"{where}: tool.banjia.models: expected a table of model names, e.g. {{ \"gpt-4o\" = \"qwen-max\" }}",
    ]
    assert str(caught.value) == "\n".join(caught.value.errors)


def test_a_section_that_is_not_a_table(repo: Path) -> None:
    pyproject = write(repo / "pyproject.toml", '[tool]\nbanjia = "qwen"\n')
    with pytest.raises(ConfigError) as caught:
        load_project_config(repo)
    assert caught.value.errors == [f"{pyproject.resolve()}: tool.banjia: expected a table"]


def test_invalid_toml_without_the_section_is_not_a_setting(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\ndependencies = ["openai<1"\n')
    assert load_project_config(repo) == ProjectConfig()


def test_invalid_toml_is_an_error_naming_the_file(repo: Path) -> None:
    pyproject = write(repo / "pyproject.toml", "[tool.banjia\n")
    with pytest.raises(ConfigError, match=rf"^{pyproject.resolve()}: invalid TOML: .*line 1"):
        load_project_config(repo)
