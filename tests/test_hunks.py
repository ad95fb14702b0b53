"""A migrated file's hunks: exact replacements of the before text, explained by its changes."""

from __future__ import annotations

import pytest

from banjia.model import Change, FileMigration, Span
from banjia.report.hunks import CONCERNS, apply_hunks, concern_of, file_hunks


def change(line: int, category: str, end_line: int | None = None, cell: int | None = None) -> Change:
    return Change("app.py", Span(line, 1, end_line or line, 5, cell), category, f"{category} at {line}")


def migrated(before: str, after: str, *changes: Change) -> FileMigration:
    return FileMigration("app.py", before, after, changes=changes)


@pytest.mark.parametrize(
    "before, after",
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\nc", "a\nb\nC"),  # no newline at the end
        ("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\nd\r\n"),  # CRLF kept, line added at the end
        ("a\nb\n", "x\ny\na\nb\n"),  # insertion at the top
        ("a\nb\nc\n", "a\n"),  # deletion at the end
        ("", "new file\n"),  # a file the migration creates
        ("a\fb\nc\u2028d\n", "a\fB\nc\u2028d\n"),  # form feed and U+2028 do not end lines
        ("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nTWO\n3\n4\n5\n6\n7\nEIGHT\n9\n"),
    ],
)
def test_applying_every_hunk_gives_the_after_text(before: str, after: str) -> None:
    file = migrated(before, after)
    hunks = file_hunks(file)
    assert hunks
    assert apply_hunks(before, hunks) == after
    for hunk in hunks:
        assert before[hunk.offset:hunk.offset + len(hunk.deleted)] == hunk.deleted


def test_separate_edits_are_separate_hunks_and_each_applies_alone() -> None:
    before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n"
    first, second = file_hunks(migrated(before, "1\nTWO\n3\n4\n5\n6\n7\nEIGHT\n9\n"))
    assert (first.old_start, first.old_end, first.deleted, first.inserted) == (1, 2, "2\n", "TWO\n")
    assert apply_hunks(before, [second]) == "1\n2\n3\n4\n5\n6\n7\nEIGHT\n9\n"


def test_unchanged_and_failed_files_have_no_hunks() -> None:
    assert file_hunks(migrated("a\n", "a\n")) == []
    assert file_hunks(FileMigration("x.py", "", "", error="does not parse")) == []


def test_hunks_are_explained_by_the_changes_on_their_lines() -> None:
    before = "c = OpenAI()\nx = 1\nm = 'gpt-4o'\n"
    after = "c = OpenAI(base_url=u)\nx = 1\nm = 'qwen-max'\n"
    client, model = change(1, "client"), change(3, "model")
    first, second = file_hunks(migrated(before, after, model, client))
    assert first.changes == (client,) and first.concern_name == "clients-and-endpoints"
    assert second.changes == (model,) and second.concern_name == "models"


def test_a_hunk_mixing_concerns_takes_the_earliest() -> None:
    before = "client.create(model='gpt-4o', temperature=3)\n"
    after = "client.create(model='qwen-max', temperature=1.99)\n"
    [hunk] = file_hunks(migrated(before, after, change(1, "parameter"), change(1, "model")))
    assert hunk.concern_name == "models"
    assert [c.category for c in hunk.changes] == ["model", "parameter"]


def test_a_change_off_every_hunk_goes_to_the_nearest_and_unexplained_hunks_take_the_files_concern() -> None:
    before = "".join(f"line{i}\n" for i in range(1, 21))
    after = before.replace("line2\n", "LINE2\n").replace("line18\n", "LINE18\n")
    far = change(15, "parameter")  # the span says line 15; the text changed at 18
    first, second = file_hunks(migrated(before, after, far))
    assert second.changes == (far,)
    assert first.changes == () and first.concern_name == "parameters"


def test_notebook_changes_explain_the_first_hunk() -> None:
    before, after = '{"a": "x",\n "b": 1,\n "c": "y"}\n', '{"a": "X",\n "b": 1,\n "c": "Y"}\n'
    cell_change = change(1, "model", cell=2)
    first, second = file_hunks(migrated(before, after, cell_change))
    assert first.changes == (cell_change,)
    assert second.changes == () and second.concern_name == "models"


def test_every_known_category_has_a_concern_and_unknown_ones_go_first() -> None:
    categories = ["client", "import", "legacy", "wrapper", "model", "parameter", "dependency", "env"]
    assert [CONCERNS[concern_of(change(1, c))] for c in categories] == [
        "clients-and-endpoints", "clients-and-endpoints", "clients-and-endpoints", "clients-and-endpoints",
        "models", "parameters", "dependencies-and-env", "dependencies-and-env",
    ]
    assert concern_of(change(1, "something-new")) == 0
