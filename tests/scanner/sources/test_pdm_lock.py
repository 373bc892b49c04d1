from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner.errors import SourceError
from scanner.graph import GraphBuilder
from scanner.model import Component, ComponentType, DeclaredDigest, Edge, Record
from scanner.sources.pdm_lock import PdmLockSource
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import (
    collect,
    components,
    edges,
    find_edge,
    problems,
    walk_entry,
)

SOURCE = PdmLockSource()
FILES = FIXTURES / "files" / "pdm-lock"
REQUESTS = "pkg:pypi/requests@2.34.2"
PYSOCKS = "pkg:pypi/pysocks@1.7.1"


@pytest.fixture(scope="module")
def app() -> list[Record]:
    return collect(SOURCE, fixture_project("pdm-app"), "pdm.lock")


def test_claims_only_pdm_lock() -> None:
    assert SOURCE.claims(walk_entry("a/pdm.lock"))
    assert not SOURCE.claims(walk_entry("pdm.toml"))


def test_versions_hashes_and_descriptions(app: list[Record]) -> None:
    comps = components(app)
    requests = comps[REQUESTS]
    assert (requests.version, requests.purl, requests.origin) == ("2.34.2", REQUESTS, "pdm.lock")
    assert requests.description == "Python HTTP for Humans."
    assert [h.value[:12] for h in requests.hashes] == ["f288924cae4e"]  # the sdist
    digests = [r for r in app if isinstance(r, DeclaredDigest) and r.component == REQUESTS]
    assert len({d.digest for d in digests}) == 2
    assert len(comps) == 21  # 22 entries, one of them the requests[socks] extras entry
    assert problems(app) == []


def test_extras_entry_is_folded_into_its_package(app: list[Record]) -> None:
    requests = components(app)[REQUESTS]
    lock = (fixture_project("pdm-app") / "pdm.lock").read_text().splitlines()
    lines = [loc.line or 0 for loc in requests.locations]
    assert len(lines) == 2  # the package entry and its `extras = ["socks"]` entry
    assert all(lock[n - 1] == 'name = "requests"' for n in lines)
    assert lock[lines[1]] == 'version = "2.34.2"'
    assert lock[lines[1] + 1] == 'extras = ["socks"]'
    socks = find_edge(app, REQUESTS, PYSOCKS)
    assert socks.marker == 'extra == "socks"'
    assert (REQUESTS, REQUESTS) not in edges(app)


def test_graph_edges_with_markers(app: list[Record]) -> None:
    pairs = edges(app)
    assert (REQUESTS, "pkg:pypi/urllib3@2.8.0") in pairs
    assert ("pkg:pypi/rich@15.0.0", "pkg:pypi/markdown-it-py@4.3.0") in pairs
    colorama = find_edge(app, "pkg:pypi/pytest@9.2.0", "pkg:pypi/colorama@0.4.6")
    assert colorama.marker == 'sys_platform == "win32"'
    tomli = find_edge(app, "pkg:pypi/pytest@9.2.0", "pkg:pypi/tomli@2.5.0")
    assert tomli.marker == 'python_version < "3.11"'
    # pytest's `exceptiongroup; python_version < "3.11"` is not locked: no edge, no problem
    assert not any("exceptiongroup" in child for _, child in pairs)


def test_groups_and_lock_markers_are_properties(app: list[Record]) -> None:
    comps = components(app)
    assert dict(comps["pkg:pypi/pygments@2.21.0"].properties)["aibom:groups"] == "default,dev"
    assert dict(comps["pkg:pypi/pyyaml@6.0.3"].properties)["aibom:groups"] == "yaml"
    colorama = dict(comps["pkg:pypi/colorama@0.4.6"].properties)
    assert colorama == {"aibom:groups": "dev", "aibom:lock-marker": 'sys_platform == "win32"'}


def test_git_url_and_path_entries(app: list[Record]) -> None:
    comps = components(app)
    (vcs,) = comps["pkg:pypi/tinylib@0.3.0"].external_refs
    assert (vcs.type, vcs.comment) == ("vcs", "requested ref v0.3.0")
    assert vcs.url == "git+git://127.0.0.1:9419/tinylib@a68636085330ae0c458045f6ed348764021c49f8"
    assert ("pkg:pypi/tinylib@0.3.0", "pkg:pypi/idna@3.20") in edges(app)
    six = comps["pkg:pypi/six@1.17.0"]
    assert six.external_refs[0].type == "distribution"
    assert six.external_refs[0].url.endswith("six-1.17.0-py2.py3-none-any.whl")
    assert [h.value[:12] for h in six.hashes] == ["4721f391ed90"]
    local = comps["project:vendor/localpkg"]
    assert (local.type, local.version) == (ComponentType.APPLICATION, "0.0.1")
    assert ("project:vendor/localpkg", "pkg:pypi/six@1.17.0") in edges(app)


def test_lock_version_4_1_reads_metadata_files() -> None:
    records = collect(SOURCE, fixture_project("pdm-legacy-app"), "pdm.lock")
    comps = components(records)
    assert [h.value[:12] for h in comps["pkg:pypi/certifi@2026.10.18"].hashes] == ["b9995d97b64d"]
    assert find_edge(records, REQUESTS, PYSOCKS).marker == 'extra == "socks"'
    assert "aibom:groups" not in dict(comps[REQUESTS].properties)  # no groups before 4.4
    assert problems(records) == []


def test_pdm1_lock_3_1() -> None:
    records = collect(SOURCE, FILES / "pdm1-lock31", "pdm.lock")
    assert find_edge(records, REQUESTS, PYSOCKS).marker == 'extra == "socks"'
    assert len(components(records)) == 8
    assert all(c.hashes for c in components(records).values())
    assert problems(records) == []


def test_extras_written_into_the_name() -> None:
    records = collect(SOURCE, FILES / "extras-in-name", "pdm.lock")
    comps = components(records)
    markdown = "pkg:pypi/markdown-it-py@4.3.0"
    assert len(comps[markdown].locations) == 2
    assert not any("[" in ref for ref in comps)
    linkify = find_edge(records, markdown, "pkg:pypi/linkify-it-py@2.2.0")
    assert linkify.marker == 'extra == "linkify"'
    assert find_edge(records, markdown, "pkg:pypi/mdurl@0.1.2").marker is None


@pytest.mark.parametrize("case", ["truncated", "invalid-toml"])
def test_unreadable_lock_is_a_source_error(case: str) -> None:
    with pytest.raises(SourceError, match="invalid TOML"):
        collect(SOURCE, FILES / case, "pdm.lock")


def test_entry_without_version_is_a_problem_and_the_rest_is_kept() -> None:
    records = collect(SOURCE, FILES / "missing-version", "pdm.lock")
    (problem,) = problems(records)
    assert (problem.location.line, problem.location.file) == (55, PurePosixPath("pdm.lock"))
    assert "'mdurl' has no version" in problem.message
    comps = components(records)
    assert comps["pkg:pypi/mdurl"].version is None
    assert comps["pkg:pypi/six@1.17.0"].version == "1.17.0"


def test_lock_cut_between_entries_reports_the_dangling_dependency() -> None:
    records = collect(SOURCE, FILES / "truncated-at-entry", "pdm.lock")
    (problem,) = problems(records)
    assert "depends on 'mdurl', which the lock does not list" in problem.message


def test_odd_entries_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "pdm.lock").write_text(
        '[metadata]\nlock_version = "5.0"\n'
        "[[package]]\nversion = '1'\n"
        "[[package]]\nname = 'a'\nversion = '1.0'\ndependencies = ['b >>> 2', 'a[x]']\n"
        "files = 'no'\n"
    )
    records = collect(SOURCE, tmp_path, "pdm.lock")
    messages = [p.message for p in problems(records)]
    assert any("newer than aibom reads" in m for m in messages)
    assert any("without a name" in m for m in messages)
    assert any("invalid dependency 'b >>> 2'" in m for m in messages)
    assert components(records)["pkg:pypi/a@1.0"].hashes == ()


def test_graph_follows_the_extra_only_when_a_manifest_requests_it(app: list[Record]) -> None:
    def graph(extras: tuple[str, ...]) -> set[str]:
        builder = GraphBuilder()
        for record in app:
            if isinstance(record, Component | Edge):
                builder.add(record)
        # what pyproject.toml's source says: the project requires requests (maybe [socks])
        builder.add(Edge(parent="project:.", child="pkg:pypi/requests", extras=extras))
        builder.add(
            Component(
                bom_ref="pkg:pypi/requests", type=ComponentType.LIBRARY, name="requests",
                version_spec=">=2.31", purl="pkg:pypi/requests",
            )
        )  # fmt: skip
        built = builder.build()
        return {ref for ref, comp in built.components.items() if comp.reachable}

    assert PYSOCKS in graph(("socks",))
    assert PYSOCKS not in graph(())
    assert "pkg:pypi/urllib3@2.8.0" in graph(())


def test_local_project_refs_are_relative_to_the_scan_root() -> None:
    records = collect(SOURCE, fixture_project("pdm-app").parent, "pdm-app/pdm.lock")
    assert ("project:pdm-app/vendor/localpkg", "pkg:pypi/six@1.17.0") in edges(records)


def test_missing_metadata_reads_as_truncated(tmp_path: Path) -> None:
    (tmp_path / "pdm.lock").write_text("[[package]]\nname = 'a'\nversion = '1.0'\n")
    records = collect(SOURCE, tmp_path, "pdm.lock")
    assert [p.message for p in problems(records)] == [
        "no [metadata] table, which pdm always writes: truncated?"
    ]
    assert "pkg:pypi/a@1.0" in components(records)
