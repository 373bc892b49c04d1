"""Which collectors claim which walk entries, without asking every collector about every file.

A collector may declare `claim_keys`: the claim keys (`claim_key`) of every file name its
`claims` can accept: a necessary condition, so only the collectors listed under an entry's key
(and those declaring nothing) are asked. On a 50,000-file tree that turns about a million
`claims` calls into about fifty thousand; the answers, and their order (registry order per
entry), are exactly those of asking everyone (tests compare the two over every fixture).
"""

from __future__ import annotations

from collections.abc import Sequence

from scanner.sources.base import Source
from scanner.walk import EntryKind, WalkEntry, claim_key


def declared_keys(source: Source) -> frozenset[str] | None:
    """The claim keys `source` declares, or None when it may claim any file name."""
    keys = getattr(source, "claim_keys", None)
    return keys if isinstance(keys, frozenset) else None


class ClaimIndex:
    """Collectors by claim key, each list in registry order."""

    def __init__(self, collectors: Sequence[Source]) -> None:
        self.collectors = tuple(collectors)
        self._keys = [declared_keys(c) for c in self.collectors]
        self._by_key: dict[str, tuple[Source, ...]] = {}

    def candidates(self, entry: WalkEntry) -> tuple[Source, ...]:
        """The collectors that might claim `entry` (every one for a directory entry)."""
        if entry.kind is not EntryKind.FILE:
            return self.collectors
        key = claim_key(entry.name)
        found = self._by_key.get(key)
        if found is None:
            found = tuple(
                c
                for c, keys in zip(self.collectors, self._keys, strict=True)
                if keys is None or key in keys
            )
            self._by_key[key] = found
        return found

    def claimants(self, entry: WalkEntry) -> list[Source]:
        """The collectors that claim `entry`, in registry order."""
        return [c for c in self.candidates(entry) if c.claims(entry)]


__all__ = ["ClaimIndex", "claim_key", "declared_keys"]
