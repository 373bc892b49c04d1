from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner.errors import SourceError
from scanner.model import (
    Component,
    ComponentType,
    DeclaredRequirement,
    Edge,
    LicenseEvidence,
    Location,
    Record,
)
from scanner.sources.setup_cfg import SetupCfgSource
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, problems, walk_entry

SOURCE = SetupCfgSource()
ROOT = "project:."
CASES = FIXTURES / "files" / "setup_cfg"


def loc(file: str, line: int | None) -> Location:
    return Location(file=PurePosixPath(file), line=line)


def edge_map(records: list[Record]) -> dict[str, Edge]:
    return {r.child: r for r in records if isinstance(r, Edge)}


@pytest.mark.parametrize(
    ("rel", "claimed"),
    [("setup.cfg", True), ("pkg/setup.cfg", True), ("setup.cfg.in", False), ("tox.ini", False)],
)
def test_claims(rel: str, claimed: bool) -> None:
    assert SOURCE.claims(walk_entry(rel)) is claimed


@pytest.fixture(scope="module")
def app() -> list[Record]:
    return collect(SOURCE, fixture_project("setuptools-app"), "setup.cfg")


def test_project_component(app: list[Record]) -> None:
    project = components(app)[ROOT]
    assert project.type is ComponentType.APPLICATION
    assert (project.name, project.version, project.license) == (
        "setuptools-app",
        "1.4.0",
        "Apache-2.0",
    )
    assert project.locations == (loc("setup.cfg", 2),)
    assert project.origin == "setup.cfg"
    assert set(project.license_raw) == {
        LicenseEvidence(kind="license", value="Apache 2.0", location=loc("setup.cfg", 5)),
        LicenseEvidence(
            kind="classifier",
            value="License :: OSI Approved :: Apache Software License",
            location=loc("setup.cfg", 11),
        ),
        LicenseEvidence(kind="license-file", value="LICENSE", location=loc("setup.cfg", 7)),
        LicenseEvidence(kind="license-file", value="NOTICE", location=loc("setup.cfg", 8)),
    }


def test_install_requires_multiline(app: list[Record]) -> None:
    edges = edge_map(app)
    required = {child for child, e in edges.items() if e.group is None}
    assert required == {"pkg:pypi/requests", "pkg:pypi/click@8.1.7", "pkg:pypi/typing-extensions"}
    assert edges["pkg:pypi/typing-extensions"].marker == 'python_version < "3.11"'
    assert all(e.parent == ROOT for e in edges.values())
    comps = components(app)
    assert comps["pkg:pypi/requests"].locations == (loc("setup.cfg", 20),)
    assert comps["pkg:pypi/typing-extensions"].locations == (loc("setup.cfg", 23),)
    assert comps["pkg:pypi/requests"].version_spec == "<3,>=2.28"


def test_extras_in_both_forms(app: list[Record]) -> None:
    groups = {child: e.group for child, e in edge_map(app).items() if e.group}
    assert groups == {
        "pkg:pypi/rich": "extra:rich",
        "pkg:pypi/pygments": "extra:rich",
        "pkg:pypi/pytest": "extra:test",
        "pkg:pypi/pytest-cov": "extra:test",
    }
    assert all(e.marker is None for e in edge_map(app).values() if e.group)
    comps = components(app)
    assert comps["pkg:pypi/pygments"].locations == (loc("setup.cfg", 29),)
    assert comps["pkg:pypi/pytest-cov"].locations == (loc("setup.cfg", 32),)


def test_declared_requirements(app: list[Record]) -> None:
    kinds = {
        (r.component, r.manifest_kind, r.pinned) for r in app if isinstance(r, DeclaredRequirement)
    }
    assert ("pkg:pypi/click@8.1.7", "setup.cfg", True) in kinds
    assert ("pkg:pypi/requests", "setup.cfg", False) in kinds
    assert problems(app) == []


def test_file_directives() -> None:
    records = collect(SOURCE, CASES / "directives", "setup.cfg")
    comps = components(records)
    project = comps[ROOT]
    assert (project.name, project.version, project.license) == ("directives-app", "2.0.1", None)
    assert [(e.kind, e.value) for e in project.license_raw] == [
        ("license", "Proprietary; see LICENSE.txt"),
        ("classifier", "License :: Other/Proprietary License"),
        ("license-file", "LICENSE.txt"),
    ]
    assert ("aibom:version-from", "file: VERSION") in project.properties
    assert comps["pkg:pypi/requests"].locations == (loc("requirements.in", 2),)
    assert comps["pkg:pypi/numpy"].locations == (loc("requirements.in", 3),)
    groups = {e.child: e.group for e in records if isinstance(e, Edge)}
    assert groups["pkg:pypi/click"] == "extra:cli"
    assert groups["pkg:pypi/httpx"] == "extra:broken"


def test_bad_entry_is_a_problem_and_the_rest_counts() -> None:
    records = collect(SOURCE, CASES / "directives", "setup.cfg")
    found = problems(records)
    assert [p.location for p in found] == [loc("setup.cfg", 17)]
    assert found[0].message.startswith("invalid requirement 'not a requirement!!': ")
    assert "pkg:pypi/httpx" in components(records)


def test_attr_version_and_semicolon_list() -> None:
    records = collect(SOURCE, CASES / "attr-version", "setup.cfg")
    project = components(records)[ROOT]
    assert project.version is None
    assert ("aibom:version-from", "attr: attr_version_app.__version__") in project.properties
    assert project.license == "MIT"
    assert {e.child for e in records if isinstance(e, Edge)} == {
        "pkg:pypi/requests",
        "pkg:pypi/click",
    }
    assert problems(records) == []


def test_tool_only_file_declares_nothing() -> None:
    assert collect(SOURCE, CASES / "tool-only", "setup.cfg") == []


def test_not_an_ini_file() -> None:
    with pytest.raises(SourceError, match="not a valid INI file: File contains no section headers"):
        collect(SOURCE, CASES / "invalid", "setup.cfg")


def test_subproject_ref(tmp_path: Path) -> None:
    sub = tmp_path / "libs" / "core"
    sub.mkdir(parents=True)
    (sub / "setup.cfg").write_text(
        "[metadata]\nname = core\n\n[options]\ninstall_requires = attrs\n"
    )
    records = collect(SOURCE, tmp_path, "libs/core/setup.cfg")
    assert isinstance(records[0], Component)
    assert records[0].bom_ref == "project:libs/core"
    assert {(e.parent, e.child) for e in records if isinstance(e, Edge)} == {
        ("project:libs/core", "pkg:pypi/attrs")
    }


def test_dashed_keys_and_extra_names_kept(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(
        "[options]\ninstall-requires =\n    attrs\n\n[options.extras_require]\nmy-extra = rich\n"
    )
    records = collect(SOURCE, tmp_path, "setup.cfg")
    assert components(records)["pkg:pypi/attrs"].locations == (loc("setup.cfg", 3),)
    groups = {e.child: e.group for e in records if isinstance(e, Edge)}
    assert groups == {"pkg:pypi/attrs": None, "pkg:pypi/rich": "extra:my-extra"}
    assert components(records)["pkg:pypi/rich"].locations == (loc("setup.cfg", 6),)
