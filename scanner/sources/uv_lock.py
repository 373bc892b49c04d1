"""uv.lock: every locked package at its exact version, its artifacts, and the full graph.

uv writes one `[[package]]` per resolved distribution (several for one name when the
resolution forks by marker), each with its `source`, its `dependencies` (references that
name a version when the name is ambiguous), `optional-dependencies` per extra and, for
workspace members, `dev-dependencies` per group. Workspace members and the lock's own
project (editable / virtual sources) are projects: they map to `project_ref(dir)`.

Component hashes: CycloneDX `hashes` describe *the* artifact of a component, but a lock
names one sdist and many wheels. The sdist is the one platform-independent artifact, so its
digest is the component's hash; without an sdist, a single wheel (or the one pure-Python
`none-any` wheel) is chosen; otherwise no hash is set. Every artifact digest is still
reported as a `DeclaredDigest`, so no recorded digest is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, ClassVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref, pypi_name, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    IndexUrl,
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

KNOWN_VERSION = 1
LOCAL_KINDS = frozenset({"editable", "virtual", "directory", "path"})
PROJECT_KINDS = frozenset({"editable", "virtual", "directory"})


@dataclass(frozen=True, slots=True)
class UvLockSource:
    """uv's cross-platform lockfile (`uv.lock`, format version 1)."""

    name: str = "uv.lock"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"lock"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named `uv.lock`."""
        return entry.kind is EntryKind.FILE and entry.name == "uv.lock"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components for every locked package, edges for every dependency reference."""
        text, data = load_toml(entry.rel, ctx)
        yield from Lock(rel=entry.rel, ctx=ctx, text=text).read(data)


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    """One `[[package]]` entry, with the bom-ref it maps to."""

    table: dict[str, Any]
    name: str
    version: str | None
    ref: str
    kind: str
    source: Any
    location: Location
    is_project: bool


@dataclass(slots=True, kw_only=True)
class Lock:
    """One uv.lock being read: its packages by name, and where each sits in the file."""

    rel: PurePosixPath
    ctx: ScanContext
    text: str
    origin: str = "uv.lock"
    by_name: dict[str, list[Package]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def lock_dir(self) -> PurePosixPath:
        """The directory the lock (and its relative source paths) lives in."""
        return self.rel.parent

    def read(self, data: dict[str, Any]) -> Iterator[Record]:
        """All records of the parsed lock."""
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise SourceError(self.rel, "not a uv lockfile: no integer `version` at the top")
        if version > KNOWN_VERSION:
            yield self.problem(
                None, f"lock format version {version} is newer than aibom reads (1); read as 1"
            )
        tables = data.get("package", [])
        if not isinstance(tables, list):
            raise SourceError(self.rel, "`package` is not an array of tables")
        members = _manifest_members(data)
        lines = entry_lines(self.text, "package", len(tables))
        packages = [
            pkg
            for index, table in enumerate(tables)
            if (pkg := self.package(table, lines[index], members)) is not None
        ]
        for pkg in packages:
            self.by_name.setdefault(pypi_name(pkg.name), []).append(pkg)
        yield from self.problems
        self.problems.clear()
        digests = digest_lines(self.text)
        seen_indexes: set[str] = set()
        for pkg in packages:
            yield from self.components(pkg, digests, seen_indexes)
            yield from self.edges(pkg)
        yield from self.manifest_edges(data, packages)
        yield from self.problems

    def problem(self, line: int | None, message: str) -> Problem:
        """A problem at `line` of this lock."""
        return Problem(location=Location(file=self.rel, line=line), message=message)

    def package(self, table: Any, line: int | None, members: set[str]) -> Package | None:
        """Read one entry; None (and a problem) when it has no usable name."""
        location = Location(file=self.rel, line=line)
        if not isinstance(table, dict) or not _named(table):
            self.problems.append(self.problem(line, "package entry without a name; skipped"))
            return None
        name: str = table["name"]
        version = as_str(table.get("version"))
        kind, source = _source(table.get("source"))
        local = kind in PROJECT_KINDS and isinstance(source, str)
        directory = local_dir(self.rel, source) if local else None
        is_project = directory is not None and (
            canonicalize_name(name) in members
            or directory == self.lock_dir
            or directory in self.ctx.project_dirs
        )
        if version is None and kind not in LOCAL_KINDS:
            self.problems.append(
                self.problem(line, f"package {name!r} has no version; recorded without one")
            )
        ref = project_ref(directory) if is_project and directory else pypi_ref(name, version)
        return Package(
            table=table, name=name, version=version, ref=ref, kind=kind, source=source,
            location=location, is_project=is_project,
        )  # fmt: skip

    def components(
        self, pkg: Package, digests: dict[str, int], seen_indexes: set[str]
    ) -> Iterator[Record]:
        """The package's component, its declared digests and its index."""
        if pkg.is_project:
            yield Component(
                bom_ref=pkg.ref, type=ComponentType.APPLICATION, name=pkg.name,
                version=pkg.version, locations=(pkg.location,), origin=self.origin,
            )  # fmt: skip
            return
        artifacts = _artifacts(pkg.table)
        choice = chosen(artifacts)
        refs: list[ExternalRef] = []
        source_url = pkg.source if pkg.kind == "url" and isinstance(pkg.source, str) else None
        if url := source_url or (choice.url if choice else None):
            refs.append(ExternalRef(type="distribution", url=url))
        if pkg.kind == "git" and isinstance(pkg.source, str):
            refs.append(_vcs_ref(pkg.source))
        # a library's ref is its purl (`pypi_ref`), made once
        yield Component(
            bom_ref=pkg.ref, type=ComponentType.LIBRARY, name=pkg.name, version=pkg.version,
            purl=pkg.ref, hashes=choice.hashes if choice else (),
            locations=(pkg.location,), origin=self.origin, external_refs=tuple(refs),
            properties=(("aibom:source", f"{pkg.kind}:{pkg.source}"),) if pkg.kind else (),
        )  # fmt: skip
        hashes = (digest for artifact in artifacts for digest in artifact.hashes)
        yield from digest_records(pkg.ref, hashes, pkg.location, digests)
        index = pkg.source if pkg.kind == "registry" and isinstance(pkg.source, str) else None
        if index and index not in seen_indexes:
            seen_indexes.add(index)
            yield IndexUrl(url=index, kind="index", location=pkg.location)

    def edges(self, pkg: Package) -> Iterator[Edge]:
        """Edges for the package's dependencies, extras and (for projects) dev groups."""
        for dep in _deps(pkg.table.get("dependencies")):
            yield from self.resolve(pkg, dep, marker=as_str(dep.get("marker")), group=None)
        for extra, deps in _groups(pkg.table.get("optional-dependencies")):
            for dep in deps:
                marker = as_str(dep.get("marker"))
                if pkg.is_project:
                    yield from self.resolve(pkg, dep, marker=marker, group=f"extra:{extra}")
                else:
                    marker = with_extra(marker, extra)
                    yield from self.resolve(pkg, dep, marker=marker, group=None)
        if pkg.is_project:
            for group, deps in _groups(pkg.table.get("dev-dependencies")):
                for dep in deps:
                    marker = as_str(dep.get("marker"))
                    yield from self.resolve(pkg, dep, marker=marker, group=f"group:{group}")

    def resolve(
        self, pkg: Package, dep: dict[str, Any], *, marker: str | None, group: str | None
    ) -> Iterator[Edge]:
        """Edges from `pkg` to every package a dependency reference can mean."""
        targets = self.targets(dep)
        if not targets:
            name = dep.get("name")
            self.problems.append(
                self.problem(
                    pkg.location.line,
                    f"{pkg.name} depends on {name!r}, which the lock does not list"
                    " (truncated or hand-edited lock?)",
                )
            )
        extras = tuple(sorted(e for e in as_list(dep.get("extra")) if isinstance(e, str)))
        for target in targets:
            if target.ref != pkg.ref:
                yield Edge(
                    parent=pkg.ref, child=target.ref, marker=marker, extras=extras, group=group
                )

    def targets(self, dep: dict[str, Any]) -> list[Package]:
        """Packages a `{name, version?, source?}` reference names (several if ambiguous)."""
        name = dep.get("name")
        if not isinstance(name, str):
            return []
        candidates = self.by_name.get(pypi_name(name), [])
        version = dep.get("version")
        if isinstance(version, str):
            candidates = [c for c in candidates if c.version == version]
        source = dep.get("source")
        if isinstance(source, dict) and len(candidates) > 1:
            candidates = [c for c in candidates if c.table.get("source") == source] or candidates
        return candidates

    def manifest_edges(self, data: dict[str, Any], packages: list[Package]) -> Iterator[Edge]:
        """A virtual workspace root (no package of its own) declares requirements and groups
        in `[manifest]`; they are the lock directory's direct dependencies."""
        root = project_ref(self.lock_dir)
        manifest = data.get("manifest")
        if any(p.ref == root for p in packages) or not isinstance(manifest, dict):
            return
        for req in _deps(manifest.get("requirements")):
            yield from self.requirement(root, req, group=None)
        for group, reqs in _groups(manifest.get("dependency-groups")):
            for req in reqs:
                yield from self.requirement(root, req, group=f"group:{group}")

    def requirement(self, parent: str, req: dict[str, Any], *, group: str | None) -> Iterator[Edge]:
        """Edges for a `requires-dist`-style entry (name, specifier, marker, extras)."""
        name = req.get("name")
        if not isinstance(name, str):
            return
        candidates = self.by_name.get(pypi_name(name), [])
        if not candidates:
            self.problems.append(
                self.problem(None, f"[manifest] requires {name!r}, which the lock does not list")
            )
        try:
            spec = SpecifierSet(as_str(req.get("specifier")) or "")
        except InvalidSpecifier:
            spec = SpecifierSet()
        extras = tuple(sorted(e for e in as_list(req.get("extras")) if isinstance(e, str)))
        for target in admitted(candidates, spec):
            yield Edge(
                parent=parent, child=target.ref, marker=as_str(req.get("marker")), extras=extras,
                group=group,
            )  # fmt: skip


def _artifacts(table: dict[str, Any]) -> list[Artifact]:
    """The sdist (first) and wheels of a package, as recorded."""
    found: list[Artifact] = []
    raw = [(table.get("sdist"), True), *((w, False) for w in as_list(table.get("wheels")))]
    for item, is_sdist in raw:
        if not isinstance(item, dict):
            continue
        url = as_str(item.get("url"))
        where = url or as_str(item.get("path")) or as_str(item.get("filename")) or ""
        digest = hash_of(item.get("hash"))
        found.append(
            Artifact(
                name=where.rsplit("/", 1)[-1].split("#", 1)[0],
                url=url,
                hashes=(digest,) if digest else (),
                is_sdist=is_sdist,
            )
        )
    return found


def _source(value: Any) -> tuple[str, Any]:
    """(kind, value) of a `source = { kind = value }` table, or ("", None)."""
    if isinstance(value, dict) and value:
        kind = next(iter(value))
        return str(kind), value[kind]
    return "", None


def _vcs_ref(source: str) -> ExternalRef:
    """`git+<repo>@<commit>` from uv's `<repo>?tag=...#<commit>` git source."""
    base, _, commit = source.partition("#")
    repo, _, query = base.partition("?")
    params = dict(p.partition("=")[::2] for p in query.split("&") if p)
    subdir = params.pop("subdirectory", None)
    url = vcs_url("git", repo, commit, subdir)
    requested = ", ".join(f"{k} {v}" for k, v in sorted(params.items()))
    return ExternalRef(type="vcs", url=url, comment=f"requested {requested}" if requested else None)


def _manifest_members(data: dict[str, Any]) -> set[str]:
    manifest = data.get("manifest")
    members = manifest.get("members") if isinstance(manifest, dict) else None
    return {str(canonicalize_name(m)) for m in as_list(members) if isinstance(m, str)}


def _deps(value: Any) -> list[dict[str, Any]]:
    return [d for d in as_list(value) if isinstance(d, dict)]


def _groups(value: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if isinstance(value, dict):
        for name in sorted(value):
            yield str(name), _deps(value[name])


def _named(table: dict[str, Any]) -> bool:
    """True when the entry has a (non-empty) name."""
    name = table.get("name")
    return isinstance(name, str) and bool(name.strip())
