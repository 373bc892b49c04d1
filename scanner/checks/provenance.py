"""Helpers the provenance checks share; not a plug-in (it has no `run`).

Observations name components by the ref their plug-in computed; the graph may have merged
that ref into another (a version range into the exact version a lock found, a hub branch
into the commit a local cache resolved it to). `graph_ref` finds the component a finding
is about. `LockIndex` says which lockfiles the scan read and which packages each pins, and
`url_facts` reads what a dependency URL says about its transport and immutability.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from packaging.utils import canonicalize_name

from scanner.checks.perscan import per_scan
from scanner.graph import ComponentGraph
from scanner.hashing import parse_hash
from scanner.identity import hub_ref, purl_pypi_name
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Location,
    Observation,
    RevisionResolved,
    ScanResult,
)

LOCK_NAMES = frozenset(
    {"uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml", "pylock.*.toml"}
)
"""Lockfiles: any of them pins what it lists (a Pipfile.lock pins the dependencies of a
local project the Pipfile installs, too)."""
LOCKED_MANIFESTS = frozenset({"pyproject", "Pipfile"})
"""Manifest kinds whose direct dependencies a lockfile pins."""
PYLOCK = re.compile(r"pylock\.[^/]+\.toml")
VCS_SCHEMES = frozenset({"git", "hg", "svn", "bzr"})
FULL_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@functools.lru_cache(maxsize=1 << 16)  # asked for every location of every component
def lock_name(file: PurePosixPath) -> str | None:
    """The lockfile kind of `file` (`pylock.*.toml` for named PEP 751 locks), else None."""
    if file.name in LOCK_NAMES:
        return file.name
    return "pylock.*.toml" if PYLOCK.fullmatch(file.name) else None


@functools.lru_cache(maxsize=1 << 16)
def pypi_key(ref: str) -> str | None:
    """The normalised PyPI name of a `pkg:pypi/...` ref, else None."""
    try:
        return purl_pypi_name(ref)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class LockIndex:
    """Lockfiles the scan read: directory -> normalised names its lockfiles pin."""

    pinned: dict[PurePosixPath, frozenset[str]]

    @classmethod
    def of(cls, result: ScanResult) -> LockIndex:
        """Index the locks by where their packages (and digests) were seen."""
        found: dict[PurePosixPath, set[str]] = {}
        for comp in result.components:
            places = [d for loc in comp.locations if (d := lock_dir(loc.file)) is not None]
            if places:  # the name is read only for what a lock lists (most are not)
                add_pins(found, places, locked_name(comp))
        for obs in result.observations:
            if isinstance(obs, DeclaredDigest) and (place := lock_dir(obs.location.file)):
                add_pins(found, [place], pypi_key(obs.component))
        return cls({key: frozenset(names) for key, names in found.items()})

    def pinning(self, manifest: PurePosixPath, kind: str, name: str | None) -> bool:
        """True when a lockfile pins `name` for a manifest of `kind` at `manifest`: one in
        the manifest's directory or an enclosing one (a uv workspace locks its members at
        the root) that lists the package."""
        if not name or kind not in LOCKED_MANIFESTS:
            return False
        return any(name in self.pinned.get(directory, ()) for directory in enclosing(manifest))


def add_pins(
    found: dict[PurePosixPath, set[str]], places: Iterable[PurePosixPath], name: str | None
) -> None:
    """Record that the lockfiles in the directories `places` list `name` (each directory even
    without a name: a lock was read there)."""
    for place in places:
        names = found.setdefault(place, set())
        if name:
            names.add(name)


@functools.lru_cache(maxsize=1 << 16)  # one path object per directory: its hash is kept
def lock_dir(file: PurePosixPath) -> PurePosixPath | None:
    """The directory of `file` when it is a lockfile, else None."""
    return file.parent if lock_name(file) is not None else None


@functools.lru_cache(maxsize=1 << 12)  # asked once per requirement; few manifests
def enclosing(manifest: PurePosixPath) -> tuple[PurePosixPath, ...]:
    """The manifest's directory and every directory above it."""
    return (manifest.parent, *manifest.parent.parents)


@per_scan
def lock_index(result: ScanResult, graph: ComponentGraph) -> LockIndex:
    """`LockIndex.of(result)`, built once per scan for every check that asks."""
    return LockIndex.of(result)


def locked_name(comp: Component) -> str | None:
    """The name a lock entry pins: a package with its exact version, or a local project."""
    if comp.type is ComponentType.APPLICATION:
        return canonicalize_name(comp.name)
    return pypi_key(comp.bom_ref) if comp.version else None


def graph_ref(
    ref: str | None, graph: ComponentGraph, observations: Iterable[Observation]
) -> str | None:
    """The component of the graph an observation's `ref` ended up as (None if unknown).

    A hub `org/name@branch` resolved by a local cache became the commit's component; a
    version-less PyPI ref became the one exact version of that name in the graph.
    """
    if ref is None or ref in graph.components:
        return ref
    for obs in revisions_of(observations):
        pinned = hub_ref(obs.repo_id, obs.commit, repo_type=obs.repo_type)
        names = {hub_ref(obs.repo_id, obs.revision, repo_type=obs.repo_type)}
        if obs.revision == "main":
            names.add(hub_ref(obs.repo_id, None, repo_type=obs.repo_type))
        if ref in names and pinned in graph.components:
            return pinned
    name = pypi_key(ref)
    if name is not None:
        same = versioned_by_name(graph).get(name, [])
        if len(same) == 1:
            return same[0]
    return None


_REVISIONS: list[tuple[object, list[RevisionResolved]]] = []


def revisions_of(observations: Iterable[Observation]) -> list[RevisionResolved]:
    """The RevisionResolved observations, picked out once per observation collection (every
    finding of a check asks again; scanning all observations each time was quadratic)."""
    if isinstance(observations, tuple):
        for known, found in _REVISIONS:
            if known is observations:
                return found
    found = [o for o in observations if isinstance(o, RevisionResolved)]
    if isinstance(observations, tuple):
        _REVISIONS[:] = [(observations, found)]  # holding it keeps its identity unique
    return found


_VERSIONED: weakref.WeakKeyDictionary[ComponentGraph, dict[str, list[str]]]
_VERSIONED = weakref.WeakKeyDictionary()


def versioned_by_name(graph: ComponentGraph) -> dict[str, list[str]]:
    """PyPI name -> refs of the graph's components with that name and a version (built once
    per graph: looking names up one by one was quadratic on a 5,000-package lock)."""
    index = _VERSIONED.get(graph)
    if index is None:
        index = {}
        for ref, comp in graph.components.items():
            key = pypi_key(ref)
            if key is not None and comp.version:
                index.setdefault(key, []).append(ref)
        _VERSIONED[graph] = index
    return index


def path_of(ref: str | None, graph: ComponentGraph) -> tuple[str, ...]:
    """The dependency path of a finding's component (empty when there is none)."""
    return graph.path_to(ref) if ref else ()


def pypi_components(graph: ComponentGraph, name: str) -> list[Component]:
    """Components of the graph that are the PyPI package `name`, sorted by ref."""
    refs = pypi_refs(graph).get(canonicalize_name(name), [])
    return [graph.components[ref] for ref in sorted(refs)]


_PYPI_REFS: weakref.WeakKeyDictionary[ComponentGraph, dict[str, list[str]]]
_PYPI_REFS = weakref.WeakKeyDictionary()


def pypi_refs(graph: ComponentGraph) -> dict[str, list[str]]:
    """PyPI name -> refs of the graph's components that are that package, built once per
    graph (instead of reading every ref's purl for each name asked about)."""
    index = _PYPI_REFS.get(graph)
    if index is None:
        index = {}
        for ref in graph.components:
            key = pypi_key(ref)
            if key is not None:
                index.setdefault(key, []).append(ref)
        _PYPI_REFS[graph] = index
    return index


@dataclass(frozen=True, slots=True, kw_only=True)
class UrlFacts:
    """What a dependency URL says: its transport, whether it is VCS, and what pins it."""

    scheme: str
    host: str
    vcs: str | None
    revision: str | None
    has_digest: bool

    @property
    def plain_http(self) -> bool:
        """Fetched over unencrypted HTTP from a host other than this machine."""
        return self.scheme == "http" and self.host not in LOOPBACK

    @property
    def immutable(self) -> bool:
        """A VCS ref to a full commit, or an archive URL with a digest."""
        if self.vcs:
            revision = (self.revision or "").lower()
            svn_number = self.vcs == "svn" and revision.isdigit()
            return FULL_COMMIT.fullmatch(revision) is not None or svn_number
        return self.has_digest


URL_DROPPED = str.maketrans("", "", "\t\r\n")
"""Characters urlsplit removes from a URL before reading it."""


def may_be_plain_http(url: str) -> bool:
    """False when `url` cannot be plain http (its scheme is `http` or `<vcs>+http`, so
    `http:` is in it as urlsplit reads it): spares parsing a large lock's https URLs."""
    return "http:" in url.translate(URL_DROPPED).lower()


def url_facts(url: str) -> UrlFacts | None:
    """Facts about a direct-reference URL; None for a local path or an unreadable URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    kind, _, transport = scheme.partition("+")
    vcs = kind in VCS_SCHEMES
    transport = transport if vcs and transport else kind
    if not scheme or transport == "file" or len(scheme) == 1:  # `C:\...` is a path
        return None
    revision = None
    if vcs:
        path, at, ref = parts.path.rpartition("@")
        revision = ref if at and path else None
    fragment = parse_qs(parts.fragment)
    has_digest = any(parse_hash(f"{key}:{values[0]}") for key, values in fragment.items())
    return UrlFacts(
        scheme=transport,
        host=(parts.hostname or "").lower(),
        vcs=kind if vcs else None,
        revision=revision,
        has_digest=has_digest,
    )


def digest_places(observations: Iterable[Observation]) -> frozenset[Location]:
    """Locations where a manifest declares a digest (`--hash`) for an artifact."""
    return frozenset(o.location for o in observations if isinstance(o, DeclaredDigest))
