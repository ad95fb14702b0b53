"""Jupyter notebooks: run the Python analyzer over each code cell.

IPython syntax (`%magic`, `!shell`, `x = !cmd`) is not Python; such lines are
replaced by `pass` at the same indentation so the cell still parses and line numbers
stay those of the cell. Cells in a non-Python cell magic (`%%bash`, `%%writefile`) are
skipped. A cell that still does not parse becomes one unprocessable finding; the other
cells are analysed anyway.
"""

from __future__ import annotations

import json
import re

from banjia.model import Finding, Kind, Span

# Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})
# `%magic`, `!shell`, `files = !ls`, `t = %timeit f()`: never valid Python.
_IPYTHON_LINE = re.compile(r"^(\s*)(?:[%!]|[\w.]+\s*=\s*[%!])")


class NotebookError(ValueError):
    """The file is not a notebook we can read (bad JSON, no cells)."""


def load_notebook(text: str) -> dict:
    """The notebook's JSON object, with a `cells` list; NotebookError otherwise."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not valid notebook JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError("not a Jupyter notebook (no 'cells' list)")
    return notebook


def code_cells(text: str) -> list[tuple[int, str]]:
    """(cell index, Python source with IPython lines neutralised) for every code cell."""
    cells = []
    for index, cell in enumerate(load_notebook(text)["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if not isinstance(source, str):
            continue
        python = python_of_cell(source)
        if python is not None:
            cells.append((index, python))
    return cells


def python_of_cell(source: str) -> str | None:
    """The cell as plain Python, or None when a cell magic makes it another language."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
            return None
        lines[0] = "pass"
    neutral = []
    for line in lines:
        match = _IPYTHON_LINE.match(line)
        neutral.append(f"{match.group(1)}pass" if match else line)
    return "\n".join(neutral)


def scan_notebook(text: str, path: str) -> list[Finding]:
    """Findings of every code cell, with spans that name the cell.

    A notebook runs its cells in one namespace, so the cells are analysed as one module
    (a client made in one cell is resolved in the next); each finding is then mapped
    back to its cell and line. Cells that do not parse are left out of that module and
    reported one by one.
    """
    from banjia.codemods.analyzer import analyze_python

    findings: list[Finding] = []
    combined: list[str] = []
    origin: list[tuple[int, int]] = []  # combined line (0-based) -> (cell, line in cell)
    for index, source in code_cells(text):
        problem = _syntax_problem(source)
        if problem is not None:
            line, column, reason = problem
            findings.append(
                Finding(Kind.UNPROCESSABLE, path, Span(line, column, line, column, cell=index),
                        f"cell {index} does not parse: {reason}", data={"reason": reason})
            )
            continue
        lines = source.split("\n")
        combined.extend(lines)
        origin.extend((index, number) for number in range(1, len(lines) + 1))
    for finding in analyze_python("\n".join(combined) + "\n", path):
        s = finding.span
        cell, line = origin[s.line - 1]
        end_cell, end_line = origin[min(s.end_line, len(origin)) - 1]
        end = end_line if end_cell == cell else line
        findings.append(
            Finding(finding.kind, finding.path, Span(line, s.column, end, s.end_column, cell=cell),
                    finding.message, finding.snippet, finding.confidence, finding.data)
        )
    return sorted(findings, key=Finding.sort_key)


def _syntax_problem(source: str) -> tuple[int, int, str] | None:
    """(line, column, reason) when a cell is not Python, or nested too deeply for libcst;
    `ast` is far cheaper than libcst here."""
    from banjia.nesting import TooDeeplyNested, parse_within_depth

    try:
        parse_within_depth(source)
    except TooDeeplyNested as error:
        return 1, 1, str(error)
    except SyntaxError as error:
        return error.lineno or 1, error.offset or 1, error.msg
    except ValueError as error:  # null bytes
        return 1, 1, str(error) or type(error).__name__
    return None
