"""`pyproject.toml`: the project itself and the dependencies it declares.

Reads the project's name, version and license (PEP 621 / PEP 639, legacy license tables,
classifiers, Poetry's `[tool.poetry]`), PEP 621 dependencies and optional dependencies,
PEP 735 `[dependency-groups]`, uv's `dev-dependencies`, sources and indexes, and Poetry's
dependency tables, groups, extras and sources. Edges start at the project's own ref;
optional and dev dependencies carry `group="extra:<name>"` / `group="group:<name>"`.
IndexUrl kinds: `index-url` (replaces PyPI), `extra-index-url` (searched alongside it, the
highest version wins), `priority-index` (uv: searched first, the first index that has a
package wins), `explicit-index` (used only by packages pinned to it), `find-links`, and
`trusted-host` (uv's `allow-insecure-host`).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar

from packaging.utils import canonicalize_name

from licenses import from_metadata, is_license_classifier
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    DeclaredRequirement,
    Edge,
    ExternalRef,
    IndexUrl,
    LicenseEvidence,
    Location,
    Problem,
    Record,
)
from scanner.sources.base import (
    EntryKind,
    ScanContext,
    WalkEntry,
    redact,
    requirement_or_problem,
)
from scanner.sources.poetryspec import (
    PoetrySpecError,
    direct_url,
    entries,
    extras_by_dependency,
    source_kind,
)
from scanner.sources.reqfile import FULL_COMMIT
from scanner.sources.tomllines import TomlLines

NAME = "pyproject"
Table = dict[str, Any]
PROJECT = ("project",)
POETRY = ("tool", "poetry")
UV = ("tool", "uv")


@dataclass(frozen=True, slots=True)
class PyprojectSource:
    """PEP 621 / PEP 735 / uv / Poetry declarations in `pyproject.toml`."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"toml"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Every `pyproject.toml` file."""
        return entry.kind is EntryKind.FILE and entry.name == "pyproject.toml"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The project component, its direct dependencies, and its index URLs."""
        data = ctx.toml(entry.rel, path=entry.path)  # memoised: other sources read it too
        text = ctx.read_text(entry.rel, path=entry.path)
        doc = Doc(rel=entry.rel, lines=TomlLines(text), parent=project_ref(entry.rel.parent))
        project, poetry = table(data, *PROJECT), table(data, *POETRY)
        yield from project_component(doc, project, poetry, ctx)
        yield from requirements(doc, project.get("dependencies"), PROJECT, "dependencies")
        for extra, deps in table(project, "optional-dependencies").items():
            group = f"extra:{canonicalize_name(extra)}"
            yield from requirements(doc, deps, (*PROJECT, "optional-dependencies"), extra, group)
        yield from dict.fromkeys(dependency_groups(doc, data, ctx.limits.max_include_depth))
        yield from uv_settings(doc, table(data, *UV))
        yield from poetry_dependencies(doc, project, poetry)


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    """The file being read: where it is, where its lines are, which project it declares."""

    rel: PurePosixPath
    lines: TomlLines
    parent: str

    def at(self, line: int | None) -> Location:
        """A location in this file."""
        return Location(file=self.rel, line=line)


def table(data: Table, *keys: str) -> Table:
    """The sub-table at `keys`, or {} when it is missing or not a table."""
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def project_component(
    doc: Doc, project: Table, poetry: Table, ctx: ScanContext
) -> Iterator[Record]:
    """The project's own component, when `[project]` or `[tool.poetry]` names it."""
    name = text(project, "name") or text(poetry, "name")
    if not project and not name:
        return
    where = PROJECT if text(project, "name") else POETRY
    license_id, evidence = project_license(doc, project, poetry, ctx)
    dynamic = project.get("dynamic")
    properties: tuple[tuple[str, str], ...] = ()
    if isinstance(dynamic, list) and dynamic:
        properties = (("aibom:pyproject:dynamic", ",".join(sorted(map(str, dynamic)))),)
    yield Component(
        bom_ref=doc.parent,
        type=ComponentType.APPLICATION,
        name=name or doc.rel.parent.name or ".",
        version=text(project, "version") or text(poetry, "version"),
        license=license_id,
        license_raw=tuple(evidence),
        locations=(doc.at(doc.lines.locate(where, "name")),),
        origin=NAME,
        properties=properties,
        description=text(project, "description") or text(poetry, "description"),
    )


def project_license(
    doc: Doc, project: Table, poetry: Table, ctx: ScanContext
) -> tuple[str | None, list[LicenseEvidence]]:
    """The normalised project license and every raw statement it was read from."""
    evidence: list[LicenseEvidence] = []
    expression = license_text = None
    declared = project.get("license")
    at = doc.at(doc.lines.locate(PROJECT, "license"))
    if isinstance(declared, str):
        expression = declared
        evidence.append(LicenseEvidence(kind="expression", value=declared, location=at))
    elif isinstance(declared, dict):
        license_text = text(declared, "text")
        if license_text:
            evidence.append(LicenseEvidence(kind="license", value=license_text, location=at))
        if file := text(declared, "file"):
            file = posixpath.normpath(str(doc.rel.parent / file))
            evidence.append(LicenseEvidence(kind="license-file", value=file, location=at))
    at = doc.at(doc.lines.locate(PROJECT, "license-files"))
    evidence.extend(
        LicenseEvidence(kind="license-file", value=str(path), location=at)
        for path in license_files(doc, project.get("license-files"), ctx.files)
    )
    if poetry_license := text(poetry, "license"):
        license_text = license_text or poetry_license
        at = doc.at(doc.lines.locate(POETRY, "license"))
        evidence.append(LicenseEvidence(kind="license", value=poetry_license, location=at))
    classifiers = [
        c
        for c in (project.get("classifiers") or poetry.get("classifiers") or [])
        if isinstance(c, str) and is_license_classifier(c)
    ]
    where = PROJECT if project.get("classifiers") else POETRY
    for classifier in classifiers:
        at = doc.at(doc.lines.locate(where, "classifiers", classifier))
        evidence.append(LicenseEvidence(kind="classifier", value=classifier, location=at))
    normalized = from_metadata(
        expression=expression, license_field=license_text, classifiers=classifiers
    )
    return normalized, evidence


def license_files(
    doc: Doc, patterns: object, files: AbstractSet[PurePosixPath]
) -> list[PurePosixPath]:
    """Files of the scanned tree that PEP 639 `license-files` globs select (sorted)."""
    if not isinstance(patterns, list):
        return []
    base = doc.rel.parent
    regexes = [glob_regex(p) for p in patterns if isinstance(p, str)]
    at_root = base == PurePosixPath(".")
    inside = (p for p in files if at_root or p.is_relative_to(base))
    return sorted(
        p
        for p in inside
        if any(r.fullmatch(str(p if at_root else p.relative_to(base))) for r in regexes)
    )


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A PEP 639 glob as a regex: `*` and `?` stay within one directory, `**` spans them."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] in "*?":
            out.append("[^/]*" if pattern[i] == "*" else "[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def requirements(
    doc: Doc, value: object, where: Sequence[str], key: str, group: str | None = None
) -> Iterator[Record]:
    """Records for an array of PEP 508 strings at `where`.`key`."""
    if value is None:
        return
    if not isinstance(value, list):
        line = doc.lines.locate(where, key)
        yield Problem(location=doc.at(line), message=f"`{key}` is not an array of requirements")
        return
    for item in value:
        if isinstance(item, str):
            yield from requirement(doc, item, doc.lines.locate(where, key, item), (group,))
        else:
            line = doc.lines.locate(where, key)
            yield Problem(location=doc.at(line), message=f"`{key}` holds a non-string {item!r}")


def requirement(
    doc: Doc,
    spec: str,
    line: int | None,
    groups: Sequence[str | None] = (None,),
    properties: tuple[tuple[str, str], ...] = (),
) -> Iterator[Record]:
    """Records for one requirement (one edge per group); a bad one becomes a Problem."""
    records = requirement_or_problem(
        spec,
        parent=doc.parent,
        location=doc.at(line),
        origin=NAME,
        manifest_kind=NAME,
        group=groups[0],
        properties=properties,
    )
    for record in records:
        yield record
        if isinstance(record, Edge):
            yield from (dataclasses.replace(record, group=g) for g in groups[1:])


def dependency_groups(doc: Doc, data: Table, max_depth: int) -> Iterator[Record]:
    """PEP 735 `[dependency-groups]`, with `include-group` expanded (cycle-safe)."""
    groups = data.get("dependency-groups")
    if groups is None:
        return
    if not isinstance(groups, dict):
        line = doc.lines.locate((), "dependency-groups")
        yield Problem(location=doc.at(line), message="`dependency-groups` is not a table")
        return
    for name in groups:
        label = f"group:{canonicalize_name(name)}"
        yield from group_members(doc, groups, name, label, (), max_depth)


def group_members(
    doc: Doc, groups: Table, name: str, label: str, seen: tuple[str, ...], max_depth: int
) -> Iterator[Record]:
    """Requirements of group `name` (and of the groups it includes) as members of `label`."""
    where = ("dependency-groups",)
    seen = (*seen, canonicalize_name(name))
    items = groups[name]
    if not isinstance(items, list):
        line = doc.lines.locate(where, name)
        yield Problem(location=doc.at(line), message=f"dependency group {name!r} is not an array")
        return
    for item in items:
        include = item.get("include-group") if isinstance(item, dict) else None
        if isinstance(item, str):
            yield from requirement(doc, item, doc.lines.locate(where, name, item), (label,))
        elif isinstance(include, str):
            line = doc.lines.locate(where, name, include)
            target = next(
                (g for g in groups if canonicalize_name(g) == canonicalize_name(include)), None
            )
            if target is None:
                reason = f"dependency group {name!r} includes unknown group {include!r}"
            elif canonicalize_name(include) in seen:
                reason = f"dependency group {include!r} includes itself; the cycle is not followed"
            elif len(seen) > max_depth:
                reason = f"dependency group includes nest deeper than {max_depth}; not followed"
            else:
                yield from group_members(doc, groups, target, label, seen, max_depth)
                continue
            yield Problem(location=doc.at(line), message=reason)
        else:
            line = doc.lines.locate(where, name)
            yield Problem(location=doc.at(line), message=f"unreadable entry in group {name!r}")


def uv_settings(doc: Doc, uv: Table) -> Iterator[Record]:
    """uv's legacy dev-dependencies, its indexes and its per-package git / URL sources."""
    yield from requirements(doc, uv.get("dev-dependencies"), UV, "dev-dependencies", "group:dev")
    # uv's default `first-index` strategy takes a package from the first index that has it,
    # so its extra indexes are priority indexes; `unsafe-*` strategies search them all
    # the way pip's --extra-index-url does
    strategy = text(uv, "index-strategy") or "first-index"
    extra = "extra-index-url" if strategy.startswith("unsafe") else "priority-index"
    indexes = uv.get("index")
    for nth, index in enumerate(indexes if isinstance(indexes, list) else []):
        if isinstance(index, dict) and (url := text(index, "url")):
            kind = "index-url" if index.get("default") is True else extra
            kind = "explicit-index" if index.get("explicit") is True else kind
            line = doc.lines.locate((*UV, "index"), "url", nth=nth)
            yield index_url(doc, url, kind, line)
    for key in ("index-url", "extra-index-url", "find-links", "allow-insecure-host"):
        values = uv.get(key)  # pip-style settings
        values = [values] if isinstance(values, str) else values
        kind = {"extra-index-url": extra, "allow-insecure-host": "trusted-host"}.get(key, key)
        for url in values if isinstance(values, list) else []:
            if isinstance(url, str):
                line = doc.lines.locate(UV, key, url)
                yield index_url(doc, url, kind, line)
    for name, spec in table(uv, "sources").items():
        for item in spec if isinstance(spec, list) else [spec]:
            yield from uv_source(doc, name, item)


def uv_source(doc: Doc, name: str, item: object) -> Iterator[Record]:
    """A `[tool.uv.sources]` git or URL source: where the package really comes from."""
    if not isinstance(item, dict) or not (item.get("git") or item.get("url")):
        return
    line = doc.lines.locate((*UV, "sources"), name)
    try:
        url = direct_url(item)
    except PoetrySpecError as exc:
        yield Problem(location=doc.at(line), message=f"uv source for {name!r}: {exc}")
        return
    kind = "vcs" if item.get("git") else "distribution"
    yield Component(
        bom_ref=pypi_ref(name),
        type=ComponentType.LIBRARY,
        name=name,
        purl=pypi_purl(name),
        locations=(doc.at(line),),
        origin=NAME,
        external_refs=(ExternalRef(type=kind, url=redact(url or "")),),
    )
    yield DeclaredRequirement(
        component=pypi_ref(name),
        specifier="",
        pinned=FULL_COMMIT.fullmatch(text(item, "rev") or "") is not None,
        manifest_kind=NAME,
        location=doc.at(line),
        url=redact(url or ""),
    )


def poetry_dependencies(doc: Doc, project: Table, poetry: Table) -> Iterator[Record]:
    """Poetry's dependency tables, groups, extras and package sources.

    As in Poetry 2, `[tool.poetry.dependencies]` only counts when `[project]` does not list
    dependencies (or marks them dynamic), and `[tool.poetry.extras]` only without PEP 621 ones.
    """
    pep621 = "dependencies" in project or "optional-dependencies" in project
    extras = {} if pep621 else extras_by_dependency(table(poetry, "extras"))
    if "dependencies" not in project or "dependencies" in (project.get("dynamic") or []):
        yield from poetry_table(doc, poetry, ("dependencies",), None, extras)
    yield from poetry_table(doc, poetry, ("dev-dependencies",), "group:dev", {})
    for name in table(poetry, "group"):
        group = f"group:{canonicalize_name(name)}"
        yield from poetry_table(doc, poetry, ("group", name, "dependencies"), group, {})
    sources = poetry.get("source")
    for nth, source in enumerate(sources if isinstance(sources, list) else []):
        if isinstance(source, dict) and (url := text(source, "url")):
            line = doc.lines.locate((*POETRY, "source"), "url", nth=nth)
            yield index_url(doc, url, source_kind(source), line)


def poetry_table(
    doc: Doc, poetry: Table, keys: tuple[str, ...], group: str | None, extras: dict[str, list[str]]
) -> Iterator[Record]:
    """Records of one Poetry dependency table under `[tool.poetry]`."""
    where = (*POETRY, *keys)
    deps = table(poetry, *keys[:-1]).get(keys[-1])
    if deps is None:
        return
    if not isinstance(deps, dict):
        line = doc.lines.locate(where[:-1], where[-1])
        yield Problem(location=doc.at(line), message=f"`{'.'.join(where)}` is not a table")
        return
    for entry in entries(deps, group, extras):
        line = doc.lines.locate(where, entry.key)
        if entry.problem:
            message = f"Poetry dependency {entry.key!r}: {entry.problem}"
            yield Problem(location=doc.at(line), message=message)
        if entry.requirement:
            yield from requirement(doc, entry.requirement, line, entry.groups, entry.properties)


def index_url(doc: Doc, url: str, kind: str, line: int | None) -> IndexUrl:
    """An index URL observation, with any literal password in the URL masked."""
    return IndexUrl(url=redact(url), kind=kind, location=doc.at(line))


def text(data: Table, key: str) -> str | None:
    """A non-empty string value, else None."""
    value = data.get(key)
    return value.strip() or None if isinstance(value, str) else None
