"""The per-file result cache: what each collector found in a file, reused while it is unchanged.

One JSON document per scanned root under `$XDG_CACHE_HOME/aibom/files` (else
`~/.cache/aibom/files`), named by the SHA-256 of the root path. An entry is keyed by the
collector's name and the file's path, and holds the file's size and `mtime_ns`, the size
and `mtime_ns` of every other file the collector read through the context while collecting
(a lock source reading its pyproject, a model directory's siblings), and the records as
`recordjson` text: `[size, mtime_ns, [[path, size, mtime_ns], ...], "<records JSON>"]`. The
text is stored as a string, exactly as a worker sent it or a previous scan stored it, so
saving never re-encodes a record and loading the document parses no record: only `get`
decodes the records it hands out. The document carries a fingerprint of everything else a
result depends on: aibom's own code, the limits and hashing settings, and the walked file
list (a file added or removed anywhere invalidates every entry: collectors may look at which
files exist).

The cache is never trusted: a file that is not JSON, not the expected shape, from another
format or fingerprint or too large is ignored, and a malformed entry is a miss (its records
are validated by `recordjson` like a worker's). Nothing is unpickled. A file modified within
`RACY_NS` of the scan start is not stored (its mtime may not change on a further same-size
write within the filesystem's timestamp granularity).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from scanner import gcpause, recordjson
from scanner.model import Record

FORMAT = 2
"""Version of the document layout: a document of another version is ignored."""
MAX_CACHE_BYTES = 1 << 30
"""A larger cache document is not read (someone else's file, or a runaway)."""
RACY_NS = 2_000_000_000

Stamp = tuple[int, int]
"""(size, mtime_ns) of a file."""
ABSENT: Stamp = (-1, -1)
"""The stamp recorded for a file a collector looked for and did not find."""


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CACHE_HOME/aibom/files`, else `~/.cache/aibom/files`."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aibom" / "files"


def stamp_of(size: int, mtime_ns: int) -> Stamp | None:
    """The stamp of a file from a stat already made (the walk's), None when its mtime is
    unknown (0: an entry the walk did not stat is never cached)."""
    return (size, mtime_ns) if mtime_ns else None


def stamp(path: Path) -> Stamp | None:
    """Size and mtime_ns of a regular file (following a symlink), or None."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns)


def racy(mtime_ns: int, started_ns: int) -> bool:
    """A file modified within `RACY_NS` of `started_ns` (or later): its stamp is not trusted
    (a same-size rewrite inside the clock's granularity would not change it)."""
    return mtime_ns >= started_ns - RACY_NS


def root_name(root: Path) -> str:
    """The file name (without suffix) of a scanned root's cache files."""
    return hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data`, readable by the user only (mkstemp's 0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fingerprint(parts: Iterable[str]) -> str:
    """SHA-256 over the given strings (settings, code stamps, the file list)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


@functools.cache
def code_stamps() -> tuple[str, ...]:
    """Path, size and mtime_ns of every module of the installed aibom (its code is an input);
    read once per process (the per-file cache and the report memo both key on it)."""
    package = Path(__file__).resolve().parent
    roots = [package, package.parent / "licenses"]
    found: list[str] = []
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".toml", ".json")):
                    info = Path(folder, name).stat()
                    found.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return tuple(found)


@dataclass(slots=True)
class FileCache:
    """Loaded entries of one root, and the entries to write back."""

    path: Path
    key: str
    root: Path
    started_ns: int = field(default_factory=time.time_ns)
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    old_claims: object = None
    claims: list[tuple[int, str]] = field(default_factory=list)
    """(walk entry index, collector name) of every job: which collectors claimed what (a
    function of the walk listing and the code, both in the key)."""

    @classmethod
    def open(cls, directory: Path, root: Path, key: str) -> FileCache:
        """The cache of `root` under fingerprint `key` (empty when absent or unusable)."""
        cache = cls(path=directory / f"{root_name(root)}.json", key=key, root=root)
        document = _load(cache.path, key)
        entries = document.get("entries")
        cache.old = entries if isinstance(entries, dict) else {}
        cache.old_claims = document.get("claims")
        return cache

    def cached_claims(self, entries: int, names: frozenset[str]) -> list[tuple[int, str]] | None:
        """The jobs of the scan that wrote the cache, if stored and well-formed."""
        found = self.old_claims
        if not isinstance(found, list):
            return None
        jobs: list[tuple[int, str]] = []
        for item in found:
            if not (isinstance(item, list) and len(item) == 2):
                return None
            index, name = item
            if type(index) is not int or not 0 <= index < entries or name not in names:
                return None
            jobs.append((index, name))
        return jobs

    def get(self, collector: str, rel: PurePosixPath | str, own: Stamp) -> list[Record] | None:
        """Cached records of `collector` on `rel` (a path, or its text: the same entry), if
        the file and what it read are unchanged."""
        key = f"{collector}\0{rel}"
        entry = self.old.get(key)
        if type(entry) is not list or len(entry) != 4:
            return None
        size, mtime_ns, deps, text = entry
        if size != own[0] or mtime_ns != own[1] or type(deps) is not list or type(text) is not str:
            return None
        if deps and not self._deps_unchanged(deps):
            return None
        try:
            records = recordjson.loads(text)
        except recordjson.MalformedRecord:
            return None  # malformed: a miss
        self.new[key] = entry  # kept as loaded: saving it again costs no encoding
        return records  # type: ignore[return-value]  # Finding is never stored

    def reads_of(self, collector: str, rel: PurePosixPath | str) -> list[str]:
        """The other files the result of `collector` on `rel` read when it ran (after a
        `get` hit or a `put`; empty when there is no such result)."""
        entry = self.new.get(f"{collector}\0{rel}")
        return [dep[0] for dep in entry[2]] if entry is not None else []

    def put(
        self,
        collector: str,
        rel: PurePosixPath | str,
        own: Stamp,
        reads: Iterable[PurePosixPath | str],
        records: str | Sequence[Record] | list[Any],
    ) -> None:
        """Remember `records` (records, their `recordjson.dumps` text as a worker sent it, or
        their `recordjson.encode` dicts), unless a file involved changed too recently to be
        trusted."""
        if self._racy(own):
            return
        deps: list[list[Any]] = []
        for dep in sorted({str(r) for r in reads} - {str(rel)}):
            dep_stamp = stamp(self.root / dep) or ABSENT
            if self._racy(dep_stamp):
                return
            deps.append([dep, *dep_stamp])
        self.new[f"{collector}\0{rel}"] = [own[0], own[1], deps, _records_text(records)]

    def save(self) -> None:
        """Write the entries used or made by this scan (atomically; private to the user)."""
        with gcpause.paused():  # 50,000 small lists, no cycles: see gcpause
            claims = [list(job) for job in self.claims]
            if self.new == self.old and claims == self.old_claims:
                return
            document = {"format": FORMAT, "key": self.key, "claims": claims, "entries": self.new}
            # json.dumps, not json.dump: only dumps uses the C encoder. ASCII output escapes
            # the lone surrogates an undecodable file name leaves in a path.
            data = json.dumps(document, separators=(",", ":")).encode("ascii")
        try:
            write_private(self.path, data)
        except OSError:
            return  # a cache that cannot be written only costs time

    def _racy(self, own: Stamp) -> bool:
        return racy(own[1], self.started_ns)

    def _deps_unchanged(self, deps: object) -> bool:
        if type(deps) is not list:
            return False
        for dep in deps:
            if not (type(dep) is list and len(dep) == 3 and type(dep[0]) is str):
                return False
            current = stamp(self.root / dep[0]) or ABSENT
            if list(current) != dep[1:]:
                return False
        return True


def _records_text(records: str | Sequence[Record] | list[Any]) -> str:
    """The `recordjson` text of records given as text, records or encoded dicts."""
    if isinstance(records, str):
        return records
    encoded = [r if isinstance(r, dict) else recordjson.encode(r) for r in records]
    return json.dumps(encoded, separators=(",", ":"), ensure_ascii=False)


def _load(path: Path, key: str) -> dict[str, Any]:
    """A cache document, or {} when it is absent, foreign or malformed."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CACHE_BYTES + 1)
        if len(data) > MAX_CACHE_BYTES:
            return {}
        with gcpause.paused():
            document = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return {}
    if document.get("key") != key or not isinstance(document.get("entries"), dict):
        return {}
    return document


__all__ = [
    "ABSENT",
    "FileCache",
    "code_stamps",
    "default_cache_dir",
    "fingerprint",
    "stamp",
    "stamp_of",
]
