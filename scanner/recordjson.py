"""Records <-> JSON: how per-file results are stored in the file cache and sent between processes.

Every record type of `scanner.model` (components, edges, every observation, problems, and
findings) becomes `{"t": <type name>, "v": {<field>: <value>}}`; paths become strings, enums
their values, tuples lists. Decoding is driven by the dataclass field types and validates
everything: an unknown type or field, a missing required field or a value of the wrong type
raises `MalformedRecord`. Nothing is ever unpickled or evaluated: a cache file may have been
written by someone else.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import itertools
import json
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any

from scanner import gcpause, model
from scanner.model import Record

RECORD_TYPES: tuple[type[Any], ...] = (
    model.Component,
    model.Edge,
    model.IndexUrl,
    model.DeclaredDigest,
    model.DeclaredRequirement,
    model.HubReference,
    model.RevisionResolved,
    model.RemoteCodeEnabled,
    model.UnsafeLoadCall,
    model.SerializedImports,
    model.ModelSignature,
    model.TargetEnvironment,
    model.Vulnerability,
    model.LookupFailed,
    model.Problem,
    model.Finding,
)
"""Top-level types a stored list may hold (Record plus Finding)."""
BY_NAME = {cls.__name__: cls for cls in RECORD_TYPES}
MAX_NESTING = 32
"""Deeper `Component.nested` chains are refused (no reader nests anywhere near this)."""


class MalformedRecord(ValueError):
    """Stored JSON that does not describe a record exactly."""


def dumps(records: Iterable[Record | model.Finding]) -> str:
    """Compact JSON text of a list of records."""
    encoded = [encode(r) for r in records]
    if not encoded:
        return "[]"  # what most files yield
    return json.dumps(encoded, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | bytes) -> list[Record | model.Finding]:
    """Records from `dumps` output; anything else raises `MalformedRecord`."""
    if text == "[]":
        return []  # what most files yield: skip the parser
    with gcpause.paused():  # parsed JSON and records hold no cycles: see gcpause
        return _parse(text)


def _parse(text: str | bytes) -> list[Record | model.Finding]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise MalformedRecord(f"not JSON: {exc}") from exc
    if type(data) is not list:
        raise MalformedRecord("not a list of records")
    try:
        return [decode(item) for item in data]
    except RecursionError as exc:
        raise MalformedRecord("nested too deeply") from exc


def encode(record: Record | model.Finding) -> dict[str, Any]:
    """One record as a JSON-ready dict."""
    if type(record) not in BY_NAME.values():
        raise TypeError(f"not a record type: {type(record).__name__}")
    return {"t": type(record).__name__, "v": _encode_fields(record)}


def decode(item: object) -> Record | model.Finding:
    """One record from its `encode` form, validated."""
    if type(item) is not dict or len(item) != 2 or "t" not in item or "v" not in item:
        raise MalformedRecord("a record is an object with exactly 't' and 'v'")
    name = item["t"]
    decoder = _TOP_DECODERS.get(name) if type(name) is str else None
    if decoder is None:
        raise MalformedRecord(f"unknown record type {name!r}")
    value: Record | model.Finding = decoder(item["v"], 0)
    return value


_NO_DEFAULT = object()
_FIELDS: dict[type[Any], tuple[tuple[str, object], ...]] = {}


def _fields_of(cls: type[Any]) -> tuple[tuple[str, object], ...]:
    """(name, default or _NO_DEFAULT) of each field, looked up once per class."""
    found = _FIELDS.get(cls)
    if found is None:
        found = tuple(
            (f.name, _NO_DEFAULT if f.default is dataclasses.MISSING else f.default)
            for f in dataclasses.fields(cls)
        )
        _FIELDS[cls] = found
    return found


def _encode_fields(obj: Any) -> dict[str, Any]:
    """Fields that differ from their default (decoding fills the defaults back in)."""
    encoded: dict[str, Any] = {}
    for name, default in _fields_of(type(obj)):
        value = getattr(obj, name)
        if default is _NO_DEFAULT or value != default:
            kind = type(value)
            plain = kind is str or kind is int or value is None
            encoded[name] = value if plain else _encode_value(value)
    return encoded


_AS_IS = frozenset({str, int, bool, float, type(None)})


def _encode_value(value: object) -> Any:
    """A JSON-ready value; the exact common types first, by identity (speed)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is tuple:
        return [v if type(v) is str else _encode_value(v) for v in value]  # type: ignore[attr-defined]
    if kind is PurePosixPath:
        return str(value)
    if kind in _FIELDS:  # a record class met before
        return _encode_fields(value)
    return _encode_other(value)


def _encode_other(value: object) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, PurePosixPath):
        return str(value)
    if isinstance(value, tuple):
        return [_encode_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode_fields(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


Convert = Callable[[object, int], Any]
"""Checks and converts one decoded JSON value (and the nesting depth so far)."""
_DECODERS: dict[type[Any], Convert] = {}
MAX_PLANS = 256
"""Decoding plans remembered per record class (a hostile file could vary field sets)."""


def _dataclass_decoder(cls: type[Any]) -> Convert:
    """A converter for `cls`, built once from its field types.

    Speed: a record's shape (its keys and the JSON types of its values) repeats across
    thousands of records, so each shape is checked once and remembered as a *plan*: the
    fields whose values need converting (nested objects, lists, enums, paths, wrong types).
    Every other value is already exactly what the field takes and is passed as is."""
    if cls in _DECODERS:
        return _DECODERS[cls]
    hints = typing.get_type_hints(cls, vars(model))
    fields = dataclasses.fields(cls)
    name = cls.__name__
    required = frozenset(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    as_is = {f.name: _json_types_taken_as_is(hints[f.name]) for f in fields}
    converters: dict[str, Convert] = {}
    plans: dict[tuple[Any, ...], tuple[tuple[str, Convert], ...]] = {}

    def plan(shape: tuple[Any, ...]) -> tuple[tuple[str, Convert], ...]:
        keys, kinds = shape[: len(shape) // 2], shape[len(shape) // 2 :]
        if not required.issubset(keys):
            raise MalformedRecord(f"{name}: missing fields {sorted(required.difference(keys))}")
        steps = []
        for key, kind in zip(keys, kinds, strict=True):
            if key not in as_is:
                raise MalformedRecord(f"{name}: unknown field {key!r}")
            if kind not in as_is[key]:
                steps.append((key, converters[key]))
        found = tuple(steps)
        if len(plans) < MAX_PLANS:
            plans[shape] = found
        return found

    def decode_object(data: object, depth: int) -> Any:
        if type(data) is not dict:
            raise MalformedRecord(f"{name}: expected an object")
        if depth > MAX_NESTING:
            raise MalformedRecord("nested too deeply")
        shape = (*data, *map(type, data.values()))
        steps = plans.get(shape)
        if steps is None:
            steps = plan(shape)
        if not steps:
            return cls(**data)
        values = dict(data)  # the caller's dict stays as it was
        depth += 1
        for key, convert in steps:
            values[key] = convert(values[key], depth)
        return cls(**values)

    _DECODERS[cls] = decode_object  # before the fields: Component nests Component
    for f in fields:
        converters[f.name] = _converter(hints[f.name], f"{name}.{f.name}")
    return decode_object


def _json_types_taken_as_is(hint: Any) -> frozenset[type[Any]]:
    """The JSON value types a field of type `hint` takes without conversion."""
    taken: set[type[Any]] = set()
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        taken.add(type(None))
        (hint,) = [a for a in typing.get_args(hint) if a is not type(None)]
    hint = getattr(hint, "__supertype__", hint)  # NewType (RuleId)
    if hint in (str, int, bool, float):
        taken.add(hint)
    return frozenset(taken)


def _converter(hint: Any, where: str) -> Convert:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        (inner,) = [a for a in args if a is not type(None)]  # model unions are `X | None`
        convert = _converter(inner, where)
        return lambda v, d: None if v is None else convert(v, d)
    if origin is tuple:
        return _tuple_converter(typing.get_args(hint), where)
    supertype = getattr(hint, "__supertype__", None)  # NewType (RuleId)
    if supertype is not None:
        return _converter(supertype, where)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_converter(hint, where)
    if hint is model.Location:
        return _location
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if hint is PurePosixPath:
        return _path_converter(where)
    return _scalar_converter(hint, where)


def _tuple_converter(args: tuple[Any, ...], where: str) -> Convert:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _converter(args[0], where)
        as_is = _json_types_taken_as_is(args[0])

        def homogeneous(value: object, depth: int) -> Any:
            if type(value) is not list:
                raise MalformedRecord(f"{where}: expected a list")
            if as_is and all(type(v) in as_is for v in value):
                return tuple(value)  # a list of strings: nothing to convert
            return tuple(map(item, value, itertools.repeat(depth)))

        return homogeneous
    items = [_converter(a, where) for a in args]
    taken = [_json_types_taken_as_is(a) for a in args]
    plain = all(taken)

    def fixed(value: object, depth: int) -> Any:
        if type(value) is not list or len(value) != len(items):
            raise MalformedRecord(f"{where}: expected a list of {len(items)}")
        if plain and all(type(v) in t for v, t in zip(value, taken, strict=True)):
            return tuple(value)  # a pair of strings: nothing to convert
        return tuple([c(v, depth) for c, v in zip(items, value, strict=True)])

    return fixed


def _enum_converter(hint: type[enum.Enum], where: str) -> Convert:
    members = {m.value: m for m in hint}  # a dict lookup: calling the enum class is slow

    def convert(value: object, depth: int) -> Any:
        member = members.get(value) if type(value) is str else None
        if member is None:
            raise MalformedRecord(f"{where}: {value!r} is not a {hint.__name__}")
        return member

    return convert


def _location(value: object, depth: int) -> model.Location:
    """Location, the most common nested object: checked and built in one call (speed)."""
    if type(value) is dict and len(value) == 1 + ("line" in value):
        file = value.get("file")
        line = value.get("line")
        if type(file) is str and (type(line) is int or line is None):
            return model.Location(file=_path(file), line=line)
    generic: model.Location = _dataclass_decoder(model.Location)(value, depth)  # or the reason
    return generic


def _path_converter(where: str) -> Convert:
    def convert(value: object, depth: int) -> PurePosixPath:
        if type(value) is not str:
            raise MalformedRecord(f"{where}: {value!r} is not a valid PurePosixPath")
        return _path(value)

    return convert


def _scalar_converter(hint: Any, where: str) -> Convert:
    check: Callable[[object], bool]
    make: Callable[[Any], Any]
    if hint is str:
        check, make = _is_str, _same
    elif hint is bool:
        check, make = _is_bool, _same
    elif hint is int:
        check, make = _is_int, _same
    elif hint is float:
        check, make = _is_number, _float
    elif hint is type(None):
        check, make = _is_none, _same
    else:  # pragma: no cover - a model field type this codec does not know yet
        raise TypeError(f"{where}: unsupported field type {hint!r}")
    label = getattr(hint, "__name__", str(hint))

    def convert(value: object, depth: int) -> Any:
        if not check(value):
            raise MalformedRecord(f"{where}: {value!r} is not a valid {label}")
        return make(value)

    return convert


def _is_str(value: object) -> bool:
    return type(value) is str


def _is_bool(value: object) -> bool:
    return type(value) is bool


def _is_int(value: object) -> bool:
    return type(value) is int


def _is_number(value: object) -> bool:
    return type(value) is int or type(value) is float


def _is_none(value: object) -> bool:
    return value is None


@functools.lru_cache(maxsize=1 << 16)
def _path(text: str) -> PurePosixPath:
    """Paths repeat (every record of a lockfile names it): build each once."""
    return PurePosixPath(text)


def _same(value: Any) -> Any:
    return value


def _float(value: Any) -> float:
    return float(value)


_TOP_DECODERS = {cls.__name__: _dataclass_decoder(cls) for cls in RECORD_TYPES}


__all__ = ["RECORD_TYPES", "MalformedRecord", "decode", "dumps", "encode", "loads"]
