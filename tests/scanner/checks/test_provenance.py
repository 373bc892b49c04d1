"""The provenance helpers' fast paths give what the straightforward code gives, on every
fixture project and on hostile URLs."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packageurl import PackageURL
from packaging.utils import canonicalize_name

from scanner.checks.perscan import per_scan
from scanner.checks.provenance import (
    LockIndex,
    lock_index,
    lock_name,
    locked_name,
    may_be_plain_http,
    pypi_components,
    pypi_key,
    url_facts,
)
from scanner.config import ScanConfig
from scanner.graph import ComponentGraph
from scanner.model import DeclaredDigest, ProjectInfo, ScanResult
from scanner.pipeline import scan
from tests.conftest import PROJECTS


@pytest.fixture(scope="module")
def fixture_scans() -> list[ScanResult]:
    """Every fixture project, scanned once without checks."""
    roots = sorted(p for p in PROJECTS.iterdir() if p.is_dir())
    return [scan(ScanConfig(root=root), checks=()) for root in roots]


def slow_pypi_key(ref: str) -> str | None:
    """pypi_key as it was: packageurl's parse of every ref."""
    if not ref.startswith("pkg:pypi/"):
        return None
    try:
        return canonicalize_name(PackageURL.from_string(ref).name)
    except ValueError:
        return None


def slow_lock_index(result: ScanResult) -> dict[PurePosixPath, frozenset[str]]:
    """LockIndex.of as it was: every location of every component, then every digest."""
    found: dict[PurePosixPath, set[str]] = {}
    sightings = [
        (location, locked_name(comp)) for comp in result.components for location in comp.locations
    ]
    digests = [
        (obs.location, slow_pypi_key(obs.component))
        for obs in result.observations
        if isinstance(obs, DeclaredDigest)
    ]
    for location, name in (*sightings, *digests):
        if lock_name(location.file) is not None:
            names = found.setdefault(location.file.parent, set())
            if name:
                names.add(name)
    return {key: frozenset(names) for key, names in found.items()}


def graph_of(result: ScanResult) -> ComponentGraph:
    return ComponentGraph({c.bom_ref: c for c in result.components}, result.edges)


def test_lock_index_is_the_straightforward_index(fixture_scans: list[ScanResult]) -> None:
    assert any(slow_lock_index(result) for result in fixture_scans)
    for result in fixture_scans:
        assert LockIndex.of(result).pinned == slow_lock_index(result)


def test_pypi_components_are_the_straightforward_ones(fixture_scans: list[ScanResult]) -> None:
    for result in fixture_scans:
        graph = graph_of(result)
        names = {key for ref in graph.components if (key := slow_pypi_key(ref))} | {"torch"}
        for name in names:
            slow = [c for ref, c in sorted(graph.components.items()) if slow_pypi_key(ref) == name]
            assert pypi_components(graph, name) == slow
        assert all(pypi_key(ref) == slow_pypi_key(ref) for ref in graph.components)


def test_the_lock_index_is_built_once_per_scan(fixture_scans: list[ScanResult]) -> None:
    first, second = fixture_scans[:2]
    graph = graph_of(first)
    assert lock_index(first, graph) is lock_index(first, graph)
    assert lock_index(second, graph).pinned == LockIndex.of(second).pinned


def test_per_scan_answers_only_for_the_same_result_and_graph() -> None:
    calls: list[int] = []

    @per_scan
    def count(result: ScanResult, graph: ComponentGraph) -> int:
        calls.append(1)
        return len(calls)

    project = ProjectInfo(root=".", bom_ref="project:.", name="p")
    one, two = (ScanResult(project=project, components=(), edges=()) for _ in range(2))
    graph, other = ComponentGraph({}, ()), ComponentGraph({}, ())
    assert [count(one, graph), count(one, graph), count(two, graph), count(two, other)] == [
        1,
        1,
        2,
        3,
    ]
    assert count(one, graph) == 4  # one slot: the last scan only


URL_PIECES = st.sampled_from(
    [
        *"hHtTpPsS:/+.@#=\t\r\n ",
        "http",
        "HTTP",
        "https",
        "git+",
        "hg+",
        "://",
        "example.org",
        "localhost",
        "#sha256=" + "a" * 64,
        "ht\ttp",
        "\x00",
        "\x1f",
    ]
)


@given(st.lists(URL_PIECES, max_size=10).map("".join))
def test_the_http_prefilter_never_drops_a_plain_http_url(url: str) -> None:
    facts = url_facts(url)
    if facts is not None and facts.plain_http:
        assert may_be_plain_http(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a.whl",
        "HTTP://example.org/a.whl",
        "  http://example.org/a.whl",
        "ht\ttp://example.org/a.whl",
        "h\nttp\r://example.org/a.whl",
        "git+http://example.org/repo@main",
        "GIT+HTTP://example.org/repo",
    ],
)
def test_the_http_prefilter_keeps_what_urlsplit_reads_as_http(url: str) -> None:
    facts = url_facts(url)
    assert facts is not None
    assert facts.plain_http
    assert may_be_plain_http(url)


def test_the_http_prefilter_drops_https() -> None:
    assert not may_be_plain_http("https://files.pythonhosted.org/packages/a.whl")
