"""Merge repeated sightings of one component (the same bom-ref) into one Component.

Locations, hashes, license evidence, links and properties are unioned and sorted; the
sighting with an exact version leads and the others fill in what it lacks (version range,
license, description, nested files, purl). `GraphBuilder` uses `merge_all`; the tests hold
it to the plain definition, a two-sighting merge folded over the sightings.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from scanner.model import Component

UNION_FIELDS = ("license_raw", "hashes", "locations", "external_refs", "properties")


def merge_all(sightings: list[Component]) -> Component:
    """The union of the sightings of one component: the first with an exact version leads
    (its fields first, the others' filling gaps), list fields are unions sorted by repr,
    origins joined. That is folding the two-sighting merge over them in order (the test
    holds it to that definition), with each union built and sorted once and one Component
    made at the end (a `dataclasses.replace` per sighting was the hot spot)."""
    if len(sightings) == 1:
        return sightings[0]
    lead = sightings[0]
    spec, license_, description = lead.version_spec, lead.license, lead.description
    nested, purl = lead.nested, lead.purl
    pools: dict[str, dict[Any, None]] = {f: dict.fromkeys(getattr(lead, f)) for f in UNION_FIELDS}
    origins = set(lead.origin.split(","))
    for other in sightings[1:]:
        if other.version and not lead.version:  # the exact version leads
            lead = other
            spec = other.version_spec or spec
            license_ = other.license or license_
            description = other.description or description
            nested = other.nested or nested
            purl = other.purl or purl
        else:
            spec = spec or other.version_spec
            license_ = license_ or other.license
            description = description or other.description
            nested = nested or other.nested
            purl = purl or other.purl
        for name in UNION_FIELDS:
            pools[name].update(dict.fromkeys(getattr(other, name)))
        origins.update(other.origin.split(","))
    return replace_component(
        lead,
        version_spec=spec,
        license=license_,
        description=description,
        nested=nested,
        purl=purl,
        license_raw=by_repr(pools["license_raw"]),
        hashes=by_repr(pools["hashes"]),
        locations=by_repr(pools["locations"]),
        external_refs=by_repr(pools["external_refs"]),
        properties=by_repr(pools["properties"]),
        origin=",".join(sorted(origins - {""})),
    )


def by_repr(pool: dict[Any, None]) -> tuple[Any, ...]:
    """The pool's items sorted by their repr (a lone item needs no repr: most pools)."""
    return tuple(pool) if len(pool) < 2 else tuple(sorted(pool, key=repr))


COMPONENT_FIELDS = tuple(f.name for f in dataclasses.fields(Component))


def replace_component(comp: Component, **changes: Any) -> Component:
    """`dataclasses.replace` for a Component, without its per-call field introspection (it
    runs once per component of the graph, twice for merged ones)."""
    values = {name: getattr(comp, name) for name in COMPONENT_FIELDS}
    values.update(changes)
    return Component(**values)
