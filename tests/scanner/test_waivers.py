"""Policy waivers: matching by purl / hub id, rule and license; stale and expired waivers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from scanner.checks.license_conflict import LicenseConflict
from scanner.checks.license_restricted import LicenseRestricted
from scanner.checks.perscan import components_by_ref
from scanner.config import Policy, PolicyException, ScanConfig, load_policy
from scanner.graph import ROOT
from scanner.model import Component, ComponentType, Finding, RuleId, Severity
from scanner.pipeline import scan
from scanner.waivers import apply_waivers, names_component
from tests.conftest import fixture_project
from tests.scanner.checks.license_graphs import card, lib, project

CHECKS = (LicenseConflict(), LicenseRestricted())

TODAY = dt.date(2026, 11, 21)
PYQT = lib("pyqt5", "GPL-3.0-only", version="5.15.9")
LLAMA = Component(
    bom_ref="pkg:huggingface/meta-llama/Meta-Llama-3-8B@62bd457b6fe961a42a631306577e622c83876cb6",
    type=ComponentType.MODEL,
    name="meta-llama/Meta-Llama-3-8B",
    version="62bd457b6fe961a42a631306577e622c83876cb6",
    purl="pkg:huggingface/meta-llama/Meta-Llama-3-8B@62bd457b6fe961a42a631306577e622c83876cb6",
    license="LicenseRef-aibom-llama-3",
)


def finding(component: Component, rule: str = "license-conflict") -> Finding:
    return Finding(
        rule=RuleId(rule),
        severity=Severity.ERROR,
        message=f"{component.name} is a problem",
        component=component.bom_ref,
        path=(ROOT, component.bom_ref),
    )


def waive(component: str, rule: str = "license-conflict", **kwargs: object) -> Policy:
    return Policy(
        exceptions=(
            PolicyException(component=component, rule=rule, reason="internal tool", **kwargs),  # type: ignore[arg-type]
        )
    )


def apply(policy: Policy, *findings: Finding) -> tuple[Finding, ...]:
    result, _ = project([PYQT, LLAMA], [], "MIT")
    return apply_waivers(findings, result, policy, TODAY)


@pytest.mark.parametrize(
    "written",
    [
        "pkg:pypi/pyqt5",
        "pkg:pypi/PyQt5",
        "pkg:pypi/pyqt5@5.15.9",
        "pkg:pypi/pyqt5@5.15.9?file_name=PyQt5-5.15.9.tar.gz",
    ],
)
def test_purl_with_or_without_version_waives(written: str) -> None:
    assert apply(waive(written), finding(PYQT)) == ()


@pytest.mark.parametrize(
    "written", ["pkg:pypi/pyqt5@5.15.10", "pkg:pypi/pyqt6", "pkg:npm/pyqt5", "pyqt5", "pkg:"]
)
def test_other_components_are_not_waived(written: str) -> None:
    assert apply(waive(written), finding(PYQT)) == (finding(PYQT),)


@pytest.mark.parametrize(
    "written",
    [
        "meta-llama/Meta-Llama-3-8B",
        "meta-llama/meta-llama-3-8b",
        "meta-llama/Meta-Llama-3-8B@62bd457b6fe961a42a631306577e622c83876cb6",
        "pkg:huggingface/meta-llama/Meta-Llama-3-8B",
        LLAMA.bom_ref,
    ],
)
def test_hub_ids_waive(written: str) -> None:
    assert (
        apply(waive(written, rule="license-restricted"), finding(LLAMA, "license-restricted")) == ()
    )


def test_hub_id_at_another_revision_does_not_waive() -> None:
    assert not names_component("meta-llama/Meta-Llama-3-8B@main", LLAMA)
    assert not names_component("datasets/meta-llama/Meta-Llama-3-8B", LLAMA)


def test_hub_dataset_ids() -> None:
    data = Component(bom_ref="hf:dataset/acme/chats", type=ComponentType.DATA, name="acme/chats")
    assert names_component("acme/chats", data)
    assert names_component("datasets/acme/chats", data)
    assert not names_component("acme/other", data)


def test_rule_must_match() -> None:
    kept = finding(PYQT, "license-denied")
    assert apply(waive("pkg:pypi/pyqt5"), kept) == (kept,)


def test_waiver_for_the_current_license_applies() -> None:
    assert apply(waive("pkg:pypi/pyqt5", license="GPL-3.0-only"), finding(PYQT)) == ()
    assert (
        apply(waive("pkg:pypi/pyqt5", license="GPL-3.0"), finding(PYQT)) == ()
    )  # same, deprecated


def test_waiver_license_may_be_written_as_a_hub_id() -> None:
    policy = waive("meta-llama/Meta-Llama-3-8B", rule="license-restricted", license="llama3")
    assert apply(policy, finding(LLAMA, "license-restricted")) == ()


def test_waiver_for_another_license_stops_applying_and_says_so() -> None:
    (kept,) = apply(waive("pkg:pypi/pyqt5", license="LGPL-3.0-only"), finding(PYQT))
    assert kept.message == (
        "pyqt5 is a problem; the waiver granted for LGPL-3.0-only no longer applies: "
        "its license is now GPL-3.0-only"
    )
    assert kept.severity is Severity.ERROR


def test_operand_order_does_not_make_a_license_change() -> None:
    dual = lib("dual", "Apache-2.0 OR MIT")
    result, _ = project([dual], [], "MIT")
    policy = waive("pkg:pypi/dual", license="MIT OR Apache-2.0")
    assert apply_waivers([finding(dual)], result, policy, TODAY) == ()


def test_expired_waiver_keeps_the_finding() -> None:
    policy = waive("pkg:pypi/pyqt5", expires=dt.date(2026, 11, 20))
    (kept,) = apply(policy, finding(PYQT))
    assert kept.message.endswith("; the waiver for it expired on 2026-11-20")
    assert apply(waive("pkg:pypi/pyqt5", expires=TODAY), finding(PYQT)) == ()  # last valid day


def test_a_valid_waiver_wins_over_a_stale_one() -> None:
    policy = Policy(
        exceptions=(
            PolicyException(
                component="pkg:pypi/pyqt5", rule="license-conflict", reason="a", license="MIT"
            ),
            PolicyException(component="pkg:pypi/pyqt5", rule="license-conflict", reason="b"),
        )
    )
    assert apply(policy, finding(PYQT)) == ()


def test_license_unknown_is_waived_with_the_license_found_by_hand() -> None:
    bare = card("model:models/x", ComponentType.MODEL, None)
    result, _ = project([bare], [], "MIT")
    policy = waive("model:models/x", rule="license-unknown", license="MIT")
    assert apply_waivers([finding(bare, "license-unknown")], result, policy, TODAY) == ()


def test_findings_without_a_component_are_kept() -> None:
    loose = Finding(rule=RuleId("license-conflict"), severity=Severity.ERROR, message="m")
    assert apply(waive("pkg:pypi/pyqt5"), loose) == (loose,)


def test_no_exceptions_is_identity() -> None:
    findings = (finding(PYQT), finding(LLAMA))
    assert apply(Policy(), *findings) == findings


def test_waivers_from_a_policy_file_on_a_fixture_scan(tmp_path: Path) -> None:
    root = fixture_project("llama-saas-conflict")
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(
        'use = "saas"\n'
        "commercial = true\n"
        "[[exceptions]]\n"
        'component = "pkg:pypi/ultralytics"\n'
        'rule = "license-conflict"\n'
        'license = "AGPL-3.0-only"\n'
        'reason = "screenshot reader runs in a separate, source-available service"\n'
        "[[exceptions]]\n"
        'component = "model:models/Meta-Llama-3-8B-Instruct"\n'
        'rule = "license-restricted"\n'
        'license = "llama3.1"\n'
        'reason = "reviewed by legal for Llama 3.1"\n'
        "[[exceptions]]\n"
        'component = "data:data/support-transcripts"\n'
        'rule = "license-restricted"\n'
        'reason = "commercial license bought"\n'
        "expires = 2026-06-30\n"
    )
    policy = load_policy(root, policy_file)
    unwaived = dataclasses.replace(policy, exceptions=())
    result = scan(ScanConfig(root=root, policy=unwaived), checks=CHECKS)
    assert len(result.findings) == 3
    kept = apply_waivers(result.findings, result, policy, TODAY)
    messages = {f.component: f.message for f in kept}
    assert set(messages) == {
        "model:models/Meta-Llama-3-8B-Instruct",
        "data:data/support-transcripts",
    }
    assert messages["model:models/Meta-Llama-3-8B-Instruct"].endswith(
        "; the waiver granted for llama3.1 no longer applies: "
        "its license is now LicenseRef-aibom-llama-3"
    )
    assert messages["data:data/support-transcripts"].endswith(
        "; the waiver for it expired on 2026-06-30"
    )
    # the pipeline applies the same waivers itself (with today's date, later than TODAY)
    waived = scan(ScanConfig(root=root, policy=policy), checks=CHECKS)
    assert {f.component for f in waived.findings} == set(messages)


def test_components_by_ref_is_result_component_for_every_ref() -> None:
    other_pyqt = dataclasses.replace(PYQT, license="MIT")
    result, _ = project([PYQT, LLAMA, other_pyqt], [], "MIT")
    by_ref = components_by_ref(result)
    refs = {c.bom_ref for c in result.components} | {"pkg:pypi/absent"}
    assert {ref: by_ref.get(ref) for ref in refs} == {ref: result.component(ref) for ref in refs}
