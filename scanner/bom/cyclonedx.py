"""CycloneDX AI-BOM writers (JSON and XML): a ScanResult as a validated, deterministic BOM.

`document` maps a ScanResult to one CycloneDX 1.6 JSON document, in stable order: that is
the BOM. JSON 1.6 is written from it directly; the other outputs (XML, spec 1.5) go through
cyclonedx-python-lib, which reads the document (`Bom.from_json`) and writes the requested
format and version with its own outputters, dropping what 1.5 lacks. Tests pin the direct
path to the library: the library reading our 1.6 document writes it back unchanged.
(Building every BOM through the library's object model costs about 1 ms per component,
which an environment with its vendored PEP 770 components turns into most of a run.)
Every output is validated against the bundled schema before it is returned. Fields the
library does not model (a `modelCard` for machine-learning-model components, `data` for
data components) are to be added to `document`'s result; only JSON can carry them.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from packageurl import PackageURL

from scanner import __version__
from scanner.bom.base import BomOptions
from scanner.bom.validate import VERSIONS, clean_url, schema_enum, validate_json, validate_xml
from scanner.model import Component, ComponentType, ExternalRef, Hash, LicenseEvidence, ScanResult

Json = dict[str, Any]
SCHEMA_URL = "http://cyclonedx.org/schema/bom-{}.schema.json"
XML_NS = "{{http://cyclonedx.org/schema/bom/{}}}"
SERIAL_NAMESPACE = uuid.UUID("5d3c7f0e-8a0b-5b8e-9c55-3a4e2f1d0b6a")
NAME_LIMIT = 80
HASH_LENGTHS = frozenset((32, 40, 64, 96, 128))
REFERENCE_TYPE = ("definitions", "externalReference", "properties", "type")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_HEX = re.compile(r"[a-fA-F0-9]+")


@dataclass(frozen=True, slots=True)
class CycloneDxJson:
    """`aibom sbom --format cyclonedx-json`."""

    name: str = "cyclonedx-json"

    def render(self, result: ScanResult, options: BomOptions) -> str:
        """The BOM as indented JSON, validated against the bundled schema."""
        bom = document(result, options)
        if options.spec_version != "1.6":
            bom = _via_library(bom, options.spec_version)
        validate_json(bom, options.spec_version)
        return json.dumps(bom, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class CycloneDxXml:
    """`aibom sbom --format cyclonedx-xml`: the same BOM through the library's XML outputter."""

    name: str = "cyclonedx-xml"

    def render(self, result: ScanResult, options: BomOptions) -> str:
        """The BOM as XML, validated against the bundled XSD."""
        from cyclonedx.output import make_outputter
        from cyclonedx.schema import OutputFormat
        from lxml import etree  # type: ignore[import-untyped]

        spec = options.spec_version
        outputter = make_outputter(
            _library_bom(document(result, options)), OutputFormat.XML, VERSIONS[spec]
        )
        parser = etree.XMLParser(remove_blank_text=True, no_network=True, resolve_entities=False)
        root = etree.fromstring(outputter.output_as_string().encode("utf-8"), parser)
        ns = XML_NS.format(spec)
        for components in root.iter(f"{ns}components"):
            components[:] = sorted(components, key=lambda c: c.get("bom-ref", ""))
        for found in root.iter(f"{ns}occurrences"):
            found[:] = sorted(
                found, key=lambda o: _place(o.findtext(f"{ns}location"), o.findtext(f"{ns}line"))
            )
        validate_xml(root, spec)
        out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return out.decode("utf-8")


def _library_bom(doc: Json) -> Any:
    """cyclonedx-python-lib's model of `doc`, ready for its outputters."""
    from cyclonedx.model.bom import Bom

    bom = Bom.from_json(doc)  # type: ignore[attr-defined]
    # The library's own pre-output check is quadratic in the number of components and
    # warns about a project without dependencies; what it checks (one dependency entry per
    # component, no unknown refs, no expression beside other licenses) holds by
    # construction here, and schema validation follows.
    bom.validate = _constructed_valid
    return bom


def _constructed_valid() -> bool:
    return True


def _via_library(doc: Json, spec: str) -> Json:
    """`doc` rewritten by the library's JSON outputter for another spec version."""
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat

    outputter = make_outputter(_library_bom(doc), OutputFormat.JSON, VERSIONS[spec])
    raw: Json = json.loads(outputter.output_as_string())
    head = {key: raw.pop(key) for key in ("$schema", "bomFormat", "specVersion", "serialNumber")}
    _order(raw)
    return {**head, **{key: raw[key] for key in ("version", "metadata") if key in raw}, **raw}


def _order(node: Json) -> None:
    """Components by bom-ref and occurrences by place, at every level of nesting.

    The library orders occurrences by an identity-based key (their empty bom-ref), so its
    own order varies from run to run.
    """
    if "component" in (metadata := node.get("metadata", {})):
        _order(metadata["component"])
    occurrences = node.get("evidence", {}).get("occurrences", [])
    occurrences.sort(key=lambda o: _place(o["location"], o.get("line")))
    children = node.get("components", [])
    children.sort(key=lambda c: c["bom-ref"])
    for child in children:
        _order(child)


def _place(location: str | None, line: object) -> tuple[str, int]:
    return location or "", int(str(line)) if line is not None else -1


# -- the document ---------------------------------------------------------------------------


def document(result: ScanResult, options: BomOptions) -> Json:
    """The BOM as a CycloneDX 1.6 JSON object, in stable order, with its serial number."""
    info = result.project
    groups = _groups(result)
    others = sorted((c for c in result.components if c.bom_ref != info.bom_ref), key=_ref)
    refs = _Refs()
    for ref in (info.bom_ref, *(c.bom_ref for c in others)):
        refs.claim(ref)
    project = _component(_project(result), refs, groups, info.bom_ref)
    del project["scope"]  # the project is what the BOM describes, not a dependency
    metadata: Json = {}
    if (when := timestamp(options)) is not None:
        metadata["timestamp"] = when.isoformat()
    metadata["tools"] = {"components": [_tool()]}
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
        doc["components"] = [_component(c, refs, groups, refs.first[c.bom_ref]) for c in others]
    doc["dependencies"] = _dependencies(result, refs)
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


def _tool() -> Json:
    return {"type": "application", "name": "aibom", "version": __version__}


def _ref(comp: Component) -> str:
    return comp.bom_ref


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
        value = ref
        if value in self.taken:
            value = base = f"{parent}|{ref}" if parent else ref
            count = 2
            while value in self.taken:
                value, count = f"{base}|{count}", count + 1
        self.taken.add(value)
        self.first.setdefault(ref, value)
        self.all.append(value)
        return value


def _project(result: ScanResult) -> Component:
    """The project as a component: its own sighting if the graph has one, else the header."""
    info = result.project
    base = result.component(info.bom_ref) or Component(
        bom_ref=info.bom_ref, type=ComponentType.APPLICATION, name=info.name
    )
    return dataclasses.replace(
        base,
        type=ComponentType.APPLICATION,
        name=info.name or base.name,
        version=info.version or base.version,
        license=info.license or base.license,
    )


def _component(comp: Component, refs: _Refs, groups: dict[str, set[str]], bom_ref: str) -> Json:
    """One component in CycloneDX form; what the schema cannot hold is kept as properties."""
    props = set(_properties(comp, groups.get(comp.bom_ref, set())))
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
    if purl := _purl(comp.purl):
        out["purl"] = purl
    elif comp.purl:
        props.add(("aibom:purl", _text(comp.purl)))
    ext_refs = []
    for ref in comp.external_refs:
        if (cdx_ref := _external_ref(ref)) is not None:
            ext_refs.append(cdx_ref)
        else:
            props.add(("aibom:external-reference", _text(f"{ref.type} {ref.url}")))
    if ext_refs:
        out["externalReferences"] = sorted(ext_refs, key=_ref_order)
    if props:
        out["properties"] = [{"name": n, "value": v} for n, v in sorted(props)]
    evidence: Json = {}
    if comp.locations:
        evidence["occurrences"] = [
            _occurrence(loc.file, loc.line) for loc in sorted(set(comp.locations))
        ]
    if evidence_licenses:
        evidence["licenses"] = evidence_licenses
    if evidence:
        out["evidence"] = evidence
    if comp.nested:
        out["components"] = sorted(
            (
                _component(c, refs, groups, refs.claim(c.bom_ref, bom_ref))
                for c in sorted(comp.nested, key=_ref)
            ),
            key=lambda c: str(c["bom-ref"]),
        )
    return out


def _occurrence(file: object, line: int | None) -> Json:
    found: Json = {"location": _text(str(file))}
    if line is not None:
        found["line"] = line
    return found


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


def _purl(text: str | None) -> str | None:
    """The purl in canonical form, or None when it does not parse."""
    if not text:
        return None
    try:
        return str(PackageURL.from_string(text).to_string())
    except ValueError:
        return None


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


def _ref_order(ref: Json) -> tuple[str, str, bool, str]:
    return ref["type"], ref["url"], "comment" not in ref, ref.get("comment", "")


def _licenses(comp: Component) -> tuple[list[Json], list[Json]]:
    """(licenses, evidence licenses): the expression if normalised, the raw values as names.

    With an expression the raw statements go to `evidence.licenses` (a license list may not
    mix an expression with named licenses), except one that is the expression itself;
    without one they are the licenses.
    """
    if comp.license:
        raw = [e for e in comp.license_raw if e.value != comp.license]
        return [{"expression": comp.license, "acknowledgement": "declared"}], _named(raw)
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
    """One entry per component, the root's and nested ones' included; edges of both kinds.

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
