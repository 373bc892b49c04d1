"""The documents of a YAML, JSON or TOML config file, each with a way to find a value's line.

`config_files` searches plain data (dicts, lists, scalars); JSON and TOML parsers give no
positions, so a `Locator` finds them in the text (`JsonLines`, `TomlLines`), and YAML's come
from the node marks kept while composing (`safeyaml.plain`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from scanner.config import Limits
from scanner.context import parse_toml
from scanner.errors import SourceError
from scanner.references.jsonlines import JsonLines
from scanner.sources import safeyaml
from scanner.sources.tomllines import TomlLines

Path = tuple[str | int, ...]
"""Keys and list indexes from a document's root to a value."""
Locator = Callable[[Path, str | int, str | bool | None], int | None]
"""(path of the table, key or list index, the value as written) -> its 1-based line."""


def documents(rel: PurePosixPath, text: str, limits: Limits) -> Iterator[tuple[Any, Locator]]:
    """The parsed documents of the file `rel` (its decoded `text`), each with a function
    giving a value's line."""
    suffix = rel.name.lower().rsplit(".", 1)[-1]
    if suffix == "json":
        yield parse_json(rel, text), JsonLines(text).locate
    elif suffix == "toml":
        yield parse_toml(rel, text), toml_locator(TomlLines(text))
    else:
        for node in safeyaml.compose_all(rel, text, limits=limits):
            lines: dict[Path, int] = {}
            tree = safeyaml.plain(node, lines)
            yield tree, yaml_locator(lines)


def parse_json(rel: PurePosixPath, text: str) -> Any:
    """`text` parsed as JSON (what `ScanContext.json` gives); SourceError when it is not."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # ValueError: a 4,300+ digit integer
        raise SourceError(rel, f"invalid JSON: {exc}") from exc


def yaml_locator(lines: dict[Path, int]) -> Locator:
    """Lines from the node marks recorded while composing."""

    def locate(path: Path, key: str | int, value: str | bool | None) -> int | None:
        return lines.get((*path, key)) or lines.get(path)

    return locate


def toml_locator(lines: TomlLines) -> Locator:
    """Lines found textually by `TomlLines` (tables by name, arrays of tables by index)."""

    def locate(path: Path, key: str | int, value: str | bool | None) -> int | None:
        table = tuple(p for p in path if isinstance(p, str))
        literal = value if isinstance(value, str) else None
        if isinstance(key, int):
            return lines.locate(table[:-1], table[-1] if table else None, literal)
        nth = path[-1] if path and isinstance(path[-1], int) else 0
        return lines.locate(table, key, literal, nth=nth)

    return locate
