"""Scan output is the same whatever the per-file cache and the worker pools did."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from scanner import context, parallel, timeouts
from scanner.cli import cli
from scanner.context import ScanContext
from scanner.filecache import FileCache
from scanner.model import Location, Problem, Record
from scanner.pipeline import _jobs
from scanner.readtrack import TrackingContext
from scanner.walk import FileSet, WalkEntry, walk
from tests.conftest import fixture_project

PROJECTS = (
    "uv-app",
    "notebook-project",
    "serving-app",
    "llamacpp-app",
    "unsafe-code-app",
    "broken-pyproject",
    "signed-model",
    "finetune-lora",
)

FAILING = {"broken-pyproject"}
"""Every file of it fails to parse: nothing is cached."""


def run(args: list[str]) -> bytes:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes


def outputs(project: Path) -> tuple[bytes, bytes]:
    scan = run(["scan", "--format", "json", str(project)])
    sbom = run(["sbom", "--reproducible", str(project)])
    return scan, sbom


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


@pytest.mark.parametrize("name", PROJECTS)
def test_cold_warm_and_no_cache_are_byte_identical(
    name: str, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = fixture_project(name)
    uncached = (
        run(["scan", "--format", "json", "--no-cache", str(project)]),
        run(["sbom", "--reproducible", "--no-cache", str(project)]),
    )
    assert not (fresh_cache / "aibom" / "files").exists()  # --no-cache writes nothing either
    cold = outputs(project)
    files = fresh_cache / "aibom" / "files"
    assert name in FAILING or any(files.iterdir())  # a failed read is never cached
    calls: list[str] = []
    real = parallel.run_one

    def counted(job: parallel.Job, *args: object) -> parallel.Outcome:
        calls.append(str(job.entry.rel))
        return real(job, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "run_one", counted)
    warm = outputs(project)
    assert cold == uncached
    assert warm == cold
    if name not in FAILING:
        assert not [c for c in calls if not (project / c).is_dir()]  # files: all cached


def test_an_edited_file_is_read_again(fresh_cache: Path, tmp_path: Path) -> None:
    project = tmp_path / "uv-app"
    shutil.copytree(fixture_project("uv-app"), project)
    first = run(["scan", "--format", "json", str(project)])
    assert run(["scan", "--format", "json", str(project)]) == first
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"click>=8.1",\n', ""))
    edited = run(["scan", "--format", "json", str(project)])
    uncached = run(["scan", "--format", "json", "--no-cache", str(project)])
    assert edited == uncached
    assert edited != first


def test_the_process_pool_gives_the_serial_result(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "code"
    shutil.copytree(fixture_project("unsafe-code-app"), project)
    shutil.copytree(fixture_project("notebook-project"), project / "nb")
    source = (project / "nb" / "helpers.py").read_text()
    for index in range(12):
        (project / f"mod{index}.py").write_text(
            f'from transformers import AutoModel\nM = AutoModel.from_pretrained("org/m{index}")\n'
            + source
        )
    (project / "broken.py").write_text("def (:\n")
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    serial = outputs(project)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_PROCESS_JOBS", 1)
    monkeypatch.setattr(parallel, "BATCH", 3)
    started: list[int] = []
    real = parallel._start_processes

    def spy(jobs: object, indexes: list[int], *args: object) -> object:
        started.append(len(indexes))
        return real(jobs, indexes, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_start_processes", spy)
    pooled = (
        run(["scan", "--format", "json", "--no-cache", str(project)]),
        run(["sbom", "--reproducible", "--no-cache", str(project)]),
    )
    assert started  # the pool did run
    assert started[0] > 12  # on every Python file
    assert pooled == serial
    assert b"org/m11" in serial[0]


def test_collector_names_are_unique() -> None:
    """The file cache and the worker pool name collectors by `name`."""
    from scanner.references import READERS
    from scanner.sources import SOURCES
    from scanner.weights import WEIGHT_READERS

    names = [source.name for source in (*SOURCES, *READERS, *WEIGHT_READERS)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", PROJECTS)
def test_every_fixture_gives_the_same_output_through_the_pools(
    name: str, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = fixture_project(name)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    serial = outputs(project)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_PROCESS_JOBS", 1)
    monkeypatch.setattr(parallel, "BATCH", 2)
    assert outputs(project) == serial  # cold, through the pools
    assert outputs(project) == serial  # warm, from what the workers sent


def test_a_dead_worker_costs_time_not_results(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "code"
    shutil.copytree(fixture_project("unsafe-code-app"), project)
    expected = run(["scan", "--format", "json", "--no-cache", str(project)])
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_PROCESS_JOBS", 1)
    monkeypatch.setattr(parallel, "_work_batch", die)
    assert run(["scan", "--format", "json", "--no-cache", str(project)]) == expected


def die(items: object) -> object:
    """A worker killed mid-batch (module level: the pool names it by reference)."""
    os._exit(3)


class ClockedOut:
    """A collector whose file took longer than its time budget (and one that did not)."""

    name = "clocked-out"

    def __init__(self, trips: bool) -> None:
        self.trips = trips

    def claims(self, entry: WalkEntry) -> bool:
        return True

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        if self.trips:
            timeouts.note()  # as FileBudget and the pickle walker do when the clock runs out
        yield Problem(location=Location(file=entry.rel), message="partly read")


@pytest.mark.parametrize("trips", [True, False])
def test_a_result_cut_short_by_the_clock_is_never_cached(tmp_path: Path, trips: bool) -> None:
    (tmp_path / "requirements.txt").write_text("numpy\n")
    os.utime(tmp_path / "requirements.txt", ns=(10**18, 10**18))
    entry = WalkEntry(rel="requirements.txt", path=tmp_path / "requirements.txt", size=6)
    ctx = TrackingContext(root=tmp_path)
    outcome = parallel.run_one(parallel.Job(entry, ClockedOut(trips)), ctx, debug=False)
    assert outcome.ok is not trips
    assert [r.message for r in outcome.records if isinstance(r, Problem)] == ["partly read"]
    assert not timeouts.taken()  # run_one consumed the note: the next job starts clean


def test_file_budget_notes_when_its_clock_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(context, "clock", lambda: now[0])
    budget = context.FileBudget("lines", entries=10**9, seconds=5)
    now[0] = 10.0
    reasons = [budget.tick() for _ in range(context.CLOCK_EVERY)]
    assert reasons[-1] == "not read within 5 s (limit max-file-seconds)"
    assert timeouts.taken()


def collected(
    project: Path, cache_dir: Path
) -> tuple[list[list[Record]], set[PurePosixPath], dict[str, object]]:
    """Records, files read beyond the walk, and cache entries of every job on `project`."""
    walked = walk(project)
    files = FileSet(walked.entries)
    ctx = TrackingContext(root=project, files=files)
    cache = FileCache(path=cache_dir / "cache.json", key="k", root=project, started_ns=10**19)
    reads: set[PurePosixPath] = set()
    records = parallel.run_jobs(_jobs(list(walked.entries), None), ctx, False, cache, reads)
    return records, {r for r in reads if r not in files}, cache.new


@pytest.mark.parametrize("name", PROJECTS)
def test_the_workers_report_what_the_serial_run_reads(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = fixture_project(name)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    serial = collected(project, tmp_path / "serial")
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_PROCESS_JOBS", 1)
    monkeypatch.setattr(parallel, "BATCH", 2)
    pooled = collected(project, tmp_path / "pooled")
    assert pooled[0] == serial[0]
    assert pooled[1] == serial[1]
    assert pooled[2] == serial[2]  # each entry's inputs too, whichever job parsed a sibling
