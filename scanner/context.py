"""ScanContext: what every plug-in may know about the scan, and the only way it reads files.

Reads are capped by `Limits`, decoded one way everywhere, and memoised so that a file two
plug-ins need (a pyproject read by its source and by a lock source) is read and parsed once.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import time
import tomllib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from scanner import plaintoml, timeouts
from scanner.config import Limits
from scanner.errors import LimitExceeded, SourceError
from scanner.hashing import Progress
from scanner.pathtext import nearest_dir
from scanner.walk import file_texts

PROJECT_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
CLOCK_EVERY = 256
"""`FileBudget` reads the clock once per this many steps (reading it is not free)."""
clock = time.monotonic
"""The clock of `FileBudget` (tests replace it)."""
READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
NO_FOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
"""0 where the platform cannot refuse a symlink at open: every read then takes realpath's way."""
SYMLINK_ERRNOS = frozenset({errno.ELOOP, errno.EMLINK})
"""What opening a symlink with O_NOFOLLOW fails with (EMLINK on FreeBSD)."""


@dataclass(slots=True)
class FileBudget:
    """How many entries (lines, nodes) reading one file may take, and for how long.

    `Limits.max_entries_per_file` and `Limits.max_file_seconds`; see `ScanContext.budget`.
    """

    what: str
    """What an entry is, plural, for the message: "requirement lines", "YAML nodes"."""
    entries: int
    seconds: int
    count: int = 0
    ticks: int = 0
    deadline: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.deadline = clock() + self.seconds

    @classmethod
    def of(cls, limits: Limits, what: str) -> FileBudget:
        """A fresh budget under `limits` for reading one file (entries called `what`)."""
        return cls(what, limits.max_entries_per_file, limits.max_file_seconds)

    def spend(self) -> str | None:
        """Count one more entry: None while within budget, else why reading stops."""
        self.count += 1
        if self.count > self.entries:
            return f"more than {self.entries:,} {self.what} (limit max-entries-per-file)"
        return self.tick()

    def tick(self) -> str | None:
        """One step of work that is not an entry: None while within time, else why to stop."""
        self.ticks += 1
        if self.ticks % CLOCK_EVERY == 0 and clock() > self.deadline:
            timeouts.note()  # a result cut short by the clock is not cached
            return f"not read within {self.seconds:,} s (limit max-file-seconds)"
        return None


@dataclass(slots=True, kw_only=True)
class ScanContext:
    """Root, limits, the walked file set and a parsed-file memo."""

    root: Path
    limits: Limits = field(default_factory=Limits)
    files: AbstractSet[PurePosixPath] = frozenset()
    """The walked files (a `walk.FileSet`: membership without building every path)."""
    hash_files: bool = True
    progress: Progress | None = None
    """Told about big files being hashed (the CLI draws it on a terminal); None: silent."""
    """False under `--no-hash`: readers skip streaming digests of large files."""
    signing_keys: tuple[Path, ...] = ()
    """Public keys the user trusts to verify OpenSSF model signatures (`--signing-key`)."""
    memo: dict[tuple[str, PurePosixPath], Any] = field(default_factory=dict)
    project_dirs: frozenset[PurePosixPath] = field(init=False, default=frozenset())
    real_dirs: dict[str, str] = field(init=False, default_factory=dict, repr=False)
    """`os.path.realpath` of each directory `resolve` has seen (one lstat per file after)."""

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.project_dirs = frozenset(
            PurePosixPath(parent or ".")
            for parent, _, name in (text.rpartition("/") for text in file_texts(self.files))
            if name in PROJECT_MANIFESTS
        )

    def budget(self, what: str) -> FileBudget:
        """A fresh entry and time budget for reading one file (entries called `what`)."""
        return FileBudget.of(self.limits, what)

    def project_dir_for(self, rel: PurePosixPath) -> PurePosixPath:
        """The nearest directory at or above `rel` holding a project manifest, else the root."""
        found = nearest_dir(self.project_dirs, str(rel))  # on the text: no path per parent
        return PurePosixPath(".") if found is None else found

    def note(self, rel: PurePosixPath) -> None:
        """Nothing here: `readtrack.TrackingContext` notes the files a collector used."""

    def resolve(self, rel: PurePosixPath) -> Path:
        """Absolute path of `rel`; refuses paths that leave the scanned root."""
        return Path(self.inside_root(rel))

    def inside_root(self, rel: PurePosixPath) -> str:
        """`real_path` of `rel`, refused (SourceError) when it leaves the scanned root."""
        real = self.real_path(rel)
        if not self.holds(real):
            raise SourceError(rel, "points outside the scanned directory; not read")
        return real

    def holds(self, real: str) -> bool:
        """True when the real path `real` is the root or inside it."""
        root = str(self.root)
        return real == root or real.startswith(root + os.sep)

    def real_path(self, rel: PurePosixPath) -> str:
        """`os.path.realpath` of root/`rel`, its directory's part remembered."""
        text = str(rel)
        joined = self.in_real_dir(text)
        if joined is None:
            return os.path.realpath(f"{self.root}{os.sep}{text}")  # cheaper than Path.resolve()
        if os.path.islink(joined):  # noqa: PTH114 - on a str: no Path object built
            return os.path.realpath(joined)
        return joined

    def in_real_dir(self, text: str) -> str | None:
        """realpath(root/dir) joined with the name of `text` (`dir/name`), or None when the name
        is not a plain one or dir does not resolve fully; real unless the name is a symlink.

        realpath resolves left to right, so when dir resolves fully (no loop, nothing missing)
        realpath(dir/name) is realpath(realpath(dir)/name), and a resolved directory joined
        with a name that is not a symlink is already real.
        """
        cut = text.rfind("/")
        name = text[cut + 1 :]
        if name in ("", ".", ".."):
            return None
        parent = text[: max(cut, 0)]
        real_dir = self.real_dirs.get(parent)
        if real_dir is None:
            try:  # strict: a directory with a symlink loop or a missing part is not remembered
                real_dir = os.path.realpath(f"{self.root}{os.sep}{parent}", strict=True)
            except OSError:
                real_dir = ""
            self.real_dirs[parent] = real_dir
        if not real_dir:
            return None
        return f"{real_dir}{os.sep}{name}" if real_dir != os.sep else f"{os.sep}{name}"

    def open_inside(self, rel: PurePosixPath) -> int:
        """A read-only descriptor of root/`rel`, refused (SourceError) when it leaves the root.

        A name in a directory already known real is opened as it is, without following a
        symlink (an error if it is one): the open itself stands for realpath's lstat of the
        name. A symlink, or anything else, takes `inside_root`'s way."""
        joined = self.in_real_dir(str(rel))
        if joined is not None and NO_FOLLOW and self.holds(joined):
            try:
                return os.open(joined, READ_FLAGS | NO_FOLLOW)
            except OSError as exc:
                if exc.errno not in SYMLINK_ERRNOS:
                    raise
        return os.open(self.inside_root(rel), READ_FLAGS)

    def is_file(self, rel: PurePosixPath) -> bool:
        """A file inside the root, walked or not (DVC-tracked files are gitignored, `dist/`
        is not walked): readers that were told a path by a manifest check it here."""
        if rel in self.files:
            return True
        try:
            return self.resolve(rel).is_file()
        except SourceError:
            return False

    def relative(self, path: Path) -> PurePosixPath:
        """`path` relative to the root (or absolute when outside it, e.g. `--python`)."""
        try:
            return PurePosixPath(path.resolve().relative_to(self.root).as_posix())
        except ValueError:
            return PurePosixPath(path.as_posix())

    def read_bytes(
        self, rel: PurePosixPath, *, path: Path | None = None, limit: int | None = None
    ) -> bytes:
        """Whole file, refusing anything over the text limit."""
        cap = limit if limit is not None else self.limits.max_text_bytes
        try:
            fd = self.open_inside(rel) if path is None else os.open(path, READ_FLAGS)
            try:
                data = read_at_most(fd, cap + 1)
            finally:
                os.close(fd)
        except FileNotFoundError as exc:
            raise SourceError(rel, "file not found") from exc
        except IsADirectoryError as exc:
            raise SourceError(rel, "is a directory, not a file") from exc
        except OSError as exc:
            raise SourceError(rel, f"could not be read: {exc.strerror}") from exc
        if len(data) > cap:
            raise LimitExceeded(rel, f"larger than the {cap:,}-byte limit for text inputs")
        return data

    def read_text(self, rel: PurePosixPath, *, path: Path | None = None) -> str:
        """UTF-8 text (a BOM, also UTF-16's, is honoured); binary junk is a SourceError."""
        return decode_text(rel, self.read_bytes(rel, path=path))

    def toml(self, rel: PurePosixPath, *, path: Path | None = None) -> dict[str, Any]:
        """Parsed TOML, memoised."""
        key = ("toml", rel)
        if key not in self.memo:
            text = self.read_text(rel, path=path)
            try:
                self.memo[key] = parse_toml(rel, text)
            except SourceError as exc:  # memoised: every collector asking is told the same
                self.memo[key] = exc
        value = self.memo[key]
        if isinstance(value, SourceError):
            raise value
        return dict(value)

    def json(self, rel: PurePosixPath, *, path: Path | None = None) -> Any:
        """Parsed JSON, memoised."""
        key = ("json", rel)
        if key not in self.memo:
            text = self.read_text(rel, path=path)
            try:
                self.memo[key] = json.loads(text)
            except (ValueError, RecursionError) as exc:  # ValueError: a 4,300+ digit integer
                self.memo[key] = SourceError(rel, f"invalid JSON: {exc}")
        value = self.memo[key]
        if isinstance(value, SourceError):
            raise value
        return value


READ_CHUNK = 64 * 1024
"""Bytes asked of one `os.read`: it allocates what it is asked for, and a buffer over glibc's
mmap threshold (128 KiB) is mapped and unmapped on every call (~15 µs a file at a 32 MiB cap)."""


def read_at_most(fd: int, size: int) -> bytes:
    """Up to `size` bytes of `fd`, fewer only at its end: what `open(...).read(size)` gives,
    without a buffered file object around the descriptor."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, min(size, READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_toml(rel: PurePosixPath, text: str) -> dict[str, Any]:
    """`text` (of the file `rel`) parsed as TOML; SourceError when it is not TOML."""
    plain = plaintoml.loads(text)  # tomllib's result for plain TOML, 3-4x faster
    if plain is not None:
        return plain
    try:
        return tomllib.loads(text)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError, huge integers, deep nesting
        raise SourceError(rel, f"invalid TOML: {exc}") from exc


def decode_text(rel: PurePosixPath, data: bytes) -> str:
    """Decode manifest bytes: BOM-aware, strict UTF-8 otherwise; NUL bytes mean binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(rel, "invalid UTF-16 text") from exc
    if b"\x00" in data:
        raise SourceError(rel, "binary data, not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(rel, f"not UTF-8 text (invalid byte at offset {exc.start})") from exc
