from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.graph import ROOT, ComponentGraph, GraphBuilder
from scanner.identity import project_ref, pypi_ref
from scanner.model import (
    Component,
    DeclaredDigest,
    DeclaredRequirement,
    Edge,
    IndexUrl,
    Problem,
    Record,
    Scope,
)
from scanner.sources.poetry_lock import (
    PoetryLockSource,
    dependency_marker,
    poetry_ranges,
    python_marker,
)
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import (
    collect,
    components,
    edge_map,
    line_of,
    problems,
    props,
    walk_entry,
)

SOURCE = PoetryLockSource()
LOCKS = ("poetry-app-lock11", "poetry-app-lock1", "poetry-app-lock2")
REQUESTS = pypi_ref("requests", "2.32.5")
PYSOCKS = pypi_ref("pysocks", "1.7.1")
COVERAGE = pypi_ref("coverage", "7.10.7")
TOMLI = pypi_ref("tomli", "2.5.0")
HELPER = project_ref("libs/helper")


def records_of(name: str) -> list[Record]:
    return collect(SOURCE, fixture_project(name), "poetry.lock")


def test_claims_only_poetry_lock() -> None:
    assert SOURCE.claims(walk_entry("poetry.lock"))
    assert SOURCE.claims(walk_entry("sub/dir/poetry.lock"))
    assert not SOURCE.claims(walk_entry("Pipfile.lock"))
    assert not SOURCE.claims(walk_entry("poetry.lock.bak"))


@pytest.mark.parametrize("name", LOCKS)
def test_every_package_at_its_exact_version(name: str) -> None:
    records = records_of(name)
    comps = components(records)
    assert len(comps) == 22
    assert comps[REQUESTS].version == "2.32.5"
    assert comps[REQUESTS].purl == "pkg:pypi/requests@2.32.5"
    assert (
        comps[pypi_ref("click", "8.1.8")].description == "Composable command line interface toolkit"
    )
    assert comps[pypi_ref("pytest", "8.4.2")].origin == "poetry.lock"
    assert problems(records) == []
    lock = fixture_project(name) / "poetry.lock"
    assert comps[REQUESTS].locations[0].line == line_of(lock, 'name = "requests"')


@pytest.mark.parametrize("name", LOCKS)
def test_edges_carry_markers_and_extras(name: str) -> None:
    edges = edge_map(records_of(name))
    click_colorama = edges[(pypi_ref("click", "8.1.8"), pypi_ref("colorama", "0.4.6"))]
    assert click_colorama.marker == 'platform_system == "Windows"'
    assert edges[(pypi_ref("pytest", "8.4.2"), TOMLI)].marker == 'python_version < "3.11"'
    assert edges[(REQUESTS, pypi_ref("urllib3", "2.6.3"))].marker is None
    # optional dependencies behind a package's extra
    assert edges[(REQUESTS, PYSOCKS)].marker == 'extra == "socks"'
    assert edges[(COVERAGE, TOMLI)].marker == (
        'python_full_version <= "3.11.0a6" and extra == "toml"'
    )
    # extras requested of a dependency
    assert edges[(pypi_ref("pytest-cov", "6.3.0"), COVERAGE)].extras == ("toml",)
    # the local path dependency is the sub-project in libs/helper
    assert (HELPER, pypi_ref("idna", "3.20")) in edges


@pytest.mark.parametrize("name", LOCKS)
def test_local_directory_package_is_the_sub_project(name: str) -> None:
    helper = components(records_of(name))[HELPER]
    assert helper.name == "fixture-helper"
    assert helper.version == "0.1.0"
    assert helper.purl is None
    assert props(helper, "aibom:path") == {"libs/helper"}
    assert props(helper, "aibom:editable") == {"true"}


@pytest.mark.parametrize("name", LOCKS)
def test_hashes_and_declared_digests(name: str) -> None:
    records = records_of(name)
    comps = components(records)
    certifi = comps[pypi_ref("certifi", "2026.10.18")]
    assert {h.value for h in certifi.hashes} == {
        "73191c47aaa79da394e8fee2dbc2ec827432cab56311122c9e47abf79e390f62",
        "b9995d97b64d0431a5af837d8ca8cd6238104d1f319f04bd93ea43124d6c861e",
    }
    assert {h.alg for h in certifi.hashes} == {"SHA-256"}
    charset = pypi_ref("charset-normalizer", "3.5.2")
    digests = [r for r in records if isinstance(r, DeclaredDigest) and r.component == charset]
    # every file's digest is declared; the component keeps the platform-neutral ones
    assert len(digests) > 100
    assert len(comps[charset].hashes) == 2
    assert {d.digest for d in digests} >= {h.value for h in comps[charset].hashes}
    assert all(d.location.line == comps[charset].locations[0].line for d in digests)


def test_groups_from_lock_1_1_category() -> None:
    comps = components(records_of("poetry-app-lock11"))
    assert props(comps[pypi_ref("pytest", "8.4.2")], "aibom:groups") == {"dev"}
    assert props(comps[REQUESTS], "aibom:groups") == {"main"}
    assert props(comps[pypi_ref("rich", "13.9.4")], "aibom:optional") == {"true"}


def test_lock_2_0_has_no_groups() -> None:
    comps = components(records_of("poetry-app-lock1"))
    assert all(not props(c, "aibom:groups") for c in comps.values())


def test_groups_and_markers_from_lock_2_1() -> None:
    comps = components(records_of("poetry-app-lock2"))
    colorama = comps[pypi_ref("colorama", "0.4.6")]
    assert props(colorama, "aibom:groups") == {"main", "dev"}
    assert props(colorama, "aibom:markers:dev") == {'sys_platform == "win32"'}
    assert props(comps[TOMLI], "aibom:markers") == {'python_version < "3.11"'}
    assert props(comps[pypi_ref("rich", "13.9.4")], "aibom:markers") == {'extra == "fancy"'}


@pytest.mark.parametrize("name", LOCKS)
def test_legacy_index_reported_once(name: str) -> None:
    records = records_of(name)
    indexes = [r for r in records if isinstance(r, IndexUrl)]
    assert [(i.url, i.kind) for i in indexes] == [("https://pypi.org/simple", "index-url")]
    refs = components(records)[REQUESTS].external_refs
    assert [(r.type, r.url) for r in refs] == [("distribution", "https://pypi.org/simple")]


def build(records: list[Record], *extra: Edge) -> ComponentGraph:
    builder = GraphBuilder()
    for record in [*records, *extra]:
        if isinstance(record, Component | Edge):
            builder.add(record)
    return builder.build()


def reachable(graph: ComponentGraph) -> dict[str, Component]:
    return {ref: c for ref, c in graph.components.items() if c.reachable}


@pytest.mark.parametrize("name", LOCKS)
def test_extra_only_dependency_dropped_unless_requested(name: str) -> None:
    records = records_of(name)
    plain = build(records, Edge(parent=ROOT, child=REQUESTS))
    assert REQUESTS in reachable(plain)
    assert PYSOCKS not in reachable(plain)
    assert (REQUESTS, PYSOCKS) not in {(e.parent, e.child) for e in plain.edges}
    socks = build(records, Edge(parent=ROOT, child=REQUESTS, extras=("socks",)))
    assert PYSOCKS in reachable(socks)
    assert socks.path_to(PYSOCKS) == (ROOT, REQUESTS, PYSOCKS)
    # coverage's tomli comes only with coverage[toml]
    assert TOMLI not in reachable(build(records, Edge(parent=ROOT, child=COVERAGE)))
    toml = reachable(build(records, Edge(parent=ROOT, child=COVERAGE, extras=("toml",))))
    assert TOMLI in toml
    # ... which pytest-cov asks for, in the dev group
    cov = pypi_ref("pytest-cov", "6.3.0")
    dev = build(records, Edge(parent=ROOT, child=cov, group="dev"))
    assert (COVERAGE, TOMLI) in {(e.parent, e.child) for e in dev.edges}
    assert reachable(dev)[TOMLI].scope is Scope.OPTIONAL


def test_package_sources() -> None:
    records = records_of("poetry-sources")
    comps = components(records)
    gitpkg = comps[pypi_ref("gitpkg", "0.2.0")]
    commit = "2db6a359956b70a38f25e56db5b927468969afcd"
    assert [(r.type, r.url) for r in gitpkg.external_refs] == [
        ("vcs", f"git+file://None/tmp/fx/gitrepo@{commit}")
    ]
    assert props(gitpkg, "aibom:source") == {"git"}
    attrs = comps[pypi_ref("attrs", "24.2.0")]
    assert attrs.external_refs[0].type == "distribution"
    assert attrs.external_refs[0].url.endswith("/attrs-24.2.0-py3-none-any.whl")
    assert [h.value[:8] for h in attrs.hashes] == ["81921eb9"]
    six = comps[pypi_ref("six", "1.17.0")]
    assert props(six, "aibom:path") == {"wheels/six-1.17.0-py2.py3-none-any.whl"}
    # a lock pins what pyproject.toml declares: it adds no DeclaredRequirement of its own
    assert not [r for r in records if isinstance(r, DeclaredRequirement)]
    assert (gitpkg.bom_ref, pypi_ref("idna", "3.20")) in edge_map(records)


def test_truncated_lock_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="invalid TOML"):
        records_of("broken-poetry-lock")


def test_lock_cut_at_a_package_boundary_is_truncated() -> None:
    root = FIXTURES / "files" / "poetry-lock" / "cut-at-package"
    with pytest.raises(SourceError, match="truncated"):
        collect(SOURCE, root, "poetry.lock")


def test_bad_entries_become_problems_and_the_rest_is_read() -> None:
    root = FIXTURES / "files" / "poetry-lock" / "bad-entries"
    records = collect(SOURCE, root, "poetry.lock")
    found = {(p.location.line, p.message) for p in problems(records)}
    lock = root / "poetry.lock"
    click_line = line_of(lock, 'name = "click"')
    assert found == {
        (line_of(lock, 'name = "colorama"'), "a package without a name or version; skipped"),
        (click_line, "click: unreadable hash for click-8.1.8-py3-none-any.whl"),
        (
            click_line,
            "click -> colorama: invalid marker 'platform_system ==== \"Windows\"', kept as written",
        ),
        (
            click_line,
            "click -> idna: python = '~=banana' not understood (unreadable version 'banana'); "
            "ignored",
        ),
    }
    comps = components(records)
    assert set(comps) == {pypi_ref("click", "8.1.8"), pypi_ref("idna", "3.20")}
    assert len(comps[pypi_ref("click", "8.1.8")].hashes) == 1
    edges = edge_map(records)
    assert edges[(pypi_ref("click", "8.1.8"), pypi_ref("idna", "3.20"))].marker is None


def test_unknown_lock_version_is_read_with_a_problem(tmp_path: Path) -> None:
    lock = fixture_project("poetry-app-lock2") / "poetry.lock"
    (tmp_path / "poetry.lock").write_text(
        lock.read_text().replace('lock-version = "2.1"', 'lock-version = "3.0"')
    )
    records = collect(SOURCE, tmp_path, "poetry.lock")
    assert [p.message for p in problems(records)] == [
        "lock-version 3.0 is not one this reader knows; read as lock-version 2"
    ]
    assert REQUESTS in components(records)


def test_not_a_poetry_lock(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text('[tool]\nname = "x"\n')
    with pytest.raises(SourceError, match=r"not a poetry\.lock"):
        collect(SOURCE, tmp_path, "poetry.lock")


TWO_VERSIONS = """\
[[package]]
name = "numpy"
version = "1.24.4"
description = ""
optional = false
python-versions = ">=3.8"
files = []

[[package]]
name = "numpy"
version = "2.0.2"
description = ""
optional = false
python-versions = ">=3.9"
files = []

[[package]]
name = "scipy"
version = "1.10.1"
description = ""
optional = false
python-versions = ">=3.8"
files = []

[package.dependencies]
numpy = [
    {version = ">=1.22.4,<1.25", python = "<3.9"},
    {version = "^2.0", python = ">=3.9"},
]
plot = {version = "*", optional = true}

[metadata]
lock-version = "2.0"
python-versions = ">=3.8"
content-hash = "0"
"""


def test_two_locked_versions_of_one_name(tmp_path: Path) -> None:
    # the shape Poetry writes for a dependency with one constraint per Python range
    (tmp_path / "poetry.lock").write_text(TWO_VERSIONS)
    records = collect(SOURCE, tmp_path, "poetry.lock")
    scipy = pypi_ref("scipy", "1.10.1")
    edges = edge_map(records)
    assert edges[(scipy, pypi_ref("numpy", "1.24.4"))].marker == 'python_version < "3.9"'
    assert edges[(scipy, pypi_ref("numpy", "2.0.2"))].marker == 'python_version >= "3.9"'
    assert len(edges) == 2  # `plot` is optional, in no extra, and not locked
    assert [r.locations[0].line for r in records if isinstance(r, Component)] == [2, 10, 18]


@pytest.mark.parametrize(
    ("constraint", "marker"),
    [
        (">=3.8", 'python_version >= "3.8"'),
        ("<3.11", 'python_version < "3.11"'),
        ("^3.8", 'python_version >= "3.8" and python_version < "4.0"'),
        ("~3.8", 'python_version >= "3.8" and python_version < "3.9"'),
        (">=3.8.1,<4.0", 'python_full_version >= "3.8.1" and python_version < "4.0"'),
        ("3.8.*", 'python_version == "3.8"'),
        (">=2.7, !=3.0.*", 'python_version >= "2.7" and python_version != "3.0"'),
        (
            "~2.7 || >=3.6",
            '(python_version >= "2.7" and python_version < "2.8") or python_version >= "3.6"',
        ),
        ("*", None),
        ("2.7.*|| *", None),
    ],
)
def test_python_constraint_to_marker(constraint: str, marker: str | None) -> None:
    assert python_marker(constraint) == marker


@pytest.mark.parametrize(
    ("constraint", "ranges"),
    [
        ("^1.2.3", [[(">=", "1.2.3"), ("<", "2.0")]]),
        ("^0.2.3", [[(">=", "0.2.3"), ("<", "0.3")]]),
        ("^0.0.3", [[(">=", "0.0.3"), ("<", "0.0.4")]]),
        ("~1.2.3", [[(">=", "1.2.3"), ("<", "1.3")]]),
        ("~=1.2", [[("~=", "1.2")]]),
        (">=1.5.6,<1.5.7 || >1.5.7", [[(">=", "1.5.6"), ("<", "1.5.7")], [(">", "1.5.7")]]),
        (">= 1.0 < 2", [[(">=", "1.0"), ("<", "2")]]),
        ("1.2", [[("==", "1.2")]]),
        ("*", [[]]),
    ],
)
def test_poetry_constraint_ranges(constraint: str, ranges: list[list[tuple[str, str]]]) -> None:
    assert poetry_ranges(constraint) == ranges


def test_dependency_marker_joins_markers_python_and_platform() -> None:
    spec = {"version": ">=1", "markers": 'implementation_name == "cpython"', "python": ">=3.8"}
    spec["platform"] = "linux || darwin"
    assert dependency_marker(spec, set()) == (
        True,
        'implementation_name == "cpython" and python_version >= "3.8" and '
        '(sys_platform == "linux" or sys_platform == "darwin")',
        [],
    )
    optional = {"version": "*", "optional": True, "markers": 'sys_platform == "linux"'}
    assert dependency_marker(optional, {"gpu", "all"}) == (
        True,
        'sys_platform == "linux" and (extra == "all" or extra == "gpu")',
        [],
    )
    assert dependency_marker(optional, set()) == (False, None, [])
    assert dependency_marker(">=1", set()) == (True, None, [])


def test_fixture_copy_is_read_the_same(tmp_path: Path) -> None:
    # a lock is read the same wherever its project sits under the scanned root
    shutil.copytree(fixture_project("poetry-app-lock2"), tmp_path / "app")
    records = collect(SOURCE, tmp_path, "app/poetry.lock")
    assert project_ref("app/libs/helper") in components(records)
    assert not [r for r in records if isinstance(r, Problem)]
