"""`aibom scan --format markdown`: for `$GITHUB_STEP_SUMMARY` and pull-request comments.

A summary table by rule and severity, the license inventory, then the findings in one
collapsible section per rule. Long reports stay readable: at most MAX_FINDINGS findings
are listed, and the report says how many were left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scanner.markdowntext import cell
from scanner.model import Component, ComponentType, Finding, ScanResult, Severity

MAX_FINDINGS = 200
MAX_PROBLEMS = 50
INVENTORY_TYPES = (ComponentType.LIBRARY, ComponentType.MODEL, ComponentType.DATA)
ICONS = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.NOTE: "🔵"}


@dataclass(frozen=True, slots=True)
class MarkdownReporter:
    """GitHub-flavoured markdown; every table cell is escaped, so input cannot break it."""

    name: str = "markdown"
    max_findings: int = MAX_FINDINGS

    def render(self, result: ScanResult) -> str:
        """The whole report."""
        parts = [
            f"## aibom: {cell(result.project.name)}",
            "",
            headline(result),
            "",
            *summary_table(result.findings),
            *inventory(result.components),
            *findings_sections(result.findings, self.max_findings),
            *problems_section(result),
        ]
        return "\n".join(parts).rstrip("\n") + "\n"


def headline(result: ScanResult) -> str:
    """One sentence: what was scanned and how it went."""
    counts = Counter(f.severity for f in result.findings)
    kinds = Counter(c.type for c in result.components)
    found = ", ".join(f"{counts[s]} {s.value}" for s in Severity)
    scanned = ", ".join(f"{n} {kind.value}" for kind, n in sorted(kinds.items())) or "nothing"
    license_ = f"`{result.project.license}`" if result.project.license else "unknown"
    return (
        f"Scanned {scanned}; project license {license_}. Findings: {found}; "
        f"{len(result.problems)} input(s) could not be read."
    )


def summary_table(findings: tuple[Finding, ...]) -> list[str]:
    """Counts by rule and severity (nothing when there are no findings)."""
    if not findings:
        return ["No findings.", ""]
    counts = Counter((f.rule, f.severity) for f in findings)
    rules = sorted({f.rule for f in findings})
    lines = ["| rule | error | warning | note |", "|---|---:|---:|---:|"]
    for rule in rules:
        row = " | ".join(str(counts[(rule, s)]) for s in Severity)
        lines.append(f"| `{rule}` | {row} |")
    return [*lines, ""]


def inventory(components: tuple[Component, ...]) -> list[str]:
    """License inventory: how many components of each type carry each license."""
    counts: Counter[tuple[str, str]] = Counter(
        (c.license or "unknown", c.type.value) for c in components if c.type in INVENTORY_TYPES
    )
    if not counts:
        return []
    lines = [
        "<details><summary>License inventory</summary>",
        "",
        "| license | library | model | data |",
        "|---|---:|---:|---:|",
    ]
    for license_ in sorted({key for key, _ in counts}, key=lambda k: (k == "unknown", k)):
        row = " | ".join(str(counts[(license_, t.value)]) for t in INVENTORY_TYPES)
        lines.append(f"| {cell(license_)} | {row} |")
    return [*lines, "", "</details>", ""]


def findings_sections(findings: tuple[Finding, ...], cap: int) -> list[str]:
    """One collapsible section per rule, most severe first, at most `cap` findings in all."""
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, str(f.rule), f.sort_key()))
    shown, left = ordered[:cap], len(ordered) - cap
    lines: list[str] = []
    for rule in dict.fromkeys(f.rule for f in shown):
        group = [f for f in shown if f.rule == rule]
        lines += [f"<details><summary><code>{rule}</code> ({len(group)})</summary>", ""]
        lines += [finding_line(f) for f in group]
        lines += ["", "</details>", ""]
    if left > 0:
        lines += [f"{left} more finding(s) not shown; run `aibom scan` for all of them.", ""]
    return lines


def finding_line(finding: Finding) -> str:
    """One list item: icon, location, component, message, dependency path."""
    bits = [f"- {ICONS[finding.severity]} **{finding.severity.value}**"]
    if finding.location:
        bits.append(f"`{cell(str(finding.location))}`")
    if finding.component:
        bits.append(f"`{cell(finding.component)}`")
    text = " ".join(bits) + f": {cell(finding.message)}"
    if finding.path:
        text += f" (via {cell(' → '.join(finding.path))})"
    return text


def problems_section(result: ScanResult) -> list[str]:
    """Inputs that could not be read; never dropped, capped for length."""
    if not result.problems:
        return []
    lines = [f"<details><summary>Inputs not read ({len(result.problems)})</summary>", ""]
    lines += [
        f"- `{cell(str(p.location))}`: {cell(p.message)}" for p in result.problems[:MAX_PROBLEMS]
    ]
    if len(result.problems) > MAX_PROBLEMS:
        lines.append(f"- … {len(result.problems) - MAX_PROBLEMS} more")
    return [*lines, "", "</details>", ""]
