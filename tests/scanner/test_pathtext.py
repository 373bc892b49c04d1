"""`pathtext` answers what `PurePosixPath` answers, on the text of any path."""

from __future__ import annotations

from pathlib import PurePosixPath as P

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.pathtext import is_name, joined, nearest_dir, package_parts, parent_text

PART = st.sampled_from(["a", "b", "src", "pkg.sub", "..", ".", "x.py", "-"])
TEXTS = st.lists(PART, max_size=5).map(lambda parts: str(P(*parts)) if parts else ".")
"""Texts of relative paths, as `str(PurePosixPath)` gives them (normalised)."""
ANY_TEXT = TEXTS | TEXTS.map(lambda text: "/" + text) | st.just("/")


@settings(max_examples=150)
@given(ANY_TEXT)
def test_parent_and_package_are_pathlibs(text: str) -> None:
    assert parent_text(text) == str(P(text).parent)
    assert package_parts(text) == tuple(p for p in P(text).parent.parts if p != ".")


@settings(max_examples=150)
@given(TEXTS, st.lists(PART.filter(is_name), min_size=1, max_size=4))
def test_joined_is_joinpath_for_plain_names(base: str, parts: list[str]) -> None:
    assert joined(base, *parts) == str(P(base).joinpath(*parts))


@settings(max_examples=150)
@given(ANY_TEXT, st.frozensets(TEXTS | TEXTS.map(lambda text: "/" + text), max_size=6))
def test_nearest_dir_is_the_first_parent_in_the_set(text: str, dirs: frozenset[str]) -> None:
    paths = frozenset(map(P, dirs))
    rel = P(text)
    expected = next((p for p in (rel.parent, *rel.parent.parents) if p in paths), None)
    assert nearest_dir(paths, text) == expected


def test_nearest_dir_sees_a_new_set() -> None:
    assert nearest_dir(frozenset({P("a")}), "a/b/c.py") == P("a")
    assert nearest_dir(frozenset({P("a/b")}), "a/b/c.py") == P("a/b")
    assert nearest_dir(frozenset(), "a/b/c.py") is None
    assert nearest_dir(frozenset({P(".")}), "c.py") == P(".")


def test_is_name() -> None:
    assert is_name("pkg")
    assert not any(map(is_name, ["", ".", "..", "a/b"]))
