"""The format checks agree with jsonschema's (as cyclonedx-python-lib[validation] installs it)."""

from __future__ import annotations

import re

import pytest
from cyclonedx.schema._res import BOM_JSON
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from scanner.bom import schema_formats as f
from scanner.bom.schemas import SIBLINGS, schema_path

SPECS = ["1.6", "1.5"]
FORMAT_CHECKER = Draft7Validator.FORMAT_CHECKER

URL_CHARS = "aZ09-._~!$&'()*+,;=:/?#@%[]{}| \"<>\\^`vF"
URL_ALPHABET = st.sampled_from(
    [*URL_CHARS, "%41", "%zz", "::", "\u00e9", "\ue000", "\U0001f600", "\ufdd0"]
)
URL_HEADS = st.sampled_from(["", "http://", "https://user@host:8080/", "//", "a:", "/", "#", "?"])


@settings(max_examples=400, deadline=None)
@given(head=URL_HEADS, body=st.lists(URL_ALPHABET, max_size=12).map("".join))
def test_iri_reference_agrees_with_jsonschema(head: str, body: str) -> None:
    value = head + body
    assert f.is_iri_reference(value) == FORMAT_CHECKER.conforms(value, "iri-reference")


@pytest.mark.parametrize(
    "value",
    [
        "http://[::1]/",
        "http://[1:2::]/",
        "http://[::ffff:1.2.3.4]/",
        "http://[1:2:3:4:5:6:7:8]/",
        "http://[1::3:4:5:6:7:8]/",
        "http://[1:2:3:4:5:6:7::]/",
        "http://[v1.x]/",
        "http://[V1.x]/",
        "http://[::\u0661.\u0661.\u0661.\u0661]/",
        "http://1.2.3.4:99/p?q#f",
        "mailto:a@b.c",
        "1a:b",
        "./a:b",
        "a:b",
    ],
)
def test_iri_reference_edge_cases_agree(value: str) -> None:
    assert f.is_iri_reference(value) == FORMAT_CHECKER.conforms(value, "iri-reference")
    assert f.is_uri(value) == FORMAT_CHECKER.conforms(value, "uri")


DIGITS = st.sampled_from(list("0123456789"))
DATE_TIME_PARTS = st.tuples(
    st.sampled_from(["2024", "0000", "1999", "2023"]),
    st.sampled_from(["01", "02", "12", "13", "00"]),
    st.sampled_from(["01", "28", "29", "30", "31", "32"]),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:61"]),
    st.sampled_from(["", ".5", ".123456", "."]),
    st.sampled_from(["Z", "z", "+05:30", "-24:00", "+0530", ""]),
    st.sampled_from(["", "\n", " "]),
)


@settings(max_examples=400, deadline=None)
@given(parts=DATE_TIME_PARTS)
def test_date_time_agrees_with_jsonschema(parts: tuple[str, ...]) -> None:
    y, m, d, t, hms, frac, zone, tail = parts
    value = f"{y}-{m}-{d}{t}{hms}{frac}{zone}{tail}"
    assert f.is_date_time(value) == FORMAT_CHECKER.conforms(value, "date-time")


@pytest.mark.parametrize("value", ["a@b", "nobody", "@", "a@b.c", ""])
def test_idn_email_agrees_with_jsonschema(value: str) -> None:
    assert f.is_idn_email(value) == FORMAT_CHECKER.conforms(value, "idn-email")


def test_every_format_in_the_schemas_is_checked() -> None:
    used: set[str] = set()
    for path in (*SIBLINGS.values(), *(schema_path(s, BOM_JSON) for s in SPECS)):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"format"\s*:\s*"([^"]+)"', text))
    assert used == set(f.FORMATS)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://x/%zz%41", "https://x/%25zz%41"),
        ("https://x/#a#b", "https://x/#a%23b"),
        ("https://x/it's[1]", "https://x/it%27s%5B1%5D"),
        ("  https://x/ ", "https://x/"),
        ("https://bücher.de", "https://bücher.de"),
        ("https://x/\U0001f600", "https://x/%F0%9F%98%80"),
        ("http://[::1]/", None),
        ("not a url: x", None),
        ("", None),
    ],
)
def test_clean_url(url: str, expected: str | None) -> None:
    assert f.clean_url(url) == expected
    if expected is not None:
        assert FORMAT_CHECKER.conforms(expected, "iri-reference")


@settings(max_examples=1000)
@given(
    st.text(
        st.sampled_from("aZ09-._~!$&'()*+,;=:/?@#%[] é\u3000\ue000\x7f\n\"<>{}|\\^`"), max_size=30
    )
)
def test_clean_url_shortcut_keeps_only_what_needs_no_encoding(url: str) -> None:
    """The regex that lets a URL skip `percent_encode` agrees with `percent_encode`."""
    text = url.strip()
    if f._NOTHING_TO_ENCODE.fullmatch(text):
        assert f.percent_encode(text) == text
    f.clean_url.cache_clear()
    cleaned = f.percent_encode(text)
    assert f.clean_url(url) == (cleaned if cleaned and f.is_iri_reference(cleaned) else None)
