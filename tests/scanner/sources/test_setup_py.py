from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner.errors import SourceError
from scanner.model import ComponentType, DeclaredRequirement, Edge, Location, Record
from scanner.sources.setup_py import SetupPySource
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, problems, walk_entry

SOURCE = SetupPySource()
ROOT = "project:."
CASES = FIXTURES / "files" / "setup_py"


def loc(line: int | None) -> Location:
    return Location(file=PurePosixPath("setup.py"), line=line)


def groups(records: list[Record]) -> dict[str, str | None]:
    return {r.child: r.group for r in records if isinstance(r, Edge)}


@pytest.mark.parametrize(
    ("rel", "claimed"),
    [("setup.py", True), ("sub/setup.py", True), ("setup_utils.py", False), ("setup.pyc", False)],
)
def test_claims(rel: str, claimed: bool) -> None:
    assert SOURCE.claims(walk_entry(rel)) is claimed


def test_literal_lists_and_module_level_names() -> None:
    records = collect(SOURCE, fixture_project("setuptools-app"), "setup.py")
    assert problems(records) == []
    assert groups(records) == {
        "pkg:pypi/requests": None,
        "pkg:pypi/click@8.1.7": None,
        "pkg:pypi/typing-extensions": None,
        "pkg:pypi/numpy": "extra:ml",
        "pkg:pypi/safetensors@0.4.5": "extra:ml",
        "pkg:pypi/rich": "extra:rich",
        "pkg:pypi/pygments": "extra:rich",
        "pkg:pypi/pytest": "extra:test",
        "pkg:pypi/pytest-cov": "extra:test",
    }
    comps = components(records)
    assert comps["pkg:pypi/numpy"].locations == (loc(6),)
    assert comps["pkg:pypi/requests"].locations == (loc(12),)
    markers = {r.child: r.marker for r in records if isinstance(r, Edge)}
    assert markers["pkg:pypi/typing-extensions"] == 'python_version < "3.11"'
    assert ROOT not in comps  # no metadata in this setup() call: setup.cfg has it
    kinds = {r.manifest_kind for r in records if isinstance(r, DeclaredRequirement)}
    assert kinds == {"setup.py"}


def test_computed_values_are_problems_not_crashes() -> None:
    records = collect(SOURCE, CASES / "computed", "setup.py")
    tail = " and was not evaluated: aibom never runs setup.py"
    found = {p.location.line: p.message for p in problems(records)}
    assert found == {
        20: "version is computed (get_version())" + tail,
        24: "install_requires is computed (REQUIRES)" + tail,
        26: "extras_require['dev'] is computed (f\"pytest>={PYTEST}\")" + tail,
    }
    project = components(records)[ROOT]
    assert (project.name, project.version, project.license) == ("computed-app", None, "MIT")
    assert groups(records) == {"pkg:pypi/sphinx": "extra:docs"}


def test_aliases_star_star_and_concatenation() -> None:
    records = collect(SOURCE, CASES / "aliases", "setup.py")
    project = components(records)[ROOT]
    assert (project.name, project.version, project.license) == (
        "aliases-app",
        "0.2.0",
        "BSD-3-Clause",
    )
    assert project.locations == (loc(4),)
    assert groups(records) == {
        "pkg:pypi/requests": None,
        "pkg:pypi/packaging": None,
        "pkg:pypi/rich": None,
        "pkg:pypi/typer": "extra:cli",
    }
    found = problems(records)
    assert [p.location for p in found] == [loc(17)]
    assert found[0].message.startswith("extras_require['plugins'] is computed (PLUGINS)")


def test_distutils_alias_and_multiline_string() -> None:
    records = collect(SOURCE, CASES / "distutils", "setup.py")
    assert problems(records) == []
    comps = components(records)
    project = comps[ROOT]
    assert project.type is ComponentType.APPLICATION
    assert project.license == "GPL-3.0-or-later"
    assert [e.kind for e in project.license_raw] == ["license", "classifier"]
    assert comps["pkg:pypi/six"].locations == (loc(11),)
    assert comps["pkg:pypi/chardet@5.2.0"].locations == (loc(14),)


def test_syntax_error_is_a_source_error() -> None:
    with pytest.raises(SourceError, match=r"invalid Python: '\[' was never closed \(line 5\)"):
        collect(SOURCE, CASES / "syntax-error", "setup.py")


def test_no_setup_call() -> None:
    records = collect(SOURCE, CASES / "no-setup", "setup.py")
    assert [p.message for p in problems(records)] == [
        "no setup() call found; the dependencies it declares are not known"
    ]


def test_invalid_requirement_string(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text(
        'from setuptools import setup\nsetup(install_requires=["ok>=1", "bad req!"])\n'
    )
    records = collect(SOURCE, tmp_path, "setup.py")
    assert [p.location.line for p in problems(records)] == [2]
    assert problems(records)[0].message.startswith("invalid requirement 'bad req!': ")
    assert "pkg:pypi/ok" in components(records)


def test_never_executes(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "setup.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "from setuptools import setup\nsetup(name='x', install_requires=['a'])\n"
    )
    collect(SOURCE, tmp_path, "setup.py")
    assert not marker.exists()


def test_syntax_warnings_in_the_scanned_file_are_not_ours(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text(
        'import re\nfrom setuptools import setup\nPATTERN = re.compile("\\d+")\n'
        "WIDTH = 1if True else 2\nsetup(install_requires=['a'])\n"
    )
    records = collect(SOURCE, tmp_path, "setup.py")  # filterwarnings=error would raise here
    assert "pkg:pypi/a" in components(records)
