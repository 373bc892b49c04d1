"""The Python code reader's pre-filter: can these bytes hold a call some `CallPattern` wants?

A callee glob `transformers.AutoModel.from_pretrained` can only be called by a file that holds
each of its names (`transformers`, `AutoModel`, `from_pretrained`), and a glob whose root is
not a name (`tor?h.load`) only by one that also holds some root. `Matcher.mentions` answers
exactly that, with as few substring searches as it can: nearly every file holds no glob, and
each search reads the whole file.

The globs become terms (the names one glob needs, all of them). Most terms are refuted by
one absent name that many of them share, so the names are searched in the order of a greedy
cover: first the name that refutes the most terms when absent (`load` refutes every `*.load`
glob, and also `pickle.loads` and `snapshot_download`, whose names contain it), then the name
that refutes the most of the rest, and so on. Each term is led by the first cover name that
refutes it; a file lacking every cover name is done after one search per cover name.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache

from scanner.references.base import CallPattern

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ROOT_END = re.compile(r"[.*(]")
"""Where the root of a callee glob ends."""

Terms = tuple[tuple[bytes, ...], ...]


@dataclass(frozen=True, slots=True)
class Matcher:
    """Compiled callee globs of a pattern set, and the pre-filter over raw bytes."""

    patterns: tuple[CallPattern, ...]
    roots: frozenset[str]
    groups: tuple[tuple[bytes, Terms], ...]
    """Each cover name in search order, with the other names of each term it leads."""
    rootless: Terms
    """The names of each callee glob whose root is not a name (`tor?h.load`)."""
    root_names: tuple[bytes, ...]
    """Every root, for the rootless globs (one of which needs some root)."""
    globs: tuple[tuple[re.Pattern[str], CallPattern], ...]

    def mentions(self, data: bytes) -> bool:
        """True when every name of some callee glob occurs in `data` (and, for a glob whose
        root is not a name, some root too); each name is searched for at most once."""
        known: dict[bytes, bool] = {}
        for lead, terms in self.groups:
            found = known.get(lead)
            if found is None:
                found = known[lead] = lead in data
            if not found:
                continue
            for term in terms:
                for word in term:
                    present = known.get(word)
                    if present is None:
                        present = known[word] = word in data
                    if not present:
                        break
                else:
                    return True
        return bool(self.rootless) and self.mentions_rootless(data)

    def mentions_rootless(self, data: bytes) -> bool:
        """Some root occurs in `data`, and every name of some rootless glob."""
        return any(root in data for root in self.root_names) and any(
            all(word in data for word in term) for term in self.rootless
        )

    def wanted(self, callee: str) -> list[CallPattern]:
        """The patterns whose callees match `callee`."""
        if callee.split(".", 1)[0].removesuffix("()") not in self.roots:
            return []
        return [pattern for regex, pattern in self.globs if regex.fullmatch(callee)]


_MATCHERS: dict[int, tuple[tuple[CallPattern, ...], Matcher]] = {}


def matcher_of(patterns: tuple[CallPattern, ...]) -> Matcher:
    """`matcher(patterns)`, looked up by identity: `lru_cache` hashes every pattern of the
    tuple on each call, a fifth of the pre-filter's cost when done once per file."""
    known = _MATCHERS.get(id(patterns))
    if known is None or known[0] is not patterns:
        if len(_MATCHERS) >= 8:
            _MATCHERS.clear()
        known = _MATCHERS[id(patterns)] = (patterns, matcher(patterns))
    return known[1]


@lru_cache(maxsize=8)
def matcher(patterns: tuple[CallPattern, ...]) -> Matcher:
    """Build (once) the matcher for a pattern set."""
    globs = [glob for p in patterns for glob in p.callees]
    roots = frozenset(ROOT_END.split(glob, maxsplit=1)[0] for glob in globs)
    words = [glob_words(ROOT_END.split(glob, maxsplit=1)[0], glob) for glob in globs]
    named = list(dict.fromkeys((root, *rest) for root, rest in words if root is not None))
    return Matcher(
        patterns=patterns,
        roots=roots,
        groups=cover_groups(named),
        rootless=tuple(dict.fromkeys(rest for root, rest in words if root is None)),
        root_names=tuple(sorted(root.encode() for root in roots)),
        globs=tuple(
            (re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in p.callees)), p)
            for p in patterns
        ),
    )


def glob_words(root: str, glob: str) -> tuple[bytes | None, tuple[bytes, ...]]:
    """(root, the other names) of one callee glob; root None when it is not a name."""
    names = tuple(dict.fromkeys(word.encode() for word in IDENTIFIER.findall(glob)))
    key = root.encode()
    if key in names:
        return key, tuple(word for word in names if word != key)
    return None, names


def cover_groups(terms: list[tuple[bytes, ...]]) -> tuple[tuple[bytes, Terms], ...]:
    """The terms grouped under their cover names, in search order (see the module)."""
    vocabulary = sorted({word for term in terms for word in term})
    refutes = {
        word: {i for i, term in enumerate(terms) if any(word in name for name in term)}
        for word in vocabulary
    }
    left = set(range(len(terms)))
    groups: list[tuple[bytes, Terms]] = []
    while left:  # every term is refuted by its own names, so this ends
        lead = max(vocabulary, key=lambda word: (len(refutes[word] & left), len(word)))
        led = sorted(refutes[lead] & left)
        left -= refutes[lead]
        rests = (tuple(word for word in terms[i] if word != lead) for i in led)
        groups.append((lead, tuple(dict.fromkeys(rests))))
    return tuple(groups)
