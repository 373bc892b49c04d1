from __future__ import annotations

import dataclasses
import functools
from pathlib import PurePosixPath
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.graph import ROOT, GraphBuilder, marker_applies
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.merging import merge_all, replace_component
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Hash,
    LicenseEvidence,
    Location,
    Scope,
)

T = TypeVar("T")


def merge(first: Component, other: Component) -> Component:
    """The definition `merge_all` folds: union of two sightings of one component; the one
    with an exact version leads."""
    lead, extra = (other, first) if other.version and not first.version else (first, other)
    return dataclasses.replace(
        lead,
        name=lead.name,
        version_spec=lead.version_spec or extra.version_spec,
        license=lead.license or extra.license,
        license_raw=union(lead.license_raw, extra.license_raw),
        hashes=union(lead.hashes, extra.hashes),
        locations=union(lead.locations, extra.locations),
        external_refs=union(lead.external_refs, extra.external_refs),
        properties=union(lead.properties, extra.properties),
        description=lead.description or extra.description,
        nested=lead.nested or extra.nested,
        purl=lead.purl or extra.purl,
        origin=",".join(sorted({*lead.origin.split(","), *extra.origin.split(",")} - {""})),
    )


def union(left: tuple[T, ...], right: tuple[T, ...]) -> tuple[T, ...]:
    seen = dict.fromkeys(left)
    seen.update(dict.fromkeys(right))
    return tuple(sorted(seen, key=repr))


LINUX_311 = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_version": "",
    "implementation_version": "3.11.7",
}


def lib(
    name: str, version: str | None = None, *, spec: str | None = None, file: str = "x"
) -> Component:
    return Component(
        bom_ref=pypi_ref(name, version),
        type=ComponentType.LIBRARY,
        name=name,
        version=version,
        version_spec=spec,
        purl=pypi_purl(name, version),
        locations=(Location(file=PurePosixPath(file), line=1),),
        origin=file,
    )


def test_range_merges_into_locked_version_keeping_both_locations() -> None:
    b = GraphBuilder()
    b.add(lib("Requests", spec=">=2", file="pyproject.toml"))
    b.add(Edge(parent=ROOT, child=pypi_ref("requests")))
    b.add(lib("requests", "2.32.3", file="uv.lock"))
    graph = b.build()
    comp = graph.components[pypi_ref("requests", "2.32.3")]
    assert {str(loc.file) for loc in comp.locations} == {"pyproject.toml", "uv.lock"}
    assert comp.version_spec == ">=2"
    assert pypi_ref("requests") not in graph.components
    assert graph.path_to(comp.bom_ref) == (ROOT, comp.bom_ref)


def test_range_picks_the_version_it_admits() -> None:
    b = GraphBuilder()
    b.add(lib("numpy", "1.26.4", file="a/uv.lock"))
    b.add(lib("numpy", "2.1.0", file="b/uv.lock"))
    b.add(lib("numpy", spec="<2", file="a/pyproject.toml"))
    b.add(Edge(parent=ROOT, child=pypi_ref("numpy")))
    graph = b.build()
    assert graph.path_to(pypi_ref("numpy", "1.26.4"))
    assert not graph.components[pypi_ref("numpy", "2.1.0")].reachable


def test_unrequested_extra_adds_no_edge_and_requested_one_does() -> None:
    b = GraphBuilder()
    for name, version in [("a", "1"), ("b", "1"), ("c", "1")]:
        b.add(lib(name, version))
    b.add(Edge(parent=ROOT, child=pypi_ref("a", "1")))
    b.add(Edge(parent=pypi_ref("a", "1"), child=pypi_ref("b", "1"), marker='extra == "fast"'))
    graph = b.build()
    assert not graph.components[pypi_ref("b", "1")].reachable
    assert all(e.child != pypi_ref("b", "1") for e in graph.edges)

    b.add(Edge(parent=ROOT, child=pypi_ref("a", "1"), extras=("fast",)))
    graph = b.build()
    assert graph.components[pypi_ref("b", "1")].reachable
    assert graph.path_to(pypi_ref("b", "1")) == (ROOT, pypi_ref("a", "1"), pypi_ref("b", "1"))


def test_marker_for_other_platform_is_excluded_only_with_a_target() -> None:
    b = GraphBuilder()
    b.add(lib("torch", "2.5.0"))
    b.add(lib("nvidia-cublas-cu12", "12.4.5.8"))
    b.add(Edge(parent=ROOT, child=pypi_ref("torch", "2.5.0")))
    b.add(
        Edge(
            parent=pypi_ref("torch", "2.5.0"),
            child=pypi_ref("nvidia-cublas-cu12", "12.4.5.8"),
            marker="platform_machine == 'aarch64' and sys_platform == 'linux'",
        )
    )
    anywhere = b.build()
    assert anywhere.components[pypi_ref("nvidia-cublas-cu12", "12.4.5.8")].scope is Scope.REQUIRED
    here = b.build(LINUX_311)
    nvidia = here.components[pypi_ref("nvidia-cublas-cu12", "12.4.5.8")]
    assert nvidia.scope is Scope.EXCLUDED
    assert nvidia.reachable


def test_group_edges_make_optional_scope_unless_also_required() -> None:
    b = GraphBuilder()
    for name in ("pytest", "iniconfig", "rich"):
        b.add(lib(name, "1"))
    b.add(Edge(parent=ROOT, child=pypi_ref("pytest", "1"), group="group:dev"))
    b.add(Edge(parent=pypi_ref("pytest", "1"), child=pypi_ref("iniconfig", "1")))
    b.add(Edge(parent=pypi_ref("pytest", "1"), child=pypi_ref("rich", "1")))
    b.add(Edge(parent=ROOT, child=pypi_ref("rich", "1")))
    graph = b.build()
    assert graph.components[pypi_ref("pytest", "1")].scope is Scope.OPTIONAL
    assert graph.components[pypi_ref("iniconfig", "1")].scope is Scope.OPTIONAL
    assert graph.components[pypi_ref("rich", "1")].scope is Scope.REQUIRED


def test_unreachable_components_are_kept_and_marked() -> None:
    b = GraphBuilder()
    b.add(lib("pip", "24.0", file=".venv/x/METADATA"))
    graph = b.build()
    assert graph.components[pypi_ref("pip", "24.0")].reachable is False
    assert graph.path_to(pypi_ref("pip", "24.0")) == ()


def test_subprojects_hang_under_the_root() -> None:
    b = GraphBuilder()
    b.add(lib("flask", "3.0.0"))
    sub = project_ref(PurePosixPath("services/api"))
    b.add(Edge(parent=sub, child=pypi_ref("flask", "3.0.0")))
    graph = b.build()
    assert graph.components[sub].type is ComponentType.APPLICATION
    assert graph.components[sub].name == "api"
    assert graph.path_to(pypi_ref("flask", "3.0.0")) == (ROOT, sub, pypi_ref("flask", "3.0.0"))


def test_merge_unions_hashes_and_keeps_first_license() -> None:
    b = GraphBuilder()
    first = lib("idna", "3.7")
    b.add(dataclasses.replace(first, hashes=(Hash(alg="SHA-256", value="aa"),), license="MIT"))
    b.add(dataclasses.replace(first, hashes=(Hash(alg="SHA-256", value="bb"),)))
    comp = b.build().components[pypi_ref("idna", "3.7")]
    assert [h.value for h in comp.hashes] == ["aa", "bb"]
    assert comp.license == "MIT"


def test_marker_applies_three_valued() -> None:
    assert marker_applies(None, set(), None) is True
    assert marker_applies('extra == "gpu"', set(), None) is False
    assert marker_applies('extra == "GPU"', {"gpu"}, None) is True
    assert marker_applies('sys_platform == "win32"', set(), None) is None
    assert marker_applies('sys_platform == "win32" or extra == "x"', {"x"}, None) is True
    assert marker_applies('sys_platform == "win32" and extra == "x"', set(), None) is False
    assert marker_applies('sys_platform == "win32"', set(), LINUX_311) is False
    assert marker_applies("not a marker ===", set(), None) is None


def test_extra_requested_only_by_an_optional_group_stays_optional() -> None:
    b = GraphBuilder()
    for name in ("requests", "pysocks", "urllib3"):
        b.add(lib(name, "1"))
    b.add(Edge(parent=ROOT, child=pypi_ref("requests", "1")))
    b.add(Edge(parent=ROOT, child=pypi_ref("requests", "1"), extras=("socks",), group="extra:s"))
    b.add(Edge(parent=pypi_ref("requests", "1"), child=pypi_ref("urllib3", "1")))
    b.add(
        Edge(
            parent=pypi_ref("requests", "1"),
            child=pypi_ref("pysocks", "1"),
            marker='extra == "socks"',
        )
    )
    graph = b.build()
    assert graph.components[pypi_ref("requests", "1")].scope is Scope.REQUIRED
    assert graph.components[pypi_ref("urllib3", "1")].scope is Scope.REQUIRED
    assert graph.components[pypi_ref("pysocks", "1")].scope is Scope.OPTIONAL


def test_lock_only_marker_variables_do_not_crash_with_a_target() -> None:
    assert marker_applies('"dev" in dependency_groups', set(), LINUX_311) is True


def maybe(*values: object) -> st.SearchStrategy[object]:
    """One of `values`, falsy ones included (`None` and `""` behave differently under `or`)."""
    return st.sampled_from(values)


def subset(*values: object) -> st.SearchStrategy[tuple[object, ...]]:
    return st.lists(st.sampled_from(values), max_size=3).map(tuple)


SIGHTINGS = st.lists(
    st.builds(
        Component,
        bom_ref=st.just("pkg:pypi/x"),
        type=maybe(ComponentType.LIBRARY, ComponentType.FILE),
        name=maybe("x", "X"),
        version=maybe(None, "", "1", "2"),
        version_spec=maybe(None, "", ">=1", "<2"),
        purl=maybe(None, "", "pkg:pypi/x", "pkg:pypi/x@1"),
        license=maybe(None, "", "MIT", "Apache-2.0"),
        license_raw=subset(
            LicenseEvidence(kind="license", value="MIT"),
            LicenseEvidence(
                kind="classifier", value="OSI", location=Location(file=PurePosixPath("a"))
            ),
        ),
        hashes=subset(Hash(alg="SHA-256", value="aa"), Hash(alg="MD5", value="bb")),
        locations=subset(
            Location(file=PurePosixPath("uv.lock"), line=3),
            Location(file=PurePosixPath("a/pyproject.toml")),
            Location(file=PurePosixPath("requirements.txt"), line=10),
        ),
        origin=maybe("", "uv.lock", "pyproject,environment", "requirements"),
        external_refs=subset(
            ExternalRef(type="vcs", url="git+https://x"),
            ExternalRef(type="website", url="https://x"),
        ),
        properties=subset(("a", "1"), ("b", "")),
        description=maybe(None, "", "one", "two"),
        nested=maybe((), (Component(bom_ref="f", type=ComponentType.FILE, name="f"),)),
        scope=maybe(Scope.REQUIRED, Scope.OPTIONAL),
        reachable=st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(SIGHTINGS)
def test_merge_all_is_merge_folded_over_the_sightings(sightings: list[Component]) -> None:
    assert merge_all(sightings) == functools.reduce(merge, sightings)


@given(SIGHTINGS, maybe(Scope.REQUIRED, Scope.EXCLUDED), st.booleans())
def test_replace_component_is_dataclasses_replace(
    sightings: list[Component], scope: Scope, reachable: bool
) -> None:
    comp = sightings[0]
    assert replace_component(comp, scope=scope, reachable=reachable) == dataclasses.replace(
        comp, scope=scope, reachable=reachable
    )
