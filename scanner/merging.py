"""Merge repeated sightings of one component (the same bom-ref) into one Component.

Locations, hashes, license evidence, links and properties are unioned and sorted; the
sighting with an exact version leads and the others fill in what it lacks (version range,
license, description, nested files, purl). `merge` is the definition for two sightings;
`GraphBuilder` uses `merge_all`, the same fold done cheaply (tests compare the two).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from scanner.model import Component

T = TypeVar("T")


def merge(first: Component, other: Component) -> Component:
    """Union of two sightings of one component; the one with an exact version leads."""
    lead, extra = (other, first) if other.version and not first.version else (first, other)
    return dataclasses.replace(
        lead,
        name=lead.name,
        version_spec=lead.version_spec or extra.version_spec,
        license=lead.license or extra.license,
        license_raw=_union(lead.license_raw, extra.license_raw),
        hashes=_union(lead.hashes, extra.hashes),
        locations=_union(lead.locations, extra.locations),
        external_refs=_union(lead.external_refs, extra.external_refs),
        properties=_union(lead.properties, extra.properties),
        description=lead.description or extra.description,
        nested=lead.nested or extra.nested,
        purl=lead.purl or extra.purl,
        origin=",".join(sorted({*lead.origin.split(","), *extra.origin.split(",")} - {""})),
    )


UNION_FIELDS = ("license_raw", "hashes", "locations", "external_refs", "properties")


def merge_all(sightings: list[Component]) -> Component:
    """`merge` folded over `sightings` in order, with each union built and sorted once and
    one Component made at the end (a `dataclasses.replace` per sighting was the hot spot)."""
    if len(sightings) == 1:
        return sightings[0]
    lead = sightings[0]
    spec, license_, description = lead.version_spec, lead.license, lead.description
    nested, purl = lead.nested, lead.purl
    pools: dict[str, dict[Any, None]] = {f: dict.fromkeys(getattr(lead, f)) for f in UNION_FIELDS}
    origins = set(lead.origin.split(","))
    for other in sightings[1:]:
        if other.version and not lead.version:  # the exact version leads, as in `merge`
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


def _union(left: tuple[T, ...], right: tuple[T, ...]) -> tuple[T, ...]:
    seen = dict.fromkeys(left)
    seen.update(dict.fromkeys(right))
    return tuple(sorted(seen, key=repr))
