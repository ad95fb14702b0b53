"""How discovered files are named in reports: as the user typed them.

Below the working directory a path is relative to it; elsewhere it starts at the root
folder's name; a root that is a file is named by itself.
"""

from __future__ import annotations

from pathlib import Path

from banjia.api import AuditOptions, discover_files, display_paths


def shown(roots: list[Path], cwd: Path) -> list[str]:
    candidates, _ = discover_files(roots, AuditOptions())
    return display_paths(candidates, cwd)


def make_tree(root: Path) -> Path:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("x = 1\n")
    (root / "pkg" / "sub" / "b.py").write_text("y = 2\n")
    return root / "pkg"


def test_files_below_the_working_directory_are_relative_to_it(tmp_path):
    package = make_tree(tmp_path)
    assert shown([package], tmp_path) == ["pkg/a.py", "pkg/sub/b.py"]
    assert shown([package], package) == ["a.py", "sub/b.py"]


def test_files_outside_the_working_directory_start_at_the_root_folders_name(tmp_path):
    package = make_tree(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert shown([package], elsewhere) == ["pkg/a.py", "pkg/sub/b.py"]


def test_a_working_directory_inside_the_root_names_its_own_files_relative_to_it(tmp_path):
    package = make_tree(tmp_path)
    assert shown([package], package / "sub") == ["pkg/a.py", "b.py"]


def test_a_root_that_is_a_file_is_named_by_itself_when_outside(tmp_path):
    package = make_tree(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert shown([package / "sub" / "b.py"], elsewhere) == ["b.py"]
    assert shown([package / "sub" / "b.py"], tmp_path) == ["project/pkg/sub/b.py"]


def test_a_prefix_of_a_folder_name_is_not_a_parent(tmp_path):
    package = make_tree(tmp_path / "pkgs")
    lookalike = tmp_path / "pk"  # "/tmp/.../pk" is a string prefix of "/tmp/.../pkgs"
    lookalike.mkdir()
    assert shown([package], lookalike) == ["pkg/a.py", "pkg/sub/b.py"]


def test_several_roots_keep_their_own_names(tmp_path):
    first = make_tree(tmp_path / "one")
    second = tmp_path / "two"
    second.mkdir()
    (second / "c.py").write_text("z = 3\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert shown([first, second], elsewhere) == ["pkg/a.py", "pkg/sub/b.py", "two/c.py"]
