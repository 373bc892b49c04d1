"""Run one source over one file of a fixture tree, the way the pipeline would, and pick
records out of what it yields."""

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


def walk_entry(rel: str, kind: EntryKind = EntryKind.FILE) -> WalkEntry:
    """An entry for `rel`; `claims` decides by name alone, so its path is never read."""
    return WalkEntry(rel=PurePosixPath(rel), path=Path(rel), kind=kind)


def components(records: list[Record]) -> dict[str, Component]:
    return {r.bom_ref: r for r in records if isinstance(r, Component)}


def edges(records: list[Record]) -> set[tuple[str, str]]:
    return {(r.parent, r.child) for r in records if isinstance(r, Edge)}


def problems(records: list[Record]) -> list[Problem]:
    return [r for r in records if isinstance(r, Problem)]


def edge_list(records: list[Record]) -> list[Edge]:
    return [r for r in records if isinstance(r, Edge)]


def edge_map(records: list[Record]) -> dict[tuple[str, str], Edge]:
    return {(r.parent, r.child): r for r in records if isinstance(r, Edge)}


def find_edge(records: list[Record], parent: str, child: str, **attrs: object) -> Edge:
    """The one edge parent -> child (with the given attribute values)."""
    found = [e for e in edge_list(records) if e.parent == parent and e.child == child]
    found = [e for e in found if all(getattr(e, k) == v for k, v in attrs.items())]
    assert len(found) == 1, (parent, child, attrs, found)
    return found[0]


def props(comp: Component, key: str) -> set[str]:
    """Values of one property of a component."""
    return {value for name, value in comp.properties if name == key}


def line_of(path: Path, text: str) -> int:
    """1-based line of the line `text` in the file at `path`."""
    return path.read_text().splitlines().index(text) + 1
