"""Pipenv's `Pipfile`: `[packages]`, `[dev-packages]`, custom categories and `[[source]]`.

`[packages]` are required; `[dev-packages]` are `group:dev` and any other category table
(pipenv 2022.10+) is `group:<name>`. Entries are `"*"`, a PEP 440 specifier, or a table
with `version`, `extras`, `markers` (and pipenv's per-variable marker keys such as
`sys_platform = "== 'win32'"`), `git` + `ref`, `path`, `file`, `editable` and `index`.
The first `[[source]]` is the index (`index-url`), later ones `extra-index-url`; a source
with `verify_ssl = false` is also a `trusted-host`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from packaging.utils import canonicalize_name

from scanner.model import IndexUrl, Location, Problem, Record
from scanner.sources.base import (
    EntryKind,
    ScanContext,
    WalkEntry,
    project_parent,
    redact,
    requirement_or_problem,
)
from scanner.sources.poetryspec import and_markers, string, with_extras
from scanner.sources.tomllines import TomlLines

NAME = "Pipfile"
NOT_CATEGORIES = frozenset({"source", "requires", "pipenv", "scripts"})
MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)


@dataclass(frozen=True, slots=True)
class PipfileSource:
    """The packages a Pipfile declares, by category, and its package indexes."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"pipfile"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named exactly `Pipfile` (the lock is another source's)."""
        return entry.kind is EntryKind.FILE and entry.name == "Pipfile"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Index URLs, then each category's packages with edges from the project."""
        data = ctx.toml(entry.rel, path=entry.path)
        lines = TomlLines(ctx.read_text(entry.rel, path=entry.path))
        sources = data.get("source")
        for nth, source in enumerate(sources if isinstance(sources, list) else []):
            url = source.get("url") if isinstance(source, dict) else None
            if isinstance(url, str) and url:
                kind = "index-url" if nth == 0 else "extra-index-url"
                location = Location(file=entry.rel, line=lines.locate(("source",), "url", nth=nth))
                yield IndexUrl(url=redact(url), kind=kind, location=location)
                if source.get("verify_ssl") is False:  # pipenv passes it as --trusted-host
                    yield IndexUrl(url=redact(url), kind="trusted-host", location=location)
        parent = project_parent(entry, ctx)
        for category, packages in data.items():
            if category in NOT_CATEGORIES or not isinstance(packages, dict):
                continue
            group = category_group(category)
            for name, value in packages.items():
                location = Location(file=entry.rel, line=lines.locate((category,), name))
                yield from package_records(name, value, parent, location, group)


def category_group(category: str) -> str | None:
    """`packages` is required, `dev-packages` is `group:dev`, others `group:<name>`."""
    if category == "packages":
        return None
    if category == "dev-packages":
        return "group:dev"
    return f"group:{canonicalize_name(category)}"


def package_records(
    name: str, value: object, parent: str, location: Location, group: str | None
) -> Iterator[Record]:
    """Records of one Pipfile entry; an unreadable one becomes a Problem."""
    try:
        requirement = to_requirement(name, value)
        properties = entry_properties(value) if isinstance(value, dict) else ()
    except ValueError as exc:
        yield Problem(location=location, message=f"Pipfile entry {name!r}: {exc}")
        return
    yield from requirement_or_problem(
        requirement,
        parent=parent,
        location=location,
        origin=NAME,
        manifest_kind=NAME,
        group=group,
        properties=properties,
        describe=lambda reason, _: f"Pipfile entry {name!r}: {reason}",
    )


def to_requirement(name: str, value: object) -> str:
    """A Pipfile entry as a PEP 508 requirement string (ValueError if it is not one)."""
    if isinstance(value, str):
        return name + specifier(value)
    if not isinstance(value, dict):
        raise ValueError(f"expected a version string or a table, found {value!r}")
    head = with_extras(name, value)
    url = direct_url(value)
    head = f"{head} @ {url}" if url else head + specifier(string(value, "version") or "*")
    markers = [string(value, "markers") or ""]
    markers += [f"{key} {value[key].strip()}" for key in MARKER_KEYS if string(value, key)]
    joined = and_markers(markers)
    return f"{head} ; {joined}" if joined else head


def specifier(version: str) -> str:
    """`*` means any version; a bare version means exactly that version."""
    version = version.strip()
    if version in ("", "*"):
        return ""
    return version if version[0] in "=<>!~" else f"=={version}"


def direct_url(table: Mapping[str, Any]) -> str | None:
    """The PEP 508 URL of a `git`, `path` or `file` entry."""
    if git := string(table, "git"):
        url = git if git.startswith("git+") else f"git+{git}"
        ref = string(table, "ref")
        url = f"{url}@{ref}" if ref else url
    elif path := string(table, "path"):
        url = path if "://" in path else f"file:{path}"
    elif file := string(table, "file"):
        url = file
    else:
        return None
    subdirectory = string(table, "subdirectory")
    return f"{url}#subdirectory={subdirectory}" if subdirectory else url


def entry_properties(table: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Editable installs and index pins, kept as component properties."""
    properties = []
    if table.get("editable") is True:
        properties.append(("aibom:pipfile:editable", "true"))
    if index := string(table, "index"):
        properties.append(("aibom:pipfile:index", index))
    return tuple(properties)
