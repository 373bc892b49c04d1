"""`jsontext.dumps` is `json.dumps(value, indent=2, ensure_ascii=False)`, to the character."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import jsontext
from tests.conftest import SNAPSHOTS


def reference(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(list('"\\\n\r\t\x00\x1f{}[],: é€😀')),
    max_size=12,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
KEYS = TEXT | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(TEXT, inner, max_size=5)
        # lists of flat dicts take their own path
        | st.lists(st.dictionaries(TEXT, SCALARS | st.just([]) | st.just({}), max_size=4))
    ),
    max_leaves=40,
)


@settings(max_examples=500)
@given(VALUES)
def test_same_as_json_dumps(value: Any) -> None:
    assert jsontext.dumps(value) == reference(value)


@settings(max_examples=200)
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_same_as_json_dumps_for_every_key_type(value: dict[Any, Any]) -> None:
    assert jsontext.dumps(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        [[]],
        {"a": {}},
        [{}, {"a": 1}, {}],
        [{"a": 1}, {"b": []}],
        [{"a": "},\n    {"}, {"b": "}, {"}],
        {"a": [{"x": 1, "y": {}}, {"x": 2}], "b": [[1, 2], [3]], "c": "é\u2028\x7f"},
        [math.nan, math.inf, -math.inf, -0.0, 1e16, 10**30, True, None],
        {3: "int", 2.5: "float", True: "bool", False: "no", None: "none", "s": "str"},
        "top level",
        42,
        [[[[{"a": [{"b": 1}, {"c": [2]}]}]]]],
    ],
)
def test_same_as_json_dumps_on_edge_cases(value: object) -> None:
    assert jsontext.dumps(value) == reference(value)


def test_same_as_json_dumps_below_the_deepest_level_it_indents_itself() -> None:
    value: object = [{"x": 1}, {"y": "z"}]
    for depth in range(jsontext.MAX_DEPTH + 10):
        value = {"d": value, "n": depth} if depth % 2 else [value, []]
        assert jsontext.dumps(value) == reference(value)


@pytest.mark.parametrize(
    "path", sorted(SNAPSHOTS.glob("*/*.json")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_same_as_json_dumps_on_every_snapshot(path: Path) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    assert jsontext.dumps(value) == reference(value)


@pytest.mark.parametrize("value", [{"a": {1, 2}}, [object()], {(1, 2): "tuple key"}])
def test_what_json_refuses_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        reference(value)
    with pytest.raises(TypeError):
        jsontext.dumps(value)
