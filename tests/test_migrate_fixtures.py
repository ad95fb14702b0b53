"""Migration fixtures: tests/fixtures/<provider>/<case>.py becomes <case>.fixed.py.

A case without a .fixed.py must come out unchanged. A first line `# flags: --unsafe`
turns on unsafe fixes. Every output must parse and be stable under a second run.
Folders named <provider>-native run the native strategy; the others run compat.
Each rule file's own [[examples]] run the same way.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from banjia.codemods.compat import migrate_python
from banjia.codemods.strategies import python_rewrite
from banjia.rules.loader import builtin_ids, load_builtin

FIXTURES = Path(__file__).parent / "fixtures"
NATIVE = "-native"
NATIVE_PROVIDERS = [provider for provider in builtin_ids() if load_builtin(provider).native is not None]
CASES = sorted(
    path
    for folder in [*builtin_ids(), *(provider + NATIVE for provider in NATIVE_PROVIDERS)]
    for path in (FIXTURES / folder).glob("*.py")
    if not path.name.endswith(".fixed.py")
)
EXAMPLES = [
    pytest.param(provider, example, id=f"{provider}-{example.name}")
    for provider in builtin_ids()
    for example in load_builtin(provider).examples
]


def flags_of(source: str) -> set[str]:
    first = source.splitlines()[0] if source else ""
    return set(first.removeprefix("# flags:").split()) if first.startswith("# flags:") else set()


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_fixture(case: Path) -> None:
    source = case.read_text(encoding="utf-8")
    provider = case.parent.name.removesuffix(NATIVE)
    rewrite = python_rewrite("native" if case.parent.name.endswith(NATIVE) else "compat")
    rules = load_builtin(provider)
    unsafe = "--unsafe" in flags_of(source)
    migrated = rewrite(source, case.name, rules, unsafe=unsafe).text
    fixed = case.with_name(case.stem + ".fixed.py")
    expected = fixed.read_text(encoding="utf-8") if fixed.exists() else source
    assert migrated == expected
    cst.parse_module(migrated)
    assert rewrite(migrated, case.name, rules, unsafe=unsafe).text == migrated, "not idempotent"


@pytest.mark.parametrize("provider, example", EXAMPLES)
def test_rule_file_examples(provider: str, example) -> None:
    rules = load_builtin(provider)
    migrated = migrate_python(example.before.lstrip("\n"), "example.py", rules).text
    assert migrated == example.after.lstrip("\n")
    assert migrate_python(migrated, "example.py", rules).text == migrated


def test_every_provider_has_fixtures() -> None:
    assert {p.parent.name for p in CASES} == set(builtin_ids()) | {p + NATIVE for p in NATIVE_PROVIDERS}


@pytest.mark.parametrize("provider", NATIVE_PROVIDERS)
def test_native_fixtures_cover_every_topic(provider: str) -> None:
    cases = {p.stem for p in CASES if p.parent.name == provider + NATIVE}
    assert {"chat", "async_calls", "async_stream", "embeddings", "errors", "unsupported", "legacy"} <= cases
