"""The `WeightFormat` plug-in interface, what a header reader reports (`WeightInfo`), the
caps every reader honours (`WeightLimits`), and bounded binary reads they share.

A weight format reads headers only: it never loads tensors, never unpickles, and never
allocates what a file merely declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, Protocol

from scanner.errors import LimitExceeded, SourceError


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightLimits:
    """Caps that keep hostile weight files from exhausting memory or time.

    These move into `config.Limits` later (one field each, same names, `weights_` prefixed).
    """

    head_bytes: int = 64
    safetensors_header_bytes: int = 16 * 1024 * 1024
    gguf_kv_pairs: int = 65_536
    gguf_tensors: int = 1_000_000
    gguf_string_bytes: int = 1024 * 1024
    gguf_array_items: int = 16 * 1024 * 1024
    gguf_dims: int = 8
    onnx_initializers: int = 1_000_000
    onnx_string_bytes: int = 1024 * 1024
    onnx_entries: int = 10_000
    pickle_opcodes: int = 2_000_000
    pickle_bytes: int = 64 * 1024 * 1024
    pickle_string_bytes: int = 256
    pickle_memo_entries: int = 100_000
    zip_members: int = 100_000
    zip_directory_bytes: int = 32 * 1024 * 1024
    zip_json_bytes: int = 16 * 1024 * 1024
    npy_header_bytes: int = 10_000
    tflite_bytes: int = 16 * 1024 * 1024
    metadata_entries: int = 256
    metadata_value_chars: int = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightInfo:
    """What a header says about one weight file; everything optional but the format.

    `problems` are reasons the header could only partly be read (truncated tensor data, a
    pickle walk stopped at a cap): the file is still reported, with what was read.
    """

    format: str
    tensors: int | None = None
    dtypes: tuple[str, ...] = ()
    parameters: int | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    architecture: str | None = None
    quantization: str | None = None
    license: str | None = None
    names: tuple[str, ...] = ()
    base_models: tuple[str, ...] = ()
    pickle_imports: tuple[str, ...] = ()
    external_data: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())


class WeightFormat(Protocol):
    """One weight-file format: recognised by its first bytes, read by its header only."""

    @property
    def name(self) -> str:
        """The format's name (registry key and `aibom:weights:format` value)."""
        ...

    @property
    def suffixes(self) -> tuple[str, ...]:
        """File suffixes (lower case, with the dot) or exact file names that hint at it."""
        ...

    @property
    def sniffable(self) -> bool:
        """True when `magic` is strong enough to claim a file whose suffix hints at another
        format (False for protobuf formats, which have no magic)."""
        ...

    @property
    def by_suffix(self) -> bool:
        """True when a file whose suffix hints at this format is inspected even though
        `magic` does not match (no reliable magic: protobuf, protocol 0/1 pickles)."""
        ...

    def magic(self, head: bytes) -> bool:
        """True when the first bytes of a file look like this format."""
        ...

    def inspect(self, path: Path, rel: PurePosixPath, limits: WeightLimits) -> WeightInfo:
        """Header fields of the file at `path` (named `rel` in errors).

        Raise SourceError (LimitExceeded for a cap) when the header cannot be read at all.
        """
        ...


def read_exact(fh: IO[bytes], size: int, rel: PurePosixPath, what: str) -> bytes:
    """Exactly `size` bytes (the caller has capped `size`), or SourceError naming `what`."""
    data = fh.read(size)
    if len(data) != size:
        raise SourceError(rel, f"truncated: file ends inside the {what}")
    return data


def skip(fh: BinaryIO, size: int, end: int, rel: PurePosixPath, what: str) -> None:
    """Seek past `size` bytes, refusing to go beyond `end` (the file size)."""
    target = fh.tell() + size
    if size < 0 or target > end:
        raise SourceError(rel, f"truncated: {what} runs past the end of the file")
    fh.seek(target)


def capped(value: int, cap: int, rel: PurePosixPath, what: str) -> int:
    """`value` when it is within `cap`, else LimitExceeded naming `what`."""
    if value > cap:
        raise LimitExceeded(rel, f"{what} {value:,} is over the {cap:,} limit; not read")
    return value


def file_size(path: Path) -> int:
    """Size in bytes of the file at `path`."""
    return path.stat().st_size


def product(dims: list[int] | tuple[int, ...]) -> int:
    """Number of elements of a tensor of shape `dims` (1 for a scalar)."""
    total = 1
    for dim in dims:
        total *= dim
    return total
