"""TensorFlow Lite: the FlatBuffer identifier `TFL3`, the schema version, the model
description and the subgraph count, read with bounds-checked offsets."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scanner.errors import SourceError
from scanner.weights.base import WeightInfo, WeightLimits, file_size

FORMAT = "tflite"
IDENTIFIER = b"TFL3"
VERSION, SUBGRAPHS, DESCRIPTION = 0, 2, 3


@dataclass(frozen=True, slots=True)
class Table:
    """A FlatBuffer table inside `data`: its position and its vtable's field offsets."""

    data: bytes
    rel: PurePosixPath
    position: int
    fields: tuple[int, ...]

    def u32(self, at: int) -> int:
        """A little-endian u32 at `at`, bounds-checked."""
        if at < 0 or at + 4 > len(self.data):
            raise SourceError(self.rel, "truncated: TFLite offset points past the read header")
        value: int = struct.unpack_from("<I", self.data, at)[0]
        return value

    def field_at(self, index: int) -> int | None:
        """Absolute position of field `index`, or None when absent."""
        if index >= len(self.fields) or self.fields[index] == 0:
            return None
        return self.position + self.fields[index]


@dataclass(frozen=True, slots=True)
class Tflite:
    """Reads the root `Model` table of a `.tflite` file."""

    name: str = FORMAT
    suffixes: tuple[str, ...] = (".tflite",)
    sniffable: bool = True
    by_suffix: bool = False

    def magic(self, head: bytes) -> bool:
        """The file identifier `TFL3` at bytes 4-8."""
        return head[4:8] == IDENTIFIER

    def inspect(self, path: Path, rel: PurePosixPath, limits: WeightLimits) -> WeightInfo:
        """Version, description and subgraph count from the first bytes of the file."""
        size = file_size(path)
        with path.open("rb") as fh:
            data = fh.read(min(size, limits.tflite_bytes))
        table = _root(data, rel)
        metadata = []
        notes = [] if size <= limits.tflite_bytes else ["only the first bytes were read"]
        version = table.field_at(VERSION)
        if version is not None:
            metadata.append(("schema_version", str(table.u32(version))))
        subgraphs = table.field_at(SUBGRAPHS)
        if subgraphs is not None:
            metadata.append(("subgraphs", str(table.u32(subgraphs + table.u32(subgraphs)))))
        description = table.field_at(DESCRIPTION)
        if description is not None:
            start = description + table.u32(description)
            length = table.u32(start)
            text = data[start + 4 : start + 4 + min(length, limits.metadata_value_chars)]
            metadata.append(("description", text.decode("utf-8", "replace")))
        return WeightInfo(format=FORMAT, metadata=tuple(metadata), notes=tuple(notes))


def _root(data: bytes, rel: PurePosixPath) -> Table:
    if len(data) < 8 or data[4:8] != IDENTIFIER:
        raise SourceError(rel, "truncated or not a TFLite FlatBuffer")
    probe = Table(data, rel, 0, ())
    position = probe.u32(0)
    if position + 4 > len(data):
        raise SourceError(rel, "truncated: TFLite root table is past the end of the file")
    (soffset,) = struct.unpack_from("<i", data, position)
    vtable = position - soffset
    if vtable < 0 or vtable + 4 > len(data):
        raise SourceError(rel, "invalid TFLite FlatBuffer: vtable out of bounds")
    vt_size, _ = struct.unpack_from("<HH", data, vtable)
    count = max(0, (vt_size - 4) // 2)
    if vtable + 4 + 2 * count > len(data):
        raise SourceError(rel, "invalid TFLite FlatBuffer: vtable out of bounds")
    fields = struct.unpack_from(f"<{count}H", data, vtable + 4)
    return Table(data, rel, position, tuple(fields))
