"""Speed of the reference scan on a large synthetic repository, against `grep -rl` as the floor.

One run of this script times, median of --runs each (after one untimed warm-up run):
  (a) aibom scan --format json <tree>          whole process: start-up, walk, every source
                                               and reader, graph, checks, JSON report
  (b) the Python code reader alone, in process: `PythonCodeReader.collect` over every
      `.py` / `.ipynb` file of the tree (walked once beforehand; a fresh ScanContext per run)
  (c) grep -rl from_pretrained <tree>          the floor: one literal search of every file
and prints files/s for each and the ratios (a)/(c) and (b)/(c).

The tree comes from `make_synthetic_repo.py` (written first when --tree does not exist):
  python bench/make_synthetic_repo.py /tmp/aibom-synth
  python bench/bench_references.py --tree /tmp/aibom-synth
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from timing import measure, run

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.model import Component
from scanner.references.python_code import PythonCodeReader
from scanner.walk import EntryKind, WalkEntry, walk

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    """Generate the tree if needed, time (a), (b), (c), print the report."""
    args = parse_args()
    tree = args.tree.resolve()
    if tree.is_relative_to(REPO):
        sys.exit(f"{tree} is inside the repository; generate the tree under /tmp")
    if not tree.exists():
        sys.path.insert(0, str(Path(__file__).parent))
        from make_synthetic_repo import generate

        generate(tree, files=args.files, references=args.references, seed=3)
    walked = walk(tree).entries
    total = sum(1 for e in walked if e.kind is EntryKind.FILE)
    scan = [str(args.aibom), "scan", "--format", "json", "--fail-on", "never", "-q", str(tree)]
    grep = ["grep", "-rl", "from_pretrained", str(tree)]
    code_files, references = reader_pass(tree, walked)
    timings = {
        "aibom scan --format json": (total, measure(lambda: run(scan, ok=(0, 1)), args.runs)),
        "python-code reader only": (
            code_files,
            measure(lambda: reader_pass(tree, walked), args.runs),
        ),
        "grep -rl from_pretrained": (total, measure(lambda: run(grep, ok=(0, 1)), args.runs)),
        "(walk only, in process)": (total, measure(lambda: walk(tree), args.runs)),
    }
    report(tree, total, code_files, references, timings, args.runs)
    return 0


def parse_args() -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--tree",
        type=Path,
        default=Path("/tmp/aibom-synth"),  # noqa: S108 - see README
        help="synthetic repository (generated when missing)",
    )
    parser.add_argument("--files", type=int, default=20_000, help="size of a generated tree")
    parser.add_argument("--references", type=int, default=300, help="of a generated tree")
    parser.add_argument("--aibom", type=Path, default=Path(sys.executable).with_name("aibom"))
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def reader_pass(tree: Path, walked: tuple[WalkEntry, ...]) -> tuple[int, int]:
    """(code files read, components reported) by the Python code reader over `tree`.

    `walked` is the tree's walk, done once outside the timing (it is timed on its own);
    each pass gets a fresh ScanContext, so nothing parsed by the previous pass is reused."""
    ctx = ScanContext(root=tree, files=frozenset(e.rel for e in walked if e.kind is EntryKind.FILE))
    entries = [e for e in walked if READER.claims(e)]
    references = 0
    for entry in entries:
        try:
            records = list(READER.collect(entry, ctx))
        except SourceError:  # a file that does not parse: the pipeline makes it a Problem
            continue
        references += sum(isinstance(r, Component) for r in records)
    return len(entries), references


READER = PythonCodeReader()


def report(
    tree: Path,
    total: int,
    code_files: int,
    references: int,
    timings: dict[str, tuple[int, list[float]]],
    runs: int,
) -> None:
    """Medians, files/s and the ratios to grep."""
    print(f"tree {tree}: {total} files, {code_files} .py/.ipynb files")
    print(f"python-code reader: {references} hub/service components reported")
    print(f"wall time, median of {runs} runs (after one warm-up run)")
    medians = {}
    for name, (files, values) in timings.items():
        medians[name] = median = statistics.median(values)
        spread = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:26} {median:7.3f} s  {files / median:9,.0f} files/s   [{spread}]")
    scan, reader, grep, _ = medians.values()
    print(f"aibom scan / grep = {scan / grep:5.1f}x")
    print(f"python-code reader / grep = {reader / grep:5.1f}x")


if __name__ == "__main__":
    raise SystemExit(main())
