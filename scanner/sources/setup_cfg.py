"""setuptools' `setup.cfg`: the project's metadata and its declared requirements.

Read with configparser exactly as setuptools does (no interpolation, case-kept keys); lists
are one item per line, or `;`-separated on one line; `file:` directives are followed inside
the project. Lines are found by searching the text, since configparser does not keep them.
"""

from __future__ import annotations

import configparser
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import ClassVar

import licenses
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.identity import project_ref
from scanner.model import (
    Component,
    ComponentType,
    LicenseEvidence,
    Location,
    Problem,
    Record,
)
from scanner.sources.base import naming_requirement, requirement_or_problem
from scanner.walk import EntryKind, WalkEntry

SECTION = re.compile(r"^\s*\[([^\]]+)\]")


class CaseKeepingParser(configparser.RawConfigParser):
    """setuptools keeps option names as written (`optionxform = str`); so do we."""

    def optionxform(self, optionstr: str) -> str:
        """Keep the key as written (extra names are keys too)."""
        return optionstr


@dataclass(frozen=True, slots=True)
class Locator:
    """Finds the line of a section, key or list item in an INI text.

    Sections, key lines and each key's items are indexed once, so locating every item of a
    long list is linear in the text, not quadratic.
    """

    lines: tuple[str, ...]
    sections: dict[str, tuple[int, int]] = field(init=False, repr=False, compare=False)
    keys: dict[tuple[str, str], int | None] = field(init=False, repr=False, compare=False)
    items: dict[int, ItemIndex] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", section_spans(self.lines))
        object.__setattr__(self, "keys", {})
        object.__setattr__(self, "items", {})

    def section(self, name: str) -> tuple[int, int]:
        """(header line, end line) of a section, 1-based; (0, 0) when absent."""
        return self.sections.get(name, (0, 0))

    def find(self, section: str, key: str, item: str | None = None) -> int | None:
        """Line of `key` in `section` (or of `item` in its value); None when not found."""
        number = self.key_line(section, key)
        if number is None or item is None:
            return number
        index = self.items.get(number)
        if index is None:
            index = ItemIndex.build(self.lines, number, self.section(section)[1])
            self.items[number] = index
        found = index.exact.get(item) or index.pieces.get(item)
        if found is not None:
            return found
        span = range(number, index.end + 1)
        return next((n for n in span if item in self.lines[n - 1]), number)

    def key_line(self, section: str, key: str) -> int | None:
        """Line of `key` in `section` (memoized); None when not found."""
        if (section, key) not in self.keys:
            start, end = self.section(section)
            pattern = re.compile(rf"^\s*{re.escape(key).replace('_', '[-_]')}\s*[=:]")
            found = (n for n in range(start + 1, end + 1) if pattern.match(self.lines[n - 1]))
            self.keys[(section, key)] = next(found, None)
        return self.keys[(section, key)]


@dataclass(frozen=True, slots=True)
class ItemIndex:
    """First line of each stripped line, and of each `;`/`,` piece, from a key line on."""

    end: int
    exact: dict[str, int]
    pieces: dict[str, int]

    @classmethod
    def build(cls, lines: tuple[str, ...], start: int, end: int) -> ItemIndex:
        """Index lines `start`..`end` (1-based); the key line also by its value."""
        exact: dict[str, int] = {}
        pieces: dict[str, int] = {}
        for number in range(start, end + 1):
            line = lines[number - 1]
            exact.setdefault(line.strip(), number)
            for piece in re.split(r"[;,=:]", line):
                pieces.setdefault(piece.strip(), number)
        return cls(end=end, exact=exact, pieces=pieces)


def section_spans(lines: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """(header line, end line) of the first section of each name, 1-based."""
    headers = [
        (n, m.group(1).strip()) for n, line in enumerate(lines, 1) if (m := SECTION.match(line))
    ]
    spans: dict[str, tuple[int, int]] = {}
    for index, (number, name) in enumerate(headers):
        end = headers[index + 1][0] - 1 if index + 1 < len(headers) else len(lines)
        spans.setdefault(name, (number, end))
    return spans


@dataclass(frozen=True, slots=True)
class SetupCfgSource:
    """`[metadata]`, `[options] install_requires` and `[options.extras_require]`."""

    name: str = "setup.cfg"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"cfg"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Exactly `setup.cfg`."""
        return entry.kind is EntryKind.FILE and entry.name == "setup.cfg"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The project component, then its requirement edges and any bad entries."""
        text = ctx.read_text(entry.rel)
        parser = CaseKeepingParser(interpolation=None)
        try:
            parser.read_string(text, source=str(entry.rel))
        except configparser.Error as exc:
            reason = str(exc).splitlines()[0]
            raise SourceError(entry.rel, f"not a valid INI file: {reason}") from exc
        reader = Reader(entry.rel, parser, Locator(tuple(text.splitlines())), ctx, self.name)
        yield from reader.project()
        yield from reader.requirements("options", "install_requires", None)
        if parser.has_section("options.extras_require"):
            for extra in parser.options("options.extras_require"):
                group = f"extra:{extra}"
                yield from reader.requirements("options.extras_require", extra, group)


@dataclass(frozen=True, slots=True)
class Reader:
    """One parsed setup.cfg and where its lines are."""

    rel: PurePosixPath
    parser: configparser.RawConfigParser
    where: Locator
    ctx: ScanContext
    origin: str

    def get(self, section: str, key: str) -> str | None:
        """A raw value, or None when absent; setuptools also takes `install-requires`."""
        value = self.parser.get(section, key, fallback=None)
        return (
            value
            if value is not None
            else self.parser.get(section, key.replace("_", "-"), fallback=None)
        )

    def location(self, section: str, key: str, item: str | None = None) -> Location:
        """Where a key (or one item of its value) is written."""
        return Location(file=self.rel, line=self.where.find(section, key, item))

    def project(self) -> Iterator[Record]:
        """The project component from `[metadata]`, when the file declares any metadata."""
        name, version = self.get("metadata", "name"), self.get("metadata", "version")
        license_text = self.get("metadata", "license")
        classifiers: list[str] = []
        problems: list[Problem] = []
        raw = self.get("metadata", "classifiers")
        if raw is not None:
            classifiers = list(self.values("metadata", "classifiers", raw, problems, ","))
        if not any((name, version, license_text, classifiers)):
            yield from problems
            return
        properties: tuple[tuple[str, str], ...] = ()
        if version and version.strip().startswith(("attr:", "file:")):
            properties = (("aibom:version-from", version.strip()),)
            version = self.file_version(version, problems)
        evidence = self.license_evidence(license_text, classifiers, problems)
        header = self.where.section("metadata")[0]
        yield Component(
            bom_ref=project_ref(self.rel.parent),
            type=ComponentType.APPLICATION,
            name=(name or "").strip() or self.rel.parent.name or self.ctx.root.name,
            version=(version or "").strip() or None,
            license=licenses.from_metadata(license_field=license_text, classifiers=classifiers),
            license_raw=evidence,
            locations=(self.location("metadata", "name") if name else self.at(header),),
            origin=self.origin,
            properties=properties,
        )
        yield from problems

    def at(self, line: int | None) -> Location:
        """A location in this file."""
        return Location(file=self.rel, line=line or None)

    def license_evidence(
        self, license_text: str | None, classifiers: list[str], problems: list[Problem]
    ) -> tuple[LicenseEvidence, ...]:
        """Every license statement, raw, with its line."""
        found: list[LicenseEvidence] = []
        if license_text and license_text.strip():
            where = self.location("metadata", "license")
            found.append(
                LicenseEvidence(kind="license", value=license_text.strip(), location=where)
            )
        for classifier in classifiers:
            if licenses.is_license_classifier(classifier):
                where = self.location("metadata", "classifiers", classifier)
                found.append(LicenseEvidence(kind="classifier", value=classifier, location=where))
        for key in ("license_files", "license_file"):
            raw = self.get("metadata", key)
            for path in self.values("metadata", key, raw, problems, ",") if raw else ():
                where = self.location("metadata", key, path)
                found.append(LicenseEvidence(kind="license-file", value=path, location=where))
        return tuple(found)

    def file_version(self, version: str, problems: list[Problem]) -> str | None:
        """`version = file: VERSION` is read; `attr:` would need the code and is left out."""
        directive, _, target = version.strip().partition(":")
        if directive != "file":
            return None
        text = "".join(self.read_directive(target, "version", problems).values()).strip()
        return text.splitlines()[0].strip() if text else None

    def values(
        self, section: str, key: str, raw: str, problems: list[Problem], sep: str
    ) -> Iterator[str]:
        """List items as setuptools splits them (lines, else `sep`), `file:` followed."""
        if raw.strip().startswith("file:"):
            for text in self.read_directive(raw.strip()[5:], key, problems).values():
                yield from (line.strip() for line in text.splitlines() if line.strip())
            return
        items = raw.splitlines() if "\n" in raw else raw.split(sep)
        yield from (item.strip() for item in items if item.strip())

    def read_directive(self, targets: str, key: str, problems: list[Problem]) -> dict[str, str]:
        """Texts of the files a `file:` directive names (inside the project directory only)."""
        texts: dict[str, str] = {}
        for target in (t.strip() for t in targets.split(",") if t.strip()):
            rel = PurePosixPath(posixpath.normpath(posixpath.join(str(self.rel.parent), target)))
            where = self.where.find("metadata", key) or self.where.find("options", key)
            if rel.is_absolute() or rel.parts[:1] == ("..",):
                message = f"{key} = file: {target} is outside the project; not read"
                problems.append(Problem(location=self.at(where), message=message))
                continue
            try:
                texts[str(rel)] = self.ctx.read_text(rel)
            except SourceError as exc:
                message = f"{key} = file: {target}: {exc.reason}"
                problems.append(Problem(location=self.at(where), message=message))
        return texts

    def requirements(self, section: str, key: str, group: str | None) -> Iterator[Record]:
        """Edges for one requirements list; a bad entry is a Problem, the rest still count."""
        raw = self.get(section, key)
        if raw is None:
            return
        problems: list[Problem] = []
        if raw.strip().startswith("file:"):
            for rel, text in self.read_directive(raw.strip()[5:], key, problems).items():
                yield from self.file_requirements(PurePosixPath(rel), text, group)
        else:
            for item in self.values(section, key, raw, problems, ";"):
                if not item.startswith("#"):
                    yield from self.one(item, self.location(section, key, item), group)
        yield from problems

    def file_requirements(
        self, rel: PurePosixPath, text: str, group: str | None
    ) -> Iterator[Record]:
        """Requirements listed one per line in a file named by `file:`."""
        for number, line in enumerate(text.splitlines(), 1):
            item = line.split(" #", 1)[0].strip()
            if item and not item.startswith("#"):
                yield from self.one(item, Location(file=rel, line=number), group)

    def one(self, item: str, location: Location, group: str | None) -> Iterator[Record]:
        """Records of one requirement string, or a Problem if it is not PEP 508."""
        yield from requirement_or_problem(
            item,
            parent=project_ref(self.rel.parent),
            location=location,
            origin=self.origin,
            manifest_kind="setup.cfg",
            group=group,
            describe=naming_requirement,
        )
