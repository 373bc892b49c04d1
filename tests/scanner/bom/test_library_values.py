"""Single values as cyclonedx-python-lib's XML carries them: the same as the originals."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from py_serializable.xml import xs_normalizedString, xs_token

from scanner.bom.library_values import (
    attribute,
    cdata,
    line_ends,
    normalized,
    token,
)

# characters that escaping, normalising or XML itself treat specially, and any others
ODD = st.text(
    st.sampled_from([*"<>&\"' \t\r\n\x00\x01\x0b\x0c\x1f\x7f\x85\xa0\u2028\ufffe\ud800a"])
    | st.characters(),
    max_size=12,
)


@given(text=ODD.filter(bool))
def test_escaping_is_element_tree_s(text: str) -> None:
    element = ET.Element("a", {"b": text})
    element.text = text
    assert ET.tostring(element, encoding="unicode") == f'<a b="{attribute(text)}">{cdata(text)}</a>'


@given(text=ODD)
def test_normalising_is_the_library_s(text: str) -> None:
    assert normalized(text) == xs_normalizedString(text)
    assert token(text) == xs_token(text)


def test_line_ends_as_an_xml_parser_reads_them() -> None:
    assert line_ends("a\r\nb\rc\n\r\r\nd") == "a\nb\nc\n\n\nd"
    assert line_ends("plain") == "plain"
