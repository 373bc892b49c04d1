"""Whether a per-file time budget ran out while the current collector ran.

A result cut short by the clock depends on how busy the machine was, not only on the file:
it is reported (a problem, or a finding that a weight file was not fully scanned) but must
not be kept as the file's cached result. Budgets call `note()` when they trip;
`parallel.run_one` clears the flag before each collector and asks `taken()` after it. Per
thread, like the collectors' read tracking.
"""

from __future__ import annotations

import threading

_STATE = threading.local()


def note() -> None:
    """A time budget ran out in this thread."""
    _STATE.hit = True


def taken() -> bool:
    """Whether a time budget ran out in this thread since the last call (and clear it)."""
    hit: bool = getattr(_STATE, "hit", False)
    _STATE.hit = False
    return hit


__all__ = ["note", "taken"]
