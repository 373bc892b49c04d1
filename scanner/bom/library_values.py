"""Strings as cyclonedx-python-lib's XML carries them: normalised and escaped.

`cyclonedx_xml` writes the library's XML without the library; these are the library's
(and ElementTree's) ways with a single value, each pinned to the original
by a property test.
"""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\r\n|\t|\n|\r")
_SPACES = re.compile(" {2,}")


def cdata(text: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    # three scans that find nothing are the common case: cheaper than a regex or translate
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it (CR, LF, tab as references)."""
    text = cdata(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
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
