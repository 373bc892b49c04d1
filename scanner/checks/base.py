"""The `Check` plug-in interface: checks judge a ScanResult and yield findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from scanner.config import Policy
from scanner.graph import ComponentGraph
from scanner.model import Finding, RuleId, ScanResult, Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleMeta:
    """What a rule is: the reporters and README describe rules from this alone."""

    id: RuleId
    title: str
    default_severity: Severity
    help: str


class Check(Protocol):
    """One rule id of the contract."""

    @property
    def meta(self) -> RuleMeta:
        """The rule this check implements."""
        ...

    def run(self, result: ScanResult, graph: ComponentGraph, policy: Policy) -> Iterator[Finding]:
        """Findings for this rule; `graph.path_to` gives each finding's dependency path."""
        ...
