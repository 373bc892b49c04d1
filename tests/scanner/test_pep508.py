from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import InvalidMarker
from packaging.requirements import InvalidRequirement, Requirement

from scanner import pep508

DEEP = "(" * 2000 + 'python_version > "3"' + ")" * 2000


def test_deep_nesting_is_an_invalid_marker_not_a_recursion_error() -> None:
    with pytest.raises(InvalidMarker, match="nested too deeply"):
        pep508.marker(DEEP)
    with pytest.raises(InvalidRequirement, match="nested too deeply"):
        pep508.requirement(f"requests; {DEEP}")


def test_ordinary_input_parses_as_packaging_does() -> None:
    assert str(pep508.marker('python_version>"3.8"')) == 'python_version > "3.8"'
    assert pep508.requirement("requests[socks]>=2; os_name == 'nt'").extras == {"socks"}
    with pytest.raises(InvalidRequirement):
        pep508.requirement("requests >=")


REQUIREMENTS = [
    "requests",
    "Requests[socks,Security]>=2,<3; os_name == 'nt' and python_version > '3.8'",
    "torch @ https://example.org/torch-2.5.1-cp311-none-any.whl ; sys_platform == 'linux'",
    "lib0326>=1.0",
    "foo[bar] ===1.0.0+local",
    "pkg; extra == 'gpu'",
    "zope.interface~=5.0",
]


@given(
    st.sampled_from(REQUIREMENTS) | st.text(st.sampled_from("ab[]<>=!~;.,0123 '\"@:/"), max_size=24)
)
def test_memoised_requirement_is_a_fresh_copy_of_packagings(text: str) -> None:
    try:
        expected = Requirement(text)
    except (InvalidRequirement, RecursionError):
        with pytest.raises(InvalidRequirement):
            pep508.requirement(text)
        return
    first, second = pep508.requirement(text), pep508.requirement(text)
    for got in (first, second):
        assert (got.name, got.url, got.extras) == (expected.name, expected.url, expected.extras)
        assert (str(got.specifier), str(got.marker)) == (
            str(expected.specifier),
            str(expected.marker),
        )
        assert (str(got), got) == (str(expected), expected)
    first.extras.add("changed")
    first.marker = None
    assert second.extras == expected.extras
    assert str(pep508.requirement(text)) == str(expected)
