"""License logic: SPDX expressions from metadata and license texts. Never imports scanner."""

from licenses.expression import (
    InvalidLicenseExpression,
    NormalizedExpr,
    parse_spdx,
    parse_user,
)
from licenses.metadata import from_classifier, from_metadata, from_name, is_license_classifier
from licenses.texts import identify_text

__all__ = [
    "InvalidLicenseExpression",
    "NormalizedExpr",
    "from_classifier",
    "from_metadata",
    "from_name",
    "identify_text",
    "is_license_classifier",
    "parse_spdx",
    "parse_user",
]
