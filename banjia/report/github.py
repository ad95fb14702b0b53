"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per alert.

Printed in a workflow step, each line becomes an annotation on the file and line
in the pull request's diff and in the run summary. Values are escaped as the
Actions runner reads them: `%`, CR and LF everywhere, and `:` and `,` inside the
properties too.
"""

from __future__ import annotations

from banjia.report.annotations import Annotation

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def render_github(annotations: list[Annotation]) -> str:
    return "".join(_command(annotation) + "\n" for annotation in annotations)


def _command(annotation: Annotation) -> str:
    properties = [("file", annotation.path)]
    if annotation.lines is not None:
        properties += [("line", str(annotation.lines[0])), ("endLine", str(annotation.lines[1]))]
    if annotation.columns is not None:  # GitHub takes columns on one-line annotations only
        properties += [("col", str(annotation.columns[0])), ("endColumn", str(annotation.columns[1]))]
    properties.append(("title", f"{annotation.rule}: {annotation.title}"))
    rendered = ",".join(f"{name}={_escape_property(value)}" for name, value in properties)
    return f"::{_COMMANDS[annotation.level]} {rendered}::{_escape_data(annotation.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
