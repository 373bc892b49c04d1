"""`ScanContext.read_bytes` reads what the plain way reads (realpath, refuse what leaves the
root, open, read) and refuses what it refuses, with the same words, on every kind of entry."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.config import Limits
from scanner.context import READ_CHUNK, ScanContext, read_at_most
from scanner.errors import LimitExceeded, SourceError

P = PurePosixPath


def plainly(root: Path, rel: PurePosixPath, cap: int) -> bytes | str:
    """The definition: realpath of root/rel, refused outside the root, else read whole."""
    real = os.path.realpath(root.resolve() / rel)
    inside = str(root.resolve())
    if real != inside and not real.startswith(inside + os.sep):
        return "points outside the scanned directory; not read"
    try:
        with open(real, "rb") as fh:  # noqa: PTH123
            data = fh.read(cap + 1)
    except FileNotFoundError:
        return "file not found"
    except IsADirectoryError:
        return "is a directory, not a file"
    except OSError as exc:
        return f"could not be read: {exc.strerror}"
    if len(data) > cap:
        return f"larger than the {cap:,}-byte limit for text inputs"
    return data


def read(context: ScanContext, rel: PurePosixPath) -> bytes | str:
    try:
        return context.read_bytes(rel)
    except SourceError as exc:
        return exc.reason


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A root holding plain files, symlinks of every kind, directories, and a secret beside."""
    (tmp_path / "secret.txt").write_text("outside")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_text("import torch")
    root = tmp_path / "root"
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("a = 1\n")
    (root / "pkg" / "sub" / "b.py").write_text("b = 2\n")
    (root / "big.txt").write_text("x" * 64)
    (root / "top.py").write_text("top\n")
    (root / "link_in.py").symlink_to(root / "pkg" / "a.py")
    (root / "pkg" / "rel_link.py").symlink_to("sub/b.py")
    (root / "link_out.txt").symlink_to(tmp_path / "secret.txt")
    (root / "dangling.py").symlink_to(root / "nowhere.py")
    (root / "loop.py").symlink_to(root / "loop.py")
    (root / "dir_link").symlink_to(root / "pkg")
    (root / "out_dir").symlink_to(tmp_path / "elsewhere")
    (root / "back").symlink_to(tmp_path)
    return root


RELS = [
    "top.py",
    "pkg/a.py",
    "pkg/sub/b.py",
    "big.txt",
    "link_in.py",
    "pkg/rel_link.py",
    "link_out.txt",
    "dangling.py",
    "loop.py",
    "dir_link",
    "dir_link/a.py",
    "dir_link/sub/b.py",
    "out_dir/x.py",
    "back/secret.txt",
    "back/root/top.py",
    "pkg",
    "pkg/missing.py",
    "missing/a.py",
    "../secret.txt",
    "pkg/../top.py",
    "pkg/..",
    ".",
    "top.py/x",
]


def test_every_kind_of_entry_reads_as_the_plain_way(tree: Path) -> None:
    context = ScanContext(root=tree, limits=Limits(max_text_bytes=32))
    for _ in range(2):  # the second time, every directory's realpath is remembered
        for text in RELS:
            assert read(context, P(text)) == plainly(tree, P(text), 32), text


def test_a_file_swapped_for_a_symlink_after_its_directory_was_seen_is_followed_safely(
    tree: Path,
) -> None:
    context = ScanContext(root=tree)
    assert read(context, P("top.py")) == b"top\n"
    (tree / "top.py").unlink()
    (tree / "top.py").symlink_to(tree.parent / "secret.txt")
    assert read(context, P("top.py")) == "points outside the scanned directory; not read"
    (tree / "top.py").unlink()
    (tree / "top.py").symlink_to(tree / "pkg" / "a.py")
    assert read(context, P("top.py")) == b"a = 1\n"


def test_an_explicit_path_is_read_as_given(tree: Path) -> None:
    context = ScanContext(root=tree)
    assert context.read_bytes(P("x"), path=tree / "pkg" / "a.py") == b"a = 1\n"
    with pytest.raises(LimitExceeded):
        context.read_bytes(P("x"), path=tree / "big.txt", limit=10)


@settings(max_examples=50)
@given(st.binary(max_size=5000), st.integers(min_value=0, max_value=6000))
def test_read_at_most_is_a_buffered_read(data: bytes, size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:  # hypothesis: no function-scoped tmp_path
        path = Path(folder) / "f"
        path.write_bytes(data)
        fd = os.open(path, os.O_RDONLY)
        try:
            assert read_at_most(fd, size) == data[:size]
        finally:
            os.close(fd)


@pytest.mark.parametrize("extra", [-1, 0, 1, READ_CHUNK + 7])
def test_read_at_most_crosses_chunks(tmp_path: Path, extra: int) -> None:
    """A file of several READ_CHUNKs comes back whole, and a cap inside it cuts it there."""
    data = bytes(range(256)) * (3 * READ_CHUNK // 256 + 3)
    path = tmp_path / "f"
    path.write_bytes(data)
    for size in (2 * READ_CHUNK + extra, len(data) + extra):
        fd = os.open(path, os.O_RDONLY)
        try:
            assert read_at_most(fd, size) == data[:size]
        finally:
            os.close(fd)
