"""Whether a file with only some of its hunks applied is still a file worth writing.

The hunks of one file can depend on each other: the migration adds `import os` in one
hunk and reads `os.environ` in another, or raises a pin in a list whose comma sits in
a neighbouring line. Applied alone, the second hunk gives code that fails at run time,
or text that no longer parses. The interactive review asks this module before it
writes a partial selection.

A selection is judged against the whole migration: a check the fully migrated text
fails too (a config file that was never valid JSON) says nothing about the selection,
so it does not count against it.
"""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Callable

from banjia.model import FileMigration
from banjia.scanners.notebook import NotebookError, code_cells


def selection_problem(file: FileMigration, text: str) -> str | None:
    """Why `text` (the file's `before` with some of its hunks applied) must not be written, or None."""
    if file.path.endswith((".py", ".pyi")):
        if _python_problem(file.after) is not None:
            return None
        return _python_problem(text) or _unbound_names([file.after], [text])
    if file.path.endswith(".ipynb"):
        return _notebook_problem(file.after, text)
    check = _structure_check(file.path)
    if check is None or check(file.after) is not None:
        return None
    return check(text)


def _structure_check(path: str) -> Callable[[str], str | None] | None:
    """The parse check for a config file's format; None for line-based files, where any selection holds."""
    if path.endswith(".json"):
        return _json_problem
    if path.endswith(".toml") or path.endswith("Pipfile"):
        return _toml_problem
    return None


def _python_problem(text: str) -> str | None:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError) as error:
        return f"the code does not parse ({getattr(error, 'msg', None) or error}, line {getattr(error, 'lineno', '?')})"
    return None


def _notebook_problem(migrated: str, text: str) -> str | None:
    """The notebook must load, and every code cell that parses once migrated must parse in the selection.

    A cell that did not parse before the migration is left out of it, and so of this check.
    """
    try:
        migrated_cells = dict(code_cells(migrated))
    except NotebookError:
        return None
    try:
        chosen_cells = dict(code_cells(text))
    except NotebookError as error:
        return f"the notebook is {error}"
    sound = [index for index, python in migrated_cells.items() if _python_problem(python) is None]
    for index in sound:
        if index not in chosen_cells:
            return f"cell {index} is no longer a code cell"
        problem = _python_problem(chosen_cells[index])
        if problem is not None:
            return f"cell {index}: {problem}"
    return _unbound_names([migrated_cells[index] for index in sound], [chosen_cells[index] for index in sound])


def _json_problem(text: str) -> str | None:
    try:
        json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        return f"the file is not valid JSON ({error.msg} at line {error.lineno})"
    return None


def _toml_problem(text: str) -> str | None:
    try:
        tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        return f"the file is not valid TOML ({error})"
    return None


def _unbound_names(migrated: list[str], modules: list[str]) -> str | None:
    """Names the selection uses but no longer binds, while the whole migration binds them.

    A notebook's cells share one namespace, so their bindings count together. Only
    names the migrated text binds are asked about: a name the original code took from
    elsewhere (a star import, the notebook kernel) is none of the selection's doing.
    """
    trees = [ast.parse(module) for module in modules]
    bound = set().union(*(_bound_names(tree) for tree in trees))
    used = set().union(*(_used_names(tree) for tree in trees))
    defined = set().union(*(_bound_names(ast.parse(module)) for module in migrated))
    missing = sorted((used & defined) - bound)
    if not missing:
        return None
    names = ", ".join(f"`{name}`" for name in missing)
    return f"{names} would be used but never defined (a hunk left out defines {'them' if len(missing) > 1 else 'it'})"


def _bound_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def _used_names(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
