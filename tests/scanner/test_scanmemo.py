"""The report memo replays only when nothing the report was made from has changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path, PurePosixPath

import pytest

from scanner import scanmemo
from scanner.cli.memo import memoised
from scanner.config import ScanConfig
from scanner.model import ScanResult
from scanner.scanmemo import Replay
from scanner.walk import walk_root

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
OLD_NS = 1_600_000_000 * 10**9  # 2020: never "recently modified"


def project(tmp_path: Path, name: str = "rag-service") -> Path:
    """A copy of a fixture project with old mtimes (a fresh copy would be too recent)."""
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    for path in root.rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS), follow_symlinks=False)
    return root


class Runs:
    """`produce` that renders a summary of the result and counts how often it ran."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, result: ScanResult) -> Replay:
        self.count += 1
        names = "\n".join(c.bom_ref for c in result.components)
        return Replay(names, (f"{len(result.findings)} findings",), 1 if result.findings else 0)


def run(config: ScanConfig, runs: Runs, variant: str = "v", *, allowed: bool = True) -> Replay:
    return memoised(config, variant, runs, allowed=allowed)


def test_an_unchanged_tree_replays_the_report(tmp_path: Path) -> None:
    config = ScanConfig(root=project(tmp_path))
    runs = Runs()
    first = run(config, runs)
    second = run(config, runs)
    assert runs.count == 1
    assert second == first
    assert "hf:model/cross-encoder/ms-marco-MiniLM-L-6-v2@main" in first.output
    assert first.stderr
    assert first.exit_code == 1


def test_a_changed_file_another_variant_or_setting_runs_the_scan(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = ScanConfig(root=root)
    runs = Runs()
    run(config, runs)
    run(config, runs, variant="other format")
    assert runs.count == 2
    run(dataclasses.replace(config, hash_files=False), runs)
    assert runs.count == 3
    requirements = root / "requirements.txt"
    requirements.write_text("numpy==2.0.0\n")
    os.utime(requirements, ns=(OLD_NS, OLD_NS))
    replay = run(config, runs)
    assert runs.count == 4
    assert "pkg:pypi/numpy@2.0.0" in replay.output
    requirements.write_text("numpy==2.0.1\n")  # same size, same mtime: not seen (by design)
    os.utime(requirements, ns=(OLD_NS, OLD_NS))
    assert run(config, runs) == replay
    os.utime(requirements, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert "pkg:pypi/numpy@2.0.1" in run(config, runs).output
    assert runs.count == 5


def test_a_new_file_runs_the_scan(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = ScanConfig(root=root)
    runs = Runs()
    run(config, runs)
    (root / "extra.py").write_text(
        'from transformers import AutoModel\nAutoModel.from_pretrained("org/new")\n'
    )
    os.utime(root / "extra.py", ns=(OLD_NS, OLD_NS))
    replay = run(config, runs)
    assert runs.count == 2
    assert "hf:model/org/new" in replay.output


def test_nothing_is_stored_when_not_allowed_ineligible_or_too_recent(tmp_path: Path) -> None:
    root = project(tmp_path)
    runs = Runs()
    config = ScanConfig(root=root)
    run(config, runs, allowed=False)
    run(config, runs, allowed=False)
    assert runs.count == 2
    for other in (
        dataclasses.replace(config, no_cache=True),
        dataclasses.replace(config, online=True, cache_dir=tmp_path / "online"),
        dataclasses.replace(config, hf_caches=(tmp_path,)),
    ):
        assert not scanmemo.eligible(other, walk_root(other))
    (root / "requirements.txt").touch()  # modified just now: its stamp is not trusted yet
    run(config, runs)
    run(config, runs)
    assert runs.count == 4


def test_a_file_read_outside_the_walk_is_stamped(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = ScanConfig(root=root)
    walked = walk_root(config)
    key = scanmemo.memo_key(config, "v", walked, dt.date(2026, 1, 1))
    outside = root / "build" / "generated.py"  # under a directory the walk skips
    outside.parent.mkdir()
    outside.write_text("X = 1\n")
    os.utime(outside, ns=(OLD_NS, OLD_NS))
    inputs = scanmemo.Inputs(reads=frozenset({PurePosixPath("build/generated.py")}))
    replay = Replay("report", ("line",), 0)
    scanmemo.store(root, key, walked, inputs, replay)
    assert scanmemo.lookup(root, key) == replay
    assert scanmemo.lookup(root, "another key") is None
    os.utime(outside, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert scanmemo.lookup(root, key) is None


def test_the_default_hub_cache_appearing_runs_the_scan(tmp_path: Path) -> None:
    root = project(tmp_path)
    cache = tmp_path / "hub"
    config = ScanConfig(root=root, default_hf_cache=cache)
    runs = Runs()
    run(config, runs)
    run(config, runs)
    assert runs.count == 1
    repo = cache / "models--cross-encoder--ms-marco-MiniLM-L-6-v2"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0" * 40)
    run(config, runs)
    assert runs.count == 2


@pytest.mark.parametrize("damage", ["output", "meta"])
def test_a_damaged_memo_is_ignored(tmp_path: Path, damage: str) -> None:
    root = project(tmp_path)
    config = ScanConfig(root=root)
    runs = Runs()
    first = run(config, runs)
    base = scanmemo.memo_path(root.resolve())
    target = base.with_suffix(".out" if damage == "output" else ".json")
    target.write_bytes(target.read_bytes()[:-3] + b"###")
    assert run(config, runs) == first
    assert runs.count == 2
