"""Wording shared by the formats people read, so they say things the same way.

A reader moving from the terminal to the pull-request comment to the code-scanning
alert should see a notebook location written the same way in each.
"""

from __future__ import annotations

from banjia.model import Span, Verdict


def location_label(span: Span) -> str:
    """`line:col`, or `cell N, line:col` for notebooks.

    The model counts code cells from 0; people count them from 1, as a notebook
    reads top to bottom, so the label shows the cell number, not the index.
    """
    position = f"{span.line}:{span.column}"
    if span.cell is None:
        return position
    return f"cell {span.cell + 1}, line {position}"


def plural(count: int, noun: str) -> str:
    """`1 file`, `3 files`: counts read naturally in verdict lines."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def verdict_counts(verdicts: tuple[tuple[str, int], ...]) -> str:
    """`3 auto, 1 auto-with-notes, 2 manual, 0 blocked`: the verdict tally in every report."""
    return ", ".join(f"{count} {name}" for name, count in verdicts)


def judged_on(strategy: str | None) -> str:
    """` (native)`: the strategy call sites were judged on, after the provider in report headers."""
    return f" ({strategy})" if strategy else ""


def reasons_of(data: dict) -> list[str]:
    """A finding's verdict reasons; never fails on a hand-built or older finding."""
    reasons = data.get("verdict_reasons")
    return [str(reason) for reason in reasons] if isinstance(reasons, list) else []


def verdict_of(data: dict) -> Verdict | None:
    try:
        return Verdict(data.get("verdict"))
    except ValueError:
        return None
