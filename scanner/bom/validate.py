"""Validate the BOMs aibom writes against the bundled CycloneDX schemas, JSON and XML.

The JSON schema is compiled to Python once (`validator_codegen`, cached by
`validator_cache`), the XSD parsed once, both per process and offline. This module also
re-exports the names the writers use (`clean_url`, `schema_enum`, `VERSIONS`, ...), so that
they keep one place to import them from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import fastjsonschema
from cyclonedx.schema._res import BOM_XML

from scanner.bom.schema_formats import FORMATS, clean_url, is_iri_reference, percent_encode
from scanner.bom.schemas import VERSIONS, BomValidationError, schema_enum, schema_path
from scanner.bom.validator_cache import validator_entry

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "FORMATS",
    "VERSIONS",
    "BomValidationError",
    "Validator",
    "clean_url",
    "is_iri_reference",
    "json_validator",
    "percent_encode",
    "schema_enum",
    "validate_json",
    "validate_xml",
    "xml_schema",
]

Validator = Callable[[Any], None]


@cache
def json_validator(spec_version: str) -> Validator:
    """The compiled validator of one bundled JSON schema, built once per process."""
    function = validator_entry(spec_version)

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


@cache
def xml_schema(spec_version: str) -> etree.XMLSchema:
    """The bundled XSD (with its SPDX import), parsed once per process, offline."""
    from lxml import etree  # only XML output needs lxml

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    tree = etree.parse(str(schema_path(spec_version, BOM_XML)), parser)
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
