"""PEP 751 lockfiles (`pylock.toml`, `pylock.<name>.toml`): packages, artifacts and graph.

A PEP 751 lock lists the packages to install, each with a `marker` that may also test the
lock-only variables `extras` and `dependency_groups`; the graph (`dependencies`) is
optional, and neither uv nor pip writes it. pdm keeps its own graph under
`[packages.tool.pdm] dependencies` (PEP 508 strings), read when PEP 751's is absent.

The project's edges are inferred. For each install choice (the default groups; each extra;
each other group) a package the choice installs is direct unless a package the same choice
installs depends on it (unconditionally, or under the same marker). Without any graph that
is every package whose marker can apply: direct and transitive cannot be told apart, and
such components say `aibom:direct = unknown` (`inferred` when a graph was there). Edges
never carry lock-only variables: they become `group="extra:<x>"` / `"group:<g>"`, and the
marker keeps only its environment part.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from packaging.markers import InvalidMarker
from packaging.utils import canonicalize_name

from scanner import pep508
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_dir, project_ref, pypi_purl, pypi_ref
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
from scanner.sources.base import project_parent
from scanner.sources.lockfile import (
    Artifact,
    admitted,
    as_list,
    as_str,
    chosen,
    dependency,
    digest_records,
    entry_lines,
    hash_of,
    load_toml,
    local_dir,
    vcs_url,
)
from scanner.walk import EntryKind, WalkEntry

FILE_NAME = re.compile(r"^pylock\.([^.]+\.)?toml$")
LOCK_VARIABLES = frozenset({"extras", "dependency_groups"})
Residual = bool | str


@dataclass(frozen=True, slots=True)
class PylockSource:
    """PEP 751 lockfiles, whichever tool wrote them (uv, pip, pdm, ...)."""

    name: str = "pylock"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"toml"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """`pylock.toml` and `pylock.<name>.toml`."""
        return entry.kind is EntryKind.FILE and bool(FILE_NAME.match(entry.name))

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components for every package; graph edges; the project's inferred edges."""
        text, data = load_toml(entry.rel, ctx)
        version = data.get("lock-version")
        if not isinstance(version, str):
            raise SourceError(entry.rel, "not a PEP 751 lock: no `lock-version` string")
        if version.split(".", 1)[0] != "1":  # PEP 751: refuse an unknown major version
            raise SourceError(entry.rel, f"lock-version {version} is not supported (reads 1.x)")
        tables = data.get("packages")
        if not isinstance(tables, list):
            raise SourceError(entry.rel, "not a PEP 751 lock: no `[[packages]]` array")
        lines = entry_lines(text, "packages", len(tables))
        packages: list[Package] = []
        for index, table in enumerate(tables):
            location = Location(file=entry.rel, line=lines[index])
            pkg = read_package(table, location, ctx)
            if isinstance(pkg, Problem):
                yield pkg
                continue
            yield from (Problem(location=location, message=m) for m in pkg.problems)
            packages.append(pkg)
        yield from Graph(packages, data, project_parent(entry, ctx)).records()


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    """One `[[packages]]` entry and the bom-ref it maps to."""

    table: dict[str, Any]
    name: str
    version: str | None
    ref: str
    marker: str | None
    location: Location
    is_project: bool
    problems: tuple[str, ...] = ()


def read_package(table: Any, location: Location, ctx: ScanContext) -> Package | Problem:
    """One entry, or a Problem when it has no name."""
    name = table.get("name") if isinstance(table, dict) else None
    if not isinstance(name, str) or not name.strip():
        return Problem(location=location, message="package entry without a name; skipped")
    version = as_str(table.get("version"))
    directory = table.get("directory")
    project_dir = None
    if isinstance(directory, dict) and isinstance(directory.get("path"), str):
        joined = local_dir(location.file, directory["path"])
        if joined == location.file.parent or joined in ctx.project_dirs:
            project_dir = joined
    local = any(isinstance(table.get(k), dict) for k in ("vcs", "directory", "archive"))
    problems = []
    if version is None and not local:
        problems.append(f"package {name!r} has no version; recorded without one")
    if (marker := as_str(table.get("marker"))) and (error := _marker_error(marker)):
        problems.append(f"package {name!r}: invalid marker {marker!r}: {error}")
    return Package(
        table=table, name=name, version=version, location=location,
        ref=project_ref(project_dir) if project_dir else pypi_ref(name, version),
        marker=marker, is_project=project_dir is not None, problems=tuple(problems),
    )  # fmt: skip


class Graph:
    """The lock's packages, their recorded edges and the project's inferred edges."""

    def __init__(self, packages: list[Package], data: dict[str, Any], parent: str) -> None:
        self.packages = packages
        self.by_name: dict[str, list[Package]] = {}
        for pkg in packages:
            self.by_name.setdefault(canonicalize_name(pkg.name), []).append(pkg)
        own = [p for p in packages if p.is_project and p.location.file.parent == project_dir(p.ref)]
        self.project = own[0].ref if own else parent
        self.refs = {p.ref: p for p in packages}
        self.problems: list[Problem] = []
        defaults = {str(g) for g in as_list(data.get("default-groups"))}
        self.choices: list[tuple[set[str], set[str], str | None]] = [(set(), defaults, None)]
        self.choices += [({str(e)}, defaults, f"extra:{e}") for e in as_list(data.get("extras"))]
        self.choices += [
            (set(), {*defaults, str(g)}, f"group:{g}")
            for g in as_list(data.get("dependency-groups"))
            if str(g) not in defaults
        ]

    def records(self) -> Iterator[Record]:
        """Components, digests, index URLs, recorded edges, inferred project edges."""
        recorded = [e for pkg in self.packages for e in self.recorded_edges(pkg)]
        has_graph = any(
            isinstance(p.table.get("dependencies"), list) or _pdm_dependencies(p.table) is not None
            for p in self.packages
        )
        parents: dict[str, list[Edge]] = {}
        for edge in recorded:
            parents.setdefault(edge.child, []).append(edge)
        inferred = [e for pkg in self.packages for e in self.project_edges(pkg, parents)]
        direct = {e.child for e in inferred}
        seen_indexes: set[str] = set()
        for pkg in self.packages:
            flag = ("inferred" if has_graph else "unknown") if pkg.ref in direct else None
            yield from _component(pkg, flag)
            index = as_str(pkg.table.get("index"))
            if index and index not in seen_indexes:
                seen_indexes.add(index)
                yield IndexUrl(url=index, kind="index", location=pkg.location)
        yield from recorded
        yield from inferred
        yield from self.problems

    def recorded_edges(self, pkg: Package) -> Iterator[Edge]:
        """Edges from PEP 751 `dependencies`, else from `tool.pdm.dependencies`."""
        if isinstance(deps := pkg.table.get("dependencies"), list):
            for dep in deps:
                for target in self.matching(dep, pkg):
                    env = _residual(target.marker, None, None)
                    marker = env if isinstance(env, str) else None
                    yield Edge(parent=pkg.ref, child=target.ref, marker=marker)
            return
        for text in as_list(_pdm_dependencies(pkg.table)):
            req = dependency(pkg.name, text)
            if isinstance(req, str):
                self.problem(pkg, req)
                continue
            candidates = self.by_name.get(canonicalize_name(req.name), [])
            for target in admitted(candidates, req.specifier):
                marker = str(req.marker) if req.marker else None
                extras = tuple(sorted(req.extras))
                yield Edge(parent=pkg.ref, child=target.ref, marker=marker, extras=extras)

    def matching(self, dep: Any, pkg: Package) -> list[Package]:
        """Packages a PEP 751 dependency table names, compared key by key."""
        if not isinstance(dep, dict) or not isinstance(dep.get("name"), str):
            self.problem(pkg, f"{pkg.name}: dependency entry without a name; skipped")
            return []
        found = [
            c
            for c in self.by_name.get(canonicalize_name(dep["name"]), [])
            if _matches({k: v for k, v in dep.items() if k != "name"}, c.table)
        ]
        if not found:
            self.problem(pkg, f"{pkg.name} depends on {dep['name']!r}, which the lock lacks")
        return found

    def project_edges(self, pkg: Package, parents: dict[str, list[Edge]]) -> Iterator[Edge]:
        """The project's edge(s) to `pkg`, per install choice, unless a parent covers it."""
        if pkg.ref == self.project:
            return
        default = _residual(pkg.marker, *self.choices[0][:2])
        for extras, groups, group in self.choices:
            residual = _residual(pkg.marker, extras, groups)
            if residual is False or (group is not None and default is not False):
                continue
            if not self.covered(residual, extras, groups, parents.get(pkg.ref, [])):
                marker = residual if isinstance(residual, str) else None
                yield Edge(parent=self.project, child=pkg.ref, marker=marker, group=group)

    def covered(
        self, residual: Residual, extras: set[str], groups: set[str], edges: list[Edge]
    ) -> bool:
        """True when a package installed by the same choice depends on it as broadly."""
        return any(
            (not edge.marker or edge.marker == residual)
            and (parent := self.refs.get(edge.parent)) is not None
            and _residual(parent.marker, extras, groups) is not False
            for edge in edges
        )

    def problem(self, pkg: Package, message: str) -> None:
        """Record a problem at `pkg`'s entry."""
        self.problems.append(Problem(location=pkg.location, message=message))


def _component(pkg: Package, direct: str | None) -> Iterator[Record]:
    """The component (project components stay plain) and a digest per artifact."""
    if pkg.is_project:
        yield Component(
            bom_ref=pkg.ref, type=ComponentType.APPLICATION, name=pkg.name,
            version=pkg.version, locations=(pkg.location,), origin="pylock",
        )  # fmt: skip
        return
    artifacts = _artifacts(pkg.table)
    choice = chosen(artifacts)
    props = [("aibom:lock-marker", pkg.marker)] if pkg.marker else []
    props += [("aibom:direct", direct)] if direct else []
    for identity in as_list(pkg.table.get("attestation-identities")):
        if isinstance(identity, dict):
            text = ", ".join(f"{k}={v}" for k, v in sorted(identity.items()))
            props.append(("aibom:attestation-identity", text))
    refs = [_vcs_ref(vcs)] if isinstance(vcs := pkg.table.get("vcs"), dict) else []
    url = next((a.url for a in artifacts if a.is_sdist and a.url), None)
    if url := url or (choice.url if choice else None):
        refs.append(ExternalRef(type="distribution", url=url))
    yield Component(
        bom_ref=pkg.ref, type=ComponentType.LIBRARY, name=pkg.name, version=pkg.version,
        purl=pypi_purl(pkg.name, pkg.version), hashes=choice.hashes if choice else (),
        locations=(pkg.location,), origin="pylock", external_refs=tuple(refs),
        properties=tuple(props),
    )  # fmt: skip
    hashes = (digest for artifact in artifacts for digest in artifact.hashes)
    yield from digest_records(pkg.ref, hashes, pkg.location)


def _artifacts(table: dict[str, Any]) -> list[Artifact]:
    """The archive, sdist and wheels, as recorded; the archive or sdist is `is_sdist`."""
    found = []
    items = [("archive", table.get("archive")), ("sdist", table.get("sdist"))]
    items += [("wheel", w) for w in as_list(table.get("wheels"))]
    for kind, item in items:
        if not isinstance(item, dict):
            continue
        url = as_str(item.get("url"))
        where = url or as_str(item.get("path")) or ""
        raw = item.get("hashes")
        pairs = sorted(raw.items()) if isinstance(raw, dict) else []
        hashes = tuple(h for alg, value in pairs if (h := hash_of(f"{alg}:{value}")))
        found.append(
            Artifact(
                name=as_str(item.get("name")) or where.rsplit("/", 1)[-1],
                url=url,
                hashes=hashes,
                is_sdist=kind != "wheel",
            )
        )
    return found


def _vcs_ref(vcs: dict[str, Any]) -> ExternalRef:
    """`<type>+<url>@<commit-id>`, with the requested revision as a comment."""
    commit, subdir = as_str(vcs.get("commit-id")), as_str(vcs.get("subdirectory"))
    url = as_str(vcs.get("url")) or as_str(vcs.get("path")) or ""
    text = vcs_url(str(vcs.get("type", "git")), url, commit, subdir)
    requested = as_str(vcs.get("requested-revision"))
    return ExternalRef(type="vcs", url=text, comment=requested and f"requested {requested}")


def _residual(marker: str | None, extras: set[str] | None, groups: set[str] | None) -> Residual:
    """The marker with `extras` / `dependency_groups` decided (None: assumed to hold).

    True or False when decided, else the environment part of the marker as a string.
    """
    if not marker:
        return True
    try:
        parsed = pep508.marker(marker)
    except InvalidMarker:
        return marker
    known = {"extras": extras, "dependency_groups": groups}
    return _reduce(parsed._markers, known)  # packaging has no public marker AST


def _marker_error(marker: str) -> str | None:
    """Why `marker` is not a PEP 508 marker, or None when it is one."""
    try:
        pep508.marker(marker)
    except InvalidMarker as exc:
        return str(exc).splitlines()[0]
    return None


def _reduce(node: Any, known: dict[str, set[str] | None]) -> Residual:
    """Three-valued simplification of packaging's marker list (tuples, lists, and/or)."""
    if isinstance(node, tuple):
        lhs, op, rhs = node
        for var, value in ((rhs, lhs), (lhs, rhs)):
            if type(var).__name__ == "Variable" and var.value in LOCK_VARIABLES:
                names = known[var.value]
                if names is None or op.value not in ("in", "not in"):
                    return True
                hit = canonicalize_name(value.value) in {canonicalize_name(n) for n in names}
                return hit if op.value == "in" else not hit
        return f"{lhs.serialize()} {op.serialize()} {rhs.serialize()}"
    groups: list[list[Residual]] = [[]]
    for item in node:
        if item == "or":
            groups.append([])
        elif item != "and":
            term = _reduce(item, known)
            nested = isinstance(item, list) and isinstance(term, str)
            groups[-1].append(f"({term})" if nested else term)
    alternatives: list[str] = []
    for terms in groups:
        if any(t is False for t in terms):
            continue
        kept = [str(t) for t in terms if t is not True]
        if not kept:
            return True
        alternatives.append(" and ".join(kept))
    return " or ".join(alternatives) if alternatives else False


def _matches(wanted: dict[str, Any], table: Any) -> bool:
    """Key-by-key comparison of a dependency reference with a package table."""
    return isinstance(table, dict) and all(
        _matches(v, table.get(k)) if isinstance(v, dict) else table.get(k) == v
        for k, v in wanted.items()
    )


def _pdm_dependencies(table: dict[str, Any]) -> Any:
    """pdm's own graph: `[packages.tool.pdm] dependencies` (None when absent)."""
    tool = table.get("tool")
    pdm = tool.get("pdm") if isinstance(tool, dict) else None
    return pdm.get("dependencies") if isinstance(pdm, dict) else None
