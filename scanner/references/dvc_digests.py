"""What DVC-tracked files hash to now: the computed half of DVC's declared digests.

The DVC reader (`artifacts`) reports each output of a `*.dvc` file or `dvc.lock` stage with
the `md5` (or `sha256`) DVC recorded, as a `DeclaredDigest` of `file:<path>`. This reader
hashes that file as it is on disk, with the same algorithm, and reports it as a hash of the
same component; `hash-mismatch` compares the two.

DVC 3 (outputs marked `hash: md5`) records the plain md5 of the bytes. DVC 2 (no `hash`
key) normalised CRLF to LF in files it took for text (no NUL byte in the first 8 KiB), so
for such an output the normalised digest is reported when it is the one that matches.
Not handled: directory outputs (`md5: <x>.dir` names a manifest in DVC's cache, listing
each file's md5; verifying them needs that cache) and outputs outside the scanned tree.
Nothing is hashed when the scan runs with `hash_files` off.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from scanner.errors import SourceError
from scanner.hashing import cyclonedx_alg, file_digest
from scanner.model import Component, ComponentType, Hash, Location, Problem, Record
from scanner.sources import safeyaml
from scanner.sources.base import EntryKind, ScanContext, WalkEntry

NAME = "dvc-digests"
HEX = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{64}")
ALGORITHMS = ("md5", "sha256")
TEXT_SNIFF = 8192
MAX_NORMALISED = 64 * 1024 * 1024
"""Largest legacy text output re-hashed with CRLF normalised (it is read whole)."""


@dataclass(frozen=True, slots=True)
class DvcDigestReader:
    """Hashes the files `*.dvc` files and `dvc.lock` stages record digests for."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"dvc", "lock"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """`*.dvc` and `dvc.lock`, as the DVC reader claims them."""
        name = entry.name.lower()
        return entry.kind is EntryKind.FILE and (name.endswith(".dvc") or name == "dvc.lock")

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """A hash-only sighting of `file:<path>` for each output file found in the tree."""
        if not ctx.hash_files:
            return
        node = safeyaml.compose(
            entry.rel, ctx.read_text(entry.rel, path=entry.path), limits=ctx.limits
        )
        tree = safeyaml.plain(node) if node is not None else None
        if not isinstance(tree, dict):
            return
        for out in outputs(tree, lock=entry.name.lower() == "dvc.lock"):
            yield from self.hashed(entry.rel, out, ctx)

    def hashed(
        self, rel: PurePosixPath, out: Mapping[str, Any], ctx: ScanContext
    ) -> Iterator[Record]:
        """The computed digests of one output, when it is a file of the scanned tree."""
        target = inside(rel.parent, out["path"])
        if target is None or not ctx.is_file(target):
            return
        legacy = out.get("hash") is None
        hashes: list[Hash] = []
        for alg in ALGORITHMS:
            declared = out.get(alg)
            if not isinstance(declared, str) or not HEX.fullmatch(declared):
                continue  # absent, or a `.dir` manifest digest
            try:
                value = digest(ctx.resolve(target), alg, declared.lower(), legacy=legacy)
            except (OSError, SourceError) as exc:
                reason = exc.reason if isinstance(exc, SourceError) else exc.strerror
                yield Problem(
                    location=Location(file=target), message=f"could not be hashed: {reason}"
                )
                return
            hashes.append(Hash(alg=cyclonedx_alg(alg) or alg, value=value))
        if hashes:
            yield Component(
                bom_ref=f"file:{target}",
                type=ComponentType.FILE,
                name=str(target),
                hashes=tuple(hashes),
                origin=NAME,
            )


def outputs(tree: Mapping[str, Any], *, lock: bool) -> Iterator[Mapping[str, Any]]:
    """Output entries with a string path: `outs` of a `.dvc` file, of each `dvc.lock` stage."""
    if lock:
        stages = tree.get("stages")
        groups = (
            [s.get("outs") for s in stages.values() if isinstance(s, dict)]
            if isinstance(stages, dict)
            else []
        )
    else:
        groups = [tree.get("outs")]
    for outs in groups:
        for out in outs if isinstance(outs, list) else ():
            if isinstance(out, dict) and isinstance(out.get("path"), str):
                yield out


def inside(base: PurePosixPath, target: str) -> PurePosixPath | None:
    """`target` (relative to the DVC file) relative to the root, if inside the tree."""
    if target.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", target):
        return None
    joined = posixpath.normpath(str(base / target))
    return None if joined == ".." or joined.startswith("../") else PurePosixPath(joined)


def digest(path: Path, alg: str, declared: str, *, legacy: bool) -> str:
    """The file's digest; for a DVC 2 md5 of a text file, the CRLF-normalised one if it is
    the declared one (DVC 2's own rule), else the plain one."""
    plain = file_digest(path, alg)
    if plain == declared or not legacy or alg != "md5":
        return plain
    with path.open("rb") as fh:
        head = fh.read(TEXT_SNIFF)
        if b"\0" in head or path.stat().st_size > MAX_NORMALISED:
            return plain
        data = head + fh.read()
    normalised = hashlib.md5(data.replace(b"\r\n", b"\n"), usedforsecurity=False).hexdigest()
    return normalised if normalised == declared else plain
