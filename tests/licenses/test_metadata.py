from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from licenses import from_classifier, from_metadata, from_name, parse_spdx, parse_user
from licenses.expression import InvalidLicenseExpression

DATA = Path(__file__).resolve().parents[2] / "licenses" / "data"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MIT", "MIT"),
        ("mit", "MIT"),
        ("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"),
        ("GPL-2.0", "GPL-2.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("GPL-2.0 WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("BSD", None),
        ("LicenseRef-made-up", None),
        ("", None),
        ("MIT\nsecond line", None),
    ],
)
def test_parse_spdx(raw: str, expected: str | None) -> None:
    assert parse_spdx(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("  the MIT license. ", "MIT"),
        ("BSD-3", "BSD-3-Clause"),
        ("3-Clause BSD License", "BSD-3-Clause"),
        ("GPLv3+", "GPL-3.0-or-later"),
        ("MIT/X11", "MIT"),
        ("BSD License", None),
        ("Dual License", None),
        ("UNKNOWN", None),
        ("x" * 300, None),
    ],
)
def test_from_name(raw: str, expected: str | None) -> None:
    assert from_name(raw) == expected


def test_every_alias_and_classifier_maps_to_a_valid_expression() -> None:
    aliases = tomllib.loads((DATA / "aliases.toml").read_text())["aliases"]
    for raw, spdx in aliases.items():
        assert parse_spdx(spdx) is not None, raw
        assert from_name(raw) == parse_spdx(spdx), raw
    classifiers = tomllib.loads((DATA / "classifiers.toml").read_text())
    for classifier, spdx in classifiers["spdx"].items():
        assert from_classifier(classifier) == parse_spdx(spdx), classifier
    for classifier in classifiers["ambiguous"]:
        assert from_classifier(classifier) is None
        assert classifier not in classifiers["spdx"]


def test_metadata_order_of_trust() -> None:
    mit = ["License :: OSI Approved :: MIT License"]
    bsd = ["License :: OSI Approved :: BSD License"]
    assert (
        from_metadata(expression="Apache-2.0", license_field="MIT", classifiers=mit) == "Apache-2.0"
    )
    assert from_metadata(expression="not valid ((", license_field="MIT License") == "MIT"
    assert from_metadata(license_field="see LICENSE file", classifiers=mit) == "MIT"
    assert from_metadata(classifiers=bsd) is None
    assert from_metadata(license_field="BSD-3-Clause", classifiers=bsd) == "BSD-3-Clause"
    two = [
        "License :: OSI Approved :: MIT License",
        "License :: OSI Approved :: Apache Software License",
    ]
    assert from_metadata(classifiers=two) is None
    assert from_metadata() is None


def test_parse_user_raises_on_invalid() -> None:
    assert parse_user("mit OR apache-2.0") == "MIT OR Apache-2.0"
    with pytest.raises(InvalidLicenseExpression):
        parse_user("Apache 2")
