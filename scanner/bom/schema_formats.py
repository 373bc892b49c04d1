"""The string formats the CycloneDX schemas name, checked as jsonschema checks them.

`FORMATS` is what the generated validator calls for each `format` (the same answers as
cyclonedx-python-lib's validator installed with its `[validation]` extra; tests prove the two
agree), and `clean_url` makes a link pass `iri-reference` before it is written.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from functools import cache, lru_cache

_DATE_TIME = re.compile(
    r"^(\d{4})-(0[1-9]|1[0-2])-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$",
    re.ASCII,
)


def is_date_time(value: str) -> bool:
    """RFC 3339 date-time (jsonschema upper-cases first; no leap seconds, no year 0)."""
    match = _DATE_TIME.match(value.upper())
    if match is None:
        return False
    year, month, day = (int(g) for g in match.groups())
    return year != 0 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_idn_email(value: str) -> bool:
    """jsonschema's e-mail check is deliberately only this."""
    return "@" in value


def _ipv6(strict_rfc: bool) -> str:
    """IPv6 literal forms: RFC 3986's, or rfc3987-syntax's (exactly eight groups in all)."""
    h16 = "[0-9A-Fa-f]{1,4}"
    octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
    ls32 = f"(?:{h16}:{h16}|{octet}\\.{octet}\\.{octet}\\.{octet})"
    if strict_rfc:
        forms = [f"(?:{h16}:){{6}}{ls32}", f"::(?:{h16}:){{5}}{ls32}"]
        tails = [f"(?:{h16}:){{{n}}}{ls32}" for n in (4, 3, 2, 1, 0)] + [h16, ""]
        for before, tail in enumerate(tails):
            forms.append(f"(?:(?:{h16}:){{0,{before}}}{h16})?::{tail}")
    else:
        forms = [f"(?:{h16}:){{6}}{ls32}", f"::(?:{h16}:){{5}}{ls32}"]
        forms += [f"(?:{h16}:){{{n}}}{h16}::(?:{h16}:){{{4 - n}}}{ls32}" for n in range(5)]
        forms += [f"(?:{h16}:){{5}}{h16}::{h16}", f"(?:{h16}:){{6}}{h16}::"]
    return "|".join(forms)


def _iri_grammar(ucs: str, private: str, *, strict_rfc: bool) -> tuple[str, str]:
    """(IRI, relative reference) regexes, RFC 3987 as rfc3987-syntax's grammar has it.

    That grammar (what jsonschema uses for `iri-reference`) differs from the RFC in two
    ways kept on purpose, to agree with it: `ucschar` covers only the Basic Multilingual
    Plane, and compressed IPv6 (`::`) needs eight groups in all. With `ucs` and `private`
    empty and `strict_rfc`, the first regex is RFC 3986's URI.
    """
    unreserved = f"A-Za-z0-9\\-._~{ucs}"
    subs = "!$&'()*+,;="
    pct = "%[0-9A-Fa-f]{2}"
    pchar = f"(?:[{unreserved}{subs}:@]|{pct})"
    segment, segment_nz = f"{pchar}*", f"{pchar}+"
    segment_nz_nc = f"(?:[{unreserved}{subs}@]|{pct})+"
    future = f"v[0-9A-Fa-f]+\\.[A-Za-z0-9\\-._~{subs}:]+"
    host = f"(?:\\[(?:{_ipv6(strict_rfc)}|{future})\\]|(?:[{unreserved}{subs}]|{pct})*)"
    authority = f"(?:(?:[{unreserved}{subs}:]|{pct})*@)?{host}(?::[0-9]*)?"
    abempty = f"(?:/{segment})*"
    absolute = f"/(?:{segment_nz}(?:/{segment})*)?"
    query = f"(?:\\?(?:[{unreserved}{subs}:@/?{private}]|{pct})*)?"
    fragment = f"(?:#(?:[{unreserved}{subs}:@/?]|{pct})*)?"
    scheme = "[A-Za-z][A-Za-z0-9+\\-.]*"
    hier = f"(?://{authority}{abempty}|{absolute}|{segment_nz}(?:/{segment})*|)"
    relative = f"(?://{authority}{abempty}|{absolute}|{segment_nz_nc}(?:/{segment})*|)"
    return f"{scheme}:{hier}{query}{fragment}", f"{relative}{query}{fragment}"


# Every `ucschar` plays the same part in the grammar, and so does every `iprivate`
# character: folding each class onto one representative keeps the regex's character
# classes small, which makes it about ten times cheaper to compile (at every start).
UCS_RANGES = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF))
PRIVATE_RANGE = (0xE000, 0xF8FF)
_IRI, _RELATIVE = _iri_grammar("\u00a0", "\ue000", strict_rfc=False)
_IRI_REFERENCE = re.compile(f"(?:{_IRI}|{_RELATIVE})\\Z")
_URL_ASCII = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&()*+,;=:/?@"
)
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
URL_MEMO = 1 << 16  # URLs remembered by clean_url and is_iri_reference (the IRI regex is slow)
_URL_UNIT = "(?:[" + re.escape("".join(sorted(_URL_ASCII))) + "]|%[0-9A-Fa-f]{2})*"
_NOTHING_TO_ENCODE = re.compile(f"{_URL_UNIT}(?:#{_URL_UNIT})?")  # what percent_encode keeps


def _is_ucs(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in UCS_RANGES)


def _fold(char: str) -> str:
    if char.isascii():
        return char
    if _is_ucs(char):
        return "\u00a0"
    return "\ue000" if PRIVATE_RANGE[0] <= ord(char) <= PRIVATE_RANGE[1] else char


@lru_cache(maxsize=URL_MEMO)  # each URL is checked when cleaned, then again when validated
def is_iri_reference(value: str) -> bool:
    """RFC 3987 IRI-reference, as rfc3987-syntax parses it (see `_iri_grammar`)."""
    if not value.isascii():
        value = "".join(map(_fold, value))
    return _IRI_REFERENCE.match(value) is not None


@cache
def _uri() -> re.Pattern[str]:
    return re.compile(f"{_iri_grammar('', '', strict_rfc=True)[0]}\\Z")


def is_uri(value: str) -> bool:
    """An absolute URI (only JSF signatures use it; aibom writes none)."""
    return _uri().match(value) is not None


@lru_cache(maxsize=URL_MEMO)  # the SPDX writer cleans each link for several fields
def clean_url(url: str) -> str | None:
    """`url` as a valid IRI reference, percent-encoding what may not appear; None if hopeless.

    Also encodes what the library's XsUri would rewrite (`'`, `[`, `]`), so that the string
    validated here is the one written.
    """
    text = url.strip()
    # most URLs need nothing encoded: one regex instead of a loop over their characters
    cleaned = text if _NOTHING_TO_ENCODE.fullmatch(text) else percent_encode(text)
    return cleaned if cleaned and is_iri_reference(cleaned) else None


def percent_encode(text: str) -> str:
    """`text` with every character an IRI may not hold percent-encoded (a first `#` kept)."""
    out: list[str] = []
    seen_hash = False
    for index, char in enumerate(text):
        allowed = char in _URL_ASCII or (not char.isascii() and _is_ucs(char))
        if allowed or (char == "%" and _PCT.match(text, index)):
            out.append(char)
        elif char == "#" and not seen_hash:
            seen_hash = True
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
    return "".join(out)


FORMATS: dict[str, Callable[[str], bool]] = {
    "date-time": is_date_time,
    "idn-email": is_idn_email,
    "iri-reference": is_iri_reference,
    "uri": is_uri,
}
