"""Protocol-buffer wire format, read as a stream (a helper for ONNX and SavedModel readers).

No schema and no protobuf library: fields are (number, wire type, value) as they come; a
length-delimited field is either read (when small and wanted), descended into as a nested
region, or skipped by seeking. Nothing a file declares is allocated unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from scanner.errors import SourceError

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


@dataclass(frozen=True, slots=True)
class Field:
    """One field: its number, wire type, value (varint / fixed) or region [start, end)."""

    number: int
    wire: int
    value: int
    start: int
    end: int


@dataclass(slots=True)
class Reader:
    """A protobuf message stream over a file handle."""

    fh: BinaryIO
    rel: PurePosixPath

    def varint(self, end: int) -> int:
        """One base-128 varint (at most 10 bytes), not beyond `end`."""
        result = shift = 0
        for _ in range(10):
            if self.fh.tell() >= end:
                raise SourceError(self.rel, "truncated: protobuf message ends inside a varint")
            byte = self.fh.read(1)
            if not byte:
                raise SourceError(self.rel, "truncated: file ends inside a varint")
            result |= (byte[0] & 0x7F) << shift
            if byte[0] < 0x80:
                return result
            shift += 7
        raise SourceError(self.rel, "not a protobuf message: varint longer than 10 bytes")

    def fields(self, start: int, end: int) -> Iterator[Field]:
        """The fields of the message in [start, end); the caller may read a LENGTH field's
        region (`read`) or descend into it (`fields`), or leave it: it is skipped."""
        position = start
        while position < end:
            self.fh.seek(position)
            key = self.varint(end)
            number, wire = key >> 3, key & 7
            if number == 0:
                raise SourceError(self.rel, "not a protobuf message: field number 0")
            if wire == VARINT:
                value = self.varint(end)
                field = Field(number, wire, value, self.fh.tell(), self.fh.tell())
            elif wire in (FIXED64, FIXED32):
                width = 8 if wire == FIXED64 else 4
                here = self.fh.tell()
                data = self.fh.read(width)
                if len(data) != width or here + width > end:
                    raise SourceError(self.rel, "truncated: protobuf message ends inside a field")
                field = Field(number, wire, int.from_bytes(data, "little"), here, here + width)
            elif wire == LENGTH:
                length = self.varint(end)
                here = self.fh.tell()
                if here + length > end:
                    raise SourceError(
                        self.rel, f"truncated: field {number} of {length:,} bytes runs past its end"
                    )
                field = Field(number, wire, length, here, here + length)
            else:
                raise SourceError(self.rel, f"not a protobuf message: wire type {wire}")
            position = field.end
            yield field

    def read(self, field: Field, cap: int) -> bytes | None:
        """The bytes of a LENGTH field, or None when longer than `cap`."""
        if field.end - field.start > cap:
            return None
        self.fh.seek(field.start)
        return self.fh.read(field.end - field.start)

    def text(self, field: Field, cap: int) -> str | None:
        """A string field (None when over `cap`)."""
        data = self.read(field, cap)
        return None if data is None else data.decode("utf-8", "replace")

    def pairs(self, field: Field, cap: int) -> tuple[str, str]:
        """A StringStringEntryProto (key = 1, value = 2)."""
        key = value = ""
        for item in self.fields(field.start, field.end):
            if item.wire == LENGTH and item.number in (1, 2):
                text = self.text(item, cap) or ""
                key, value = (text, value) if item.number == 1 else (key, text)
        return key, value
