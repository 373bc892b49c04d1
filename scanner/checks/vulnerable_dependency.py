"""vulnerable-dependency: a dependency version with a known vulnerability (OSV).

Reads the `Vulnerability` observations enrichment made (`--online` or `--osv-db`): an error
for a high or critical one, a warning otherwise (medium, low, or no severity given). A
component whose vulnerability lookup failed is a warning too: its status is unknown, and an
unknown status must never pass as a clean report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from packaging.version import InvalidVersion, Version

from scanner.checks.base import RuleMeta
from scanner.checks.perscan import components_by_ref
from scanner.config import Policy
from scanner.graph import ComponentGraph
from scanner.model import Component, Finding, RuleId, ScanResult, Severity
from scanner.online.base import LookupFailed, Vulnerability

RULE = RuleId("vulnerable-dependency")
SERIOUS = frozenset({"critical", "high"})
VULNERABILITY_SERVICE = "OSV"


class VulnerableDependency:
    """Dependencies with known vulnerabilities, or whose status could not be checked."""

    meta = RuleMeta(
        id=RULE,
        title="Dependency with a known vulnerability",
        default_severity=Severity.WARNING,
        help=(
            "The exact version of a dependency is affected by a vulnerability published in "
            "OSV (checked with `--online`, or offline against an OSV dump with `--osv-db "
            "PATH`). High and critical vulnerabilities are errors, the others warnings; a "
            "dependency whose lookup failed is a warning, since its status is unknown. Fix: "
            "upgrade to a fixed version named in the message, or waive the finding with a "
            "reason if the vulnerable code is not reachable in your use."
        ),
    )

    def run(self, result: ScanResult, graph: ComponentGraph, policy: Policy) -> Iterator[Finding]:
        """One finding per (component, advisory), and one per failed lookup."""
        observed: tuple[object, ...] = result.observations  # typed wide until model.py has them
        components = components_by_ref(result)
        for obs in observed:
            if isinstance(obs, Vulnerability):
                yield self.vulnerable(obs, components, graph)
            elif isinstance(obs, LookupFailed) and obs.service == VULNERABILITY_SERVICE:
                yield Finding(
                    rule=RULE,
                    severity=Severity.WARNING,
                    message=(
                        f"{label(obs.component, components)} could not be checked for known "
                        f"vulnerabilities ({obs.reason}); re-run when the lookup succeeds"
                    ),
                    component=obs.component,
                    location=obs.location,
                    path=graph.path_to(obs.component),
                )

    def vulnerable(
        self, vuln: Vulnerability, components: Mapping[str, Component], graph: ComponentGraph
    ) -> Finding:
        """The finding for one advisory affecting one component."""
        return Finding(
            rule=RULE,
            severity=Severity.ERROR if vuln.severity in SERIOUS else Severity.WARNING,
            message=message(vuln, label(vuln.component, components), version_of(vuln, components)),
            component=vuln.component,
            location=vuln.location,
            path=graph.path_to(vuln.component),
        )


def label(ref: str, components: Mapping[str, Component]) -> str:
    """`name version` of a component (its ref when unknown)."""
    comp = components.get(ref)
    if comp is None:
        return ref
    return f"{comp.name} {comp.version}" if comp.version else comp.name


def version_of(vuln: Vulnerability, components: Mapping[str, Component]) -> str | None:
    """The affected component's version."""
    comp = components.get(vuln.component)
    return comp.version if comp is not None else None


def upgrade(fixed: tuple[str, ...], current: str | None) -> str | None:
    """The lowest fixed version above the current one (any fix when that cannot be told)."""
    try:
        now = Version(current or "")
        later = sorted((Version(v), v) for v in fixed if Version(v) > now)
    except InvalidVersion:
        return fixed[0] if fixed else None
    return later[0][1] if later else None


def message(vuln: Vulnerability, name: str, current: str | None = None) -> str:
    """One sentence: what, how bad, and what to upgrade to."""
    aliases = f" ({', '.join(vuln.aliases)})" if vuln.aliases else ""
    score = f", CVSS {vuln.score:g}" if vuln.score is not None else ""
    summary = f": {vuln.summary.rstrip('.')}" if vuln.summary else ""
    target = upgrade(vuln.fixed, current)
    fix = (
        f"; upgrade to {target} or later"
        if target
        else "; no fixed version is published, consider replacing it"
    )
    return f"{name} is affected by {vuln.id}{aliases} [{vuln.severity}{score}]{summary}{fix}"
