from __future__ import annotations

import codecs
from pathlib import Path, PurePosixPath

import pytest

from scanner import context
from scanner.config import Limits
from scanner.context import CLOCK_EVERY, FileBudget, ScanContext
from scanner.errors import LimitExceeded, SourceError

P = PurePosixPath


def ctx(root: Path, *files: str, limits: Limits | None = None) -> ScanContext:
    return ScanContext(root=root, limits=limits or Limits(), files=frozenset(P(f) for f in files))


def test_text_decoding_rules(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + b"requests\n")
    (tmp_path / "u16.txt").write_bytes("click==8.1\n".encode("utf-16"))
    (tmp_path / "junk.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    c = ctx(tmp_path)
    assert c.read_text(P("bom.txt")) == "requests\n"
    assert c.read_text(P("u16.txt")) == "click==8.1\n"
    with pytest.raises(SourceError, match="binary data"):
        c.read_text(P("junk.txt"))
    with pytest.raises(SourceError, match="not UTF-8 text"):
        c.read_text(P("latin1.txt"))


def test_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 100)
    with pytest.raises(LimitExceeded, match="99-byte limit"):
        ctx(tmp_path, limits=Limits(max_text_bytes=99)).read_text(P("big.txt"))


def test_paths_outside_root_are_refused(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("x")
    (tmp_path / "root").mkdir()
    with pytest.raises(SourceError, match="outside the scanned directory"):
        ctx(tmp_path / "root").read_text(P("../secret"))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    c = ctx(tmp_path)
    with pytest.raises(SourceError, match="not found"):
        c.read_text(P("nope.txt"))
    with pytest.raises(SourceError, match="directory"):
        c.read_text(P("d"))


def test_toml_is_parsed_once_and_errors_are_remembered(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "bad.toml").write_text("[x\n")
    c = ctx(tmp_path)
    first = c.toml(P("pyproject.toml"))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "changed"\n')
    assert c.toml(P("pyproject.toml")) == first
    for _ in range(2):
        with pytest.raises(SourceError, match="invalid TOML"):
            c.toml(P("bad.toml"))


def test_json_errors(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"a": [1')
    with pytest.raises(SourceError, match="invalid JSON"):
        ctx(tmp_path).json(P("a.json"))


def test_project_dir_for(tmp_path: Path) -> None:
    c = ctx(tmp_path, "pyproject.toml", "services/api/pyproject.toml", "services/api/req/x.txt")
    assert c.project_dir_for(P("requirements.txt")) == P(".")
    assert c.project_dir_for(P("services/api/requirements.txt")) == P("services/api")
    assert c.project_dir_for(P("services/api/req/x.txt")) == P("services/api")
    assert c.project_dir_for(P("services/web/requirements.txt")) == P(".")


def test_file_budget_counts_entries_and_reads_the_clock_every_so_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[int] = []

    def fake_clock() -> float:
        reads.append(1)
        return float(len(reads) * 10)  # 10 s later at every read

    monkeypatch.setattr(context, "clock", fake_clock)
    budget = FileBudget.of(Limits(max_entries_per_file=1_000, max_file_seconds=15), "rows")
    assert [budget.spend() for _ in range(CLOCK_EVERY - 1)] == [None] * (CLOCK_EVERY - 1)
    assert len(reads) == 1  # only when the budget was made
    assert budget.spend() is None  # the first check: 20 s after a start at 10, within 15 s
    assert [budget.tick() for _ in range(CLOCK_EVERY - 1)] == [None] * (CLOCK_EVERY - 1)
    assert budget.tick() == "not read within 15 s (limit max-file-seconds)"
    assert len(reads) == 3


def test_file_budget_entry_limit() -> None:
    budget = FileBudget.of(Limits(max_entries_per_file=3), "rows")
    assert [budget.spend() for _ in range(3)] == [None, None, None]
    assert budget.spend() == "more than 3 rows (limit max-entries-per-file)"
    assert budget.tick() is None  # ticks are not entries
