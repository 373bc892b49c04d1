"""What a local archive named in a requirements file hashes to, next to the `--hash`es it lists.

`./dist/pkg-1.0-py3-none-any.whl --hash=sha256:<hex>` asks pip to install that file only if
its digest is one of those listed. The requirements source reports the package; this source
reports the archive itself as `file:<path>` with the digest it has now (one per algorithm the
line lists) and the line's digests as `DeclaredDigest`s of that file, for `hash-mismatch`.

The archive is read even where the walk does not go (`dist/` is excluded, and `.gitignore`
often lists built archives). Local paths are read relative to where pip is presumably run
(the file's directory, or the parent of a `requirements/` directory, as the requirements
source assumes). Includes are not followed: an included file that is itself a requirements
file is read on its own. Archives outside the scanned tree are not read; nothing is hashed
with `hash_files` off.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.errors import SourceError
from scanner.hashing import HASHLIB_ALG, file_digest
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Edge,
    Hash,
    Location,
    Problem,
    Record,
)
from scanner.sources.base import ScanContext, WalkEntry, project_parent
from scanner.sources.reqfile import (
    ARCHIVES,
    URL_START,
    BadLine,
    local_rel,
    logical_lines,
    parse_hashes,
    parse_options,
    split_args,
)
from scanner.sources.reqnames import requirements_file
from scanner.sources.reqsplit import head_lines, split_options

NAME = "local-archive-digests"


@dataclass(frozen=True, slots=True)
class LocalArchiveDigests:
    """Local archive requirements with `--hash`: the file's digest and the declared ones."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"txt", "in"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """The files the requirements source reads (requirements*.txt/.in, requirements/*)
        except constraints files."""
        return requirements_file(entry, constraints=False)

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """One file component and its declared digests per hashed local archive line."""
        if not ctx.hash_files:
            return
        text = ctx.read_text(entry.rel, path=entry.path)
        cwd = working_dir(entry.rel)
        parent = project_parent(entry, ctx)
        # the lines the requirements source reads (it reports a cut)
        text, _ = head_lines(text, ctx.limits.max_entries_per_file)
        for number, line in logical_lines(text):
            found = hashed_archive(line, cwd, ctx)
            if found is None:
                continue
            rel, hashes = found
            location = Location(file=entry.rel, line=number)
            yield from archive_records(rel, hashes, location, ctx, parent)


def working_dir(rel: PurePosixPath) -> PurePosixPath:
    """Where pip is presumably run for `rel` (the requirements source's rule)."""
    parent = rel.parent
    return parent.parent if parent.name.lower() == "requirements" else parent


def hashed_archive(
    line: str, cwd: PurePosixPath, ctx: ScanContext
) -> tuple[PurePosixPath, tuple[Hash, ...]] | None:
    """(archive path, its `--hash`es) when `line` installs a local archive with hashes."""
    target, options = split_args(line)
    target = target.split(";", 1)[0].strip()
    if not target or not target.lower().endswith(ARCHIVES):
        return None
    if URL_START.match(target):
        if not target.startswith("file:"):
            return None
        target = target.removeprefix("file://").removeprefix("file:")
    try:
        opts = parse_options(split_options(options))
        hashes = tuple(parse_hashes(value for name, value in opts if name == "hash"))
    except (ValueError, BadLine):
        return None  # the requirements source reports the bad line
    rel = local_rel(target, cwd, ctx)
    if not hashes or rel.is_absolute() or rel.parts[:1] == ("..",) or not ctx.is_file(rel):
        return None
    return rel, hashes


def archive_records(
    rel: PurePosixPath,
    declared: tuple[Hash, ...],
    location: Location,
    ctx: ScanContext,
    parent: str,
) -> Iterator[Record]:
    """The archive's component with its computed digests, an edge, the declared digests."""
    ref = f"file:{rel}"
    computed: list[Hash] = []
    for alg in sorted({h.alg for h in declared if h.alg in HASHLIB_ALG}):
        try:
            computed.append(Hash(alg=alg, value=file_digest(ctx.resolve(rel), HASHLIB_ALG[alg])))
        except (OSError, SourceError) as exc:
            reason = exc.reason if isinstance(exc, SourceError) else exc.strerror
            yield Problem(location=location, message=f"{rel} could not be hashed: {reason}")
            return
    yield Component(
        bom_ref=ref,
        type=ComponentType.FILE,
        name=str(rel),
        hashes=tuple(computed),
        locations=(location,),
        origin=NAME,
    )
    yield Edge(parent=parent, child=ref, kind="contains")
    for item in declared:
        yield DeclaredDigest(
            component=ref, algorithm=item.alg, digest=item.value, location=location
        )
