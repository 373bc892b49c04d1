"""The pre-filter's cover order changes how often it searches, never what it answers: on any
set of callee globs (names inside other names, shared names, roots that are not names) and
any bytes, `mentions` is its plain definition."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.references.base import CallPattern
from scanner.references.patterns import CALL_PATTERNS
from scanner.references.prefilter import matcher
from tests.scanner.references.test_python_code_prefilter import Globs, plainly

NAMES = ["load", "loads", "download", "pickle", "Unpickler", "hub", "hf_hub", "io", "x"]
"""Names that hold one another, so that one absent name refutes globs of others."""
ROOTS = [*NAMES, "tor?h", "", "[ab]x"]
GLOB = st.builds(
    lambda root, rest, star: ".".join([root, *rest]) + (".*" if star else ""),
    st.sampled_from(ROOTS),
    st.lists(st.sampled_from(NAMES), max_size=3),
    st.booleans(),
)
PATTERNS = st.lists(st.lists(GLOB, min_size=1, max_size=4).map(tuple), min_size=1, max_size=4)
PIECES = [*NAMES, "tor?h", "tor", "h", "ax", "lo", "ad", "pick", "le", "Un"]
TEXT = st.lists(st.sampled_from(PIECES) | st.binary(max_size=2), max_size=10).map(
    lambda parts: b"".join(p.encode() if isinstance(p, str) else p for p in parts)
)


def pattern_set(globs: list[tuple[str, ...]]) -> tuple[CallPattern, ...]:
    return tuple(Globs(callees, name=f"p{i}") for i, callees in enumerate(globs))


@settings(max_examples=300)
@given(PATTERNS, st.lists(TEXT, min_size=1, max_size=8))
def test_mentions_is_its_definition_for_any_globs(
    globs: list[tuple[str, ...]], texts: list[bytes]
) -> None:
    patterns = pattern_set(globs)
    found = matcher.__wrapped__(patterns)  # uncached: hundreds of sets would evict the real one
    for data in texts:
        assert found.mentions(data) is plainly(patterns, data), (globs, data)


def test_every_named_glob_is_led_by_a_cover_name_it_holds() -> None:
    found = matcher(CALL_PATTERNS)
    leads = [lead for lead, _ in found.groups]
    assert len(leads) == len(set(leads))
    assert leads[0] == b"load"  # `*.load`, `*.loads`, `snapshot_download`, ...
    for lead, terms in found.groups:
        for term in terms:
            assert lead not in term  # the lead is searched once, before its terms


def test_a_file_without_any_cover_name_is_refuted_by_one_search_each() -> None:
    found = matcher(CALL_PATTERNS)
    searched: list[bytes] = []

    class Spy(bytes):
        def __contains__(self, word: object) -> bool:
            searched.append(word)  # type: ignore[arg-type]
            return bytes.__contains__(self, word)  # type: ignore[operator]

    assert not found.mentions(Spy(b"import os\nprint(os.sep)\n"))
    assert searched == [lead for lead, _ in found.groups]
