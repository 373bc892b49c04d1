"""Pipfile.lock (pipenv, pipfile-spec 6): every locked package, its pin, hashes and index.

A Pipfile.lock is flat: `default` and `develop` map each package to its pin, but record no
dependency tree. So every package gets an edge from the project (develop ones in group
`group:dev`) carrying its markers and extras, and the property `aibom:graph = flat-lock`
says those edges are not the real tree; another source (an environment, pyproject.toml)
may add the real one. `_meta.sources` become index URLs: the first is the index pipenv
installs from, the others extra indexes. The lock lists hashes without file names, so every
hash goes into the component's hashes as well as into a `DeclaredDigest`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref, pypi_purl, pypi_ref
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Hash,
    IndexUrl,
    Location,
    Problem,
    Record,
)
from scanner.sources.base import project_parent, redact
from scanner.sources.lockfile import digest_records, hash_of, local_dir, normal_marker, vcs_url
from scanner.walk import EntryKind, WalkEntry

SECTIONS = (("default", None), ("develop", "group:dev"))
"""Lock sections in file order, with the edge group each one's packages get."""

KEY_LINE = re.compile(r'^(\s*)"((?:[^"\\]|\\.)*)"\s*:')
VCS_KEYS = ("git", "hg", "svn", "bzr")


@dataclass(frozen=True, slots=True)
class PipfileLockSource:
    """pipenv's lock file."""

    name: str = "Pipfile.lock"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"lock"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named `Pipfile.lock`."""
        return entry.kind is EntryKind.FILE and entry.name == "Pipfile.lock"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Index URLs from `_meta`, then each package of `default` and `develop`."""
        rel = entry.rel
        data = ctx.json(rel)
        if not isinstance(data, dict):
            raise SourceError(rel, "the top level is not a JSON object; not a Pipfile.lock")
        if not any(key in data for key in ("_meta", "default", "develop")):
            raise SourceError(rel, "no _meta, default or develop keys; not a Pipfile.lock")
        text = ctx.read_text(rel)
        lines = key_lines(text)
        meta = data.get("_meta", {})
        sources = meta.get("sources", []) if isinstance(meta, dict) else []
        indexes = yield from index_records(sources, rel, text, lines.get(("_meta", "sources")))
        parent = project_parent(entry, ctx)
        for section, group in SECTIONS:
            packages = data.get(section, {})
            if not isinstance(packages, dict):
                yield Problem(
                    location=Location(file=rel, line=lines.get((section,))),
                    message=f"`{section}` is not an object; its packages were not read",
                )
                continue
            for name, info in sorted(packages.items()):
                location = Location(file=rel, line=lines.get((section, name)))
                if not isinstance(info, dict):
                    yield Problem(location=location, message=f"{name}: entry is not an object")
                    continue
                if not name.strip():
                    yield Problem(location=location, message="a package with an empty name")
                    continue
                yield from package_records(
                    Entry(name, info, section, group, location), parent, indexes, ctx, self.name
                )


@dataclass(frozen=True, slots=True)
class Entry:
    """One package of a lock section, where it was written."""

    name: str
    info: dict[str, Any]
    section: str
    group: str | None
    location: Location


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """1-based line of each `"key":` as a path of keys (`("default", "requests")`).

    Works on pipenv's one-key-per-line layout; a minified file simply yields no lines.
    """
    lines: dict[tuple[str, ...], int] = {}
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = KEY_LINE.match(line)
        if match is None:
            continue
        indent = len(match.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match.group(2)))
        lines.setdefault(tuple(key for _, key in stack), number)
    return lines


def index_records(
    sources: Any, rel: PurePosixPath, text: str, line: int | None
) -> Generator[Record, None, dict[str, str]]:
    """An IndexUrl per `_meta.sources` entry (at its `"url"` line); returns name -> URL."""
    indexes: dict[str, str] = {}
    for position, source in enumerate(sources if isinstance(sources, list) else []):
        raw = source.get("url") if isinstance(source, dict) else None
        if not isinstance(raw, str) or not raw:
            yield Problem(
                location=Location(file=rel, line=line), message="a source without a URL; skipped"
            )
            continue
        url = redact(raw)
        name = source.get("name")
        if isinstance(name, str):
            indexes[name] = url
        kind = "index-url" if position == 0 else "extra-index-url"
        where = Location(file=rel, line=line_of(text, json.dumps(raw)) or line)
        yield IndexUrl(url=url, kind=kind, location=where)
        if source.get("verify_ssl") is False:  # pipenv passes it as --trusted-host
            yield IndexUrl(url=url, kind="trusted-host", location=where)
    return indexes


def line_of(text: str, needle: str) -> int | None:
    """1-based line of the first occurrence of `needle` in `text`."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def package_records(
    entry: Entry, parent: str, indexes: dict[str, str], ctx: ScanContext, origin: str
) -> Iterator[Record]:
    """Component, digests and edge from the project of one package."""
    info = entry.info
    version = pinned_version(info.get("version"))
    refs, props = reference(info, indexes)
    ref = pypi_ref(entry.name, version)
    local = directory_path(info.get("path"), entry.location.file, ctx)
    if local is not None:
        ref = project_ref(local)
    if info.get("editable") is True:
        props.append(("aibom:editable", "true"))
    hashes, bad = hash_list(info.get("hashes"))
    if bad:
        yield Problem(location=entry.location, message=f"{entry.name}: unreadable hash {bad!r}")
    spec = info.get("version")
    yield Component(
        bom_ref=ref,
        type=ComponentType.APPLICATION if local else ComponentType.LIBRARY,
        name=entry.name,
        version=version,
        version_spec=spec if isinstance(spec, str) and spec not in ("", "*") else None,
        purl=None if local else pypi_purl(entry.name, version),
        hashes=hashes,
        locations=(entry.location,),
        origin=origin,
        external_refs=refs,
        properties=tuple(
            sorted({*props, ("aibom:graph", "flat-lock"), ("aibom:groups", entry.section)})
        ),
    )
    yield from digest_records(ref, hashes, entry.location)
    marker, problem = marker_of(info.get("markers"))
    if problem:
        yield Problem(location=entry.location, message=f"{entry.name}: {problem}")
    extras = info.get("extras")
    yield Edge(
        parent=parent,
        child=ref,
        marker=marker,
        extras=tuple(sorted({str(e) for e in extras})) if isinstance(extras, list) else (),
        group=entry.group,
    )


def pinned_version(spec: Any) -> str | None:
    """`==1.2.3` / `===1.2.3` -> `1.2.3`; anything else (`*`, a range, none) -> None."""
    if not isinstance(spec, str):
        return None
    spec = spec.strip()
    for op in ("===", "=="):
        if spec.startswith(op) and not spec.endswith(".*"):
            return spec.removeprefix(op).strip() or None
    return None


def hash_list(values: Any) -> tuple[tuple[Hash, ...], str | None]:
    """The readable `sha256:...` hashes, and the first unreadable one (if any)."""
    hashes: set[Hash] = set()
    bad: str | None = None
    for value in values if isinstance(values, list) else []:
        digest = hash_of(value)
        if digest is None:
            bad = bad or str(value)
            continue
        hashes.add(digest)
    return tuple(sorted(hashes)), bad


def marker_of(text: Any) -> tuple[str | None, str | None]:
    """(normalised marker, problem): an unreadable marker is kept as written."""
    if not isinstance(text, str) or not text.strip():
        return None, None
    return normal_marker(text)


def reference(
    info: dict[str, Any], indexes: dict[str, str]
) -> tuple[tuple[ExternalRef, ...], list[tuple[str, str]]]:
    """External references and properties of a VCS, file, path or index pin."""
    for vcs in VCS_KEYS:
        url = info.get(vcs)
        if isinstance(url, str) and url:
            commit, sub = info.get("ref"), info.get("subdirectory")
            full = vcs_url(
                vcs,
                redact(url),
                commit if isinstance(commit, str) and commit else None,
                sub if isinstance(sub, str) and sub else None,
            )
            return (ExternalRef(type="vcs", url=full),), [("aibom:source", vcs)]
    file = info.get("file")
    if isinstance(file, str) and file:
        file = redact(file)
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", file) and not file.startswith("file:"):
            return (ExternalRef(type="distribution", url=file),), [("aibom:source", "url")]
        return (), [("aibom:source", "file"), ("aibom:path", file)]
    path = info.get("path")
    if isinstance(path, str) and path:
        return (), [("aibom:source", "path"), ("aibom:path", path)]
    index = info.get("index")
    if isinstance(index, str) and index in indexes:
        comment = f"package index {index}"
        return (ExternalRef(type="distribution", url=indexes[index], comment=comment),), []
    return (), []


def directory_path(path: Any, rel: PurePosixPath, ctx: ScanContext) -> PurePosixPath | None:
    """A `path` entry naming a (sub-)project directory inside the scanned root."""
    joined = local_dir(rel, path) if isinstance(path, str) and path else None
    return joined if joined in ctx.project_dirs else None
