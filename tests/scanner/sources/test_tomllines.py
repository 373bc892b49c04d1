from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.sources.tomllines import TomlLines, split_key, unescaped

TEXT = """\
name = "root"

[project]
name = "demo"
dependencies = [
    "requests>=2",
    'click',
]
optional-dependencies = { gpu = ["torch"] }

[project."optional-dependencies"]
docs = ["mkdocs"]

[[tool.poetry.source]]
name = "a"
url = "https://a.example/simple"

[[tool.poetry.source]]
name = "b"
url = "https://b.example/simple"

[tool.poetry.group."my group".dependencies]
pytest = "^8"
"""


def test_split_key():
    assert split_key('tool.poetry."my group"') == ("tool", "poetry", "my group")
    assert split_key("a . 'b.c' . d") == ("a", "b.c", "d")
    assert split_key('"a", "b"') is None
    assert split_key("a..b") is None


def test_locates_keys_and_strings():
    lines = TomlLines(TEXT)
    assert lines.locate((), "name") == 1
    assert lines.locate(("project",), "name") == 4
    assert lines.locate(("project",), "dependencies", "requests>=2") == 6
    assert lines.locate(("project",), "dependencies", "click") == 7
    assert lines.locate(("project", "optional-dependencies"), "docs", "mkdocs") == 12


def test_array_of_tables_by_position():
    lines = TomlLines(TEXT)
    assert lines.locate(("tool", "poetry", "source"), "url", nth=0) == 16
    assert lines.locate(("tool", "poetry", "source"), "url", nth=1) == 20


def test_quoted_table_names():
    lines = TomlLines(TEXT)
    assert lines.locate(("tool", "poetry", "group", "my group", "dependencies"), "pytest") == 23


def test_inline_tables_fall_back_to_the_parent():
    inline = TomlLines('[project]\nname = "x"\noptional-dependencies = { gpu = ["torch"] }\n')
    assert inline.locate(("project", "optional-dependencies"), "gpu", "torch") == 3


def test_missing_things_give_the_nearest_line():
    lines = TomlLines(TEXT)
    assert lines.locate(("project",), "nope") == 3
    assert lines.locate(("project",), "dependencies", "nope") == 5
    assert lines.locate(("nowhere",), "key") is None


def test_bad_escapes_are_not_fatal():
    lines = TomlLines('[a."\\q"]\nx = "\\q"\n[b]\ny = 1\n')
    assert lines.locate(("b",), "y") == 4
    assert lines.locate(("a", "\\q"), "x") is None


def by_json(basic: str) -> str | None:
    """The straightforward way: every basic string body through the JSON decoder."""
    try:
        return str(json.loads(f'"{basic}"'))
    except ValueError:
        return None


@settings(max_examples=1000)
@given(st.text(max_size=12) | st.text(st.sampled_from('ab\\u0"\t\x7f\u2028 é{}'), max_size=12))
def test_unescaped_is_what_json_reads(basic: str) -> None:
    assert unescaped(basic) == by_json(basic)
