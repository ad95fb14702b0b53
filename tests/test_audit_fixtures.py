"""Analyzer fixtures: each line's `# expect:` marker lists exactly the findings on that line.

A marker is a space-separated list of `kind:key` tokens (`~likely` appended for a
likely finding); a line without a marker must have no findings. The key is the fact
that identifies the finding: the API for calls, the class for clients, the module for
imports, the attribute for config, the name for errors and env vars (with `:access`),
the model id for models, and `library:usage` for wrappers. Drop a file into
tests/fixtures/audit/ to add a case.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from banjia.codemods.analyzer import analyze_python
from banjia.model import Confidence, Finding, Kind

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
MARKER = re.compile(r"#\s*expect:\s*(.*)$")


def expected_tokens(source: str) -> Counter:
    expected: Counter = Counter()
    for number, line in enumerate(source.splitlines(), 1):
        match = MARKER.search(line)
        if match:
            for token in match.group(1).split():
                expected[(number, token)] += 1
    return expected


def token_of(finding: Finding) -> str:
    data = finding.data
    key = {
        Kind.CALL: lambda: data["api"],
        Kind.CLIENT: lambda: data["cls"],
        Kind.IMPORT: lambda: data["module"],
        Kind.TYPE_IMPORT: lambda: data["module"],
        Kind.CONFIG: lambda: data["attribute"],
        Kind.ERROR_REF: lambda: data["name"],
        Kind.MODEL: lambda: data["model"],
        Kind.ENV_VAR: lambda: f"{data['name']}:{data['access']}",
        Kind.WRAPPER: lambda: f"{data['library']}:{data['usage']}",
    }[finding.kind]()
    suffix = "~likely" if finding.confidence is Confidence.LIKELY else ""
    return f"{finding.kind.value}:{key}{suffix}"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.stem)
def test_findings_match_markers(fixture: Path) -> None:
    source = fixture.read_text(encoding="utf-8")
    found = Counter((f.span.line, token_of(f)) for f in analyze_python(source, fixture.name))
    expected = expected_tokens(source)
    missing = sorted(expected - found)
    unexpected = sorted(found - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_every_fixture_has_findings_or_says_it_has_none() -> None:
    """A fixture without markers must be one whose point is that nothing is found."""
    for fixture in FIXTURES.glob("*.py"):
        source = fixture.read_text(encoding="utf-8")
        assert expected_tokens(source) or "without the SDK" in source, fixture.name
