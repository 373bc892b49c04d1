"""Whole-process `aibom scan` / `aibom sbom` on the 50,000-file monorepo, against the I/O floor.

For each command below, --runs timed runs (median reported) of wall time, CPU time (user +
system, the child and its workers) and peak RSS (largest resident set of the child or any
of its workers: `resource.getrusage(RUSAGE_CHILDREN)` read around each run):

  floor     find <tree> -type f -print0 | xargs -0 cat > /dev/null   (every byte read once;
            no git repository is made, so not `git ls-files`)
  cold      aibom scan --format json <tree>   with an empty per-file cache before every run
  warm      aibom scan --format json <tree>   with the cache the previous run left (nothing
            changed: the report memo replays the last report, `scanner/scanmemo.py`)
  touched   the same after giving one Python file a new mtime before each run (the memo
            misses; the per-file cache serves every other file)
  no-cache  aibom scan --format json --no-cache <tree>
  sbom-cold aibom sbom <tree>                 empty cache
  sbom-warm aibom sbom <tree>                 warm cache

Each child gets its own XDG_CACHE_HOME under a temporary directory (the user's cache is not
touched). By default the page cache is warm for every command (one untimed floor run first).
With --cold-page-cache it is dropped instead before every timed run of every command, the
floor included (`sync`, then 3 written to /proc/sys/vm/drop_caches, outside the timing; needs
root), so the figures stand against a true I/O floor: the tree, and aibom's own modules and
caches, are read from the disk. "cold"/"warm" in the row names are aibom's per-file cache,
not the page cache. The script checks that cold, warm and --no-cache reports are
byte-identical and prints the ratios cold/floor and cold/warm.

  python bench/make_monorepo.py /tmp/aibom-mono
  python bench/bench_monorepo.py --tree /tmp/aibom-mono
  sudo python bench/bench_monorepo.py --tree /tmp/aibom-mono --cold-page-cache
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from timing import child_env

REPO = Path(__file__).resolve().parent.parent
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


@dataclass(frozen=True)
class Run:
    """One timed child run."""

    wall: float
    cpu: float
    rss_mb: float
    output: bytes


def main() -> int:
    """Time every command, print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=Path("/tmp/aibom-mono"))  # noqa: S108 - a bench tree
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--aibom", default=str(Path(sys.executable).parent / "aibom"))
    parser.add_argument(
        "--cold-page-cache",
        action="store_true",
        help="drop the page cache before every timed run (needs root; default: warm)",
    )
    args = parser.parse_args()
    tree = args.tree.resolve()
    if tree.is_relative_to(REPO):
        sys.exit(f"{tree} is inside the repository; generate the tree under /tmp")
    if not tree.is_dir():
        sys.exit(f"no tree at {tree}: run bench/make_monorepo.py {tree} first")
    if args.cold_page_cache:
        drop_page_cache()  # fails early, with one line, when not allowed
    floor_cmd = ["sh", "-c", 'find "$0" -type f -print0 | xargs -0 cat > /dev/null', str(tree)]
    scan = [args.aibom, "scan", "--format", "json", str(tree)]
    no_cache = [*scan[:2], "--no-cache", *scan[2:]]
    sbom = [args.aibom, "sbom", "--reproducible", str(tree)]
    with tempfile.TemporaryDirectory(prefix="aibom-bench-") as tmp:
        cache = Path(tmp) / "xdg"
        timed = partial(run, cache=cache, cold_page_cache=args.cold_page_cache)
        if not args.cold_page_cache:
            run(floor_cmd, cache)  # page cache warm
        table = {
            "floor": [timed(floor_cmd) for _ in range(args.runs)],
            "cold": [timed(scan, clear=True) for _ in range(args.runs)],
            "warm": [timed(scan) for _ in range(args.runs)],
            "touched": [timed(scan, before=touch(tree, n)) for n in range(args.runs)],
            "no-cache": [timed(no_cache) for _ in range(args.runs)],
            "sbom-cold": [timed(sbom, clear=True) for _ in range(args.runs)],
            "sbom-warm": [timed(sbom) for _ in range(args.runs)],
        }
    print(f"page cache: {'dropped before every run' if args.cold_page_cache else 'warm'}")
    report(table)
    outputs = {table[k][0].output for k in ("cold", "warm", "touched", "no-cache")}
    print("scan reports identical (cold, warm, touched, --no-cache):", len(outputs) == 1)
    sboms = {normalise_sbom(table[k][0].output) for k in ("sbom-cold", "sbom-warm")}
    print("sbom documents identical apart from serialNumber/timestamp:", len(sboms) == 1)
    return 0


def touch(tree: Path, nth: int) -> Path:
    """The first Python file of the tree, given the nth of distinct old mtimes (old: a file
    modified within the last seconds is never cached, which is not what this row measures)."""
    path = min(tree.glob("packages/*/src/*/*.py"))
    stamp = (1_600_000_000 + nth) * 10**9
    os.utime(path, ns=(stamp, stamp))
    return path


def run(
    command: list[str],
    cache: Path,
    *,
    clear: bool = False,
    before: Path | None = None,
    cold_page_cache: bool = False,
) -> Run:
    """Run `command` once with XDG_CACHE_HOME=cache; `clear` empties the cache first
    (`before`: the file `touch` just changed, named for a failure message), and
    `cold_page_cache` then drops the page cache (both outside the timing)."""
    if clear:
        shutil.rmtree(cache, ignore_errors=True)
    if cold_page_cache:
        drop_page_cache()
    env = child_env()
    env["XDG_CACHE_HOME"] = str(cache)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        after_touch = f" after touching {before}" if before else ""
        failure = done.stderr.decode()[-400:]
        sys.exit(f"{command[:2]} failed{after_touch} ({done.returncode}): {failure}")
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: an upper bound per run,
    # exact while runs of one command follow each other (cold/warm before sbom).
    return Run(wall=wall, cpu=cpu, rss_mb=after.ru_maxrss / 1024, output=done.stdout)


def drop_page_cache() -> None:
    """`sync`, then drop the clean page cache, dentries and inodes (echo 3 > drop_caches)."""
    os.sync()  # dirty pages cannot be dropped: write them out first
    try:
        DROP_CACHES.write_text("3\n", encoding="ascii")
    except OSError as exc:
        sys.exit(
            f"--cold-page-cache needs root on Linux: cannot write 3 to {DROP_CACHES} "
            f"({exc.strerror or exc}); run as root, or without --cold-page-cache"
        )


def report(table: dict[str, list[Run]]) -> None:
    """Medians per command and the ratios the issue asks for."""
    print(f"{'command':<10} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12}")
    medians = {}
    for name, runs in table.items():
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        rss = max(r.rss_mb for r in runs)
        medians[name] = wall
        print(f"{name:<10} {wall:8.2f} {cpu:8.2f} {rss:12.0f}")
    print(f"cold / floor: {medians['cold'] / medians['floor']:.1f}x")
    print(f"cold / warm:  {medians['cold'] / medians['warm']:.1f}x")
    print(f"cold / touched: {medians['cold'] / medians['touched']:.1f}x")
    print(f"sbom cold / warm: {medians['sbom-cold'] / medians['sbom-warm']:.1f}x")


def normalise_sbom(data: bytes) -> bytes:
    """An SBOM without the fields that differ by run."""
    doc = json.loads(data)
    doc.pop("serialNumber", None)
    doc.get("metadata", {}).pop("timestamp", None)
    return json.dumps(doc, sort_keys=True).encode()


if __name__ == "__main__":
    raise SystemExit(main())
