from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from scanner.errors import SourceError
from scanner.model import Hash, Location
from scanner.sources.lockfile import (
    Artifact,
    admitted,
    chosen,
    dependency,
    digest_lines,
    digest_records,
    entry_lines,
    hash_of,
    load_toml,
    local_dir,
    normal_marker,
    vcs_url,
    with_extra,
)
from tests.conftest import FIXTURES
from tests.scanner.sources.helpers import context_for

LOCK = """version = 1

[[package]]  # first
name = "a"
version = "1"

[[package]]
version = "2"

[package.optional-dependencies]
name = [{ name = "x" }]

[[package]]
  name = "c"
sdist = { hash = "sha256:ab12ab12ab12ab12ab12ab12ab12ab12" }
"""


def test_entry_lines_point_at_each_name_or_else_the_header() -> None:
    assert entry_lines(LOCK, "package", 3) == [4, 7, 14]
    assert entry_lines(LOCK, "package", 2) == [None, None]  # headers do not match the entries
    assert entry_lines(LOCK.replace("[[package]]", "[[packages]]"), "packages", 3) == [4, 7, 14]


def test_digest_lines_and_records() -> None:
    lines = digest_lines(LOCK)
    assert lines == {"ab12ab12ab12ab12ab12ab12ab12ab12": 15}
    digest = hash_of("sha256:AB12ab12ab12ab12ab12ab12ab12ab12")
    other = Hash(alg="SHA-256", value="ff" * 16)
    assert digest == Hash(alg="SHA-256", value="ab12" * 8)
    where = Location(file=PurePosixPath("uv.lock"), line=14)
    found = list(digest_records("pkg:pypi/c@1", [digest, other], where, lines))
    assert [(d.digest, d.location.line) for d in found] == [("ab12" * 8, 15), ("ff" * 16, 14)]
    assert [d.location for d in digest_records("r", [other], where)] == [where]


@pytest.mark.parametrize("text", [None, 7, "", "md9:abcd", "sha256:not-hex", "abcd"])
def test_hash_of_refuses_what_is_not_a_known_digest(text: object) -> None:
    assert hash_of(text) is None


def artifact(name: str, *, sdist: bool = False, hashed: bool = True) -> Artifact:
    hashes = (Hash(alg="SHA-256", value=name),) if hashed else ()
    return Artifact(name=name, url=None, hashes=hashes, is_sdist=sdist)


def test_chosen_prefers_the_sdist_then_a_single_or_universal_wheel() -> None:
    sdist = artifact("a-1.tar.gz", sdist=True)
    pure = artifact("a-1-py3-none-any.whl")
    linux = artifact("a-1-cp311-manylinux_x86_64.whl")
    assert chosen([pure, linux, sdist]) is sdist
    assert chosen([linux]) is linux
    assert chosen([linux, pure]) is pure
    assert chosen([linux, artifact("a-1-cp311-win_amd64.whl")]) is None
    assert chosen([artifact("a-1.tar.gz", sdist=True, hashed=False), linux]) is linux


def test_local_dir_stays_inside_the_root() -> None:
    lock = PurePosixPath("apps/web/uv.lock")
    assert local_dir(lock, ".") == PurePosixPath("apps/web")
    assert local_dir(lock, "../../libs/core") == PurePosixPath("libs/core")
    assert local_dir(lock, "../../../elsewhere") is None
    assert local_dir(lock, "/abs/path") is None


def test_vcs_url_and_extra_markers() -> None:
    assert (
        vcs_url("git", "https://h/r.git", "abc", "sub")
        == "git+https://h/r.git@abc#subdirectory=sub"
    )
    assert vcs_url("git", "git+https://h/r.git", None, None) == "git+https://h/r.git"
    assert vcs_url("hg", "https://h/r", "", "") == "hg+https://h/r"
    assert with_extra(None, "cuda") == 'extra == "cuda"'
    assert with_extra('os_name == "nt"', "x") == '(os_name == "nt") and extra == "x"'


def test_markers_and_dependencies() -> None:
    assert normal_marker("python_version>'3.8'") == ('python_version > "3.8"', None)
    assert normal_marker("nonsense here") == (
        "nonsense here",
        "invalid marker 'nonsense here', kept as written",
    )
    req = dependency("a", "b[x]>=1; os_name == 'nt'")
    assert isinstance(req, Requirement)
    assert req.name == "b"
    with pytest.raises(InvalidRequirement) as caught:
        Requirement("~~")
    assert dependency("a", "~~") == f"a: invalid dependency '~~': {caught.value}; skipped"


@dataclass(frozen=True)
class Locked:
    name: str
    version: str | None


def test_admitted_falls_back_to_every_candidate() -> None:
    old, new, bare = Locked("a", "1.0"), Locked("a", "2.0rc1"), Locked("a", None)
    assert admitted([old, new, bare], SpecifierSet(">1")) == [new]  # pre-releases count
    assert admitted([old, new, bare], SpecifierSet(">=3")) == [old, new, bare]


def test_load_toml(tmp_path: Path) -> None:
    (tmp_path / "pdm.lock").write_text('[metadata]\nlock_version = "4.5"\n')
    (tmp_path / "bad.lock").write_text("[metadata\n")
    ctx = context_for(tmp_path)
    text, data = load_toml(PurePosixPath("pdm.lock"), ctx)
    assert text.startswith("[metadata]")
    assert data == {"metadata": {"lock_version": "4.5"}}
    with pytest.raises(SourceError, match="invalid TOML"):
        load_toml(PurePosixPath("bad.lock"), ctx)


def digest_lines_by_str(text: str) -> dict[str, int]:
    """digest_lines the straightforward way: a str regex over `str.splitlines`."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for digest in re.findall(r"\b[0-9a-f]{32,128}\b", line):
            found.setdefault(digest, number)
    return found


HEXISH = st.text(
    st.sampled_from(list("0123456789abcdef") * 8 + list("gA_-: é٣\n\r\x0b\x0c\x1c\x85\u2028")),
    max_size=400,
)


@settings(max_examples=500, deadline=None)
@given(HEXISH)
def test_digest_lines_finds_what_a_str_regex_over_splitlines_finds(text: str) -> None:
    assert list(digest_lines(text).items()) == list(digest_lines_by_str(text).items())


def test_digest_lines_on_every_fixture_lock() -> None:
    locks = [p for p in FIXTURES.rglob("*.lock") if p.is_file()]
    assert len(locks) > 10
    for lock in locks:
        text = lock.read_text(errors="replace")
        assert list(digest_lines(text).items()) == list(digest_lines_by_str(text).items())
