"""ONNX: producer, IR version, opsets, `metadata_props`, initializers and external data.

A protobuf wire-format walk of ModelProto -> GraphProto -> TensorProto (fixed depth), with
no onnx package; tensor bytes are skipped by seeking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scanner.errors import SourceError
from scanner.weights.base import WeightInfo, WeightLimits, capped, file_size, product
from scanner.weights.protowire import LENGTH, VARINT, Field, Reader

FORMAT = "onnx"
DATA_TYPES = {
    1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64",
    8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64",
    14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16", 17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ",
    19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1",
}  # fmt: skip
EXTERNAL = 1


@dataclass(slots=True)
class Found:
    """What the walk collected."""

    metadata: list[tuple[str, str]] = field(default_factory=list)
    opsets: list[str] = field(default_factory=list)
    dtypes: set[str] = field(default_factory=set)
    external: dict[str, None] = field(default_factory=dict)
    initializers: int = 0
    parameters: int = 0
    entries: int = 0


@dataclass(frozen=True, slots=True)
class Onnx:
    """Reads the ModelProto header fields of an `.onnx` file."""

    name: str = FORMAT
    suffixes: tuple[str, ...] = (".onnx",)
    sniffable: bool = False
    by_suffix: bool = True

    def magic(self, head: bytes) -> bool:
        """ModelProto writers put ir_version (field 1, varint) first: byte 0x08."""
        return head[:1] == b"\x08" and len(head) > 1 and head[1] < 0x80

    def inspect(self, path: Path, rel: PurePosixPath, limits: WeightLimits) -> WeightInfo:
        """Walk the model's top-level fields, its graph's initializers and their dims."""
        size = file_size(path)
        found = Found()
        scalars: dict[str, str] = {}
        with path.open("rb") as fh:
            reader = Reader(fh, rel)
            for item in reader.fields(0, size):
                _model_field(reader, item, found, scalars, limits)
        if "ir_version" not in scalars:
            raise SourceError(rel, "not an ONNX model: no ir_version field")
        metadata = [*sorted(scalars.items()), *(("opset", o) for o in found.opsets)]
        props = dict(found.metadata)
        return WeightInfo(
            format=FORMAT,
            tensors=found.initializers,
            dtypes=tuple(sorted(found.dtypes)),
            parameters=found.parameters,
            metadata=tuple([*metadata, *found.metadata][: limits.metadata_entries]),
            license=props.get("license"),
            names=tuple(n for n in (props.get("name"), props.get("model_name")) if n),
            external_data=tuple(found.external),
            notes=tuple(
                f"external data location {loc!r} leaves the model directory"
                for loc in found.external
                if _escapes(loc)
            ),
        )


def _escapes(location: str) -> bool:
    """An absolute path or one with `..` parts points outside the model's directory."""
    path = PurePosixPath(location.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or location[1:3] == ":/"


def _model_field(
    reader: Reader, item: Field, found: Found, scalars: dict[str, str], limits: WeightLimits
) -> None:
    cap = limits.onnx_string_bytes
    names = {2: "producer_name", 3: "producer_version", 4: "domain"}
    if item.number == 1 and item.wire == VARINT:
        scalars["ir_version"] = str(item.value)
    elif item.number == 5 and item.wire == VARINT:
        scalars["model_version"] = str(item.value)
    elif item.number in names and item.wire == LENGTH:
        scalars[names[item.number]] = (reader.text(item, cap) or "")[: limits.metadata_value_chars]
    elif item.number == 8 and item.wire == LENGTH:
        _count(found, reader, limits)
        domain, version = "ai.onnx", ""
        for sub in reader.fields(item.start, item.end):
            if sub.number == 1 and sub.wire == LENGTH:
                domain = reader.text(sub, 256) or domain
            elif sub.number == 2 and sub.wire == VARINT:
                version = str(sub.value)
        found.opsets.append(f"{domain}:{version}")
    elif item.number == 14 and item.wire == LENGTH:
        _count(found, reader, limits)
        key, value = reader.pairs(item, cap)
        found.metadata.append((key[:200], value[: limits.metadata_value_chars]))
    elif item.number == 7 and item.wire == LENGTH:
        for sub in reader.fields(item.start, item.end):
            if sub.number == 5 and sub.wire == LENGTH:
                found.initializers += 1
                capped(found.initializers, limits.onnx_initializers, reader.rel, "initializers")
                _tensor(reader, sub, found, limits)


def _tensor(reader: Reader, item: Field, found: Found, limits: WeightLimits) -> None:
    dims: list[int] = []
    location: str | None = None
    external = False
    for sub in reader.fields(item.start, item.end):
        if sub.number == 1 and sub.wire == VARINT:
            dims.append(sub.value)
        elif sub.number == 1 and sub.wire == LENGTH:
            position = sub.start
            while position < sub.end and len(dims) < 64:
                reader.fh.seek(position)
                dims.append(reader.varint(sub.end))
                position = reader.fh.tell()
        elif sub.number == 2 and sub.wire == VARINT:
            found.dtypes.add(DATA_TYPES.get(sub.value, f"type{sub.value}"))
        elif sub.number == 13 and sub.wire == LENGTH:
            _count(found, reader, limits)
            key, value = reader.pairs(sub, 4096)
            if key == "location":
                location = value
        elif sub.number == 14 and sub.wire == VARINT:
            external = sub.value == EXTERNAL
    if len(dims) <= 64:
        found.parameters += product(dims)
    if external and location is not None and len(found.external) < limits.onnx_entries:
        found.external[location] = None


def _count(found: Found, reader: Reader, limits: WeightLimits) -> None:
    found.entries += 1
    capped(found.entries, limits.onnx_entries, reader.rel, "ONNX metadata/opset entries")
