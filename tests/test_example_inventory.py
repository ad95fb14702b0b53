"""The bundled example against its hand-made inventory (examples/support-desk/EXPECTED.md).

Every row of the "must report" tables must be matched by a finding of that kind at that
place (recall), and no look-alike row may be reported as an SDK call, client or config
(precision). Section 10's rows are the look-alikes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from banjia.api import audit
from banjia.model import Confidence, Kind

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-desk"
SECTION = re.compile(r"^## (\d+)\. ", re.MULTILINE)
ROW = re.compile(r"^\| `([^`]+)` \| (?:cell (\d+), )?(?:line )?(\d+)(?::(\d+))? \|(.*)$")
KINDS = {
    1: {Kind.CALL},
    2: {Kind.CLIENT},
    3: {Kind.CONFIG},
    4: {Kind.ERROR_REF},
    5: {Kind.IMPORT, Kind.TYPE_IMPORT},
    6: {Kind.WRAPPER},
    7: {Kind.ENV_VAR},
    8: {Kind.DEPENDENCY},
    9: {Kind.MODEL},
}
SDK_KINDS = {Kind.CALL, Kind.CLIENT, Kind.CONFIG}


def inventory() -> dict[int, list[tuple[str, int | None, int, int | None, str]]]:
    text = (EXAMPLE / "EXPECTED.md").read_text(encoding="utf-8")
    parts = SECTION.split(text)
    sections: dict[int, list] = {}
    for number, body in zip(parts[1::2], parts[2::2]):
        rows = []
        for line in body.splitlines():
            match = ROW.match(line)
            if match:
                path, cell, row, column, rest = match.groups()
                rows.append((path, int(cell) if cell else None, int(row), int(column) if column else None, rest))
        sections[int(number)] = rows
    return sections


@pytest.fixture(scope="module")
def findings():
    previous = Path.cwd()
    import os

    os.chdir(EXAMPLE)
    try:
        result = audit([Path(".")])
    finally:
        os.chdir(previous)
    assert not result.errors
    return result.findings


def matches(finding, path, cell, line, column) -> bool:
    return (
        finding.path == path
        and finding.span.cell == cell
        and finding.span.line == line
        and (column is None or finding.span.column == column)
    )


@pytest.mark.parametrize("section", sorted(KINDS))
def test_every_inventoried_dependency_is_found(findings, section: int) -> None:
    rows = inventory()[section]
    assert rows, f"section {section} of EXPECTED.md has no rows"
    missing = [
        row[:4] for row in rows
        if not any(f.kind in KINDS[section] and matches(f, *row[:4]) for f in findings)
    ]
    assert not missing


def test_call_confidence_is_what_a_careful_reader_assigns(findings) -> None:
    for path, cell, line, column, rest in inventory()[1]:
        call = next(f for f in findings if f.kind is Kind.CALL and matches(f, path, cell, line, column))
        expected = Confidence.LIKELY if rest.strip().endswith("likely |") else Confidence.CERTAIN
        assert call.confidence is expected, (path, line)


def test_no_lookalike_is_reported_as_the_sdk(findings) -> None:
    rows = inventory()[10]
    assert rows
    wrong = [
        (f.path, f.span.line, f.kind.value)
        for path, cell, line, column, _ in rows
        for f in findings
        if f.kind in SDK_KINDS and matches(f, path, cell, line, column)
    ]
    assert not wrong


def test_no_sdk_finding_beyond_the_inventory(findings) -> None:
    """Precision: every call, client and config finding is one the inventory lists."""
    listed = {(row[0], row[1], row[2]) for section in (1, 2, 3) for row in inventory()[section]}
    extra = [
        (f.path, f.span.cell, f.span.line, f.kind.value)
        for f in findings
        if f.kind in SDK_KINDS and (f.path, f.span.cell, f.span.line) not in listed
    ]
    assert not extra
