"""Which files are pip requirements or constraints files, by their names (no I/O).

The requirements source and the local-archive-digests source read the same files, except
that constraints files (`constraints*.txt`) hold no archives to hash: both claim through
`requirements_file`, so the two cannot drift apart.
"""

from __future__ import annotations

from scanner.walk import EntryKind, WalkEntry

SUFFIXES = ("txt", "in")
STEM_ENDINGS = ("-requirements", "_requirements")


def requirements_file(entry: WalkEntry, *, constraints: bool) -> bool:
    """`requirements*.txt` / `.in`, `*-requirements` / `*_requirements` ones, any `.txt` /
    `.in` under a `requirements/` directory and, when `constraints`, `constraints*.txt`."""
    if entry.kind is not EntryKind.FILE:
        return False
    stem, dot, suffix = entry.name.lower().rpartition(".")
    if not dot or suffix not in SUFFIXES:
        return False
    if stem.startswith("requirements") or stem.endswith(STEM_ENDINGS):
        return True
    if constraints and suffix == "txt" and stem.startswith("constraints"):
        return True
    return parent_name(entry.rel_text).lower() == "requirements"


def parent_name(rel_text: str) -> str:
    """`PurePosixPath(rel_text).parent.name` read off the text (no path object is built)."""
    return rel_text.rpartition("/")[0].rpartition("/")[2]
