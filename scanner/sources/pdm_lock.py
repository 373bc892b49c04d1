"""pdm.lock: every locked package at its exact version, its files, and the package graph.

pdm lists each package once, plus one more entry per requested extras set: either with an
`extras = [...]` field (pdm 1.x-2.x) or named `pkg[extra]` (as some versions write it). That
entry depends on the package itself and on the extra's dependencies, so here it becomes
edges from the package, marked `extra == "<extra>"`. Which packages the project requires
directly is said by pyproject.toml (another source); this source gives the rest of the
graph and the groups (`aibom:groups`) each package was locked for. Lock versions 3.x
(`[metadata.files]`) and 4.x (`files` per package) are read.

Component hashes follow uv.lock's rule: the sdist's digest, else the single (or the one
pure-Python) wheel's; every file's digest is reported as a `DeclaredDigest`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, ClassVar

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Location,
    Problem,
    Record,
)
from scanner.sources.lockfile import (
    Artifact,
    admitted,
    as_list,
    as_str,
    chosen,
    dependency,
    digest_lines,
    digest_records,
    entry_lines,
    hash_of,
    load_toml,
    local_dir,
    vcs_url,
    with_extra,
)
from scanner.walk import EntryKind, WalkEntry

KNOWN_MAJOR = 4
# The name ends on a non-space (or is one space): a lazy name followed by `\s*` was
# quadratic on a name with a long run of spaces.
EXTRAS_NAME = re.compile(r"^\s*([^\[\]\s](?:[^\[\]]*[^\[\]\s])?|\s)\s*\[([^\]]*)\]\s*$")
SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar")


@dataclass(frozen=True, slots=True)
class PdmLockSource:
    """PDM's lockfile (`pdm.lock`)."""

    name: str = "pdm.lock"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"lock"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named `pdm.lock`."""
        return entry.kind is EntryKind.FILE and entry.name == "pdm.lock"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components for every locked package, edges for every dependency string."""
        text, data = load_toml(entry.rel, ctx)
        yield from PdmLock(rel=entry.rel, ctx=ctx, text=text).read(data)


@dataclass(slots=True, kw_only=True)
class Entry:
    """One `[[package]]` table (a package, or one of its extras sets)."""

    table: dict[str, Any]
    name: str
    version: str | None
    extras: tuple[str, ...]
    location: Location
    ref: str = ""

    @property
    def key(self) -> tuple[str, str | None]:
        """(PEP 503 name, version): what an extras entry shares with its package."""
        return canonicalize_name(self.name), self.version


@dataclass(slots=True, kw_only=True)
class PdmLock:
    """One pdm.lock being read."""

    rel: PurePosixPath
    ctx: ScanContext
    text: str
    origin: str = "pdm.lock"
    by_name: dict[str, list[Entry]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, message: str) -> Problem:
        """A problem at `line` of this lock."""
        return Problem(location=Location(file=self.rel, line=line), message=message)

    def read(self, data: dict[str, Any]) -> Iterator[Record]:
        """All records of the parsed lock."""
        metadata = data.get("metadata")
        if not isinstance(metadata, dict):
            yield self.problem(None, "no [metadata] table, which pdm always writes: truncated?")
            metadata = {}
        yield from self.check_version(metadata.get("lock_version"))
        tables = data.get("package", [])
        if not isinstance(tables, list):
            raise SourceError(self.rel, "`package` is not an array of tables")
        lines = entry_lines(self.text, "package", len(tables))
        entries = [e for i, t in enumerate(tables) if (e := self.entry(t, lines[i])) is not None]
        bases: dict[tuple[str, str | None], Entry] = {}
        for entry in entries:
            if not entry.extras:
                bases.setdefault(entry.key, entry)
        for entry in entries:
            base = bases.setdefault(entry.key, entry)
            base.ref = base.ref or self.ref_for(base)
            entry.ref = base.ref
            self.by_name.setdefault(canonicalize_name(entry.name), []).append(entry)
        legacy = metadata.get("files")
        digests = digest_lines(self.text)
        for entry in entries:
            if bases[entry.key] is entry:
                yield from self.components(entry, legacy, digests)
        for entry in entries:
            yield from self.edges(entry)
        yield from self.problems

    def check_version(self, value: Any) -> Iterator[Problem]:
        """A problem when the lock format is newer than the one this source knows."""
        major = str(value).split(".", 1)[0] if isinstance(value, str) else ""
        if major.isdigit() and int(major) > KNOWN_MAJOR:
            yield self.problem(
                None, f"lock_version {value} is newer than aibom reads (4.x); read as 4.x"
            )

    def entry(self, table: Any, line: int | None) -> Entry | None:
        """Read one `[[package]]`; None (and a problem) when it has no usable name."""
        if not isinstance(table, dict) or not _named(table):
            self.problems.append(self.problem(line, "package entry without a name; skipped"))
            return None
        name: str = table["name"]
        extras = {e for e in as_list(table.get("extras")) if isinstance(e, str)}
        if match := EXTRAS_NAME.match(name):
            name = match.group(1)
            extras |= {e.strip() for e in match.group(2).split(",") if e.strip()}
        version = as_str(table.get("version"))
        if version is None and not isinstance(table.get("path"), str):
            self.problems.append(
                self.problem(line, f"package {name!r} has no version; recorded without one")
            )
        return Entry(
            table=table, name=name, version=version, extras=tuple(sorted(extras)),
            location=Location(file=self.rel, line=line),
        )  # fmt: skip

    def ref_for(self, entry: Entry) -> str:
        """project_ref for a local project directory inside the root, else the PyPI ref."""
        path = entry.table.get("path")
        directory = local_dir(self.rel, path) if isinstance(path, str) else None
        if directory is not None and (
            directory in self.ctx.project_dirs or directory == self.rel.parent
        ):
            return project_ref(directory)
        return pypi_ref(entry.name, entry.version)

    def components(self, entry: Entry, legacy: Any, digests: dict[str, int]) -> Iterator[Record]:
        """The package's component (with every extras entry's groups) and its digests."""
        key = canonicalize_name(entry.name)
        siblings = [e for e in self.by_name[key] if e.ref == entry.ref]
        groups = sorted(
            {
                g
                for e in siblings
                for g in as_list(e.table.get("groups"))
                if isinstance(g, str) and g
            }
        )
        properties = [("aibom:groups", ",".join(groups))] if groups else []
        if isinstance(marker := entry.table.get("marker"), str):
            properties.append(("aibom:lock-marker", marker))
        files = _files(entry, legacy)
        choice = chosen(files)
        refs, source = _source(entry.table)
        if source:
            properties.append(("aibom:source", source))
        if choice is not None and choice.url and not refs:
            refs.append(ExternalRef(type="distribution", url=choice.url))
        is_project = entry.ref.startswith("project:")
        yield Component(
            bom_ref=entry.ref,
            type=ComponentType.APPLICATION if is_project else ComponentType.LIBRARY,
            name=entry.name,
            version=entry.version,
            purl=None if is_project else pypi_purl(entry.name, entry.version),
            hashes=choice.hashes if choice else (),
            locations=tuple(e.location for e in siblings),
            origin=self.origin,
            external_refs=tuple(refs),
            properties=tuple(properties),
            description=as_str(entry.table.get("summary")),
        )
        hashes = (digest for file in files for digest in file.hashes)
        yield from digest_records(entry.ref, hashes, entry.location, digests)

    def edges(self, entry: Entry) -> Iterator[Edge]:
        """Edges for an entry's dependency strings; an extras entry's are marked by extra."""
        for text in as_list(entry.table.get("dependencies")):
            req = dependency(entry.name, text)
            if isinstance(req, str):
                self.problems.append(self.problem(entry.location.line, req))
                continue
            if canonicalize_name(req.name) == canonicalize_name(entry.name):
                continue  # an extras entry names its own package
            marker = str(req.marker) if req.marker else None
            markers: list[str | None] = [with_extra(marker, x) for x in entry.extras] or [marker]
            for target in self.targets(req, entry):
                for edge_marker in markers:
                    yield Edge(
                        parent=entry.ref, child=target.ref, marker=edge_marker,
                        extras=tuple(sorted(req.extras)),
                    )  # fmt: skip

    def targets(self, req: Requirement, entry: Entry) -> list[Entry]:
        """Locked packages a requirement can resolve to (versions its specifier admits)."""
        candidates = {e.ref: e for e in self.by_name.get(canonicalize_name(req.name), []) if e.ref}
        if not candidates:
            if req.marker is None:
                self.problems.append(
                    self.problem(
                        entry.location.line,
                        f"{entry.name} depends on {req.name!r}, which the lock does not list"
                        " (truncated or hand-edited lock?)",
                    )
                )
            return []
        return admitted(candidates.values(), req.specifier)


def _files(entry: Entry, legacy: Any) -> list[Artifact]:
    """`files` of the entry, or (lock 3.x / 4.0-4.1) `[metadata.files]["<name> <version>"]`."""
    raw = entry.table.get("files")
    if raw is None and isinstance(legacy, dict):
        raw = legacy.get(f"{entry.name} {entry.version}") or legacy.get(
            f"{canonicalize_name(entry.name)} {entry.version}"
        )
    found: list[Artifact] = []
    for item in as_list(raw):
        if not isinstance(item, dict):
            continue
        url = as_str(item.get("url"))
        name = as_str(item.get("file")) or (url or "").rsplit("/", 1)[-1].split("#", 1)[0]
        digest = hash_of(item.get("hash"))
        found.append(
            Artifact(
                name=name,
                url=url,
                hashes=(digest,) if digest else (),
                is_sdist=name.endswith(SDIST_SUFFIXES),
            )
        )
    return found


def _source(table: dict[str, Any]) -> tuple[list[ExternalRef], str | None]:
    """External references and an `aibom:source` value for git / url / path entries."""
    git = as_str(table.get("git"))
    if git:
        revision, subdir = as_str(table.get("revision")), as_str(table.get("subdirectory"))
        vcs = vcs_url("git", git, revision, subdir)
        ref = as_str(table.get("ref"))
        comment = f"requested ref {ref}" if ref else None
        return [ExternalRef(type="vcs", url=vcs, comment=comment)], f"git:{git}"
    if url := as_str(table.get("url")):
        return [ExternalRef(type="distribution", url=url)], f"url:{url}"
    if path := as_str(table.get("path")):
        kind = "editable" if table.get("editable") is True else "path"
        return [], f"{kind}:{path}"
    return [], None


def _named(table: dict[str, Any]) -> bool:
    """True when the entry has a (non-empty) name."""
    name = table.get("name")
    return isinstance(name, str) and bool(name.strip())
