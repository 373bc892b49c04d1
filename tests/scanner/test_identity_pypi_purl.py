"""`identity.pypi_purl` writes the purl packageurl writes, for any name and version."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from packageurl import PackageURL
from packaging.utils import canonicalize_name

from scanner.identity import PLAIN_NAME, PLAIN_VERSION, pypi_name, pypi_purl

NAMES = st.one_of(
    st.from_regex(PLAIN_NAME, fullmatch=True),
    st.text(st.sampled_from("aZz09_.-+ /@%é~!"), max_size=20),
    st.text(max_size=12),
)
VERSIONS = st.one_of(
    st.none(),
    st.just(""),
    st.from_regex(PLAIN_VERSION, fullmatch=True),
    st.text(st.sampled_from("0129.aZrc+!_-~ /%@é*"), max_size=16),
)


def by_packageurl(name: str, version: str | None = None) -> str:
    """The straightforward way: build a PackageURL and write it."""
    return str(PackageURL(type="pypi", name=pypi_name(name), version=version or None).to_string())


@settings(max_examples=1500)
@given(NAMES, VERSIONS)
def test_same_as_packageurl(name: str, version: str | None) -> None:
    assert outcome(pypi_purl, name, version) == outcome(by_packageurl, name, version)


def outcome(purl: Callable[[str, str | None], str], name: str, version: str | None) -> object:
    """The purl, or the type of the exception (packageurl refuses an empty or `/` name)."""
    try:
        return purl(name, version)
    except Exception as exc:  # any failure must be the same failure
        return type(exc)


def test_examples() -> None:
    assert pypi_purl("Foo_Bar", "1.0.0rc1") == "pkg:pypi/foo-bar@1.0.0rc1"
    assert pypi_purl("torch", "2.5.1+cu121") == "pkg:pypi/torch@2.5.1%2Bcu121"
    assert pypi_purl("zope.interface") == "pkg:pypi/zope-interface"
    assert pypi_purl("x", "") == "pkg:pypi/x"
    assert pypi_purl("x", "1", arch="x86_64") == "pkg:pypi/x@1?arch=x86_64"


@given(st.text(st.sampled_from("aZ09_.-é "), max_size=12))
def test_pypi_name_is_packagings_canonical_name(name: str) -> None:
    assert pypi_name(name) == canonicalize_name(name)
    assert pypi_name(name) == canonicalize_name(name)  # from the memo
