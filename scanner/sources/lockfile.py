"""Helpers the lockfile sources share; not a plug-in (it has no `collect`).

uv.lock, pdm.lock, pylock.toml, poetry.lock and Pipfile.lock differ in layout but not in the
small chores of reading one: coercing loosely typed values, finding where entries and digests
are written, turning digests into `Hash` and `DeclaredDigest` records, choosing the artifact
whose digest is the component's, resolving a local path to a project directory, and writing
VCS URLs and extra markers the way every lock source spells them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol, TypeVar

from packaging.markers import InvalidMarker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from scanner import pep508
from scanner.context import ScanContext, parse_toml
from scanner.hashing import parse_hash
from scanner.model import DeclaredDigest, Hash, Location

NAME_KEY = re.compile(r"^\s*name\s*=")
DIGEST = re.compile(r"\b[0-9a-f]{32,128}\b")
DIGEST_BYTES = re.compile(rb"\b[0-9a-f]{32,128}\b")
ASCII_ONLY_STR_BREAKS = "\x0b\x0c\x1c\x1d\x1e"
"""ASCII characters `str.splitlines` ends a line at and `bytes.splitlines` does not."""


def load_toml(rel: PurePosixPath, ctx: ScanContext) -> tuple[str, dict[str, Any]]:
    """The text of a TOML lock and its parsed data; SourceError when it is not TOML."""
    text = ctx.read_text(rel)
    return text, parse_toml(rel, text)


def as_list(value: Any) -> list[Any]:
    """`value` when it is a list, else []."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """`value` when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def entry_lines(text: str, table: str, count: int) -> list[int | None]:
    """1-based line of each `[[table]]` entry's `name =` (else of its header), in file order.

    All None when the headers found do not match the `count` entries parsed (a lock written
    with inline tables, or a header inside a multi-line string).
    """
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]\s*(#.*)?$")
    found: list[int | None] = []
    in_entry = False
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            found.append(number)
            in_entry = True
        elif in_entry and line.lstrip().startswith("["):
            in_entry = False  # a sub-table: the entry's own keys are behind
        elif in_entry and NAME_KEY.match(line):
            found[-1] = number
            in_entry = False
    return found if len(found) == count else [None] * count


def digest_lines(text: str) -> dict[str, int]:
    """Hex digest -> the first line it appears on."""
    found: dict[str, int] = {}
    if text.isascii() and not any(char in text for char in ASCII_ONLY_STR_BREAKS):
        # a bytes regex runs 2x faster, and on such text it finds the same words and lines
        for number, raw in enumerate(text.encode("ascii").splitlines(), start=1):
            for digest in DIGEST_BYTES.findall(raw):
                found.setdefault(digest.decode("ascii"), number)
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        for digest in DIGEST.findall(line):
            found.setdefault(digest, number)
    return found


def hash_of(text: Any) -> Hash | None:
    """`sha256:<hex>` (any known algorithm) as a Hash; None when it is not a known digest."""
    parsed = parse_hash(text) if isinstance(text, str) else None
    return Hash(alg=parsed[0], value=parsed[1]) if parsed else None


def digest_records(
    ref: str, hashes: Iterable[Hash], location: Location, lines: Mapping[str, int] | None = None
) -> Iterator[DeclaredDigest]:
    """A DeclaredDigest per hash of component `ref`, at the line of the digest in `lines`
    (see `digest_lines`) when given, else at `location`."""
    for digest in hashes:
        line = lines.get(digest.value, location.line) if lines is not None else location.line
        yield DeclaredDigest(
            component=ref,
            algorithm=digest.alg,
            digest=digest.value,
            location=Location(file=location.file, line=line),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact:
    """A file a lock names for a package: its name, URL (if any) and digests.

    `is_sdist` marks the platform-independent archive (an sdist, or PEP 751's `archive`).
    """

    name: str
    url: str | None
    hashes: tuple[Hash, ...]
    is_sdist: bool


def chosen(artifacts: Iterable[Artifact]) -> Artifact | None:
    """The artifact whose digest is the component's: the sdist, else the only hashed file,
    else the one pure-Python (`-none-any`) wheel; None when that is ambiguous."""
    hashed = [a for a in artifacts if a.hashes]
    for artifact in hashed:
        if artifact.is_sdist:
            return artifact
    if len(hashed) == 1:
        return hashed[0]
    universal = [a for a in hashed if a.name.endswith("-none-any.whl")]
    return universal[0] if len(universal) == 1 else None


def local_dir(lock: PurePosixPath, path: str) -> PurePosixPath | None:
    """The directory a relative `path` in the lock at `lock` names, when inside the root."""
    if posixpath.isabs(path):
        return None
    joined = PurePosixPath(posixpath.normpath(posixpath.join(str(lock.parent), path)))
    return None if joined.parts[:1] == ("..",) else joined


def vcs_url(vcs: str, url: str, commit: str | None, subdirectory: str | None) -> str:
    """`<vcs>+<url>[@<commit>][#subdirectory=<dir>]`, the PEP 508 / pip spelling."""
    text = url if url.startswith(f"{vcs}+") else f"{vcs}+{url}"
    text += f"@{commit}" if commit else ""
    return text + (f"#subdirectory={subdirectory}" if subdirectory else "")


def with_extra(marker: str | None, extra: str) -> str:
    """`marker` restricted to the extra: `(m) and extra == "x"`."""
    clause = f'extra == "{extra}"'
    return f"({marker}) and {clause}" if marker else clause


def normal_marker(text: str) -> tuple[str, str | None]:
    """(marker, problem): `text` normalised by packaging; an invalid one is kept as written."""
    try:
        return str(pep508.marker(text)), None
    except InvalidMarker:
        return text, f"invalid marker {text!r}, kept as written"


def dependency(owner: str, text: Any) -> Requirement | str:
    """A PEP 508 dependency string of package `owner`, or the problem that skips it."""
    try:
        return pep508.requirement(str(text))
    except InvalidRequirement as exc:
        return f"{owner}: invalid dependency {text!r}: {exc}; skipped"


class Versioned(Protocol):
    """A locked package as far as choosing by version goes."""

    @property
    def version(self) -> str | None:
        """Its exact version, when the lock gives one."""
        ...


V = TypeVar("V", bound=Versioned)


def admitted(candidates: Iterable[V], specifier: SpecifierSet) -> list[V]:
    """The candidates whose version `specifier` admits (pre-releases too); all when none is."""
    every = list(candidates)
    fits = [c for c in every if c.version and specifier.contains(c.version, prereleases=True)]
    return fits or every
