"""YAML read safely: node trees only, no aliases, capped nesting, line numbers kept.

Documents are composed into PyYAML node trees with the safe (libyaml) loader and never
constructed into Python objects, so no tag can run code. Aliases are refused, which rules
out alias bombs. Nesting deeper than `Limits.max_nesting`, more nodes than
`Limits.max_entries_per_file` and parsing longer than `Limits.max_file_seconds` are refused
on the event stream before composing: libyaml's composer recurses in C (a deeply nested
document crashes the interpreter instead of raising) and a node tree takes hundreds of bytes
per node. `plain` turns a node into dicts, lists and scalars.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import yaml

from scanner.config import Limits
from scanner.context import FileBudget
from scanner.errors import LimitExceeded, SourceError

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_LIMITS = Limits()
NODE_EVENTS = (yaml.ScalarEvent, yaml.CollectionStartEvent)
TRUE = frozenset({"true", "yes", "on", "y"})

Plain = dict[str, "Plain"] | list["Plain"] | str | bool | None
"""A YAML value as plain data: mappings with string keys, lists, strings, booleans, null."""


def compose_all(
    rel: PurePosixPath,
    text: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    max_depth: int | None = None,
    first_line: int = 1,
) -> list[yaml.Node]:
    """Node trees of every document in `text`, refusing aliases, deep nesting, too many
    nodes and a parse over the time budget (all within `limits`).

    `max_depth` overrides `limits.max_nesting`. `first_line` is the file line `text` starts
    on (for YAML embedded in a larger file), so that the lines in errors name the file's lines.
    """
    offset = first_line - 1
    most = limits.max_nesting if max_depth is None else max_depth
    try:
        if not plainly_within(text, most, limits.max_entries_per_file):
            check_events(rel, text, most, FileBudget.of(limits, "YAML nodes"), offset)
        return list(yaml.compose_all(text, Loader=LOADER))
    except yaml.MarkedYAMLError as exc:
        line = at_line(exc.problem_mark, offset)
        raise SourceError(rel, f"invalid YAML: {exc.problem}", line=line) from exc
    except yaml.YAMLError as exc:
        raise SourceError(rel, f"invalid YAML: {exc}") from exc


def plainly_within(text: str, most: int, entries: int) -> bool:
    """True when `text` cannot fail `check_events`, which is then skipped (it parses the
    text a second time): no alias nor anchor (`*`, `&`: without anchors composing cannot
    fail where parsing did not), fewer characters that can open a collection (`[{-:?`, one
    each) than `most` levels, and too short for `entries` nodes (a node takes at least a
    character, or is one of at most two empty ones an indicator implies)."""
    if "*" in text or "&" in text or 4 * len(text) + 4 > entries:
        return False
    return sum(text.count(char) for char in "[{-:?") <= most


def check_events(rel: PurePosixPath, text: str, most: int, budget: FileBudget, offset: int) -> None:
    """Refuse aliases, nesting deeper than `most` and nodes over `budget`, on the event
    stream (before libyaml composes, which recurses in C); YAMLError for invalid YAML."""
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent):
            line = at_line(event.start_mark, offset)
            raise SourceError(rel, "uses YAML aliases, which aibom refuses", line=line)
        if isinstance(event, NODE_EVENTS) and (stop := budget.spend()):
            raise LimitExceeded(rel, stop, line=at_line(event.start_mark, offset))
        depth += isinstance(event, yaml.CollectionStartEvent)
        depth -= isinstance(event, yaml.CollectionEndEvent)
        if depth > most:
            line = at_line(event.start_mark, offset)
            why = f"nested deeper than {most} levels (limit max-nesting)"
            raise LimitExceeded(rel, why, line=line)


def compose(
    rel: PurePosixPath,
    text: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    max_depth: int | None = None,
) -> yaml.Node | None:
    """The node tree of a single-document file (None when empty); see `compose_all`."""
    nodes = compose_all(rel, text, limits=limits, max_depth=max_depth)
    if len(nodes) > 1:
        line = line_of(nodes[1].start_mark)
        raise SourceError(rel, "holds more than one YAML document; expected one", line=line)
    return nodes[0] if nodes else None


def line_of(mark: object) -> int | None:
    """1-based line of a libyaml / PyYAML mark."""
    return at_line(mark, 0)


def at_line(mark: object, offset: int) -> int | None:
    """1-based line of a mark, shifted by `offset` lines."""
    line = getattr(mark, "line", None)
    return line + 1 + offset if isinstance(line, int) else None


def mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    """Scalar-keyed entries of a mapping node ({} for anything else); the last key wins."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def is_null(node: yaml.Node) -> bool:
    """True for a scalar resolved as null (`~`, `null`, or nothing)."""
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def scalar(node: yaml.Node) -> str | bool | None:
    """A scalar node's value: booleans as bool, null as None, everything else as its text."""
    if not isinstance(node, yaml.ScalarNode) or is_null(node):
        return None
    if node.tag.endswith(":bool"):
        return str(node.value).lower() in TRUE
    return str(node.value)


def plain(
    node: yaml.Node,
    lines: dict[tuple[str | int, ...], int] | None = None,
    path: tuple[str | int, ...] = (),
) -> Plain:
    """Mappings, sequences and scalars as plain data (tags other than bool/null are text).

    When `lines` is given it receives the 1-based line of every value by its path of keys
    and list indexes (`("datasets", 0, "path")`).
    """
    if lines is not None and (line := line_of(node.start_mark)) is not None:
        lines[path] = line
    if isinstance(node, yaml.MappingNode):
        return {k: plain(v, lines, (*path, k)) for k, v in mapping(node).items()}
    if isinstance(node, yaml.SequenceNode):
        return [plain(item, lines, (*path, i)) for i, item in enumerate(node.value)]
    return scalar(node)
