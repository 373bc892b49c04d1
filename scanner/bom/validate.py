"""Fast CycloneDX schema validation: the bundled JSON schema compiled once, the XSD parsed once.

cyclonedx-python-lib validates with `jsonschema`, which interprets the 260 KB schema anew on
every document and dominates the run time of peers. Here the *same* bundled schema files are
compiled to Python by `fastjsonschema` (sibling schemas resolved from the package, never from
the network), kept per process, and the generated module is cached on disk under the user
cache directory keyed by a hash of everything that shapes it, so Python's bytecode cache
applies on the next run. Formats are checked as the library's validator checks them when
installed with its `[validation]` extra (see `FORMATS`); tests prove the two agree.
"""

from __future__ import annotations

import calendar
import hashlib
import importlib.util
import json
import os
import py_compile
import re
import sys
import tempfile
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
from cyclonedx.schema import SchemaVersion
from cyclonedx.schema._res import BOM_JSON, BOM_XML, JSF, SPDX_JSON
from fastjsonschema.ref_resolver import RefResolver

if TYPE_CHECKING:
    from lxml import etree

SCHEMA_BASE = "http://cyclonedx.org/schema/"
SIBLINGS = {SCHEMA_BASE + Path(path).name: Path(path) for path in (SPDX_JSON, JSF)}
VERSIONS = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5}
CODE_REVISION = "3"  # bump when the schema rewriting or the format checks below change

Validator = Callable[[Any], None]


class BomValidationError(Exception):
    """The BOM we built does not validate: a bug in aibom, never the user's fault."""


# -- formats, as jsonschema checks them with the packages of cyclonedx-python-lib[validation] --

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

# -- schema loading and rewriting -----------------------------------------------------------

_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
_SCHEMA_ONE = (
    *("additionalProperties", "additionalItems", "items", "not", "if", "then", "else"),
    *("contains", "propertyNames"),
)
_DOLLAR = re.compile(r"(?<!\\)\$")


def _rewrite(node: Any) -> Any:
    """The same schema in the form fastjsonschema compiles exactly like jsonschema checks it.

    `const: x` becomes `enum: [x]` (equivalent; fastjsonschema's terse mode cannot emit
    const), and an unescaped `$` in a pattern becomes `(?=\\n?\\Z)`, which is what `$` means
    to `re.search` in jsonschema (fastjsonschema would otherwise turn it into `\\Z`).
    """
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _rewrite(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_rewrite(sub) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = _rewrite(value)
        elif key == "const":
            out["enum"] = [value]
        elif key == "pattern" and isinstance(value, str):
            out[key] = _DOLLAR.sub(r"(?=\\n?\\Z)", value)
        else:
            out[key] = value
    return out


def _load(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = _rewrite(json.loads(path.read_text(encoding="utf-8")))
    return schema


def _schema_path(spec_version: str, table: Mapping[SchemaVersion, str | None]) -> Path:
    if spec_version not in VERSIONS:
        raise ValueError(f"no CycloneDX schema for spec version {spec_version!r}")
    path = table[VERSIONS[spec_version]]
    assert path is not None  # noqa: S101 - 1.5 and 1.6 are bundled for JSON and XML
    return Path(path)


@cache
def schema_enum(spec_version: str, *path: str) -> frozenset[str]:
    """The values an enum of the bundled JSON schema allows (hash algorithms, ...)."""
    node = json.loads(_schema_path(spec_version, BOM_JSON).read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return frozenset(node["enum"])


def _resolve(uri: str) -> dict[str, Any]:
    """Ref handler: only the schema's bundled siblings, never the network."""
    path = SIBLINGS.get(uri)
    if path is None:
        raise BomValidationError(f"schema reference {uri} is not bundled")
    return _load(path)


# -- compiling and caching ------------------------------------------------------------------


def cache_root() -> Path:
    """The per-user cache directory (XDG on Unix, Library/Caches on macOS, LOCALAPPDATA)."""
    if env := os.environ.get("XDG_CACHE_HOME"):
        return Path(env) / "aibom"
    if sys.platform == "win32" and (local := os.environ.get("LOCALAPPDATA")):
        return Path(local) / "aibom" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "aibom"
    return Path.home() / ".cache" / "aibom"


def _cache_key(spec_version: str) -> str:
    """Hash of everything that shapes the generated code: schema bytes, generator, our rules."""
    digest = hashlib.sha256()
    for path in (_schema_path(spec_version, BOM_JSON), *sorted(SIBLINGS.values())):
        digest.update(path.read_bytes())
    digest.update(f"{fastjsonschema.VERSION}/{CODE_REVISION}/{sorted(FORMATS)}".encode())
    return digest.hexdigest()[:24]


def _compile(spec_version: str) -> Callable[..., Any]:
    """Compile in memory, for when the cache cannot be written or read."""
    namespace: dict[str, Any] = {}
    code = compile(_generate(spec_version), f"<CycloneDX {spec_version} validator>", "exec")
    exec(code, namespace)  # noqa: S102 - code generated here from the bundled schema
    function: Callable[..., Any] = namespace["AIBOM_ENTRY"]
    return function


_LAZY_NAME = re.compile(r'"((?:[^"\\{}]|\{\w+\})*)"\.format\(\*\*locals\(\)\)')
_UNIQUE_CHECK = re.compile(r"if (\w+)_len > len\(set\(fn\(\w+\) for \w+ in \1\)\):")
_DISTINCT = """
def _aibom_distinct(items, fn):
    for key in ("bom-ref", "ref"):
        seen = set()
        for item in items:
            value = item.get(key) if isinstance(item, dict) else None
            if not isinstance(value, str) or value in seen:
                break
            seen.add(value)
        else:
            return len(items)
    return len(set(fn(item) for item in items))
"""


def _generate(spec_version: str) -> str:
    """Source of a module whose `AIBOM_ENTRY` validates against one spec version's schema.

    Two rewrites of fastjsonschema's output make it about twice as fast without changing
    what it accepts: the path names it builds for error messages with `.format(**locals())`
    become f-strings, and `uniqueItems` over objects that each carry a distinct `bom-ref`
    (or `ref`) counts them as distinct without freezing every nested object (objects that
    differ in one key differ). If a future fastjsonschema writes other code, the patterns
    simply do not match and the code runs as generated.
    """
    schema = _load(_schema_path(spec_version, BOM_JSON))
    code: str = fastjsonschema.compile_to_code(
        schema,
        handlers={"http": _resolve},
        formats=FORMATS,
        detailed_exceptions=False,
        use_default=False,
    )
    code = _LAZY_NAME.sub(r'f"\1"', code)
    code = _UNIQUE_CHECK.sub(r"if \1_len > _aibom_distinct(\1, fn):", code)
    entry = RefResolver.from_schema(schema, handlers={"http": _resolve})
    return f"{code}\n{_DISTINCT}\nAIBOM_ENTRY = {entry.get_scope_name()}\n"


def _import_cached(spec_version: str) -> Callable[..., Any]:
    """Import the generated module from the cache (writing it first if missing).

    Importing through the normal loader lets Python keep its bytecode in `__pycache__`,
    which is what makes a warm start cheap: compiling the generated source costs far more
    than generating it.
    """
    module_name = f"aibom_cdx_{spec_version.replace('.', '_')}_{_cache_key(spec_version)}"
    directory = cache_root() / "cyclonedx-validators"
    path = directory / f"{module_name}.py"
    if not path.is_file():
        source = _generate(spec_version)
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, suffix=".tmp", delete=False
        ) as handle:
            handle.write(source)
        Path(handle.name).replace(path)
    if not Path(importlib.util.cache_from_source(str(path))).is_file():
        # Written even under PYTHONDONTWRITEBYTECODE: this cache exists to hold bytecode.
        py_compile.compile(str(path), doraise=True)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function: Callable[..., Any] = module.AIBOM_ENTRY
    return function


@cache
def json_validator(spec_version: str) -> Validator:
    """The compiled validator of one bundled JSON schema, built once per process."""
    try:
        function = _import_cached(spec_version)
    except (OSError, ImportError, SyntaxError, AttributeError, py_compile.PyCompileError):
        function = _compile(spec_version)  # read-only home or a damaged cache file

    def validate(document: Any) -> None:
        function(document, custom_formats=FORMATS)

    return validate


def validate_json(document: Mapping[str, Any] | str, spec_version: str) -> None:
    """Raise BomValidationError unless `document` is valid against the bundled JSON schema."""
    data = json.loads(document) if isinstance(document, str) else document
    try:
        json_validator(spec_version)(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise BomValidationError(f"CycloneDX {spec_version} JSON schema: {_short(exc)}") from exc


def _short(error: object, limit: int = 300) -> str:
    text = str(error)
    return text if len(text) <= limit else text[:limit] + "..."


# -- XML ------------------------------------------------------------------------------------


@cache
def xml_schema(spec_version: str) -> etree.XMLSchema:
    """The bundled XSD (with its SPDX import), parsed once per process, offline."""
    from lxml import etree  # only XML output needs lxml

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    tree = etree.parse(str(_schema_path(spec_version, BOM_XML)), parser)
    return etree.XMLSchema(tree)


def validate_xml(document: str | bytes | etree._Element, spec_version: str) -> None:
    """Raise BomValidationError unless `document` is valid against the bundled XSD."""
    from lxml import etree

    prefix = f"CycloneDX {spec_version} XML schema"
    schema = xml_schema(spec_version)
    try:
        if isinstance(document, etree._Element):
            root = document
        else:
            data = document.encode("utf-8") if isinstance(document, str) else document
            parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
            root = etree.fromstring(data, parser)
        valid = schema.validate(root)
    except etree.Error as exc:  # not well-formed, or what the validator cannot process
        raise BomValidationError(f"{prefix}: {_short(exc)}") from exc
    if not valid:
        error = schema.error_log.last_error
        raise BomValidationError(f"{prefix}: line {error.line}: {_short(error.message)}")
