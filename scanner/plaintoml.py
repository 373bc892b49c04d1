"""A fast reader for the plain TOML that tools write (uv.lock), exact or it declines.

`tomllib` reads strings one character at a time, which makes a 3 MB uv.lock its most costly
step. Machine-written locks use a small, regular part of TOML: bare-key `[table]` and
`[[array]]` headers, `key = value` lines, and arrays spread over lines, where every value is
an integer, `true`/`false`, a string without escapes, or an inline array/table of those
(each inline table on one line). In that subset a value is JSON once `key =` is spelled
`"key":`, so `json` (written in C) reads it. `loads` returns None, and the caller uses
`tomllib`, for anything else (an escape, a comment, a float, a dotted key, a table defined
twice...), so the result is always what `tomllib.loads` gives: this reader never decides
that a document is invalid, it only declines it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Characters this reader declines outright: `\` (escapes: with none, a `"` always opens or
# closes a basic string), DEL (TOML forbids it in strings, JSON does not) and NUL (STRING
# below). Other control characters fail the skeleton outside strings and `json` (strict)
# inside them, as they fail TOML.
UNMODELLED = ("\\", "\x7f", "\x00")
STRING = "\x00"  # stands for a string in the skeleton (the text with strings taken out)
KEY = r"[A-Za-z0-9_-]++"
INT = r"-?+(?:0|[1-9][0-9]*+)"
# The skeleton may hold only: newlines, spaces, brackets, commas, strings, `key =`, header
# keys (`a.b]`, not JSON's `null`), booleans and integers: no comment, literal string, date,
# float (nor `nan`: `_declined` refuses json's floats and constants)... Atomic tokens keep
# the match linear on any input.
SKELETON = re.compile(
    rf"(?>[\n .{{}}\[\],{STRING}]++|{KEY} *+=|(?!null[.\]]){KEY}(?=[.\]])|true|false|{INT})*+"
)
INLINE_TABLES = re.compile(r"\{[^{}\n]*+(?:\{[^{}\n]*+\}[^{}\n]*+)*+\}")  # one line, depth 2
EMPTY_WITH_COMMA = re.compile(r"\[[ \n]*+,")  # `[,]` is not TOML
# TOML allows a comma after an array's last item, JSON does not: removed where a line ends
# with one and the array closes on a later line (as tools write it), never inside a line,
# where it could turn a header line such as `[[a],]` into a valid one
TRAILING_COMMA = re.compile(r",(?= *+\n[ \n]*+\])")
KEY_TO_JSON = re.compile(rf"({KEY}) *+=")
# The next statement: the end of the line before (every statement starts a line), blank
# lines, then a header or a key (its value is left to json), or the end of the text
STATEMENT = re.compile(
    rf" *+(?:(?:\n *+)++(?:(?P<open>\[\[?+)(?P<table>{KEY}(?:\.{KEY})*+)(?P<close>\]\]?+)"
    rf'|"(?P<key>{KEY})": *+)?|\Z)'
)


class Declined(Exception):
    """The text is outside the subset this reader models (not necessarily invalid TOML)."""


def _table(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table = dict(pairs)
    if len(table) != len(pairs):  # TOML forbids a duplicate key; JSON keeps the last
        raise Declined
    return table


def _declined(text: str) -> Any:
    raise Declined


DECODER = json.JSONDecoder(
    object_pairs_hook=_table, parse_float=_declined, parse_constant=_declined
)


def loads(text: str) -> dict[str, Any] | None:
    """`tomllib.loads(text)` for plain machine-written TOML; None when it cannot say."""
    if any(char in text for char in UNMODELLED):
        return None
    parts = text.split('"')
    if len(parts) % 2 == 0:  # a string left open
        return None
    skeleton = STRING.join(parts[0::2])
    if (
        SKELETON.fullmatch(skeleton) is None
        or "{" in INLINE_TABLES.sub("", skeleton)
        or EMPTY_WITH_COMMA.search(skeleton)
    ):
        return None
    pieces = KEY_TO_JSON.split(TRAILING_COMMA.sub("", skeleton))
    pieces[1::2] = [f'"{key}":' for key in pieces[1::2]]  # split, not sub: no per-match call
    parts[0::2] = "".join(pieces).split(STRING)
    try:
        return _Reader().read("\n" + '"'.join(parts))
    except (Declined, ValueError, RecursionError):  # not JSON after all
        return None


class _Reader:
    """The document being built, and which of its tables headers may still extend."""

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}
        self.current = self.root
        self.open: set[int] = {id(self.root)}  # tables made by headers (not inline ones)
        self.arrays: set[int] = set()  # arrays of tables made by `[[...]]` headers

    def read(self, doc: str) -> dict[str, Any]:
        """The document, from its text with keys spelled as JSON (and a newline before)."""
        pos = 0
        while pos < len(doc):
            statement = STATEMENT.match(doc, pos)
            if statement is None:
                raise Declined
            pos = statement.end()
            if key := statement["key"]:
                if key in self.current:
                    raise Declined
                # json reads the value, which may span lines (an array)
                self.current[key], pos = DECODER.raw_decode(doc, pos)
            elif table := statement["table"]:
                self.header(table.split("."), statement["open"], statement["close"])
        return self.root

    def header(self, keys: list[str], opening: str, closing: str) -> None:
        """Make `[a.b]` / `[[a.b]]` the current table, as TOML does (or decline)."""
        if len(opening) != len(closing):
            raise Declined
        table = self.root
        for key in keys[:-1]:
            table = self.step(table, key)
        existing: Any = table.get(keys[-1])
        if opening == "[[" and existing is None:
            existing = table[keys[-1]] = []
            self.arrays.add(id(existing))
        if opening == "[[" and id(existing) in self.arrays:
            self.current = {}
            existing.append(self.current)
        elif existing is None:
            self.current = table[keys[-1]] = {}
        else:  # a table defined twice, or a header over a value: left to tomllib
            raise Declined
        self.open.add(id(self.current))

    def step(self, table: dict[str, Any], key: str) -> dict[str, Any]:
        """The table `key` of `table` that a dotted header goes through, made when missing."""
        value = table.get(key)
        if value is None:
            value = table[key] = {}
            self.open.add(id(value))
        elif id(value) in self.arrays:
            value = value[-1]
        if not isinstance(value, dict) or id(value) not in self.open:
            raise Declined
        return value
