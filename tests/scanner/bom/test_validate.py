"""The fast validator agrees with cyclonedx-python-lib's jsonschema-based one, and caches."""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.schema._res import BOM_JSON
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import validate as v
from scanner.model import ScanResult

LIBRARY = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5}
SPECS = ["1.6", "1.5"]
FORMAT_CHECKER = Draft7Validator.FORMAT_CHECKER
Mutation = Callable[[dict[str, Any]], None]


def library_accepts(document: dict[str, Any], spec: str) -> bool:
    return JsonStrictValidator(LIBRARY[spec]).validate_str(json.dumps(document)) is None


def ours_accepts(document: dict[str, Any], spec: str) -> bool:
    try:
        v.validate_json(document, spec)
    except v.BomValidationError:
        return False
    return True


@pytest.fixture
def base(scan_result: ScanResult, request: pytest.FixtureRequest) -> dict[str, Any]:
    text = BOM_WRITERS["cyclonedx-json"].render(scan_result, BomOptions(spec_version=request.param))
    document: dict[str, Any] = json.loads(text)
    return document


def first(doc: dict[str, Any]) -> dict[str, Any]:
    comp: dict[str, Any] = doc["components"][0]
    return comp


def setter(path: str, value: Any) -> Mutation:
    """A mutation setting `value` at a dotted path (numbers index lists)."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def deleter(path: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[last]

    return mutate


URL = "components.0.externalReferences"
INVALID: dict[str, Mutation] = {
    "bad enum": setter("components.0.type", "lib"),
    "bad scope": setter("components.0.scope", "mandatory"),
    "missing name": deleter("components.0.name"),
    "missing bomFormat": deleter("bomFormat"),
    "bomFormat not CycloneDX": setter("bomFormat", "SPDX"),
    "wrong type version": setter("components.0.version", 1),
    "bool for integer": setter("version", True),
    "fraction for integer": setter("version", 1.5),
    "integer below minimum": setter("version", 0),
    "LicenseRef id": setter("components.0.licenses", [{"license": {"id": "LicenseRef-x"}}]),
    "unknown SPDX id": setter("components.0.licenses", [{"license": {"id": "Apache-2"}}]),
    "id and name": setter("components.0.licenses", [{"license": {"id": "MIT", "name": "x"}}]),
    "expression beside a license": setter(
        "components.0.licenses", [{"expression": "MIT"}, {"license": {"name": "x"}}]
    ),
    "additional property": setter("components.0.colour", "red"),
    "additional top-level property": setter("extra", 1),
    "bad date-time": setter("metadata.timestamp", "2024-13-01T00:00:00Z"),
    "date-time 30 February": setter("metadata.timestamp", "2024-02-30T00:00:00Z"),
    "date-time without zone": setter("metadata.timestamp", "2024-01-01T00:00:00"),
    "date-time with a space": setter("metadata.timestamp", "2024-01-01 00:00:00Z"),
    "date-time year 0": setter("metadata.timestamp", "0000-01-01T00:00:00Z"),
    "bad serial": setter("serialNumber", "urn:uuid:not-a-uuid"),
    "upper-case serial": setter("serialNumber", "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79"),
    "bad hash content": setter("components.0.hashes", [{"alg": "SHA-256", "content": "xyz"}]),
    "bad hash alg": setter("components.0.hashes", [{"alg": "SHA-257", "content": "a" * 64}]),
    "url with a space": setter(URL, [{"type": "website", "url": "https://a b"}]),
    "url with two fragments": setter(URL, [{"type": "website", "url": "https://a/#x#y"}]),
    "url with stray percent": setter(URL, [{"type": "website", "url": "https://a/%zz"}]),
    "url ipv6 shorthand": setter(URL, [{"type": "website", "url": "http://[::1]/"}]),
    "bad external ref type": setter(URL, [{"type": "homepage", "url": "https://a"}]),
    "occurrence without location": setter("components.0.evidence", {"occurrences": [{}]}),
    "e-mail without @": setter("metadata.authors", [{"name": "a", "email": "nobody"}]),
    "duplicate dependsOn": setter("dependencies.0.dependsOn", ["x", "x"]),
    "dependency without ref": setter("dependencies.0", {"dependsOn": []}),
    "empty bom-ref": setter("components.0.bom-ref", ""),
    "property not an object": setter("components.0.properties", ["a=b"]),
    "confidence above 1": setter(
        "components.0.evidence", {"identity": [{"field": "name", "confidence": 2}]}
    ),
}


def duplicate(path: str, index: int = 0, change: dict[str, Any] | None = None) -> Mutation:
    """Append a copy of the list item at `path`[index], optionally changed."""

    def mutate(doc: dict[str, Any]) -> None:
        node: Any = doc
        for key in path.split("."):
            node = node[int(key)] if key.isdigit() else node[key]
        node.append({**copy.deepcopy(node[index]), **(change or {})})

    return mutate


def with_key(doc: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in doc["components"] if key in c)
    return found


INVALID.update(
    {
        "duplicate component": duplicate("components"),
        "duplicate nested component": lambda doc: duplicate("components")(
            next(c for c in doc["components"] if "components" in c)
        ),
        "duplicate dependency": duplicate("dependencies"),
    }
)
AGREE: dict[str, Mutation] = {
    "duplicate hash": lambda doc: duplicate("hashes")(with_key(doc, "hashes")),
    "same bom-ref, other content": duplicate("components", 0, {"name": "other"}),
    "duplicate property": duplicate("components.0.properties"),
    "duplicate external reference": lambda doc: duplicate("externalReferences")(
        with_key(doc, "externalReferences")
    ),
    "same ref, other dependsOn": duplicate("dependencies", 0, {"dependsOn": ["x"]}),
}


VALID: dict[str, Mutation] = {
    "as written": lambda doc: None,
    "purl is not checked": setter("components.0.purl", "not a purl"),
    "lower-case date-time": setter("metadata.timestamp", "2024-01-01t00:00:00z"),
    "date-time with offset and fraction": setter(
        "metadata.timestamp", "2024-02-29T23:59:59.5+05:30"
    ),
    "date-time trailing newline": setter("metadata.timestamp", "2024-01-01T00:00:00Z\n"),
    "serial trailing newline": setter(
        "serialNumber", "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\n"
    ),
    "relative url": setter(URL, [{"type": "website", "url": "docs/index.html"}]),
    "empty url": setter(URL, [{"type": "website", "url": ""}]),
    "non-ASCII url": setter(URL, [{"type": "website", "url": "https://bücher.de/straße"}]),
    "full ipv6 url": setter(URL, [{"type": "vcs", "url": "git://[1:2:3:4:5:6:7:8]/r"}]),
    "e-mail without dot": setter("metadata.authors", [{"name": "a", "email": "a@b"}]),
    "SPDX id": setter("components.0.licenses", [{"license": {"id": "Apache-2.0"}}]),
    "LicenseRef in expression": setter(
        "components.0.licenses", [{"expression": "MIT OR LicenseRef-llama3"}]
    ),
    "two named licenses": setter(
        "components.0.licenses", [{"license": {"name": "a"}}, {"license": {"name": "b"}}]
    ),
    "integer as float": setter("version", 1.0),
    "model card": setter("components.0.modelCard", {"modelParameters": {"task": "fill-mask"}}),
}
ONLY_16: dict[str, Mutation] = {
    "acknowledgement": setter(
        "components.0.licenses", [{"expression": "MIT", "acknowledgement": "declared"}]
    ),
    "occurrence line": setter(
        "components.0.evidence", {"occurrences": [{"location": "a", "line": 3}]}
    ),
    "source-distribution ref": setter(URL, [{"type": "source-distribution", "url": "https://a"}]),
    "cryptographic-asset": setter("components.0.type", "cryptographic-asset"),
}


def check_agreement(base: dict[str, Any], mutate: Mutation, spec: str) -> tuple[bool, bool]:
    document = copy.deepcopy(base)
    mutate(document)
    return ours_accepts(document, spec), library_accepts(document, spec)


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_boms_are_rejected_by_both(base: dict[str, Any], case: str) -> None:
    spec = base["specVersion"]
    assert check_agreement(base, INVALID[case], spec) == (False, False)


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(VALID))
def test_valid_boms_are_accepted_by_both(base: dict[str, Any], case: str) -> None:
    spec = base["specVersion"]
    assert check_agreement(base, VALID[case], spec) == (True, True)


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(AGREE))
def test_uniqueness_edge_cases_agree(base: dict[str, Any], case: str) -> None:
    ours, library = check_agreement(base, AGREE[case], base["specVersion"])
    assert ours == library


@pytest.mark.parametrize("base", SPECS, indirect=True)
@pytest.mark.parametrize("case", sorted(ONLY_16))
def test_16_fields_pass_16_and_fail_15_for_both(base: dict[str, Any], case: str) -> None:
    spec = base["specVersion"]
    expected = (spec == "1.6", spec == "1.6")
    assert check_agreement(base, ONLY_16[case], spec) == expected


@pytest.mark.parametrize("base", ["1.6"], indirect=True)
def test_a_16_bom_fails_the_15_schema(base: dict[str, Any]) -> None:
    assert not ours_accepts(base, "1.5")
    assert not library_accepts(base, "1.5")


@pytest.mark.parametrize("base", ["1.6"], indirect=True)
def test_validation_leaves_the_document_alone(base: dict[str, Any]) -> None:
    before = copy.deepcopy(base)
    v.validate_json(base, "1.6")
    assert base == before  # e.g. no schema defaults ("scope": "required") filled in


def test_text_input_and_error_message() -> None:
    v.validate_json('{"bomFormat": "CycloneDX", "specVersion": "1.6"}', "1.6")
    with pytest.raises(v.BomValidationError, match=r"CycloneDX 1.5 JSON schema: data must contain"):
        v.validate_json("{}", "1.5")


def test_unknown_spec_version() -> None:
    with pytest.raises(ValueError, match=r"1\.2"):
        v.validate_json({}, "1.2")


# -- formats ------------------------------------------------------------------------------

URL_CHARS = "aZ09-._~!$&'()*+,;=:/?#@%[]{}| \"<>\\^`vF"
URL_ALPHABET = st.sampled_from(
    [*URL_CHARS, "%41", "%zz", "::", "\u00e9", "\ue000", "\U0001f600", "\ufdd0"]
)
URL_HEADS = st.sampled_from(["", "http://", "https://user@host:8080/", "//", "a:", "/", "#", "?"])


@settings(max_examples=400, deadline=None)
@given(head=URL_HEADS, body=st.lists(URL_ALPHABET, max_size=12).map("".join))
def test_iri_reference_agrees_with_jsonschema(head: str, body: str) -> None:
    value = head + body
    assert v.is_iri_reference(value) == FORMAT_CHECKER.conforms(value, "iri-reference")


@pytest.mark.parametrize(
    "value",
    [
        "http://[::1]/",
        "http://[1:2::]/",
        "http://[::ffff:1.2.3.4]/",
        "http://[1:2:3:4:5:6:7:8]/",
        "http://[1::3:4:5:6:7:8]/",
        "http://[1:2:3:4:5:6:7::]/",
        "http://[v1.x]/",
        "http://[V1.x]/",
        "http://[::\u0661.\u0661.\u0661.\u0661]/",
        "http://1.2.3.4:99/p?q#f",
        "mailto:a@b.c",
        "1a:b",
        "./a:b",
        "a:b",
    ],
)
def test_iri_reference_edge_cases_agree(value: str) -> None:
    assert v.is_iri_reference(value) == FORMAT_CHECKER.conforms(value, "iri-reference")
    assert v.is_uri(value) == FORMAT_CHECKER.conforms(value, "uri")


DIGITS = st.sampled_from(list("0123456789"))
DATE_TIME_PARTS = st.tuples(
    st.sampled_from(["2024", "0000", "1999", "2023"]),
    st.sampled_from(["01", "02", "12", "13", "00"]),
    st.sampled_from(["01", "28", "29", "30", "31", "32"]),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:61"]),
    st.sampled_from(["", ".5", ".123456", "."]),
    st.sampled_from(["Z", "z", "+05:30", "-24:00", "+0530", ""]),
    st.sampled_from(["", "\n", " "]),
)


@settings(max_examples=400, deadline=None)
@given(parts=DATE_TIME_PARTS)
def test_date_time_agrees_with_jsonschema(parts: tuple[str, ...]) -> None:
    y, m, d, t, hms, frac, zone, tail = parts
    value = f"{y}-{m}-{d}{t}{hms}{frac}{zone}{tail}"
    assert v.is_date_time(value) == FORMAT_CHECKER.conforms(value, "date-time")


@pytest.mark.parametrize("value", ["a@b", "nobody", "@", "a@b.c", ""])
def test_idn_email_agrees_with_jsonschema(value: str) -> None:
    assert v.is_idn_email(value) == FORMAT_CHECKER.conforms(value, "idn-email")


def test_every_format_in_the_schemas_is_checked() -> None:
    used: set[str] = set()
    for path in (*v.SIBLINGS.values(), *(v._schema_path(s, BOM_JSON) for s in SPECS)):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"format"\s*:\s*"([^"]+)"', text))
    assert used == set(v.FORMATS)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://x/%zz%41", "https://x/%25zz%41"),
        ("https://x/#a#b", "https://x/#a%23b"),
        ("https://x/it's[1]", "https://x/it%27s%5B1%5D"),
        ("  https://x/ ", "https://x/"),
        ("https://bücher.de", "https://bücher.de"),
        ("https://x/\U0001f600", "https://x/%F0%9F%98%80"),
        ("http://[::1]/", None),
        ("not a url: x", None),
        ("", None),
    ],
)
def test_clean_url(url: str, expected: str | None) -> None:
    assert v.clean_url(url) == expected
    if expected is not None:
        assert FORMAT_CHECKER.conforms(expected, "iri-reference")


# -- XML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS)
def test_xml_validation_agrees_with_library(spec: str, scan_result: ScanResult) -> None:
    text = BOM_WRITERS["cyclonedx-xml"].render(scan_result, BomOptions(spec_version=spec))
    v.validate_xml(text, spec)
    broken = [
        text.replace('type="library"', 'type="lib"', 1),
        text.replace("<name>", "<nom>", 1).replace("</name>", "</nom>", 1),
        text.replace("</metadata>", "<extra/></metadata>", 1),
    ]
    for bad in broken:
        assert XmlValidator(LIBRARY[spec]).validate_str(bad) is not None
        with pytest.raises(v.BomValidationError, match=f"CycloneDX {spec} XML schema"):
            v.validate_xml(bad, spec)


def test_xml_is_parsed_without_network_or_entities() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">&e;</bom>'
    )
    with pytest.raises(v.BomValidationError):
        v.validate_xml(evil.encode(), "1.6")


# -- the compiled-code cache ----------------------------------------------------------------


def test_generated_module_is_cached_with_its_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    function = v._import_cached("1.5")
    written = sorted(p.name for p in (tmp_path / "aibom" / "cyclonedx-validators").rglob("*"))
    assert any(name.endswith(".py") for name in written)
    assert any(name.endswith(".pyc") for name in written)
    function({"bomFormat": "CycloneDX", "specVersion": "1.5"}, custom_formats=v.FORMATS)
    again = v._import_cached("1.5")  # second time: read from the cache
    assert again.__code__.co_filename == function.__code__.co_filename


def test_unwritable_cache_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.raises(NotADirectoryError):
        v._import_cached("1.5")
    v.json_validator.cache_clear()
    try:
        validate = v.json_validator("1.5")
        validate({"bomFormat": "CycloneDX", "specVersion": "1.5"})
    finally:
        v.json_validator.cache_clear()


def test_cache_key_follows_the_schema_files() -> None:
    assert v._cache_key("1.6") != v._cache_key("1.5")
    assert v._cache_key("1.6") == v._cache_key("1.6")


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"XDG_CACHE_HOME": "/x"}, Path("/x/aibom")), ({}, Path.home() / ".cache" / "aibom")],
)
def test_cache_root(env: dict[str, str], expected: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", "linux")
    assert v.cache_root() == expected


def patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in patterns(value)]
    return []


def test_patterns_end_in_the_only_dollar() -> None:
    """The `$` rewrite assumes every pattern's only unescaped `$` is its last character."""
    for path in (*v.SIBLINGS.values(), *(v._schema_path(s, BOM_JSON) for s in SPECS)):
        found = patterns(json.loads(path.read_text(encoding="utf-8")))
        assert all(not v._DOLLAR.findall(p[:-1]) for p in found)
        assert any(p.endswith("$") for p in found) or "spdx" in path.name or "jsf" in path.name


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("darwin", {}, Path.home() / "Library" / "Caches" / "aibom"),
        (
            "win32",
            {"LOCALAPPDATA": "C:/Users/x/AppData/Local"},
            Path("C:/Users/x/AppData/Local/aibom/Cache"),
        ),
    ],
)
def test_cache_root_elsewhere(
    platform: str, env: dict[str, str], expected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert v.cache_root() == expected


def test_only_bundled_schemas_are_resolved() -> None:
    with pytest.raises(v.BomValidationError, match="not bundled"):
        v._resolve("http://example.com/other.schema.json")


@settings(max_examples=1000)
@given(
    st.text(
        st.sampled_from("aZ09-._~!$&'()*+,;=:/?@#%[] é\u3000\ue000\x7f\n\"<>{}|\\^`"), max_size=30
    )
)
def test_clean_url_shortcut_keeps_only_what_needs_no_encoding(url: str) -> None:
    """The regex that lets a URL skip `percent_encode` agrees with `percent_encode`."""
    text = url.strip()
    if v._NOTHING_TO_ENCODE.fullmatch(text):
        assert v.percent_encode(text) == text
    v.clean_url.cache_clear()
    cleaned = v.percent_encode(text)
    assert v.clean_url(url) == (cleaned if cleaned and v.is_iri_reference(cleaned) else None)
