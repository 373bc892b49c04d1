"""SPDX expression parsing: the only module that imports `license_expression`."""

from __future__ import annotations

from functools import cache
from typing import Any, NewType

from license_expression import ExpressionError, Licensing, get_spdx_licensing

NormalizedExpr = NewType("NormalizedExpr", str)
"""An SPDX expression aibom has parsed and rendered in canonical form."""


class InvalidLicenseExpression(ValueError):
    """A user-given expression (e.g. `--project-license`) is not valid SPDX."""


@cache
def spdx() -> Licensing:
    """The SPDX licensing (SPDX ids plus ScanCode `LicenseRef-scancode-*` keys)."""
    return get_spdx_licensing()


def parse_spdx(text: str) -> NormalizedExpr | None:
    """Canonical form of `text` if it is a valid SPDX expression of known ids, else None.

    Never raises: metadata is messy. Case and deprecated forms are fixed (`mit` -> `MIT`,
    `GPL-2.0+` -> `GPL-2.0-or-later`); unknown ids give None rather than a guess.
    """
    text = text.strip()
    if not text or len(text) > 1000 or "\n" in text:
        return None
    try:
        parsed: Any = spdx().parse(text, validate=True, strict=False)
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return None
    if parsed is None:
        return None
    return NormalizedExpr(str(parsed.render()))


def parse_user(text: str) -> NormalizedExpr:
    """Parse an expression the user gave us; raise InvalidLicenseExpression if it is not SPDX."""
    result = parse_spdx(text)
    if result is None:
        raise InvalidLicenseExpression(f"not a valid SPDX license expression: {text!r}")
    return result
