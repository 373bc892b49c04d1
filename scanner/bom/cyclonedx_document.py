"""The CycloneDX 1.6 JSON document for a ScanResult: the one mapping every AI-BOM output uses.

Everything a component carries goes in: purl, version, licenses (the normalised expression,
else each raw statement as a named license with its full text attached), hashes, links,
scope, properties, evidence occurrences, nested (PEP 770) components, and the ML-BOM parts
(`mlbom`: model cards, componentData, base models as pedigree ancestors). The dependency
graph names every component and holds every edge kind, since each means "needs":
depends-on, contains (project → sub-project or hub snapshot, model → its files), base-model
(fine-tune / adapter / merge → base model) and trained-on (model → dataset). What the
schema cannot hold (an odd digest, a URL no encoding can make valid, an unparsable purl)
is kept as an `aibom:` property rather than dropped.
Lists are sorted as cyclonedx-python-lib sorts them, so the library writes the document
back unchanged (the writers rely on it for XML and spec 1.5).
"""

from __future__ import annotations

import base64
import json
import operator
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from scanner import __version__, aiinfo
from scanner.bom import mlbom
from scanner.bom.base import BomOptions, project_component
from scanner.bom.validate import clean_url, schema_enum
from scanner.bom.vulnerabilities import vulnerabilities
from scanner.identity import canonical_purl
from scanner.model import (
    Component,
    ComponentType,
    ExternalRef,
    Hash,
    LicenseEvidence,
    Location,
    ScanResult,
)

Json = dict[str, Any]
SCHEMA_URL = "http://cyclonedx.org/schema/bom-{}.schema.json"
SERIAL_NAMESPACE = uuid.UUID("5d3c7f0e-8a0b-5b8e-9c55-3a4e2f1d0b6a")
NAME_LIMIT = 80
HASH_LENGTHS = frozenset((32, 40, 64, 96, 128))
REFERENCE_TYPE = ("definitions", "externalReference", "properties", "type")
BY_REF = operator.attrgetter("bom_ref")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_HEX = re.compile(r"[a-fA-F0-9]+")


def document(result: ScanResult, options: BomOptions) -> Json:
    """The BOM as a CycloneDX 1.6 JSON object, in stable order, with its serial number."""
    info = result.project
    graph = _Graph(_groups(result), aiinfo.Lineage.of(result))
    listed = sorted((c for c in result.components if c.bom_ref != info.bom_ref), key=BY_REF)
    others = [c for c in listed if c.type is not ComponentType.SERVICE]
    services = [c for c in listed if c.type is ComponentType.SERVICE]
    refs = _Refs()
    for ref in (info.bom_ref, *(c.bom_ref for c in listed)):
        refs.claim(ref)
    project = _component(project_component(result), refs, graph, info.bom_ref)
    del project["scope"]  # the project is what the BOM describes, not a dependency
    metadata: Json = {}
    if (when := timestamp(options)) is not None:
        metadata["timestamp"] = when.isoformat()
    metadata["tools"] = {
        "components": [{"type": "application", "name": "aibom", "version": __version__}]
    }
    metadata["component"] = project
    doc: Json = {
        "$schema": SCHEMA_URL.format("1.6"),
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "",
        "version": 1,
        "metadata": metadata,
    }
    if others:
        doc["components"] = [_component(c, refs, graph, refs.first[c.bom_ref]) for c in others]
    if services:
        doc["services"] = [_service(c, refs.first[c.bom_ref]) for c in services]
    doc["dependencies"] = _dependencies(result, refs)
    if found := vulnerabilities(result, refs.first):
        doc["vulnerabilities"] = found
    serial = options.serial_number
    if serial is None:
        serial = content_serial(doc) if options.reproducible else uuid.uuid4()
    doc["serialNumber"] = serial.urn
    return doc


def content_serial(doc: Json) -> uuid.UUID:
    """UUID5 of the BOM's content, leaving out its serial number, timestamp and format."""
    skip = {"$schema", "specVersion", "serialNumber"}
    content = {k: v for k, v in doc.items() if k not in skip}
    content["metadata"] = {k: v for k, v in doc["metadata"].items() if k != "timestamp"}
    return uuid.uuid5(SERIAL_NAMESPACE, json.dumps(content, sort_keys=True, separators=(",", ":")))


def timestamp(options: BomOptions) -> datetime | None:
    """The BOM's timestamp in UTC, to the second; None for a reproducible BOM without one."""
    when = options.timestamp
    if when is None:
        if options.reproducible:
            return None
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0)


class _Refs:
    """Unique bom-refs: a nested ref already taken gets its parent's ref as a prefix.

    (Two wheels may vendor the same crate: both nested components keep their purl, but a
    bom-ref must be unique in the whole BOM.) `first` maps an original ref to the first
    bom-ref that claimed it, which is what edges name; `all` keeps claiming order.
    """

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.all: list[str] = []
        self.taken: set[str] = set()

    def claim(self, ref: str, parent: str | None = None) -> str:
        value = _text(ref)
        if value in self.taken:
            value = base = f"{parent}|{value}" if parent else value
            count = 2
            while value in self.taken:
                value, count = f"{base}|{count}", count + 1
        self.taken.add(value)
        self.first.setdefault(ref, value)
        self.all.append(value)
        return value

    def reserve(self, ref: str) -> str:
        """A bom-ref unique in the BOM for something outside the graph (a pedigree ancestor)."""
        value = base = _text(ref)
        count = 2
        while value in self.taken:
            value, count = f"{base}|{count}", count + 1
        self.taken.add(value)
        return value


@dataclass(frozen=True, slots=True)
class _Graph:
    """What a component's entry needs from the edges: its groups and its lineage."""

    groups: dict[str, set[str]]
    lineage: aiinfo.Lineage


def _service(comp: Component, bom_ref: str) -> Json:
    """A hosted model reached over an API: a CycloneDX service (name, version, properties)."""
    out: Json = {"bom-ref": bom_ref, "name": _text(comp.name)}
    if comp.version:
        out["version"] = _text(comp.version)
    if comp.description:
        out["description"] = _text(comp.description)
    props = sorted({(_text(k), _text(v)) for k, v in comp.properties})
    if props:
        out["properties"] = [{"name": k, "value": v} for k, v in props]
    return out


def _component(comp: Component, refs: _Refs, graph: _Graph, bom_ref: str) -> Json:
    """One component in CycloneDX form; what the schema cannot hold is kept as properties."""
    props = set(_properties(comp, graph.groups.get(comp.bom_ref, set())))
    out: Json = {"type": comp.type.value, "bom-ref": bom_ref, "name": _text(comp.name)}
    if comp.version:
        out["version"] = _text(comp.version)
    if comp.description:
        out["description"] = _text(comp.description)
    out["scope"] = comp.scope.value
    hashes = set()
    for item in comp.hashes:
        if _valid_hash(item):
            hashes.add((item.alg, item.value))
        else:
            props.add(("aibom:hash", _text(f"{item.alg}:{item.value}")))
    if hashes:
        out["hashes"] = [{"alg": alg, "content": value} for alg, value in sorted(hashes)]
    licenses, evidence_licenses = _licenses(comp)
    if licenses:
        out["licenses"] = licenses
    if purl := canonical_purl(comp.purl):
        out["purl"] = purl
    elif comp.purl:
        props.add(("aibom:purl", _text(comp.purl)))
    if pedigree := _pedigree(comp, refs, graph.lineage, bom_ref):
        out["pedigree"] = pedigree
    ext_refs = []
    for ref in comp.external_refs:
        if (cdx_ref := _external_ref(ref)) is not None:
            ext_refs.append(cdx_ref)
        else:
            props.add(("aibom:external-reference", _text(f"{ref.type} {ref.url}")))
    if ext_refs:
        # the library's order: by type, url, then comment (none last)
        out["externalReferences"] = sorted(
            ext_refs, key=lambda r: (r["type"], r["url"], "comment" not in r, r.get("comment", ""))
        )
    if props:
        out["properties"] = [{"name": n, "value": v} for n, v in sorted(props)]
    evidence: Json = {}
    if comp.locations:
        evidence["occurrences"] = [
            {
                "location": _text(str(loc.file)),
                **({"line": loc.line} if loc.line is not None else {}),
            }
            for loc in sorted(set(comp.locations), key=location_order)
        ]
    if evidence_licenses:
        evidence["licenses"] = evidence_licenses
    if evidence:
        out["evidence"] = evidence
    out.update(_ml_fields(comp, refs, graph.lineage))
    if comp.nested:
        out["components"] = sorted(
            (
                _component(c, refs, graph, refs.claim(c.bom_ref, bom_ref))
                for c in sorted(comp.nested, key=BY_REF)
            ),
            key=lambda c: str(c["bom-ref"]),
        )
    return out


def _ml_fields(comp: Component, refs: _Refs, lineage: aiinfo.Lineage) -> Json:
    """`modelCard` of a model, `data` of a dataset (JSON only: the library drops both)."""
    if comp.type is ComponentType.MODEL:
        datasets = lineage.datasets.get(comp.bom_ref, set())
        card = mlbom.model_card(comp, (refs.first[d] for d in datasets if lineage.is_data(d)))
        return {"modelCard": _texts(card)} if card else {}
    if comp.type is ComponentType.DATA:
        return {"data": _texts(mlbom.component_data(comp))}
    return {}


def _pedigree(comp: Component, refs: _Refs, lineage: aiinfo.Lineage, bom_ref: str) -> Json | None:
    """Base models as ancestors, each under a bom-ref no other part of the BOM uses."""
    found = lineage.bases.get(comp.bom_ref, set())
    bases = [lineage.components[ref] for ref in sorted(found) if ref in lineage.components]
    pedigree: Json | None = _texts(mlbom.pedigree(comp, bom_ref, bases, refs.reserve))
    for ancestor in pedigree["ancestors"] if pedigree else ():
        if "purl" in ancestor and (purl := canonical_purl(ancestor.pop("purl"))):
            ancestor["purl"] = purl
    return pedigree


def _texts(node: Any) -> Any:
    """`node` with every string made XML-safe by `_text`."""
    if isinstance(node, str):
        return _text(node)
    if isinstance(node, dict):
        return {k: _texts(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_texts(v) for v in node]
    return node


def _properties(comp: Component, groups: set[str]) -> Iterator[tuple[str, str]]:
    for name, value in comp.properties:
        yield _text(name), _text(value)
    if comp.origin:
        yield "aibom:origin", _text(comp.origin)
    if not comp.reachable:
        yield "aibom:reachable", "false"
    if comp.version_spec:
        yield "aibom:version-spec", _text(comp.version_spec)
    for group in groups:
        yield "aibom:dependency-group", _text(group)


def _groups(result: ScanResult) -> dict[str, set[str]]:
    """Which optional / dev groups introduced each component (from the edges)."""
    found: dict[str, set[str]] = {}
    for edge in result.edges:
        if edge.group:
            found.setdefault(edge.child, set()).add(edge.group)
    return found


def _valid_hash(value: Hash) -> bool:
    """A digest the schema accepts (others are kept as properties)."""
    return (
        value.alg in schema_enum("1.6", "definitions", "hash-alg")
        and len(value.value) in HASH_LENGTHS
        and _HEX.fullmatch(value.value) is not None
    )


def _external_ref(ref: ExternalRef) -> Json | None:
    url = clean_url(ref.url)
    if url is None:
        return None
    kind, comment = ref.type, ref.comment
    if kind not in schema_enum("1.6", *REFERENCE_TYPE):
        kind, comment = "other", f"{kind}: {comment}" if comment else kind
    out: Json = {"type": kind, "url": url}
    if comment:
        out["comment"] = _text(comment)
    return out


def _licenses(comp: Component) -> tuple[list[Json], list[Json]]:
    """(licenses, evidence licenses): the expression if normalised, the raw values as names.

    With an expression the raw statements go to `evidence.licenses` (a license list may not
    mix an expression with named licenses), with where each was read; without one they are
    the licenses.
    """
    if comp.license:
        expression = {"expression": _text(comp.license), "acknowledgement": "declared"}
        return [expression], _named(comp.license_raw)
    return _named(comp.license_raw), []


def _named(raw: Iterable[LicenseEvidence]) -> list[Json]:
    """One named license per distinct raw value; a long text is attached whole."""
    by_value: dict[str, set[str]] = {}
    for item in raw:
        if item.value.strip():
            source = f"{item.kind} {item.location}" if item.location else item.kind
            by_value.setdefault(item.value, set()).add(_text(source))
    licenses = []
    for value, sources in sorted(by_value.items(), key=lambda kv: (short_name(kv[0]), kv[0])):
        license_: Json = {"name": short_name(value), "acknowledgement": "declared"}
        if license_["name"] != " ".join(value.split()):
            license_["text"] = _attachment(value)
        license_["properties"] = [
            {"name": "aibom:license-source", "value": s} for s in sorted(sources)
        ]
        licenses.append({"license": license_})
    return licenses


def short_name(value: str) -> str:
    """A license name from raw text: the first non-blank line, cut at a word near 80 chars."""
    first = next((line.strip() for line in value.splitlines() if line.strip()), "")
    first = " ".join(_text(first).split())
    if len(first) <= NAME_LIMIT:
        return first
    cut = first[:NAME_LIMIT].rsplit(" ", 1)[0] or first[:NAME_LIMIT]
    return cut + "..."


def _attachment(value: str) -> Json:
    """The full text; base64 when it holds characters XML 1.0 cannot carry (form feeds...)."""
    if _NOT_XML.search(value) is None:
        return {"content": value, "contentType": "text/plain"}
    encoded = base64.b64encode(value.encode("utf-8", "replace")).decode("ascii")
    return {"content": encoded, "contentType": "text/plain", "encoding": "base64"}


def _text(value: str) -> str:
    """A string both JSON and XML 1.0 can carry: control characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def _dependencies(result: ScanResult, refs: _Refs) -> list[Json]:
    """One entry per component, the root's and nested ones' included; edges of every kind.

    A leaf's entry has no `dependsOn`. Edges naming a ref that is not in the BOM are left
    out: they cannot be expressed.
    """
    children: dict[str, set[str]] = {ref: set() for ref in refs.all}
    for edge in result.edges:
        parent, child = refs.first.get(edge.parent), refs.first.get(edge.child)
        if parent is not None and child is not None and parent != child:
            children[parent].add(child)
    out = []
    for ref, deps in sorted(children.items()):
        entry: Json = {"ref": ref}
        if deps:
            entry["dependsOn"] = sorted(deps)
        out.append(entry)
    return out


def location_order(loc: Location) -> tuple[PurePosixPath, bool, int]:
    """Sort key of locations: by file, a file's line-less location first (plain `sorted`
    would compare None with a line number and fail)."""
    return (loc.file, loc.line is not None, loc.line or 0)
