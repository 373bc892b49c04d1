"""The direct CycloneDX XML is, byte for byte, what cyclonedx-python-lib writes."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import cyclonedx as cdx
from scanner.bom import cyclonedx_document as doc_module
from scanner.bom.cyclonedx_xml import library_text
from scanner.bom.validate import validate_xml
from scanner.config import ScanConfig
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    LicenseEvidence,
    Location,
    ProjectInfo,
    ScanResult,
)
from scanner.pipeline import scan
from tests.conftest import PROJECTS
from tests.scanner.bom.conftest import FIXED_TIME

PROJECT_NAMES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())
SPECS = ("1.6", "1.5")
HOSTILE = "a<b>&c\"d'e\r\nf\rg\nh\ti  j\x00k\x07l\x0bm\x1fn\x7fo\x85p\u2028q\ufffer\uffffs\ud800t "
# characters that escaping, normalising or XML itself treat specially, and plain ones
ODD = st.text(
    st.sampled_from(
        [*"<>&\"' \t\r\n\x00\x01\x0b\x0c\x1f\x7f\x85\xa0", "\u2028", "\ufffe", "a", "\ud800"]
    )
    | st.characters(),
    max_size=12,
)


@cache
def project_result(name: str) -> ScanResult:
    return scan(ScanConfig(root=PROJECTS / name, debug=True))


def both_ways(result: ScanResult, options: BomOptions) -> tuple[str, str]:
    """(direct, library): the finished XML of `result` both ways, each validated."""
    doc = doc_module.document(result, options)
    text = library_text(doc, options.spec_version)
    assert text is not None
    direct = cdx.parse_xml(text)
    validate_xml(direct, options.spec_version)
    library = cdx._library_xml(doc, options.spec_version)
    validate_xml(library, options.spec_version)
    return cdx.pretty_xml(direct), cdx.pretty_xml(library)


def assert_same_as_library(result: ScanResult, spec: str, *, stamped: bool = False) -> None:
    options = BomOptions(spec_version=spec, reproducible=True)
    if stamped:
        options = BomOptions(spec_version=spec, timestamp=FIXED_TIME)
    direct, library = both_ways(result, options)
    assert direct == library


@pytest.mark.parametrize("project", PROJECT_NAMES)
@pytest.mark.parametrize("spec", SPECS)
def test_same_as_library_on_every_fixture_project(project: str, spec: str) -> None:
    assert_same_as_library(project_result(project), spec)


def test_same_as_library_on_the_synthetic_results(
    scan_result: ScanResult, empty_result: ScanResult
) -> None:
    for result in (scan_result, empty_result):
        for spec in SPECS:
            assert_same_as_library(result, spec)
            assert_same_as_library(result, spec, stamped=True)


def hostile_result(empty_result: ScanResult, text: str) -> ScanResult:
    """One component with `text` in every string the scan could take from a hostile file."""
    places = (Location(file=PurePosixPath(f"x{text}"), line=2), Location(file=PurePosixPath("y")))
    comp = Component(
        bom_ref=f"ref:{text}",
        type=ComponentType.LIBRARY,
        name=f"n{text}",
        version=f"v{text}",
        version_spec=f">={text}",
        description=f"d{text}",
        license_raw=(LicenseEvidence(kind="license", value=f"L{text}", location=places[0]),),
        external_refs=(ExternalRef(type="website", url="https://example.org/", comment=text),),
        properties=((f"p{text}", text), ("q", f"  {text}  ")),
        locations=places,
        origin=text,
    )
    service = Component(
        bom_ref=f"service:{text}",
        type=ComponentType.SERVICE,
        name=f"s{text}",
        version=text or None,
        description=f"d{text}",
        properties=((f"p{text}", text),),
    )
    project = ProjectInfo(root=".", bom_ref="project:.", name=f"p{text}", license="MIT")
    return dataclasses.replace(
        empty_result,
        project=project,
        components=(comp, service),
        edges=(
            Edge(parent="project:.", child=comp.bom_ref, group=text or None),
            Edge(parent="project:.", child=service.bom_ref),
        ),
    )


@pytest.mark.parametrize("text", [HOSTILE, "<&\"'>", "\r\n", " \t ", "\r", "", "&amp;", "]]>"])
def test_hostile_strings_give_the_library_s_well_formed_xml(
    empty_result: ScanResult, text: str
) -> None:
    for spec in SPECS:
        assert_same_as_library(hostile_result(empty_result, text), spec)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=ODD)
def test_odd_strings_give_the_library_s_xml(empty_result: ScanResult, text: str) -> None:
    assert_same_as_library(hostile_result(empty_result, text), "1.6")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=ODD)
def test_odd_strings_give_the_library_s_xml_for_1_5(empty_result: ScanResult, text: str) -> None:
    assert_same_as_library(hostile_result(empty_result, text), "1.5")


def test_occurrences_ordered_by_place_as_parsed_back(empty_result: ScanResult) -> None:
    """A CR LF in a path reads back as LF: the order is that of what is read back."""
    places = tuple(
        Location(file=PurePosixPath(file), line=line)
        for file, line in (("a\r\nz", 1), ("a\rc", 1), ("a-c", 3), ("a/b", 2), ("a/b", 1))
    )
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", locations=places)
    result = dataclasses.replace(empty_result, components=(comp,))
    for spec in SPECS:
        assert_same_as_library(result, spec)


def test_what_it_does_not_know_goes_through_the_library(
    scan_result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = doc_module.document(scan_result, BomOptions(reproducible=True))
    unknown: list[dict[str, object]] = [{"vulnerabilities": [{"id": "X"}]}, {"annotations": []}]
    for extra in unknown:
        assert library_text({**doc, **extra}, "1.6") is None
    odd_component = {**doc["components"][0], "copyright": "me"}
    assert library_text({**doc, "components": [odd_component]}, "1.6") is None
    monkeypatch.setattr(cdx, "library_text", lambda doc, spec: None)
    options = BomOptions(reproducible=True)
    assert BOM_WRITERS["cyclonedx-xml"].render(scan_result, options) == cdx.pretty_xml(
        cdx._library_xml(doc, "1.6")
    )


def test_a_1_6_only_reference_type_goes_through_the_library(empty_result: ScanResult) -> None:
    """The library writes "other" for it in 1.5."""
    ref = ExternalRef(type="source-distribution", url="https://example.org/x.tar.gz")
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", external_refs=(ref,))
    result = dataclasses.replace(empty_result, components=(comp,))
    doc = doc_module.document(result, BomOptions(spec_version="1.5", reproducible=True))
    assert library_text(doc, "1.5") is None
    assert library_text(doc, "1.6") is not None
    rendered = BOM_WRITERS["cyclonedx-xml"].render(result, BomOptions(spec_version="1.5"))
    assert '<reference type="other">' in rendered


def test_the_writer_uses_the_direct_path(
    scan_result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    for spec in SPECS:
        options = BomOptions(spec_version=spec, reproducible=True)
        expected = BOM_WRITERS["cyclonedx-xml"].render(scan_result, options)
        with monkeypatch.context() as patch:
            patch.setattr(cdx, "_library_xml", None)  # would fail if called
            assert BOM_WRITERS["cyclonedx-xml"].render(scan_result, options) == expected


@pytest.mark.parametrize("purl", ["pkg:npm/%40=%2F=>", "pkg:npm/%40%2F%2F=>", "pkg:cargo/serde@1"])
def test_purls_as_the_library_writes_them_back(empty_result: ScanResult, purl: str) -> None:
    """packageurl does not always write back what it wrote (`pkg:npm/%40//%3d%3e` reads back
    as `pkg:npm/%40/%3d%3e`): the library's XML has the purl it read and wrote again."""
    comp = Component(bom_ref="x", type=ComponentType.LIBRARY, name="x", purl=purl)
    result = dataclasses.replace(empty_result, components=(comp,))
    for spec in SPECS:
        assert_same_as_library(result, spec)
