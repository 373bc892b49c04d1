from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.graph import GraphBuilder
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Edge,
    IndexUrl,
    Record,
    Scope,
)
from scanner.sources.pylock import PylockSource, _residual
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import (
    collect,
    components,
    edge_list,
    edges,
    find_edge,
    problems,
    walk_entry,
)

SOURCE = PylockSource()
FILES = FIXTURES / "files" / "pylock"


def properties_of(records: list[Record], ref: str) -> dict[str, str]:
    return dict(components(records)[ref].properties)


@pytest.fixture(scope="module")
def uv_export() -> list[Record]:
    return collect(SOURCE, fixture_project("pylock-app"), "pylock.toml")


@pytest.fixture(scope="module")
def pip_lock() -> list[Record]:
    return collect(SOURCE, fixture_project("pylock-app"), "pylock.pip.toml")


@pytest.fixture(scope="module")
def pdm_export() -> list[Record]:
    return collect(SOURCE, fixture_project("pylock-pdm-app"), "pylock.toml")


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("pylock.toml", True),
        ("pylock.dev.toml", True),
        ("pylock.a.b.toml", False),
        ("mypylock.toml", False),
        ("pylock.toml.orig", False),
    ],
)
def test_claims_pep_751_names(name: str, claimed: bool) -> None:
    assert SOURCE.claims(walk_entry(name)) is claimed


def test_uv_export_versions_hashes_and_index(uv_export: list[Record]) -> None:
    comps = components(uv_export)
    requests = comps["pkg:pypi/requests@2.34.2"]
    assert (requests.version, requests.origin) == ("2.34.2", "pylock")
    assert [(h.alg, h.value[:12]) for h in requests.hashes] == [("SHA-256", "f288924cae4e")]
    assert requests.external_refs[0].url.endswith("/requests-2.34.2.tar.gz")
    lock = (fixture_project("pylock-app") / "pylock.toml").read_text().splitlines()
    assert lock[(requests.locations[0].line or 0) - 1] == 'name = "requests"'
    digests = [r for r in uv_export if isinstance(r, DeclaredDigest)]
    assert len({d.digest for d in digests}) > 60
    assert [i.url for i in uv_export if isinstance(i, IndexUrl)] == ["https://pypi.org/simple"]
    assert problems(uv_export) == []


def test_without_a_graph_the_project_gets_every_package(uv_export: list[Record]) -> None:
    project = components(uv_export)["project:."]
    assert (project.name, project.type) == ("pylock-app", ComponentType.APPLICATION)
    libraries = {r for r, c in components(uv_export).items() if c.type is ComponentType.LIBRARY}
    assert len(libraries) == 17
    assert {e.child for e in edge_list(uv_export)} == libraries
    assert all(e.parent == "project:." and e.group is None for e in edge_list(uv_export))
    assert find_edge(uv_export, "project:.", "pkg:pypi/tomli@2.5.0").marker == (
        'python_full_version < "3.12"'
    )
    assert find_edge(uv_export, "project:.", "pkg:pypi/colorama@0.4.6").marker == (
        'sys_platform == "win32"'
    )
    assert properties_of(uv_export, "pkg:pypi/idna@3.20")["aibom:direct"] == "unknown"


def test_pip_lock_one_wheel_per_package(pip_lock: list[Record]) -> None:
    comps = components(pip_lock)
    assert len(comps) == 13
    charset = comps["pkg:pypi/charset-normalizer@3.5.2"]
    assert [h.value[:12] for h in charset.hashes] == ["211d5a3eb6af"]
    assert "manylinux" in charset.external_refs[0].url
    assert comps["project:."].name == "pylock-app"
    assert ("project:.", "pkg:pypi/pysocks@1.7.1") in edges(pip_lock)
    assert problems(pip_lock) == []


def test_pdm_graph_infers_direct_dependencies_per_install_choice(
    pdm_export: list[Record],
) -> None:
    direct = {e.child: e for e in edge_list(pdm_export) if e.parent == "project:."}
    assert set(direct) == {
        "pkg:pypi/click@8.5.1",
        "pkg:pypi/pysocks@1.7.1",  # pdm dropped the requests[socks] entry that pulled it in
        "pkg:pypi/pytest@9.2.0",
        "pkg:pypi/pyyaml@6.0.3",
        "pkg:pypi/requests@2.34.2",
        "pkg:pypi/rich@15.0.0",
        "pkg:pypi/six@1.17.0",
        "pkg:pypi/tinylib@0.3.0",
        "pkg:pypi/tomli@2.5.0",
        "project:vendor/localpkg",
    }
    assert (direct["pkg:pypi/pytest@9.2.0"].group, direct["pkg:pypi/pytest@9.2.0"].marker) == (
        "group:dev",
        None,
    )
    assert direct["pkg:pypi/pyyaml@6.0.3"].group == "extra:yaml"
    tomli = direct["pkg:pypi/tomli@2.5.0"]
    assert (tomli.group, tomli.marker) == (None, 'python_version < "3.12"')
    assert properties_of(pdm_export, "pkg:pypi/click@8.5.1")["aibom:direct"] == "inferred"
    assert "aibom:direct" not in properties_of(pdm_export, "pkg:pypi/mdurl@0.1.2")


def test_pdm_tool_dependencies_are_the_graph(pdm_export: list[Record]) -> None:
    pairs = edges(pdm_export)
    assert ("pkg:pypi/requests@2.34.2", "pkg:pypi/idna@3.20") in pairs
    assert ("pkg:pypi/rich@15.0.0", "pkg:pypi/pygments@2.21.0") in pairs
    colorama = find_edge(pdm_export, "pkg:pypi/pytest@9.2.0", "pkg:pypi/colorama@0.4.6")
    assert colorama.marker == 'sys_platform == "win32"'
    assert not any(
        "dependency_groups" in (e.marker or "") or " in extras" in (e.marker or "")
        for e in edge_list(pdm_export)
    )
    marker = properties_of(pdm_export, "pkg:pypi/colorama@0.4.6")["aibom:lock-marker"]
    assert marker == 'sys_platform == "win32" and "dev" in dependency_groups'


def test_vcs_archive_and_directory_entries(pdm_export: list[Record]) -> None:
    comps = components(pdm_export)
    (vcs,) = comps["pkg:pypi/tinylib@0.3.0"].external_refs
    assert vcs.url == "git+git://127.0.0.1:9419/tinylib@a68636085330ae0c458045f6ed348764021c49f8"
    assert vcs.comment == "requested v0.3.0"
    six = comps["pkg:pypi/six@1.17.0"]
    assert [h.value[:12] for h in six.hashes] == ["4721f391ed90"]
    assert six.external_refs[0].url.endswith("six-1.17.0-py2.py3-none-any.whl")
    assert comps["project:vendor/localpkg"].type is ComponentType.APPLICATION


def test_graph_builder_scopes_the_inferred_edges(pdm_export: list[Record]) -> None:
    builder = GraphBuilder()
    for record in pdm_export:
        if isinstance(record, Component | Edge):
            builder.add(record)
    linux = {"sys_platform": "linux", "python_version": "3.11", "python_full_version": "3.11.7"}
    graph = builder.build(target=linux)
    scope = {ref: comp.scope for ref, comp in graph.components.items()}
    assert scope["pkg:pypi/requests@2.34.2"] is Scope.REQUIRED
    assert scope["pkg:pypi/tomli@2.5.0"] is Scope.REQUIRED
    assert scope["pkg:pypi/pytest@9.2.0"] is Scope.OPTIONAL
    assert scope["pkg:pypi/pyyaml@6.0.3"] is Scope.OPTIONAL
    assert scope["pkg:pypi/colorama@0.4.6"] is Scope.EXCLUDED
    assert graph.path_to("pkg:pypi/urllib3@2.8.0")[-2:] == (
        "pkg:pypi/requests@2.34.2",
        "pkg:pypi/urllib3@2.8.0",
    )


def test_pep_751_dependencies_and_attestations() -> None:
    records = collect(SOURCE, FILES / "pep751-dependencies", "pylock.toml")
    markdown = "pkg:pypi/markdown-it-py@4.3.0"
    assert (markdown, "pkg:pypi/mdurl@0.1.2") in edges(records)
    assert (markdown, "pkg:pypi/linkify-it-py@2.2.0") in edges(records)
    assert ("project:.", markdown) in edges(records)
    assert find_edge(records, "project:.", "pkg:pypi/six@1.17.0").marker == (
        'sys_platform != "win32"'
    )
    assert len(edge_list(records)) == 4  # the recorded graph covers every package
    assert properties_of(records, markdown)["aibom:attestation-identity"] == (
        "kind=GitHub, repository=executablebooks/markdown-it-py"
    )
    assert problems(records) == []


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("truncated", "invalid TOML"),
        ("invalid-toml", "invalid TOML"),
        ("lock-version-2", r"lock-version 2\.0 is not supported \(reads 1\.x\)"),
    ],
)
def test_unreadable_lock_is_a_source_error(case: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        collect(SOURCE, FILES / case, "pylock.toml")


def test_entry_without_version_is_a_problem_and_the_rest_is_kept() -> None:
    records = collect(SOURCE, FILES / "missing-version", "pylock.toml")
    (problem,) = problems(records)
    assert problem.location.line == 22
    assert "'mdurl' has no version" in problem.message
    comps = components(records)
    assert comps["pkg:pypi/mdurl"].version is None
    assert comps["pkg:pypi/six@1.17.0"].version == "1.17.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[packages]]\nname = 'a'\n", "no `lock-version`"),
        ('lock-version = "1.0"\n', r"no `\[\[packages\]\]` array"),
    ],
)
def test_not_a_pep_751_lock(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pylock.toml").write_text(text)
    with pytest.raises(SourceError, match=message):
        collect(SOURCE, tmp_path, "pylock.toml")


def test_odd_entries_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "pylock.toml").write_text(
        'lock-version = "1.1"\n'
        "[[packages]]\nversion = '1'\n"
        "[[packages]]\nname = 'a'\nversion = '1.0'\nmarker = 'not a marker'\n"
        "dependencies = [{ name = 'ghost' }, 'b']\n"
        "wheels = [{ name = 'a-1.0-py3-none-any.whl', hashes = { sha256 = 'zz' } }]\n"
        "[[packages]]\nname = 'c'\nversion = '2'\n[packages.tool.pdm]\ndependencies = ['~~']\n"
    )
    records = collect(SOURCE, tmp_path, "pylock.toml")
    messages = [p.message for p in problems(records)]
    assert any("without a name" in m for m in messages)
    assert any("'ghost', which the lock lacks" in m for m in messages)
    assert any("dependency entry without a name" in m for m in messages)
    assert any("invalid dependency '~~'" in m for m in messages)
    assert any("'a': invalid marker 'not a marker'" in m for m in messages)
    assert components(records)["pkg:pypi/a@1.0"].hashes == ()


@pytest.mark.parametrize(
    ("marker", "extras", "groups", "expected"),
    [
        (None, set(), set(), True),
        ('"dev" in dependency_groups', set(), {"default"}, False),
        ('"dev" in dependency_groups', set(), {"default", "dev"}, True),
        ('"dev" not in dependency_groups', set(), {"default"}, True),
        ("'YAML' in extras", {"yaml"}, set(), True),
        (
            'sys_platform == "win32" and "dev" in dependency_groups',
            set(),
            {"dev"},
            'sys_platform == "win32"',
        ),
        (
            '"default" in dependency_groups or "dev" in dependency_groups',
            set(),
            {"dev"},
            True,
        ),
        (
            '(python_version < "3.12" or os_name == "nt") and "x" in extras',
            {"x"},
            set(),
            '(python_version < "3.12" or os_name == "nt")',
        ),
        (
            '"x" in extras and python_version < "3.12" or "y" in extras and os_name == "nt"',
            {"x", "y"},
            set(),
            'python_version < "3.12" or os_name == "nt"',
        ),
        ('"x" in extras or "y" in extras', set(), set(), False),
        ('("dev" in dependency_groups) and os_name == "nt"', set(), set(), False),
        ('("dev" in dependency_groups or os_name == "nt")', set(), set(), '(os_name == "nt")'),
    ],
)
def test_residual_marker(
    marker: str | None, extras: set[str], groups: set[str], expected: bool | str
) -> None:
    assert _residual(marker, extras, groups) == expected


def test_residual_with_unknown_choices_keeps_only_the_environment() -> None:
    marker = 'sys_platform == "win32" and "dev" in dependency_groups'
    assert _residual(marker, None, None) == 'sys_platform == "win32"'


def test_project_refs_are_relative_to_the_scan_root() -> None:
    root = fixture_project("pylock-pdm-app").parent
    records = collect(SOURCE, root, "pylock-pdm-app/pylock.toml")
    parents = {e.parent for e in edge_list(records) if e.child == "pkg:pypi/click@8.5.1"}
    assert parents == {"project:pylock-pdm-app"}
    assert "project:pylock-pdm-app/vendor/localpkg" in components(records)
    records = collect(SOURCE, root, "pylock-app/pylock.pip.toml")
    assert components(records)["project:pylock-app"].name == "pylock-app"
