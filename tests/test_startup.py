"""Start-up: `banjia --help` and an audit with nothing to parse import only what they use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_RUN_AND_LIST_MODULES = """
import runpy, sys
sys.argv = ["banjia", *sys.argv[2:]]
try:
    runpy.run_module("banjia", run_name="__main__")
except SystemExit:
    pass
with open(OUT, "w") as handle:
    handle.write("\\n".join(sorted(sys.modules)))
"""


def modules_imported(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.txt"
    code = _RUN_AND_LIST_MODULES.replace("OUT", repr(str(listing)))
    subprocess.run([sys.executable, "-c", code, "--", *args], cwd=tmp_path, check=True,
                   capture_output=True, env={"PYTHONPATH": str(REPO), "BANJIA_CACHE_DIR": str(tmp_path / "cache")})
    return set(listing.read_text().split())


def test_help_imports_no_parser_no_rules_and_no_rich(tmp_path):
    modules = modules_imported(tmp_path, "--help")
    assert "banjia.cli" in modules
    assert not {"libcst", "banjia.rules.loader", "rich.console", "banjia.api"} & modules


def test_an_audit_with_nothing_to_parse_never_imports_libcst(tmp_path):
    (tmp_path / "app.py").write_text("# talks to openai through our own gateway\nimport json\n")
    modules = modules_imported(tmp_path, "audit", ".", "--no-progress")
    assert "banjia.api" in modules and "banjia.token_prefilter" in modules
    assert not {"libcst", "banjia.codemods.analyzer"} & modules


def test_an_audit_does_not_import_the_writer(tmp_path):
    (tmp_path / "app.py").write_text("import json\n")
    modules = modules_imported(tmp_path, "audit", ".", "--no-progress")
    assert "banjia.api" in modules
    assert "banjia.writer" not in modules


def test_a_piped_audit_of_a_few_files_imports_no_terminal_ui_no_validation_and_no_process_pool(tmp_path):
    (tmp_path / "app.py").write_text("import openai\nclient = openai.OpenAI()\n")
    modules = modules_imported(tmp_path, "audit", ".", "--no-progress", "-f", "json")
    assert "banjia.codemods.analyzer" in modules  # the file was analysed
    assert not {"rich", "pydantic", "concurrent.futures.process"} & modules
