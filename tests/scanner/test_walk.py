from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from scanner.walk import EntryKind, FileSet, WalkEntry, file_texts, holds_text, walk


def rels(root: Path) -> set[str]:
    return {str(e.rel) for e in walk(root).entries if e.kind is EntryKind.FILE}


def make(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")


def test_honours_nested_gitignore_and_negation(tmp_path: Path) -> None:
    make(tmp_path, "keep.txt", "a.log", "keep.log", "sub/b.log", "sub/c.txt", "sub/deep/d.txt")
    (tmp_path / ".gitignore").write_text("*.log\n!keep.log\n")
    (tmp_path / "sub" / ".gitignore").write_text("deep/\nc.txt\n")
    assert rels(tmp_path) == {".gitignore", "keep.txt", "keep.log", "sub/.gitignore"}


def test_default_excludes(tmp_path: Path) -> None:
    make(
        tmp_path,
        "requirements.txt",
        ".git/config",
        "node_modules/x/package.json",
        "pkg/__pycache__/m.pyc",
        "build/lib/x.py",
        "dist/x.whl",
    )
    assert rels(tmp_path) == {"requirements.txt"}


def test_virtualenv_is_an_environment_not_source(tmp_path: Path) -> None:
    make(tmp_path, ".venv/pyvenv.cfg", ".venv/lib/python3.11/site-packages/x/requirements.txt")
    (tmp_path / ".gitignore").write_text(".venv/\n")
    entries = walk(tmp_path).entries
    envs = [e for e in entries if e.kind is EntryKind.ENVIRONMENT]
    assert [str(e.rel) for e in envs] == [".venv"]
    assert not any("site-packages" in str(e.rel) for e in entries)


def test_symlink_loop_and_escape_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    make(root, "a/requirements.txt")
    make(tmp_path, "outside/secret.txt")
    (root / "a" / "loop").symlink_to(root / "a")
    (root / "escape").symlink_to(tmp_path / "outside")
    (root / "secret-link.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (root / "inside-link.txt").symlink_to(root / "a" / "requirements.txt")
    assert rels(root) == {"a/requirements.txt", "inside-link.txt"}


def test_unreadable_directory_is_a_problem_even_as_root(tmp_path: Path, monkeypatch) -> None:
    make(tmp_path, "locked/requirements.txt", "ok.txt")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = walk(tmp_path)
    assert [p.location.file for p in result.problems] == [PurePosixPath("locked")]
    assert "Permission denied" in result.problems[0].message
    assert {str(e.rel) for e in result.entries} == {"ok.txt"}


def test_order_is_deterministic(tmp_path: Path) -> None:
    make(tmp_path, "b/z.txt", "b/a.txt", "a.txt", "c/x.txt")
    assert [str(e.rel) for e in walk(tmp_path).entries] == [
        "a.txt",
        "b/a.txt",
        "b/z.txt",
        "c/x.txt",
    ]


def test_file_cap_stops_with_a_problem(tmp_path: Path) -> None:
    make(tmp_path, "a.txt", "b.txt", "c.txt")
    result = walk(tmp_path, max_files=2)
    assert len(result.entries) == 2
    assert "more than 2 files" in result.problems[0].message


def test_oversized_gitignore_is_a_problem_and_not_applied(tmp_path: Path, monkeypatch) -> None:
    import scanner.walk

    make(tmp_path, "a.log", "b.txt")
    (tmp_path / ".gitignore").write_text("*.log\n" + "# padding\n" * 20)
    monkeypatch.setattr(scanner.walk, "MAX_GITIGNORE_BYTES", 64)
    result = walk(tmp_path)
    assert rels(tmp_path) == {".gitignore", "a.log", "b.txt"}
    assert [str(p.location.file) for p in result.problems] == [".gitignore"]
    assert "its rules are not applied" in result.problems[0].message


def test_file_set_behaves_as_the_frozenset_of_walked_paths(tmp_path: Path) -> None:
    for rel in ("a.txt", "pkg/b.py", "pkg/sub/c.json"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    entries = walk(tmp_path).entries
    files = FileSet(entries)
    plain = frozenset(e.rel for e in entries if e.kind is EntryKind.FILE)
    assert len(files) == len(plain) == 3
    assert set(files) == plain
    assert sorted(files) == sorted(plain)
    assert PurePosixPath("pkg/b.py") in files
    assert PurePosixPath("pkg/./b.py") in files
    assert PurePosixPath("venv") not in files
    assert "pkg/b.py" not in files  # type: ignore[comparison-overlap]  # paths only, like the frozenset
    extra = {PurePosixPath("new.py")}
    assert files | extra == plain | extra
    assert files - extra == plain
    assert files.texts == {"a.txt", "pkg/b.py", "pkg/sub/c.json"}


def test_entries_carry_size_mtime_and_lazy_paths(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("numpy\n")
    os.utime(tmp_path / "requirements.txt", ns=(10**18, 10**18))
    (entry,) = walk(tmp_path).entries
    assert (entry.rel_text, entry.name, entry.size, entry.mtime_ns) == (
        "requirements.txt",
        "requirements.txt",
        6,
        10**18,
    )
    assert entry.rel == PurePosixPath("requirements.txt")
    assert entry.path == tmp_path / "requirements.txt"
    assert entry == WalkEntry(rel=PurePosixPath("requirements.txt"), path=entry.path, size=6)


def test_file_texts_of_a_file_set_and_of_a_plain_set(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "b.py").write_text("x")
    files = FileSet(walk(tmp_path).entries)
    assert set(file_texts(files)) == {"pkg/b.py"} == set(file_texts(frozenset(files)))
    assert holds_text(files, "pkg/b.py")
    assert holds_text(frozenset(files), "pkg/b.py")
    assert not holds_text(files, "pkg")
