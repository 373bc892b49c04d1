"""The shortcut of `purls.canonical` returns only purls `canonical_purl` leaves unchanged."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.bom.purls import ALREADY_CANONICAL, canonical
from scanner.identity import canonical_purl


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(ALREADY_CANONICAL, fullmatch=True))
def test_what_the_shortcut_takes_is_already_canonical(purl: str) -> None:
    assert canonical_purl(purl) == purl
    assert canonical(purl) == purl


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
def test_same_as_canonical_purl(text: str) -> None:
    assert canonical(text) == canonical_purl(text)


def test_examples() -> None:
    assert canonical("pkg:pypi/requests@2.32.3") == "pkg:pypi/requests@2.32.3"
    assert canonical("pkg:PYPI/Requests_Oauthlib@1.0") == "pkg:pypi/requests-oauthlib@1.0"
    assert (
        canonical("pkg:huggingface/BAAI/bge@" + "a" * 40) == "pkg:huggingface/BAAI/bge@" + "a" * 40
    )
    assert canonical(None) is None
    assert canonical("") is None
    assert canonical("not a purl") is None
