"""Zip archives opened safely for the zip-based weight formats (a helper, not a plug-in).

The member count and central-directory size are read from the end-of-central-directory
record *before* `zipfile` parses the directory, so a member-count bomb is refused without
building a million `ZipInfo` objects. Members are read as bounded streams.
"""

from __future__ import annotations

import copy
import json
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from scanner.errors import LimitExceeded, SourceError
from scanner.weights.base import WeightLimits, capped

ZIP_MAGIC = b"PK\x03\x04"
EOCD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_EOCD = b"PK\x06\x06"
EOCD_SEARCH = 22 + 65_535


def is_zip(head: bytes) -> bool:
    """True when `head` starts a zip archive (a local file header)."""
    return head.startswith(ZIP_MAGIC)


def directory_counts(path: Path, rel: PurePosixPath) -> tuple[int, int]:
    """(member count, central directory size) as the end records declare them."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        start = max(0, size - EOCD_SEARCH)
        fh.seek(start)
        tail = fh.read()
        where = tail.rfind(EOCD)
        if where < 0 or len(tail) - where < 22:
            raise SourceError(rel, "truncated or not a zip archive: no end-of-directory record")
        entries, dir_size = struct.unpack_from("<HI", tail, where + 10)
        if entries == 0xFFFF or dir_size == 0xFFFFFFFF:
            locator = where - 20
            if locator >= 0 and tail[locator : locator + 4] == ZIP64_LOCATOR:
                (offset,) = struct.unpack_from("<Q", tail, locator + 8)
                fh.seek(offset)
                record = fh.read(56)
                if len(record) == 56 and record.startswith(ZIP64_EOCD):
                    entries, dir_size = struct.unpack_from("<QQ", record, 32)
    return int(entries), int(dir_size)


@contextmanager
def open_zip(path: Path, rel: PurePosixPath, limits: WeightLimits) -> Iterator[zipfile.ZipFile]:
    """The archive at `path`, after its declared size was checked against the caps."""
    entries, dir_size = directory_counts(path, rel)
    capped(entries, limits.zip_members, rel, "zip member count")
    capped(dir_size, limits.zip_directory_bytes, rel, "zip central directory size")
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        ValueError,
    ) as exc:
        raise SourceError(rel, f"invalid zip archive: {exc}") from exc


def member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """The first `size` bytes of a member, or None when it cannot be read (encrypted, bad
    compression)."""
    try:
        stream, _ = open_tolerant(archive, info)
        with stream:
            return stream.read(size)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, EOFError):
        return None


def open_tolerant(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[IO[bytes], str | None]:
    """A member opened the way PyTorch's reader would: its CRC is not checked and its
    encryption flag is ignored. Returns the stream and what was odd about the member."""
    tolerant = copy.copy(info)
    odd = "encryption flag set" if info.flag_bits & 1 else None
    tolerant.flag_bits &= ~1
    del tolerant.CRC
    return archive.open(tolerant), odd


def member_json(
    archive: zipfile.ZipFile, name: str, rel: PurePosixPath, limits: WeightLimits
) -> Any:
    """A JSON member parsed (capped), or None when it is absent."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.zip_json_bytes:
        raise LimitExceeded(rel, f"{name} is over the {limits.zip_json_bytes:,}-byte limit")
    data = member_head(archive, info, limits.zip_json_bytes + 1)
    if data is None:
        raise SourceError(rel, f"{name} could not be read from the archive")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SourceError(rel, f"{name} is not valid JSON: {exc}") from exc
