"""CycloneDX 1.5 JSON from our 1.6 document, directly: what cyclonedx-python-lib writes for it.

The library's round trip (`Bom.from_json`, then its 1.5 JSON outputter) costs about 1.5 ms
per component: 15 s for a 10,000-component BOM. For what `cyclonedx_document` emits, its
1.5 output is the 1.6 document with the 1.6-only fields dropped (licenses'
`acknowledgement`, occurrences' `line`), every object's keys in the library's order (its
Python property names, sorted), components ordered by bom-ref and occurrences by place
(`cyclonedx._order`), services in the library's order, and `modelCard` / `data` put back
last (`mlbom.carry_over`).
`downgrade` writes exactly that. A key, shape or enum value it does not know (and any
`vulnerabilities`, whose records the library re-sorts) makes it return None, and the
writer goes through the library as before. Tests compare both ways, byte for byte, on
every fixture project and on synthetic results.
"""

from __future__ import annotations

from typing import Any

from scanner.bom.mlbom import ML_FIELDS  # not modelled by the library: written last
from scanner.bom.validate import schema_enum
from scanner.identity import canonical_purl

Json = dict[str, Any]
SCHEMA_URL = "http://cyclonedx.org/schema/bom-1.5.schema.json"
HEAD = ("$schema", "bomFormat", "specVersion", "serialNumber")
DROPPED = frozenset(("acknowledgement",))  # 1.6-only, wherever it appears

# Each kind: its keys in the library's order, each with the kind of its value (a list's
# items for a list); None for a plain value kept as it is.
KINDS: dict[str, dict[str, str | None]] = {
    "bom": {
        "version": None,
        "metadata": "metadata",
        "components": "component",
        "dependencies": "dependency",
        "services": "service",
    },
    "metadata": {"component": "component", "timestamp": None, "tools": "tools"},
    "tools": {"components": "tool"},  # a tool is a plain component: name, type, version
    "tool": {"name": None, "type": "component-type", "version": None},
    "component": {
        "bom-ref": None,
        "components": "component",
        "description": None,
        "evidence": "evidence",
        "externalReferences": "reference",
        "hashes": "hash",
        "licenses": "license-choice",
        "name": None,
        "pedigree": "pedigree",
        "properties": "property",
        "purl": "purl",
        "scope": None,
        "type": "component-type",
        "version": None,
    },
    "ancestor": {
        "bom-ref": None,
        "name": None,
        "purl": "purl",
        "type": "component-type",
        "version": None,
    },
    "pedigree": {"ancestors": "ancestor", "notes": None},
    "evidence": {"licenses": "license-choice", "occurrences": "occurrence"},
    "occurrence": {"location": None},
    "hash": {"alg": "hash-alg", "content": None},
    "license-choice": {"expression": None, "license": "license"},
    "license": {"name": None, "properties": "property", "text": "attachment"},
    "attachment": {"content": None, "contentType": None, "encoding": None},
    "property": {"name": None, "value": None},
    "reference": {"comment": None, "type": "reference-type", "url": None},
    "dependency": {"dependsOn": None, "ref": None},
    "service": {
        "bom-ref": None,
        "description": None,
        "name": None,
        "properties": "property",
        "version": None,
    },
}
ENUMS = {
    "component-type": ("definitions", "component", "properties", "type"),
    "hash-alg": ("definitions", "hash-alg"),
    "reference-type": ("definitions", "externalReference", "properties", "type"),
}
SKIP_LINE = frozenset(("line",))  # an occurrence's line is 1.6-only


class Unsupported(Exception):
    """The document holds something `downgrade` does not know how the library writes."""


def downgrade(doc: Json) -> Json | None:
    """`doc` (our 1.6 document) as the library writes it for 1.5; None if unsure."""
    if "vulnerabilities" in doc or any(key not in (*HEAD, *KINDS["bom"]) for key in doc):
        return None
    try:
        body = _object(doc, "bom", ml=False)
    except Unsupported:
        return None
    head = {"$schema": SCHEMA_URL, "bomFormat": "CycloneDX", "specVersion": "1.5"}
    return {**head, "serialNumber": doc["serialNumber"], **body}


def _object(node: object, kind: str, *, ml: bool) -> Json:
    """One object of `kind` in the library's key order (`ml`: with modelCard / data last)."""
    if not isinstance(node, dict):
        raise Unsupported(kind)
    keys = KINDS[kind]
    skip = HEAD if kind == "bom" else SKIP_LINE if kind == "occurrence" else ()
    for key in node:
        known = key in keys or key in DROPPED or key in skip or (ml and key in ML_FIELDS)
        if not known:
            raise Unsupported(f"{kind}.{key}")
    out: Json = {}
    for key, child_kind in keys.items():
        if key in node:
            out[key] = _value(node[key], child_kind, parent=kind)
    if ml:
        out.update((key, node[key]) for key in ML_FIELDS if key in node)
    return out


def _value(value: object, kind: str | None, *, parent: str) -> Any:
    if kind is None:
        if isinstance(value, (dict, list)) and not value:
            raise Unsupported(parent)  # the library leaves empty lists out
        return value
    if kind == "purl":  # packageurl does not always write back the purl it read
        if (written := canonical_purl(value)) is None:
            raise Unsupported("purl")
        return written
    if kind in ENUMS:
        if value not in schema_enum("1.5", *ENUMS[kind]):
            raise Unsupported(f"{kind} {value!r}")
        return value
    if isinstance(value, list):
        if not value:
            raise Unsupported(parent)
        items = [_item(item, kind) for item in value]
        if kind == "component":
            items.sort(key=lambda c: str(c["bom-ref"]))
        elif kind == "occurrence":  # by place, as cyclonedx._order sorts them
            items.sort(key=_place)
        elif kind == "service":
            items.sort(key=_service_order)
        return items
    return _item(value, kind)


def _item(value: object, kind: str) -> Json:
    # modelCard / data go back on components (top-level, nested, the project's): not on
    # pedigree ancestors nor tools, as in `mlbom.carry_over`
    return _object(value, kind, ml=kind == "component")


def _place(occurrence: object) -> str:
    """Where an occurrence is: the library's 1.5 output has no line to order by, and
    occurrences differing only in their line are written the same."""
    if not isinstance(occurrence, dict) or not isinstance(occurrence.get("location"), str):
        raise Unsupported("occurrence")
    location: str = occurrence["location"]
    return location


def _service_order(service: Json) -> tuple[str, bool, str, str]:
    """The library's service order: name, version (none last), bom-ref (unique)."""
    version = service.get("version")
    return str(service["name"]), version is None, str(version or ""), str(service["bom-ref"])
