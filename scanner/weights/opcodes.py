"""A streaming pickle opcode walker that lists what a pickle imports, and never unpickles.

Shared by the pickle, PyTorch and NumPy readers (a helper, not a plug-in). It follows the
unpickler's stack symbolically: every stack slot is opaque except literal strings, which it
tracks (by stack position, through the memo, DUP and MARK frames) so that a STACK_GLOBAL is
resolved exactly as `pickle` would resolve it, and an argument computed at load time is
reported as `<computed>`, never guessed. Imports come from GLOBAL, INST, STACK_GLOBAL and
EXT1/2/4, and from pickles nested in bytes arguments (walked in place, bounded depth).

Speed: one loop over a `bytes` buffer with per-opcode tables (kind, argument length, pops,
pushes) and no allocation for ordinary opcodes; long arguments are skipped without being
held. Caps on opcodes, bytes, memo entries, tracked strings, marks and nesting; a walk that
stops early says why (it is never reported complete).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from scanner import timeouts
from scanner.model import PickleImport
from scanner.weights import pickle_tables as op
from scanner.weights.bytestream import Buffered, CapReached, Readable, Stop, Window
from scanner.weights.joblib_arrays import Dtype, layout


@dataclass(frozen=True, slots=True, kw_only=True)
class PickleWalk:
    """Imports found (first sighting of each module/name, in stream order), opcodes read,
    pickles completed, and why the walk stopped early (None when every pickle reached STOP).
    `at_boundary`: it stopped at the first byte of a further pickle (trailing data)."""

    imports: tuple[PickleImport, ...]
    opcodes: int
    pickles: int
    stopped: str | None
    end_offset: int
    at_boundary: bool = False
    capped: bool = False
    note: str | None = None


@dataclass(slots=True)
class Walker:
    """One walk's state: the stream, caps, the symbolic stack and memo, what was found."""

    src: Buffered
    limits: op.WalkLimits
    member: str | None = None
    depth_level: int = 0
    count: int = 0
    imports: dict[tuple[str, str], PickleImport] = field(default_factory=dict)
    depth: int = 0
    marks: list[int] = field(default_factory=list)
    mark_at: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=lambda: list(op.KIND))
    last_items: tuple[int, int] = (-1, -1)
    dtypes: dict[int, Dtype] = field(default_factory=dict)
    strings: dict[int, str] = field(default_factory=dict)
    memo: dict[int, str | None] = field(default_factory=dict)
    memo_lost: bool = False
    note: str | None = None
    padded: bytes = b""
    padded_of: bytes | None = None

    def reset(self) -> None:
        """A fresh unpickler for the next pickle of a sequence."""
        self.depth = 0
        self.marks.clear()
        self.mark_at.clear()
        self.dtypes.clear()
        self.strings.clear()
        self.memo.clear()
        self.memo_lost = False

    def run(self) -> None:
        """Walk one pickle to its STOP (Stop on anything else)."""
        # The hot loop, in one frame with local names and literal kind numbers for speed:
        # PUSH1 (0) and PLAIN (1) opcodes and BINPUT never leave it. The opcode cap is
        # checked per buffer refill (at most one buffer of overshoot). At the end of the
        # stream the buffer is padded with invalid opcodes, so no per-opcode bound check.
        src = self.src
        kind_of, step_of, pops_of, pushes_of = self.kinds, op.STEP, op.POPS, op.PUSHES
        count, depth, strings = self.count, self.depth, self.strings
        floor = self.marks[-1] if self.marks else 0
        buf, pos, safe, real = src.buf, src.pos, -1, 0
        max_strings, max_len = self.limits.strings, self.limits.string
        while True:
            if pos >= safe:
                self.count, self.depth = count, depth
                buf, pos, safe, real = self.refill(pos)
            code = buf[pos]
            kind = kind_of[code]
            count += 1
            if kind == 0:
                pos += step_of[code]
                if depth in strings:
                    del strings[depth]
                depth += 1
                continue
            if kind == 1:
                pos += step_of[code]
                depth -= pops_of[code]
                if depth < floor:
                    src.pos, self.count = pos - step_of[code], count
                    raise Stop(f"invalid pickle: stack underflow at offset {src.offset}")
                if pushes_of[code]:
                    if depth in strings:
                        del strings[depth]
                    depth += 1
                continue
            if code == 0x71 and depth > floor:  # BINPUT, the common memo opcode
                pos += 2
                if not self.memo_lost:
                    self.remember(buf[pos - 1], strings.get(depth - 1))
                continue
            if code == 0x94 and depth > floor:  # MEMOIZE (protocol 4+)
                pos += 1
                if not self.memo_lost:
                    self.remember(len(self.memo), strings.get(depth - 1))
                continue
            if code == 0x8C and pos + 2 + buf[pos + 1] <= real:  # SHORT_BINUNICODE in buffer
                end = pos + 2 + buf[pos + 1]
                try:
                    text = buf[pos + 2 : end].decode("utf-8", "surrogatepass")
                except UnicodeDecodeError:
                    text = None
                if text is not None and end - pos - 2 <= max_len and len(strings) < max_strings:
                    strings[depth] = text
                elif depth in strings:
                    del strings[depth]
                depth += 1
                pos = end
                continue
            src.pos = pos
            self.count, self.depth = count, depth
            if kind == op.STOP:
                self.pop(1)
                src.pos += 1
                return
            self.special(kind, code)
            count, depth = self.count, self.depth
            floor = self.marks[-1] if self.marks else 0
            buf, pos, safe, real = self.view()

    def refill(self, pos: int) -> tuple[bytes, int, int, int]:
        """More bytes: (buffer, position, safe end, real end); checks the opcode cap."""
        if self.count > self.limits.opcodes:
            self.count = self.limits.opcodes
            raise CapReached(f"pickle has more than {self.limits.opcodes:,} opcodes; scan stopped")
        if time.monotonic() > self.limits.deadline:
            timeouts.note()  # a result cut short by the clock is not cached
            raise CapReached("pickle scan ran out of its time budget (pickle-seconds); stopped")
        src = self.src
        src.pos = min(pos, len(src.buf))
        if pos > len(src.buf) or (not src.fill(op.ARG_MAX + 1) and src.pos >= len(src.buf)):
            raise Stop("truncated: the pickle ends before its STOP opcode")
        return self.view()

    def view(self) -> tuple[bytes, int, int, int]:
        """(buffer, position, safe end, real end) for the hot loop; at the end of the stream
        the buffer is padded, once per buffer (copying it per opcode would be quadratic)."""
        src = self.src
        if not src.eof:
            return src.buf, src.pos, len(src.buf) - op.ARG_MAX, len(src.buf)
        if self.padded_of is not src.buf:
            self.padded_of, self.padded = src.buf, src.buf + op.PAD
        return self.padded, src.pos, len(src.buf), len(src.buf)

    def special(self, kind: int, code: int) -> None:
        """Every opcode the hot loop does not handle inline."""
        at = self.src.offset
        self.src.pos += 1
        if kind == op.INVALID:
            raise Stop(f"invalid pickle opcode {bytes([code])!r} at offset {at}")
        if kind == op.MARKED:
            if code == op.SETITEMS_CODE and self.mark_at:
                self.last_items = (self.mark_at[-1], at)
            self.pop_mark(at)
            self.pop(op.POPS[code])
            if op.PUSHES[code]:
                self.push(None)
        elif kind == op.MARK:
            if len(self.marks) >= self.limits.marks:
                raise CapReached(f"pickle nests more than {self.limits.marks:,} MARKs")
            self.marks.append(self.depth)
            self.mark_at.append(at)
        elif kind in (op.STR, op.BYTES, op.LONGN):
            self.prefixed(kind, code, at)
        elif kind in (op.LINE, op.STRLINE):
            text = self.line()
            self.push(op.line_string(op.NAMES[code], text) if kind == op.STRLINE else None)
        elif kind in (op.GET, op.PUT):
            self.memo_op(kind, code, at)
        elif kind == op.MEMOIZE:
            self.need(1, at)
            if not self.memo_lost:
                self.remember(len(self.memo), self.strings.get(self.depth - 1))
        elif kind == op.IMPORT:
            module, name = self.line(), self.line()
            if op.NAMES[code] == "INST":
                self.pop_mark(at)
            self.found(op.line_text(module), op.line_text(name), op.NAMES[code], at)
            self.push(None)
        elif kind == op.STACK_GLOBAL:
            self.need(2, at)
            attr = self.strings.get(self.depth - 1)
            owner = self.strings.get(self.depth - 2)
            self.pop(2)
            self.found(owner, attr, "STACK_GLOBAL", at)
            self.push(None)
        elif kind == op.EXT:
            ext = int.from_bytes(self.take(op.ARG[code]), "little", signed=code == 0x84)
            self.found("copyreg", f"extension:{ext}", op.NAMES[code], at)
            self.push(None)
        elif kind == op.DUP:
            self.need(1, at)
            self.push(self.strings.get(self.depth - 1))
        elif kind == op.JOBLIB_BUILD:
            self.pop(2)
            self.push(None)
            self.joblib_array(at)
        elif kind == op.PROTO:
            version = self.take(1)[0]
            if version > 5:
                raise Stop(f"invalid pickle: unsupported protocol {version} at offset {at}")

    def prefixed(self, kind: int, code: int, at: int) -> None:
        """A length-prefixed argument: a string is kept when short, bytes are looked into
        for a nested pickle, everything else is skipped."""
        size = int.from_bytes(self.take(op.ARG[code]), "little", signed=code in op.SIGNED_LENGTH)
        if size < 0:
            raise Stop(f"invalid pickle: negative length at offset {at}")
        if kind == op.STR and size <= self.limits.string:
            self.push(op.decode_string(op.NAMES[code], self.take(size)))
            return
        if kind == op.BYTES and size >= 4:
            self.nested(size)
        elif not self.src.skip(size):
            raise Stop("truncated: the pickle ends inside an argument")
        self.push(None)

    def nested(self, size: int) -> None:
        """Walk a bytes argument that starts like a pickle; skip the rest of it."""
        start = self.src.offset
        if not self.src.fill(min(size, 2)):
            raise Stop("truncated: the pickle ends inside an argument")
        head = self.src.buf[self.src.pos : self.src.pos + 2]
        window = Window(self.src, size)
        if op.is_pickle_head(head) and self.depth_level >= self.limits.nesting:
            raise CapReached(f"pickles nested more than {self.limits.nesting} deep in bytes")
        if op.is_pickle_head(head):
            inner = Walker(
                src=Buffered(window, self.limits.bytes, origin=start),
                limits=self.limits,
                member=self.member,
                depth_level=self.depth_level + 1,
                count=self.count,
            )
            try:
                inner.run()
            except CapReached:
                raise
            except Stop:
                pass
            self.count = inner.count
            for key, found in inner.imports.items():
                self.imports.setdefault(key, found)
        if window.remaining and not self.src.skip(window.remaining):
            raise Stop("truncated: the pickle ends inside an argument")

    def joblib_array(self, at: int) -> None:
        """After joblib's array wrapper is built, skip the raw array bytes that follow it
        (or walk the object array's pickle), as joblib's unpickler reads them."""
        start, end = self.last_items
        state = self.src.recent(start) if end == at - 1 and not self.memo_lost else None
        found = layout(state[: end - start + 1], self.memo, self.dtypes) if state else None
        if found is None:
            return
        if found.is_object:
            inner = Walker(src=self.src, limits=self.limits, member=self.member, count=self.count)
            inner.depth_level = self.depth_level
            inner.run()
            self.count = inner.count
            for key, item in inner.imports.items():
                self.imports.setdefault(key, item)
            return
        padding = self.take(1)[0] if found.aligned else 0
        if not self.src.skip(padding + found.nbytes):
            raise Stop("truncated: the file ends inside joblib array data")

    def memo_op(self, kind: int, code: int, at: int) -> None:
        """GET pushes a memo entry; PUT stores the stack top."""
        width = op.ARG[code]
        if width:
            index = int.from_bytes(self.take(width), "little")
        else:
            raw = self.line()
            index = int(raw) if raw is not None and raw.strip().isdigit() else -1
        if kind == op.PUT:
            self.need(1, at)
            if not self.memo_lost:
                self.remember(index, self.strings.get(self.depth - 1))
            return
        if index not in self.memo and not self.memo_lost:
            raise Stop(f"invalid pickle: memo entry {index} read before written (offset {at})")
        self.push(self.memo.get(index))

    def remember(self, index: int, value: str | None) -> None:
        """Store a memo entry; past the cap the memo is dropped and GETs become opaque."""
        if index in self.memo or len(self.memo) < self.limits.memo:
            self.memo[index] = value
        else:
            self.memo.clear()
            self.memo_lost = True
            self.note = f"more than {self.limits.memo:,} memo entries: later reads are opaque"

    def push(self, value: str | None) -> None:
        """Push one slot: a literal string (tracked, within the cap) or an opaque value."""
        if value is not None and len(self.strings) < self.limits.strings:
            self.strings[self.depth] = value
        else:
            self.strings.pop(self.depth, None)
        self.depth += 1

    def need(self, items: int, at: int) -> None:
        """Stop unless the current MARK frame holds `items` slots."""
        if self.depth - items < (self.marks[-1] if self.marks else 0):
            raise Stop(f"invalid pickle: stack underflow at offset {at}")

    def pop(self, items: int) -> None:
        """Pop `items` slots of the current MARK frame."""
        self.need(items, self.src.offset)
        self.depth -= items

    def pop_mark(self, at: int) -> None:
        """Pop back to the last MARK."""
        if not self.marks:
            raise Stop(f"invalid pickle: no MARK to pop to at offset {at}")
        self.depth = self.marks.pop()
        self.mark_at.pop()

    def take(self, size: int) -> bytes:
        """Exactly `size` bytes (short: the caller capped it), or Stop."""
        if not self.src.fill(size):
            raise Stop("truncated: the pickle ends inside an argument")
        data = self.src.buf[self.src.pos : self.src.pos + size]
        self.src.pos += size
        return data

    def line(self) -> bytes | None:
        """A newline-terminated argument (None when longer than the string cap)."""
        text, ended = self.src.line(self.limits.string)
        if not ended:
            raise Stop("truncated: the pickle ends inside an argument")
        return text

    def found(self, module: str | None, name: str | None, opcode: str, at: int) -> None:
        """Record one import; a part that is not a literal string is `<computed>`."""
        key = (
            module if module is not None else op.COMPUTED,
            name if name is not None else op.COMPUTED,
        )
        if key in self.imports:
            return
        if len(self.imports) >= self.limits.imports:
            raise CapReached(f"more than {self.limits.imports:,} distinct imports")
        if key == op.JOBLIB_WRAPPER:
            self.kinds[op.BUILD_CODE] = op.JOBLIB_BUILD
        label = opcode if not self.depth_level else f"{opcode} (nested pickle)"
        self.imports[key] = PickleImport(
            module=key[0], name=key[1], member=self.member, opcode=label, offset=at
        )


def walk_pickles(
    stream: Readable,
    *,
    limits: op.WalkLimits,
    count: int = 1,
    member: str | None = None,
) -> PickleWalk:
    """Walk up to `count` back-to-back pickles from `stream` (positioned at the first)."""
    walker = Walker(src=Buffered(stream, limits.bytes), limits=limits, member=member)
    done = 0
    stopped: str | None = None
    boundary = capped = False
    try:
        while done < count:
            if done:
                walker.reset()
                if not walker.src.fill(1):
                    break
                boundary = walker.src.buf[walker.src.pos] not in op.PICKLE_STARTS
                if boundary:
                    raise Stop(f"non-pickle data at byte {walker.src.offset:,}")
            walker.run()
            done += 1
    except Stop as exc:
        stopped = str(exc)
        capped = isinstance(exc, CapReached)
    return PickleWalk(
        imports=tuple(walker.imports.values()),
        opcodes=walker.count,
        pickles=done,
        stopped=stopped,
        end_offset=walker.src.offset,
        at_boundary=boundary,
        capped=capped,
        note=walker.note,
    )
