"""packaging's PEP 508 parsers, made total for hostile input.

packaging parses markers recursively, so a few hundred nested parentheses overflow the
stack with RecursionError. Here that is one more invalid requirement or marker: callers
catch only packaging's own exceptions, and no caller can forget the case.
"""

from __future__ import annotations

import functools

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement

TOO_DEEP = "parentheses nested too deeply"


def requirement(text: str) -> Requirement:
    """`Requirement(text)`; InvalidRequirement also when its marker nests too deeply.

    Each call gets its own object (callers may set its fields), copied from a memo: a
    requirements file's lines are parsed twice (by the file's reader, then by the records it
    makes), and a monorepo lists the same requirement in many files.
    """
    parsed = parse(text)
    fresh = Requirement.__new__(Requirement)
    fresh.name, fresh.url, fresh.extras = parsed.name, parsed.url, set(parsed.extras)
    fresh.specifier, fresh.marker = parsed.specifier, parsed.marker  # never mutated in place
    return fresh


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Requirement:
    """`Requirement(text)`, memoised (an invalid one is not: it raises each time)."""
    try:
        return Requirement(text)
    except RecursionError as exc:
        raise InvalidRequirement(TOO_DEEP) from exc


def marker(text: str) -> Marker:
    """`Marker(text)`; InvalidMarker also when it nests too deeply."""
    try:
        return Marker(text)
    except RecursionError as exc:
        raise InvalidMarker(TOO_DEEP) from exc
