"""Whole-process time of `aibom sbom` against `cyclonedx-py environment`, on one environment.

One run of this script times, median of --runs each (after one untimed warm-up run):
  (a) aibom sbom <project dir containing the environment>
  (b) cyclonedx-py environment <env python>                 (validates, its default)
  (c) cyclonedx-py environment --no-validate <env python>
and prints the ratios the issue sets as targets: (b)/(a) >= 10 and (a)/(c) <= 2.

Preparation (see bench/README.md):
  python3 -m venv /tmp/aibom-realenv/.venv
  /tmp/aibom-realenv/.venv/bin/pip install transformers datasets scikit-learn pandas requests
  python3 -m venv /tmp/tools-cdxpy && /tmp/tools-cdxpy/bin/pip install cyclonedx-bom
  python bench/bench_sbom.py --env /tmp/aibom-realenv/.venv \
      --cyclonedx-py /tmp/tools-cdxpy/bin/cyclonedx-py
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from timing import measure, run


def main() -> int:
    args = parse_args()
    env_python = args.env / "bin" / "python"
    if not env_python.exists():
        sys.exit(f"no interpreter at {env_python}: prepare the environment (see bench/README.md)")
    if not args.cyclonedx_py.exists():
        sys.exit(f"no cyclonedx-py at {args.cyclonedx_py}: see bench/README.md")
    project = args.project or args.env.parent
    out_dir = Path(tempfile.mkdtemp(prefix="aibom-bench-"))
    aibom_out, cdx_out = out_dir / "aibom.json", out_dir / "cdx.json"
    aibom = [str(args.aibom), "sbom", str(project), "-o", str(aibom_out)]
    cdx = [str(args.cyclonedx_py), "environment", "-o", str(cdx_out), str(env_python)]
    cdx_fast = [*cdx[:2], "--no-validate", *cdx[2:]]

    run(aibom)
    if count_components(aibom_out)[0] == 0:
        sys.exit(f"`aibom sbom {project}` listed no component: nothing to compare")
    timings = {
        "aibom sbom": measure(lambda: run(aibom), args.runs),
        "cyclonedx-py (validating)": measure(lambda: run(cdx), args.runs),
        "cyclonedx-py --no-validate": measure(lambda: run(cdx_fast), args.runs),
    }
    report(timings, count_components(aibom_out), count_components(cdx_out), args.runs)
    shutil.rmtree(out_dir, ignore_errors=True)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--env",
        type=Path,
        default=Path("/tmp/aibom-realenv/.venv"),  # noqa: S108 - see README
        help="the virtual environment both tools inventory",
    )
    parser.add_argument(
        "--project",
        type=Path,
        help="directory `aibom sbom` scans (default: the environment's parent)",
    )
    parser.add_argument(
        "--cyclonedx-py",
        type=Path,
        default=Path("/tmp/tools-cdxpy/bin/cyclonedx-py"),  # noqa: S108 - see README
    )
    parser.add_argument("--aibom", type=Path, default=Path(sys.executable).with_name("aibom"))
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def count_components(path: Path) -> tuple[int, int]:
    """(top-level components, nested components) in a CycloneDX JSON file."""
    if not path.exists():
        return 0, 0
    top = json.loads(path.read_text(encoding="utf-8")).get("components", [])
    nested, stack = 0, [c for comp in top for c in comp.get("components", [])]
    while stack:
        nested += 1
        stack.extend(stack.pop().get("components", []))
    return len(top), nested


def report(
    timings: dict[str, list[float]], ours: tuple[int, int], theirs: tuple[int, int], runs: int
) -> None:
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"whole-process wall time, median of {runs} runs (after one warm-up run)")
    for name, values in timings.items():
        spread = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:28} {medians[name]:7.3f} s   [{spread}]")
    print(
        f"  components: aibom {ours[0]} (+{ours[1]} nested), cyclonedx-py {theirs[0]} "
        f"(+{theirs[1]} nested)"
    )
    a, b, c = medians.values()
    print(f"cyclonedx-py (validating) / aibom = {b / a:5.1f}x   (target >= 10x)")
    print(f"aibom / cyclonedx-py --no-validate = {a / c:5.2f}x  (target <= 2x)")


if __name__ == "__main__":
    raise SystemExit(main())
