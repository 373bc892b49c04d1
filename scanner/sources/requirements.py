"""pip requirements files (`requirements*.txt`, pip-tools `.in`, constraints), read as pip would.

pip's format is parsed here without pip: line continuations, comments, `-r` / `-c` includes
(cycle-safe, inside the scanned root), `--hash`, index options, PEP 508 lines, and URL, VCS,
local-path and editable lines. pip-compile's `# via` annotations give the transitive edges.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, TypeVar

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from scanner import pep508
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    DeclaredRequirement,
    Edge,
    Hash,
    IndexUrl,
    Location,
    Problem,
    Record,
)
from scanner.sources.base import exact_version, project_parent, redact, requirement_records
from scanner.sources.reqfile import (
    NAMED_URL,
    URL_START,
    BadLine,
    Link,
    logical_lines,
    looks_like_path,
    parse_hashes,
    parse_link,
    parse_options,
    split_args,
    via_annotations,
)
from scanner.sources.reqnames import requirements_file
from scanner.sources.reqsplit import head_lines, split_options
from scanner.walk import WalkEntry

INDEX_OPTIONS = ("index-url", "extra-index-url", "find-links", "trusted-host")
DEV_WORDS = frozenset({"dev", "develop", "development", "test", "tests", "testing", "docs", "doc"})
DEV_WORDS |= {"lint", "linting", "typing"}
PROJECT_VIA = ("(pyproject.toml)", "(setup.py)", "(setup.cfg)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One requirement or constraint as written, with where it was written."""

    text: str
    location: Location
    kind: str
    constraint: bool
    hashes: tuple[Hash, ...] = ()
    vias: tuple[str, ...] = ()
    name: str | None = None
    version: str | None = None
    link: Link | None = None


@dataclass(frozen=True, slots=True)
class RequirementsSource:
    """pip requirements, pip-tools inputs and constraints files."""

    name: str = "requirements"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"txt", "in"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """requirements*.txt/.in, *-requirements.txt/.in, constraints*.txt, requirements/*."""
        return requirements_file(entry, constraints=True)

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Read the file and its includes, then report what they declare."""
        reader = Reader(ctx=ctx, cwd=working_dir(entry.rel))
        text = ctx.read_text(entry.rel)
        reader.read(entry.rel, text, constraint=is_constraints(entry.rel), stack=())
        yield from reader.records
        parent = project_parent(entry, ctx)
        group = file_group(entry.rel)
        for record in emit(reader.entries, parent, self.name):
            if group and isinstance(record, Edge) and record.parent == parent:
                record = dataclasses.replace(record, group=group)
            yield record


def working_dir(rel: PurePosixPath) -> PurePosixPath:
    """Where pip is presumably run for `rel`: local paths in requirements are relative to it.

    pip reads `./pkg` and `-e .` relative to its working directory (only `-r` / `-c` are
    relative to the including file). We take the top-level file's directory, or the parent
    of a `requirements/` directory, where `pip install -r requirements/dev.txt` is run.
    """
    parent = rel.parent
    return parent.parent if parent.name.lower() == "requirements" else parent


def file_group(rel: PurePosixPath) -> str | None:
    """`group:dev` for `requirements-dev.txt`, `requirements/test.in`, `docs-requirements.txt`...

    What such a file lists is for development, not run time; the graph keeps a package
    required when any runtime file (e.g. the plain `requirements.txt` it includes) needs it.
    """
    words = re.split(r"[-_.]", rel.stem.lower())
    if rel.parent.name.lower() == "requirements":
        words.append(rel.stem.lower())
    found = [w for w in words if w in DEV_WORDS]
    return f"group:{found[0]}" if found else None


def is_constraints(rel: PurePosixPath) -> bool:
    """Constraints files are named `constraints*.txt`."""
    return rel.name.lower().startswith("constraints")


def manifest_kind(rel: PurePosixPath, constraint: bool) -> str:
    """How a check should read an entry: constraints, a pip-tools input, or requirements."""
    if constraint:
        return "constraints"
    return "requirements-in" if rel.suffix.lower() == ".in" else "requirements"


@dataclass(slots=True, kw_only=True)
class Reader:
    """Walks one file and its includes, collecting entries, index URLs and problems."""

    ctx: ScanContext
    cwd: PurePosixPath
    entries: list[Entry] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    done: set[tuple[PurePosixPath, bool]] = field(default_factory=set)

    def read(
        self, rel: PurePosixPath, text: str, *, constraint: bool, stack: tuple[PurePosixPath, ...]
    ) -> None:
        """Parse `text` (the content of `rel`); includes recurse with `rel` on the stack."""
        self.done.add((rel, constraint))
        limit = self.ctx.limits.max_entries_per_file
        text, cut = head_lines(text, limit)  # before splitting: a huge file stays cheap
        if cut:
            why = f"more than {limit:,} lines (limit max-entries-per-file)"
            self.problem(rel, limit + 1, f"{why}; the rest was not read")
        logical = logical_lines(text)
        vias = via_annotations(text, [number for number, _ in logical])
        budget = self.ctx.budget("requirement lines")
        for number, line in logical:
            if stop := budget.spend():
                self.problem(rel, number, f"{stop}; this line and the rest were not read")
                return
            try:
                self.line(rel, number, line, constraint, (*stack, rel), vias.get(number, ()))
            except BadLine as exc:
                self.problem(rel, number, str(exc))

    def problem(self, rel: PurePosixPath, line: int, message: str) -> None:
        """Record a Problem at `rel:line`."""
        self.records.append(Problem(location=Location(file=rel, line=line), message=message))

    def line(
        self,
        rel: PurePosixPath,
        number: int,
        line: str,
        constraint: bool,
        stack: tuple[PurePosixPath, ...],
        vias: tuple[str, ...],
    ) -> None:
        """Handle one logical line: a requirement, or options (includes, indexes)."""
        args, options = split_args(line)
        try:
            tokens = split_options(options)
        except ValueError as exc:
            raise BadLine(f"cannot split the options: {exc}") from exc
        opts = parse_options(tokens)
        editable = [value for name, value in opts if name == "editable" and value is not None]
        location = Location(file=rel, line=number)
        if args or editable:
            if len(editable) + bool(args) > 1:
                raise BadLine("more than one requirement on one line")
            if editable and constraint:
                raise BadLine("editable requirements are not allowed as constraints")
            entry = self.entry(args or editable[0], location, constraint, bool(editable))
            hashes = tuple(parse_hashes(value for name, value in opts if name == "hash"))
            if hashes or vias:  # `replace` is slow: most lines have neither
                entry = dataclasses.replace(entry, hashes=hashes, vias=vias)
            self.entries.append(entry)
            return
        for name, value in opts:
            if name == "hash":
                raise BadLine("--hash applies to a requirement on the same line")
            if value is not None and name in ("requirement", "constraint"):
                self.include(rel, number, value, constraint=name == "constraint", stack=stack)
            elif value is not None and name in INDEX_OPTIONS:
                self.records.append(IndexUrl(url=redact(value), kind=name, location=location))

    def entry(self, text: str, location: Location, constraint: bool, editable: bool) -> Entry:
        """Classify one requirement: a URL / path / editable link, or a PEP 508 requirement."""
        kind = manifest_kind(location.file, constraint)
        entry = Entry(text=text, location=location, kind=kind, constraint=constraint)
        if editable or is_link(text):
            try:
                link = parse_link(redact(text), base=self.cwd, editable=editable, ctx=self.ctx)
            except BadLine:
                raise
            except ValueError as exc:  # urllib's own complaints, e.g. a bad IPv6 host
                raise BadLine(f"cannot read {text!r}: {exc}") from exc
            name = link.component.name if link.component.purl else None
            return dataclasses.replace(entry, link=link, name=name, version=link.component.version)
        try:
            req = pep508.requirement(text)
        except InvalidRequirement as exc:
            hint = " (environment variables like ${VAR} are not expanded)" if "${" in text else ""
            reason = str(exc).splitlines()[0] if str(exc) else "not PEP 508"
            raise BadLine(f"invalid requirement {text!r}: {reason}{hint}") from exc
        return dataclasses.replace(entry, name=req.name, version=exact_version(req.specifier))

    def include(
        self,
        rel: PurePosixPath,
        number: int,
        target: str,
        *,
        constraint: bool,
        stack: tuple[PurePosixPath, ...],
    ) -> None:
        """Follow `-r` / `-c`: relative to the including file, inside the root, once each."""
        flag = "-c" if constraint else "-r"
        if URL_START.match(target) and not target.startswith("file:"):
            self.problem(rel, number, f"{flag} {target}: remote file not fetched (static scan)")
            return
        path = target.removeprefix("file://").removeprefix("file:")
        if posixpath.isabs(path):
            joined = str(self.ctx.relative(Path(path)))
        else:
            joined = posixpath.normpath(posixpath.join(str(rel.parent), path))
        included = PurePosixPath(joined)
        if included.is_absolute() or included.parts[:1] == ("..",):
            self.problem(rel, number, f"{flag} {target}: outside the scanned directory; not read")
            return
        if included in stack:
            chain = " -> ".join(str(p) for p in (*stack, included))
            self.problem(rel, number, f"{flag} {target}: include cycle ({chain}); not followed")
            return
        if len(stack) > self.ctx.limits.max_include_depth:
            limit = self.ctx.limits.max_include_depth
            self.problem(rel, number, f"{flag} {target}: includes nested over {limit} deep")
            return
        if (included, constraint) in self.done:
            return
        try:
            text = self.ctx.read_text(included)
        except SourceError as exc:
            self.problem(rel, number, f"{flag} {target}: {exc.reason}")
            return
        self.read(included, text, constraint=constraint, stack=stack)


def is_link(text: str) -> bool:
    """A bare URL or local path rather than a PEP 508 requirement (`name @ url` is PEP 508)."""
    if URL_START.match(text):
        return True
    return NAMED_URL.match(text) is None and looks_like_path(text)


def emit(entries: list[Entry], parent: str, origin: str) -> Iterator[Record]:
    """Records for the collected entries: constraints pin, requirements become edges."""
    required = {key(e): e.version for e in entries if e.name and not e.constraint}
    constrained = {key(e) for e in entries if e.constraint and e.version}
    for entry in entries:
        if entry.constraint:
            yield from constraint_records(entry, set(required), origin)
            continue
        parents = via_parents(entry.vias, parent, required)
        records = entry_records(entry, parent, origin, pinned=key(entry) in constrained)
        for record in records:
            if isinstance(record, Edge):
                yield from (same(record, parent=p) for p in parents)
            else:
                yield record


def key(entry: Entry) -> str:
    """PEP 503 name of an entry ("" when its name is unknown)."""
    return str(canonicalize_name(entry.name)) if entry.name else ""


def entry_records(entry: Entry, parent: str, origin: str, *, pinned: bool) -> Iterator[Record]:
    """Component, edge, declared requirement and digests of one requirement.

    `pinned`: a constraints file pins this requirement's version exactly.
    """
    if entry.link is not None:
        records: list[Record] = list(link_records(entry, entry.link, parent, origin))
    else:
        records = list(
            requirement_records(
                entry.text,
                parent=parent,
                location=entry.location,
                origin=origin,
                manifest_kind=entry.kind,
            )
        )
    for record in records:
        if isinstance(record, Component):
            yield same(record, hashes=entry.hashes)
            yield from digests(record.bom_ref, entry)
        elif isinstance(record, DeclaredRequirement):
            yield same(record, pinned=pinned or record.pinned or bool(entry.hashes))
        else:
            yield record


R = TypeVar("R", Component, DeclaredRequirement, Edge)


def same(record: R, **changes: Any) -> R:
    """`dataclasses.replace(record, **changes)`, or `record` itself when nothing changes
    (replace costs ~5 µs, and most records of a requirements file need no change)."""
    if all(getattr(record, name) == value for name, value in changes.items()):
        return record
    return dataclasses.replace(record, **changes)


def link_records(entry: Entry, link: Link, parent: str, origin: str) -> Iterator[Record]:
    """Records of a URL, VCS, path or editable requirement."""
    yield dataclasses.replace(link.component, locations=(entry.location,), origin=origin)
    yield Edge(parent=parent, child=link.component.bom_ref, marker=link.marker, extras=link.extras)
    yield DeclaredRequirement(
        component=link.component.bom_ref,
        specifier="",
        pinned=link.pinned,
        manifest_kind=entry.kind,
        location=entry.location,
        url=link.url,
    )


def constraint_records(entry: Entry, required: set[str], origin: str) -> Iterator[Record]:
    """A constraint pins a package something requires; alone it adds no dependency."""
    if entry.name is None:
        return
    ref = pypi_ref(entry.name, entry.version)
    if entry.version and canonicalize_name(entry.name) in required:
        yield Component(
            bom_ref=ref,
            type=ComponentType.LIBRARY,
            name=entry.name,
            version=entry.version,
            purl=ref,
            hashes=entry.hashes,
            locations=(entry.location,),
            origin=origin,
        )
    spec = "" if entry.link else str(Requirement(entry.text).specifier)
    url = entry.link.url if entry.link else None
    pinned = entry.version is not None or bool(entry.hashes)
    yield DeclaredRequirement(
        component=ref,
        specifier=spec,
        pinned=pinned,
        manifest_kind=entry.kind,
        location=entry.location,
        url=url,
    )
    yield from digests(ref, entry)


def digests(ref: str, entry: Entry) -> Iterator[DeclaredDigest]:
    """One DeclaredDigest per `--hash` of an entry."""
    for digest in entry.hashes:
        yield DeclaredDigest(
            component=ref, algorithm=digest.alg, digest=digest.value, location=entry.location
        )


def via_parents(vias: tuple[str, ...], project: str, listed: dict[str, str | None]) -> list[str]:
    """Who pulled an entry in, per pip-compile's `# via`: the project and/or listed packages.

    A package named by `# via` that the file does not list is ignored (its edge would hang
    from nowhere); with no usable annotation the project is the parent.
    """
    parents: set[str] = set()
    for via in vias:
        if via.startswith("-r ") or via.endswith(PROJECT_VIA):
            parents.add(project)
        elif (name := str(canonicalize_name(via))) in listed:
            parents.add(pypi_ref(name, listed[name]))
    return sorted(parents) or [project]
