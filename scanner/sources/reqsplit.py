"""Requirements-file text cut up in linear time: the first lines, and shell-style words.

Both are what the standard library gives (`str.splitlines`, `shlex.split`), computed in ways
a hostile file cannot make slow: `head_lines` stops at the line it needs, and `split_options`
reads whole runs of characters where shlex reads one at a time. Tests compare them with the
library over generated inputs.
"""

from __future__ import annotations

import re

LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""What `str.splitlines` splits at."""


def head_lines(text: str, count: int) -> tuple[str, bool]:
    """The first `count` lines of `text` (as `splitlines` counts them) and whether more
    follow. Cheap on a huge file: it stops at the `count`-th line break."""
    if len(text) <= count:  # fewer characters than `count`: fewer lines too
        return text, False
    for number, match in enumerate(LINE_BREAK.finditer(text), 1):
        if number == count:
            return text[: match.end()], match.end() < len(text)
    return text, False


SPLIT_SPACE = " \t\r\n"
SPLIT_SPECIAL = re.compile(r"[ \t\r\n'\"\\]")
SPLIT_IN_DOUBLE = re.compile(r'[^"\\]+')


def split_options(text: str) -> list[str]:
    """`shlex.split(text)` (POSIX rules, no comments), in linear time.

    shlex reads one character at a time in Python (about 10 us each, so a 200 KB `--hash`
    line took seconds); this reads whole runs of plain text, quoted text and escapes at once.
    Errors are shlex's: ValueError "No closing quotation" / "No escaped character".
    """
    tokens: list[str] = []
    parts: list[str] | None = None  # the token being read; None between tokens
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char in SPLIT_SPACE:
            if parts is not None:
                tokens.append("".join(parts))
                parts = None
            pos += 1
            continue
        parts = parts if parts is not None else []
        if char == "'":
            close = text.find("'", pos + 1)
            if close < 0:
                raise ValueError("No closing quotation")
            parts.append(text[pos + 1 : close])
            pos = close + 1
        elif char == '"':
            pos = double_quoted(text, pos + 1, parts)
        elif char == "\\":
            if pos + 1 >= end:
                raise ValueError("No escaped character")
            parts.append(text[pos + 1])
            pos += 2
        else:
            special = SPLIT_SPECIAL.search(text, pos)
            stop = special.start() if special else end
            parts.append(text[pos:stop])
            pos = stop
    if parts is not None:
        tokens.append("".join(parts))
    return tokens


def double_quoted(text: str, pos: int, parts: list[str]) -> int:
    """Read a `"..."` body starting at `pos` into `parts`; returns the offset after it.
    A backslash escapes only `"` and itself there; before anything else it is kept."""
    while True:
        match = SPLIT_IN_DOUBLE.match(text, pos)
        if match:
            parts.append(match.group())
            pos = match.end()
        if pos >= len(text):
            raise ValueError("No closing quotation")
        if text[pos] == '"':
            return pos + 1
        if pos + 1 >= len(text):  # a backslash at the very end
            raise ValueError("No escaped character")
        escaped = text[pos + 1]
        parts.append(escaped if escaped in '"\\' else text[pos : pos + 2])
        pos += 2
