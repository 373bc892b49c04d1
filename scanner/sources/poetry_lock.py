"""poetry.lock (lock formats 1.0, 1.1, 2.0 and 2.1): every locked package and its graph.

Each `[[package]]` is a component at its exact version with its groups (1.x `category`, 2.1
`groups`), source (git, url, file, directory, legacy index) and a `DeclaredDigest` per file
hash (`files` in 2.x, `[metadata.files]` in 1.1, `[metadata.hashes]` in 1.0). Dependencies
link by name to the locked entry (Poetry's constraint syntax only picks between two locked
versions of one name); `markers`, `python` and `platform` become one PEP 508 marker, and an
optional dependency gets `extra == "..."` for the extras that list it, so the graph drops it
unless one is requested. Direct dependencies of the project come from pyproject.toml.
Component `hashes` are those of the platform-neutral files (sdist, `-none-any` wheels), the
same for every consumer; all wheel digests only for a binary-only release.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import is_project_ref, project_ref, pypi_purl, pypi_ref
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
from scanner.sources.base import redact
from scanner.sources.lockfile import (
    entry_lines,
    hash_of,
    load_toml,
    local_dir,
    normal_marker,
    vcs_url,
)
from scanner.sources.poetryspec import and_markers
from scanner.walk import EntryKind, WalkEntry

REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
HEX = re.compile(r"^[0-9a-f]{64}$")
KNOWN_MAJORS = ("1", "2")
ATOM = re.compile(r"^(\^|~=|~|===|==|!=|<=|>=|<|>|=)?\s*(\S+)$")


@dataclass(frozen=True, slots=True)
class Locked:
    """One readable `[[package]]` entry and what identifies it."""

    table: dict[str, Any]
    name: str
    version: str
    ref: str
    location: Location


@dataclass(frozen=True, slots=True)
class PoetryLockSource:
    """Poetry's lock file, 1.x and 2.x."""

    name: str = "poetry.lock"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"lock"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named `poetry.lock`."""
        return entry.kind is EntryKind.FILE and entry.name == "poetry.lock"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components, digests and sources of every package, then the dependency edges."""
        rel = entry.rel
        text, data = load_toml(rel, ctx)
        packages, metadata = lock_tables(rel, data)
        version = str(metadata.get("lock-version", ""))
        if version.split(".")[0] not in KNOWN_MAJORS:
            yield Problem(
                location=Location(file=rel),
                message=f"lock-version {version or '(none)'} is not one this reader knows; "
                "read as lock-version 2",
            )
        lines = entry_lines(text, "package", len(packages))
        locked: list[Locked] = []
        for index, table in enumerate(packages):
            location = Location(file=rel, line=lines[index])
            item = read_package(table, location, rel, ctx)
            if isinstance(item, Problem):
                yield item
            else:
                locked.append(item)
        legacy_files = metadata.get("files", metadata.get("hashes"))
        legacy_files = legacy_files if isinstance(legacy_files, dict) else {}
        by_name: dict[str, list[Locked]] = {}
        for pkg in locked:
            by_name.setdefault(canonicalize_name(pkg.name), []).append(pkg)
        legacy = {canonicalize_name(str(k)): v for k, v in legacy_files.items()}
        seen_indexes: set[str] = set()
        for pkg in locked:
            files = pkg.table.get("files", legacy.get(canonicalize_name(pkg.name), []))
            yield from package_records(pkg, files, self.name, seen_indexes)
        for pkg in locked:
            yield from dependency_edges(pkg, by_name)


def lock_tables(rel: PurePosixPath, data: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The `package` array and `metadata` table; a file without them is not a readable lock."""
    packages = data.get("package", [])
    metadata = data.get("metadata")
    if not isinstance(packages, list):
        raise SourceError(rel, "`package` is not an array of tables; not a poetry.lock")
    if not isinstance(metadata, dict):
        if packages:
            raise SourceError(rel, "no [metadata] table: the lock file looks truncated")
        raise SourceError(rel, "no [[package]] or [metadata] tables; not a poetry.lock")
    return packages, metadata


def read_package(
    table: Any, location: Location, rel: PurePosixPath, ctx: ScanContext
) -> Locked | Problem:
    """Validate one entry: a table with a string name and version."""
    if not isinstance(table, dict):
        return Problem(location=location, message="a [[package]] entry is not a table; skipped")
    name, version = table.get("name"), table.get("version")
    if not isinstance(name, str) or not name or not isinstance(version, str) or not version:
        return Problem(location=location, message="a package without a name or version; skipped")
    local = directory_source(table.get("source"), rel, ctx)
    ref = project_ref(local) if local is not None else pypi_ref(name, version)
    return Locked(table=table, name=name, version=version, ref=ref, location=location)


def directory_source(source: Any, rel: PurePosixPath, ctx: ScanContext) -> PurePosixPath | None:
    """A `directory` source inside the scanned root is a (sub-)project of it."""
    if not isinstance(source, dict) or source.get("type") != "directory":
        return None
    url = source.get("url")
    joined = local_dir(rel, url) if isinstance(url, str) else None
    return joined if joined in ctx.project_dirs else None


def package_records(
    pkg: Locked, files: Any, origin: str, seen_indexes: set[str]
) -> Iterator[Record]:
    """The component of one package, its declared digests, and its index URL (once)."""
    table = pkg.table
    digests: list[tuple[str | None, Hash]] = []
    for item in files if isinstance(files, list) else []:
        parsed = file_hash(item)
        if parsed is None:
            what = item.get("file") if isinstance(item, dict) else None
            message = f"{pkg.name}: unreadable hash" + (f" for {what}" if what else "")
            yield Problem(location=pkg.location, message=message)
            continue
        digests.append(parsed)
        alg, value = parsed[1].alg, parsed[1].value
        yield DeclaredDigest(component=pkg.ref, algorithm=alg, digest=value, location=pkg.location)
    refs, props, url = source_info(table.get("source"))
    if table.get("develop") is True:
        props.append(("aibom:editable", "true"))
    if table.get("optional") is True:
        props.append(("aibom:optional", "true"))
    props.extend(group_properties(table))
    local = is_project_ref(pkg.ref)
    description = table.get("description")
    yield Component(
        bom_ref=pkg.ref,
        type=ComponentType.APPLICATION if local else ComponentType.LIBRARY,
        name=pkg.name,
        version=pkg.version,
        purl=None if local else pypi_purl(pkg.name, pkg.version),
        hashes=component_hashes(digests),
        locations=(pkg.location,),
        origin=origin,
        external_refs=refs,
        properties=tuple(sorted(set(props))),
        description=description if isinstance(description, str) and description else None,
    )
    source = table.get("source")
    legacy = isinstance(source, dict) and source.get("type") == "legacy"
    if legacy and url and url not in seen_indexes:
        seen_indexes.add(url)
        yield IndexUrl(url=url, kind="index-url", location=pkg.location)


def file_hash(item: Any) -> tuple[str | None, Hash] | None:
    """(file name, digest) of a `{file, hash}` table, or of a bare 1.0 `hashes` string."""
    if isinstance(item, dict):
        name, text = item.get("file"), item.get("hash")
    else:
        name, text = None, item
    if not isinstance(text, str):
        return None
    text = text.strip().lower()
    digest = hash_of(f"sha256:{text}" if HEX.match(text) else text)
    if digest is None:
        return None
    return (name if isinstance(name, str) else None), digest


def component_hashes(digests: list[tuple[str | None, Hash]]) -> tuple[Hash, ...]:
    """Digests of the platform-neutral files (sdist, pure wheels); all when there are none."""
    neutral = [h for name, h in digests if name is None or not name.endswith(".whl")]
    neutral += [h for name, h in digests if name and name.endswith("-none-any.whl")]
    return tuple(sorted(set(neutral or [h for _, h in digests])))


def source_info(source: Any) -> tuple[tuple[ExternalRef, ...], list[tuple[str, str]], str]:
    """External references, properties and the (safe to print) URL of a `[package.source]`."""
    if not isinstance(source, dict):
        return (), [], ""
    kind, raw = str(source.get("type", "")), source.get("url")
    url = redact(raw) if isinstance(raw, str) else ""
    props = [("aibom:source", kind)] if kind else []
    if not url:
        return (), props, ""
    if kind == "git":
        commit = source.get("resolved_reference") or source.get("reference")
        sub = source.get("subdirectory")
        subdirectory = sub if isinstance(sub, str) and sub else None
        full = vcs_url("git", url, str(commit) if commit else None, subdirectory)
        return (ExternalRef(type="vcs", url=full),), props, url
    if kind == "url":
        return (ExternalRef(type="distribution", url=url),), props, url
    if kind == "legacy":
        name = source.get("reference")
        comment = f"package index {name}" if isinstance(name, str) else "package index"
        return (ExternalRef(type="distribution", url=url, comment=comment),), props, url
    return (), [*props, ("aibom:path", url)], url


def group_properties(table: dict[str, Any]) -> list[tuple[str, str]]:
    """`aibom:groups` from 1.x `category` or 2.1 `groups`; 2.1 `markers` per package."""
    groups = table.get("groups")
    if not isinstance(groups, list):
        category = table.get("category")
        groups = [category] if isinstance(category, str) else []
    props = [("aibom:groups", g) for g in groups if isinstance(g, str)]
    markers = table.get("markers")
    if isinstance(markers, str):
        props.append(("aibom:markers", markers))
    elif isinstance(markers, dict):
        props += [(f"aibom:markers:{g}", m) for g, m in markers.items() if isinstance(m, str)]
    return props


def dependency_edges(pkg: Locked, by_name: dict[str, list[Locked]]) -> Iterator[Edge | Problem]:
    """Edges from one package to the locked packages its dependencies name."""
    deps = pkg.table.get("dependencies", {})
    if not isinstance(deps, dict):
        yield Problem(location=pkg.location, message=f"{pkg.name}: dependencies is not a table")
        return
    gates = extra_gates(pkg.table.get("extras"))
    for dep_name, specs in sorted(deps.items(), key=lambda item: canonicalize_name(item[0])):
        for spec in specs if isinstance(specs, list) else [specs]:
            key = canonicalize_name(str(dep_name))
            installable, marker, problems = dependency_marker(spec, gates.get(key, set()))
            for problem in problems:
                yield Problem(location=pkg.location, message=f"{pkg.name} -> {dep_name}: {problem}")
            if not installable:
                continue  # optional and in no extra: never installed
            constraint = spec if isinstance(spec, str) else spec.get("version", "*")
            asked = spec.get("extras") if isinstance(spec, dict) else None
            extras = tuple(sorted({str(e) for e in asked})) if isinstance(asked, list) else ()
            for child in choose(by_name.get(key, []), str(constraint)):
                yield Edge(parent=pkg.ref, child=child.ref, marker=marker, extras=extras)


def extra_gates(extras: Any) -> dict[str, set[str]]:
    """Dependency name -> the package's extras that list it."""
    gates: dict[str, set[str]] = {}
    if not isinstance(extras, dict):
        return gates
    for extra, reqs in extras.items():
        for req in reqs if isinstance(reqs, list) else []:
            match = REQ_NAME.match(str(req))
            if match:
                gates.setdefault(canonicalize_name(match.group(1)), set()).add(str(extra))
    return gates


def dependency_marker(spec: Any, extras: set[str]) -> tuple[bool, str | None, list[str]]:
    """(installable, PEP 508 marker, problems) of one dependency spec; an optional one that
    no extra of the package names is never installed."""
    if not isinstance(spec, dict):
        return True, None, []
    parts: list[str] = []
    problems: list[str] = []
    markers = spec.get("markers")
    if isinstance(markers, str) and markers.strip():
        parts.append(markers.strip())
    python = spec.get("python")
    if isinstance(python, str):
        try:
            parts.append(python_marker(python) or "")
        except ValueError as exc:
            problems.append(f"python = {python!r} not understood ({exc}); ignored")
    platform = spec.get("platform")
    if isinstance(platform, str) and platform.strip():
        names = [p.strip() for p in platform.split("||") if p.strip()]
        parts.append(" or ".join(f'sys_platform == "{p}"' for p in names))
    if spec.get("optional") is True and "extra" not in " ".join(parts):
        if not extras:
            return False, None, problems
        parts.append(" or ".join(f'extra == "{e}"' for e in sorted(extras)))
    marker, problem = join_markers(parts)
    return True, marker, [*problems, *([problem] if problem else [])]


def choose(candidates: list[Locked], constraint: str) -> list[Locked]:
    """The locked entries a dependency links to: the one of its name, or those it admits."""
    if len(candidates) < 2:
        return candidates
    try:
        ranges = poetry_ranges(constraint)
        branches = [SpecifierSet(",".join(op + v for op, v in atoms)) for atoms in ranges]
    except (ValueError, InvalidSpecifier):
        return candidates
    admitted = [c for c in candidates if any(s.contains(c.version, True) for s in branches)]
    return admitted or candidates


def join_markers(parts: list[str]) -> tuple[str | None, str | None]:
    """(marker, problem): the parts AND-ed into one marker; an invalid one is kept as written."""
    text = and_markers(parts)
    return normal_marker(text) if text else (None, None)


def poetry_ranges(constraint: str) -> list[list[tuple[str, str]]]:
    """A Poetry constraint (`^1.2`, `>=1,<2 || >3`, `*`) as OR-ed branches of AND-ed PEP 440
    (operator, version) pairs; ValueError for anything else."""
    branches: list[list[tuple[str, str]]] = []
    for branch in constraint.split("||"):
        branch = re.sub(r"([<>=!~^]+)\s+", r"\1", branch.strip())
        atoms: list[tuple[str, str]] = []
        for token in (t for t in re.split(r"[,\s]+", branch) if t and t != "*"):
            atoms.extend(expand_atom(token))
        branches.append(atoms)
    return branches


def expand_atom(token: str) -> list[tuple[str, str]]:
    """One Poetry constraint atom in PEP 440 terms (caret and tilde become two bounds)."""
    match = ATOM.match(token)
    if match is None:
        raise ValueError(f"unreadable constraint {token!r}")
    op, text = match.group(1) or "==", match.group(2)
    bare = text.removesuffix(".*")
    try:
        release = Version(bare).release
    except InvalidVersion as exc:
        raise ValueError(f"unreadable version {text!r}") from exc
    if op == "=":
        op = "=="
    if op in ("^", "~") or (op == "~=" and len(release) < 2):
        if op == "^":
            index = next((i for i, n in enumerate(release[:-1]) if n), len(release) - 1)
        else:
            index = 0 if len(release) == 1 or op == "~=" else 1
        bumped = [*release[:index], release[index] + 1]
        upper = ".".join(str(n) for n in bumped + [0] * (2 - len(bumped)))
        return [(">=", bare), ("<", upper)]
    if text.endswith(".*") and op not in ("==", "!="):
        text = bare
    return [(op, text)]


def python_marker(constraint: str) -> str | None:
    """A Poetry `python` constraint as a marker (`>=3.8` -> `python_version >= "3.8"`; three
    parts use `python_full_version`); None when it admits every version."""
    branches: list[str] = []
    for atoms in poetry_ranges(constraint):
        if not atoms:
            return None
        terms = []
        for op, version in atoms:
            parts = version.removesuffix(".*").split(".")
            if version.endswith(".*") and len(parts) == 2:  # ==3.8.* -> == "3.8"
                version = version.removesuffix(".*")
            variable = "python_version" if len(parts) <= 2 else "python_full_version"
            terms.append(f'{variable} {op} "{version}"')
        branches.append(" and ".join(terms))
    if len(branches) > 1:
        branches = [f"({b})" if " and " in b else b for b in branches]
    return " or ".join(branches) or None
