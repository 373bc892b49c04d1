"""reqsplit's linear-time helpers give what the straightforward library calls give."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.sources.reqsplit import head_lines, split_options

SHELL_TEXT = st.text(alphabet=st.sampled_from("ab='\"\\ \t\r\n#-\x0b\xa0\u2028"), max_size=40)
LINES_TEXT = st.text(alphabet=st.sampled_from("ab \n\r\x0b\x0c\x1c\x85\u2028"), max_size=40)


def shlex_outcome(text: str) -> list[str] | str:
    try:
        return shlex.split(text)
    except ValueError as exc:
        return str(exc)


def split_outcome(text: str) -> list[str] | str:
    try:
        return split_options(text)
    except ValueError as exc:
        return str(exc)


@settings(max_examples=2_000, deadline=None)
@given(SHELL_TEXT)
def test_split_options_is_shlex_split(text: str) -> None:
    assert split_outcome(text) == shlex_outcome(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "--hash=sha256:abc -e ./x",
        'a\\ b \'c d\' "e\\"f" "g\\h"',
        "''",
        "a '' b",
        "x\\",
        "'open",
        '"open',
        '"a\\',
        "#not-a-comment y",
    ],
)
def test_split_options_examples(text: str) -> None:
    assert split_outcome(text) == shlex_outcome(text)


def test_split_options_long_tokens() -> None:
    digest = "a" * 200_000
    assert split_options(f"--hash=sha256:{digest} -e './{digest}'") == [
        f"--hash=sha256:{digest}",
        "-e",
        f"./{digest}",
    ]


@settings(max_examples=2_000, deadline=None)
@given(LINES_TEXT, st.integers(min_value=1, max_value=8))
def test_head_lines_is_a_prefix_of_splitlines(text: str, count: int) -> None:
    head, cut = head_lines(text, count)
    assert text.startswith(head)
    assert head.splitlines() == text.splitlines()[:count]
    assert cut == (len(text.splitlines()) > count)
