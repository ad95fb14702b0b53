"""`migrate --write --interactive`: hunk by hunk, answered from a script and from a real terminal."""

from __future__ import annotations

import io
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from banjia.api import AuditOptions, migrate
from banjia.cli import app
from banjia.interactive import review_and_write
from banjia.model import FileMigration, MigrationResult
from banjia.rules.loader import resolve_rules
from banjia.selection_check import selection_problem

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "tests" / "fixtures" / "qwen" / "files" / "app.ipynb"

APP = '''from openai import OpenAI

client = OpenAI()


def ask(question):
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": question}],
        logit_bias={"1": 2},
    )
'''
# The four hunks of APP for qwen, in order.
IMPORT = "import os\n"
CLIENT = ('client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url=os.environ.get('
          '"DASHSCOPE_BASE_URL", "https://dashscope.aliyuncs.com/compatible-mode/v1"))\n')
TODO = "    # TODO(banjia): logit_bias: logit_bias is not documented for DashScope; the server may ignore it\n"
MODEL = '        model="qwen-max",\n'


def app_with(*, imported: bool = False, client: bool = False, todo: bool = False, model: bool = False) -> str:
    """APP with the chosen hunks applied, spelled out rather than computed."""
    text = APP
    if imported:
        text = text.replace("from openai import OpenAI\n", "from openai import OpenAI\n" + IMPORT)
    if client:
        text = text.replace("client = OpenAI()\n", CLIENT)
    if todo:
        text = text.replace("    return client", TODO + "    return client")
    if model:
        text = text.replace('        model="gpt-4o",\n', MODEL)
    return text


def migration(root: Path, *names: str) -> MigrationResult:
    return migrate([root / name for name in names], resolve_rules("qwen", [], {}), AuditOptions(jobs=1))


def review(root: Path, answers: str, *names: str) -> tuple[list[str] | None, str]:
    """Review the files under `root` with the scripted answers; (paths written, transcript)."""
    transcript = io.StringIO()
    written = review_and_write(migration(root, *names), io.StringIO(answers),
                               Console(file=transcript, width=200, color_system=None), root)
    return written, transcript.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- scripted answers
@pytest.mark.parametrize(
    "answers, expected",
    [
        ("y\ny\ny\ny\n", app_with(imported=True, client=True, todo=True, model=True)),
        ("a\n", app_with(imported=True, client=True, todo=True, model=True)),
        ("y\ny\nn\nn\n", app_with(imported=True, client=True)),
        ("n\nn\nn\ny\n", app_with(model=True)),
        ("n\nn\na\n", app_with(todo=True, model=True)),
        ("y\nn\nd\n", app_with(imported=True)),
    ],
)
def test_the_chosen_hunks_are_written_exactly(project: Path, answers: str, expected: str) -> None:
    written, transcript = review(project, answers, "app.py")
    assert written == ["app.py"]
    assert (project / "app.py").read_bytes() == expected.encode("utf-8")
    assert transcript.count("Apply this hunk [y,n,a,d,q,?]?") == answers.count("\n")


def test_skipping_every_hunk_leaves_the_file_alone(project: Path) -> None:
    written, transcript = review(project, "d\n", "app.py")
    assert written == []
    assert (project / "app.py").read_text(encoding="utf-8") == APP
    assert "wrote 0 files for qwen; applied 0 hunks, skipped 4; left 1 file unchanged" in transcript


def test_each_hunk_is_shown_with_its_context_changes_and_notes(project: Path) -> None:
    _, transcript = review(project, "d\n", "app.py")
    assert "app.py  (4 hunks)\n@@ -1,2 +1,3 @@\n from openai import OpenAI\n+import os\n \n(1/4) Apply" in transcript
    _, transcript = review(project, "n\nn\nn\nd\n", "app.py")
    model_hunk = transcript[transcript.index("(3/4)"):transcript.index("(4/4)")]
    assert '-        model="gpt-4o",\n+        model="qwen-max",\n' in model_hunk
    assert "change (line 8): model 'gpt-4o' -> 'qwen-max'" in model_hunk
    assert "manual (line 7): logit_bias: logit_bias is not documented for DashScope" in model_hunk
    client_hunk = transcript[transcript.index("(1/4)"):transcript.index("(2/4)")]
    assert "change (line 3): OpenAI client pointed at Alibaba DashScope" in client_hunk


def test_help_and_unknown_answers_ask_again(project: Path) -> None:
    written, transcript = review(project, "?\nyes\n\na\n", "app.py")
    assert written == ["app.py"]
    assert transcript.count("(1/4) Apply this hunk") == 4
    assert transcript.count("a - apply this hunk and all later hunks in the file") == 3


def test_a_selection_using_a_name_only_a_skipped_hunk_defines_is_refused(project: Path) -> None:
    written, transcript = review(project, "n\ny\nn\nn\ns\n", "app.py")
    assert "the hunks chosen cannot be applied alone: `os` would be used but never defined" in transcript
    assert "Apply the whole file, skip it, or review it again [a,s,r,q,?]?" in transcript
    assert written == [] and (project / "app.py").read_text(encoding="utf-8") == APP


@pytest.mark.parametrize(
    "answers, expected",
    [
        ("n\ny\nn\nn\na\n", app_with(imported=True, client=True, todo=True, model=True)),
        ("n\ny\nn\nn\nr\ny\ny\nn\nn\n", app_with(imported=True, client=True)),
        ("n\ny\nn\nn\nx\n?\nr\nd\n", APP),
    ],
)
def test_a_refused_selection_becomes_the_whole_file_or_is_reviewed_again(
    project: Path, answers: str, expected: str
) -> None:
    _, transcript = review(project, answers, "app.py")
    assert (project / "app.py").read_bytes() == expected.encode("utf-8")
    assert transcript.count("cannot be applied alone") == 1
    assert transcript.count("r - review the file's hunks again") == answers.count("x") + answers.count("?")


def test_a_selection_that_does_not_parse_is_never_written(tmp_path: Path) -> None:
    before, after = "value = [\n    1,\n    2,\n]\n", "value = {\n    1,\n    2,\n}\n"
    (tmp_path / "sets.py").write_text(before, encoding="utf-8")
    result = MigrationResult("qwen", "compat", (FileMigration("sets.py", before, after),))
    transcript = io.StringIO()
    written = review_and_write(result, io.StringIO("y\nn\nq\n"), Console(file=transcript, width=200), tmp_path)
    assert "the code does not parse" in transcript.getvalue()
    assert written == [] and (tmp_path / "sets.py").read_text(encoding="utf-8") == before


def test_quit_writes_the_files_decided_before_it(project: Path) -> None:
    (project / "later.py").write_text(APP, encoding="utf-8")
    written, transcript = review(project, "a\ny\nq\n", "app.py", "later.py")
    assert written == ["app.py"]
    assert (project / "app.py").read_bytes() == app_with(imported=True, client=True, todo=True, model=True).encode()
    assert (project / "later.py").read_text(encoding="utf-8") == APP
    assert "wrote 1 file for qwen; applied 4 hunks, skipped 0; quit before 1 file" in transcript


@pytest.mark.parametrize("answers", ["", "y\ny\n"])
def test_the_end_of_the_input_quits_without_writing_the_undecided_file(project: Path, answers: str) -> None:
    written, transcript = review(project, answers, "app.py")
    assert written == [] and (project / "app.py").read_text(encoding="utf-8") == APP
    assert "quit before 1 file" in transcript


def test_a_file_edited_during_the_review_is_not_overwritten(project: Path) -> None:
    class EditingAnswers(io.StringIO):
        def readline(self, *args) -> str:
            (project / "app.py").write_text(APP + "# edited\n", encoding="utf-8")
            return super().readline(*args)

    from banjia.writer import WriteError

    with pytest.raises(WriteError, match="has changed on disk"):
        review_and_write(migration(project, "app.py"), EditingAnswers("a\n"), Console(file=io.StringIO()), project)
    assert (project / "app.py").read_text(encoding="utf-8") == APP + "# edited\n"


# ---------------------------------------------------------------- notebooks and other files
def test_a_notebook_is_reviewed_and_a_cell_using_a_skipped_import_is_refused(tmp_path: Path) -> None:
    shutil.copy(NOTEBOOK, tmp_path / "app.ipynb")
    fixed = (NOTEBOOK.parent / "app.ipynb.fixed").read_bytes()
    _, transcript = review(tmp_path, "n\ny\nd\ns\n", "app.ipynb")
    assert "`os` would be used but never defined" in transcript
    assert (tmp_path / "app.ipynb").read_bytes() == NOTEBOOK.read_bytes()
    review(tmp_path, "a\n", "app.ipynb")
    assert (tmp_path / "app.ipynb").read_bytes() == fixed


def test_a_notebook_keeps_its_json_under_a_partial_selection(tmp_path: Path) -> None:
    shutil.copy(NOTEBOOK, tmp_path / "app.ipynb")
    review(tmp_path, "n\nn\ny\nn\n", "app.ipynb")  # the model only
    expected = NOTEBOOK.read_text(encoding="utf-8").replace('"    model=\\"gpt-4o\\",\\n"', '"    model=\\"qwen-max\\",\\n"')
    assert (tmp_path / "app.ipynb").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize(
    "path, after, partial, problem",
    [
        ("app.ipynb", '{"cells": []}\n', '{"cells": [\n', "the notebook is not valid notebook JSON"),
        ("config.json", '{"model": "qwen-max"}\n', '{"model": "qwen-max",\n', "the file is not valid JSON"),
        ("pyproject.toml", 'x = ["a",\n "b"]\n', 'x = ["a"\n "b"]\n', "the file is not valid TOML"),
        ("requirements.txt", "openai>=1\n", "anything goes", None),  # lines stand alone
        ("config.json", "{broken\n", "{broken,\n", None),  # never valid: not the selection's fault
    ],
)
def test_structured_files_must_still_parse(path: str, after: str, partial: str, problem: str | None) -> None:
    found = selection_problem(FileMigration(path, "", after), partial)
    assert (found is None) if problem is None else found.startswith(problem)


def test_names_the_original_code_never_bound_are_not_blamed_on_the_selection() -> None:
    file = FileMigration("a.py", "print(x)\n", "import os\nprint(x, os.sep)\n")
    assert selection_problem(file, "print(x, os.sep)\n") == "`os` would be used but never defined (a hunk left out defines it)"
    assert selection_problem(file, "import os\nprint(x)\n") is None


# ---------------------------------------------------------------- the command line
@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--interactive"], "--interactive chooses what --write writes: pass --write as well"),
        (["--write", "--interactive", "--check"], "cannot be combined with --check"),
        (["--write", "-i", "--format", "json"], "cannot be combined with --check, --patch, --patch-dir or --format"),
        (["--write", "--interactive"], "--interactive asks its questions on a terminal, and stdin is not one"),
    ],
)
def test_usage_errors(project: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], message: str) -> None:
    monkeypatch.chdir(project)
    outcome = CliRunner().invoke(app, ["migrate", "app.py", "--to", "qwen", *arguments], input="y\n")
    assert outcome.exit_code == 2
    assert message in outcome.output
    assert (project / "app.py").read_text(encoding="utf-8") == APP


needs_a_terminal = pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")


class Terminal:
    """`python -m banjia` on a pseudo-terminal: its stdin, stdout and stderr are the terminal."""

    def __init__(self, cwd: Path, *arguments: str) -> None:
        controller, terminal = os.openpty()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "TERM": "xterm"}
        self.process = subprocess.Popen([sys.executable, "-m", "banjia", *arguments], cwd=cwd, env=env,
                                        stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True)
        os.close(terminal)
        self.controller = controller
        self.output = ""

    def answer(self, reply: bytes, *, after_prompts: int) -> None:
        """Type `reply` once the program has asked `after_prompts` questions."""
        self._read_until(lambda: self.text.count("]? ") >= after_prompts)
        os.write(self.controller, reply)

    def finish(self) -> int:
        self._read_until(lambda: False)
        os.close(self.controller)
        return self.process.wait(timeout=30)

    @property
    def text(self) -> str:
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.output).replace("\r\n", "\n")

    def _read_until(self, done) -> None:
        deadline = time.monotonic() + 60
        while not done():
            assert time.monotonic() < deadline, self.text
            if not select.select([self.controller], [], [], 1)[0]:
                continue
            try:
                data = os.read(self.controller, 4096)
            except OSError:  # the program closed the terminal: it has ended
                return
            if not data:
                return
            self.output += data.decode("utf-8", "replace")


def on_terminal(project: Path, *arguments: str) -> Terminal:
    return Terminal(project, "migrate", *arguments, "--to", "qwen", "--write", "--interactive", "--no-progress")


@needs_a_terminal
def test_a_terminal_review_answers_help_yes_no_and_all(project: Path) -> None:
    terminal = on_terminal(project, "app.py")
    for prompts, reply in enumerate([b"?\n", b"y\n", b"n\n", b"a\n"], 1):
        terminal.answer(reply, after_prompts=prompts)
    assert terminal.finish() == 0, terminal.text
    assert (project / "app.py").read_bytes() == app_with(imported=True, todo=True, model=True).encode()
    assert "? - print help" in terminal.text
    assert "\x1b[" in terminal.output  # coloured: rich sees a terminal
    assert "wrote 1 file for qwen; applied 3 hunks, skipped 1" in terminal.text


@needs_a_terminal
def test_a_terminal_review_skips_one_file_and_quits_before_the_next(project: Path) -> None:
    (project / "later.py").write_text(APP, encoding="utf-8")
    (project / "other.py").write_text(APP, encoding="utf-8")
    terminal = on_terminal(project, ".")
    terminal.answer(b"y\n", after_prompts=1)  # app.py: the import only
    terminal.answer(b"d\n", after_prompts=2)
    terminal.answer(b"d\n", after_prompts=3)  # later.py: nothing
    terminal.answer(b"q\n", after_prompts=4)  # other.py: undecided
    assert terminal.finish() == 0, terminal.text
    assert (project / "app.py").read_bytes() == app_with(imported=True).encode()
    assert (project / "later.py").read_text(encoding="utf-8") == APP
    assert (project / "other.py").read_text(encoding="utf-8") == APP
    assert "wrote 1 file for qwen; applied 1 hunk, skipped 7; left 1 file unchanged; quit before 1 file" in terminal.text


@needs_a_terminal
def test_ctrl_d_on_a_terminal_quits_cleanly(project: Path) -> None:
    terminal = on_terminal(project, "app.py")
    terminal.answer(b"\x04", after_prompts=1)
    assert terminal.finish() == 0, terminal.text
    assert (project / "app.py").read_text(encoding="utf-8") == APP
    assert "Traceback" not in terminal.text and "quit before 1 file" in terminal.text


@needs_a_terminal
def test_a_failed_write_exits_3_on_a_terminal(project: Path) -> None:
    terminal = on_terminal(project, "app.py")
    terminal.answer(b"", after_prompts=1)
    (project / "app.py").write_text(APP + "# edited meanwhile\n", encoding="utf-8")
    terminal.answer(b"a\n", after_prompts=1)
    assert terminal.finish() == 3, terminal.text
    assert "app.py: has changed on disk since it was read; nothing was written" in terminal.text
    assert (project / "app.py").read_text(encoding="utf-8") == APP + "# edited meanwhile\n"
