"""`requirements_file` claims what the two requirements readers claimed with path objects."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.sources.reqnames import parent_name, requirements_file
from scanner.walk import EntryKind
from tests.scanner.sources.helpers import walk_entry

PARTS = st.one_of(
    st.sampled_from(
        ["requirements", "Requirements", "constraints", "dev", "docs-requirements", "a_b", "."]
    ),
    st.text(st.sampled_from("reqtxinconsaRQ_-."), min_size=1, max_size=16),
)
SUFFIXES = st.sampled_from(["", ".txt", ".in", ".TXT", ".In", ".cfg", ".txt.in", "."])


def by_path(rel: PurePosixPath, *, constraints: bool) -> bool:
    """The straightforward way: the rules read off `PurePosixPath` (what both `claims` did)."""
    stem, dot, suffix = rel.name.lower().rpartition(".")
    if not dot or suffix not in ("txt", "in"):
        return False
    if rel.parent.name.lower() == "requirements":
        return True
    if stem.startswith("requirements") or stem.endswith(("-requirements", "_requirements")):
        return True
    return constraints and suffix == "txt" and stem.startswith("constraints")


@settings(max_examples=500)
@given(st.lists(PARTS, min_size=1, max_size=4), SUFFIXES, st.booleans())
def test_same_as_path_rules(parts: list[str], suffix: str, constraints: bool) -> None:
    rel = PurePosixPath(*parts[:-1], parts[-1] + suffix)
    if not rel.name:
        return
    entry = walk_entry(str(rel))
    assert parent_name(entry.rel_text) == rel.parent.name
    assert requirements_file(entry, constraints=constraints) is by_path(
        rel, constraints=constraints
    )


def test_constraints_only_when_asked() -> None:
    entry = walk_entry("constraints-prod.txt")
    assert requirements_file(entry, constraints=True)
    assert not requirements_file(entry, constraints=False)
    assert not requirements_file(walk_entry("constraints.in"), constraints=True)
    assert requirements_file(walk_entry("requirements/base.in"), constraints=False)
    assert not requirements_file(
        walk_entry("requirements.txt", EntryKind.ENVIRONMENT), constraints=True
    )
