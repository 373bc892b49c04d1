"""The pre-filter `Matcher.mentions` gives the answer of its plain definition on any bytes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.model import Record
from scanner.references.base import CallPattern, CallSite
from scanner.references.patterns import CALL_PATTERNS
from scanner.references.prefilter import matcher, matcher_of
from tests.conftest import REPO


@dataclass(frozen=True)
class Globs:
    """A pattern that only names callees (the pre-filter reads nothing else)."""

    callees: tuple[str, ...]
    name: str = "globs"

    def match(self, call: CallSite) -> Iterator[Record]:
        """Nothing: only the callees matter here."""
        return iter(())


ODD = (Globs(("tor?h.load", "[ab]x.run", "pkg.sub.go")),)
"""Globs whose root is not a name (`tor?h`, `[ab]x`) beside a plain one."""
ANY = (Globs(("*.from_pretrained", "pkg.sub.go")),)
"""A glob with an empty root, which every text holds."""


def plainly(patterns: tuple[CallPattern, ...], data: bytes) -> bool:
    """The definition: some callee root occurs in `data`, and so does every name of some
    callee glob."""
    globs = [glob for pattern in patterns for glob in pattern.callees]
    roots = {re.split(r"[.*(]", glob, maxsplit=1)[0].encode() for glob in globs}
    if not any(root in data for root in roots):
        return False
    return any(
        all(word.encode() in data for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", glob))
        for glob in globs
    )


def pieces(patterns: tuple[CallPattern, ...]) -> list[bytes]:
    """Every name of every glob, and halves of them (near misses)."""
    words = {
        word.encode()
        for pattern in patterns
        for glob in pattern.callees
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*|[^.*(]+", glob)
    }
    halves = {word[: len(word) // 2] for word in words} | {word[len(word) // 2 :] for word in words}
    return sorted(words | halves)


def texts(patterns: tuple[CallPattern, ...]) -> st.SearchStrategy[bytes]:
    """Byte strings made of the patterns' names, their halves and junk."""
    part = st.one_of(st.sampled_from(pieces(patterns)), st.binary(max_size=3))
    return st.lists(part, max_size=12).map(b" ".join) | st.lists(part, max_size=12).map(b"".join)


@settings(max_examples=600)
@given(texts(CALL_PATTERNS))
def test_mentions_is_its_definition(data: bytes) -> None:
    found = matcher(CALL_PATTERNS)
    expected = plainly(CALL_PATTERNS, data)
    assert found.mentions(data) is expected


@settings(max_examples=300)
@given(texts(ODD))
def test_mentions_is_its_definition_for_globs_whose_root_is_not_a_name(data: bytes) -> None:
    found = matcher(ODD)
    assert found.mentions(data) is plainly(ODD, data)


def test_a_glob_whose_root_is_not_a_name_needs_its_names_and_some_root() -> None:
    found = matcher(ODD)
    assert not found.mentions(b"tor h load")  # every name of `tor?h.load`, but no root
    assert found.mentions(b"tor?h load")
    assert found.mentions(b"pkg tor h load")
    assert not found.mentions(b"tor?h lo")


@settings(max_examples=100)
@given(texts(ANY))
def test_mentions_is_its_definition_for_a_glob_with_an_empty_root(data: bytes) -> None:
    assert matcher(ANY).mentions(data) is plainly(ANY, data)


def test_mentions_is_its_definition_on_every_python_file_of_the_repository() -> None:
    found = matcher(CALL_PATTERNS)
    paths = [*REPO.glob("scanner/**/*.py"), *REPO.glob("tests/**/*.py")]
    paths += [*REPO.glob("fixtures/**/*.py"), *REPO.glob("fixtures/**/*.ipynb")]
    assert len(paths) > 100
    for path in paths:
        data = Path(path).read_bytes()
        assert found.mentions(data) is plainly(CALL_PATTERNS, data), path


def test_matcher_of_is_the_matcher_of_that_very_tuple() -> None:
    assert matcher_of(CALL_PATTERNS) is matcher(CALL_PATTERNS)
    assert matcher_of(ODD) is matcher(ODD)
