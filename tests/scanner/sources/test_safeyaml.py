from __future__ import annotations

from pathlib import PurePosixPath

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import context
from scanner.config import Limits
from scanner.errors import LimitExceeded, SourceError
from scanner.sources import safeyaml

REL = PurePosixPath("x.yaml")


def test_plain_values_and_lines():
    text = "a: 1\nb: yes\nc: ~\nd:\n  - x\n  - {e: 'f'}\n"
    node = safeyaml.compose(REL, text)
    assert node is not None
    lines: dict[tuple[str | int, ...], int] = {}
    assert safeyaml.plain(node, lines) == {"a": "1", "b": True, "c": None, "d": ["x", {"e": "f"}]}
    assert lines[("a",)] == 1
    assert lines[("d", 0)] == 5
    assert lines[("d", 1, "e")] == 6


def test_unknown_tags_are_text_never_objects():
    node = safeyaml.compose(REL, "a: !!python/object/apply:os.system ['echo hi']\n")
    assert node is not None
    assert safeyaml.plain(node) == {"a": ["echo hi"]}


def test_empty_document():
    assert safeyaml.compose(REL, "") is None
    assert safeyaml.compose_all(REL, "# only a comment\n") == []


def test_aliases_refused():
    with pytest.raises(SourceError, match="aliases") as caught:
        safeyaml.compose(REL, "a: &x [1]\nb: *x\n")
    assert caught.value.line == 2


def test_depth_capped_before_composing():
    text = "a: " + "[" * 50_000 + "]" * 50_000 + "\n"
    with pytest.raises(LimitExceeded, match="nested deeper than 32"):
        safeyaml.compose(REL, text)
    assert safeyaml.compose(REL, "a: [[[1]]]\n", max_depth=4) is not None


def test_errors_name_the_file_line_with_an_offset():
    with pytest.raises(SourceError, match="invalid YAML") as caught:
        safeyaml.compose_all(REL, "a: 1\nb: [\n", first_line=10)
    assert (caught.value.line or 0) >= 11


def test_one_document_expected():
    with pytest.raises(SourceError, match="more than one YAML document") as caught:
        safeyaml.compose(REL, "a: 1\n---\nb: 2\n")
    assert caught.value.line == 3
    assert len(safeyaml.compose_all(REL, "a: 1\n---\nb: 2\n")) == 2


def test_helpers_on_other_nodes():
    node = safeyaml.compose(REL, "- 1\n")
    assert node is not None
    assert safeyaml.mapping(node) == {}
    assert safeyaml.scalar(node) is None
    assert safeyaml.line_of(object()) is None


def test_limits_set_depth_and_node_count():
    deep = "a: [[[[1]]]]\n"
    with pytest.raises(LimitExceeded, match="nested deeper than 3 levels"):
        safeyaml.compose(REL, deep, limits=Limits(max_nesting=3))
    assert safeyaml.compose(REL, deep, limits=Limits(max_nesting=5)) is not None
    many = "items:\n" + "".join(f"  - {i}\n" for i in range(20))
    with pytest.raises(LimitExceeded, match="more than 10 YAML nodes") as caught:
        safeyaml.compose(REL, many, limits=Limits(max_entries_per_file=10))
    assert caught.value.line == 9  # the 11th node: mapping, key, sequence, items 0-7
    assert safeyaml.compose(REL, many, limits=Limits(max_entries_per_file=23)) is not None


def test_a_parse_over_the_time_budget_is_refused(monkeypatch: pytest.MonkeyPatch):
    ticks = iter(range(10**6))
    monkeypatch.setattr(context, "clock", lambda: float(next(ticks)))
    text = "items:\n" + "".join(f"  - {i}\n" for i in range(1_000))
    with pytest.raises(LimitExceeded, match="not read within 1 s"):
        safeyaml.compose(REL, text, limits=Limits(max_file_seconds=1))


YAMLISH = st.lists(
    st.sampled_from(
        [*"ab:-?[]{},!#&* \n'\"|>.~0", "- ", ": ", "? ", "\n  ", "!!map ", "&x ", "*x", "---\n"]
    ),
    max_size=25,
).map("".join)
SMALL = Limits(max_nesting=3, max_entries_per_file=80)


def shape(node: yaml.Node) -> object:
    """A node tree as comparable data: tags, values, lines and columns."""
    value = node.value
    if isinstance(node, yaml.MappingNode):
        value = [(shape(k), shape(v)) for k, v in value]
    elif isinstance(node, yaml.SequenceNode):
        value = [shape(item) for item in value]
    return (type(node).__name__, node.tag, value, node.start_mark.line, node.start_mark.column)


def outcome(text: str, limits: Limits) -> object:
    """The composed trees, or the error (type, message, line)."""
    try:
        return [shape(node) for node in safeyaml.compose_all(REL, text, limits=limits)]
    except SourceError as exc:
        return (type(exc).__name__, exc.reason, exc.line)


@settings(max_examples=500)
@given(YAMLISH, st.sampled_from([SMALL, Limits()]))
def test_skipping_the_event_pass_changes_nothing(text: str, limits: Limits) -> None:
    """`plainly_within` only skips `check_events` where it would have found nothing."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(safeyaml, "plainly_within", lambda *_: False)
        checked = outcome(text, limits)
    assert outcome(text, limits) == checked


@settings(max_examples=500)
@given(YAMLISH)
def test_plainly_within_bounds_depth_and_nodes(text: str) -> None:
    """The bounds `plainly_within` rests on: nesting at most the opening indicators, and at
    most 4 nodes a character (plus 4)."""
    try:
        events = list(yaml.parse(text, Loader=safeyaml.LOADER))
    except yaml.YAMLError:
        return
    depth = deepest = nodes = 0
    for event in events:
        depth += isinstance(event, yaml.CollectionStartEvent)
        depth -= isinstance(event, yaml.CollectionEndEvent)
        deepest = max(deepest, depth)
        nodes += isinstance(event, safeyaml.NODE_EVENTS)
    assert deepest <= sum(text.count(char) for char in "[{-:?")
    assert nodes <= 4 * len(text) + 4
