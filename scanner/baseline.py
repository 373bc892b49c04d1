"""A previous AI-BOM as a recorder of digests: `aibom scan --baseline BOM.json`.

Any CycloneDX JSON is read (ours or another tool's), within a size cap and validated only
as far as this needs: an object, `bomFormat` CycloneDX when present, components as objects.
Each baseline component is matched to a component of the current scan by bom-ref, else
purl, else file path (`name` of a `file` component, or an `aibom:path` property), and only
when the match is unique. Its hashes become `DeclaredDigest`s of the current *file*
component (a package's hashes are declarations, not computed digests, so they are not
re-declared); the `hash-mismatch` check compares them with what the scan computed.
Baseline components that match nothing are skipped: a removed file is a diff, not a mismatch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.errors import InputError
from scanner.hashing import canonical_alg
from scanner.identity import canonical_purl
from scanner.model import Component, ComponentType, DeclaredDigest, Location, Problem

MAX_BASELINE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
"""Nesting of components followed in the `--baseline` BOM: a guard on the user's own file
(given on the command line, not found in the scanned tree), not a user limit."""
MAX_COMPONENTS = 1_000_000
PATH_PROPERTY = "aibom:path"
HEX = re.compile(r"[0-9a-fA-F]{32,128}")


def read_baseline(
    path: Path, *, source: PurePosixPath | None = None, limit: int = MAX_BASELINE_BYTES
) -> dict[str, Any]:
    """The baseline document, read within `limit` and checked to be CycloneDX JSON.

    Raises InputError (exit 2) when it cannot be read, is too large or is no CycloneDX JSON:
    read it before scanning so that a wrong `--baseline` fails fast. `source` is how
    messages name the file (default: the path as given).
    """
    where = source if source is not None else PurePosixPath(path.as_posix())
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{where}: baseline cannot be read: {exc.strerror}") from exc
    return parse_baseline(data, where, limit)


def baseline_digests(
    bom_json: str | bytes | Mapping[str, Any],
    components: Iterable[Component],
    *,
    source: PurePosixPath,
    limit: int = MAX_BASELINE_BYTES,
) -> Iterator[DeclaredDigest | Problem]:
    """DeclaredDigests for the current file components a baseline BOM recorded hashes for.

    `bom_json` is the document's text (or what `read_baseline` returned); `components` are
    the current scan's (nested ones are searched too). A document that is not CycloneDX
    JSON raises InputError; a malformed entry is a Problem.
    """
    document = (
        bom_json if isinstance(bom_json, Mapping) else parse_baseline(bom_json, source, limit)
    )
    index = Index.of(components)
    location = Location(file=source)
    for entry in _entries(document):
        ref = index.match(entry)
        if ref is None:
            continue
        yield from _digests(entry, ref, location)


def parse_baseline(bom_json: str | bytes, source: PurePosixPath, limit: int) -> dict[str, Any]:
    """The parsed document; InputError unless it is a CycloneDX JSON object within `limit`."""
    if len(bom_json) > limit:
        raise InputError(f"{source}: baseline larger than the {limit:,}-byte limit")
    try:
        document = json.loads(bom_json)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError(f"{source}: baseline is not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise InputError(f"{source}: baseline is not a CycloneDX JSON object")
    if document.get("bomFormat", "CycloneDX") != "CycloneDX":
        raise InputError(
            f"{source}: baseline is not CycloneDX (bomFormat {document['bomFormat']!r})"
        )
    return document


def _entries(document: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every component object: metadata's, top-level and nested, depth- and count-capped."""
    metadata = document.get("metadata")
    top = metadata.get("component") if isinstance(metadata, dict) else None
    stack: list[tuple[Any, int]] = [(top, 0)] if top is not None else []
    listed = document.get("components")
    if isinstance(listed, list):
        stack.extend((c, 0) for c in reversed(listed))
    count = 0
    while stack and count < MAX_COMPONENTS:
        item, depth = stack.pop()
        if not isinstance(item, dict):
            continue
        count += 1
        yield item
        nested = item.get("components")
        if isinstance(nested, list) and depth < MAX_DEPTH:
            stack.extend((c, depth + 1) for c in reversed(nested))


def _digests(
    entry: dict[str, Any], ref: str, location: Location
) -> Iterator[DeclaredDigest | Problem]:
    hashes = entry.get("hashes")
    for item in hashes if isinstance(hashes, list) else ():
        alg = item.get("alg") if isinstance(item, dict) else None
        content = item.get("content") if isinstance(item, dict) else None
        known = canonical_alg(alg) if isinstance(alg, str) else None
        if known is None or not isinstance(content, str) or not HEX.fullmatch(content):
            yield Problem(
                location=location,
                message=f"baseline component {entry.get('bom-ref') or entry.get('name')!r}: "
                f"hash {item!r:.120} is not a known algorithm and hex digest; ignored",
            )
            continue
        yield DeclaredDigest(
            component=ref, algorithm=known, digest=content.lower(), location=location
        )


@dataclass(slots=True)
class Index:
    """The current scan's file components by bom-ref, purl and path (unique matches only)."""

    refs: dict[str, Component] = field(default_factory=dict)
    purls: dict[str, set[str]] = field(default_factory=dict)
    paths: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, components: Iterable[Component]) -> Index:
        """Index every component, nested ones too."""
        index = cls()
        stack = [(comp, 0) for comp in components]
        while stack:
            comp, depth = stack.pop()
            index.add(comp)
            if depth < MAX_DEPTH:
                stack.extend((child, depth + 1) for child in comp.nested)
        return index

    def add(self, comp: Component) -> None:
        """One component: its ref, and for a file its purl and paths."""
        self.refs.setdefault(comp.bom_ref, comp)
        if comp.type is not ComponentType.FILE:
            return
        if (purl := canonical_purl(comp.purl)) is not None:
            self.purls.setdefault(purl, set()).add(comp.bom_ref)
        for path in {comp.name, *(v for k, v in comp.properties if k == PATH_PROPERTY)}:
            self.paths.setdefault(_norm(path), set()).add(comp.bom_ref)

    def match(self, entry: dict[str, Any]) -> str | None:
        """The ref of the current file component `entry` describes, or None."""
        ref = entry.get("bom-ref")
        if isinstance(ref, str) and ref in self.refs:
            found = self.refs[ref]
            return ref if found.type is ComponentType.FILE else None
        purl = canonical_purl(entry.get("purl"))
        if purl is not None and (found_ref := _unique(self.purls.get(purl))) is not None:
            return found_ref
        for path in _entry_paths(entry):
            if (found_ref := _unique(self.paths.get(path))) is not None:
                return found_ref
        return None


def _entry_paths(entry: dict[str, Any]) -> Iterator[str]:
    if entry.get("type") == "file" and isinstance(entry.get("name"), str):
        yield _norm(entry["name"])
    properties = entry.get("properties")
    for prop in properties if isinstance(properties, list) else ():
        value = prop.get("value") if isinstance(prop, dict) else None
        if isinstance(value, str) and prop.get("name") == PATH_PROPERTY:
            yield _norm(value)


def _unique(refs: set[str] | None) -> str | None:
    return next(iter(refs)) if refs and len(refs) == 1 else None


def _norm(path: str) -> str:
    return str(PurePosixPath(path.replace("\\", "/")))
