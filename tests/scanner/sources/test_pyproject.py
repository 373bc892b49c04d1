from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from scanner import plaintoml
from scanner.errors import SourceError
from scanner.model import (
    Component,
    ComponentType,
    DeclaredRequirement,
    Edge,
    IndexUrl,
    LicenseEvidence,
    Location,
    Record,
)
from scanner.sources.pyproject import PyprojectSource, glob_regex
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, problems, walk_entry

SOURCE = PyprojectSource()
FILES = FIXTURES / "files" / "pyproject"


def run(root_name: str) -> list[Record]:
    return collect(SOURCE, fixture_project(root_name), "pyproject.toml")


def project(records: list[Record]) -> Component:
    return components(records)["project:."]


def group_edges(records: list[Record]) -> dict[str | None, set[str]]:
    """group -> child refs of edges from the project."""
    out: dict[str | None, set[str]] = {}
    for r in records:
        if isinstance(r, Edge) and r.parent == "project:.":
            out.setdefault(r.group, set()).add(r.child)
    return out


def declared(records: list[Record]) -> list[tuple[str, Edge, DeclaredRequirement]]:
    """(name, edge, declared requirement) for each requirement, in order."""
    out = []
    name, edge = "", None
    for r in records:
        if isinstance(r, Component):
            name = r.name
        elif isinstance(r, Edge):
            edge = r
        elif isinstance(r, DeclaredRequirement):
            assert edge is not None
            out.append((name, edge, r))
    return out


def test_claims_only_pyproject_toml():
    assert SOURCE.claims(walk_entry("pyproject.toml"))
    assert SOURCE.claims(walk_entry("sub/pyproject.toml"))
    assert not SOURCE.claims(walk_entry("pyproject.toml.bak"))
    assert not SOURCE.claims(walk_entry("Pipfile"))


def test_pep621_project_component_and_pep639_license():
    records = run("pep621-app")
    comp = project(records)
    assert comp.type is ComponentType.APPLICATION
    assert (comp.name, comp.version) == ("pep621-app", "0.3.1")
    assert comp.license == "MIT OR Apache-2.0"
    assert comp.locations == (Location(file=PurePosixPath("pyproject.toml"), line=6),)
    assert comp.origin == "pyproject"
    evidence = {(e.kind, e.value) for e in comp.license_raw}
    # the same three files hatchling 1.33.0 put in the wheel's .dist-info/licenses/
    assert evidence == {
        ("expression", "MIT OR Apache-2.0"),
        ("license-file", "LICENSE-APACHE"),
        ("license-file", "LICENSE-MIT"),
        ("license-file", "licenses/THIRD-PARTY.txt"),
    }
    expression = next(e for e in comp.license_raw if e.kind == "expression")
    assert expression.location == Location(file=PurePosixPath("pyproject.toml"), line=10)
    assert problems(records) == []


def test_pep621_dependencies_extras_and_groups():
    records = run("pep621-app")
    groups = group_edges(records)
    assert groups[None] == {"pkg:pypi/requests", "pkg:pypi/click@8.1.7", "pkg:pypi/rich"}
    assert groups["extra:cuda"] == {"pkg:pypi/torch", "pkg:pypi/nvidia-ml-py"}
    assert groups["extra:docs"] == {"pkg:pypi/mkdocs"}  # `Docs` normalised (PEP 685)
    assert groups["group:test"] == {"pkg:pypi/pytest", "pkg:pypi/pytest-cov"}
    assert groups["group:lint"] == {"pkg:pypi/ruff@0.6.9"}
    # dev includes test and lint (as `python -m dependency_groups dev` lists), plus
    # ipython, plus uv's legacy dev-dependencies
    assert groups["group:dev"] == {
        "pkg:pypi/pytest",
        "pkg:pypi/pytest-cov",
        "pkg:pypi/ruff@0.6.9",
        "pkg:pypi/ipython",
        "pkg:pypi/pre-commit",
    }
    rich = next(r for r in records if isinstance(r, Edge) and r.child == "pkg:pypi/rich")
    assert rich.extras == ("jupyter",)
    assert rich.marker == 'python_version >= "3.11"'


def test_pep621_requirement_lines():
    records = run("pep621-app")
    lines = {name: d.location.line for name, _, d in declared(records)}
    assert lines["requests"] == 18
    assert lines["nvidia-ml-py"] == 26
    assert lines["mkdocs"] == 28
    assert lines["ruff"] == 32
    assert lines["ipython"] == 36
    assert lines["pre-commit"] == 40


def test_uv_index_and_git_source():
    records = run("pep621-app")
    indexes = [r for r in records if isinstance(r, IndexUrl)]
    assert indexes == [
        IndexUrl(
            url="https://download.pytorch.org/whl/cpu",
            kind="explicit-index",
            location=Location(file=PurePosixPath("pyproject.toml"), line=48),
        )
    ]
    httpx = components(records)["pkg:pypi/httpx"]
    assert [(e.type, e.url) for e in httpx.external_refs] == [
        ("vcs", "git+https://github.com/encode/httpx@0.27.0")
    ]


def test_poetry_project_and_license():
    comp = project(run("poetry-manifest-app"))
    assert (comp.name, comp.version, comp.license) == ("poetry-manifest-app", "1.4.0", "Apache-2.0")
    assert {(e.kind, e.value) for e in comp.license_raw} == {
        ("license", "Apache-2.0"),
        ("classifier", "License :: OSI Approved :: Apache Software License"),
    }


POETRY_GROUPS = {"main": None, "dev": "group:dev", "test": "group:test", "docs": "group:docs"}


def test_poetry_dependencies_agree_with_poetry_core():
    """Our PEP 508 reading of every Poetry entry equals poetry-core's own (stored JSON)."""
    reference = json.loads(
        (fixture_project("poetry-manifest-app") / "poetry-core-pep508.json").read_text()
    )
    ours = set()
    for name, edge, decl in declared(run("poetry-manifest-app")):
        marker = str(Marker(edge.marker)) if edge.marker else ""
        ours.add(
            (name, str(SpecifierSet(decl.specifier)), decl.url, marker, edge.group, edge.extras)
        )
    theirs = set()
    for group, strings in reference["groups"].items():
        for text in strings:
            req = Requirement(text)
            marker, label = str(req.marker) if req.marker else "", POETRY_GROUPS[group]
            if 'extra == "' in marker:  # an optional dep: we say so with the edge's group
                label, marker = f"extra:{marker.split('extra == ')[1].strip(chr(34))}", ""
            url = req.url or None
            extras = tuple(sorted(req.extras))
            theirs.add((req.name, str(req.specifier), url, marker, label, extras))
    assert ours == theirs


def test_poetry_entry_details():
    records = run("poetry-manifest-app")
    comps = components(records)
    assert dict(comps["pkg:pypi/mylib"].properties) == {"aibom:poetry:develop": "true"}
    assert dict(comps["pkg:pypi/torch"].properties) == {"aibom:poetry:source": "pytorch"}
    assert "pkg:pypi/python" not in comps
    lines = {name: d.location.line for name, _, d in declared(records)}
    assert (lines["requests"], lines["numpy"], lines["black"], lines["mkdocs"]) == (13, 17, 45, 42)
    assert [(r.url, r.kind, r.location.line) for r in records if isinstance(r, IndexUrl)] == [
        ("https://download.pytorch.org/whl/cpu", "explicit-index", 49)
    ]
    assert problems(records) == []


def test_legacy_license_text_and_dynamic_fields():
    records = collect(SOURCE, FILES / "license-table-text", "pyproject.toml")
    comp = project(records)
    assert comp.license == "BSD-3-Clause"
    assert comp.version is None
    assert dict(comp.properties) == {"aibom:pyproject:dynamic": "readme,version"}
    assert (
        LicenseEvidence(
            kind="license",
            value="BSD 3-Clause License",
            location=Location(file=PurePosixPath("pyproject.toml"), line=9),
        )
        in comp.license_raw
    )
    assert ("classifier", "License :: OSI Approved :: BSD License") in {
        (e.kind, e.value) for e in comp.license_raw
    }


def test_legacy_license_file_is_kept_as_evidence_not_guessed():
    comp = project(collect(SOURCE, FILES / "license-table-file", "pyproject.toml"))
    assert comp.license is None
    assert [(e.kind, e.value) for e in comp.license_raw] == [("license-file", "LICENSE.txt")]


def test_bad_entries_become_problems_and_reading_goes_on():
    records = collect(SOURCE, FILES / "bad-entries", "pyproject.toml")
    messages = {(p.location.line, p.message.split(":")[0]) for p in problems(records)}
    assert (6, "invalid requirement") in messages
    assert (4, "`dependencies` holds a non-string 42") in messages
    found = {p.message for p in problems(records)}
    assert "dependency group 'a' includes itself; the cycle is not followed" in found
    assert "dependency group 'c' includes unknown group 'missing'" in found
    assert any("'alternatives'" in m and "no PEP 440 equivalent" in m for m in found)
    assert any("'badtype'" in m for m in found)
    assert any("'bad-version'" in m and "invalid version '1.x'" in m for m in found)
    groups = group_edges(records)
    assert groups[None] == {"pkg:pypi/requests"}
    assert groups["extra:extra-one"] == {"pkg:pypi/rich"}  # an inline optional-dependencies
    assert groups["group:a"] == groups["group:b"] == {"pkg:pypi/pytest", "pkg:pypi/coverage"}
    # a constraint with no PEP 440 form is kept by name rather than lost
    assert "pkg:pypi/alternatives" in groups["group:weird"]
    # [project] lists dependencies, so (as in Poetry 2) [tool.poetry.dependencies] is ignored
    assert "pkg:pypi/legacy" not in components(records)
    rich = next(d for n, _, d in declared(records) if n == "rich")
    assert rich.location.line == 9


def test_invalid_toml_is_a_source_error():
    with pytest.raises(SourceError, match="invalid TOML"):
        run("broken-pyproject")


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("LICEN[CS]E*", "LICENSE-MIT", True),
        ("LICEN[CS]E*", "vendor/LICENSE", False),
        ("licenses/*.txt", "licenses/a.txt", True),
        ("licenses/*.txt", "licenses/x/a.txt", False),
        ("**/LICENSE", "LICENSE", True),
        ("**/LICENSE", "a/b/LICENSE", True),
        ("COPYING?", "COPYINGS", True),
        ("[!A]*", "B", True),
        ("[!A]*", "A", False),
    ],
)
def test_license_file_globs(pattern, path, hit):
    assert bool(glob_regex(pattern).fullmatch(path)) is hit


def test_a_sub_project_is_its_own_project():
    root = fixture_project("poetry-manifest-app")
    records = collect(SOURCE, root, "libs/mylib/pyproject.toml")
    comp = components(records)["project:libs/mylib"]
    assert (comp.name, comp.version, comp.type) == ("mylib", "0.1.0", ComponentType.APPLICATION)
    assert comp.locations == (Location(file=PurePosixPath("libs/mylib/pyproject.toml"), line=2),)


def test_license_files_of_a_sub_project_are_relative_to_it(tmp_path):
    (tmp_path / "sub" / "docs").mkdir(parents=True)
    (tmp_path / "LICENSE").write_text("root license\n")
    (tmp_path / "sub" / "LICENSE").write_text("sub license\n")
    (tmp_path / "sub" / "docs" / "LICENSE").write_text("docs license\n")
    (tmp_path / "sub" / "pyproject.toml").write_text(
        '[project]\nname = "sub"\nlicense = "MIT"\nlicense-files = ["LICENSE", "**/LICENSE"]\n'
    )
    comp = project_at(collect(SOURCE, tmp_path, "sub/pyproject.toml"), "project:sub")
    assert sorted(e.value for e in comp.license_raw if e.kind == "license-file") == [
        "sub/LICENSE",
        "sub/docs/LICENSE",
    ]


def project_at(records: list[Record], ref: str) -> Component:
    return components(records)[ref]


def test_uv_index_kinds_and_masked_credentials(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n'
        "[tool.uv]\n"
        'extra-index-url = ["https://me:hunter2@extra.example/simple"]\n'
        'find-links = "https://links.example/wheels"\n\n'
        '[[tool.uv.index]]\nname = "corp"\nurl = "https://corp.example/simple"\ndefault = true\n\n'
        '[[tool.uv.index]]\nname = "other"\nurl = "https://me:${TOKEN}@other.example/simple"\n'
    )
    found = [
        (r.url, r.kind, r.location.line)
        for r in collect(SOURCE, tmp_path, "pyproject.toml")
        if isinstance(r, IndexUrl)
    ]
    assert found == [
        ("https://corp.example/simple", "index-url", 10),
        ("https://me:${TOKEN}@other.example/simple", "priority-index", 15),
        ("https://me:****@extra.example/simple", "priority-index", 5),
        ("https://links.example/wheels", "find-links", 6),
    ]


def test_no_recorded_url_keeps_a_secret(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n'
        'dependencies = ["tool @ git+https://ghp_secret@github.com/a/tool.git@v1"]\n\n'
        '[tool.uv]\nindex-url = "https://ghp_secret@idx.example/simple"\n\n'
        '[tool.uv.sources]\nlib = { git = "https://me:hunter2@github.com/a/lib.git" }\n'
    )
    records = collect(SOURCE, tmp_path, "pyproject.toml")
    assert not any("ghp_secret" in repr(r) or "hunter2" in repr(r) for r in records)
    refs = {c.name: c.external_refs[0].url for c in components(records).values() if c.external_refs}
    assert refs == {
        "tool": "git+https://****@github.com/a/tool.git@v1",
        "lib": "git+https://me:****@github.com/a/lib.git",
    }


PYPROJECTS = sorted(p.parent for p in FIXTURES.rglob("pyproject.toml"))


@pytest.mark.parametrize("root", PYPROJECTS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_pyproject_reads_the_same_whichever_toml_reader_reads_it(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain files take plaintoml's fast path; tomllib (via ctx.toml) gives the same records
    (or the same error)."""

    def outcome() -> object:
        try:
            return collect(SOURCE, root, "pyproject.toml")
        except SourceError as exc:
            return repr(exc), str(exc)

    fast = outcome()
    monkeypatch.setattr(plaintoml, "loads", lambda text: None)
    assert outcome() == fast
