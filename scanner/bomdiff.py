"""`aibom diff OLD NEW`: what changed in the supply chain between two CycloneDX JSON BOMs.

Components are matched by identity without version (purl type/namespace/name, else the
component's name and type), so a version bump is a change, not a removal plus an addition.
Works on any CycloneDX JSON, not only aibom's; nested components are included.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from packageurl import PackageURL

from licenses.knowledge import facts
from scanner.errors import InputError

MAX_BOM_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
"""Nesting of components followed in a BOM given to `aibom diff`: a recursion guard on the
user's own file (not found in the scanned tree), not a user limit."""
LICENSE_TOKEN = re.compile(r"[A-Za-z0-9.+\-:]+")
OPERATORS = frozenset({"AND", "OR", "WITH"})
REVISION_PROPERTY = "aibom:revision"


class ChangeKind(StrEnum):
    """What `--fail-on-change` can name."""

    ADDED = "added"
    REMOVED = "removed"
    VERSION = "version"
    LICENSE = "license"
    LICENSE_CATEGORY = "license-category"
    HASH = "hash"
    REVISION = "revision"


@dataclass(frozen=True, slots=True, kw_only=True)
class BomComponent:
    """The parts of a CycloneDX component a reviewer compares."""

    key: str
    name: str
    type: str
    version: str | None
    license: str | None
    hashes: tuple[tuple[str, str], ...]
    revision: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One difference: `old`/`new` are the values compared (None when absent)."""

    kind: ChangeKind
    key: str
    name: str
    old: str | None = None
    new: str | None = None


def load_bom(path: Path) -> dict[str, BomComponent]:
    """Components of a CycloneDX JSON file by identity key; InputError when it is not one."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BOM_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    if len(data) > MAX_BOM_BYTES:
        raise InputError(f"{path}: larger than the {MAX_BOM_BYTES:,}-byte limit for BOMs")
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        raise InputError(f"{path}: not a CycloneDX JSON BOM (no bomFormat CycloneDX)")
    comps = [_component(raw) for raw in _walk(document.get("components"), 0)]
    repeated = {k for k, n in Counter(c.key for c in comps).items() if n > 1}
    found: dict[str, BomComponent] = {}
    for comp in comps:
        if comp.key in repeated:  # e.g. one model at two revisions: keep both, by version
            comp = replace(comp, key=f"{comp.key}@{comp.version}")
        found.setdefault(comp.key, comp)
    return found


def _walk(items: Any, depth: int) -> Iterator[dict[str, Any]]:
    if not isinstance(items, list) or depth > MAX_DEPTH:
        return
    for item in items:
        if isinstance(item, dict):
            yield item
            yield from _walk(item.get("components"), depth + 1)


def _component(raw: dict[str, Any]) -> BomComponent:
    name = str(raw.get("name", ""))
    type_ = str(raw.get("type", ""))
    version = raw.get("version")
    return BomComponent(
        key=identity_key(raw.get("purl"), name, type_, raw.get("bom-ref")),
        name=name,
        type=type_,
        version=str(version) if version is not None else None,
        license=license_of(raw.get("licenses")),
        hashes=tuple(
            sorted(
                (str(h.get("alg")), str(h.get("content")))
                for h in raw.get("hashes") or ()
                if isinstance(h, dict)
            )
        ),
        revision=_property(raw.get("properties"), REVISION_PROPERTY),
    )


def identity_key(purl: Any, name: str, type_: str, bom_ref: Any) -> str:
    """Versionless identity: a purl without version/qualifiers, else type and name."""
    if isinstance(purl, str):
        try:
            parsed = PackageURL.from_string(purl)
            return PackageURL(
                type=parsed.type, namespace=parsed.namespace, name=parsed.name
            ).to_string()
        except (ValueError, TypeError):  # not a purl, or one packageurl reads without a name
            pass
    if name:
        return f"{type_}:{name}"
    return f"bom-ref:{bom_ref}"


def license_of(licenses: Any) -> str | None:
    """One expression for a CycloneDX `licenses` array (several entries are ANDed)."""
    if not isinstance(licenses, list):
        return None
    parts: list[str] = []
    for entry in licenses:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("expression"), str):
            parts.append(entry["expression"])
        elif isinstance(entry.get("license"), dict):
            lic = entry["license"]
            value = lic.get("id") or lic.get("name")
            if isinstance(value, str):
                parts.append(value)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({p})" if " " in p else p for p in parts)


def _property(properties: Any, name: str) -> str | None:
    for prop in properties or ():
        if isinstance(prop, dict) and prop.get("name") == name:
            value = prop.get("value")
            return str(value) if value is not None else None
    return None


def categories(expression: str | None) -> frozenset[str]:
    """ScanCode categories of the license ids in an expression ("Unknown" when none)."""
    if not expression:
        return frozenset({"Unknown"})
    found = set()
    for token in LICENSE_TOKEN.findall(expression):
        if token.upper() in OPERATORS:
            continue
        known = facts(token)
        found.add(known.category if known and known.category else "Unknown")
    return frozenset(found)


def diff(old: dict[str, BomComponent], new: dict[str, BomComponent]) -> tuple[Change, ...]:
    """Every change, sorted by component key then kind."""
    changes: list[Change] = []
    for key in sorted(new.keys() - old.keys()):
        comp = new[key]
        changes.append(Change(kind=ChangeKind.ADDED, key=key, name=comp.name, new=comp.version))
    for key in sorted(old.keys() - new.keys()):
        comp = old[key]
        changes.append(Change(kind=ChangeKind.REMOVED, key=key, name=comp.name, old=comp.version))
    for key in sorted(old.keys() & new.keys()):
        changes.extend(_changed(old[key], new[key]))
    old_categories = frozenset().union(*(categories(c.license) for c in old.values()))
    changes.extend(
        Change(
            kind=ChangeKind.LICENSE_CATEGORY,
            key=key,
            name=new[key].name,
            new=f"{category} ({new[key].license or 'no license'})",
        )
        for key in sorted(new)
        for category in sorted(categories(new[key].license) - old_categories)
    )
    return tuple(sorted(changes, key=lambda c: (c.key, list(ChangeKind).index(c.kind))))


def _changed(old: BomComponent, new: BomComponent) -> Iterator[Change]:
    pairs = (
        (ChangeKind.VERSION, old.version, new.version),
        (ChangeKind.LICENSE, old.license, new.license),
        (ChangeKind.REVISION, old.revision, new.revision),
    )
    for kind, before, after in pairs:
        if before != after:
            yield Change(kind=kind, key=new.key, name=new.name, old=before, new=after)
    old_hashes, new_hashes = dict(old.hashes), dict(new.hashes)
    for alg in sorted(old_hashes.keys() & new_hashes.keys()):
        if old_hashes[alg] != new_hashes[alg]:
            yield Change(
                kind=ChangeKind.HASH,
                key=new.key,
                name=new.name,
                old=f"{alg}:{old_hashes[alg]}",
                new=f"{alg}:{new_hashes[alg]}",
            )
