"""The installed environment: every distribution in a virtualenv's site-packages, read statically.

A directory holding `pyvenv.cfg` (or `$VIRTUAL_ENV`, or the prefix of `--python PATH`) is read
from its `*.dist-info/METADATA` (and legacy `*.egg-info`) files only. Its interpreter is never
run: that would execute the environment's `.pth` files. Each distribution becomes a component
with its exact version, license evidence and `Requires-Dist` edges (markers kept, so that the
graph can drop extras nothing requested); wheels' PEP 770 SBOMs become nested components. A
distribution that is one of the scanned projects themselves (an editable install of the project
into its own venv) becomes that project's edges instead of a library. Reachability is left to
the graph, which judges it from the project's declared dependencies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import ClassVar

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from licenses import from_metadata, is_license_classifier
from licenses.texts import MAX_TEXT_CHARS
from scanner import pep508
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    Hash,
    LicenseEvidence,
    Location,
    Problem,
    Record,
)
from scanner.sources.base import EntryKind, WalkEntry
from scanner.sources.distinfo import (
    CoreMetadata,
    install_properties,
    license_files,
    parse_core_metadata,
    read_direct_url,
    read_license_texts,
    requires_txt,
)
from scanner.sources.embedded_sbom import embedded_components
from scanner.sources.envmarkers import split_extras, target_environment

SITE_PATTERNS = (
    "lib/python3*/site-packages",
    "lib/python3*/dist-packages",
    "lib/pypy3*/site-packages",
    "lib64/python3*/site-packages",
    "Lib/site-packages",
)
"""Where distributions live: POSIX venvs, Debian-style prefixes, PyPy, Windows venvs."""
REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    """One installed distribution as found on disk, before it becomes records."""

    meta: CoreMetadata
    meta_rel: PurePosixPath
    directory: Path | None
    rel_dir: PurePosixPath
    requires: tuple[tuple[str, int | None, PurePosixPath], ...]
    wheel_tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """PEP 503 name: how requirements and projects refer to it."""
        return canonicalize_name(self.meta.name)

    def rel(self, path: Path) -> PurePosixPath:
        """Location of a file inside the dist-info, without resolving anything on disk."""
        if self.directory is None:
            return self.rel_dir
        return self.rel_dir / path.relative_to(self.directory).as_posix()


@dataclass(frozen=True, slots=True)
class EnvironmentSource:
    """Reads an installed environment's distributions without running its interpreter."""

    name: str = "environment"
    claim_keys: ClassVar[frozenset[str]] = frozenset()
    """No file: only directory entries are claimed (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Environment directories only: files are other sources' business."""
        return entry.kind is EntryKind.ENVIRONMENT

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components, edges, the target environment and problems of one environment."""
        sites = site_packages(entry.path)
        if not sites:
            raise SourceError(
                entry.rel,
                "no site-packages directory (lib/python3.X/site-packages or Lib/site-packages);"
                " not read as a Python environment",
            )
        dists: list[Distribution] = []
        for site in sites:
            for found in _distributions(site, ctx):
                if isinstance(found, Problem):
                    yield found
                else:
                    dists.append(found)
        yield from target_environment(
            entry, ctx, sites, tuple(t for d in dists for t in d.wheel_tags)
        )
        projects = local_projects(ctx)
        installed: dict[str, str] = {}
        for dist in dists:
            ref = project_ref(projects[dist.key]) if dist.key in projects else _ref(dist)
            installed.setdefault(dist.key, ref)
        for dist in dists:
            if dist.key in projects:
                yield from _project_edges(dist, project_ref(projects[dist.key]), installed)
            else:
                yield from _dist_records(dist, installed, ctx, self.name)


def site_packages(env: Path) -> list[Path]:
    """The environment's site-packages directories, each once (lib64 is often a symlink)."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for pattern in SITE_PATTERNS:
        for path in sorted(env.glob(pattern)):
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_dir() and (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                found.append(path)
    return found


def local_projects(ctx: ScanContext) -> dict[str, PurePosixPath]:
    """PEP 503 name -> directory of every project in the scanned tree with a pyproject name."""
    manifests = sorted(
        (f for f in ctx.files if f.name == "pyproject.toml"), key=lambda f: (len(f.parts), f)
    )
    projects: dict[str, PurePosixPath] = {}
    for rel in manifests:
        try:
            data = ctx.toml(rel)
        except SourceError:
            continue  # reported by the pyproject source
        tool = data.get("tool")
        project, poetry = (
            data.get("project"),
            tool.get("poetry") if isinstance(tool, dict) else None,
        )
        name = project.get("name") if isinstance(project, dict) else None
        if not isinstance(name, str) and isinstance(poetry, dict):
            name = poetry.get("name")
        if isinstance(name, str) and name.strip():
            projects.setdefault(canonicalize_name(name), rel.parent)
    return projects


def _ref(dist: Distribution) -> str:
    return pypi_ref(dist.meta.name, dist.meta.version)


def _distributions(site: Path, ctx: ScanContext) -> Iterator[Distribution | Problem]:
    site_rel = ctx.relative(site)
    try:
        with os.scandir(site) as it:
            names = sorted(e.name for e in it)
    except OSError as exc:
        yield Problem(location=Location(file=site_rel), message=f"not read: {exc.strerror}")
        return
    for name in names:
        path = site / name
        if name.endswith(".dist-info") and path.is_dir():
            metadata = "METADATA"
        elif name.endswith(".egg-info"):
            metadata = "PKG-INFO" if path.is_dir() else ""
        else:
            continue
        try:
            yield _read(path, site_rel / name, metadata, ctx)
        except SourceError as exc:
            message = exc.reason if "not read" in exc.reason else f"{exc.reason}; not read"
            yield Problem(location=Location(file=exc.path, line=exc.line), message=message)


def _read(path: Path, rel_dir: PurePosixPath, name: str, ctx: ScanContext) -> Distribution:
    """`name` is the metadata file inside the directory `path`; "" when `path` is the file."""
    directory = path if name else None
    metadata, rel = (path / name, rel_dir / name) if name else (path, rel_dir)
    if not metadata.exists():
        raise SourceError(rel, "missing: this distribution has no core metadata file; not read")
    if not metadata.is_file():
        raise SourceError(rel, "not a regular file; distribution not read")
    data = ctx.read_bytes(rel, path=metadata, limit=ctx.limits.max_metadata_bytes)
    meta = parse_core_metadata(rel, data)
    requires = tuple((text, line, rel) for text, line in meta.requires_dist)
    tags: tuple[str, ...] = ()
    if directory is not None:
        if not requires and (directory / "requires.txt").is_file():
            req_rel = rel_dir / "requires.txt"
            text = ctx.read_text(req_rel, path=directory / "requires.txt")
            requires = tuple((req, line, req_rel) for req, line in requires_txt(text))
        tags = _wheel_tags(directory, rel_dir, ctx)
    return Distribution(
        meta=meta,
        meta_rel=rel,
        directory=directory,
        rel_dir=rel_dir,
        requires=requires,
        wheel_tags=tags,
    )


def _wheel_tags(directory: Path, rel_dir: PurePosixPath, ctx: ScanContext) -> tuple[str, ...]:
    wheel = directory / "WHEEL"
    if not wheel.is_file():
        return ()
    try:
        text = ctx.read_text(rel_dir / "WHEEL", path=wheel)
    except SourceError:
        return ()  # WHEEL only confirms the platform; METADATA is what matters
    return tuple(
        line.partition(":")[2].strip()
        for line in text.splitlines()
        if line.lower().startswith("tag:")
    )


def _requirements(dist: Distribution, installed: dict[str, str]) -> Iterator[Requirement | Problem]:
    """Requirements on installed distributions (others need no edge, so are not parsed)."""
    for text, line, rel in dist.requires:
        quick = REQUIREMENT_NAME.match(text)
        if quick and canonicalize_name(quick.group(1)) not in installed:
            continue
        try:
            yield pep508.requirement(text)
        except InvalidRequirement as exc:
            yield Problem(
                location=Location(file=rel, line=line),
                message=f"{dist.meta.name}: invalid requirement {text!r}: {_first_line(exc)}",
            )


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _dist_records(
    dist: Distribution, installed: dict[str, str], ctx: ScanContext, origin: str
) -> Iterator[Record]:
    ref = _ref(dist)
    problems: list[Problem] = []
    yield _component(dist, ref, ctx, origin, problems)
    yield from problems
    for req in _requirements(dist, installed):
        if isinstance(req, Problem):
            yield req
            continue
        child = installed.get(canonicalize_name(req.name))
        if child is None or child == ref:
            continue  # not installed (an extra nobody asked for, another platform)
        yield Edge(
            parent=ref,
            child=child,
            marker=str(req.marker) if req.marker else None,
            extras=tuple(sorted(req.extras)),
        )


def _project_edges(dist: Distribution, parent: str, installed: dict[str, str]) -> Iterator[Record]:
    """The scanned project installed into its own environment: its requirements, as its edges."""
    for req in _requirements(dist, installed):
        if isinstance(req, Problem):
            yield req
            continue
        child = installed.get(canonicalize_name(req.name))
        if child is None or child == parent:
            continue
        for group, marker in split_extras(req.marker, dist.meta.provides_extra):
            yield Edge(
                parent=parent,
                child=child,
                marker=marker,
                extras=tuple(sorted(req.extras)),
                group=group,
            )


def _component(
    dist: Distribution, ref: str, ctx: ScanContext, origin: str, problems: list[Problem]
) -> Component:
    meta = dist.meta
    location = Location(file=dist.meta_rel)
    external = list(meta.urls)
    hashes: tuple[Hash, ...] = ()
    properties: list[tuple[str, str]] = []
    nested: tuple[Component, ...] = ()
    if dist.directory is not None:
        direct = read_direct_url(dist.directory, dist.rel_dir, ctx)
        if isinstance(direct, Problem):
            problems.append(direct)
        elif direct is not None:
            external.extend(direct.external_refs)
            hashes = direct.hashes
            properties.extend(direct.properties)
        properties.extend(install_properties(dist.directory, dist.rel_dir, ctx))
        if (dist.directory / "sboms").is_dir():
            nested, found = embedded_components(
                dist.directory / "sboms",
                dist.rel_dir / "sboms",
                parent_ref=ref,
                ctx=ctx,
                origin=origin,
            )
            problems.extend(found)
    return Component(
        bom_ref=ref,
        type=ComponentType.LIBRARY,
        name=meta.name,
        version=meta.version,
        purl=pypi_purl(meta.name, meta.version),
        license=_license(dist, ctx),
        license_raw=_license_evidence(dist, location),
        hashes=hashes,
        locations=(location,),
        origin=origin,
        external_refs=tuple(sorted(set(external), key=repr)),
        properties=tuple(sorted(set(properties))),
        description=meta.summary,
        nested=nested,
    )


def _license(dist: Distribution, ctx: ScanContext) -> str | None:
    """`licenses.from_metadata`; the license files are read only when the metadata is not enough.

    Their texts identify the license of the many setuptools-era packages whose metadata says
    only "BSD License" (or pastes the LICENSE file into `License:`).
    """
    meta = dist.meta
    declared = partial(
        from_metadata,
        expression=meta.license_expression,
        license_field=meta.license,
        classifiers=meta.classifiers,
    )
    found = declared()
    if found is not None or dist.directory is None:
        return found
    files = license_files(dist.directory, meta.license_files)
    texts = read_license_texts(files, dist.directory, dist.rel_dir, ctx, limit=MAX_TEXT_CHARS)
    return declared(license_texts=texts) if texts else None


def _license_evidence(dist: Distribution, location: Location) -> tuple[LicenseEvidence, ...]:
    meta = dist.meta
    found: list[LicenseEvidence] = []
    if meta.license_expression:
        found.append(
            LicenseEvidence(kind="expression", value=meta.license_expression, location=location)
        )
    if meta.license:
        found.append(LicenseEvidence(kind="license", value=meta.license, location=location))
    found.extend(
        LicenseEvidence(kind="classifier", value=c, location=location)
        for c in meta.classifiers
        if is_license_classifier(c)
    )
    files = license_files(dist.directory, meta.license_files) if dist.directory else []
    listed = {name for name, _ in files}
    found.extend(
        LicenseEvidence(kind="license-file", value=name, location=location)
        for name in meta.license_files
        if name not in listed
    )
    found.extend(
        LicenseEvidence(kind="license-file", value=name, location=Location(file=dist.rel(path)))
        for name, path in files
    )
    return tuple(found)
