"""The `Source` plug-in interface and the PEP 508 helper that all manifest sources share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Protocol

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    DeclaredRequirement,
    Edge,
    ExternalRef,
    Location,
    Record,
)
from scanner.walk import EntryKind, WalkEntry

__all__ = [
    "EntryKind",
    "ScanContext",
    "Source",
    "SourceError",
    "WalkEntry",
    "exact_version",
    "project_parent",
    "requirement_records",
]


class Source(Protocol):
    """A Python dependency format: claims files by name, then reports what they declare."""

    @property
    def name(self) -> str:
        """The plug-in's name (its registry key)."""
        ...

    def claims(self, entry: WalkEntry) -> bool:
        """True when this source reads `entry` (decided from its name alone, no I/O)."""
        ...

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components, edges, observations and problems found in `entry`.

        Raise SourceError when the whole file cannot be read; yield a Problem for a bad
        line and go on.
        """
        ...


def project_parent(entry: WalkEntry, ctx: ScanContext) -> str:
    """bom-ref of the (sub-)project a manifest at `entry` belongs to."""
    return project_ref(ctx.project_dir_for(entry.rel))


def exact_version(specifier: SpecifierSet) -> str | None:
    """The version a specifier pins exactly (`==1.2.3` or `===1.2.3`), else None."""
    specs = list(specifier)
    if len(specs) != 1:
        return None
    spec = specs[0]
    if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*")):
        return spec.version
    return None


def requirement_records(
    text: str,
    *,
    parent: str,
    location: Location,
    origin: str,
    manifest_kind: str,
    group: str | None = None,
    rel: PurePosixPath | None = None,
) -> Iterator[Component | Edge | DeclaredRequirement]:
    """Records for one PEP 508 requirement string declared by a manifest.

    Raises SourceError (with the line) when `text` is not a valid requirement.
    """
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise SourceError(
            rel or location.file, f"invalid requirement: {exc}", line=location.line
        ) from exc
    version = exact_version(req.specifier)
    ref = pypi_ref(req.name, version)
    external: tuple[ExternalRef, ...] = ()
    if req.url:
        kind = "vcs" if req.url.split("+", 1)[0] in VCS_SCHEMES else "distribution"
        external = (ExternalRef(type=kind, url=req.url),)
    yield Component(
        bom_ref=ref,
        type=ComponentType.LIBRARY,
        name=req.name,
        version=version,
        version_spec=str(req.specifier) or None,
        purl=pypi_purl(req.name, version),
        locations=(location,),
        origin=origin,
        external_refs=external,
    )
    yield Edge(
        parent=parent,
        child=ref,
        marker=str(req.marker) if req.marker else None,
        extras=tuple(sorted(req.extras)),
        group=group,
    )
    yield DeclaredRequirement(
        component=ref,
        specifier=str(req.specifier),
        pinned=version is not None,
        manifest_kind=manifest_kind,
        location=location,
        url=req.url,
    )


VCS_SCHEMES = frozenset({"git", "hg", "svn", "bzr"})
