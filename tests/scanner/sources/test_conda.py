from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.errors import LimitExceeded, SourceError
from scanner.model import DeclaredDigest, Edge, IndexUrl, Location, Record
from scanner.sources.conda import OPTION_SPLIT, CondaEnvironmentSource, parse_match_spec
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, edges, problems, walk_entry

SOURCE = CondaEnvironmentSource()
FILES = FIXTURES / "files" / "conda"


def run() -> list[Record]:
    return collect(SOURCE, fixture_project("conda-app"), "environment.yml")


def test_claims_environment_files():
    for name in ("environment.yml", "environment.yaml", "env/environment-cuda.yml"):
        assert SOURCE.claims(walk_entry(name))
    for name in ("conda-lock.yml", "environment.json", "mkdocs.yml"):
        assert not SOURCE.claims(walk_entry(name))


def test_conda_packages():
    comps = components(run())
    conda = {
        ref: (c.name, c.version, c.version_spec)
        for ref, c in comps.items()
        if ref.startswith("pkg:conda/")
    }
    assert conda == {
        "pkg:conda/python": ("python", None, ">=3.11,<3.13"),
        "pkg:conda/numpy": ("numpy", None, "1.26.*"),
        "pkg:conda/pandas@2.2.1": ("pandas", "2.2.1", "==2.2.1"),
        "pkg:conda/pytorch?channel=pytorch": ("pytorch", None, "2.1.*"),
        "pkg:conda/scikit-learn?channel=conda-forge": ("scikit-learn", None, None),
        "pkg:conda/openssl@3.0.13": ("openssl", "3.0.13", "==3.0.13"),
        "pkg:conda/ca-certificates@2024.2.2": ("ca-certificates", "2024.2.2", "==2024.2.2"),
        "pkg:conda/pip": ("pip", None, None),  # pip is a conda package, not a PyPI one here
    }
    assert dict(comps["pkg:conda/openssl@3.0.13"].properties) == {"aibom:conda:build": "h4ab18f5_1"}
    assert comps["pkg:conda/numpy"].locations == (
        Location(file=PurePosixPath("environment.yml"), line=9),
    )
    assert all(c.origin == "conda" for c in comps.values())


def test_pip_section_is_pypi():
    records = run()
    comps = components(records)
    pypi = {ref for ref in comps if ref.startswith("pkg:pypi/")}
    assert pypi == {"pkg:pypi/requests@2.31.0", "pkg:pypi/rich", "pkg:pypi/transformers"}
    assert comps["pkg:pypi/rich"].locations[0].line == 19
    assert ("project:.", "pkg:pypi/transformers") in edges(records)
    rich = next(r for r in records if isinstance(r, Edge) and r.child == "pkg:pypi/rich")
    assert (rich.extras, rich.marker) == (("jupyter",), 'python_version >= "3.11"')
    # `-r requirements.txt` is read by the requirements source; `-e .` is the project itself
    assert problems(records) == []


def test_channels_and_index_options():
    found = [(r.url, r.kind, r.location.line) for r in run() if isinstance(r, IndexUrl)]
    assert found == [
        ("pytorch", "conda-channel", 4),
        ("conda-forge", "conda-channel", 5),
        ("nodefaults", "conda-channel", 6),
        ("https://download.pytorch.org/whl/cpu", "extra-index-url", 17),
    ]


def test_match_specs_agree_with_rattler():
    """Each case in matchspecs.json was recorded from py-rattler's MatchSpec."""
    reference = json.loads((FILES / "matchspecs.json").read_text())
    for case in reference["cases"]:
        spec = parse_match_spec(case["spec"])
        assert spec is not None, case
        got = {
            "name": spec.name,
            "version": spec.version,
            "build": spec.build,
            "channel": spec.channel,
        }
        assert got == {k: case[k] for k in got}, case["spec"]


@pytest.mark.parametrize("bad", ["", "::", ">=1.0", "a b c d"])
def test_unreadable_match_specs(bad):
    assert parse_match_spec(bad) is None


def test_invalid_yaml_is_a_source_error():
    with pytest.raises(SourceError, match="invalid YAML") as info:
        collect(SOURCE, FILES, "environment-invalid.yml")
    assert info.value.line == 8


def test_alias_bomb_is_refused_without_expanding():
    with pytest.raises(SourceError, match="aliases") as info:
        collect(SOURCE, FILES, "environment-alias-bomb.yml")
    assert info.value.line == 4  # the first alias, not the anchors before it


def test_deep_nesting_is_refused_before_libyaml_composes_it():
    with pytest.raises(LimitExceeded, match="nested deeper than 32"):
        collect(SOURCE, FILES, "environment-deep-nesting.yml")


def test_a_document_that_is_not_a_mapping():
    with pytest.raises(SourceError, match="not a mapping"):
        collect(SOURCE, FILES, "environment-list-document.yml")


def test_bad_entries_are_problems_and_the_rest_is_read():
    records = collect(SOURCE, FILES, "environment-bad-entries.yml")
    found = {(p.location.line, p.message) for p in problems(records)}
    by_line = dict(found)
    assert len(found) == 7
    assert by_line[4] == "unreadable conda match spec '>=1.0'"
    assert by_line[5] == "unreadable dependency entry"
    assert by_line[8].startswith("invalid requirement: ")
    assert by_line[9] == "pip option --weird-option in environment file is not understood"
    assert by_line[10] == "editable local path '../elsewhere' is not resolved to a package name"
    assert by_line[11] == (
        "`-r missing-requirements.txt` in the pip list is not followed by the conda source"
    )
    assert by_line[14] == "`pip` is not a list"
    refs = set(components(records))
    assert refs == {
        "pkg:conda/numpy",
        "pkg:pypi/requests@2.31.0",
        "pkg:pypi/requests-toolbelt@1.0.0",
        "pkg:pypi/httpx",
    }
    digest = next(r for r in records if isinstance(r, DeclaredDigest))
    assert (digest.component, digest.algorithm) == ("pkg:pypi/requests-toolbelt@1.0.0", "sha256")
    assert digest.digest.startswith("cccfdd665f0a")
    httpx = components(records)["pkg:pypi/httpx"]
    assert [e.url for e in httpx.external_refs] == ["git+https://github.com/encode/httpx@0.27.0"]


@given(
    st.lists(
        st.sampled_from([" ", "\t", "-", "--", "a", "Z", "=", ":", "#", "1"]), max_size=40
    ).map("".join)
)
def test_option_split_is_the_plain_split(line: str) -> None:
    """The look-behind only stops retrying inside a run of spaces: same pieces as before."""
    assert OPTION_SPLIT.split(line) == re.split(r"\s+(?=--?[A-Za-z])", line)


def test_a_long_run_of_spaces_in_a_pip_line_is_read_at_once() -> None:
    """`'a<20,000 spaces>b'` took ~3 s (quadratic retries); now it is linear."""
    pieces = OPTION_SPLIT.split("a" + " " * 200_000 + "b --hash=sha256:00")
    assert pieces == ["a" + " " * 200_000 + "b", "--hash=sha256:00"]
