"""Which licenses a license *text* holds, from the clauses that set each license apart.

Used when metadata gives only a pasted license text or a LICENSE file. A license is found only
where its distinctive clauses stand in order and close together (data/license_texts.toml), so
a name in passing ("see the MIT License") identifies nothing, and look-alikes (BSD-2 / BSD-3 /
BSD-4, MIT / MIT-0 / ISC / 0BSD) are told apart by the clauses one has and the other lacks.

Conservative rules:
- A text that holds several licenses (a project's license followed by those of vendored code,
  as in SciPy's LICENSE.txt) gives all of them joined with AND, in order of appearance: each
  part binds someone, and we cannot tell which parts a user's use touches.
- A license grant we do not identify (an unknown or modified license, a variant such as X11)
  anywhere in the texts makes the whole answer unknown: a partial AND would understate it.
- GNU licenses: "-or-later" only where a notice says "or (at your option) any later version".
  The bare text of the GPL itself does not say which versions apply (its section 14 leaves it
  to the program's notice); without a notice we answer "-only", the narrower grant, which
  never claims a permission (relicensing under a later version) the text does not give. This
  matches ScanCode, whose key for the bare text maps to the SPDX "-only" id.
- Input over MAX_TEXT_CHARS is not read at all: a cut text could hide a license.

Speed: texts are normalised once, each rule is tried only where its first words occur (a
plain substring search), and clause searches never rescan text, so the cost stays linear in
the text (about 50 ms for 1 MB of license text).
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from licenses.expression import NormalizedExpr, parse_spdx

MAX_TEXT_CHARS = 1_000_000
"""Longest single text read; a longer one is unknown."""
MAX_TOTAL_CHARS = 4_000_000
"""Longest sum of texts read for one answer; past it the answer is unknown."""
WILDCARD = "<...>"
WILDCARD_WORDS = 20
"""`<...>` in a phrase stands for up to this many words (a name, "(the Software)")."""
DEFAULT_GAP = 60
CLAUSE_REACH = 4000
"""How far past the allowed gap a clause match may end (bounds each search)."""

_COPYRIGHT_LINE = re.compile(
    r"^[ \t]*(?:copyright\b[ \t]*(?:\(c\)|©|[0-9\[<{$])|\(c\)[ \t]*[0-9]|©"
    r"|all rights reserved\.?[ \t]*$).{0,200}$",
    re.IGNORECASE | re.MULTILINE,
)
"""A "Copyright (c) 2024 Name" line: not one that wraps "copyright notice, this list", nor a
whole text unfolded onto one line."""
_BULLET = re.compile(
    r"^[ \t]*(?:[-*+•>#]+|\(?(?:[0-9]{1,2}|[a-z]|[ivx]{1,4})[.)]|\[[0-9a-z]{1,3}\])[ \t]+"
    r"(?=[A-Za-z\"'(“])",
    re.IGNORECASE | re.MULTILINE,
)
_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789"
_TO_SPACE = bytes(c if c in _WORD_BYTES else 32 for c in range(256))
_PHRASE_TOKEN = re.compile(r"<\.\.\.>|\{[^{}]*\}|[^<{]+")

Phrase = tuple[str, ...]
"""A phrase of the data file and its alternatives (one or more)."""


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, with a space before and after.

    Copyright lines and bullet markers at line starts are dropped; punctuation is a space.
    """
    text = _COPYRIGHT_LINE.sub(" ", text)
    text = _BULLET.sub(" ", text)
    data = text.lower().replace("licence", "license").encode("ascii", "replace")
    return f" {' '.join(data.translate(_TO_SPACE).decode('ascii').split())} "


def _words_regex(words: list[str]) -> str:
    """Regex of normalised words, each followed by a space.

    A short number (a version part) is not followed by another: "version 2" is not 2.1.
    """
    out = []
    for index, word in enumerate(words):
        out.append(re.escape(word) + " ")
        follows = words[index + 1] if index + 1 < len(words) else ""
        if word.isdigit() and len(word) <= 2 and not follows.isdigit():
            out.append("(?![0-9]{1,2} )")
    return "".join(out)


def phrase_regex(phrase: str) -> str:
    """Regex (over `normalize`d text) of a phrase in the data file's notation."""
    parts = [" "]
    for part in _PHRASE_TOKEN.findall(phrase):
        if part == WILDCARD:
            parts.append(f"(?:[^ ]+ ){{0,{WILDCARD_WORDS}}}?")
        elif part.startswith("{"):
            choices = [_words_regex(normalize(c).split()) for c in part[1:-1].split("|")]
            parts.append("(?:" + "|".join(choices) + ")")
        else:
            parts.append(_words_regex(normalize(part).split()))
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Rule:
    """One way a license text is recognised (see the data file's header)."""

    spdx_id: str
    key: str
    clauses: tuple[Phrase, ...]
    gap: int
    forbid: tuple[Phrase, ...]
    after: int
    tail: tuple[Phrase, ...]
    tail_gap: int
    bare: bool
    absorbs: tuple[str, ...]
    applies_to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A rule matched at [start, end) of a normalised text.

    It runs from the space before its first word up to the space after its last word, which
    it leaves out, so that two licenses that follow each other do not overlap.
    """

    rule: Rule
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Found:
    """What one text holds: identified licenses in order, and whether anything was not."""

    matches: tuple[Match, ...]
    exceptions: tuple[Rule, ...]
    unknown: bool


@cache
def pattern(phrase: Phrase) -> re.Pattern[str]:
    """The compiled regex of a phrase and its alternatives, compiled on first use only."""
    return re.compile("|".join(f"(?:{phrase_regex(choice)})" for choice in phrase))


def _phrase(value: Any) -> Phrase:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _key(phrase: Phrase) -> str:
    """Leading literal words every form of the phrase starts with: a cheap `in` test first."""
    keys = set()
    for choice in phrase:
        head = _PHRASE_TOKEN.findall(choice)[0]
        words = [] if head.startswith(("<", "{")) else normalize(head).split()[:6]
        keys.add(f" {' '.join(words)} " if words else "")
    return keys.pop() if len(keys) == 1 else ""


def _rule(table: dict[str, Any]) -> Rule:
    tail = table.get("tail", [])
    return Rule(
        spdx_id=str(table["id"]),
        key=_key(_phrase(table["clauses"][0])),
        clauses=tuple(_phrase(c) for c in table["clauses"]),
        gap=int(table.get("gap", DEFAULT_GAP)),
        forbid=tuple(_phrase(f) for f in table.get("forbid", ())),
        after=int(table.get("after", 0)),
        tail=tuple(_phrase(t) for t in (tail if isinstance(tail, list) else [tail])),
        tail_gap=int(table.get("tail_gap", 0)),
        bare=bool(table.get("bare", False)),
        absorbs=tuple(str(a) for a in table.get("absorbs", ())),
        applies_to=tuple(str(a) for a in table.get("applies_to", ())),
    )


@cache
def _data() -> dict[str, Any]:
    text = files("licenses").joinpath("data", "license_texts.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def rules() -> tuple[Rule, ...]:
    """The license rules, read once (each regex compiles on first use)."""
    return tuple(_rule(t) for t in _data().get("license", ()))


@cache
def exception_rules() -> tuple[Rule, ...]:
    """The exception rules (`WITH` ids and the notices that grant them), read once."""
    return tuple(_rule(t) for t in _data().get("exception", ()))


@cache
def _markers() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{phrase_regex(m)})" for m in _data().get("markers", ())))


@cache
def classifier_candidates() -> dict[str, tuple[str, ...]]:
    """License classifiers that classifiers.toml does not list -> the licenses they admit."""
    table = _data().get("classifiers", {})
    return {str(k): tuple(str(i) for i in v) for k, v in table.items() if isinstance(v, list)}


def base_id(spdx_id: str) -> str:
    """A license id without its -only / -or-later / + suffix: GPL-3.0-or-later -> GPL-3.0."""
    return re.sub(r"(?:-only|-or-later|\+)$", "", spdx_id)


def _anchors(rule: Rule, text: str) -> Iterator[re.Match[str]]:
    """Matches of the first clause, tried only where its leading words are (str.find is fast)."""
    if not rule.key:
        yield from pattern(rule.clauses[0]).finditer(text)
        return
    pos = text.find(rule.key)
    while pos >= 0:
        anchor = pattern(rule.clauses[0]).match(text, pos)
        if anchor is not None:
            yield anchor
        pos = text.find(rule.key, pos + 1)


class _Search:
    """Leftmost match of a clause from a position, remembering the last answer.

    Anchors come in increasing order, so most searches can reuse the previous answer or only
    look at new text: a text repeating a license's first clause stays linear, not quadratic.
    (Clause matches are far shorter than CLAUSE_REACH, which makes the reuse exact.)
    """

    def __init__(self, regex: re.Pattern[str], text: str) -> None:
        self.regex, self.text = regex, text
        self.start = self.limit = -1
        self.last: re.Match[str] | None = None

    def __call__(self, start: int, limit: int) -> re.Match[str] | None:
        begin = start
        if self.start <= start <= self.limit:
            if self.last is not None and self.last.start() >= start:
                return self.last
            if self.last is None:
                if limit <= self.limit:
                    return None
                begin = max(start, self.limit - CLAUSE_REACH)
        self.start, self.limit = start, limit
        self.last = self.regex.search(self.text, begin, limit)
        return self.last


def _matches(rule: Rule, text: str) -> Iterator[Match]:
    searches: list[_Search] = []
    for anchor in _anchors(rule, text):
        if not searches:  # compiled only for a text that has the first clause
            searches = [_Search(pattern(clause), text) for clause in rule.clauses[1:]]
        end = anchor.end() - 1
        for search in searches:
            found = search(end, end + rule.gap + CLAUSE_REACH)
            if found is None or found.start() - end > rule.gap:
                break
            end = found.end() - 1
        else:
            end = _tail(rule, text, end)
            limit = end + 1 + rule.after
            if any(pattern(f).search(text, anchor.start(), limit) for f in rule.forbid):
                continue
            yield Match(rule, anchor.start(), end)


def _tail(rule: Rule, text: str, end: int) -> int:
    """The end of the span extended over the optional `tail` phrases found, in order."""
    for phrase in rule.tail:
        found = pattern(phrase).search(text, end, end + rule.tail_gap)
        if found is None:
            break
        end = found.end() - 1
    return end


def _outermost(found: list[Match]) -> tuple[list[Match], bool]:
    """Matches not inside a larger one; True too when two different licenses overlap."""
    kept: list[Match] = []
    clash = False
    reach: Match | None = None
    for m in sorted(found, key=lambda m: (m.start, -m.end)):
        if reach is not None and m.start < reach.end:
            other = m.rule.spdx_id != reach.rule.spdx_id
            clash = clash or (other and m.end > reach.end)
            clash = clash or (other and (m.start, m.end) == (reach.start, reach.end))
            if m.end <= reach.end:
                continue  # inside a larger match: e.g. the sample notice in a GPL's appendix
        kept.append(m)
        if reach is None or m.end > reach.end:
            reach = m
    return kept, clash


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) overlaps one of the sorted, merged `spans`."""
    index = bisect_right(spans, (end, -1)) - 1
    return index >= 0 and spans[index][1] > start


def _merged(found: list[Match]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in sorted(found, key=lambda m: m.start):
        if spans and m.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], m.end))
        else:
            spans.append((m.start, m.end))
    return spans


def scan(text: str) -> Found:
    """Identify the licenses in one text (see the module docstring for the rules)."""
    if len(text) > MAX_TEXT_CHARS:
        return Found(matches=(), exceptions=(), unknown=True)
    norm = normalize(text)
    found = [m for rule in rules() for m in _matches(rule, norm)]
    kept, clash = _outermost(found)
    spans = _merged(found)
    uncovered = any(not _covered(spans, m.start(), m.end()) for m in _markers().finditer(norm))
    exceptions = tuple(r for r in exception_rules() if next(_matches(r, norm), None))
    kept.sort(key=lambda m: m.start)
    return Found(matches=tuple(kept), exceptions=exceptions, unknown=clash or uncovered)


def identify_texts(texts: Iterable[str]) -> NormalizedExpr | None:
    """The licenses a set of texts (one distribution's license files) hold, or None.

    None when no license is identified, when any text holds a license grant we cannot
    identify, or when the texts are too long to read whole.
    """
    matches: list[Match] = []
    exceptions: set[Rule] = set()
    total = 0
    for text in texts:
        total += len(text)
        found = scan(text)
        if found.unknown or total > MAX_TOTAL_CHARS:
            return None
        matches.extend(found.matches)
        exceptions.update(found.exceptions)
    return _expression(matches, exceptions)


def identify_text(text: str) -> NormalizedExpr | None:
    """The SPDX expression of the licenses a license text holds, or None when unsure.

    Licenses are recognised by their distinctive clauses, not by name; several licenses in one
    text are joined with AND; a text holding any license we cannot identify gives None.
    """
    return identify_texts([text])


def _expression(matches: list[Match], exceptions: set[Rule]) -> NormalizedExpr | None:
    noticed = {base_id(m.rule.spdx_id) for m in matches if not m.rule.bare}
    absorbed = {a for m in matches for a in m.rule.absorbs}
    ids: list[str] = []
    for m in matches:
        base = base_id(m.rule.spdx_id)
        if m.rule.bare and (base in noticed or base in absorbed):
            continue
        with_ids = sorted(e.spdx_id for e in exceptions if base in e.applies_to)
        term = f"{m.rule.spdx_id} WITH {with_ids[0]}" if with_ids else m.rule.spdx_id
        if term not in ids:
            ids.append(term)
    if not ids:
        return None
    return parse_spdx(" AND ".join(f"({t})" if " WITH " in t else t for t in ids))
