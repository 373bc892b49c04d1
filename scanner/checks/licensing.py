"""What the four license rules share: which components to judge, under which use, with which
license read where, on which dependency path, and the compatibility verdict (cached).

Not a check itself (it is no rule id): the license checks import it.

Which components are judged: those reachable from the project in the target environment
(scope `required` or `optional`; `excluded` ones are not installed there), except the project
and its sub-projects (`application`) and hosted services. Two reach sets refine that:

- *used*: reachable over every edge but `trained-on`. A dataset the project reaches only
  because a model card names it as training data is not used by the project; it is judged
  through its model's lineage only.
- *shipped*: reachable over neither `trained-on` edges nor edges of a development group
  (`group:<name>`, e.g. `group:dev`; extras, `extra:<name>`, are shipped). A component only a
  development group needs is not part of the distributed work, so it cannot conflict with
  the project's license; it is still checked for restricted, unknown and denied licenses.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from licenses import parse_spdx
from licenses.compat import Distribution, Restriction, Use, Verdict, evaluate
from licenses.duties import INFORMATIONAL
from licenses.lineage import LineageVerdict, Parent, Relation, judge_lineage
from licenses.normalize import normalize
from scanner.checks.perscan import per_scan
from scanner.config import Policy
from scanner.graph import ROOT, ComponentGraph
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    Finding,
    LicenseEvidence,
    Location,
    RuleId,
    ScanResult,
    Scope,
    Severity,
)

NOT_JUDGED = frozenset({ComponentType.APPLICATION, ComponentType.SERVICE})
LINEAGE_KINDS = frozenset({"base-model", "trained-on"})
EVIDENCE_ORDER = ("expression", "license", "card", "classifier", "license-file")
"""Which license statement to point at: the one the license was most likely read from."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Judged:
    """One component to judge, with everything a license finding needs."""

    component: Component
    license: str | None
    location: Location | None
    used: bool
    shipped: bool
    graph: ComponentGraph

    @property
    def ref(self) -> str:
        """The component's bom-ref."""
        return self.component.bom_ref

    @property
    def path(self) -> tuple[str, ...]:
        """The dependency path from the project (computed only for components reported)."""
        return path_to(self.graph, self.component.bom_ref)

    def finding(self, rule: RuleId, severity: Severity, message: str) -> Finding:
        """A finding about this component, at its license statement, with its path."""
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            component=self.ref,
            location=self.location,
            path=self.path,
        )


def use_of(policy: Policy) -> Use:
    """The declared use: `use` and `commercial` of the policy."""
    return Use(distribution=Distribution(policy.use), commercial=policy.commercial)


def describe_use(use: Use) -> str:
    """`commercial SaaS use`, `non-commercial internal use`, ..."""
    kind = {"distribute": "distribution", "saas": "SaaS use", "internal": "internal use"}
    commercial = "commercial" if use.commercial else "non-commercial"
    return f"{commercial} {kind[use.distribution.value]}"


def project_license(result: ScanResult) -> str | None:
    """The project's outbound license, normalised (None when unknown or not SPDX)."""
    raw = result.project.license
    return parse_spdx(raw) if raw else None


@lru_cache(maxsize=8192)
def verdict(license_: str, outbound: str | None, use: Use) -> Verdict:
    """`licenses.compat.evaluate`, once per (license, outbound, use) per process."""
    return evaluate(license_, outbound, use)


def reportable(verdict: Verdict) -> tuple[Restriction, ...]:
    """The restrictions that make a license restricted: not mere attribution or share-alike
    duties (which the conflict rule judges), unless the use breaks them."""
    return tuple(r for r in verdict.restrictions if r.kind not in INFORMATIONAL or r.violated)


def effective_license(component: Component) -> str | None:
    """The component's normalised license; else one read from its raw license statements
    (a card's Hugging Face id such as `llama3`, a free-text name), when they agree."""
    if component.license:
        return component.license
    found = {expr for ev in component.license_raw if (expr := evidence_license(ev)) is not None}
    return found.pop() if len(found) == 1 else None


def evidence_license(evidence: LicenseEvidence) -> str | None:
    """One raw license statement, normalised; None when it does not say exactly."""
    if evidence.kind in ("classifier", "license-file"):
        return None  # classifiers and file names are the metadata source's job
    return normalize(evidence.value)


def license_location(component: Component) -> Location | None:
    """Where the component's license was read, else where the component was seen."""
    for kind in EVIDENCE_ORDER:
        for ev in component.license_raw:
            if ev.kind == kind and ev.location is not None:
                return ev.location
    return component.locations[0] if component.locations else None


@per_scan  # the four license rules judge the same components
def judged(result: ScanResult, graph: ComponentGraph) -> tuple[Judged, ...]:
    """The components the license rules judge (see the module docstring), sorted by ref."""
    used = reach(graph.edges, lambda e: e.kind != "trained-on")
    shipped = reach(
        graph.edges,
        lambda e: e.kind != "trained-on" and not (e.group or "").startswith("group:"),
    )
    return tuple(
        Judged(
            component=comp,
            license=effective_license(comp),
            location=license_location(comp),
            used=comp.bom_ref in used,
            shipped=comp.bom_ref in shipped,
            graph=graph,
        )
        for comp in result.components
        if comp.type not in NOT_JUDGED and comp.reachable and comp.scope is not Scope.EXCLUDED
    )


def path_to(graph: ComponentGraph, ref: str) -> tuple[str, ...]:
    """`graph.path_to(ref)` (which walks the graph once, not once per finding)."""
    return graph.path_to(ref)


def reach(edges: Iterable[Edge], follow: Callable[[Edge], bool]) -> frozenset[str]:
    """Refs reachable from the project root over the edges `follow` accepts."""
    children: dict[str, list[str]] = {}
    for edge in edges:
        if follow(edge):
            children.setdefault(edge.parent, []).append(edge.child)
    seen = {ROOT}
    queue = deque([ROOT])
    while queue:
        for child in children.get(queue.popleft(), ()):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return frozenset(seen)


def lineage_parents(ref: str, graph: ComponentGraph) -> Iterator[tuple[Edge, Component]]:
    """The base models and training datasets a model's card names, with their components."""
    for edge in lineage_edges(graph).get(ref, ()):
        parent = graph.components.get(edge.child)
        if parent is not None:
            yield edge, parent


_LINEAGE: weakref.WeakKeyDictionary[ComponentGraph, dict[str, list[Edge]]]
_LINEAGE = weakref.WeakKeyDictionary()


def lineage_edges(graph: ComponentGraph) -> dict[str, list[Edge]]:
    """Lineage edges by model ref, in edge order, built once per graph (scanning every edge
    for every model was quadratic on a large repository)."""
    index = _LINEAGE.get(graph)
    if index is None:
        index = {}
        for edge in graph.edges:
            if edge.kind in LINEAGE_KINDS:
                index.setdefault(edge.parent, []).append(edge)
        _LINEAGE[graph] = index
    return index


def display(component: Component) -> str:
    """How a message names a component: `name version` (or `name`)."""
    if component.version and component.type is ComponentType.LIBRARY:
        return f"{component.name} {component.version}"
    return component.name


def lineage_verdicts(
    item: Judged, graph: ComponentGraph, use: Use
) -> Iterator[tuple[Component, LineageVerdict]]:
    """Each base model / training dataset of a model (or of a lone weight file whose metadata
    names its base model), with the lineage verdict on it."""
    if item.component.type not in (ComponentType.MODEL, ComponentType.FILE):
        return
    pairs = list(lineage_parents(item.ref, graph))
    parents = [
        Parent(
            name=display(parent),
            relation=Relation(edge.kind),
            license=effective_license(parent),
        )
        for edge, parent in pairs
    ]
    found = judge_lineage(item.license, parents, use)
    yield from zip((parent for _, parent in pairs), found, strict=True)
