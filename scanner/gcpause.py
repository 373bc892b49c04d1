"""Pause the cyclic garbage collector around bulk work that makes no reference cycles.

Parsing JSON and building records allocate hundreds of thousands of containers. Every 700
allocations start a collection, and as the heap grows some of them are full collections that
traverse every live object. Parsed JSON and records hold no cycles (reference counting frees
them), so those collections find nothing: skipping them during a bulk load or dump is pure
saving (it halves the time of `json.loads` on a large document). Objects that live to the end
of a scan are frozen (`gc.freeze`) as soon as they are made (`kept`): a paused block only defers
the young collections over what it allocated, and every full collection would traverse them
again.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (as before it, after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_long_lived_blocks = 0
"""How many `long_lived` blocks are open (`kept` freezes only inside one)."""


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """`paused`; then, inside a `long_lived` block, everything allocated so far is frozen
    (bulk records that live to the end of the scan: no collection ever traverses them)."""
    with paused():
        yield
        if _long_lived_blocks:
            gc.freeze()


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """A block in which `gc.freeze()` may be called on objects that live to its end (the
    walk, then the collected records): full collections stop traversing them, and forked
    workers stop touching their pages. On exit they are handed back to the collector,
    unless the caller had frozen objects of its own before."""
    global _long_lived_blocks
    frozen_before = gc.get_freeze_count()
    _long_lived_blocks += 1
    try:
        yield
    finally:
        _long_lived_blocks -= 1
        if frozen_before == 0:
            gc.unfreeze()


__all__ = ["kept", "long_lived", "paused"]
