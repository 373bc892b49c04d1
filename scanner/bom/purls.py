"""`canonical(purl)`: `identity.canonical_purl`, with a shortcut for purls already canonical.

Parsing and re-writing a purl with packageurl-python costs about 0.1 ms, a second for
an environment's or a monorepo's ten thousand components, while nearly every purl the
scan makes (`pkg:pypi/<normalised name>@<version>`, `pkg:huggingface/<org>/<repo>@<commit>`)
is already in canonical form. Those match `ALREADY_CANONICAL` and are returned as they are
(a property test holds the pattern to `canonical_purl`); everything else is parsed.
"""

from __future__ import annotations

import re

from scanner.identity import canonical_purl

ALREADY_CANONICAL = re.compile(
    r"pkg:pypi/[a-z0-9]+(?:[.-][a-z0-9]+)*(?:@[0-9a-z.]+)?"
    r"|pkg:huggingface/[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*){1,2}"
    r"(?:@[0-9a-f]{40})?"
)


def canonical(text: str | None) -> str | None:
    """The purl in canonical form, or None when there is none or it does not parse."""
    if text and ALREADY_CANONICAL.fullmatch(text):
        return text
    return canonical_purl(text)
