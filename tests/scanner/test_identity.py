"""`purl_pypi_name` reads plain purls itself: it must name what packageurl's parser names."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packageurl import PackageURL
from packaging.utils import canonicalize_name

from scanner.identity import PLAIN_PYPI_PURL, purl_pypi_name, pypi_purl
from tests.conftest import SNAPSHOTS


def reference(purl: str) -> str | None:
    """The straightforward way: packageurl's parse, then PEP 503."""
    if not purl.startswith("pkg:pypi/"):
        return None
    return canonicalize_name(PackageURL.from_string(purl).name)


def outcome(function: object, purl: str) -> tuple[str, str | None]:
    """('ok', name) or ('error', None): a parse error must stay an error."""
    try:
        return ("ok", function(purl))  # type: ignore[operator]
    except ValueError:
        return ("error", None)


def fast(purl: str) -> str | None:
    """The function under test without its cache (each example is parsed afresh)."""
    return purl_pypi_name.__wrapped__(purl)


ODD = [
    "pkg:pypi/requests",
    "pkg:pypi/requests@2.32.3",
    "pkg:pypi/Requests@2.32.3",
    "pkg:pypi/Foo_Bar@1.0",
    "pkg:pypi/foo.bar__baz--qux@1",
    "pkg:pypi/zope.interface@6.0",
    "pkg:pypi/torch@2.1.0%2Bcpu",
    "pkg:pypi/torch@2.1.0+cpu",
    "pkg:pypi/torch@2.1.0%2bcpu",
    "pkg:pypi/foo@1.0!2",
    "pkg:pypi/foo@",
    "pkg:pypi/foo@@1",
    "pkg:pypi/foo%40bar@1",
    "pkg:pypi/f%6Fo@1",
    "pkg:pypi/foo%2Fbar@1",
    "pkg:pypi/foo%ZZ@1",
    "pkg:pypi/foo@1%ZZ",
    "pkg:pypi/foo@1%C3",
    "pkg:pypi/ns/foo@1",
    "pkg:pypi//foo@1",
    "pkg:pypi/foo/@1",
    "pkg:pypi/foo@1?extension=whl",
    "pkg:pypi/foo@1?a=b&c=d#sub/path",
    "pkg:pypi/foo@1?=b",
    "pkg:pypi/foo@1#sub",
    "pkg:pypi/foo#sub@1",
    "pkg:pypi/foo?q=1@2",
    "pkg:pypi/foo:bar@1",
    "pkg:pypi/c:/x@1",
    "pkg:pypi/ foo @1",
    "pkg:pypi/foo@1 ",
    "pkg:pypi/foo\t@1",
    "pkg:pypi/",
    "pkg:pypi/@1",
    "pkg:pypi/.",
    "pkg:pypi/..@1",
    "pkg:pypi/-",
    "pkg:pypi/_",
    "pkg:pypi/ünïcode@1",
    "pkg:pypi/foo@1.0.post1.dev2",
    "pkg:pypi/foo@1.0-1",
    "pkg:pypi/requests\\",
    "pkg:pypi/rpds-py@2026.9.1#registry+https://github.com/rust-lang/crates.io-index#heck@0.5.0",
    "pkg:PYPI/foo@1",
    "pkg:npm/foo@1",
    "hf:model/org/name",
    "project:.",
]


@pytest.mark.parametrize("purl", ODD)
def test_odd_purls_name_what_packageurl_names(purl: str) -> None:
    assert outcome(fast, purl) == outcome(reference, purl)


def snapshot_purls() -> Iterator[str]:
    """Every string of every fixture snapshot that is a PyPI purl (refs, purls, paths)."""

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, str) and node.startswith("pkg:pypi/"):
            yield node
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from walk(key)
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for path in sorted(SNAPSHOTS.rglob("*.json")):
        yield from walk(json.loads(path.read_text(encoding="utf-8")))


def test_every_fixture_purl_names_what_packageurl_names() -> None:
    purls = sorted(set(snapshot_purls()))
    assert len(purls) > 100
    assert any(not PLAIN_PYPI_PURL.fullmatch(p) for p in purls)  # the slow path is covered too
    assert [outcome(fast, p) for p in purls] == [outcome(reference, p) for p in purls]


TRICKY = st.sampled_from([*"aZ09._-_@%+!/?#:=& \t~*\\éß", "%2B", "%40", "%2F", "%C3"])


@given(st.lists(TRICKY, max_size=12).map("".join))
def test_any_purl_names_what_packageurl_names(rest: str) -> None:
    purl = f"pkg:pypi/{rest}"
    assert outcome(fast, purl) == outcome(reference, purl)


@given(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True),
    st.none() | st.from_regex(r"[0-9][0-9a-z.+!-]{0,12}", fullmatch=True),
)
def test_written_purls_name_what_packageurl_names(name: str, version: str | None) -> None:
    purl = pypi_purl(name, version)
    assert fast(purl) == reference(purl) == canonicalize_name(name)
