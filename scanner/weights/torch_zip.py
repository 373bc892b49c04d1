"""PyTorch checkpoints: zip archives (`<prefix>/data.pkl` + storages) and legacy files.

Zip: members are listed (capped), and every pickle member (`*.pkl`, or any member outside
`data/` that starts with a PROTO opcode) is walked for imports. Legacy (before 1.6): a
sequence of pickles starting with the magic number 0x1950a86a20f9469cfc6c; the first five
are walked. Nothing is unpickled.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from scanner.weights.archive import is_zip, member_head, open_tolerant, open_zip
from scanner.weights.base import WeightInfo, WeightLimits
from scanner.weights.opcodes import PickleWalk, is_pickle_head, walk_pickles
from scanner.weights.pickles import pickle_info

FORMAT = "pytorch"
LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"
LEGACY_PICKLES = 5


@dataclass(frozen=True, slots=True)
class TorchZip:
    """Reads PyTorch `.pt` / `.pth` / `.bin` / `.ckpt` files, zip or legacy."""

    name: str = FORMAT
    suffixes: tuple[str, ...] = (".pt", ".pth", ".bin", ".ckpt", ".pt2")
    sniffable: bool = True
    by_suffix: bool = False

    def magic(self, head: bytes) -> bool:
        """A zip archive, or the legacy magic-number pickle."""
        return is_zip(head) or head.startswith(LEGACY_MAGIC)

    def inspect(self, path: Path, rel: PurePosixPath, limits: WeightLimits) -> WeightInfo:
        """List members and walk the pickles, or walk the legacy pickle sequence."""
        with path.open("rb") as fh:
            head = fh.read(len(LEGACY_MAGIC))
        if head.startswith(LEGACY_MAGIC):
            with path.open("rb") as fh:
                walk = _walk(fh, limits, LEGACY_PICKLES)
            info = pickle_info(FORMAT, walk, trailing_ok=True, notes=("legacy (pre-1.6) format",))
            return info
        with open_zip(path, rel, limits) as archive:
            return _zip_info(archive, limits)


def _walk(fh: IO[bytes], limits: WeightLimits, count: int) -> PickleWalk:
    return walk_pickles(
        fh,
        count=count,
        max_opcodes=limits.pickle_opcodes,
        max_bytes=limits.pickle_bytes,
        max_string=limits.pickle_string_bytes,
        max_memo=limits.pickle_memo_entries,
    )


def _zip_info(archive: zipfile.ZipFile, limits: WeightLimits) -> WeightInfo:
    members = archive.infolist()
    imports: dict[str, None] = {}
    problems: list[str] = []
    walked: list[str] = []
    storages = 0
    storage_bytes = 0
    for info in members:
        parts = PurePosixPath(info.filename).parts
        if len(parts) >= 3 and parts[-2] == "data" and not info.filename.endswith(".pkl"):
            storages += 1
            storage_bytes += info.file_size
            continue
        if not _is_pickle(archive, info):
            continue
        walked.append(info.filename)
        try:
            stream, odd = open_tolerant(archive, info)
            with stream:
                walk = _walk(stream, limits, 1)
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, EOFError) as exc:
            problems.append(f"member {info.filename!r} could not be read: {exc}")
            continue
        imports.update(dict.fromkeys(walk.imports))
        if odd:
            problems.append(f"member {info.filename!r}: {odd} (read anyway, as PyTorch does)")
        if walk.stopped:
            problems.append(f"pickle scan of {info.filename!r} incomplete: {walk.stopped}")
    if not walked:
        problems.append("no pickle member (data.pkl) found: not a PyTorch archive?")
    prefixes = sorted({PurePosixPath(n).parts[0] for n in walked if "/" in n})
    metadata = [
        ("members", str(len(members))),
        ("storages", str(storages)),
        ("storage_bytes", str(storage_bytes)),
        *(("archive_prefix", prefix) for prefix in prefixes),
        *(("pickle_member", name) for name in walked),
    ]
    notes = ["TorchScript archive"] if any(n.endswith("constants.pkl") for n in walked) else []
    return WeightInfo(
        format=FORMAT,
        metadata=tuple(metadata[: limits.metadata_entries]),
        pickle_imports=tuple(imports),
        notes=tuple(notes),
        problems=tuple(problems),
    )


def _is_pickle(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A `.pkl` member, or one whose content starts like a protocol 2-5 pickle."""
    if info.filename.endswith(".pkl"):
        return True
    if info.filename.endswith("/") or info.file_size < 2:
        return False
    head = member_head(archive, info, 2)
    return head is not None and is_pickle_head(head)
