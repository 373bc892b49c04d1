"""The bundled schemas: the `$` rewrite's assumption holds, and nothing but them is resolved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema._res import BOM_JSON

from scanner.bom import schemas as s

SPECS = ["1.6", "1.5"]


def patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in patterns(value)]
    return []


def test_patterns_end_in_the_only_dollar() -> None:
    """The `$` rewrite assumes every pattern's only unescaped `$` is its last character."""
    for path in (*s.SIBLINGS.values(), *(s.schema_path(spec, BOM_JSON) for spec in SPECS)):
        found = patterns(json.loads(path.read_text(encoding="utf-8")))
        assert all(not s._DOLLAR.findall(p[:-1]) for p in found)
        assert any(p.endswith("$") for p in found) or "spdx" in path.name or "jsf" in path.name


def test_only_bundled_schemas_are_resolved() -> None:
    with pytest.raises(s.BomValidationError, match="not bundled"):
        s.resolve("http://example.com/other.schema.json")
