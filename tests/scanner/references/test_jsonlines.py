from __future__ import annotations

from scanner.references.jsonlines import JsonLines

TEXT = '{\n  "model": "org/a",\n  "list": ["org/b", true],\n  "x": {"model": "org/a"}\n}\n'


def test_json_lines_unknown_value():
    assert JsonLines('{"a": 1}').locate((), "model", "org/x") is None


def test_repeated_pairs_and_list_items_get_their_nth_occurrence():
    lines = JsonLines(TEXT)
    assert lines.locate((), "model", "org/a") == 2
    assert lines.locate(("x",), "model", "org/a") == 4
    assert lines.locate(("list",), 0, "org/b") == 3
    assert lines.locate(("list",), 1, True) == 3
