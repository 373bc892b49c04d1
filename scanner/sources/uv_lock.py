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

import posixpath
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.hashing import parse_hash
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Edge,
    ExternalRef,
    Hash,
    IndexUrl,
    Location,
    Problem,
    Record,
)
from scanner.walk import EntryKind, WalkEntry

KNOWN_VERSION = 1
LOCAL_KINDS = frozenset({"editable", "virtual", "directory", "path"})
PROJECT_KINDS = frozenset({"editable", "virtual", "directory"})
HEADER = re.compile(r"^\s*\[\[\s*package\s*\]\]\s*(#.*)?$")
NAME_KEY = re.compile(r"^\s*name\s*=")
DIGEST = re.compile(r"\b[0-9a-f]{32,128}\b")


@dataclass(frozen=True, slots=True)
class UvLockSource:
    """uv's cross-platform lockfile (`uv.lock`, format version 1)."""

    name: str = "uv.lock"

    def claims(self, entry: WalkEntry) -> bool:
        """Files named `uv.lock`."""
        return entry.kind is EntryKind.FILE and entry.name == "uv.lock"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components for every locked package, edges for every dependency reference."""
        text = ctx.read_text(entry.rel)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(entry.rel, f"invalid TOML: {exc}") from exc
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
        lines = _entry_lines(self.text, len(tables))
        packages = [
            pkg
            for index, table in enumerate(tables)
            if (pkg := self.package(table, lines[index], members)) is not None
        ]
        for pkg in packages:
            self.by_name.setdefault(canonicalize_name(pkg.name), []).append(pkg)
        yield from self.problems
        self.problems.clear()
        digests = _digest_lines(self.text)
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
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            self.problems.append(self.problem(line, "package entry without a name; skipped"))
            return None
        name: str = table["name"]
        version = _str(table.get("version"))
        kind, source = _source(table.get("source"))
        directory = self.local_dir(kind, source)
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

    def local_dir(self, kind: str, source: Any) -> PurePosixPath | None:
        """Directory (relative to the scan root) of a local source inside the root."""
        if kind not in PROJECT_KINDS or not isinstance(source, str):
            return None
        joined = posixpath.normpath(posixpath.join(str(self.lock_dir), source))
        if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
            return None
        return PurePosixPath(joined)

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
        chosen = _chosen(artifacts)
        refs: list[ExternalRef] = []
        source_url = pkg.source if pkg.kind == "url" and isinstance(pkg.source, str) else None
        if url := source_url or (chosen.url if chosen else None):
            refs.append(ExternalRef(type="distribution", url=url))
        if pkg.kind == "git" and isinstance(pkg.source, str):
            refs.append(_vcs_ref(pkg.source))
        yield Component(
            bom_ref=pkg.ref, type=ComponentType.LIBRARY, name=pkg.name, version=pkg.version,
            purl=pypi_purl(pkg.name, pkg.version), hashes=chosen.hashes if chosen else (),
            locations=(pkg.location,), origin=self.origin, external_refs=tuple(refs),
            properties=(("aibom:source", f"{pkg.kind}:{pkg.source}"),) if pkg.kind else (),
        )  # fmt: skip
        for artifact in artifacts:
            for digest in artifact.hashes:
                line = digests.get(digest.value, pkg.location.line)
                yield DeclaredDigest(
                    component=pkg.ref, algorithm=digest.alg, digest=digest.value,
                    location=Location(file=self.rel, line=line),
                )  # fmt: skip
        index = pkg.source if pkg.kind == "registry" and isinstance(pkg.source, str) else None
        if index and index not in seen_indexes:
            seen_indexes.add(index)
            yield IndexUrl(url=index, kind="index", location=pkg.location)

    def edges(self, pkg: Package) -> Iterator[Edge]:
        """Edges for the package's dependencies, extras and (for projects) dev groups."""
        for dep in _deps(pkg.table.get("dependencies")):
            yield from self.resolve(pkg, dep, marker=_str(dep.get("marker")), group=None)
        for extra, deps in _groups(pkg.table.get("optional-dependencies")):
            for dep in deps:
                marker = _str(dep.get("marker"))
                if pkg.is_project:
                    yield from self.resolve(pkg, dep, marker=marker, group=f"extra:{extra}")
                else:
                    marker = _with_extra(marker, extra)
                    yield from self.resolve(pkg, dep, marker=marker, group=None)
        if pkg.is_project:
            for group, deps in _groups(pkg.table.get("dev-dependencies")):
                for dep in deps:
                    marker = _str(dep.get("marker"))
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
        extras = tuple(sorted(e for e in _list(dep.get("extra")) if isinstance(e, str)))
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
        candidates = self.by_name.get(canonicalize_name(name), [])
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
        candidates = self.by_name.get(canonicalize_name(name), [])
        if not candidates:
            self.problems.append(
                self.problem(None, f"[manifest] requires {name!r}, which the lock does not list")
            )
        try:
            spec = SpecifierSet(_str(req.get("specifier")) or "")
        except InvalidSpecifier:
            spec = SpecifierSet()
        matching = [c for c in candidates if c.version and spec.contains(c.version, True)]
        extras = tuple(sorted(e for e in _list(req.get("extras")) if isinstance(e, str)))
        for target in matching or candidates:
            yield Edge(
                parent=parent, child=target.ref, marker=_str(req.get("marker")), extras=extras,
                group=group,
            )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact:
    """An sdist or wheel named by the lock: its URL (if any), file name and digests."""

    url: str | None
    filename: str
    is_sdist: bool
    hashes: tuple[Hash, ...]


def _artifacts(table: dict[str, Any]) -> list[Artifact]:
    """The sdist (first) and wheels of a package, as recorded."""
    found: list[Artifact] = []
    raw = [(table.get("sdist"), True), *((w, False) for w in _list(table.get("wheels")))]
    for item, is_sdist in raw:
        if not isinstance(item, dict):
            continue
        url = _str(item.get("url"))
        where = url or _str(item.get("path")) or _str(item.get("filename")) or ""
        parsed = parse_hash(_str(item.get("hash")) or "")
        hashes = (Hash(alg=parsed[0], value=parsed[1]),) if parsed else ()
        filename = where.rsplit("/", 1)[-1].split("#", 1)[0]
        found.append(Artifact(url=url, filename=filename, is_sdist=is_sdist, hashes=hashes))
    return found


def _chosen(artifacts: list[Artifact]) -> Artifact | None:
    """The artifact whose digest is the component's: sdist, else the one universal wheel."""
    hashed = [a for a in artifacts if a.hashes]
    for artifact in hashed:
        if artifact.is_sdist:
            return artifact
    if len(hashed) == 1:
        return hashed[0]
    universal = [a for a in hashed if a.filename.endswith("-none-any.whl")]
    return universal[0] if len(universal) == 1 else None


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
    url = f"git+{repo}" + (f"@{commit}" if commit else "")
    if subdir:
        url += f"#subdirectory={subdir}"
    requested = ", ".join(f"{k} {v}" for k, v in sorted(params.items()))
    return ExternalRef(type="vcs", url=url, comment=f"requested {requested}" if requested else None)


def _with_extra(marker: str | None, extra: str) -> str:
    """`marker` restricted to the extra: `(m) and extra == "x"`."""
    clause = f'extra == "{extra}"'
    return f"({marker}) and {clause}" if marker else clause


def _manifest_members(data: dict[str, Any]) -> set[str]:
    manifest = data.get("manifest")
    members = manifest.get("members") if isinstance(manifest, dict) else None
    return {str(canonicalize_name(m)) for m in _list(members) if isinstance(m, str)}


def _deps(value: Any) -> list[dict[str, Any]]:
    return [d for d in _list(value) if isinstance(d, dict)]


def _groups(value: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if isinstance(value, dict):
        for name in sorted(value):
            yield str(name), _deps(value[name])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _entry_lines(text: str, count: int) -> list[int | None]:
    """1-based line of each `[[package]]` entry's name (None when the file uses no headers)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if HEADER.match(line)]
    if len(starts) != count:
        return [None] * count
    spans = zip(starts, [*starts[1:], len(lines)], strict=True)
    return [next((i for i in range(a, b) if NAME_KEY.match(lines[i])), a) + 1 for a, b in spans]


def _digest_lines(text: str) -> dict[str, int]:
    """Hex digest -> the first line it appears on."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for digest in DIGEST.findall(line):
            found.setdefault(digest, number)
    return found
