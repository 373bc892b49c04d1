"""The direct CycloneDX 1.5 JSON is, byte for byte, what cyclonedx-python-lib writes."""

from __future__ import annotations

import copy
import dataclasses
import json
from functools import cache
from pathlib import PurePosixPath

import pytest

from scanner import jsontext
from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import cyclonedx as cdx
from scanner.bom import cyclonedx_document as doc_module
from scanner.bom.cyclonedx15 import downgrade
from scanner.config import ScanConfig
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Location,
    ProjectInfo,
    ScanResult,
)
from scanner.pipeline import scan
from tests.conftest import PROJECTS
from tests.scanner.bom.conftest import FIXED_TIME

PROJECT_NAMES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())
OPTIONS = [
    BomOptions(spec_version="1.5", timestamp=FIXED_TIME, reproducible=True),
    BomOptions(spec_version="1.5", timestamp=FIXED_TIME),
]


@cache
def project_result(name: str) -> ScanResult:
    return scan(ScanConfig(root=PROJECTS / name, debug=True))


def assert_same_as_library(result: ScanResult, options: BomOptions) -> None:
    doc = doc_module.document(result, options)
    direct = downgrade(copy.deepcopy(doc))
    assert direct is not None
    assert jsontext.dumps(direct) == jsontext.dumps(cdx._library_downgrade(doc, "1.5"))


@pytest.mark.parametrize("project", PROJECT_NAMES)
def test_same_as_library_on_every_fixture_project(project: str) -> None:
    for options in OPTIONS:
        assert_same_as_library(project_result(project), options)


def test_same_as_library_on_the_synthetic_results(
    scan_result: ScanResult, empty_result: ScanResult
) -> None:
    for result in (scan_result, empty_result):
        for options in OPTIONS:
            assert_same_as_library(result, options)


def test_same_as_library_for_a_service(empty_result: ScanResult) -> None:
    service = Component(
        bom_ref="service:openai/gpt-4o",
        type=ComponentType.SERVICE,
        name="gpt-4o",
        description="OpenAI API model",
        properties=(("aibom:provider", "openai"),),
    )
    result = dataclasses.replace(
        empty_result,
        components=(service,),
        edges=(Edge(parent="project:.", child=service.bom_ref),),
    )
    assert_same_as_library(result, OPTIONS[0])


def test_occurrences_differing_only_in_line_are_ordered_by_place(
    empty_result: ScanResult,
) -> None:
    # a path sorts "a/b" before "a-c"; the library's output, by string, after
    places = tuple(
        Location(file=PurePosixPath(file), line=line)
        for file, line in (("a-c", 3), ("a/b", 1), ("a/b", 2), ("b", None))
    )
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", locations=places)
    result = dataclasses.replace(empty_result, components=(comp,))
    assert_same_as_library(result, OPTIONS[0])


def test_what_it_does_not_know_goes_through_the_library(empty_result: ScanResult) -> None:
    """A 1.6-only reference type (the library writes "other"), vulnerabilities, unknown keys."""
    ref = ExternalRef(type="source-distribution", url="https://example.org/x.tar.gz")
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", external_refs=(ref,))
    result = dataclasses.replace(empty_result, components=(comp,))
    doc = doc_module.document(result, OPTIONS[0])
    assert doc["components"][0]["externalReferences"][0]["type"] == "source-distribution"
    assert downgrade(doc) is None
    rendered = json.loads(BOM_WRITERS["cyclonedx-json"].render(result, OPTIONS[0]))
    assert rendered["components"][0]["externalReferences"][0]["type"] == "other"
    extras: list[dict[str, object]] = [{"vulnerabilities": [{"id": "X"}]}, {"annotations": []}]
    for extra in extras:
        assert downgrade({**doc_module.document(empty_result, OPTIONS[0]), **extra}) is None


def test_a_reproducible_bom_has_no_timestamp_either_way(scan_result: ScanResult) -> None:
    """The library stamps a BOM without one with the current time: taken out again."""
    options = BomOptions(spec_version="1.5", reproducible=True)
    doc = doc_module.document(scan_result, options)
    assert "timestamp" not in cdx._library_downgrade(doc, "1.5")["metadata"]
    direct = downgrade(doc)
    assert direct is not None
    assert "timestamp" not in direct["metadata"]
    rendered = BOM_WRITERS["cyclonedx-json"].render(scan_result, options)
    assert rendered == BOM_WRITERS["cyclonedx-json"].render(scan_result, options)
    assert "timestamp" not in json.loads(rendered)["metadata"]


def test_the_writer_uses_the_direct_path(
    scan_result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = BOM_WRITERS["cyclonedx-json"].render(scan_result, OPTIONS[0])
    monkeypatch.setattr(cdx, "_library_downgrade", None)  # would fail if called
    assert BOM_WRITERS["cyclonedx-json"].render(scan_result, OPTIONS[0]) == expected


def test_project_info_only(empty_result: ScanResult) -> None:
    result = dataclasses.replace(
        empty_result, project=ProjectInfo(root=".", bom_ref="project:.", name="p", license="MIT")
    )
    assert_same_as_library(result, OPTIONS[1])


def test_a_reproducible_xml_bom_has_no_timestamp(scan_result: ScanResult) -> None:
    """The library stamps the XML too; a reproducible BOM comes out the same every time."""
    xml = BOM_WRITERS["cyclonedx-xml"]
    for spec in ("1.6", "1.5"):
        options = BomOptions(spec_version=spec, reproducible=True)
        first = xml.render(scan_result, options)
        assert "<timestamp>" not in first
        assert first == xml.render(scan_result, options)
    stamped = xml.render(scan_result, BomOptions(timestamp=FIXED_TIME))
    assert "<timestamp>2024-06-01T12:30:45+00:00</timestamp>" in stamped


@pytest.mark.parametrize("purl", ["pkg:npm/%40=%2F=>", "pkg:npm/%40%2F%2F=>"])
def test_purls_as_the_library_writes_them_back(empty_result: ScanResult, purl: str) -> None:
    """packageurl does not always write back the purl it read (`pkg:npm/%40//%3d%3e`)."""
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", purl=purl)
    result = dataclasses.replace(empty_result, components=(comp,))
    for options in OPTIONS:
        assert_same_as_library(result, options)
