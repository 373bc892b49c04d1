"""`aibom scan --format json`: the contract's JSON object, exactly, plus `problems`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scanner import __version__
from scanner.model import Component, Finding, Location, Problem, ScanResult


@dataclass(frozen=True, slots=True)
class JsonReporter:
    """Stable JSON for machines: keys and order as in cli-contract.md."""

    name: str = "json"

    def render(self, result: ScanResult) -> str:
        """Serialise `result` as one JSON object."""
        document = {
            "tool": {"name": "aibom", "version": __version__},
            "project": {"path": result.project.root, "license": result.project.license},
            "components": [component_json(c) for c in result.components],
            "findings": [finding_json(f) for f in result.findings],
            "problems": [problem_json(p) for p in result.problems],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def component_json(comp: Component) -> dict[str, Any]:
    """A component in contract form."""
    return {
        "bom_ref": comp.bom_ref,
        "type": comp.type.value,
        "name": comp.name,
        "version": comp.version,
        "purl": comp.purl,
        "license": comp.license,
        "hashes": {h.alg.lower().replace("-", ""): h.value for h in sorted(comp.hashes)},
        "locations": [location_json(loc) for loc in comp.locations],
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding in contract form."""
    return {
        "rule": str(finding.rule),
        "severity": finding.severity.value,
        "component": finding.component,
        "message": finding.message,
        "location": location_json(finding.location) if finding.location else None,
        "path": list(finding.path),
    }


def problem_json(problem: Problem) -> dict[str, Any]:
    """An unreadable input in contract form (the line is added when known)."""
    out: dict[str, Any] = {"file": str(problem.location.file), "message": problem.message}
    if problem.location.line:
        out["line"] = problem.location.line
    return out


def location_json(location: Location) -> dict[str, Any]:
    """`{"file": ..., "line": ...}`."""
    return {"file": str(location.file), "line": location.line}
