"""Run the collectors over the walk entries: cached, and on both cores where it pays.

A job is one (walk entry, collector) pair, in walk order then registry order; results come
back in that same order whatever ran where, so the scan's output does not depend on the
cache or the pools. Per job:

- a cached result is reused when the file and everything the collector read are unchanged
  (`filecache`);
- files go to a process pool when there are enough of them (parsing Python, TOML, YAML and
  JSON is CPU-bound and holds the GIL; `ast.parse` alone runs at ~640 files/s per core); the
  workers are forked before any thread starts and send their records back as JSON
  (`recordjson`, validated on receipt like a cache entry), never as pickled objects;
- weight files go to a thread pool (their time is hashing, and hashlib releases the GIL);
- everything else runs in the main thread meanwhile, which then decodes each batch of the
  workers' records as it arrives (while the threads still hash and the workers go on).

A collector's failure becomes a Problem record of that file (SourceError: its reason; any
other exception: an internal-error problem, re-raised under `--debug`); a failed result,
or one cut short by a time budget (`timeouts`), is never cached.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import PurePosixPath

from scanner import gcpause, recordjson, timeouts
from scanner.errors import SourceError
from scanner.filecache import FileCache, Stamp, stamp_of
from scanner.model import Location, Problem, Record
from scanner.readtrack import TrackingContext
from scanner.sources.base import Source
from scanner.walk import EntryKind, WalkEntry

THREAD_COLLECTORS = frozenset({"weights"})
"""Collectors whose per-file work is mostly hashing: worth a thread pool. Every other
collector's work on a file is CPU-bound Python (parsing): worth a process pool."""
MIN_PROCESS_JOBS = 200
"""Below this many files, forking workers costs more than it saves."""
BATCH = 100


@dataclass(frozen=True, slots=True)
class Job:
    """One collector on one walk entry."""

    entry: WalkEntry
    source: Source


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one job produced: its records, whether it finished (within its time budget: only
    then is it cached), which files it read (a worker's leaves out the job's own file: it is
    walked, and the cache stamps it anyway)."""

    records: list[Record]
    ok: bool
    reads: frozenset[PurePosixPath]
    encoded: str | None = None
    """The records as `recordjson` text, when a worker sent them (the cache stores it as is)."""


def workers() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_jobs(
    jobs: Sequence[Job],
    ctx: TrackingContext,
    debug: bool,
    cache: FileCache | None,
    reads: set[PurePosixPath] | None = None,
) -> list[list[Record]]:
    """Records of every job, in job order; every file the jobs read is added to `reads`
    (for a cached result: what it read when it ran)."""
    reads = set() if reads is None else reads
    results: list[list[Record] | None] = [None] * len(jobs)
    stamps: dict[int, Stamp] = {}
    pending: list[int] = []
    with gcpause.kept():  # cached records live to the end of the scan: see gcpause
        for index, job in enumerate(jobs):
            entry = job.entry
            is_file = entry.kind is EntryKind.FILE
            own = stamp_of(entry.size, entry.mtime_ns) if cache and is_file else None
            if own is not None and cache is not None:
                stamps[index] = own
                hit = cache.get(job.source.name, entry.rel_text, own)
                if hit is not None:
                    results[index] = hit
                    others = cache.reads_of(job.source.name, entry.rel_text)
                    reads.update(map(PurePosixPath, others))  # its own file is walked
                    continue
            pending.append(index)

    def finish(index: int, outcome: Outcome) -> None:
        results[index] = outcome.records
        reads.update(outcome.reads)
        own = stamps.get(index)
        if cache is not None and own is not None and outcome.ok:
            job = jobs[index]
            found = outcome.encoded if outcome.encoded is not None else outcome.records
            cache.put(job.source.name, job.entry.rel_text, own, outcome.reads, found)

    _run_pending(jobs, pending, ctx, debug, finish)
    return [r if r is not None else [] for r in results]


Finish = Callable[[int, Outcome], None]
"""Takes the outcome of the job at an index, as soon as it is known (in any order)."""


def _run_pending(
    jobs: Sequence[Job], pending: list[int], ctx: TrackingContext, debug: bool, finish: Finish
) -> None:
    cpus = workers()
    by_process = [
        i
        for i in pending
        if jobs[i].entry.kind is EntryKind.FILE and jobs[i].source.name not in THREAD_COLLECTORS
    ]
    if cpus < 2 or len(by_process) < MIN_PROCESS_JOBS:
        by_process = []
    by_thread = [i for i in pending if jobs[i].source.name in THREAD_COLLECTORS]
    if cpus < 2 or len(by_thread) < 2:
        by_thread = []
    offloaded = {*by_process, *by_thread}
    process_futures = _start_processes(jobs, by_process, ctx, debug, cpus)  # fork first
    with ThreadPoolExecutor(max_workers=cpus) as threads:
        thread_futures = {i: threads.submit(run_one, jobs[i], ctx, debug) for i in by_thread}
        for index in pending:
            if index not in offloaded:
                finish(index, run_one(jobs[index], ctx, debug))
        lost = _receive(process_futures, finish)  # meanwhile, the threads hash
        for index, future in thread_futures.items():
            finish(index, future.result())
    for index in lost:  # a worker died (killed, out of memory): redo its jobs here
        finish(index, run_one(jobs[index], ctx, debug))


def _receive(
    futures: list[tuple[list[int], Future[list[WorkResult]]]], finish: Finish
) -> list[int]:
    """Decode each batch of the workers' records as it arrives (while they work on the next);
    the indexes of the batches lost with a worker that died."""
    lost: list[int] = []
    with gcpause.kept():  # decoded records live to the end of the scan: see gcpause
        for indexes, batch_future in futures:
            try:
                batch = batch_future.result()
            except BrokenProcessPool:
                lost.extend(indexes)
                continue
            for index, (text, ok, others) in zip(indexes, batch, strict=True):
                records: list[Record] = recordjson.loads(text)  # type: ignore[assignment]
                read = frozenset(map(PurePosixPath, others)) if others else _NOTHING_ELSE
                finish(index, Outcome(records, ok, read, text))
    return lost


_NOTHING_ELSE: frozenset[PurePosixPath] = frozenset()
"""What most jobs read besides their own file."""


def run_one(job: Job, ctx: TrackingContext, debug: bool) -> Outcome:
    """Run one collector on one entry, failures turned into a Problem record."""
    reads = ctx.start_tracking()
    records: list[Record] = []
    timeouts.taken()  # clear what an earlier job left
    try:
        records.extend(job.source.collect(job.entry, ctx))
        ok = not timeouts.taken()  # cut short by the clock: reported, never cached
    except SourceError as exc:
        records.append(Problem(location=Location(file=exc.path, line=exc.line), message=exc.reason))
        ok = False
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if debug:
            raise
        records.append(
            Problem(
                location=Location(file=job.entry.rel),
                message=f"internal error reading this file ({type(exc).__name__}: {exc}); "
                "please report it with the output of --debug",
            )
        )
        ok = False
    finally:
        ctx.stop_tracking()
    return Outcome(records, ok, frozenset(reads))


# --- the process pool ----------------------------------------------------------------------

_WORKER_STATE: tuple[TrackingContext, Sequence[Job], bool] | None = None
"""Set in the parent just before forking; the forked workers read it (never sent): a batch
names its jobs by their index in it."""

WorkResult = tuple[str, bool, list[str]]  # records as JSON, ok, other files read


def _start_processes(
    jobs: Sequence[Job], indexes: list[int], ctx: TrackingContext, debug: bool, cpus: int
) -> list[tuple[list[int], Future[list[WorkResult]]]]:
    if not indexes:
        return []
    global _WORKER_STATE
    _WORKER_STATE = (ctx, jobs, debug)
    pool = ProcessPoolExecutor(max_workers=cpus, mp_context=multiprocessing.get_context("fork"))
    futures = []
    try:
        for start in range(0, len(indexes), BATCH):
            chunk = indexes[start : start + BATCH]
            futures.append((chunk, pool.submit(_work_batch, chunk)))
    finally:
        pool.shutdown(wait=False)  # workers finish the queue, then exit
        _WORKER_STATE = None
    return futures


def _work_batch(indexes: Iterable[int]) -> list[WorkResult]:
    """In a worker: run each item's collector, results as JSON text."""
    if _WORKER_STATE is None:  # pragma: no cover - only a non-forked worker lacks it
        raise RuntimeError("worker state is set before the fork")
    ctx, jobs, debug = _WORKER_STATE
    done: list[WorkResult] = []
    for index in indexes:
        outcome = run_one(jobs[index], ctx, debug)
        own = jobs[index].entry.rel_text  # sent back as is, it would cost a path object there
        others = sorted(read for read in map(str, outcome.reads) if read != own)
        done.append((recordjson.dumps(outcome.records), outcome.ok, others))
    return done


__all__ = ["Job", "Outcome", "run_jobs", "run_one", "workers"]
