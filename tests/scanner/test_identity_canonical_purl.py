"""`canonical_purl` returns purls already canonical as they are: only those packageurl keeps."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packageurl import PackageURL

from scanner.identity import ALREADY_CANONICAL, canonical_purl


def by_packageurl(text: object) -> str | None:
    """The straightforward way: parse and write every purl."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return str(PackageURL.from_string(text).to_string())
    except (ValueError, TypeError):
        return None


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(ALREADY_CANONICAL, fullmatch=True))
def test_what_the_shortcut_takes_is_already_canonical(purl: str) -> None:
    assert by_packageurl(purl) == purl
    assert canonical_purl(purl) == purl


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(max_size=30),
        st.builds(
            lambda kind, rest: f"pkg:{kind}/{rest}",
            st.sampled_from(["pypi", "PyPI", "huggingface", "github", "npm"]),
            st.text(st.sampled_from("aZ09_.-/@%?#+ é"), max_size=25),
        ),
    )
)
def test_same_as_packageurl(text: str) -> None:
    assert canonical_purl(text) == by_packageurl(text)


def test_examples() -> None:
    assert canonical_purl("pkg:pypi/requests@2.32.3") == "pkg:pypi/requests@2.32.3"
    assert canonical_purl("pkg:PYPI/Requests_Oauthlib@1.0") == "pkg:pypi/requests-oauthlib@1.0"
    commit = "a" * 40
    assert (
        canonical_purl(f"pkg:huggingface/BAAI/bge@{commit}") == f"pkg:huggingface/BAAI/bge@{commit}"
    )
    for nothing in (None, "", 42, ["pkg:pypi/x"], "not a purl"):
        assert canonical_purl(nothing) is None


def test_a_purl_packageurl_cannot_write_back_is_none() -> None:
    """packageurl parses `pkg:pypi/%2F%20%2F` and then fails in `to_string` with a TypeError:
    a hostile name must not crash the scan."""
    assert canonical_purl("pkg:pypi/%2F%20%2F") is None


PURL_PARTS = st.sampled_from([*"aZ0-_.@/?#%&=+: <>\"'\t\r\né\x00", "%2F", "%20", "%40", "%3d"])


@given(
    prefix=st.sampled_from(["pkg:pypi/", "pkg:huggingface/", "pkg:generic/", "pkg:npm/%40"]),
    rest=st.lists(PURL_PARTS, max_size=12).map("".join),
)
def test_odd_purls_are_what_packageurl_writes_back(prefix: str, rest: str) -> None:
    """The CycloneDX writers rely on this to write purls as the library does."""
    assert canonical_purl(prefix + rest) == by_packageurl(prefix + rest)


def test_a_purl_packageurl_does_not_write_back_unchanged() -> None:
    assert canonical_purl("pkg:npm/%40//%3d%3e") == "pkg:npm/%40/%3d%3e"
