"""The fast validators agree with cyclonedx-python-lib's (jsonschema, and its XSD check)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import validate as v
from scanner.model import ScanResult

LIBRARY = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5}
SPECS = ["1.6", "1.5"]
Mutation = Callable[[dict[str, Any]], None]


def library_accepts(document: dict[str, Any], spec: str) -> bool:
    return JsonStrictValidator(LIBRARY[spec]).validate_str(json.dumps(document)) is None


def ours_accepts(document: dict[str, Any], spec: str) -> bool:
    try:
        v.validate_json(document, spec)
    except v.BomValidationError:
        return False
    return True


@pytest.fixture
def base(scan_result: ScanResult, request: pytest.FixtureRequest) -> dict[str, Any]:
    text = BOM_WRITERS["cyclonedx-json"].render(scan_result, BomOptions(spec_version=request.param))
    document: dict[str, Any] = json.loads(text)
    return document


def first(doc: dict[str, Any]) -> dict[str, Any]:
    comp: dict[str, Any] = doc["components"][0]
    return comp


def setter(path: str, value: Any) -> Mutation:
    """A mutation setting `value` at a dotted path (numbers index lists)."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def deleter(path: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[last]

    return mutate


URL = "components.0.externalReferences"
INVALID: dict[str, Mutation] = {
    "bad enum": setter("components.0.type", "lib"),
    "bad scope": setter("components.0.scope", "mandatory"),
    "missing name": deleter("components.0.name"),
    "missing bomFormat": deleter("bomFormat"),
    "bomFormat not CycloneDX": setter("bomFormat", "SPDX"),
    "wrong type version": setter("components.0.version", 1),
    "bool for integer": setter("version", True),
    "fraction for integer": setter("version", 1.5),
    "integer below minimum": setter("version", 0),
    "LicenseRef id": setter("components.0.licenses", [{"license": {"id": "LicenseRef-x"}}]),
    "unknown SPDX id": setter("components.0.licenses", [{"license": {"id": "Apache-2"}}]),
    "id and name": setter("components.0.licenses", [{"license": {"id": "MIT", "name": "x"}}]),
    "expression beside a license": setter(
        "components.0.licenses", [{"expression": "MIT"}, {"license": {"name": "x"}}]
    ),
    "additional property": setter("components.0.colour", "red"),
    "additional top-level property": setter("extra", 1),
    "bad date-time": setter("metadata.timestamp", "2024-13-01T00:00:00Z"),
    "date-time 30 February": setter("metadata.timestamp", "2024-02-30T00:00:00Z"),
    "date-time without zone": setter("metadata.timestamp", "2024-01-01T00:00:00"),
    "date-time with a space": setter("metadata.timestamp", "2024-01-01 00:00:00Z"),
    "date-time year 0": setter("metadata.timestamp", "0000-01-01T00:00:00Z"),
    "bad serial": setter("serialNumber", "urn:uuid:not-a-uuid"),
    "upper-case serial": setter("serialNumber", "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79"),
    "bad hash content": setter("components.0.hashes", [{"alg": "SHA-256", "content": "xyz"}]),
    "bad hash alg": setter("components.0.hashes", [{"alg": "SHA-257", "content": "a" * 64}]),
    "url with a space": setter(URL, [{"type": "website", "url": "https://a b"}]),
    "url with two fragments": setter(URL, [{"type": "website", "url": "https://a/#x#y"}]),
    "url with stray percent": setter(URL, [{"type": "website", "url": "https://a/%zz"}]),
    "url ipv6 shorthand": setter(URL, [{"type": "website", "url": "http://[::1]/"}]),
    "bad external ref type": setter(URL, [{"type": "homepage", "url": "https://a"}]),
    "occurrence without location": setter("components.0.evidence", {"occurrences": [{}]}),
    "e-mail without @": setter("metadata.authors", [{"name": "a", "email": "nobody"}]),
    "duplicate dependsOn": setter("dependencies.0.dependsOn", ["x", "x"]),
    "dependency without ref": setter("dependencies.0", {"dependsOn": []}),
    "empty bom-ref": setter("components.0.bom-ref", ""),
    "property not an object": setter("components.0.properties", ["a=b"]),
    "confidence above 1": setter(
        "components.0.evidence", {"identity": [{"field": "name", "confidence": 2}]}
    ),
}


def duplicate(path: str, index: int = 0, change: dict[str, Any] | None = None) -> Mutation:
    """Append a copy of the list item at `path`[index], optionally changed."""

    def mutate(doc: dict[str, Any]) -> None:
        node: Any = doc
        for key in path.split("."):
            node = node[int(key)] if key.isdigit() else node[key]
        node.append({**copy.deepcopy(node[index]), **(change or {})})

    return mutate


def with_key(doc: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in doc["components"] if key in c)
    return found


INVALID.update(
    {
        "duplicate component": duplicate("components"),
        "duplicate nested component": lambda doc: duplicate("components")(
            next(c for c in doc["components"] if "components" in c)
        ),
        "duplicate dependency": duplicate("dependencies"),
    }
)
AGREE: dict[str, Mutation] = {
    "duplicate hash": lambda doc: duplicate("hashes")(with_key(doc, "hashes")),
    "same bom-ref, other content": duplicate("components", 0, {"name": "other"}),
    "duplicate property": duplicate("components.0.properties"),
    "duplicate external reference": lambda doc: duplicate("externalReferences")(
        with_key(doc, "externalReferences")
    ),
    "same ref, other dependsOn": duplicate("dependencies", 0, {"dependsOn": ["x"]}),
}


VALID: dict[str, Mutation] = {
    "as written": lambda doc: None,
    "purl is not checked": setter("components.0.purl", "not a purl"),
    "lower-case date-time": setter("metadata.timestamp", "2024-01-01t00:00:00z"),
    "date-time with offset and fraction": setter(
        "metadata.timestamp", "2024-02-29T23:59:59.5+05:30"
    ),
    "date-time trailing newline": setter("metadata.timestamp", "2024-01-01T00:00:00Z\n"),
    "serial trailing newline": setter(
        "serialNumber", "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\n"
    ),
    "relative url": setter(URL, [{"type": "website", "url": "docs/index.html"}]),
    "empty url": setter(URL, [{"type": "website", "url": ""}]),
    "non-ASCII url": setter(URL, [{"type": "website", "url": "https://bücher.de/straße"}]),
    "full ipv6 url": setter(URL, [{"type": "vcs", "url": "git://[1:2:3:4:5:6:7:8]/r"}]),
    "e-mail without dot": setter("metadata.authors", [{"name": "a", "email": "a@b"}]),
    "SPDX id": setter("components.0.licenses", [{"license": {"id": "Apache-2.0"}}]),
    "LicenseRef in expression": setter(
        "components.0.licenses", [{"expression": "MIT OR LicenseRef-llama3"}]
    ),
    "two named licenses": setter(
        "components.0.licenses", [{"license": {"name": "a"}}, {"license": {"name": "b"}}]
    ),
    "integer as float": setter("version", 1.0),
    "model card": setter("components.0.modelCard", {"modelParameters": {"task": "fill-mask"}}),
}
ONLY_16: dict[str, Mutation] = {
    "acknowledgement": setter(
        "components.0.licenses", [{"expression": "MIT", "acknowledgement": "declared"}]
    ),
    "occurrence line": setter(
        "components.0.evidence", {"occurrences": [{"location": "a", "line": 3}]}
    ),
    "source-distribution ref": setter(URL, [{"type": "source-distribution", "url": "https://a"}]),
    "cryptographic-asset": setter("components.0.type", "cryptographic-asset"),
}


def check_agreement(base: dict[str, Any], mutate: Mutation, spec: str) -> tuple[bool, bool]:
    document = copy.deepcopy(base)
    mutate(document)
    return ours_accepts(document, spec), library_accepts(document, spec)


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_boms_are_rejected_by_both(base: dict[str, Any], case: str) -> None:
    spec = base["specVersion"]
    assert check_agreement(base, INVALID[case], spec) == (False, False)


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(VALID))
def test_valid_boms_are_accepted_by_both(base: dict[str, Any], case: str) -> None:
    spec = base["specVersion"]
    assert check_agreement(base, VALID[case], spec) == (True, True)


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(AGREE))
def test_uniqueness_edge_cases_agree(base: dict[str, Any], case: str) -> None:
    ours, library = check_agreement(base, AGREE[case], base["specVersion"])
    assert ours == library


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(ONLY_16))
def test_16_fields_pass_16_and_fail_15_for_both(base: dict[str, Any], case: str) -> None:
    spec = base["specVersion"]
    expected = (spec == "1.6", spec == "1.6")
    assert check_agreement(base, ONLY_16[case], spec) == expected


@pytest.mark.parametrize("base", ["1.6"], indirect=True)
def test_a_16_bom_fails_the_15_schema(base: dict[str, Any]) -> None:
    assert not ours_accepts(base, "1.5")
    assert not library_accepts(base, "1.5")


@pytest.mark.parametrize("base", ["1.6"], indirect=True)
def test_validation_leaves_the_document_alone(base: dict[str, Any]) -> None:
    before = copy.deepcopy(base)
    v.validate_json(base, "1.6")
    assert base == before  # e.g. no schema defaults ("scope": "required") filled in


def test_text_input_and_error_message() -> None:
    v.validate_json('{"bomFormat": "CycloneDX", "specVersion": "1.6"}', "1.6")
    with pytest.raises(v.BomValidationError, match=r"CycloneDX 1.5 JSON schema: data must contain"):
        v.validate_json("{}", "1.5")


def test_names_the_writers_import_stay_here() -> None:
    """Writers import these from `scanner.bom.validate`, whichever module defines them."""
    from scanner.bom.validate import VERSIONS, clean_url, schema_enum, validate_xml

    assert sorted(VERSIONS) == ["1.5", "1.6"]
    assert callable(validate_xml)
    assert clean_url("https://x/ a") == "https://x/%20a"
    assert "SHA-256" in schema_enum("1.6", "definitions", "hash-alg")


def test_unknown_spec_version() -> None:
    with pytest.raises(ValueError, match=r"1\.2"):
        v.validate_json({}, "1.2")


# -- XML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS)
def test_xml_validation_agrees_with_library(spec: str, scan_result: ScanResult) -> None:
    text = BOM_WRITERS["cyclonedx-xml"].render(scan_result, BomOptions(spec_version=spec))
    v.validate_xml(text, spec)
    broken = [
        text.replace('type="library"', 'type="lib"', 1),
        text.replace("<name>", "<nom>", 1).replace("</name>", "</nom>", 1),
        text.replace("</metadata>", "<extra/></metadata>", 1),
    ]
    for bad in broken:
        assert XmlValidator(LIBRARY[spec]).validate_str(bad) is not None
        with pytest.raises(v.BomValidationError, match=f"CycloneDX {spec} XML schema"):
            v.validate_xml(bad, spec)


def test_xml_is_parsed_without_network_or_entities() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">&e;</bom>'
    )
    with pytest.raises(v.BomValidationError):
        v.validate_xml(evil.encode(), "1.6")
