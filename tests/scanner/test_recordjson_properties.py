"""The fast record decoder (shape plans, the Location shortcut) decides exactly like a
straightforward one written from the field types, on valid records and on mutated ones."""

from __future__ import annotations

import dataclasses
import enum
import gc
import itertools
import json
import types
import typing
from pathlib import PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import model, recordjson

TEXT = st.text(st.characters(), max_size=12)
LOCATION = st.builds(
    model.Location,
    file=TEXT.filter(bool).map(PurePosixPath),
    line=st.none() | st.integers(-5, 10**12),
)
st.register_type_strategy(PurePosixPath, TEXT.filter(bool).map(PurePosixPath))
st.register_type_strategy(model.Location, LOCATION)
st.register_type_strategy(str, TEXT)
st.register_type_strategy(float, st.floats(allow_nan=False))
LEAF_COMPONENT = st.builds(model.Component, nested=st.just(()))
st.register_type_strategy(
    model.Component,
    st.builds(model.Component, nested=st.lists(LEAF_COMPONENT, max_size=2).map(tuple)),
)
RECORD = st.one_of([st.from_type(cls) for cls in recordjson.RECORD_TYPES])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


class Refused(Exception):
    """The straightforward decoder's MalformedRecord."""


def straightforward(item: object) -> object:
    """Decode one record the obvious way: one check after another from the type hints."""
    if not isinstance(item, dict) or set(item) != {"t", "v"}:
        raise Refused
    cls = recordjson.BY_NAME.get(item["t"]) if isinstance(item["t"], str) else None
    if cls is None:
        raise Refused
    return convert(cls, item["v"])


def convert(hint: Any, value: object) -> object:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if value is None else convert(inner, value)
    if origin is tuple:
        args = typing.get_args(hint)
        if type(value) is not list:
            raise Refused
        if args[1:] == (Ellipsis,):
            return tuple(convert(args[0], v) for v in value)
        if len(value) != len(args):
            raise Refused
        return tuple(convert(a, v) for a, v in zip(args, value, strict=True))
    hint = getattr(hint, "__supertype__", hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        if type(value) is not str or value not in {m.value for m in hint}:
            raise Refused
        return hint(value)
    if dataclasses.is_dataclass(hint):
        return convert_object(hint, value)
    if hint is PurePosixPath:
        if type(value) is not str:
            raise Refused
        return PurePosixPath(value)
    if hint is float:
        if type(value) not in (int, float):
            raise Refused
        return float(value)  # type: ignore[arg-type]
    if type(value) is not hint:
        raise Refused
    return value


def convert_object(cls: Any, value: object) -> object:
    if type(value) is not dict:
        raise Refused
    hints = typing.get_type_hints(cls, vars(model))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if not set(value) <= set(fields):
        raise Refused
    if any(f.default is dataclasses.MISSING and n not in value for n, f in fields.items()):
        raise Refused
    return cls(**{k: convert(hints[k], v) for k, v in value.items()})


def outcome(decode: Any, item: object) -> object:
    try:
        return ("ok", decode(item))
    except (recordjson.MalformedRecord, Refused):
        return ("refused",)


def places(node: object) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of a JSON tree."""
    found: list[tuple[Any, Any]] = []
    keys: list[Any] = []
    if isinstance(node, dict):
        keys = list(node)
    elif isinstance(node, list):
        keys = list(range(len(node)))
    for key in keys:
        found.append((node, key))
        found.extend(places(node[key]))  # type: ignore[index]
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(RECORD, max_size=4))
def test_every_record_type_round_trips_exactly(records: list[model.Record]) -> None:
    text = recordjson.dumps(records)
    back = recordjson.loads(text)
    assert back == records
    assert [type(r) for r in back] == [type(r) for r in records]
    assert recordjson.dumps(back) == text
    assert [straightforward(e) for e in json.loads(text)] == records


@settings(max_examples=500, deadline=None)
@given(RECORD, st.data())
def test_a_mutated_record_is_judged_like_the_straightforward_way(
    record: model.Record, data: st.DataObject
) -> None:
    encoded = json.loads(recordjson.dumps([record]))[0]
    where = places(encoded)
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "add" or not where:
        target = data.draw(
            st.sampled_from([n for n, _ in where if isinstance(n, dict)] or [encoded])
        )
        target[data.draw(TEXT)] = data.draw(JSON)
    else:
        node, key = data.draw(st.sampled_from(where))
        if action == "delete":
            del node[key]
        else:
            node[key] = data.draw(JSON)
    copy = json.loads(json.dumps(encoded))
    assert outcome(recordjson.decode, encoded) == outcome(straightforward, encoded)
    assert encoded == copy  # decoding never changes its input


def test_a_shape_seen_valid_is_still_checked_with_other_types() -> None:
    good = {"t": "Edge", "v": {"parent": "a", "child": "b"}}
    assert recordjson.decode(good) == model.Edge(parent="a", child="b")
    with pytest.raises(recordjson.MalformedRecord):
        recordjson.decode({"t": "Edge", "v": {"parent": "a", "child": 1}})
    loc = {"t": "Problem", "v": {"location": {"file": "a", "line": 2}, "message": "m"}}
    assert recordjson.decode(loc) == model.Problem(
        location=model.Location(file=PurePosixPath("a"), line=2), message="m"
    )
    for line in (True, "2", 2.0, [2]):
        bad = {"t": "Problem", "v": {"location": {"file": "a", "line": line}, "message": "m"}}
        with pytest.raises(recordjson.MalformedRecord):
            recordjson.decode(bad)


def test_many_shapes_beyond_the_remembered_plans_still_decode() -> None:
    optional = ["version", "version_spec", "purl", "license", "origin", "description"]
    orders = list(itertools.permutations(optional))
    assert len(orders) > recordjson.MAX_PLANS  # each key order is a shape of its own
    for at, order in enumerate(orders):
        fields: dict[str, object] = {"bom_ref": "r", "type": "file", "name": "n"}
        fields.update((k, k) for k in order)
        if at % 7 == 0:
            fields["origin"] = 1  # the wrong type, late in the run too
        item = {"t": "Component", "v": fields}
        assert outcome(recordjson.decode, item) == outcome(straightforward, item)


@pytest.mark.parametrize("enabled", [True, False])
def test_loads_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        recordjson.loads('[{"t":"Edge","v":{"parent":"a","child":"b"}}]')
        assert gc.isenabled() is enabled
        with pytest.raises(recordjson.MalformedRecord):
            recordjson.loads("[{]")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
