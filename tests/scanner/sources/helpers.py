"""Run one source over one file of a fixture tree, the way the pipeline would."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scanner.context import ScanContext
from scanner.model import Component, Edge, Problem, Record
from scanner.sources.base import Source
from scanner.walk import EntryKind, WalkEntry, walk


def context_for(root: Path) -> ScanContext:
    walked = walk(root)
    files = frozenset(e.rel for e in walked.entries if e.kind is EntryKind.FILE)
    return ScanContext(root=root, files=files)


def collect(
    source: Source, root: Path, rel: str, *, kind: EntryKind = EntryKind.FILE
) -> list[Record]:
    """All records `source` yields for `root/rel`; asserts the source claims it."""
    path = root / rel
    entry = WalkEntry(rel=PurePosixPath(rel), path=path, kind=kind, size=path.stat().st_size)
    assert source.claims(entry), f"{source.name} does not claim {rel}"
    return list(source.collect(entry, context_for(root)))


def components(records: list[Record]) -> dict[str, Component]:
    return {r.bom_ref: r for r in records if isinstance(r, Component)}


def edges(records: list[Record]) -> set[tuple[str, str]]:
    return {(r.parent, r.child) for r in records if isinstance(r, Edge)}


def problems(records: list[Record]) -> list[Problem]:
    return [r for r in records if isinstance(r, Problem)]
