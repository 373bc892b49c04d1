"""conda `environment*.yml`: conda packages as `pkg:conda`, its `pip:` list as `pkg:pypi`.

Match specs follow conda's grammar (`name=1.2` is fuzzy, `1.2.*`; `name==1.2`, `name 1.2`
and `name=1.2=build` pin exactly), so only an exact pin gives a version. Channels are
observed as IndexUrl(kind="conda-channel"); a `channel::name` prefix becomes the purl's
channel qualifier. In the `pip:` list, index options become IndexUrl observations and
`-r` / `-c` includes are not followed here (see `pip_include`).

YAML is read with `safeyaml` (node trees only; aliases and nesting deeper than
`Limits.max_nesting` refused before composing).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar

import yaml

from scanner.config import Limits
from scanner.identity import conda_purl
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Edge,
    IndexUrl,
    Location,
    Problem,
    Record,
)
from scanner.sources import safeyaml
from scanner.sources.base import (
    EntryKind,
    ScanContext,
    SourceError,
    WalkEntry,
    project_parent,
    redact,
    requirement_or_problem,
)
from scanner.sources.safeyaml import line_of, mapping

NAME = "conda"
CLAIMED = ("environment*.yml", "environment*.yaml")
SPEC = re.compile(r"(?P<name>[A-Za-z0-9_][A-Za-z0-9_.+-]*)\s*(?P<rest>.*)")
COMMENT = re.compile(r"(?:^|(?<!\s)\s+)#")
"""A comment start; the lookbehind starts `\\s+` only at the start of a run of spaces (else
splitting a long run of spaces was quadratic)."""
OPTION_SPLIT = re.compile(r"(?<!\s)\s+(?=--?[A-Za-z])")
r"""Spaces before a `--hash`-style option. The look-behind starts a match only at the first
space of a run: `\s+(?=...)` alone retried from every space of a long run (quadratic)."""
BUILD_SPLIT = re.compile(r"(?<=[^<>=!~\s])=(?!=)")
INDEX_OPTIONS = {
    "-i": "index-url",
    "--index-url": "index-url",
    "--extra-index-url": "extra-index-url",
    "-f": "find-links",
    "--find-links": "find-links",
}
INCLUDE_OPTIONS = ("-r", "--requirement", "-c", "--constraint")
EDITABLE_OPTIONS = ("-e", "--editable")
IGNORED_OPTIONS = ("--pre", "--no-index", "--prefer-binary", "--trusted-host", "--no-binary")


@dataclass(frozen=True, slots=True)
class CondaEnvironmentSource:
    """A conda environment file: conda match specs and the pip requirements it installs."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"yml", "yaml"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """`environment.yml`, `environment.yaml` and variants like `environment-cuda.yml`."""
        name = entry.name.lower()
        return entry.kind is EntryKind.FILE and any(fnmatch.fnmatch(name, p) for p in CLAIMED)

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Channels, conda packages and pip requirements, with edges from the project."""
        root = compose(entry.rel, ctx.read_text(entry.rel, path=entry.path), ctx.limits)
        env = Env(rel=entry.rel, parent=project_parent(entry, ctx), ctx=ctx)
        fields = mapping(root)
        if "channels" in fields:
            for node in sequence(entry.rel, fields["channels"], "channels"):
                if isinstance(node, yaml.ScalarNode) and node.value:
                    yield IndexUrl(url=node.value, kind="conda-channel", location=env.at(node))
        if "dependencies" not in fields:
            return
        for node in sequence(entry.rel, fields["dependencies"], "dependencies"):
            if isinstance(node, yaml.ScalarNode):
                yield from env.conda_dependency(node)
            elif isinstance(node, yaml.MappingNode) and "pip" in mapping(node):
                yield from env.pip_list(mapping(node)["pip"])
            else:
                yield Problem(location=env.at(node), message="unreadable dependency entry")


def compose(rel: PurePosixPath, text: str, limits: Limits) -> yaml.Node:
    """The document's node tree (see `safeyaml.compose`); it must be a mapping."""
    node = safeyaml.compose(rel, text, limits=limits)
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(rel, "not a conda environment file (the document is not a mapping)")
    return node


def sequence(rel: PurePosixPath, node: yaml.Node, key: str) -> list[yaml.Node]:
    """Items of a sequence node; a null value is empty; anything else cannot be read."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    raise SourceError(rel, f"`{key}` is not a list", line=line_of(node.start_mark))


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchSpec:
    """The parts of a conda match spec aibom records."""

    name: str
    version: str | None = None
    build: str | None = None
    channel: str | None = None

    @property
    def exact(self) -> str | None:
        """The version when the spec pins exactly one, else None."""
        version = self.version or ""
        if version.startswith("==") and not any(c in version for c in "*,|"):
            return version[2:]
        return None


def parse_match_spec(text: str) -> MatchSpec | None:
    """`[channel::]name[ version[ build]]`, `name=ver=build`, `name[version=...]`; else None."""
    text, attrs = text.strip(), {}
    if (start := attrs_start(text)) is not None:
        text, block = text[:start], text[start + 1 : -1]
        for part in block.split(","):
            key, _, value = part.partition("=")
            attrs[key.strip()] = value.strip().strip("\"'")
    channel, _, text = text.rpartition("::")
    found = SPEC.fullmatch(text.strip())
    if found is None:
        return None
    try:
        version, build = split_version(found["rest"].strip())
    except ValueError:
        return None
    channel = attrs.get("channel") or channel
    if channel:  # `conda-forge/linux-64` and channel URLs name the channel last
        parts = [p for p in channel.rstrip("/").split("/") if p]
        subdir = parts[-1].startswith(("linux-", "osx-", "win-", "noarch")) and len(parts) > 1
        channel = parts[-2] if subdir else parts[-1]
    if "version" in attrs:
        version = fuzzy(attrs["version"], attrs.get("build") or build)
    return MatchSpec(
        name=found["name"].lower(),
        version=version,
        build=attrs.get("build") or build,
        channel=channel or None,
    )


def attrs_start(text: str) -> int | None:
    """Offset of the `[` that opens a trailing `[key=value, ...]` block, else None.

    No regex: a search for `\\[[^]]*\\]$` was quadratic on a long run of `[`.
    """
    if not text.endswith("]"):
        return None
    start = text.find("[", text.rfind("]", 0, len(text) - 1) + 1, len(text) - 1)
    return start if start >= 0 else None


def split_version(rest: str) -> tuple[str | None, str | None]:
    """A spec's version constraint (in conda's normal form) and build string."""
    if not rest:
        return None, None
    rest = re.sub(r"([<>=!~]=?)\s+", r"\1", rest)  # `>= 1.2` -> `>=1.2`
    if rest.startswith("=") and not rest.startswith("=="):  # `=1.2` or `=1.2=build`
        version, _, build = rest[1:].partition("=")
        return fuzzy(version, build or None, single_equals=True), build or None
    head, _, tail = rest.partition(" ")  # `1.2 build`, `1.2=build`, `>=1.2,<2=build`
    if len(tail.split()) > 1:
        raise ValueError(f"too many parts in {rest!r}")
    parts = BUILD_SPLIT.split(head, maxsplit=1)
    build = tail.strip() or (parts[1] if len(parts) > 1 else "")
    return fuzzy(parts[0], build or None), build or None


def fuzzy(version: str, build: str | None, *, single_equals: bool = False) -> str:
    """conda's normal form: `=1.2` means `1.2.*` unless a build pins it; bare means `==`."""
    version = version.strip()
    if single_equals and not build:
        return version if version.endswith("*") else f"{version}.*"
    if version.startswith("==") and version.endswith("*"):
        return version[2:]  # `==1.2.*` is the same as `1.2.*`
    bare = not any(c in version for c in "<>=!~*,|")
    return f"=={version}" if bare else version


@dataclass(frozen=True, slots=True, kw_only=True)
class Env:
    """The environment file being read and the project its packages belong to."""

    rel: PurePosixPath
    parent: str
    ctx: ScanContext

    def at(self, node: yaml.Node) -> Location:
        """The location of a node in this file."""
        return Location(file=self.rel, line=line_of(node.start_mark))

    def conda_dependency(self, node: yaml.ScalarNode) -> Iterator[Record]:
        """A conda package (pip and python included: they are real conda packages)."""
        spec = parse_match_spec(str(node.value))
        if spec is None:
            message = f"unreadable conda match spec {node.value!r}"
            yield Problem(location=self.at(node), message=message)
            return
        purl = conda_purl(spec.name, spec.exact, spec.channel)
        properties = (("aibom:conda:build", spec.build),) if spec.build else ()
        yield Component(
            bom_ref=purl,
            type=ComponentType.LIBRARY,
            name=spec.name,
            version=spec.exact,
            version_spec=spec.version,
            purl=purl,
            locations=(self.at(node),),
            origin=NAME,
            properties=properties,
        )
        yield Edge(parent=self.parent, child=purl)

    def pip_list(self, node: yaml.Node) -> Iterator[Record]:
        """The `pip:` list; a malformed one is a problem, not the end of the file."""
        try:
            items = sequence(self.rel, node, "pip")
        except SourceError as exc:
            yield Problem(location=self.at(node), message=exc.reason)
            return
        for item in items:
            yield from self.pip_line(item)

    def pip_line(self, node: yaml.Node) -> Iterator[Record]:
        """One line of the `pip:` list: a requirement or a pip option."""
        if not isinstance(node, yaml.ScalarNode):
            yield Problem(location=self.at(node), message="unreadable pip entry")
            return
        line = COMMENT.split(str(node.value), maxsplit=1)[0].strip()
        if not line:
            return
        if not line.startswith("-"):
            yield from self.pip_requirement(line, node)
            return
        option, _, value = re.sub(r"^(-\w|--[\w-]+)[=\s]*", r"\1 ", line).partition(" ")
        value = value.strip()
        if option in INDEX_OPTIONS:
            yield IndexUrl(url=redact(value), kind=INDEX_OPTIONS[option], location=self.at(node))
        elif option in INCLUDE_OPTIONS:
            yield from self.pip_include(option, value, node)
        elif option in EDITABLE_OPTIONS:
            yield from self.pip_editable(value, node)
        elif option not in IGNORED_OPTIONS:
            message = f"pip option {option} in environment file is not understood"
            yield Problem(location=self.at(node), message=message)

    def pip_requirement(self, line: str, node: yaml.Node) -> Iterator[Record]:
        """A PEP 508 requirement, with any `--hash` options as declared digests."""
        requirement, *options = OPTION_SPLIT.split(line)
        if "://" in requirement and "#egg=" in requirement and " @ " not in requirement:
            url, _, egg = requirement.partition("#egg=")
            requirement = f"{egg.split('&')[0]} @ {url}"
        location = self.at(node)
        records = requirement_or_problem(
            requirement, parent=self.parent, location=location, origin=NAME, manifest_kind=NAME
        )
        yield from records
        ref = next((r.bom_ref for r in records if isinstance(r, Component)), None)
        if ref is None:
            return  # not PEP 508: the problem says so
        for option in options:
            if option.startswith("--hash") and ":" in option:
                algorithm, _, digest = option.partition("=")[2].partition(":")
                yield DeclaredDigest(
                    component=ref, algorithm=algorithm, digest=digest, location=location
                )

    def pip_include(self, option: str, value: str, node: yaml.Node) -> Iterator[Record]:
        """`-r` / `-c` files are the requirements source's to read, not followed here.

        When the included file is in the scanned tree under a name that source reads, its
        requirements are already reported (against the same project); otherwise say so.
        """
        target = PurePosixPath(posixpath.normpath(str(self.rel.parent / value)))
        if target in self.ctx.files and read_as_requirements(target):
            return
        message = f"`{option} {value}` in the pip list is not followed by the conda source"
        yield Problem(location=self.at(node), message=message)

    def pip_editable(self, value: str, node: yaml.Node) -> Iterator[Record]:
        """`-e <vcs url>#egg=name` is a requirement; `-e .` is the project itself."""
        if "://" in value:
            yield from self.pip_requirement(value, node)
            return
        target = PurePosixPath(posixpath.normpath(str(self.rel.parent / value)))
        if target == self.ctx.project_dir_for(self.rel):
            return  # installs the project this environment belongs to
        message = f"editable local path {value!r} is not resolved to a package name"
        yield Problem(location=self.at(node), message=message)


def read_as_requirements(path: PurePosixPath) -> bool:
    """Whether the requirements source claims `path` (its rule, restated: no plug-in imports)."""
    stem, dot, suffix = path.name.lower().rpartition(".")
    if not dot or suffix not in ("txt", "in"):
        return False
    if path.parent.name.lower() == "requirements":
        return True
    if stem.startswith("requirements") or stem.endswith(("-requirements", "_requirements")):
        return True
    return suffix == "txt" and stem.startswith("constraints")
