from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner import plaintoml
from scanner.errors import SourceError
from scanner.graph import ROOT, GraphBuilder
from scanner.identity import pypi_purl
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Edge,
    IndexUrl,
    Record,
    Scope,
)
from scanner.sources.uv_lock import UvLockSource
from scanner.walk import EntryKind
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import (
    collect,
    components,
    edge_list,
    edges,
    find_edge,
    line_of,
    problems,
    walk_entry,
)

SOURCE = UvLockSource()
BROKEN = FIXTURES / "files" / "uv-lock"
REQUESTS = "pkg:pypi/requests@2.34.2"


@pytest.fixture(scope="module")
def app() -> list[Record]:
    return collect(SOURCE, fixture_project("uv-app"), "uv.lock")


@pytest.fixture(scope="module")
def workspace() -> list[Record]:
    return collect(SOURCE, fixture_project("uv-workspace"), "uv.lock")


def test_claims_only_uv_lock() -> None:
    assert SOURCE.claims(walk_entry("sub/uv.lock"))
    assert not SOURCE.claims(walk_entry("uv.lock.bak"))
    assert not SOURCE.claims(walk_entry("poetry.lock"))
    assert not SOURCE.claims(walk_entry("uv.lock", EntryKind.ENVIRONMENT))


def test_every_package_has_its_exact_version_and_location(app: list[Record]) -> None:
    comps = components(app)
    lock = fixture_project("uv-app") / "uv.lock"
    requests = comps[REQUESTS]
    assert requests.version == "2.34.2"
    assert requests.purl == REQUESTS
    assert requests.origin == "uv.lock"
    assert requests.locations[0].file == PurePosixPath("uv.lock")
    assert requests.locations[0].line == line_of(lock, 'name = "requests"')
    assert {"pkg:pypi/idna@3.6", "pkg:pypi/idna@3.20", "pkg:pypi/colorama@0.4.6"} <= set(comps)
    assert len([c for c in comps.values() if c.type is ComponentType.LIBRARY]) == 19
    assert problems(app) == []


def test_root_package_is_the_project(app: list[Record]) -> None:
    project = components(app)["project:."]
    assert project.type is ComponentType.APPLICATION
    assert (project.name, project.version, project.purl) == ("uv-app", "0.1.0", None)
    assert "pkg:pypi/uv-app@0.1.0" not in components(app)


def test_component_hash_is_the_sdist_and_every_artifact_is_declared(app: list[Record]) -> None:
    requests = components(app)[REQUESTS]
    assert [(h.alg, h.value) for h in requests.hashes] == [
        ("SHA-256", "f288924cae4e29463698d6d60bc6a4da69c89185ad1e0bcc4104f584e960b9ed")
    ]
    assert requests.external_refs[0].type == "distribution"
    assert requests.external_refs[0].url.endswith("/requests-2.34.2.tar.gz")
    declared = [r for r in app if isinstance(r, DeclaredDigest) and r.component == REQUESTS]
    assert len(declared) == 2  # sdist + the one wheel
    charset = [
        r for r in app
        if isinstance(r, DeclaredDigest) and r.component == "pkg:pypi/charset-normalizer@3.5.2"
    ]  # fmt: skip
    assert len(charset) > 30  # every wheel of every platform
    lock = (fixture_project("uv-app") / "uv.lock").read_text().splitlines()
    assert all(d.digest in lock[(d.location.line or 0) - 1] for d in charset)


def test_registry_is_reported_once_as_an_index(app: list[Record]) -> None:
    indexes = [r for r in app if isinstance(r, IndexUrl)]
    assert [(i.url, i.kind) for i in indexes] == [("https://pypi.org/simple", "index")]


def test_project_edges_with_markers_extras_and_groups(app: list[Record]) -> None:
    assert find_edge(app, "project:.", REQUESTS, group=None).marker is None
    tomli = find_edge(app, "project:.", "pkg:pypi/tomli@2.5.0")
    assert tomli.marker == "python_full_version < '3.12'"
    socks = find_edge(app, "project:.", REQUESTS, group="extra:socks")
    assert socks.extras == ("socks",)
    assert socks.marker is None  # the project's own extras are groups, not markers
    assert find_edge(app, "project:.", "pkg:pypi/pyyaml@6.0.3").group == "extra:yaml"
    assert find_edge(app, "project:.", "pkg:pypi/pytest@9.2.0").group == "group:dev"


def test_fork_edges_pick_the_version_named_by_the_reference(app: list[Record]) -> None:
    old = find_edge(app, REQUESTS, "pkg:pypi/idna@3.6")
    new = find_edge(app, REQUESTS, "pkg:pypi/idna@3.20")
    assert old.marker == "sys_platform == 'win32'"
    assert new.marker == "sys_platform != 'win32'"
    assert find_edge(app, "project:.", "pkg:pypi/idna@3.6").marker == "sys_platform == 'win32'"


def test_transitive_edges(app: list[Record]) -> None:
    pairs = edges(app)
    assert ("pkg:pypi/rich@15.0.0", "pkg:pypi/markdown-it-py@4.3.0") in pairs
    assert ("pkg:pypi/markdown-it-py@4.3.0", "pkg:pypi/mdurl@0.1.2") in pairs
    colorama = find_edge(app, "pkg:pypi/pytest@9.2.0", "pkg:pypi/colorama@0.4.6")
    assert colorama.marker == "sys_platform == 'win32'"
    pysocks = find_edge(app, REQUESTS, "pkg:pypi/pysocks@1.7.1")
    assert pysocks.marker == 'extra == "socks"'


def test_workspace_members_and_local_projects_map_to_project_refs(
    workspace: list[Record],
) -> None:
    comps = components(workspace)
    core = comps["project:packages/ws-core"]
    assert (core.name, core.version, core.type) == ("ws-core", "0.2.0", ComponentType.APPLICATION)
    assert comps["project:."].name == "ws-root"  # source = { virtual = "." }
    assert comps["project:vendor/localpkg"].version == "0.0.1"
    assert not any(ref.startswith(("pkg:pypi/ws-", "pkg:pypi/localpkg")) for ref in comps)
    pairs = edges(workspace)
    assert ("project:.", "project:packages/ws-core") in pairs
    assert ("project:.", "project:vendor/localpkg") in pairs
    assert ("project:vendor/localpkg", "pkg:pypi/six@1.17.0") in pairs
    assert ("project:packages/ws-core", "pkg:pypi/click@8.5.1") in pairs
    fancy = find_edge(workspace, "project:packages/ws-core", "pkg:pypi/rich@15.0.0")
    assert (fancy.group, fancy.marker) == ("extra:fancy", None)
    test = find_edge(workspace, "project:packages/ws-core", "pkg:pypi/iniconfig@2.3.1")
    assert test.group == "group:test"
    assert find_edge(workspace, "project:.", "pkg:pypi/pyflakes@4.1.0").group == "group:lint"


def test_git_and_url_sources(workspace: list[Record]) -> None:
    comps = components(workspace)
    tinylib = comps["pkg:pypi/tinylib@0.3.0"]
    assert tinylib.hashes == ()
    (vcs,) = tinylib.external_refs
    assert vcs.type == "vcs"
    assert vcs.url == "git+file:///tmp/gitdeps/tinylib@a68636085330ae0c458045f6ed348764021c49f8"
    assert vcs.comment == "requested tag v0.3.0"
    assert ("pkg:pypi/tinylib@0.3.0", "pkg:pypi/idna@3.20") in edges(workspace)
    six = comps["pkg:pypi/six@1.17.0"]
    assert six.external_refs[0].url.endswith("/six-1.17.0-py2.py3-none-any.whl")
    assert [h.value[:12] for h in six.hashes] == ["4721f391ed90"]  # its only artifact
    assert dict(six.properties)["aibom:source"].startswith("url:https://files.pythonhosted")


def test_virtual_workspace_root_takes_its_edges_from_the_manifest() -> None:
    records = collect(SOURCE, fixture_project("uv-virtual-workspace"), "uv.lock")
    assert find_edge(records, "project:.", "pkg:pypi/iniconfig@2.3.1").group == "group:dev"
    assert ("project:pkgs/a", "pkg:pypi/six@1.17.0") in edges(records)
    assert components(records)["project:pkgs/a"].name == "a"
    assert problems(records) == []


@pytest.mark.parametrize("case", ["truncated", "invalid-toml"])
def test_unreadable_lock_is_a_source_error(case: str) -> None:
    with pytest.raises(SourceError, match="invalid TOML"):
        collect(SOURCE, BROKEN / case, "uv.lock")


def test_entry_without_version_is_a_problem_and_the_rest_is_kept() -> None:
    records = collect(SOURCE, BROKEN / "missing-version", "uv.lock")
    (problem,) = problems(records)
    assert problem.location.line == 32
    assert "'mdurl' has no version" in problem.message
    comps = components(records)
    assert comps["pkg:pypi/mdurl"].version is None
    assert comps["pkg:pypi/markdown-it-py@4.3.0"].version == "4.3.0"
    assert ("pkg:pypi/markdown-it-py@4.3.0", "pkg:pypi/mdurl") in edges(records)


def test_lock_cut_between_entries_reports_the_dangling_reference() -> None:
    records = collect(SOURCE, BROKEN / "truncated-at-entry", "uv.lock")
    (problem,) = problems(records)
    assert "depends on 'mdurl', which the lock does not list" in problem.message
    assert problem.location.line == 15
    assert set(components(records)) == {
        "pkg:pypi/linkify-it-py@2.2.0",
        "pkg:pypi/markdown-it-py@4.3.0",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("package = []\n", "no integer `version`"),
        ('version = 1\npackage = "x"\n', "not an array of tables"),
    ],
)
def test_not_a_uv_lock(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "uv.lock").write_text(text)
    with pytest.raises(SourceError, match=expected):
        collect(SOURCE, tmp_path, "uv.lock")


def test_odd_entries_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text(
        "version = 2\n"
        "[[package]]\nversion = '1.0'\n"
        "[[package]]\nname = 'a'\nversion = '1.0'\nsource = 'nonsense'\n"
        "dependencies = ['b', { name = 7 }, { name = 'a' }]\n"
        "optional-dependencies = 'x'\n"
    )
    records = collect(SOURCE, tmp_path, "uv.lock")
    messages = [p.message for p in problems(records)]
    assert any("newer than aibom reads" in m for m in messages)
    assert any("without a name" in m for m in messages)
    assert "pkg:pypi/a@1.0" in components(records)
    assert edge_list(records) == []


def build(records: list[Record]) -> GraphBuilder:
    builder = GraphBuilder()
    for record in records:
        if isinstance(record, Component | Edge):
            builder.add(record)
    return builder


def test_graph_keeps_an_extras_dependency_only_when_requested(app: list[Record]) -> None:
    graph = build(app).build()
    pysocks = "pkg:pypi/pysocks@1.7.1"
    assert graph.components[pysocks].reachable  # the project's `socks` extra asks for it
    without = [r for r in app if not (isinstance(r, Edge) and r.group == "extra:socks")]
    graph = build(without).build()
    assert not graph.components[pysocks].reachable
    assert not any(e.child == pysocks for e in graph.edges)
    assert graph.path_to("pkg:pypi/mdurl@0.1.2") == (
        ROOT, "pkg:pypi/rich@15.0.0", "pkg:pypi/markdown-it-py@4.3.0", "pkg:pypi/mdurl@0.1.2",
    )  # fmt: skip


def test_graph_scopes_forks_and_groups_for_a_target(app: list[Record]) -> None:
    linux = {"sys_platform": "linux", "python_full_version": "3.11.7", "python_version": "3.11"}
    graph = build(app).build(target=linux)
    assert graph.components["pkg:pypi/idna@3.20"].scope is Scope.REQUIRED
    assert graph.components["pkg:pypi/idna@3.6"].scope is Scope.EXCLUDED
    assert graph.components["pkg:pypi/tomli@2.5.0"].scope is Scope.REQUIRED
    assert graph.components["pkg:pypi/pytest@9.2.0"].scope is Scope.OPTIONAL
    windows = {**linux, "sys_platform": "win32", "python_full_version": "3.12.1"}
    graph = build(app).build(target=windows)
    assert graph.components["pkg:pypi/idna@3.6"].scope is Scope.REQUIRED
    assert graph.components["pkg:pypi/idna@3.20"].scope is Scope.EXCLUDED
    assert graph.components["pkg:pypi/tomli@2.5.0"].scope is Scope.EXCLUDED


def test_project_refs_are_relative_to_the_scan_root() -> None:
    records = collect(SOURCE, fixture_project("uv-workspace").parent, "uv-workspace/uv.lock")
    comps = components(records)
    assert comps["project:uv-workspace"].name == "ws-root"
    assert comps["project:uv-workspace/packages/ws-core"].name == "ws-core"
    assert ("project:uv-workspace", "project:uv-workspace/vendor/localpkg") in edges(records)
    assert all(c.locations[0].file == PurePosixPath("uv-workspace/uv.lock") for c in comps.values())


@pytest.mark.parametrize("project", ["uv-app", "uv-workspace", "uv-virtual-workspace"])
def test_a_library_purl_is_the_purl_of_its_name_and_version(project: str) -> None:
    """The collector reuses the package's ref (`pypi_ref`) as its purl: they must agree."""
    libraries = [
        c
        for c in components(collect(SOURCE, fixture_project(project), "uv.lock")).values()
        if c.type is ComponentType.LIBRARY
    ]
    assert libraries
    for component in libraries:
        assert component.purl == pypi_purl(component.name, component.version)


def test_a_lock_reads_the_same_whichever_toml_reader_reads_it(
    app: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    """uv.lock takes plaintoml's fast path; tomllib gives the very same records."""
    text = (fixture_project("uv-app") / "uv.lock").read_text()
    assert plaintoml.loads(text) is not None
    monkeypatch.setattr(plaintoml, "loads", lambda text: None)
    assert collect(SOURCE, fixture_project("uv-app"), "uv.lock") == app
