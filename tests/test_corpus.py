"""A sample of real code: audit never raises, migrate never breaks code, changes it twice or
imports what is not there.

300 files of the test environment's own site-packages, chosen by path hash so every
run takes the same ones: half from the openai SDK (code full of the names the
migration looks for), half from anywhere; migrated with the compat strategy and with
the native one (each provider with a native SDK in turn). `tools/corpus_check.py`
runs the same check over every file.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest


@pytest.mark.parametrize("strategy, providers", [
    ("compat", ["qwen", "deepseek", "zhipu"]),
    ("native", ["zhipu", "qwen", "qianfan", "doubao"]),
])
def test_a_sample_of_installed_packages_gives_no_crash_unparsable_or_unstable_output(
    corpus_check, strategy: str, providers: list[str]
) -> None:
    site_packages = Path(sysconfig.get_paths()["purelib"])
    sample = corpus_check.select_files([site_packages / "openai"], 150)
    sample += [path for path in corpus_check.select_files([site_packages], 300) if path not in sample][:150]
    if len(sample) < 300:
        pytest.skip(f"only {len(sample)} Python files in {site_packages}")
    checks = corpus_check.run(sample, providers, jobs=2, strategy=strategy)
    failures = [check for check in checks if check.outcome in corpus_check.FAILURES]
    assert not failures, corpus_check.summarise(checks)
    assert sum(check.outcome in ("unchanged", "migrated") for check in checks) > 250


def test_the_check_tells_a_broken_migration_from_broken_input(corpus_check, tmp_path: Path) -> None:
    (tmp_path / "py2.py").write_text("print 'hello'\n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "deep.py").write_text("x = " + "+".join(["1"] * 3000) + "\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("from openai import OpenAI\nclient = OpenAI()\n", encoding="utf-8")
    outcomes = {Path(c.path).name: c.outcome for c in corpus_check.run(corpus_check.select_files([tmp_path], 0), ["qwen"], 1)}
    assert outcomes == {"py2.py": "not-python-3", "latin.py": "undecodable", "deep.py": "too-deep", "app.py": "migrated"}


def test_an_import_the_migration_adds_must_resolve(corpus_check) -> None:
    before = "import openai\n"
    assert corpus_check.new_unresolved_imports(before, before + "from zhipuai import ZhipuAI\nimport os\n") == []
    assert corpus_check.new_unresolved_imports(before, before + "from zhipuai import RateLimitError\n") == [
        "from zhipuai import RateLimitError"]
    assert corpus_check.new_unresolved_imports("import not_installed\n", "import not_installed\n") == []
