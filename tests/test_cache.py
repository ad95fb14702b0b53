"""The result cache: an unchanged file is answered from it, anything else is computed afresh,
and no cache state (stale, corrupt, foreign, concurrent, unwritable) changes a run's answer."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import banjia.api as api
from banjia import __version__
import banjia.cache as cache_module
from banjia.api import AuditOptions, audit, migrate
from banjia.cache import ResultCache
from banjia.cli import app
from banjia.rules.loader import load_builtin

REPO = Path(__file__).resolve().parent.parent
CORPUS = [REPO / "tests" / "fixtures", REPO / "examples"]

CLIENT_CODE = 'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'


@pytest.fixture
def analyses(monkeypatch) -> list[str]:
    """The files the analyzer really looks at (runs are in-process with jobs=1)."""
    seen: list[str] = []
    analyze = api._analyze_bytes

    def counting(data, shown, *judging):
        seen.append(shown)
        return analyze(data, shown, *judging)

    monkeypatch.setattr(api, "_analyze_bytes", counting)
    return seen


def options(cache_dir: Path | None, **changes) -> AuditOptions:
    return AuditOptions(jobs=1, cache_dir=cache_dir, **changes)


def as_data(result) -> list:
    """Everything a report shows, `data` included (Finding equality leaves it out)."""
    return [(file, [finding.to_dict() for finding in file.findings]) for file in result.files]


def test_warm_audit_of_every_fixture_equals_the_uncached_one(tmp_path):
    uncached = audit(CORPUS, options(None))
    cold = audit(CORPUS, AuditOptions(jobs=2, cache_dir=tmp_path))  # through the process pool
    warm = audit(CORPUS, options(tmp_path))
    assert cold == uncached and warm == uncached
    assert as_data(warm) == as_data(uncached)
    assert warm.files_parsed == uncached.files_parsed > 0


@pytest.mark.parametrize("strategy", ["compat", "native"])
def test_warm_migration_of_every_fixture_equals_the_uncached_one(tmp_path, strategy):
    rules = load_builtin("zhipu")
    uncached = migrate(CORPUS, rules, options(None), strategy=strategy)
    migrate(CORPUS, rules, options(tmp_path), strategy=strategy)
    warm = migrate(CORPUS, rules, options(tmp_path), strategy=strategy)
    assert warm == uncached
    assert warm.changed_files


def test_a_warm_run_parses_nothing_and_a_changed_file_is_parsed_again(tmp_path, analyses):
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text(CLIENT_CODE)
    (project / "b.py").write_text("import openai\n")
    cache_dir = tmp_path / "cache"
    first = audit([project], options(cache_dir))
    assert sorted(Path(p).name for p in analyses) == ["a.py", "b.py"]

    analyses.clear()
    assert audit([project], options(cache_dir)) == first
    assert analyses == []

    (project / "b.py").write_text("import openai\nopenai.api_key = 'x'\n")
    changed = audit([project], options(cache_dir))
    assert [Path(p).name for p in analyses] == ["b.py"]
    assert [f.kind.value for f in changed.findings if f.path.endswith("b.py")] == ["import", "config"]


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files the run opens, in the main process or its in-process workers (jobs=1)."""
    opened: list[str] = []
    read = api._read

    def counting(path):
        opened.append(Path(path).name)
        return read(path)

    monkeypatch.setattr(api, "_read", counting)
    return opened


@pytest.fixture
def settled(monkeypatch) -> None:
    """Files written by the test count as left alone long enough for their stamps to be recorded."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", -60_000_000_000)


def test_a_file_with_its_recorded_stamp_is_answered_unread(tmp_path, reads, settled, analyses):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    cache_dir = tmp_path / ".cache"
    first = audit([tmp_path / "a.py"], options(cache_dir))
    assert reads == ["a.py"]  # a file the cache knows nothing of is read once, by its worker
    reads.clear()
    analyses.clear()
    assert audit([tmp_path / "a.py"], options(cache_dir)) == first
    assert reads == [] and analyses == []


def test_a_changed_stamp_is_looked_up_by_digest_and_new_bytes_are_analysed(tmp_path, reads, settled, analyses):
    source = tmp_path / "a.py"
    source.write_text(CLIENT_CODE)
    cache_dir = tmp_path / ".cache"
    first = audit([source], options(cache_dir))
    source.touch()  # same bytes, new stamp: read and hashed, not analysed
    reads.clear()
    analyses.clear()
    assert audit([source], options(cache_dir)) == first
    assert reads == ["a.py"] and analyses == []

    before = source.stat()
    source.write_text(CLIENT_CODE.replace("gpt-4o", "o3-pro"))  # same size, and the old times put back
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size and source.stat().st_ctime_ns != before.st_ctime_ns
    changed = audit([source], options(cache_dir))
    assert [f.data["model"] for f in changed.findings if f.kind.value == "model"] == ["o3-pro"]
    assert analyses == ["a.py"]


def test_a_file_changed_just_before_the_run_gets_no_stamp(tmp_path, reads, analyses):
    (tmp_path / "a.py").write_text(CLIENT_CODE)  # now: within the file system's timestamp resolution
    cache_dir = tmp_path / ".cache"
    audit([tmp_path / "a.py"], options(cache_dir))
    [file] = cache_files(cache_dir)
    [(_, _, stamp)] = json.loads(file.read_text())["entries"].values()
    assert stamp is None
    reads.clear()
    analyses.clear()
    audit([tmp_path / "a.py"], options(cache_dir))
    assert reads == ["a.py"] and analyses == []  # still answered, by digest


def test_a_warm_migration_reads_a_stamped_file_only_to_show_its_text(tmp_path, reads, settled):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    (tmp_path / "plain.py").write_text("print('hello')\n")
    cache_dir = tmp_path / ".cache"
    rules = load_builtin("qwen")
    first = migrate([tmp_path], rules, options(cache_dir))
    reads.clear()
    assert migrate([tmp_path], rules, options(cache_dir)) == first
    assert reads == ["a.py"]  # plain.py never passed the prefilter: nothing of it is shown


def test_a_new_banjia_version_or_other_rules_or_options_use_other_entries(tmp_path, analyses, monkeypatch):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    cache_dir = tmp_path / ".cache"
    qwen = load_builtin("qwen")
    edited_qwen = dataclasses.replace(qwen, default_chat_model="qwen-turbo", path="elsewhere.toml")
    audit([tmp_path / "a.py"], options(cache_dir))
    for run in (
        lambda: audit([tmp_path / "a.py"], options(cache_dir), rules=qwen),
        lambda: audit([tmp_path / "a.py"], options(cache_dir), rules=edited_qwen),
        lambda: audit([tmp_path / "a.py"], options(cache_dir), rules=load_builtin("deepseek")),
        lambda: audit([tmp_path / "a.py"], options(cache_dir), rules=load_builtin("deepseek"), unsafe=True),
    ):
        analyses.clear()
        run()
        assert len(analyses) == 1
        analyses.clear()
        run()
        assert analyses == []

    monkeypatch.setattr(cache_module, "__version__", "999.0")
    audit([tmp_path / "a.py"], options(cache_dir))
    assert len(analyses) == 1
    assert {p.name for p in cache_dir.iterdir()} == {".gitignore", "CACHEDIR.TAG", "999.0", __version__}


def test_the_same_bytes_at_another_path_are_analysed_for_that_path(tmp_path, analyses):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    (tmp_path / "b.py").write_text(CLIENT_CODE)
    cache_dir = tmp_path / ".cache"
    audit([tmp_path / "a.py"], options(cache_dir))
    result = audit([tmp_path / "b.py"], options(cache_dir))
    assert {f.path for f in result.findings} == {"b.py"}
    assert len(analyses) == 2


def cache_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*/*.json"))


@pytest.mark.parametrize("garbage", ["", "{not json", "[]", '{"format": 2, "entries": []}', '{"format": 1}'])
def test_a_corrupt_cache_file_counts_as_empty_and_is_rebuilt(tmp_path, analyses, garbage):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    cache_dir = tmp_path / ".cache"
    expected = audit([tmp_path / "a.py"], options(cache_dir))
    [file] = cache_files(cache_dir)
    file.write_text(garbage)
    analyses.clear()
    assert audit([tmp_path / "a.py"], options(cache_dir)) == expected
    assert len(analyses) == 1
    assert json.loads(file.read_text())["format"] == cache_module.CACHE_FORMAT
    analyses.clear()
    audit([tmp_path / "a.py"], options(cache_dir))
    assert analyses == []


@pytest.mark.parametrize(
    "entry",
    [
        "not a list",
        ["digest only"],
        [None, {}, None],
        ["DIGEST", {}],
        ["DIGEST", {"parsed": "yes"}, None],
        ["DIGEST", {"error": 1}, None],
        ["DIGEST", {"findings": "none"}, None],
        ["DIGEST", {"parsed": True, "error": None, "findings": [["no-such-kind", [1, 1, 1, 2, None], "", "", "certain", {}]]}, None],
        ["DIGEST", {"parsed": True, "error": None, "findings": [["model", [1, 1], "", "", "certain", {}]]}, None],
    ],
)
def test_a_corrupt_entry_is_a_miss_and_is_replaced(tmp_path, analyses, entry):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    cache_dir = tmp_path / ".cache"
    expected = audit([tmp_path / "a.py"], options(cache_dir))
    [file] = cache_files(cache_dir)
    stored = json.loads(file.read_text())
    [(key, (digest, _, _))] = stored["entries"].items()
    stored["entries"][key] = [digest if item == "DIGEST" else item for item in entry] if isinstance(entry, list) else entry
    file.write_text(json.dumps(stored))
    analyses.clear()
    assert audit([tmp_path / "a.py"], options(cache_dir)) == expected
    assert len(analyses) == 1
    analyses.clear()
    audit([tmp_path / "a.py"], options(cache_dir))
    assert analyses == []


def test_an_unwritable_cache_changes_nothing(tmp_path, analyses):
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    expected = audit([tmp_path / "a.py"], options(None))
    assert audit([tmp_path / "a.py"], options(blocker / "cache")) == expected
    assert blocker.read_text() == ""


def test_runs_saving_at_once_keep_the_file_whole_and_each_others_entries(tmp_path):
    first, second = ResultCache(tmp_path, "audit"), ResultCache(tmp_path, "audit")
    first.put("a.py", "1", {"x": 1})
    second.put("b.py", "2", {"x": 2})
    first.save()
    second.save()
    reread = ResultCache(tmp_path, "audit")
    assert reread.get("a.py", "1") == {"x": 1} and reread.get("b.py", "2") == {"x": 2}
    assert reread.get("a.py", "2") is None


def _save_many(directory: str, worker: int) -> None:
    for round_ in range(20):
        cache = ResultCache(Path(directory), "audit")
        cache.put(f"w{worker}-{round_}.py", "d", {"worker": worker})
        cache.save()


def test_concurrent_processes_never_leave_a_broken_cache(tmp_path):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_save_many, args=(str(tmp_path), n)) for n in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    [file] = cache_files(tmp_path)
    entries = json.loads(file.read_text())["entries"]
    assert {value["worker"] for _, value, _ in entries.values()} <= {0, 1, 2, 3}
    assert {"w0-19.py", "w1-19.py", "w2-19.py", "w3-19.py"} & set(entries)
    assert not [p for p in file.parent.iterdir() if p.suffix == ".tmp"]


def test_the_cli_caches_in_the_working_directory_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BANJIA_CACHE_DIR", raising=False)
    (tmp_path / "a.py").write_text(CLIENT_CODE)
    runner = CliRunner()

    assert runner.invoke(app, ["audit", "a.py", "--no-cache", "-f", "json"]).exit_code == 0
    assert not (tmp_path / ".banjia_cache").exists()

    cold = runner.invoke(app, ["audit", "a.py", "-f", "json"])
    warm = runner.invoke(app, ["audit", "a.py", "-f", "json"])
    assert cold.exit_code == warm.exit_code == 0 and cold.stdout == warm.stdout
    tag = (tmp_path / ".banjia_cache" / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / ".banjia_cache" / ".gitignore").read_text().splitlines()[-1] == "*"

    assert runner.invoke(app, ["migrate", "a.py", "--to", "qwen", "--cache-dir", "elsewhere"]).exit_code == 0
    assert cache_files(tmp_path / "elsewhere")
    monkeypatch.setenv("BANJIA_CACHE_DIR", str(tmp_path / "from-env"))
    assert runner.invoke(app, ["audit", "a.py"]).exit_code == 0
    assert cache_files(tmp_path / "from-env")
