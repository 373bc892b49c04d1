"""The CycloneDX writers: content, licenses, graph, spec versions, XML, determinism."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator
from lxml import etree

from scanner import __version__
from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import cyclonedx as cdx
from scanner.bom import cyclonedx_document as doc_module
from scanner.bom.mlbom import without_ml_fields
from scanner.bom.validate import BomValidationError
from scanner.model import Component, ComponentType, Edge, Hash, Location, ScanResult
from tests.scanner.bom.conftest import (
    BERT,
    FASTAPI,
    FIXED_SERIAL,
    FIXED_TIME,
    NUMPY,
    NUMPY_LICENSE,
    NVIDIA,
    PIP,
    PYTEST,
    REQUESTS,
    ROOT,
    SAFETENSORS,
    SERDE,
    SHA,
    SQUAD,
    SUB,
    TOKENIZERS,
    URLLIB3,
)

REPO = Path(__file__).resolve().parents[3]
JSON = BOM_WRITERS["cyclonedx-json"]
XML = BOM_WRITERS["cyclonedx-xml"]
LIBRARY_SCHEMA = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5}
NS = "{http://cyclonedx.org/schema/bom/1.6}"
FIXED = BomOptions(timestamp=FIXED_TIME, serial_number=FIXED_SERIAL)


def render(result: ScanResult, **options: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(JSON.render(result, BomOptions(**options)))
    return document


def by_ref(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    stack = list(document.get("components", []))
    while stack:
        comp = stack.pop()
        found[comp["bom-ref"]] = comp
        stack.extend(comp.get("components", []))
    return found


def props(comp: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in comp.get("properties", [])]


def test_registry_holds_both_formats() -> None:
    assert sorted(BOM_WRITERS) == ["cyclonedx-json", "cyclonedx-xml", "spdx-json"]
    assert all(name == writer.name for name, writer in BOM_WRITERS.items())


def test_metadata_describes_project_tool_time_and_serial(scan_result: ScanResult) -> None:
    doc = json.loads(JSON.render(scan_result, FIXED))
    assert list(doc)[:6] == [
        "$schema",
        "bomFormat",
        "specVersion",
        "serialNumber",
        "version",
        "metadata",
    ]
    assert doc["specVersion"] == "1.6"
    assert doc["serialNumber"] == f"urn:uuid:{FIXED_SERIAL}"
    meta = doc["metadata"]
    assert meta["timestamp"] == "2024-06-01T12:30:45+00:00"
    assert meta["tools"]["components"] == [
        {"name": "aibom", "type": "application", "version": __version__}
    ]
    project = meta["component"]
    assert project["bom-ref"] == ROOT
    assert (project["type"], project["name"], project["version"]) == (
        "application",
        "demo",
        "1.2.0",
    )
    assert project["licenses"] == [{"acknowledgement": "declared", "expression": "MIT"}]
    assert project["evidence"]["occurrences"] == [{"line": 1, "location": "pyproject.toml"}]
    assert "scope" not in project
    assert ROOT not in by_ref(doc)


def test_one_component_per_dependency_with_its_fields(scan_result: ScanResult) -> None:
    doc = render(scan_result)
    comps = by_ref(doc)
    top = [c["bom-ref"] for c in doc["components"]]
    assert top == sorted(top)
    assert set(top) == {c.bom_ref for c in scan_result.components} - {ROOT}
    requests = comps[REQUESTS]
    assert requests["purl"] == REQUESTS
    assert requests["version"] == "2.32.3"
    assert requests["type"] == "library"
    assert requests["scope"] == "required"
    assert requests["description"] == "Python HTTP for Humans."
    assert requests["hashes"] == [{"alg": "SHA-256", "content": SHA}]
    assert requests["evidence"]["occurrences"] == [
        {"line": 8, "location": "pyproject.toml"},
        {"line": 40, "location": "uv.lock"},
    ]
    assert ("aibom:origin", "pyproject,uv-lock") in props(requests)
    assert ("aibom:index", "https://pypi.org/simple") in props(requests)
    assert ("aibom:version-spec", ">=2.31") in props(requests)
    assert ("aibom:hash", "SHA-256:not-a-digest") in props(requests)
    assert ("aibom:reachable", "false") not in props(requests)


def test_model_data_and_sub_project_types(scan_result: ScanResult) -> None:
    comps = by_ref(render(scan_result))
    assert comps[BERT]["type"] == "machine-learning-model"
    assert comps[BERT]["evidence"]["occurrences"] == [{"line": 12, "location": "app/model.py"}]
    assert comps[SQUAD]["type"] == "data"
    assert comps[SUB]["type"] == "application"
    assert comps[SUB]["name"] == "api"


@pytest.mark.parametrize("kind", [k for k in ComponentType if k is not ComponentType.SERVICE])
def test_every_component_type_maps(kind: ComponentType, empty_result: ScanResult) -> None:
    comp = Component(bom_ref="x", type=kind, name="x")
    result = dataclasses.replace(empty_result, components=(comp,))
    assert by_ref(render(result))["x"]["type"] == kind.value


def test_external_references_cleaned_or_kept_as_properties(scan_result: ScanResult) -> None:
    requests = by_ref(render(scan_result))[REQUESTS]
    refs = {(r["type"], r["url"], r.get("comment")) for r in requests["externalReferences"]}
    assert refs == {
        ("distribution", "https://files.pythonhosted.org/requests-2.32.3.tar.gz", None),
        ("vcs", "git+https://github.com/psf/requests@v2.32.3", "tag"),
        ("website", "https://example.com/a%20path%7Cwith%7Bbad%7Dchars", None),
        ("other", "https://requests.readthedocs.io", "homepage"),
    }
    # an IPv6 literal cannot be made valid for the schema's IRI grammar: kept, not dropped
    assert ("aibom:external-reference", "documentation http://[::1]/docs") in props(requests)


def test_scopes_reachability_and_groups(scan_result: ScanResult) -> None:
    comps = by_ref(render(scan_result))
    assert comps[PYTEST]["scope"] == "optional"
    assert ("aibom:dependency-group", "dev") in props(comps[PYTEST])
    assert comps[NVIDIA]["scope"] == "excluded"
    assert ("aibom:reachable", "false") in props(comps[PIP])


def test_normalised_license_is_an_expression_and_raw_values_are_evidence(
    scan_result: ScanResult,
) -> None:
    requests = by_ref(render(scan_result))[REQUESTS]
    assert requests["licenses"] == [{"acknowledgement": "declared", "expression": "Apache-2.0"}]
    evidence = [e["license"] for e in requests["evidence"]["licenses"]]
    assert [e["name"] for e in evidence] == [
        "Apache 2.0",
        "License :: OSI Approved :: Apache Software License",
    ]
    assert evidence[0]["properties"] == [
        {"name": "aibom:license-source", "value": "license uv.lock:40"}
    ]
    assert all("id" not in e for e in evidence)


def test_raw_license_becomes_a_named_license(scan_result: ScanResult) -> None:
    urllib3 = by_ref(render(scan_result))[URLLIB3]
    assert urllib3["licenses"] == [
        {
            "license": {
                "acknowledgement": "declared",
                "name": "MIT License",
                "properties": [{"name": "aibom:license-source", "value": "license"}],
            }
        }
    ]
    assert "evidence" not in urllib3 or "licenses" not in urllib3["evidence"]


def test_long_license_text_keeps_every_byte(scan_result: ScanResult) -> None:
    numpy = by_ref(render(scan_result))[NUMPY]
    (entry,) = numpy["licenses"]
    assert entry["license"]["name"] == "Copyright (c) 2005-2024, NumPy Developers."
    text = entry["license"]["text"]
    # a form feed cannot appear in XML 1.0, so the text travels base64-encoded
    assert text["encoding"] == "base64"
    assert base64.b64decode(text["content"]).decode("utf-8") == NUMPY_LICENSE


def test_long_text_without_control_characters_is_attached_as_is(
    empty_result: ScanResult,
) -> None:
    from scanner.model import LicenseEvidence

    value = "BSD 3-Clause License\n\nCopyright (c) 2024, Someone\nAll rights reserved."
    comp = Component(
        bom_ref="x",
        type=ComponentType.LIBRARY,
        name="x",
        license_raw=(LicenseEvidence(kind="license", value=value),),
    )
    doc = render(dataclasses.replace(empty_result, components=(comp,)))
    license_ = by_ref(doc)["x"]["licenses"][0]["license"]
    assert license_["name"] == "BSD 3-Clause License"
    assert license_["text"] == {"content": value, "contentType": "text/plain"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MIT", "MIT"),
        ("  MIT  License ", "MIT License"),
        ("\n\nFirst line\nsecond", "First line"),
        ("word " * 30, ("word " * 16).strip() + "..."),
        ("x" * 100, "x" * 80 + "..."),
        ("bad\x00char", "bad\ufffdchar"),
    ],
)
def test_short_name(raw: str, expected: str) -> None:
    assert doc_module.short_name(raw) == expected


def test_nested_components_get_unique_refs(scan_result: ScanResult) -> None:
    doc = render(scan_result)
    comps = by_ref(doc)
    safetensors, tokenizers = comps[SAFETENSORS], comps[TOKENIZERS]
    assert [c["bom-ref"] for c in safetensors["components"]] == [SERDE]
    assert [c["bom-ref"] for c in tokenizers["components"]] == [f"{TOKENIZERS}|{SERDE}"]
    assert tokenizers["components"][0]["purl"] == SERDE
    refs = [c["bom-ref"] for c in comps.values()] + [ROOT]
    assert len(refs) == len(set(refs))


def test_dependencies_hold_the_real_graph(scan_result: ScanResult) -> None:
    doc = render(scan_result)
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert set(deps) == set(by_ref(doc)) | {ROOT}
    assert deps[ROOT] == sorted([REQUESTS, NUMPY, TOKENIZERS, BERT, SQUAD, PYTEST, NVIDIA, SUB])
    assert deps[REQUESTS] == [URLLIB3]  # the edge to a ref not in the graph is left out
    assert deps[SUB] == [FASTAPI, REQUESTS]
    assert deps[URLLIB3] == []
    assert deps[PIP] == []
    assert [d["ref"] for d in doc["dependencies"]] == sorted(deps)


def test_empty_project_is_still_a_valid_bom(empty_result: ScanResult) -> None:
    doc = render(empty_result)
    assert doc["metadata"]["component"]["name"] == "empty"
    assert doc["dependencies"] == [{"ref": ROOT}]
    assert "components" not in doc


@pytest.mark.parametrize("spec", ["1.6", "1.5"])
@pytest.mark.parametrize("writer", [JSON, XML])
def test_library_validator_accepts_every_output(
    writer: Any, spec: str, scan_result: ScanResult
) -> None:
    text = writer.render(scan_result, BomOptions(spec_version=spec))
    validator = (JsonStrictValidator if writer is JSON else XmlValidator)(LIBRARY_SCHEMA[spec])
    assert validator.validate_str(text) is None


def test_spec_15_drops_what_it_lacks(scan_result: ScanResult) -> None:
    doc = render(scan_result, spec_version="1.5")
    assert doc["specVersion"] == "1.5"
    assert doc["$schema"] == "http://cyclonedx.org/schema/bom-1.5.schema.json"
    requests = by_ref(doc)[REQUESTS]
    assert requests["licenses"] == [{"expression": "Apache-2.0"}]  # no acknowledgement
    assert requests["evidence"]["occurrences"] == [
        {"location": "pyproject.toml"},
        {"location": "uv.lock"},
    ]  # occurrences exist in 1.5, their line does not


def test_same_input_and_options_give_identical_bytes(scan_result: ScanResult) -> None:
    for writer in (JSON, XML):
        assert writer.render(scan_result, FIXED) == writer.render(scan_result, FIXED)


def test_reproducible_serial_is_derived_from_content(scan_result: ScanResult) -> None:
    options = BomOptions(reproducible=True, timestamp=FIXED_TIME)
    first = JSON.render(scan_result, options)
    assert first == JSON.render(scan_result, options)
    serial = json.loads(first)["serialNumber"]
    assert UUID(serial.removeprefix("urn:uuid:")).version == 5
    later = BomOptions(reproducible=True, timestamp=datetime(2030, 1, 1, tzinfo=UTC))
    assert json.loads(JSON.render(scan_result, later))["serialNumber"] == serial
    changed = dataclasses.replace(scan_result, edges=scan_result.edges[:-2])
    assert json.loads(JSON.render(changed, options))["serialNumber"] != serial
    root = etree.fromstring(XML.render(scan_result, options).encode())
    assert root.get("serialNumber") == serial


def test_reproducible_without_timestamp_has_none(scan_result: ScanResult) -> None:
    doc = render(scan_result, reproducible=True)
    assert "timestamp" not in doc["metadata"]


def test_default_serial_is_random_and_time_is_now(scan_result: ScanResult) -> None:
    first, second = render(scan_result), render(scan_result)
    assert first["serialNumber"] != second["serialNumber"]
    stamp = datetime.fromisoformat(first["metadata"]["timestamp"])
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60


def test_naive_timestamp_is_taken_as_utc() -> None:
    options = BomOptions(timestamp=datetime(2024, 1, 2, 3, 4, 5, 999))
    assert doc_module.timestamp(options) == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_unknown_spec_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.4"):
        BomOptions(spec_version="1.4")


def test_xml_has_the_same_content_in_the_same_order(scan_result: ScanResult) -> None:
    doc = json.loads(JSON.render(scan_result, FIXED))
    root = etree.fromstring(XML.render(scan_result, FIXED).encode())
    assert root.tag == f"{NS}bom"
    assert root.get("serialNumber") == doc["serialNumber"]
    xml_top = [c.get("bom-ref") for c in root.find(f"{NS}components")]
    assert xml_top == [c["bom-ref"] for c in doc["components"]]
    xml_deps = [d.get("ref") for d in root.find(f"{NS}dependencies")]
    assert xml_deps == [d["ref"] for d in doc["dependencies"]]
    model = root.find(f"{NS}components/{NS}component[@bom-ref='{BERT}']")
    assert model is not None
    assert model.get("type") == "machine-learning-model"


def test_xml_15(scan_result: ScanResult) -> None:
    text = XML.render(scan_result, BomOptions(spec_version="1.5"))
    assert 'xmlns="http://cyclonedx.org/schema/bom/1.5"' in text
    assert XmlValidator(SchemaVersion.V1_5).validate_str(text) is None


@pytest.mark.parametrize(
    ("writer", "spec"), [(JSON, "1.6"), (JSON, "1.5"), (XML, "1.6"), (XML, "1.5")]
)
def test_invalid_bom_raises_instead_of_being_written(
    writer: Any, spec: str, scan_result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = doc_module.document

    def corrupt(result: ScanResult, options: BomOptions) -> dict[str, Any]:
        doc = original(result, options)
        doc["components"][0]["hashes"] = [{"alg": "SHA-256", "content": "xyz"}]
        return doc

    monkeypatch.setattr(cdx, "document", corrupt)
    with pytest.raises(BomValidationError, match=f"CycloneDX {spec}"):
        writer.render(scan_result, BomOptions(spec_version=spec))


def test_unparsable_purl_and_odd_hash_are_kept(empty_result: ScanResult) -> None:
    comp = Component(
        bom_ref="x",
        type=ComponentType.LIBRARY,
        name="x",
        purl="not a purl",
        hashes=(Hash(alg="SHA-999", value=SHA), Hash(alg="MD5", value="a" * 32)),
    )
    result = dataclasses.replace(
        empty_result, components=(comp,), edges=(Edge(parent=ROOT, child="x"),)
    )
    x = by_ref(render(result))["x"]
    assert "purl" not in x
    assert ("aibom:purl", "not a purl") in props(x)
    assert x["hashes"] == [{"alg": "MD5", "content": "a" * 32}]
    assert ("aibom:hash", f"SHA-999:{SHA}") in props(x)


def test_control_characters_are_replaced_in_plain_strings(empty_result: ScanResult) -> None:
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", description="a\x1bb")
    result = dataclasses.replace(empty_result, components=(comp,))
    assert by_ref(render(result))["x"]["description"] == "a\ufffdb"
    assert "\ufffd" in XML.render(result, BomOptions())


RENDER_IN_CHILD = """
import json, sys
from tests.scanner.bom.conftest import FIXED_TIME, ProjectInfo, ROOT, ScanResult
from tests.scanner.bom.conftest import _components, _edges
from scanner.bom import BOM_WRITERS, BomOptions
result = ScanResult(
    project=ProjectInfo(root=".", bom_ref=ROOT, name="demo", version="1.2.0", license="MIT"),
    components=_components(), edges=_edges(),
)
outputs = [
    writer.render(result, BomOptions(spec_version=spec, timestamp=FIXED_TIME, reproducible=True))
    for writer in BOM_WRITERS.values()
    for spec in ("1.6", "1.5")
]
sys.stdout.write(json.dumps(outputs))
"""


def test_output_does_not_depend_on_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "XDG_CACHE_HOME": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-c", RENDER_IN_CHILD],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=REPO,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("reproducible", [True, False])
def test_library_writes_our_document_back_unchanged(
    scan_result: ScanResult, empty_result: ScanResult, reproducible: bool
) -> None:
    """The direct 1.6 JSON is what cyclonedx-python-lib makes of the same BOM.

    Except for `modelCard` / `data`, which the library does not model and drops.
    """
    options = BomOptions(reproducible=reproducible, timestamp=FIXED_TIME)
    for result in (scan_result, empty_result):
        doc = doc_module.document(result, options)
        assert cdx._via_library(doc, "1.6") == without_ml_fields(doc)


def test_a_ref_vendored_three_times_stays_unique(empty_result: ScanResult) -> None:
    crate = Component(bom_ref="pkg:cargo/x@1", type=ComponentType.LIBRARY, name="x")
    wheel = Component(bom_ref="w", type=ComponentType.LIBRARY, name="w", nested=(crate,))
    # the wheel's own ref is also "w|pkg:cargo/x@1" by coincidence: a counter resolves it
    other = Component(bom_ref="w|pkg:cargo/x@1", type=ComponentType.LIBRARY, name="o")
    third = Component(bom_ref="v", type=ComponentType.LIBRARY, name="v", nested=(crate,))
    result = dataclasses.replace(empty_result, components=(crate, wheel, other, third))
    refs = sorted(by_ref(render(result)))
    assert refs == sorted(
        ["pkg:cargo/x@1", "w", "w|pkg:cargo/x@1", "w|pkg:cargo/x@1|2", "v", "v|pkg:cargo/x@1"]
    )


def test_blank_raw_license_is_not_a_license(empty_result: ScanResult) -> None:
    from scanner.model import LicenseEvidence

    comp = Component(
        bom_ref="x",
        type=ComponentType.LIBRARY,
        name="x",
        license_raw=(LicenseEvidence(kind="license", value="  \n"),),
    )
    assert (
        "licenses" not in by_ref(render(dataclasses.replace(empty_result, components=(comp,))))["x"]
    )


def test_control_characters_in_refs_stay_consistent(empty_result: ScanResult) -> None:
    odd = Component(bom_ref="project:we\x01ird", type=ComponentType.APPLICATION, name="w")
    result = dataclasses.replace(
        empty_result, components=(odd,), edges=(Edge(parent=ROOT, child=odd.bom_ref),)
    )
    doc = render(result)
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert deps[ROOT] == ["project:we\ufffdird"]
    assert XmlValidator(SchemaVersion.V1_6).validate_str(XML.render(result, BomOptions())) is None


def test_hosted_models_become_services_in_the_graph() -> None:
    from scanner.bom import BOM_WRITERS, BomOptions
    from scanner.model import Component, ComponentType, Edge, ProjectInfo, ScanResult

    service = Component(
        bom_ref="service:openai/gpt-4o",
        type=ComponentType.SERVICE,
        name="gpt-4o",
        description="OpenAI API model",
        properties=(("aibom:provider", "openai"),),
    )
    result = ScanResult(
        project=ProjectInfo(root=".", bom_ref="project:.", name="demo"),
        components=(service,),
        edges=(Edge(parent="project:.", child=service.bom_ref),),
    )
    for spec in ("1.6", "1.5"):
        options = BomOptions(spec_version=spec, reproducible=True)
        doc = json.loads(BOM_WRITERS["cyclonedx-json"].render(result, options))
        assert "components" not in doc
        (svc,) = doc["services"]
        assert svc["bom-ref"] == "service:openai/gpt-4o"
        assert svc["properties"] == [{"name": "aibom:provider", "value": "openai"}]
        root = next(d for d in doc["dependencies"] if d["ref"] == "project:.")
        assert root["dependsOn"] == ["service:openai/gpt-4o"]
    xml = BOM_WRITERS["cyclonedx-xml"].render(result, BomOptions(reproducible=True))
    assert "<services>" in xml


def test_a_file_seen_with_and_without_a_line_is_two_occurrences(scan_result: ScanResult) -> None:
    model = next(c for c in scan_result.components if c.bom_ref == BERT)
    file = model.locations[0].file
    twice = dataclasses.replace(model, locations=(Location(file=file, line=7), Location(file=file)))
    result = dataclasses.replace(
        scan_result,
        components=tuple(twice if c.bom_ref == BERT else c for c in scan_result.components),
    )
    occurrences = by_ref(render(result))[BERT]["evidence"]["occurrences"]
    assert occurrences == [{"location": str(file)}, {"location": str(file), "line": 7}]
