"""A streaming pickle opcode walker that lists what a pickle imports, and never unpickles.

Shared by the pickle, PyTorch and NumPy readers (a helper, not a plug-in). It reads one
opcode at a time from a bounded stream, keeps only short strings (for STACK_GLOBAL and the
memo), skips long arguments without holding them, and stops at the opcode and byte caps,
saying so: an incomplete walk is never reported as a complete one.
"""

from __future__ import annotations

import lzma
import pickletools
import struct
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

UNKNOWN = "<unknown>"
"""An import whose module or name is computed rather than written (STACK_GLOBAL)."""

OPCODES = {op.code.encode("latin-1"): op for op in pickletools.opcodes}
STRING_OPS = frozenset(
    {
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
    }
)
PUT_OPS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
GET_OPS = frozenset({"GET", "BINGET", "LONG_BINGET"})
LENGTH_PREFIX = {
    pickletools.TAKEN_FROM_ARGUMENT1: ("<B", 1),
    pickletools.TAKEN_FROM_ARGUMENT4: ("<i", 4),
    pickletools.TAKEN_FROM_ARGUMENT4U: ("<I", 4),
    pickletools.TAKEN_FROM_ARGUMENT8U: ("<Q", 8),
}
CHUNK = 64 * 1024
LINE_CHUNK = 512
READ_ERRORS = (OSError, EOFError, RuntimeError, zipfile.BadZipFile, zlib.error, lzma.LZMAError)


@dataclass(frozen=True, slots=True, kw_only=True)
class PickleWalk:
    """Imports found (module.name, in stream order, unique), opcodes read, pickles completed,
    and why the walk stopped early (None when every pickle reached STOP)."""

    imports: tuple[str, ...]
    opcodes: int
    pickles: int
    stopped: str | None
    end_offset: int
    at_boundary: bool = False


class Readable(Protocol):
    """Anything with `read(size) -> bytes`: a file, a zip member, a decompressor."""

    def read(self, size: int, /) -> bytes:
        """Up to `size` bytes; fewer only at the end."""
        ...


class Stop(Exception):
    """The walk cannot go on; the message says why."""


@dataclass(slots=True)
class Walker:
    """State of one walk: the bounded stream, caps, and what has been seen."""

    stream: Readable
    max_opcodes: int
    max_bytes: int
    max_string: int
    max_memo: int
    offset: int = 0
    count: int = 0
    imports: dict[str, None] = field(default_factory=dict)
    recent: deque[str | None] = field(default_factory=lambda: deque(maxlen=2))
    memo: dict[int, str | None] = field(default_factory=dict)
    last: str | None = None
    pushback: bytes = b""

    def raw(self, size: int) -> bytes:
        """Up to `size` bytes (fewer at the end of the stream), within the byte cap."""
        if self.offset + size > self.max_bytes:
            raise Stop(f"pickle is over the {self.max_bytes:,}-byte scan limit")
        data, self.pushback = self.pushback[:size], self.pushback[size:]
        if len(data) < size:
            try:
                data += self.stream.read(size - len(data))
            except READ_ERRORS as exc:  # a damaged zip member: keep what was found so far
                raise Stop(f"read error: {exc}") from exc
        self.offset += len(data)
        return data

    def unread(self, data: bytes) -> None:
        """Give back bytes read ahead."""
        self.pushback = data + self.pushback
        self.offset -= len(data)

    def read(self, size: int) -> bytes:
        """Exactly `size` bytes, or Stop."""
        data = self.raw(size)
        if len(data) != size:
            raise Stop("truncated: the pickle ends before its STOP opcode")
        return data

    def skip_or_keep(self, size: int) -> bytes | None:
        """Read a `size`-byte argument: kept when short, skipped in chunks when long."""
        if size <= self.max_string:
            return self.read(size)
        while size > 0:
            self.read(min(size, CHUNK))
            size -= CHUNK
        return None

    def line(self) -> bytes | None:
        """A newline-terminated argument: kept when short, else skipped up to its newline."""
        kept = bytearray()
        limit = self.max_string + 1
        while True:
            chunk = self.raw(max(1, min(LINE_CHUNK, self.max_bytes - self.offset)))
            if not chunk:
                raise Stop("truncated: the pickle ends before its STOP opcode")
            at = chunk.find(b"\n")
            if at >= 0:
                self.unread(chunk[at + 1 :])
                chunk = chunk[:at]
            kept += chunk[: max(0, limit - len(kept))]
            if at >= 0:
                return bytes(kept) if len(kept) <= self.max_string else None

    def argument(self, op: pickletools.OpcodeInfo) -> bytes | None:
        """The raw argument of `op` (None when it was too long to keep)."""
        arg = op.arg
        if arg is None:
            return b""
        if arg.n >= 0:
            return self.read(arg.n)
        if arg.n == pickletools.UP_TO_NEWLINE:
            return self.line()
        fmt, width = LENGTH_PREFIX[arg.n]
        (size,) = struct.unpack(fmt, self.read(width))
        if size < 0:
            raise Stop(f"invalid negative length in {op.name}")
        return self.skip_or_keep(size)

    def step(self) -> bool:
        """Read one opcode; False after STOP."""
        self.count += 1
        if self.count > self.max_opcodes:
            raise Stop(f"pickle has more than {self.max_opcodes:,} opcodes; scan stopped")
        code = self.read(1)
        op = OPCODES.get(code)
        if op is None:
            raise Stop(f"invalid pickle opcode {code!r} at offset {self.offset - 1}")
        if op.name in ("GLOBAL", "INST"):
            module = self.line()
            name = self.line()
            self.found(_text(module), _text(name))
            return True
        arg = self.argument(op)
        self.track(op.name, arg)
        return op.name != "STOP"

    def track(self, name: str, arg: bytes | None) -> None:
        """Follow strings through the stack top and the memo, for STACK_GLOBAL."""
        if name in STRING_OPS:
            value = _string(name, arg)
            self.recent.append(value)
            self.last = value
        elif name in GET_OPS:
            value = self.memo.get(_index(name, arg), None) if arg is not None else None
            self.recent.append(value)
            self.last = value
        elif name in PUT_OPS or name == "MEMOIZE":
            index = len(self.memo) if name == "MEMOIZE" else _index(name, arg)
            if len(self.memo) < self.max_memo and index >= 0:
                self.memo[index] = self.last
        elif name == "STACK_GLOBAL":
            module, attr = [*self.recent, None, None][:2]
            self.found(module, attr)
            self.recent.clear()
        elif name in ("EXT1", "EXT2", "EXT4"):
            self.found(f"<extension {int.from_bytes(arg or b'', 'little')}>", "")
        else:
            self.last = None

    def found(self, module: str | None, name: str | None) -> None:
        """Record one import (unknown when either part is not a literal string)."""
        if module is None or name is None:
            self.imports.setdefault(UNKNOWN, None)
        elif not name:
            self.imports.setdefault(module, None)
        else:
            self.imports.setdefault(f"{module}.{name}", None)


def walk_pickles(
    stream: Readable,
    *,
    count: int = 1,
    max_opcodes: int,
    max_bytes: int,
    max_string: int = 256,
    max_memo: int = 100_000,
) -> PickleWalk:
    """Walk up to `count` back-to-back pickles from `stream` (positioned at the first)."""
    walker = Walker(
        stream=stream,
        max_opcodes=max_opcodes,
        max_bytes=max_bytes,
        max_string=max_string,
        max_memo=max_memo,
    )
    done = 0
    stopped: str | None = None
    boundary = False
    try:
        while done < count:
            if done:
                ahead = walker.raw(1)
                if not ahead:
                    break
                walker.unread(ahead)
            boundary = bool(done)
            walker.step()
            boundary = False
            while walker.step():
                pass
            done += 1
            walker.memo.clear()
    except Stop as exc:
        stopped = str(exc)
    return PickleWalk(
        imports=tuple(walker.imports),
        opcodes=walker.count,
        pickles=done,
        stopped=stopped,
        end_offset=walker.offset,
        at_boundary=boundary,
    )


def is_pickle_head(head: bytes) -> bool:
    """True when `head` starts a protocol 2-5 pickle (PROTO opcode)."""
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    return raw.decode("utf-8", "replace").strip()


def _string(name: str, arg: bytes | None) -> str | None:
    """The value of a string opcode's argument (protocol 0 STRING is a quoted repr)."""
    if arg is None:
        return None
    if name == "STRING":
        text = arg.decode("latin-1").strip()
        return text[1:-1] if len(text) >= 2 and text[0] == text[-1] in "'\"" else None
    if name == "UNICODE":
        return arg.decode("raw_unicode_escape", "replace")
    return arg.decode("utf-8", "replace")


def _index(name: str, arg: bytes | None) -> int:
    if arg is None:
        return -1
    if name in ("GET", "PUT"):
        text = arg.decode("latin-1").strip()
        return int(text) if text.isdigit() else -1
    return int.from_bytes(arg, "little")
