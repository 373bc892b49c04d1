"""Share what several checks derive from one scan: built by the first check that asks.

Not a check (it has no rule id). The lock index, the components the license rules judge and
the like are functions of the scan's (result, graph) alone; each check used to rebuild them,
which cost seconds on a large repository.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from scanner.graph import ComponentGraph
from scanner.model import Component, ScanResult

T = TypeVar("T")


def per_scan(
    build: Callable[[ScanResult, ComponentGraph], T],
) -> Callable[[ScanResult, ComponentGraph], T]:
    """`build(result, graph)`, memoised for the last scan asked about (the same result and
    graph objects; neither changes while the checks run).

    One slot, held by identity: the checks of a scan ask one after another, and holding the
    last scan keeps its objects' ids from being reused by another scan's.
    """
    last: list[tuple[ScanResult, ComponentGraph, T]] = []

    @functools.wraps(build)
    def cached(result: ScanResult, graph: ComponentGraph) -> T:
        if last and last[0][0] is result and last[0][1] is graph:
            return last[0][2]
        value = build(result, graph)
        last[:] = [(result, graph, value)]
        return value

    return cached


def components_by_ref(result: ScanResult) -> dict[str, Component]:
    """`result.component` for every ref at once (it reads the whole list: once per finding
    was quadratic), the first component of a ref winning as there."""
    by_ref: dict[str, Component] = {}
    for comp in result.components:
        by_ref.setdefault(comp.bom_ref, comp)
    return by_ref
