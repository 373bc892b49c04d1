"""Hugging Face hub cache repos: which model/dataset snapshots are on disk, their files,
and what each snapshot's card says.

Layout (huggingface_hub): `<type>s--<org>--<name>/` with `refs/<revision>` (a 40-hex commit),
`snapshots/<commit>/<path>` (symlinks into `blobs/`, or plain copies where symlinks are off) and
`blobs/<etag>`. Each snapshot is one component (pinned purl), its files nested
(`cache_files`: sizes, hashes, weight headers); its `README.md` card fills the license,
task and lineage exactly as a local card does (`cards`). A legacy single-name repo
(`models--gpt2`) is named by the id it moved to, as references are. Symlinks are resolved
only to targets inside the repo or the cache's shared blob store; nothing else is read.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar

from scanner.errors import SourceError
from scanner.hubid import canonical
from scanner.identity import hub_ref, huggingface_purl
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    Location,
    Problem,
    Record,
    RevisionResolved,
)
from scanner.references.cache_files import SnapshotFiles, model_properties
from scanner.references.cards import CardFields, parse_card
from scanner.sources.base import EntryKind, ScanContext, WalkEntry, project_parent
from scanner.weights import FORMATS
from scanner.weights.reader import WeightFileReader

COMMIT = re.compile(r"[0-9a-f]{40}")
REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space", "kernels": "kernel"}
COMPONENT_TYPE = {
    "model": ComponentType.MODEL,
    "kernel": ComponentType.MODEL,
    "dataset": ComponentType.DATA,
    "space": ComponentType.APPLICATION,
}
ORIGIN = "hf-cache"
MAX_REFS = 1_000
MAX_SNAPSHOTS = 1_000
MAX_FILES = 20_000
MAX_DEPTH = 32
"""Directory depth listed in one snapshot: a recursion guard (hub repos are a few levels
deep and the cache is the user's own, outside the scanned tree), not a user limit."""


def default_weights() -> WeightFileReader:
    """The weights package's reader over every registered format."""
    return WeightFileReader(formats=FORMATS)


@dataclass(frozen=True, slots=True)
class HfCacheReader:
    """Reads one cache repo directory found by the walk (or named by `--hf-cache`)."""

    name: str = ORIGIN
    claim_keys: ClassVar[frozenset[str]] = frozenset()
    """No file: only directory entries are claimed (`scanner.claims`)."""
    weights: WeightFileReader = field(default_factory=default_weights)

    def claims(self, entry: WalkEntry) -> bool:
        """Hub cache repo directories, as the walk recognised them."""
        return entry.kind is EntryKind.HUB_REPO

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """One component per snapshot commit, its files nested, and what each ref points to."""
        return self.repo_records(entry, ctx, None)

    def referenced(
        self, entry: WalkEntry, ctx: ScanContext, revisions: Collection[str | None]
    ) -> Iterator[Record]:
        """A repo of the user's default cache that the project references at `revisions`
        (None: the default branch): only the snapshots those revisions resolve to, and no
        `contains` edge (the project does not hold that cache; its references reach them)."""
        return self.repo_records(entry, ctx, revisions)

    def repo_records(
        self, entry: WalkEntry, ctx: ScanContext, revisions: Collection[str | None] | None
    ) -> Iterator[Record]:
        """Refs, then each (wanted) snapshot's component and lineage."""
        kind, _, rest = entry.path.name.partition("--")
        repo_type = REPO_TYPES.get(kind)
        if repo_type is None or not rest:
            yield Problem(location=Location(file=entry.rel), message="not a hub cache repo")
            return
        repo_id = canonical(rest.replace("--", "/"), repo_type)
        refs = dict(_refs(entry))
        for revision, (commit, location) in sorted(refs.items()):
            yield RevisionResolved(
                repo_id=repo_id,
                repo_type=repo_type,
                revision=revision,
                commit=commit,
                location=location,
            )
        parent = project_parent(entry, ctx)
        commits = [p.name for p in _listdir(entry.path / "snapshots")][:MAX_SNAPSHOTS]
        if revisions is not None:
            wanted = {_resolve(revision, refs) for revision in revisions}
            commits = [commit for commit in commits if commit in wanted]
        for commit in commits:
            if not COMMIT.fullmatch(commit) or (entry.path / "snapshots" / commit).is_symlink():
                yield Problem(
                    location=Location(file=entry.rel / "snapshots" / commit),
                    message="snapshot directory is not named by a commit id or is a "
                    "symlink; skipped",
                )
                continue
            names = sorted(rev for rev, (c, _) in refs.items() if c == commit)
            snapshot = Snapshot(
                entry=entry, ctx=ctx, repo_id=repo_id, repo_type=repo_type, commit=commit
            )
            component = yield from snapshot.component(names, self.weights)
            yield component
            if revisions is None:
                yield Edge(parent=parent, child=component.bom_ref, kind="contains")
            if repo_type == "model" and (card := snapshot.card) is not None:
                yield from card.lineage(component.bom_ref, ORIGIN)


def _resolve(revision: str | None, refs: Mapping[str, tuple[str, Location]]) -> str | None:
    """The commit a revision names in this cache: itself when a full commit, else what its
    ref file (`main` for no revision) holds."""
    if revision is not None and COMMIT.fullmatch(revision.lower()):
        return revision.lower()
    found = refs.get(revision or "main")
    return found[0] if found else None


def _refs(entry: WalkEntry) -> Iterator[tuple[str, tuple[str, Location]]]:
    """`refs/<name>` files (nested for `refs/pr/N`) -> commit, where the text is a commit."""
    base = entry.path / "refs"
    for count, path in enumerate(sorted(_files(base, base, 0))):
        if count >= MAX_REFS:
            break
        rel = entry.rel / "refs" / path.relative_to(base).as_posix()
        try:
            with path.open("rb") as fh:  # a ref holds 40 hex digits: read no more than that
                text = fh.read(128).decode("ascii", "replace").strip()
        except OSError:
            continue
        if COMMIT.fullmatch(text):
            yield path.relative_to(base).as_posix(), (text, Location(file=rel))


@dataclass(slots=True, kw_only=True)
class Snapshot:
    """One `snapshots/<commit>` directory of a cache repo."""

    entry: WalkEntry
    ctx: ScanContext
    repo_id: str
    repo_type: str
    commit: str
    card: CardFields | None = None

    @property
    def rel(self) -> PurePosixPath:
        """The snapshot directory as the report names it."""
        return self.entry.rel / "snapshots" / self.commit

    def component(
        self, ref_names: list[str], weights: WeightFileReader
    ) -> Generator[Record, None, Component]:
        """Yields problems and declared digests; returns the snapshot's component."""
        root = self.entry.path / "snapshots" / self.commit
        ref = hub_ref(self.repo_id, self.commit, repo_type=self.repo_type)
        reader = SnapshotFiles(
            repo=self.entry.rel, snapshot=self.rel, parent=ref, ctx=self.ctx, weights=weights
        )
        files: list[Component] = []
        for count, path in enumerate(sorted(_files(root, root, 0, links=True))):
            if count >= MAX_FILES:
                yield Problem(
                    location=Location(file=self.rel),
                    message=f"more than {MAX_FILES} files in one snapshot; the rest not listed",
                )
                break
            files.append((yield from reader.file(path, path.relative_to(root).as_posix())))
        self.card = yield from self.read_card(root)
        config = yield from self.read_config(root)
        properties = [("aibom:hub", "huggingface"), ("aibom:hf-cache", str(self.entry.rel))]
        if ref_names:
            properties.append(("aibom:hf-cache:refs", ",".join(ref_names)))
        properties.extend(model_properties(config, files))
        card = self.card
        if card is not None:
            properties.extend([("aibom:card", self.repo_type), *card.properties()])
        return Component(
            bom_ref=ref,
            type=COMPONENT_TYPE[self.repo_type],
            name=self.repo_id,
            version=self.commit,
            purl=huggingface_purl(self.repo_id, self.commit, repo_type=self.repo_type)
            if self.repo_type in ("model", "dataset")
            else None,
            license=card.license() if card else None,
            license_raw=tuple(card.license_evidence()) if card else (),
            locations=(Location(file=self.rel),),
            origin=ORIGIN,
            properties=tuple(properties),
            nested=tuple(files),
        )

    def read_card(self, root: Path) -> Generator[Problem, None, CardFields | None]:
        """The snapshot's `README.md` front matter, if it has a card."""
        path = root / "README.md"
        if not _readable(path, root):
            return None
        rel = self.rel / "README.md"
        try:
            return parse_card(rel, self.ctx.read_text(rel, path=path), self.ctx.limits)
        except SourceError as exc:
            yield Problem(location=Location(file=exc.path, line=exc.line), message=exc.reason)
            return None

    def read_config(self, root: Path) -> Generator[Problem, None, object]:
        """The snapshot's `config.json`, if it has one (architecture, model type)."""
        path = root / "config.json"
        if self.repo_type != "model" or not _readable(path, root):
            return None
        try:
            return self.ctx.json(self.rel / "config.json", path=path)
        except SourceError as exc:
            yield Problem(location=Location(file=exc.path, line=exc.line), message=exc.reason)
            return None


def _readable(path: Path, snapshot: Path) -> bool:
    """A snapshot file that exists and, when a symlink, stays inside the repo or store."""
    if path.is_symlink():
        return _link_target_ok(path, snapshot) and path.exists()
    return path.is_file()


def _files(base: Path, directory: Path, depth: int, *, links: bool = False) -> Iterator[Path]:
    """Regular files (and, with `links`, symlinks to files inside the repo) below `directory`."""
    if depth > MAX_DEPTH:
        return
    for child in _listdir(directory):
        if child.is_symlink():
            if links and _link_target_ok(child, base):
                yield child
        elif child.is_dir():
            yield from _files(base, child, depth + 1, links=links)
        elif child.is_file():
            yield child


def _link_target_ok(link: Path, snapshot: Path) -> bool:
    """A snapshot symlink may point into the repo's blobs or the cache's shared blob store."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return True  # a dangling link is listed (as a missing blob), never read
    repo = snapshot.parent.parent
    store = repo.parent / "blobs"  # the shared (Xet) store; never through a symlink
    in_store = not store.is_symlink() and _inside(target, store)
    return target.is_file() and (_inside(target, repo) or in_store)


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _listdir(directory: Path) -> list[Path]:
    """Entries of a directory, sorted; none when it is a symlink or cannot be read."""
    if directory.is_symlink():
        return []
    try:
        return sorted(directory.iterdir())
    except OSError:
        return []
