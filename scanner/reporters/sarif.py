"""`aibom scan --format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Rules come from the check registry (id, title, help, default level). Every result has a
location: a finding without one is reported at the manifest or file that introduced its
component, so viewers that need a file (GitHub) can show it. Fingerprints hash what the
finding is about, never its line, so they survive edits above it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from scanner import __version__, gcpause, jsontext
from scanner.checks import CHECKS
from scanner.checks.base import RuleMeta
from scanner.model import Finding, Location, ScanResult, Severity

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
ROOT_BASE = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
FINGERPRINT = "aibomFinding/v1"


@dataclass(frozen=True, slots=True)
class SarifReporter:
    """One SARIF run: the driver's rules, the results, and unreadable inputs as notifications."""

    name: str = "sarif"

    def render(self, result: ScanResult) -> str:
        """The whole SARIF log as a JSON string."""
        with gcpause.paused():  # builds 10^5 acyclic containers: no collection to run
            rules = rule_table(CHECKS, result.findings)
            index = {rule.id: i for i, rule in enumerate(rules)}
            run: dict[str, Any] = {
                "tool": {
                    "driver": {
                        "name": "aibom",
                        "version": __version__,
                        "rules": [rule_json(rule) for rule in rules],
                    }
                },
                "results": [result_json(f, result, index[f.rule]) for f in result.findings],
                "invocations": [invocation_json(result)],
                "columnKind": "unicodeCodePoints",
            }
            log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
            return jsontext.dumps(log) + "\n"


def rule_table(checks: Iterable[Any], findings: Iterable[Finding]) -> list[RuleMeta]:
    """Registered rules in registry order, then any rule a finding names that is not
    registered (described minimally, so a result never points at a missing rule)."""
    rules = [check.meta for check in checks]
    known = {rule.id for rule in rules}
    for finding in findings:
        if finding.rule not in known:
            known.add(finding.rule)
            rules.append(
                RuleMeta(
                    id=finding.rule,
                    title=str(finding.rule),
                    default_severity=finding.severity,
                    help=str(finding.rule),
                )
            )
    return rules


def rule_json(rule: RuleMeta) -> dict[str, Any]:
    """A reportingDescriptor."""
    return {
        "id": str(rule.id),
        "name": "".join(part.capitalize() for part in str(rule.id).split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.help},
        "help": {"text": rule.help, "markdown": f"**{rule.title}**\n\n{rule.help}"},
        "defaultConfiguration": {"level": LEVELS[rule.default_severity]},
        "properties": {"tags": ["supply-chain", "ai-bom"]},
    }


def result_json(finding: Finding, result: ScanResult, rule_index: int) -> dict[str, Any]:
    """A result with a location, a stable fingerprint and the dependency path."""
    location = finding.location or introduced_at(finding, result)
    message = finding.message
    if finding.path:
        message = f"{message} (dependency path: {' -> '.join(finding.path)})"
    out: dict[str, Any] = {
        "ruleId": str(finding.rule),
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [location_json(location)],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding, location)},
    }
    if finding.component:
        out["properties"] = {"component": finding.component, "path": list(finding.path)}
    return out


def introduced_at(finding: Finding, result: ScanResult) -> Location:
    """Where a location-less finding is shown: its component's first location, else that of
    the nearest component on its dependency path that has one, else the project root."""
    refs = [finding.component] if finding.component else []
    refs.extend(reversed(finding.path))
    by_ref = {c.bom_ref: c for c in result.components}
    for ref in refs:
        comp = by_ref.get(ref) if ref else None
        if comp is not None and comp.locations:
            return min(comp.locations)
    return Location(file=PurePosixPath("."))


def location_json(location: Location) -> dict[str, Any]:
    """A physicalLocation relative to the scanned root (`%SRCROOT%`)."""
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": location.file.as_posix(), "uriBaseId": ROOT_BASE}
    }
    if location.line:
        physical["region"] = {"startLine": location.line}
    return {"physicalLocation": physical}


def fingerprint(finding: Finding, location: Location) -> str:
    """Stable across runs and line shifts: rule, component, file and message, not the line."""
    parts = (str(finding.rule), finding.component or "", location.file.as_posix(), finding.message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def invocation_json(result: ScanResult) -> dict[str, Any]:
    """The run's invocation; inputs that could not be read are tool notifications."""
    notifications = [
        {
            "level": "warning",
            "message": {"text": problem.message},
            "locations": [location_json(problem.location)],
        }
        for problem in result.problems
    ]
    return {"executionSuccessful": True, "toolExecutionNotifications": notifications}
