"""The bundled CycloneDX schema files: where they are, their enums, and their JSON schemas
rewritten into the form `fastjsonschema` compiles exactly as `jsonschema` checks them.

Only the files cyclonedx-python-lib bundles are ever read: sibling schemas are resolved from
the package (`SIBLINGS`), never from the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.schema._res import BOM_JSON, JSF, SPDX_JSON

SCHEMA_BASE = "http://cyclonedx.org/schema/"
SIBLINGS = {SCHEMA_BASE + Path(path).name: Path(path) for path in (SPDX_JSON, JSF)}
VERSIONS = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5}


class BomValidationError(Exception):
    """The BOM we built does not validate: a bug in aibom, never the user's fault."""


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


def load_schema(path: Path) -> dict[str, Any]:
    """One bundled JSON schema file, rewritten for fastjsonschema (see `_rewrite`)."""
    schema: dict[str, Any] = _rewrite(json.loads(path.read_text(encoding="utf-8")))
    return schema


def schema_path(spec_version: str, table: Mapping[SchemaVersion, str | None]) -> Path:
    """The bundled file of one spec version in `table` (`BOM_JSON` or `BOM_XML`)."""
    if spec_version not in VERSIONS:
        raise ValueError(f"no CycloneDX schema for spec version {spec_version!r}")
    path = table[VERSIONS[spec_version]]
    assert path is not None  # noqa: S101 - 1.5 and 1.6 are bundled for JSON and XML
    return Path(path)


@cache
def schema_enum(spec_version: str, *path: str) -> frozenset[str]:
    """The values an enum of the bundled JSON schema allows (hash algorithms, ...)."""
    node = json.loads(schema_path(spec_version, BOM_JSON).read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return frozenset(node["enum"])


def resolve(uri: str) -> dict[str, Any]:
    """Ref handler: only the schema's bundled siblings, never the network."""
    path = SIBLINGS.get(uri)
    if path is None:
        raise BomValidationError(f"schema reference {uri} is not bundled")
    return load_schema(path)
