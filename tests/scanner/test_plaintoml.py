from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import plaintoml

ROOT = Path(__file__).resolve().parents[2]


def agrees(text: str) -> Any:
    """plaintoml's answer, checked against tomllib: None, or the very same document."""
    fast = plaintoml.loads(text)
    try:
        expected: Any = tomllib.loads(text)
    except (ValueError, RecursionError):
        expected = None
    if fast is not None:
        assert expected is not None, f"accepted what tomllib rejects: {text!r}"
        assert repr(fast) == repr(expected)  # same values, types and key order
    return fast


def toml_files() -> list[Path]:
    found = [
        p
        for base in ("fixtures", "tests")
        for p in (ROOT / base).rglob("*")
        if p.is_file() and (p.suffix in (".toml", ".lock") or p.name == "Pipfile")
    ]
    return sorted(found)


def test_every_fixture_reads_as_tomllib_reads_it() -> None:
    fast = [p for p in toml_files() if agrees(p.read_text(errors="replace")) is not None]
    assert len(fast) > 20
    names = {p.name for p in fast}
    assert {"uv.lock", "pyproject.toml", "Pipfile"} <= names


def test_a_uv_lock_is_read() -> None:
    text = """version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "torch", marker = "sys_platform == 'linux'" },
    { name = "numpy" },
]

[package.optional-dependencies]
cuda = [
    { name = "nvidia-cublas" },
]

[package.metadata]
requires-dist = [{ name = "torch", specifier = ">=2" }, { name = "numpy" }]

[package.metadata.requires-dev]
dev = []

[[package]]
name = "numpy"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/numpy-2.0.0.tar.gz#frag", hash = "sha256:ab", size = 18 }
wheels = [
    { url = "https://x/numpy-2.0.0-cp311-none-any.whl", hash = "sha256:cd", size = -0 },
]
"""
    data = agrees(text)
    assert data is not None
    assert data["package"][0]["optional-dependencies"] == {"cuda": [{"name": "nvidia-cublas"}]}
    assert data["package"][1]["wheels"][0]["size"] == 0


@pytest.mark.parametrize(
    "text",
    [
        'a = "x\\ty"\n',  # an escape
        "a = 'x'\n",  # a literal string
        "a = 1 # note\n",  # a comment
        "a = 1.5\n",  # a float
        "a = 1e5\n",
        "a = [1e5]\n",
        "a = 1979-05-27\n",  # a date
        "a.b = 1\n",  # a dotted key
        '"a" = 1\n',  # a quoted key
        "a = 1\r\nb = 2\r\n",  # CRLF
        "a = 1_000\n",
        "[a]\nx = 1\n[a]\ny = 2\n",  # a table defined twice (invalid)
        "a = 1\n[a]\n",  # a header over a value (invalid)
        "[a.b]\n[a]\n",  # a super-table after its sub-table (valid; declined)
        "a = {x = 1, x = 2}\n",  # a duplicate inline key (invalid)
        "a = 1\na = 2\n",  # a duplicate key (invalid)
        "a = [\n,\n]\n",  # `[,]` (invalid)
        "a = [\n[null]\n]\n",  # JSON's null, NaN, Infinity (invalid TOML)
        "a = [\n[NaN]\n]\n",
        "a = [\n[-Infinity]\n]\n",
        "a = {x = 1,\ny = 2}\n",  # an inline table over two lines (invalid)
        'a = [\n"x\ny",\n]\n',  # a string over two lines (invalid)
        "a =\n1\n",  # a value on the next line (invalid)
        'a = "x\x7fy"\n',  # DEL in a string (invalid)
        'a = "x\ty"\n',  # a tab in a string (valid; declined)
        'a = """x"""\n',  # a multi-line string
        "a = {b = {c = {d = 1}}}\n",  # inline tables three deep (declined)
        "a = [1,,]\n",
        "a = [1, 2,]\n",  # a trailing comma within a line (valid; declined)
        "[[a],]\n",  # not a header (invalid)
        "[[a],\n]\n",
        "a = 1 b = 2\n",
        "a = [1] [2]\n",
        "[[a]]\n[a]\n",
        "a = [{x = 1}]\n[a.b]\n",  # a header into a static array (invalid)
        "a = {x = 1}\n[a.b]\n",  # a header into an inline table (invalid)
        "a = " + "[" * 2000 + "]" * 2000 + "\n",  # deep nesting
        "a = 1" + "0" * 5000 + "\n",  # an integer too long to convert
    ],
)
def test_declines_what_it_does_not_model(text: str) -> None:
    assert agrees(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a = -0\n",
        "a = [ 1, 2 ]\n",
        "a = [\n  1,\n  2,\n]\n",
        "a = [\n  [\n    1,\n  ],\n]\n",
        "a = {}\nb = []\nc = { }\n",
        'a = ["{", "}", "#", "=", "[x]", "\'"]\n',
        "[a.b.c]\nx = true\n[a.d]\ny = false\n",
        "[[a]]\nx = 1\n[a.b]\ny = 2\n[[a]]\n[[a.c]]\nz = 3\n[[a.c]]\n",
        "  a   =   1  \n\n\n",
        "true = 1\nfalse = true\n123 = 4\n-x- = 5\n",
        'a = "é ☃ \U0001f600 \x85 \u2028"\n',
        "a = 12345678901234567890123\n",
    ],
)
def test_reads_plain_toml_exactly(text: str) -> None:
    assert agrees(text) is not None


KEYS = st.sampled_from(["a", "b", "name", "x-y", "true", "1", "null", "NaN"])
STRINGS = st.text(st.sampled_from("ab =#,[]{}\"'\\\t\x7f\né."), max_size=6)
SCALARS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["true", "false", "1.5", "nan", "null", "-0", "01"]),
    STRINGS.map(lambda s: f'"{s}"'),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(KEYS, inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=6,
)
LINES = st.one_of(
    st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.lists(VALUES, max_size=3).map(lambda vs: "k = [\n" + "".join(f"  {v},\n" for v in vs) + "]"),
    st.lists(KEYS, min_size=1, max_size=3).map(lambda ks: "[" + ".".join(ks) + "]"),
    st.lists(KEYS, min_size=1, max_size=2).map(lambda ks: "[[" + ".".join(ks) + "]]"),
    st.just(""),
)
DOCUMENTS = st.lists(LINES, max_size=8).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=600, deadline=None)
@given(DOCUMENTS)
def test_generated_documents_read_as_tomllib_reads_them(text: str) -> None:
    agrees(text)


@settings(max_examples=600, deadline=None)
@given(
    DOCUMENTS,
    st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(list(' \n,=[]{}"#.-0a\r\t'))), max_size=3
    ),
)
def test_damaged_documents_read_as_tomllib_reads_them(
    text: str, edits: list[tuple[int, str]]
) -> None:
    for position, char in edits:
        position %= len(text) + 1
        text = text[:position] + char + text[position:]
    agrees(text)
