"""Hugging Face hub cache repos: which model/dataset snapshots are on disk, and their files.

Layout (huggingface_hub): `<type>s--<org>--<name>/` with `refs/<revision>` (a 40-hex commit),
`snapshots/<commit>/<path>` (symlinks into `blobs/`, or plain copies where symlinks are off) and
`blobs/<etag>`. An LFS blob is named by the SHA-256 of its content, which is recorded as the
file's hash (checking it is the provenance issue's job). Symlinks are resolved only to targets
inside the repo or the cache's shared blob store; nothing else is read.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.identity import hub_ref, huggingface_purl
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    Hash,
    Location,
    Problem,
    Record,
    RevisionResolved,
)
from scanner.sources.base import EntryKind, ScanContext, WalkEntry, project_parent

COMMIT = re.compile(r"[0-9a-f]{40}")
SHA256 = re.compile(r"[0-9a-f]{64}")
REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space", "kernels": "kernel"}
COMPONENT_TYPE = {
    "model": ComponentType.MODEL,
    "kernel": ComponentType.MODEL,
    "dataset": ComponentType.DATA,
    "space": ComponentType.APPLICATION,
}
MAX_REFS = 1_000
MAX_SNAPSHOTS = 1_000
MAX_FILES = 20_000
MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class HfCacheReader:
    """Reads one cache repo directory found by the walk (or named by `--hf-cache`)."""

    name: str = "hf-cache"

    def claims(self, entry: WalkEntry) -> bool:
        """Hub cache repo directories, as the walk recognised them."""
        return entry.kind is EntryKind.HUB_REPO

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """One component per snapshot commit, its files nested, and what each ref points to."""
        kind, _, rest = entry.path.name.partition("--")
        repo_type = REPO_TYPES.get(kind)
        repo_id = rest.replace("--", "/")
        if repo_type is None or not repo_id:
            yield Problem(location=Location(file=entry.rel), message="not a hub cache repo")
            return
        refs = dict(_refs(entry, repo_id, repo_type))
        for revision, (commit, location) in sorted(refs.items()):
            yield RevisionResolved(
                repo_id=repo_id,
                repo_type=repo_type,
                revision=revision,
                commit=commit,
                location=location,
            )
        parent = project_parent(entry, ctx)
        snapshots = entry.path / "snapshots"
        commits = sorted(p.name for p in _listdir(snapshots))[:MAX_SNAPSHOTS]
        for commit in commits:
            if not COMMIT.fullmatch(commit):
                yield Problem(
                    location=Location(file=entry.rel / "snapshots" / commit),
                    message="snapshot directory is not named by a commit id; skipped",
                )
                continue
            names = sorted(rev for rev, (c, _) in refs.items() if c == commit)
            component = yield from _snapshot(entry, repo_id, repo_type, commit, names)
            yield component
            yield Edge(parent=parent, child=component.bom_ref, kind="contains")


def _refs(
    entry: WalkEntry, repo_id: str, repo_type: str
) -> Iterator[tuple[str, tuple[str, Location]]]:
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


def _snapshot(
    entry: WalkEntry, repo_id: str, repo_type: str, commit: str, ref_names: list[str]
) -> Generator[Record, None, Component]:
    """Yields problems while listing a snapshot; returns its component, files nested."""
    root = entry.path / "snapshots" / commit
    ref = hub_ref(repo_id, commit, repo_type=repo_type)
    files: list[Component] = []
    for count, path in enumerate(sorted(_files(root, root, 0, links=True))):
        if count >= MAX_FILES:
            yield Problem(
                location=Location(file=entry.rel / "snapshots" / commit),
                message=f"more than {MAX_FILES} files in one snapshot; the rest not listed",
            )
            break
        file_rel = path.relative_to(root).as_posix()
        files.append(_file_component(entry, ref, path, file_rel))
    properties = [("aibom:hub", "huggingface"), ("aibom:hf-cache", str(entry.rel))]
    if ref_names:
        properties.append(("aibom:hf-cache:refs", ",".join(ref_names)))
    return Component(
        bom_ref=ref,
        type=COMPONENT_TYPE[repo_type],
        name=repo_id,
        version=commit,
        purl=huggingface_purl(repo_id, commit, repo_type=repo_type)
        if repo_type in ("model", "dataset")
        else None,
        locations=(Location(file=entry.rel / "snapshots" / commit),),
        origin="hf-cache",
        properties=tuple(properties),
        nested=tuple(files),
    )


def _file_component(entry: WalkEntry, parent_ref: str, path: Path, file_rel: str) -> Component:
    """One file of a snapshot: size, and the SHA-256 its LFS blob name states."""
    properties: list[tuple[str, str]] = []
    hashes: tuple[Hash, ...] = ()
    try:
        target = path.resolve(strict=True)
        size = target.stat().st_size
        properties.append(("aibom:size", str(size)))
        if path.is_symlink():
            blob = path.readlink().name  # the repo etag, even when it links on into Xet
            properties.append(("aibom:hf-cache:blob", blob))
            if SHA256.fullmatch(blob):
                hashes = (Hash(alg="SHA-256", value=blob),)
    except (OSError, RuntimeError):
        properties.append(("aibom:hf-cache:missing-blob", "true"))
    return Component(
        bom_ref=f"{parent_ref}#{file_rel}",
        type=ComponentType.FILE,
        name=file_rel,
        hashes=hashes,
        origin="hf-cache",
        properties=tuple(properties),
    )


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
    return target.is_file() and (_inside(target, repo) or _inside(target, repo.parent / "blobs"))


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _listdir(directory: Path) -> list[Path]:
    try:
        return sorted(directory.iterdir())
    except OSError:
        return []
