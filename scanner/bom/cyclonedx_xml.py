"""CycloneDX XML (1.6 and 1.5) from our 1.6 document, directly: what cyclonedx-python-lib writes.

The library's way (`Bom.from_json`, then its XML outputter) costs about 1.6 ms per component:
15 s for a 9,500-component BOM. For what `cyclonedx_document` emits, the library's XML is a
fixed mapping of the document: each object's fields as elements in the library's order (a few
as attributes), strings normalised as its model declares them (`normalizedString`: CR LF, CR,
LF and tab become a space; `token`: then trimmed, runs of spaces collapsed), escaped as
ElementTree escapes them, purls as packageurl writes back what it read, the 1.5 view without
the 1.6-only fields (licenses' `acknowledgement`, occurrences' `line`), and no `modelCard` /
`data`, which the library does not model. `library_text` writes that text, compact as the
library does; the writer parses it with the parser it uses on the library's output, so what
the parser does (line ends, blank text) and everything after it (validation, pretty
printing) is shared. Components come out ordered by bom-ref and occurrences by place, as the
writer orders the library's output; services in the library's order. A key, shape or enum
value it does not know (and any `vulnerabilities`) makes it return None, and the writer goes
through the library as before. Tests compare both ways, byte for byte, on every fixture
project and on synthetic and hostile results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scanner.bom.library_values import attribute, cdata, line_ends, normalized, token
from scanner.bom.mlbom import ML_FIELDS
from scanner.bom.validate import schema_enum
from scanner.identity import canonical_purl  # the purl packageurl writes back, as the library does

Json = dict[str, Any]
NAMESPACE = "http://cyclonedx.org/schema/bom/{}"
SPECS = frozenset(("1.6", "1.5"))
HEAD = frozenset(("$schema", "bomFormat", "specVersion", "serialNumber", "version"))
BOM_KEYS = HEAD | {"metadata", "components", "services", "dependencies"}
COMPONENT_KEYS = frozenset(
    (
        *("type", "bom-ref", "name", "version", "description", "scope", "hashes", "licenses"),
        *("purl", "pedigree", "externalReferences", "properties", "components", "evidence"),
        *ML_FIELDS,  # not modelled by the library: left out
    )
)
ANCESTOR_KEYS = frozenset(("type", "bom-ref", "name", "version", "purl"))
TOOL_KEYS = frozenset(("type", "name", "version"))
SERVICE_KEYS = frozenset(("bom-ref", "name", "version", "description", "properties"))
LICENSE_KEYS = frozenset(("name", "acknowledgement", "text", "properties"))
SCOPES = frozenset(("required", "optional", "excluded"))
ACKNOWLEDGEMENTS = frozenset(("declared", "concluded"))
ENUMS = {
    "component-type": ("definitions", "component", "properties", "type"),
    "hash-alg": ("definitions", "hash-alg"),
    "reference-type": ("definitions", "externalReference", "properties", "type"),
}
_UTC_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
_SERIAL = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Unsupported(Exception):
    """The document holds something the library may write otherwise than this module."""


def library_text(doc: Json, spec: str) -> str | None:
    """The compact XML the library writes for `doc` (our 1.6 document); None if unsure."""
    if spec not in SPECS or any(key not in BOM_KEYS for key in doc):
        return None  # vulnerabilities, among others: the library re-sorts their records
    writer = _Writer(spec)
    try:
        writer.bom(doc)
    except Unsupported:
        return None
    return "".join(writer.out)


def _string(node: Json, key: str) -> str:
    value = node.get(key)
    if not isinstance(value, str):
        raise Unsupported(key)
    return value


def _items(node: Json, key: str) -> list[Any]:
    """A non-empty list (the library leaves empty lists out)."""
    value = node.get(key)
    if not isinstance(value, list) or not value:
        raise Unsupported(key)
    return value


def _check(node: object, keys: frozenset[str], kind: str) -> Json:
    if not isinstance(node, dict) or any(key not in keys for key in node):
        raise Unsupported(kind)
    return node


class _Writer:
    """Appends the library's XML for one document, element by element, to `out`."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.out: list[str] = []
        self.enums = {kind: schema_enum(spec, *path) for kind, path in ENUMS.items()}

    def enum(self, value: object, kind: str) -> str:
        if not isinstance(value, str) or value not in self.enums[kind]:
            raise Unsupported(f"{kind} {value!r}")
        return value

    def leaf(self, tag: str, escaped: str) -> None:
        self.out.append(f"<{tag}>{escaped}</{tag}>")

    def acknowledgement(self, node: Json) -> str:
        """The attribute (1.6 only)."""
        if "acknowledgement" not in node:
            return ""
        value = node["acknowledgement"]
        if value not in ACKNOWLEDGEMENTS:
            raise Unsupported(f"acknowledgement {value!r}")
        return f' acknowledgement="{value}"' if self.spec == "1.6" else ""

    def bom(self, doc: Json) -> None:
        serial, version = _string(doc, "serialNumber"), doc.get("version")
        if not _SERIAL.fullmatch(serial) or type(version) is not int:  # as the library has them
            raise Unsupported("serial number or version")
        xmlns = NAMESPACE.format(self.spec)
        self.out.append(f'<bom xmlns="{xmlns}" serialNumber="{serial}" version="{version}">')
        self.metadata(
            _check(doc.get("metadata"), frozenset(("timestamp", "tools", "component")), "m")
        )
        if "components" in doc:
            self.components(_items(doc, "components"))
        if "services" in doc:
            self.services(_items(doc, "services"))
        if "dependencies" in doc:
            self.dependencies(_items(doc, "dependencies"))
        self.out.append("</bom>")

    def metadata(self, node: Json) -> None:
        self.out.append("<metadata>")
        if "timestamp" in node:  # without one the library writes "now", which the writer drops
            if not _UTC_SECOND.fullmatch(stamp := _string(node, "timestamp")):
                raise Unsupported("timestamp")
            self.leaf("timestamp", stamp)
        if "tools" in node:
            tools = _items(_check(node["tools"], frozenset(("components",)), "tools"), "components")
            if len(tools) != 1:  # the library's order of several tools is not modelled here
                raise Unsupported("tools")
            self.out.append("<tools><components>")
            self.component(_check(tools[0], TOOL_KEYS, "tool"))
            self.out.append("</components></tools>")
        if "component" in node:
            self.component(_check(node["component"], COMPONENT_KEYS, "component"))
        self.out.append("</metadata>")

    def components(self, items: list[Any]) -> None:
        nodes = [_check(item, COMPONENT_KEYS, "component") for item in items]
        nodes.sort(key=lambda c: _string(c, "bom-ref"))  # as the writer sorts the library's
        self.out.append("<components>")
        for node in nodes:
            self.component(node)
        self.out.append("</components>")

    def component(self, node: Json) -> None:
        """A component (or a tool, or a pedigree ancestor: checked for their keys before)."""
        out = self.out
        ref = f' bom-ref="{attribute(_string(node, "bom-ref"))}"' if "bom-ref" in node else ""
        out.append(f'<component type="{self.enum(node.get("type"), "component-type")}"{ref}>')
        self.leaf("name", cdata(normalized(_string(node, "name"))))
        for key in ("version", "description"):
            if key in node:
                self.leaf(key, cdata(normalized(_string(node, key))))
        if "scope" in node:
            if node["scope"] not in SCOPES:
                raise Unsupported("scope")
            self.leaf("scope", node["scope"])
        if "hashes" in node:
            self.hashes(_items(node, "hashes"))
        if "licenses" in node:
            self.licenses(_items(node, "licenses"))
        if "purl" in node:
            if (purl := canonical_purl(_string(node, "purl"))) is None:
                raise Unsupported("purl")
            self.leaf("purl", cdata(purl))
        if "pedigree" in node:
            self.pedigree(_check(node["pedigree"], frozenset(("ancestors", "notes")), "pedigree"))
        if "externalReferences" in node:
            self.references(_items(node, "externalReferences"))
        if "properties" in node:
            self.properties(_items(node, "properties"))
        if "components" in node:
            self.components(_items(node, "components"))
        if "evidence" in node:
            self.evidence(_check(node["evidence"], frozenset(("occurrences", "licenses")), "ev"))
        out.append("</component>")

    def hashes(self, items: list[Any]) -> None:
        self.out.append("<hashes>")
        for item in items:
            hash_ = _check(item, frozenset(("alg", "content")), "hash")
            alg = self.enum(hash_.get("alg"), "hash-alg")
            self.out.append(f'<hash alg="{alg}">{cdata(token(_string(hash_, "content")))}</hash>')
        self.out.append("</hashes>")

    def licenses(self, items: list[Any]) -> None:
        self.out.append("<licenses>")
        for item in items:
            if isinstance(item, dict) and "expression" in item:
                if len(items) != 1:  # the library would not mix an expression with others
                    raise Unsupported("licenses")
                expression = _check(item, frozenset(("expression", "acknowledgement")), "expr")
                text = cdata(normalized(_string(expression, "expression")))
                self.out.append(
                    f"<expression{self.acknowledgement(expression)}>{text}</expression>"
                )
            else:
                choice = _check(item, frozenset(("license",)), "license choice")
                self.license(_check(choice.get("license"), LICENSE_KEYS, "license"))
        self.out.append("</licenses>")

    def license(self, node: Json) -> None:
        self.out.append(f"<license{self.acknowledgement(node)}>")
        self.leaf("name", cdata(normalized(_string(node, "name"))))
        if "text" in node:
            self.attachment(
                _check(node["text"], frozenset(("content", "contentType", "encoding")), "t")
            )
        if "properties" in node:
            self.properties(_items(node, "properties"))
        self.out.append("</license>")

    def attachment(self, node: Json) -> None:
        kind = attribute(normalized(_string(node, "contentType")))
        encoding = ""
        if "encoding" in node:
            if node["encoding"] != "base64":
                raise Unsupported("encoding")
            encoding = ' encoding="base64"'
        content = cdata(_string(node, "content"))
        self.out.append(f'<text content-type="{kind}"{encoding}>{content}</text>')

    def pedigree(self, node: Json) -> None:
        self.out.append("<pedigree>")
        if "ancestors" in node:
            self.out.append("<ancestors>")
            for ancestor in _items(node, "ancestors"):
                self.component(_check(ancestor, ANCESTOR_KEYS, "ancestor"))
            self.out.append("</ancestors>")
        if "notes" in node:
            self.leaf("notes", cdata(_string(node, "notes")))
        self.out.append("</pedigree>")

    def references(self, items: list[Any]) -> None:
        self.out.append("<externalReferences>")
        for item in items:
            ref = _check(item, frozenset(("type", "url", "comment")), "reference")
            self.out.append(f'<reference type="{self.enum(ref.get("type"), "reference-type")}">')
            self.leaf("url", cdata(_string(ref, "url")))
            if "comment" in ref:
                self.leaf("comment", cdata(_string(ref, "comment")))
            self.out.append("</reference>")
        self.out.append("</externalReferences>")

    def properties(self, items: list[Any]) -> None:
        out = self.out
        out.append("<properties>")
        for item in items:
            prop = _check(item, frozenset(("name", "value")), "property")
            name, value = (
                attribute(_string(prop, "name")),
                cdata(normalized(_string(prop, "value"))),
            )
            out.append(f'<property name="{name}">{value}</property>')
        out.append("</properties>")

    def evidence(self, node: Json) -> None:
        self.out.append("<evidence>")
        if "occurrences" in node:
            self.occurrences(_items(node, "occurrences"))
        if "licenses" in node:
            self.licenses(_items(node, "licenses"))
        self.out.append("</evidence>")

    def occurrences(self, items: list[Any]) -> None:
        places = [
            _place(_check(item, frozenset(("location", "line")), "occurrence")) for item in items
        ]
        if len(set(places)) != len(places):  # the library's handling of duplicates: not modelled
            raise Unsupported("occurrences")
        # by place as the parser reads it back, as the writer sorts the library's output
        places.sort(key=lambda p: (line_ends(p[0]), -1 if p[1] is None else p[1]))
        out = self.out
        out.append("<occurrences>")
        for location, line in places:
            at = "" if line is None or self.spec != "1.6" else f"<line>{line}</line>"
            out.append(f"<occurrence><location>{cdata(location)}</location>{at}</occurrence>")
        out.append("</occurrences>")

    def services(self, items: list[Any]) -> None:
        nodes = [_service(item) for item in items]
        nodes.sort(key=_service_order)  # the library's order, as `cyclonedx15` has it
        self.out.append("<services>")
        for node in nodes:
            self.out.append(f'<service bom-ref="{attribute(_string(node, "bom-ref"))}">')
            for key in ("name", "version", "description"):
                if key in node or key == "name":
                    self.leaf(key, cdata(normalized(_string(node, key))))
            if "properties" in node:
                self.properties(_items(node, "properties"))
            self.out.append("</service>")
        self.out.append("</services>")

    def dependencies(self, items: Iterable[Any]) -> None:
        out = self.out
        out.append("<dependencies>")
        for item in items:
            entry = _check(item, frozenset(("ref", "dependsOn")), "dependency")
            ref = attribute(_string(entry, "ref"))
            if "dependsOn" not in entry:
                out.append(f'<dependency ref="{ref}"/>')
                continue
            out.append(f'<dependency ref="{ref}">')
            for child in _items(entry, "dependsOn"):
                if not isinstance(child, str):
                    raise Unsupported("dependsOn")
                out.append(f'<dependency ref="{attribute(child)}"/>')
            out.append("</dependency>")
        out.append("</dependencies>")


def _place(occurrence: Json) -> tuple[str, int | None]:
    line = occurrence.get("line")
    if line is not None and type(line) is not int:
        raise Unsupported("line")
    return _string(occurrence, "location"), line


def _service(item: object) -> Json:
    """A service whose name and bom-ref (which order services) are strings."""
    node = _check(item, SERVICE_KEYS, "service")
    _string(node, "name")
    _string(node, "bom-ref")
    return node


def _service_order(service: Json) -> tuple[str, bool, str, str]:
    """The library's service order: name, version (none last), bom-ref (unique)."""
    version = service.get("version")
    return service["name"], version is None, str(version or ""), service["bom-ref"]
