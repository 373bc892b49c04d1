"""License of a Python distribution from its core metadata, without inventing anything.

Order of trust: PEP 639 `License-Expression`; then a short `License:` field that is an SPDX
expression or a known alias; then trove classifiers that name exactly one license; then the
license texts (a whole license pasted into `License:`, else the license files), identified by
their clauses (texts.py) and accepted only when no license classifier contradicts them.
Anything else stays unresolved and the caller keeps the raw text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from licenses.expression import NormalizedExpr, parse_spdx
from licenses.texts import base_id, classifier_candidates, identify_texts

MAX_NAME_LENGTH = 200


@cache
def _data(name: str) -> dict[str, object]:
    text = files("licenses").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _table(name: str, key: str) -> dict[str, str]:
    """String values of a data table (the others are not this kind of entry)."""
    table = _data(name).get(key, {})
    if not isinstance(table, dict):
        return {}
    return {str(k): v for k, v in table.items() if isinstance(v, str)}


def fold(text: str) -> str:
    """Fold a free-text license name for alias lookup."""
    text = text.strip().strip("\"'").lower().replace("_", " ").replace(",", " ")
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


def from_name(text: str) -> NormalizedExpr | None:
    """A short license name or expression -> SPDX, or None when it does not say exactly."""
    text = text.strip()
    if not text or len(text) > MAX_NAME_LENGTH or "\n" in text:
        return None
    parsed = parse_spdx(text)
    if parsed is not None:
        return parsed
    alias = _table("aliases.toml", "aliases").get(fold(text))
    return parse_spdx(alias) if alias else None


def from_classifier(classifier: str) -> NormalizedExpr | None:
    """The SPDX id of a trove classifier that names exactly one license, else None."""
    spdx_id = _table("classifiers.toml", "spdx").get(classifier.strip())
    return parse_spdx(spdx_id) if spdx_id else None


def is_license_classifier(classifier: str) -> bool:
    """True for `License :: ...` classifiers."""
    return classifier.strip().startswith("License ::")


def from_metadata(
    *,
    expression: str | None = None,
    license_field: str | None = None,
    classifiers: Iterable[str] = (),
    license_texts: Iterable[str] = (),
) -> NormalizedExpr | None:
    """The license a distribution declares, when its metadata says so unambiguously.

    `license_texts` are the texts of its license files (read by the caller); they are read
    only when nothing before them in the order of trust decides.
    """
    if expression:
        parsed = parse_spdx(expression)
        if parsed is not None:
            return parsed
    if license_field:
        named = from_name(license_field)
        if named is not None:
            return named
    license_classifiers = sorted({c.strip() for c in classifiers if is_license_classifier(c)})
    mapped = {from_classifier(c) for c in license_classifiers}
    if len(mapped) == 1 and None not in mapped:
        return mapped.pop()
    pasted = [license_field] if license_field and is_pasted_text(license_field) else []
    for texts in (pasted, license_texts):
        found = identify_texts(texts)
        if found is not None and agrees_with_classifiers(found, license_classifiers):
            return found
    return None


def is_pasted_text(license_field: str) -> bool:
    """True when a `License:` field holds a license text rather than a name."""
    return "\n" in license_field.strip() or len(license_field) > MAX_NAME_LENGTH


def classifier_admits(classifier: str) -> tuple[str, ...] | None:
    """The license ids a license classifier allows; () for any; None when we cannot tell."""
    exact = _table("classifiers.toml", "spdx").get(classifier)
    if exact is not None:
        return (exact,)
    ambiguous = _data("classifiers.toml").get("ambiguous", {})
    candidates = ambiguous.get(classifier) if isinstance(ambiguous, dict) else None
    if isinstance(candidates, list):
        return tuple(str(c) for c in candidates)
    return classifier_candidates().get(classifier)


def agrees_with_classifiers(expression: str, classifiers: Iterable[str]) -> bool:
    """True unless a license classifier names no license of `expression`.

    Each classifier must admit at least one license of the expression (a text may add the
    licenses of vendored code to the project's own); version suffixes (-only, -or-later) are
    ignored, and a classifier we cannot interpret (e.g. "Other/Proprietary License") counts as
    a contradiction.
    """
    keys = {base_id(k) for k in re.findall(r"[A-Za-z0-9][A-Za-z0-9.+-]*", expression)}
    for classifier in classifiers:
        if not is_license_classifier(classifier):
            continue
        admits = classifier_admits(classifier.strip())
        if admits is None or (admits and not keys & {base_id(a) for a in admits}):
            return False
    return True
