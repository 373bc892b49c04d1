"""Timing helpers shared by the benchmark scripts: how children run, how runs are timed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence


def child_env() -> dict[str, str]:
    """The caller's environment, but letting Python write bytecode as an installed tool has.

    (With PYTHONDONTWRITEBYTECODE set, an editable aibom would recompile its own modules on
    every run while a peer installed by pip runs from bytecode.)
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(command: Sequence[str], ok: tuple[int, ...] = (0,)) -> None:
    """Run a command to completion with its output discarded; stop on an unexpected exit."""
    done = subprocess.run(
        list(command),
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode not in ok:
        sys.exit(f"{command[0]} failed with exit code {done.returncode}")


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(action: Callable[[], object], runs: int) -> list[float]:
    """Wall times of `runs` calls, after one untimed warm-up call (bytecode, caches)."""
    action()
    return [timed(action) for _ in range(runs)]
