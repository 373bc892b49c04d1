"""The `Source` plug-in interface and the helpers every source shares: PEP 508 requirements
(`requirement_records`, `requirement_or_problem`), the project a manifest belongs to, and
`redact`, which masks credentials in any URL a source records.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement
from packaging.specifiers import SpecifierSet

from scanner import pep508
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    DeclaredRequirement,
    Edge,
    ExternalRef,
    Location,
    Problem,
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
    "in_requirement",
    "naming_requirement",
    "project_parent",
    "redact",
    "requirement_or_problem",
    "requirement_records",
]

Requirement508 = Component | Edge | DeclaredRequirement
"""What `requirement_records` yields for one requirement."""

HTTP_SCHEMES = ("http", "https")
VCS_SCHEMES = frozenset({"git", "hg", "svn", "bzr"})


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
    properties: tuple[tuple[str, str], ...] = (),
) -> Iterator[Requirement508]:
    """Records for one PEP 508 requirement string declared by a manifest.

    A direct URL is recorded with its credentials masked (`redact`). Raises SourceError
    (with the line) when `text` is not a valid requirement; `rel` names the file in it
    (default: the location's file).
    """
    try:
        req = pep508.requirement(text)
    except InvalidRequirement as exc:
        file = rel or location.file
        raise SourceError(file, f"invalid requirement: {exc}", line=location.line) from exc
    version = exact_version(req.specifier)
    ref = pypi_ref(req.name, version)
    url = redact(req.url) if req.url else None
    external: tuple[ExternalRef, ...] = ()
    if url:
        kind = "vcs" if url.split("+", 1)[0] in VCS_SCHEMES else "distribution"
        external = (ExternalRef(type=kind, url=url),)
    yield Component(
        bom_ref=ref,
        type=ComponentType.LIBRARY,
        name=req.name,
        version=version,
        version_spec=str(req.specifier) or None,
        purl=ref,  # a PyPI package's ref is its purl
        locations=(location,),
        origin=origin,
        external_refs=external,
        properties=properties,
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
        url=url,
    )


def in_requirement(reason: str, text: str) -> str:
    """Problem wording `invalid requirement: <why> in '<text>'`."""
    return f"{reason} in {text!r}"


def naming_requirement(reason: str, text: str) -> str:
    """Problem wording `invalid requirement '<text>': <why>`."""
    return reason.replace(":", f" {text!r}:", 1)


def requirement_or_problem(
    text: str,
    *,
    parent: str,
    location: Location,
    origin: str,
    manifest_kind: str,
    group: str | None = None,
    properties: tuple[tuple[str, str], ...] = (),
    describe: Callable[[str, str], str] = in_requirement,
) -> list[Requirement508 | Problem]:
    """`requirement_records` for a manifest entry, or one Problem when it is not PEP 508.

    `describe(reason, text)` words the problem from the first line of the reason.
    """
    try:
        return list(
            requirement_records(
                text,
                parent=parent,
                location=location,
                origin=origin,
                manifest_kind=manifest_kind,
                group=group,
                properties=properties,
            )
        )
    except SourceError as exc:
        message = describe(exc.reason.splitlines()[0], text)
        return [Problem(location=location, message=message)]


def redact(url: str) -> str:
    """`url` with its secret masked as `****`: the password of `user:password@`, or a lone
    user name over HTTP(S), which is a token (`https://<token>@host`). `${VAR}` placeholders
    are kept, as is a user without a password on other schemes (`git+ssh://git@host`).
    Nothing else of the URL is changed.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    userinfo, at, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not at:
        return url
    if colon and not password.startswith("${"):
        masked = f"{user}:****@{host}"
    elif not colon and parts.scheme.split("+")[-1] in HTTP_SCHEMES and not user.startswith("${"):
        masked = f"****@{host}"
    else:
        return url
    where = url.find(f"//{parts.netloc}")
    if where < 0:  # urlsplit dropped tabs or newlines from `url`
        return urlunsplit(parts._replace(netloc=masked))
    return url[: where + 2] + masked + url[where + 2 + len(parts.netloc) :]


def parse_python(rel: PurePosixPath, text: str | bytes) -> ast.Module:
    """`ast.parse` of scanned code (never run), its own warnings silenced, failures as
    SourceError with the line."""
    try:
        with warnings.catch_warnings():  # `"\d"` in the scanned code is its author's business
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return ast.parse(text, filename=str(rel))
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise SourceError(rel, f"invalid Python: {exc.msg}{where}", line=exc.lineno) from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise SourceError(rel, f"cannot be parsed as Python: {exc}") from exc
