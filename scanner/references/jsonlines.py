"""Lines of values in JSON text, found by scanning it: `json` itself gives no positions."""

from __future__ import annotations

import bisect
import json
import re

Path = tuple[str | int, ...]
"""Keys and list indexes from the document root to a value."""

NEWLINE = re.compile("\n")
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
KEY_COLON = re.compile(r"\s*:\s*")
JSON_SCALAR = re.compile(r"true|false|null")
Strings = dict[str, list[int]]


class JsonLines:
    """Lines of JSON values, found by scanning the text (json gives no positions).

    The n-th request for the same `"key": value` pair gets its n-th occurrence, which is
    right because the tree is walked in document order.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.used: dict[str, int] = {}
        self.found: dict[str, list[int]] = {}
        self.newlines = [m.start() for m in NEWLINE.finditer(text)]
        self.strings: tuple[Strings, Strings] | None = None

    def locate(self, path: Path, key: str | int, value: str | bool | None) -> int | None:
        """1-based line of `key: value` (of the list item `value` when `key` is an index)."""
        value_text = json.dumps(value, ensure_ascii=False)
        if isinstance(key, str):
            encoded = json.dumps(key, ensure_ascii=False) + ":" + value_text
            if encoded not in self.found:
                starts = self.index()[0].get(encoded, [])
                self.found[encoded] = [self.line(s) for s in starts]
        else:
            encoded = value_text
            if encoded not in self.found:
                if value_text.startswith('"'):
                    starts = self.index()[1].get(value_text, [])
                else:  # true / false / null: few distinct values
                    starts = [m.start() for m in re.finditer(re.escape(value_text), self.text)]
                self.found[encoded] = [self.line(s) for s in starts]
        found = self.found[encoded]
        nth = self.used.get(encoded, 0)
        self.used[encoded] = nth + 1
        return found[min(nth, len(found) - 1)] if found else None

    def line(self, offset: int) -> int:
        """1-based line of the character at `offset`."""
        return bisect.bisect_right(self.newlines, offset) + 1

    def index(self) -> tuple[Strings, Strings]:
        """Offsets of each `"key":value` pair (scalar values) and of each other string, as
        written, built in one pass: a search of the whole text per pair was quadratic."""
        if self.strings is None:
            pairs: Strings = {}
            values: Strings = {}
            for match in JSON_STRING.finditer(self.text):
                colon = KEY_COLON.match(self.text, match.end())
                if not colon:
                    values.setdefault(match.group(), []).append(match.start())
                    continue
                value = JSON_STRING.match(self.text, colon.end()) or JSON_SCALAR.match(
                    self.text, colon.end()
                )
                if value:
                    pairs.setdefault(f"{match.group()}:{value.group()}", []).append(match.start())
            self.strings = (pairs, values)
        return self.strings
