"""`aibom scan --format json`: the contract's JSON object, exactly, plus `problems`.

Model and data components carry three more keys (an extension: the contract's keys are
unchanged): `lineage`, the base models ("base-model") and training datasets ("trained-on")
the scan found for them, as `{"relation", "ref"}` pairs naming other components; a model's
`model_card` (`task`, `architecture_family`, `architecture`, `base_model_relation`, each
only when recorded) and a dataset's `dataset` (`pretty_name`, `task_categories`, `urls`,
likewise). These are the facts the AI-BOMs carry as modelCard / data / pedigree (CycloneDX)
and AIPackage / DatasetPackage with their relationships (SPDX), from `scanner.aiinfo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner import __version__, aiinfo, gcpause, jsontext
from scanner.model import Component, ComponentType, Finding, Location, Problem, ScanResult


@dataclass(frozen=True, slots=True)
class JsonReporter:
    """Stable JSON for machines: keys and order as in cli-contract.md."""

    name: str = "json"

    def render(self, result: ScanResult) -> str:
        """Serialise `result` as one JSON object."""
        with gcpause.paused():  # builds 10^5 acyclic containers: no collection to run
            lineage = aiinfo.Lineage.of(result)
            document = {
                "tool": {"name": "aibom", "version": __version__},
                "project": {"path": result.project.root, "license": result.project.license},
                "components": [component_json(c, lineage) for c in result.components],
                "findings": [finding_json(f) for f in result.findings],
                "problems": [problem_json(p) for p in result.problems],
            }
            return jsontext.dumps(document) + "\n"


def component_json(comp: Component, lineage: aiinfo.Lineage | None = None) -> dict[str, Any]:
    """A component in contract form (with its AI facts when it is a model or a dataset)."""
    out: dict[str, Any] = {
        "bom_ref": comp.bom_ref,
        "type": comp.type.value,
        "name": comp.name,
        "version": comp.version,
        "purl": comp.purl,
        "license": comp.license,
        "hashes": {h.alg.lower().replace("-", ""): h.value for h in sorted(comp.hashes)},
        "locations": [location_json(loc) for loc in comp.locations],
    }
    if comp.type is ComponentType.MODEL:
        out["model_card"] = model_card_json(aiinfo.model_facts(comp))
    elif comp.type is ComponentType.DATA:
        out["dataset"] = dataset_json(aiinfo.dataset_facts(comp))
    if comp.type in (ComponentType.MODEL, ComponentType.DATA):
        pairs = lineage.of_component(comp.bom_ref) if lineage else []
        known = lineage.components if lineage else {}
        out["lineage"] = [{"relation": rel, "ref": ref} for rel, ref in pairs if ref in known]
    return out


def model_card_json(facts: aiinfo.ModelFacts) -> dict[str, str]:
    """The recorded model facts, under snake_case keys; unknown ones left out."""
    fields = {
        "task": facts.task,
        "architecture_family": facts.family,
        "architecture": facts.architecture,
        "base_model_relation": facts.relation,
    }
    return {key: value for key, value in fields.items() if value is not None}


def dataset_json(facts: aiinfo.DatasetFacts) -> dict[str, Any]:
    """The recorded dataset facts; unknown ones left out."""
    out: dict[str, Any] = {}
    if facts.pretty_name is not None:
        out["pretty_name"] = facts.pretty_name
    if facts.task_categories:
        out["task_categories"] = list(facts.task_categories)
    if facts.urls:
        out["urls"] = list(facts.urls)
    return out


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
