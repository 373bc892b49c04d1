"""The committed weight fixtures are exactly what fixtures/tools/write_weights.py writes."""

from __future__ import annotations

import runpy
from pathlib import Path

from tests.scanner.weights.helpers import FIXTURES

WRITER = FIXTURES.parents[1] / "tools" / "write_weights.py"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_writer_reproduces_the_committed_files(tmp_path: Path) -> None:
    namespace = runpy.run_path(str(WRITER))
    namespace["main"](tmp_path)
    written = files(tmp_path)
    committed = {k: v for k, v in files(FIXTURES).items() if not k.endswith(".md")}
    assert sorted(written) == sorted(committed)
    assert [k for k in written if written[k] != committed[k]] == []
