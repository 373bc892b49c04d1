"""CycloneDX AI-BOM writers (JSON and XML): a ScanResult as a validated, deterministic BOM.

`cyclonedx_document.document` maps a ScanResult to one CycloneDX 1.6 JSON document: that
is the BOM. JSON 1.6 is written from it directly; the other outputs (XML, spec 1.5) are what
cyclonedx-python-lib writes for it (`Bom.from_json`, then its outputter for the requested
format and version, dropping what 1.5 lacks). Building every BOM through the library's
object model costs about 1.5 ms per component, so `cyclonedx15` (JSON 1.5) and
`cyclonedx_xml` (XML) write that output directly, and the library is the way only for what
they do not know (vulnerabilities, unknown fields); tests pin both ways to the same bytes.
Every output is validated against the bundled schema before it is returned.

ML-BOM: the library does not model a component's `modelCard` (machine-learning-model
components) nor its `data` (componentData of data components) and `Bom.from_json` silently
drops both. JSON 1.6 has them from `document`; for JSON 1.5 (whose schema has both, and
nothing `mlbom` emits is 1.6-only) they are copied back onto the library's output by
bom-ref; XML (1.5 and 1.6) goes without them: model task / architecture and training
datasets are lost there, though the `aibom:` properties they came from, the base models as
`pedigree` ancestors and the whole dependency graph (trained-on and base-model edges
included) remain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scanner import gcpause, jsontext
from scanner.bom import mlbom
from scanner.bom.base import BomOptions
from scanner.bom.cyclonedx15 import downgrade
from scanner.bom.cyclonedx_document import Json, document
from scanner.bom.cyclonedx_xml import library_text
from scanner.bom.validate import VERSIONS, validate_json, validate_xml
from scanner.model import ScanResult

if TYPE_CHECKING:
    from lxml import etree

XML_NS = "{{http://cyclonedx.org/schema/bom/{}}}"


@dataclass(frozen=True, slots=True)
class CycloneDxJson:
    """`aibom sbom --format cyclonedx-json`."""

    name: str = "cyclonedx-json"

    def render(self, result: ScanResult, options: BomOptions) -> str:
        """The BOM as indented JSON, validated against the bundled schema."""
        with gcpause.paused():  # builds 10^5 acyclic containers: no collection to run
            bom = document(result, options)
            if options.spec_version != "1.6":
                bom = downgrade(bom) or _library_downgrade(bom, options.spec_version)
            validate_json(bom, options.spec_version)
            return jsontext.dumps(bom) + "\n"


@dataclass(frozen=True, slots=True)
class CycloneDxXml:
    """`aibom sbom --format cyclonedx-xml`: the XML the library writes for the same BOM."""

    name: str = "cyclonedx-xml"

    def render(self, result: ScanResult, options: BomOptions) -> str:
        """The BOM as XML, validated against the bundled XSD."""
        spec = options.spec_version
        with gcpause.paused():  # builds 10^5 acyclic containers: no collection to run
            bom = document(result, options)
            text = library_text(bom, spec)
        root = parse_xml(text) if text is not None else _library_xml(bom, spec)
        validate_xml(root, spec)
        return pretty_xml(root)


def parse_xml(text: str) -> etree._Element:
    """The tree of the library's compact XML text, read as the library's output always was."""
    from lxml import etree

    parser = etree.XMLParser(remove_blank_text=True, no_network=True, resolve_entities=False)
    return etree.fromstring(text.encode("utf-8"), parser)


def pretty_xml(root: etree._Element) -> str:
    """The document as written: declaration, UTF-8, indented."""
    from lxml import etree

    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out.decode("utf-8")


def _library_xml(bom: Json, spec: str) -> etree._Element:
    """`bom` through the library's XML outputter: the reference `library_text` agrees with.

    Without a timestamp (reproducible) the library's "now" is taken out; components are
    ordered by bom-ref and occurrences by place (the library orders the latter by identity).
    """
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat

    outputter = make_outputter(_library_bom(bom), OutputFormat.XML, VERSIONS[spec])
    root = parse_xml(outputter.output_as_string())
    ns = XML_NS.format(spec)
    if "timestamp" not in bom["metadata"]:  # reproducible: not the library's "now"
        for stamp in root.findall(f"{ns}metadata/{ns}timestamp"):
            stamp.getparent().remove(stamp)
    for components in root.iter(f"{ns}components"):
        components[:] = sorted(components, key=lambda c: c.get("bom-ref", ""))
    for found in root.iter(f"{ns}occurrences"):
        found[:] = sorted(
            found, key=lambda o: _place(o.findtext(f"{ns}location"), o.findtext(f"{ns}line"))
        )
    return root


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


def _library_downgrade(doc: Json, spec: str) -> Json:
    """`doc` as the library writes it for `spec`, with our ML fields carried over.

    The library stamps a BOM without a timestamp with the current time; a reproducible
    BOM has none, so that stamp is taken out again.
    """
    rewritten = _via_library(doc, spec)
    mlbom.carry_over(doc, rewritten)
    if "timestamp" not in doc["metadata"]:
        rewritten["metadata"].pop("timestamp", None)
    return rewritten


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
