"""Strings as cyclonedx-python-lib's XML carries them: normalised and escaped.

`cyclonedx_xml` writes the library's XML without the library; these are the library's
(and ElementTree's) ways with a single value, each pinned to the original
by a property test.
"""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\r\n|\t|\n|\r")
_SPACES = re.compile(" {2,}")


CDATA_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
ATTRIBUTE_ESCAPES = (
    *CDATA_ESCAPES,
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)
"""ElementTree's escapes in its order (`&` first); attributes also escape quotes, CR, LF, tab."""


def cdata(text: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    return _escaped(text, CDATA_ESCAPES)


def attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it (CR, LF, tab as references)."""
    return _escaped(text, ATTRIBUTE_ESCAPES)


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, reference in escapes:
        if char in text:  # finding nothing is the common case: cheaper than a regex or translate
            text = text.replace(char, reference)
    return text


def normalized(text: str) -> str:
    """An XML Schema `normalizedString`, as the library makes one."""
    return _BREAKS.sub(" ", text) if ("\n" in text or "\r" in text or "\t" in text) else text


def token(text: str) -> str:
    """An XML Schema `token`, as the library makes one."""
    return _SPACES.sub(" ", normalized(text).strip())


def line_ends(text: str) -> str:
    """`text` as an XML parser reads it back from character data (CR LF and CR become LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
