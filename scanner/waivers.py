"""Policy waivers (`[[tool.aibom.exceptions]]`) applied to the checks' findings.

A waiver names a component (a purl, version optional: `pkg:pypi/pyqt5` waives every version,
`pkg:pypi/pyqt5@5.15.9` only that one; or a hub id such as `meta-llama/Meta-Llama-3-8B`,
`datasets/org/name`; or a bom-ref), a rule, a reason, and optionally the license it was
granted for and an expiry date. A finding it matches is dropped, unless the waiver has expired
(`expires` before today) or the component's license is no longer the one it was granted for:
then the finding stays and its message says why the waiver no longer applies, so a changed
license cannot hide behind an old waiver. A component whose license is unknown cannot show a
change, so a license-bound waiver still applies to it (that is how a license-unknown finding
is waived: with the license the user found).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from packageurl import PackageURL
from packaging.utils import canonicalize_name

from licenses.normalize import normalize
from licenses.tree import ExpressionShapeError, alternatives
from scanner.checks.licensing import effective_license
from scanner.checks.perscan import components_by_ref
from scanner.config import Policy, PolicyException
from scanner.model import Component, Finding, ScanResult


def apply_waivers(
    findings: Iterable[Finding], result: ScanResult, policy: Policy, today: dt.date
) -> tuple[Finding, ...]:
    """The findings no waiver covers, with stale or expired waivers noted in their messages."""
    if not policy.exceptions:
        return tuple(findings)
    kept: list[Finding] = []
    by_ref = components_by_ref(result)
    for finding in findings:
        component = by_ref.get(finding.component) if finding.component else None
        if component is None:
            kept.append(finding)
            continue
        waivers = [
            w
            for w in policy.exceptions
            if w.rule == finding.rule and names_component(w.component, component)
        ]
        notes = [note for w in waivers if (note := why_not(w, component, today))]
        if waivers and len(notes) < len(waivers):
            continue  # at least one waiver applies
        if notes:
            finding = dataclasses.replace(finding, message=f"{finding.message}; {'; '.join(notes)}")
        kept.append(finding)
    return tuple(kept)


def why_not(waiver: PolicyException, component: Component, today: dt.date) -> str | None:
    """None when the waiver applies to the component today, else why it does not."""
    if waiver.expires is not None and waiver.expires < today:
        return f"the waiver for it expired on {waiver.expires.isoformat()}"
    if waiver.license is None:
        return None
    current = effective_license(component)
    if current is None or same_license(waiver.license, current):
        return None
    return (
        f"the waiver granted for {waiver.license} no longer applies: its license is now {current}"
    )


def same_license(granted: str, current: str) -> bool:
    """True when two expressions say the same (operand order and spelling aside; the granted
    license may be written as any name `normalize` knows, e.g. a Hub id such as `llama3`)."""
    left = normalize(granted) or granted
    if left == current:
        return True
    try:
        return alternatives(left) == alternatives(current)
    except ExpressionShapeError:
        return False


def names_component(text: str, component: Component) -> bool:
    """True when a waiver's `component` names this component (see the module docstring)."""
    text = text.strip()
    if text == component.bom_ref:
        return True
    if text.startswith("pkg:"):
        return purl_matches(text, component.purl)
    return hub_matches(text, component)


def purl_matches(text: str, purl: str | None) -> bool:
    """Type, namespace and name must agree; the version too when the waiver gives one."""
    if purl is None:
        return False
    try:
        want, have = PackageURL.from_string(text), PackageURL.from_string(purl)
    except ValueError:
        return False
    if want.type != have.type or (want.version and want.version != have.version):
        return False
    if want.type == "pypi":
        return canonicalize_name(want.name) == canonicalize_name(have.name)
    if want.type == "huggingface":
        return (want.namespace or "").lower() == (have.namespace or "").lower() and (
            want.name.lower() == have.name.lower()
        )
    return (want.namespace, want.name) == (have.namespace, have.name)


def hub_matches(text: str, component: Component) -> bool:
    """`org/name` (optionally `@revision`, `datasets/` for a dataset) against a hub component."""
    purl = component.purl or ""
    if not (purl.startswith("pkg:huggingface/") or component.bom_ref.startswith("hf:")):
        return False
    repo, _, revision = text.partition("@")
    dataset = component.bom_ref.startswith("hf:dataset/") or purl.startswith(
        "pkg:huggingface/datasets/"
    )
    if dataset:
        repo = repo.removeprefix("datasets/")
    if repo.lower() != component.name.lower():
        return False
    return (
        not revision or revision == component.version or component.bom_ref.endswith(f"@{revision}")
    )
