"""Replay the previous report of a root when nothing it was made from has changed.

A report is a function of aibom's code, the settings and policy, the command's output
options, today's date (waivers expire) and the files the scan read. When every file it read
is one the walk lists, or one it notes below, and each is unchanged by size and `mtime_ns`
(the per-file cache's test, `filecache`), the report, its stderr lines and exit code are
those of the last run: they are stored under a key of all of the above and replayed. The
per-file cache spares unchanged files when anything else changed.

Only scans whose inputs are all known this way are memoised: no `--online`, `--osv-db`,
`--baseline`, `--signing-key`, `--python`, active virtual environment or `--hf-cache`, no
environment or hub-cache directory inside the tree, no unreadable directory, no
`--no-cache`/`--debug`. Files read outside the walk (a sibling module under an ignored
directory, a path the code names that does not exist yet) and the default hub cache's
directories of the repos the project references are stamped (a whole directory tree for the
latter) and checked on replay. A file modified just before the scan (`filecache.racy`) is not
trusted to stamp (same-size rewrites inside the clock's granularity): the report is then not
stored.
The memo is two files per root: JSON metadata and the report text (checked by its SHA-256).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scanner import __version__
from scanner.config import ScanConfig
from scanner.filecache import (
    Stamp,
    code_stamps,
    default_cache_dir,
    fingerprint,
    racy,
    root_name,
    stamp,
    write_private,
)
from scanner.walk import EntryKind, WalkResult

FORMAT = 1
MAX_META_BYTES = 64 * 1024 * 1024
MAX_TREE_ENTRIES = 10_000
"""A referenced hub-cache repo with more entries than this is not stamped (no memo)."""


@dataclass(frozen=True, slots=True)
class Replay:
    """What a run printed and returned."""

    output: str
    stderr: tuple[str, ...]
    exit_code: int


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a scan read beyond its walk's files: paths relative to the root, and
    directories of the default hub cache (absolute)."""

    reads: frozenset[PurePosixPath] = frozenset()
    hub_dirs: frozenset[Path] = frozenset()


def eligible(config: ScanConfig, walked: WalkResult) -> bool:
    """True when every input of the scan can be stamped (see the module docstring)."""
    return not (
        config.online
        or config.osv_db is not None
        or config.baseline is not None
        or config.signing_keys
        or config.python is not None
        or config.virtual_env is not None
        or config.hf_caches
        or config.no_cache
        or config.debug
        or walked.problems
        or any(e.kind is not EntryKind.FILE for e in walked.entries)
    )


def memo_key(config: ScanConfig, variant: str, walked: WalkResult, today: dt.date) -> str:
    """Fingerprint of the code, settings, output options, date and walked files."""
    settings = repr(dataclasses.replace(config, progress=None))
    listing = (f"{e.rel_text}\0{e.size}\0{e.mtime_ns}" for e in walked.entries)
    return fingerprint(
        [__version__, settings, variant, today.isoformat(), *code_stamps(), *listing]
    )


def memo_path(root: Path) -> Path:
    """Where the memo of `root` lives (next to the per-file cache)."""
    return default_cache_dir().parent / "scans" / root_name(root)


def lookup(root: Path, key: str) -> Replay | None:
    """The stored replay of `root` under `key`, if its noted inputs are unchanged."""
    base = memo_path(root)
    try:
        meta = _load_meta(base.with_suffix(".json"))
        if meta is None or meta.get("key") != key:
            return None
        output = base.with_suffix(".out").read_bytes()
    except OSError:
        return None
    if hashlib.sha256(output).hexdigest() != meta.get("sha256"):
        return None
    if not _unchanged(root, meta.get("reads"), meta.get("hub_dirs")):
        return None
    stderr, code = meta.get("stderr"), meta.get("exit_code")
    if not (isinstance(stderr, list) and all(isinstance(s, str) for s in stderr)):
        return None
    if type(code) is not int:
        return None
    return Replay(
        output=output.decode("utf-8", "surrogateescape"), stderr=tuple(stderr), exit_code=code
    )


def store(root: Path, key: str, walked: WalkResult, inputs: Inputs, replay: Replay) -> None:
    """Keep `replay` for the next run, unless an input changed too recently to stamp."""
    started = time.time_ns()
    reads = {str(rel): stamp(root / rel) for rel in sorted(inputs.reads)}
    hubs = {str(path): _tree_stamp(path) for path in sorted(inputs.hub_dirs)}
    if any(racy(e.mtime_ns, started) for e in walked.entries) or any(
        s is not None and racy(s[1], started) for s in reads.values()
    ):
        return
    if any(tree == "too-large" for tree in hubs.values()):
        return
    output = replay.output.encode("utf-8", "surrogateescape")
    meta = {
        "format": FORMAT,
        "key": key,
        "sha256": hashlib.sha256(output).hexdigest(),
        "reads": reads,
        "hub_dirs": hubs,
        "stderr": list(replay.stderr),
        "exit_code": replay.exit_code,
    }
    base = memo_path(root)
    try:
        write_private(base.with_suffix(".out"), output)
        write_private(base.with_suffix(".json"), json.dumps(meta).encode())
    except OSError:
        return  # a read-only or full cache dir only costs the next run its speed


def _unchanged(root: Path, reads: object, hubs: object) -> bool:
    if not (isinstance(reads, dict) and isinstance(hubs, dict)):
        return False
    for rel, stored in reads.items():
        if stored is not None and _as_stamp(stored) is None:
            return False  # not a stamp: not ours
        if _as_stamp(stored) != stamp(root / rel):
            return False
    return all(_tree_stamp(Path(path)) == tree for path, tree in hubs.items())


def _as_stamp(value: object) -> Stamp | None:
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        return (value[0], value[1])
    return None


def _tree_stamp(path: Path) -> str | None:
    """A digest of every entry under `path` (names, types, sizes, mtimes; symlink targets),
    None when it does not exist, "too-large" past `MAX_TREE_ENTRIES`."""
    if not path.is_dir():
        return None
    lines: list[str] = []
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted((*dirs, *names)):
            full = Path(folder, name)
            try:
                info = full.lstat()
                target = str(full.readlink()) if full.is_symlink() else ""
            except OSError:
                target, info = "?", None
            size, mtime = (info.st_size, info.st_mtime_ns) if info else (-1, -1)
            lines.append(f"{full.relative_to(path)}\0{size}\0{mtime}\0{target}")
            if len(lines) > MAX_TREE_ENTRIES:
                return "too-large"
    return fingerprint(lines)


def _load_meta(path: Path) -> dict[str, object] | None:
    with path.open("rb") as fh:
        data = fh.read(MAX_META_BYTES + 1)
    if len(data) > MAX_META_BYTES:
        return None
    try:
        meta = json.loads(data)
    except ValueError:
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    return meta


__all__ = ["Inputs", "Replay", "eligible", "lookup", "memo_key", "store"]
