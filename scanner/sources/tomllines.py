"""Line numbers for TOML entries: `tomllib` gives values but no positions, so find them in text.

`TomlLines(text).locate(("tool", "poetry", "dependencies"), "requests")` is the 1-based line
of `requests = ...` in that table. The lookup is textual and meant for ordinary formatting:
table headers on their own lines, one key or array item per line. It never fails; when a
key or value cannot be found it falls back to the nearest enclosing line it did find.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence

# The key ends on a non-space (or is one space): a lazy key followed by `\s*` was
# quadratic on a line with a long run of spaces.
HEADER = re.compile(
    r"^\s*\[{1,2}\s*(?P<key>[^\[\]\s](?:[^\[\]]*[^\[\]\s])?|\s)\s*\]{1,2}\s*(?:#.*)?$"
)
SCAN_LINES = 50
"""How far past a table's start a key outside the index (inline tables) is looked for."""
STRING = re.compile(r"""["](?P<basic>(?:[^"\\]|\\.)*)["]|'(?P<literal>[^']*)'""")
LINE_KEY = re.compile(
    r"""^\s*(?:"(?P<basic>(?:[^"\\]|\\.)*)"|'(?P<literal>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))\s*[=.]"""
)
KEY_PART = re.compile(
    r"""\s*(?:"(?P<basic>(?:[^"\\]|\\.)*)"|'(?P<literal>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))\s*"""
)


def split_key(text: str) -> tuple[str, ...] | None:
    """`tool.poetry."my group"` -> ("tool", "poetry", "my group"); None if not a TOML key."""
    parts: list[str] = []
    pos = 0
    while True:
        match = KEY_PART.match(text, pos)
        part = _text(match) if match else None
        if match is None or part is None:
            return None
        parts.append(part)
        pos = match.end()
        if pos == len(text):
            return tuple(parts)
        if text[pos] != ".":
            return None
        pos += 1


class TomlLines:
    """Table spans of one TOML document, for finding where keys and strings are written.

    Keys at the start of a line and single-line strings are indexed once, so a lookup costs
    a dictionary probe and a bisection, not a scan: a file with 100,000 entries stays linear.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[tuple[str, ...], int]] = []
        self.tables: dict[tuple[str, ...], list[int]] = {}
        self.keys: dict[str, list[int]] = {}
        self.strings: dict[str, list[int]] = {}
        for index, line in enumerate(self.lines):
            match = HEADER.match(line)
            key = split_key(match["key"]) if match else None
            if key is not None:
                self.tables.setdefault(key, []).append(len(self.headers))
                self.headers.append((key, index))
                continue
            if (found := LINE_KEY.match(line)) and (name := _text(found)) is not None:
                self.keys.setdefault(name, []).append(index)
            for string in STRING.finditer(line):
                if (value := _text(string)) is not None:
                    self.strings.setdefault(value, []).append(index)

    def span(self, table: Sequence[str], nth: int = 0) -> tuple[int, int] | None:
        """0-based [start, end) lines of the `nth` header `table` (the root table for ())."""
        if not table:
            return (0, self.headers[0][1] if self.headers else len(self.lines))
        positions = self.tables.get(tuple(table), [])
        if nth >= len(positions):
            return None
        position = positions[nth]
        following = self.headers[position + 1 : position + 2]
        return (self.headers[position][1], following[0][1] if following else len(self.lines))

    def locate(
        self,
        table: Sequence[str],
        key: str | None = None,
        literal: str | None = None,
        *,
        nth: int = 0,
    ) -> int | None:
        """1-based line of `key` in `table` (then of the string `literal` after it)."""
        depth = len(table)
        span = self.span(table, nth)
        while span is None:  # the table may be inline or dotted inside a parent table
            depth -= 1
            span = self.span(table[:depth])
        start, end = span
        found: int | None = start if depth else None
        for part in (*table[depth:], *([key] if key is not None else [])):
            hit = _first(self.keys.get(part, []), start, end)
            if hit is None:  # e.g. a key inside an inline table: look a little further
                hit = self._scan(start, min(end, start + SCAN_LINES), _key_pattern(part))
            if hit is None:
                return _one_based(found)
            start = found = hit
        if literal is not None:
            hit = _first(self.strings.get(literal, []), start, end)
            if hit is not None:
                return hit + 1
        return _one_based(found)

    def _scan(self, start: int, end: int, pattern: re.Pattern[str]) -> int | None:
        for index in range(start, min(end, len(self.lines))):
            if pattern.search(self.lines[index]):
                return index
        return None


def _first(indexes: list[int], start: int, end: int) -> int | None:
    """The first line number in sorted `indexes` within [start, end)."""
    position = bisect.bisect_left(indexes, start)
    if position < len(indexes) and indexes[position] < end:
        return indexes[position]
    return None


def _text(match: re.Match[str]) -> str | None:
    """The value of a matched bare, literal or basic string (None for a bad escape)."""
    if match["literal"] is not None:
        return match["literal"]
    basic = match["basic"]
    if basic is None:
        return match.groupdict().get("bare")
    return unescaped(basic)


def unescaped(basic: str) -> str | None:
    """The value of a basic string's body as JSON reads it (None for a bad escape or a
    control character)."""
    if "\\" not in basic and '"' not in basic and basic.isprintable():
        return basic  # nothing to unescape and nothing json refuses: skip the decoder
    try:
        return str(json.loads(f'"{basic}"'))
    except ValueError:
        return None


def _one_based(index: int | None) -> int | None:
    return None if index is None else index + 1


def _key_pattern(key: str) -> re.Pattern[str]:
    spelled = "|".join(re.escape(s) for s in (key, json.dumps(key, ensure_ascii=False), f"'{key}'"))
    return re.compile(rf"(?:^|[\s{{,.])(?:{spelled})\s*[=.]")
