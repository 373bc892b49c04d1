"""GraphBuilder merges every sighting into one component graph; ComponentGraph answers paths.

Merging: sightings with the same bom-ref are one component (locations, hashes and license
evidence are unioned). A version-less PyPI sighting (a range in a manifest) joins the exact
version a lock or environment found for that name. Then a walk from the project root marks
what is reachable, which scope it is needed in, and which edges apply to the target
environment; extras that nothing requested add no edges.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from packaging.markers import (
    InvalidMarker,
    Marker,
    UndefinedComparison,
    UndefinedEnvironmentName,
)
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from scanner import pep508
from scanner.identity import is_project_ref, project_dir, project_ref, purl_pypi_name
from scanner.merging import merge_all, replace_component
from scanner.model import Component, ComponentType, Edge, Scope

ROOT = project_ref(PurePosixPath("."))


class ComponentGraph:
    """Components by bom-ref, the edges between them, and shortest paths from the root."""

    def __init__(self, components: Mapping[str, Component], edges: Iterable[Edge]) -> None:
        self.components = dict(components)
        self.edges = tuple(edges)
        self.children: dict[str, list[str]] = {}
        for edge in self.edges:
            self.children.setdefault(edge.parent, []).append(edge.child)
        self._parents: dict[str, str | None] | None = None

    def path_to(self, ref: str) -> tuple[str, ...]:
        """Shortest dependency chain from the project root to `ref` (empty if unreachable)."""
        parents = self.bfs_parents()
        if ref not in parents:
            return ()
        chain = [ref]
        while (prev := parents[chain[-1]]) is not None:
            chain.append(prev)
        return tuple(reversed(chain))

    def bfs_parents(self) -> dict[str, str | None]:
        """Each reachable node's parent on its shortest path from the root (children in
        sorted order), computed once: one walk instead of one per finding."""
        if self._parents is None:
            parents: dict[str, str | None] = {ROOT: None}
            queue = deque([ROOT])
            while queue:
                node = queue.popleft()
                for child in sorted(self.children.get(node, ())):
                    if child not in parents:
                        parents[child] = node
                        queue.append(child)
            self._parents = parents
        return self._parents


class GraphBuilder:
    """Collects components and edges from every plug-in and builds the merged graph."""

    def __init__(self) -> None:
        self.components: dict[str, Component] = {}
        self.sightings: dict[str, list[Component]] = {}
        """Later sightings of a component, merged once at build time (merging each on
        arrival re-sorts every location list: quadratic in a component's sightings)."""
        self.edges: list[Edge] = []
        self.aliases: dict[str, set[str]] = {}

    def alias(self, ref: str, same_as: str) -> None:
        """`ref` names the same thing as `same_as` (e.g. a hub branch and the commit a cache
        resolved it to). Applied at build time, and only when it is unambiguous."""
        self.aliases.setdefault(ref, set()).add(same_as)

    def add(self, item: Component | Edge) -> None:
        """Add one sighting."""
        if isinstance(item, Edge):
            self.edges.append(item)
        elif item.bom_ref in self.components:
            self.sightings.setdefault(item.bom_ref, [self.components[item.bom_ref]]).append(item)
        else:
            self.components[item.bom_ref] = item

    def build(self, target: Mapping[str, str] | None = None) -> ComponentGraph:
        """Merge ranges into exact versions, add project nodes, mark reachability and scope.

        `target` is the marker environment of the installed environment when one was found;
        without it only `extra` markers are decided and every platform is in scope.
        """
        for ref, sightings in self.sightings.items():
            self.components[ref] = merge_all(sightings)
        self.sightings.clear()
        remap = self._range_remap()
        for ref, targets in self.aliases.items():
            (target_ref, *others) = sorted(targets)
            if not others and ref != target_ref and target_ref in self.components:
                remap.setdefault(ref, target_ref)
        groups: dict[str, list[Component]] = {}
        for ref, comp in self.components.items():
            new_ref = remap.get(ref, ref)
            if new_ref not in groups:
                groups[new_ref] = [] if new_ref == ref else [self.components[new_ref]]
            groups[new_ref].append(comp)
        components = {ref: merge_all(group) for ref, group in groups.items()}
        edges: dict[tuple[str, str, str | None, tuple[str, ...], str | None, str], Edge] = {}
        for edge in self.edges:
            parent = remap.get(edge.parent, edge.parent)
            child = remap.get(edge.child, edge.child)
            key = (parent, child, edge.marker, edge.extras, edge.group, edge.kind)
            if parent == child or key in edges:
                continue
            if (parent, child) != (edge.parent, edge.child):  # most edges keep their refs
                edge = dataclasses.replace(edge, parent=parent, child=child)
            edges[key] = edge
        self._add_projects(components, edges)
        return _mark(components, sorted(edges.values(), key=_edge_key), target)

    def _range_remap(self) -> dict[str, str]:
        """Version-less PyPI refs -> the exact-version ref of the same name (best match)."""
        versioned: dict[str, list[Component]] = {}
        ranges: list[tuple[str, Component, str]] = []
        for ref, comp in self.components.items():
            key = _pypi_name(comp)
            if key and comp.version:
                versioned.setdefault(key, []).append(comp)
            elif key:
                ranges.append((ref, comp, key))
        remap: dict[str, str] = {}
        for ref, comp, key in ranges:
            if key in versioned:
                candidates = sorted(versioned[key], key=lambda c: c.bom_ref)
                remap[ref] = _best_match(comp.version_spec, candidates).bom_ref
        return remap

    def _add_projects(
        self,
        components: dict[str, Component],
        edges: dict[tuple[str, str, str | None, tuple[str, ...], str | None, str], Edge],
    ) -> None:
        refs = {ROOT} | {r for r in components if is_project_ref(r)}
        refs |= {e.parent for e in edges.values() if is_project_ref(e.parent)}
        for ref in sorted(refs):
            if ref not in components:
                directory = project_dir(ref)
                components[ref] = Component(
                    bom_ref=ref,
                    type=ComponentType.APPLICATION,
                    name=directory.name or ".",
                    origin="walk",
                )
            if ref != ROOT:
                edge = Edge(parent=ROOT, child=ref, kind="contains")
                edges.setdefault((ROOT, ref, None, (), None, "contains"), edge)


def _pypi_name(comp: Component) -> str | None:
    return purl_pypi_name(comp.purl) if comp.purl else None


def _best_match(spec: str | None, candidates: list[Component]) -> Component:
    """The highest candidate version the range admits; else the highest version."""
    try:
        specifier = SpecifierSet(spec or "")
    except InvalidSpecifier:
        specifier = SpecifierSet()

    def version_key(comp: Component) -> tuple[int, Version | str]:
        try:
            return (1, Version(comp.version or ""))
        except InvalidVersion:
            return (0, comp.version or "")

    if len(candidates) == 1:  # the usual case: nothing to choose, no versions to parse
        return candidates[0]
    admitted = [
        c for c in candidates if c.version and specifier.contains(c.version, prereleases=True)
    ]
    pool = admitted or candidates
    return max(pool, key=version_key)


def _edge_key(edge: Edge) -> tuple[str, str, str, str, str]:
    return (edge.parent, edge.child, edge.marker or "", ",".join(edge.extras), edge.group or "")


def _mark(
    components: dict[str, Component], edges: list[Edge], target: Mapping[str, str] | None
) -> ComponentGraph:
    """Walk from the root: keep edges that apply, and record each component's scope.

    An extra is remembered with the strongest scope it was requested in, so a dependency
    that only an optional group's extra enables is optional, not required.
    """
    by_parent: dict[str, list[Edge]] = {}
    for edge in edges:
        by_parent.setdefault(edge.parent, []).append(edge)
    rank = {Scope.REQUIRED: 3, Scope.OPTIONAL: 2, Scope.EXCLUDED: 1}
    best: dict[str, Scope] = {ROOT: Scope.REQUIRED}
    extras: dict[str, dict[str, Scope]] = {ROOT: {}}
    kept: set[int] = set()
    queue = deque([ROOT])
    queued = {ROOT}
    while queue:
        node = queue.popleft()
        queued.discard(node)
        requested = extras.get(node, {})
        for edge in by_parent.get(node, ()):
            scope = _edge_scope(edge, best[node], requested, target, rank)
            if scope is None:
                continue  # an extra nothing requested: no edge at all
            kept.add(id(edge))
            child = edge.child
            if (known := extras.get(child)) is None:  # no empty dict made per edge
                known = extras[child] = {}
            improved = [e for e in edge.extras if e not in known or rank[scope] > rank[known[e]]]
            if improved:
                known.update(dict.fromkeys(improved, scope))
            if child not in best or rank[scope] > rank[best[child]] or improved:
                previous = best.get(child, scope)
                best[child] = max(previous, scope, key=rank.__getitem__)
                if child not in queued:
                    queue.append(child)
                    queued.add(child)
    marked = {
        ref: _marked(comp, best.get(ref, Scope.REQUIRED), ref in best)
        for ref, comp in components.items()
    }
    kept_edges = [e for e in edges if id(e) in kept or e.parent not in best]
    return ComponentGraph(marked, kept_edges)


def _marked(comp: Component, scope: Scope, reachable: bool) -> Component:
    """`comp` with its scope and reachability (itself when it has them: most components do)."""
    if comp.scope is scope and comp.reachable is reachable:
        return comp
    return replace_component(comp, scope=scope, reachable=reachable)


def _edge_scope(
    edge: Edge,
    parent_scope: Scope,
    requested: Mapping[str, Scope],
    target: Mapping[str, str] | None,
    rank: Mapping[Scope, int],
) -> Scope | None:
    """The scope an edge passes on to its child, or None when no requested extra enables it."""
    scope = parent_scope
    if edge.marker and "extra" in edge.marker:
        if marker_applies(edge.marker, set(requested), None) is False:
            return None
        enabling = [s for e, s in requested.items() if marker_applies(edge.marker, {e}, None)]
        if enabling:
            scope = min(scope, max(enabling, key=rank.__getitem__), key=rank.__getitem__)
    if edge.group and scope is Scope.REQUIRED:
        scope = Scope.OPTIONAL
    if edge.marker and marker_applies(edge.marker, set(requested), target) is False:
        scope = Scope.EXCLUDED  # (no marker always applies: spares a set per edge)
    return scope


def marker_applies(
    marker: str | None, extras: set[str], target: Mapping[str, str] | None
) -> bool | None:
    """True / False when the marker is decided for the target and requested extras.

    Without a target, only `extra` comparisons are decided; the result is None (unknown,
    treated as applying) when the marker depends on anything else.
    """
    if not marker:
        return True
    try:
        parsed = pep508.marker(marker)
    except InvalidMarker:
        return None
    if target is not None:
        return any(
            _evaluate(parsed, {**target, "extra": extra}) for extra in (sorted(extras) or [""])
        )
    return _partial(parsed._markers, extras)


def _evaluate(parsed: Marker, env: Mapping[str, str]) -> bool:
    try:
        return bool(parsed.evaluate(dict(env)))
    except (UndefinedComparison, UndefinedEnvironmentName):  # e.g. PEP 751 dependency_groups
        return True


def _partial(node: object, extras: set[str]) -> bool | None:
    """Three-valued evaluation of packaging's marker list, deciding only `extra`."""
    if isinstance(node, tuple) and len(node) == 3:
        lhs, op, rhs = node
        names = (getattr(lhs, "value", None), getattr(rhs, "value", None))
        kinds = (type(lhs).__name__, type(rhs).__name__)
        if "Variable" in kinds and "extra" in names and op.value in ("==", "!="):
            value = names[1] if kinds[0] == "Variable" else names[0]
            hit = canonicalize_name(str(value)) in {canonicalize_name(e) for e in extras}
            return hit if op.value == "==" else not hit
        return None
    if isinstance(node, list):
        groups: list[list[bool | None]] = [[]]
        for item in node:
            if item == "or":
                groups.append([])
            elif item != "and":
                groups[-1].append(_partial(item, extras))
        return _any3([_all3(g) for g in groups])
    return None


def _all3(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _any3(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None
