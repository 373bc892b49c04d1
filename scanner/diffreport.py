"""Renderings of a BOM diff for `aibom diff --format text|json|markdown`."""

from __future__ import annotations

import json
from collections import Counter

from scanner.bomdiff import Change, ChangeKind
from scanner.markdowntext import cell

SYMBOLS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-"}
FORMATS = ("text", "json", "markdown")


def render(changes: tuple[Change, ...], fmt: str) -> str:
    """The diff in one of FORMATS."""
    if fmt == "json":
        return as_json(changes)
    if fmt == "markdown":
        return as_markdown(changes)
    return as_text(changes)


def describe(change: Change) -> str:
    """One line a reviewer reads: what changed, from what to what."""
    if change.kind is ChangeKind.ADDED:
        return f"added {change.name}" + (f" {change.new}" if change.new else "")
    if change.kind is ChangeKind.REMOVED:
        return f"removed {change.name}" + (f" {change.old}" if change.old else "")
    if change.kind is ChangeKind.LICENSE_CATEGORY:
        return f"new license category for this BOM: {change.new} in {change.name}"
    return f"{change.kind.value} of {change.name}: {change.old or 'none'} -> {change.new or 'none'}"


def as_text(changes: tuple[Change, ...]) -> str:
    """One line per change and a closing count."""
    lines = [f"{SYMBOLS.get(c.kind, '~')} {describe(c)}" for c in changes]
    counts = Counter(c.kind.value for c in changes)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no changes"
    return "\n".join([*lines, f"aibom diff: {summary}"]) + "\n"


def as_json(changes: tuple[Change, ...]) -> str:
    """`{"changes": [{"kind", "component", "name", "old", "new"}]}`."""
    items = [
        {"kind": c.kind.value, "component": c.key, "name": c.name, "old": c.old, "new": c.new}
        for c in changes
    ]
    return json.dumps({"changes": items}, indent=2, ensure_ascii=False) + "\n"


def as_markdown(changes: tuple[Change, ...]) -> str:
    """A table for a pull-request comment."""
    if not changes:
        return "## aibom diff\n\nNo supply-chain changes.\n"
    lines = ["## aibom diff", "", "| change | component | old | new |", "|---|---|---|---|"]
    lines += [
        f"| {c.kind.value} | `{cell(c.name)}` | {cell(c.old or '')} | {cell(c.new or '')} |"
        for c in changes
    ]
    return "\n".join(lines) + "\n"
