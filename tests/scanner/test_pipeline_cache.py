"""The per-file cache of a whole scan: a warm scan reports what a cold one would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner import parallel
from scanner.config import ScanConfig
from scanner.pipeline import scan

SCRIPT = (
    "from transformers import AutoModel\nfrom settings import MODEL\n\n"
    "AutoModel.from_pretrained(MODEL)\n"
)
OLD = 1_600_000_000 * 10**9
"""An mtime well in the past: a file modified just now is not cached (`filecache.racy`)."""


def models(root: Path) -> set[str]:
    """The model components a scan of `root` reports."""
    result = scan(ScanConfig(root=root))
    return {c.name for c in result.components if c.type.value == "machine-learning-model"}


def write(path: Path, text: str, mtime_ns: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_changed_sibling_constant_reaches_every_script_that_imports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Two scripts take their model id from `settings.py`; the first parses it and the second
    finds it parsed (a memo hit in the same process). Both must depend on it in the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(parallel, "workers", lambda: workers)
    monkeypatch.setattr(parallel, "MIN_PROCESS_JOBS", 1)
    root = tmp_path / "project"
    root.mkdir()
    for name in ("a.py", "b.py"):
        write(root / name, SCRIPT, OLD)
    write(root / "settings.py", 'MODEL = "org/first"\n', OLD)
    assert models(root) == {"org/first"}
    write(root / "settings.py", 'MODEL = "org/second"\n', OLD + 10**9)
    assert models(root) == {"org/second"}
