from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import licenses
from licenses import from_metadata, identify_text, parse_spdx
from licenses.texts import (
    MAX_TEXT_CHARS,
    identify_texts,
    normalize,
    pattern,
    phrase_regex,
    rules,
)

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "fixtures" / "files" / "licenses"
DATA = ROOT / "licenses" / "data" / "license_texts.toml"
BSD = ["License :: OSI Approved :: BSD License"]
APACHE = ["License :: OSI Approved :: Apache Software License"]
MIT_CLASSIFIER = ["License :: OSI Approved :: MIT License"]
SCIPY = (
    "BSD-3-Clause AND BSD-3-Clause-Open-MPI AND GPL-3.0-or-later WITH GCC-exception-3.1"
    " AND LGPL-2.1-or-later"
)


def text(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mit.txt", "MIT"),
        ("mit-0.txt", "MIT-0"),
        ("isc.txt", "ISC"),
        ("0bsd.txt", "0BSD"),
        ("bsd-2-clause.txt", "BSD-2-Clause"),
        ("bsd-3-clause.txt", "BSD-3-Clause"),
        ("bsd-3-clause-with-prose.txt", "BSD-3-Clause"),
        ("bsd-3-clause-author-variant.txt", "BSD-3-Clause"),
        ("apache-2.0.txt", "Apache-2.0"),
        ("apache-2.0-no-appendix.txt", "Apache-2.0"),
        ("apache-2.0-notice.txt", "Apache-2.0"),
        ("mpl-2.0.txt", "MPL-2.0"),
        ("mpl-2.0-notice.txt", "MPL-2.0"),
        ("psf-2.0.txt", "PSF-2.0"),
        ("unlicense.txt", "Unlicense"),
        ("cc0-1.0.txt", "CC0-1.0"),
        ("lgpl-2.1.txt", "LGPL-2.1-only"),
        ("lgpl-3.0.txt", "LGPL-3.0-only"),
        ("tqdm-bundle.txt", "MPL-2.0 AND MIT"),
        ("scipy-bundle.txt", SCIPY),
    ],
)
def test_real_license_texts(name: str, expected: str) -> None:
    assert identify_text(text(name)) == expected


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("bsd-4-clause.txt", "BSD look-alike with the advertising clause"),
        ("x11.txt", "MIT look-alike with a name-use clause"),
        ("python-license-stack.txt", "PSF-2.0 followed by agreements we do not identify"),
        ("ncsa-and-bsd-3-clause.md", "BSD-3-Clause beside an NCSA grant we do not identify"),
        ("mit-plus-custom-notice.txt", "MIT followed by a custom permission notice"),
        ("readme-mentions-mit.md", "names the MIT license, holds no license text"),
        ("sniffio-either.txt", "points to license files, holds no text itself"),
    ],
)
def test_unidentified_texts_are_unknown_not_guessed(name: str, why: str) -> None:
    assert identify_text(text(name)) is None, why


def test_look_alikes_are_told_apart() -> None:
    assert identify_text(text("bsd-2-clause.txt")) == "BSD-2-Clause"
    assert identify_text(text("bsd-3-clause.txt")) == "BSD-3-Clause"
    assert identify_text(text("mit.txt")) == "MIT"
    assert identify_text(text("isc.txt")) == "ISC"
    # Derived from the real texts: drop the one clause that sets each apart.
    bsd3 = text("bsd-3-clause.txt")
    third = re.search(r"3\.\s+Neither.*?permission\.\n", bsd3, re.DOTALL)
    assert third is not None
    assert identify_text(bsd3.replace(third.group(), "")) == "BSD-2-Clause"
    mit = text("mit.txt")
    no_condition = re.sub(
        r", subject to the following conditions:.*?Software\.", ".", mit, flags=re.DOTALL
    )
    assert identify_text(no_condition) == "MIT-0"
    zero = text("0bsd.txt")
    condition = (
        ", provided that the above copyright notice and this permission notice appear in all"
        " copies."
    )
    with_notice = zero.replace("is hereby granted.", f"is hereby granted{condition}")
    assert with_notice != zero
    assert identify_text(with_notice) == "ISC"


def test_gpl_version_decided_only_by_a_notice() -> None:
    assert identify_text(text("gpl-2.0.txt")) == "GPL-2.0-only"  # bare text: the narrower
    assert identify_text(text("gpl-3.0.txt")) == "GPL-3.0-only"  # (its appendix's sample
    assert identify_text(text("gpl-2.0-only-notice.txt")) == "GPL-2.0-only"  # notice is part
    assert identify_text(text("gpl-2.0-or-later-notice.txt")) == "GPL-2.0-or-later"  # of it)
    full, later = text("gpl-2.0.txt"), text("gpl-2.0-or-later-notice.txt")
    assert identify_texts([later, full]) == "GPL-2.0-or-later"
    assert identify_texts([full, text("gpl-2.0-only-notice.txt")]) == "GPL-2.0-only"
    plain = later.replace("(at your option) ", "")
    assert identify_text(plain) == "GPL-2.0-or-later"
    assert identify_text(later.replace("version 2", "version 2.1")) is None  # no GPL-2.1
    # Derived: the same notice for the AGPL and the LGPL.
    assert (
        identify_text(
            later.replace("GNU General", "GNU Affero General").replace("version 2", "version 3")
        )
        == "AGPL-3.0-or-later"
    )
    assert (
        identify_text(
            later.replace("GNU General", "GNU Lesser General").replace("version 2", "version 2.1")
        )
        == "LGPL-2.1-or-later"
    )


def test_lgpl3_absorbs_the_gpl3_text_it_ships_with() -> None:
    assert identify_texts([text("gpl-3.0.txt"), text("lgpl-3.0.txt")]) == "LGPL-3.0-only"


def test_several_texts_are_joined_with_and_unless_one_is_unknown() -> None:
    mit, apache = text("mit.txt"), text("apache-2.0.txt")
    assert identify_texts([apache, "Authors: Jane Doe\n", mit]) == "Apache-2.0 AND MIT"
    assert identify_texts([mit, mit]) == "MIT"
    assert identify_texts([mit, text("x11.txt")]) is None
    assert identify_texts([]) is None


def test_a_license_mentioned_in_passing_is_not_identified() -> None:
    assert identify_text("This project is licensed under the terms of the MIT license.") is None
    assert identify_text("Licensed under the Apache License, Version 2.0.") is None
    see = "BSD 3-Clause License\n\nSee https://opensource.org/licenses/BSD-3-Clause"
    assert identify_text(see) is None
    assert identify_text("Released under the GNU GPL v3 or any later version.") is None


def test_normalisation_of_layout_case_and_bullets() -> None:
    bsd = text("bsd-3-clause.txt")
    reflowed = " ".join(bsd.split()).upper().replace("1.  ", "* ").replace("2.  ", "(b) ")
    assert identify_text(reflowed) == "BSD-3-Clause"
    assert identify_text(bsd.replace("\n", "\r\n")) == "BSD-3-Clause"
    markdown = "## License\n\n> " + text("mit.txt").replace("\n", "\n> ").replace("MIT", "**MIT**")
    assert identify_text(markdown) == "MIT"
    assert identify_text(text("mit.txt").replace("license", "licence")) == "MIT"
    assert normalize("Copyright (c) 2020 Jane\n1. Foo, bar/baz") == " foo bar baz "


def test_too_long_text_is_unknown_and_fast() -> None:
    mit = text("mit.txt")
    assert identify_text(mit + " " * MAX_TEXT_CHARS) is None
    repeated = (mit * (MAX_TEXT_CHARS // len(mit)))[:MAX_TEXT_CHARS]
    hostile = ("GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007 TERMS AND CONDITIONS " * 14000)[
        :MAX_TEXT_CHARS
    ]
    start = time.perf_counter()
    assert identify_text(repeated) == "MIT"
    assert identify_text(hostile) is None
    assert time.perf_counter() - start < 2.0  # linear: about 0.05 s per MB here


def test_every_rule_names_a_valid_spdx_id_and_compiles() -> None:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    assert data["license"]
    for table in [*data["license"], *data["exception"]]:
        assert table["clauses"], table["id"]
    for rule in rules():
        assert parse_spdx(rule.spdx_id) == rule.spdx_id
        for phrase in (*rule.clauses, *rule.forbid, *rule.tail):
            assert pattern(phrase).pattern
    assert parse_spdx("MIT WITH GCC-exception-3.1") is not None  # a known exception id


def test_phrase_notation() -> None:
    regex = re.compile(phrase_regex("version {2|2.0} of <...> License"))
    assert regex.search(normalize("Version 2.0 of the GNU License"))
    assert regex.search(normalize("version 2 of the License"))
    assert not regex.search(normalize("version 2.1 of the License"))


def test_public_api_is_exact_and_sorted() -> None:
    assert "identify_text" in licenses.__all__
    assert licenses.__all__ == sorted(licenses.__all__)


# --- from_metadata with texts ------------------------------------------------------------------


def test_pasted_license_field_is_identified() -> None:
    cycler_like = text("bsd-3-clause.txt")
    assert from_metadata(license_field=cycler_like, classifiers=BSD) == "BSD-3-Clause"
    assert from_metadata(license_field=cycler_like) == "BSD-3-Clause"
    one_line = " ".join(text("mit.txt").split())
    assert from_metadata(license_field=one_line) == "MIT"


def test_license_files_when_classifiers_are_ambiguous() -> None:
    assert from_metadata(classifiers=BSD, license_texts=[text("bsd-2-clause.txt")]) == (
        "BSD-2-Clause"
    )
    bsd2 = [text("bsd-2-clause.txt")]
    assert from_metadata(license_field="BSD", classifiers=BSD, license_texts=bsd2) == "BSD-2-Clause"
    assert from_metadata(classifiers=APACHE, license_texts=[text("apache-2.0.txt")]) == (
        "Apache-2.0"
    )
    assert from_metadata(classifiers=BSD, license_texts=[text("scipy-bundle.txt")]) == SCIPY
    assert from_metadata(license_texts=[text("mit.txt")]) == "MIT"


def test_texts_that_contradict_the_classifiers_are_not_used() -> None:
    apache = [text("apache-2.0.txt")]
    assert from_metadata(classifiers=MIT_CLASSIFIER + APACHE, license_texts=apache) is None
    assert from_metadata(classifiers=BSD, license_texts=[text("mit.txt")]) is None
    other = ["License :: Other/Proprietary License"]
    assert from_metadata(classifiers=other, license_texts=[text("mit.txt")]) is None
    gpl = ["License :: OSI Approved :: GNU General Public License (GPL)"]
    later = [text("gpl-2.0-or-later-notice.txt")]
    assert from_metadata(classifiers=gpl, license_texts=later) == "GPL-2.0-or-later"
    public_domain = ["License :: Public Domain"]
    unlicense = [text("unlicense.txt")]
    assert from_metadata(classifiers=public_domain, license_texts=unlicense) == "Unlicense"
    pasted = text("mit.txt")
    assert (
        from_metadata(license_field=pasted, classifiers=BSD, license_texts=[text("isc.txt")])
        is None
    )


class Untouched:
    """License texts that fail the test if anyone reads them."""

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("license files read although the metadata decided")


def test_texts_come_last_in_the_order_of_trust() -> None:
    apache = text("apache-2.0.txt")
    assert from_metadata(expression="MIT", license_texts=Untouched()) == "MIT"
    assert from_metadata(license_field="MIT", license_texts=Untouched()) == "MIT"
    assert from_metadata(classifiers=MIT_CLASSIFIER, license_texts=Untouched()) == "MIT"
    assert from_metadata(classifiers=MIT_CLASSIFIER, license_field=apache) == "MIT"
    pasted, files = text("bsd-3-clause.txt"), [text("bsd-2-clause.txt")]
    assert from_metadata(license_field=pasted, license_texts=files) == "BSD-3-Clause"
    unknown = text("x11.txt")
    assert from_metadata(license_field=unknown, license_texts=files) == "BSD-2-Clause"
