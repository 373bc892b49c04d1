from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scanner.config import load_policy, parse_policy
from scanner.errors import InputError
from scanner.model import Severity


def test_policy_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        """
[project]
name = "x"
[tool.aibom]
license = "MIT"
use = "saas"
commercial = true
fail-on = "warning"
allow = ["Permissive"]
deny = ["AGPL-3.0-or-later"]
[[tool.aibom.exceptions]]
component = "pkg:pypi/pyqt5"
rule = "license-conflict"
license = "GPL-3.0-only"
reason = "internal tool"
expires = 2027-06-30
"""
    )
    policy = load_policy(tmp_path, None)
    assert policy.license == "MIT"
    assert policy.use == "saas"
    assert policy.commercial is True
    assert policy.fail_on is Severity.WARNING
    assert policy.deny == ("AGPL-3.0-or-later",)
    assert policy.exceptions[0].expires == dt.date(2027, 6, 30)


def test_no_pyproject_or_broken_pyproject_gives_default_policy(tmp_path: Path) -> None:
    assert load_policy(tmp_path, None).fail_on is Severity.ERROR
    (tmp_path / "pyproject.toml").write_text("[project\n")
    assert load_policy(tmp_path, None).use == "distribute"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"licence": "MIT"}, "unknown policy key 'licence'"),
        ({"use": "sell"}, "'use' must be one of"),
        ({"commercial": "yes"}, "'commercial' must be true or false"),
        ({"fail-on": "fatal"}, "'fail-on' must be one of"),
        ({"allow": "MIT"}, "'allow' must be a list of strings"),
        ({"exceptions": [{"component": "x", "rule": "r"}]}, "exception needs a string 'reason'"),
        ({"exceptions": [{"component": "x", "rule": "r", "reason": "y", "until": 1}]}, "'until'"),
        (
            {"exceptions": [{"component": "x", "rule": "r", "reason": "y", "expires": "soon"}]},
            "date",
        ),
        ({"license": 3}, "'license' must be a string"),
    ],
)
def test_bad_policy_names_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_policy(data, "policy.toml")


def test_policy_file_with_invalid_toml_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text("use = \n")
    with pytest.raises(InputError, match="invalid TOML"):
        load_policy(tmp_path, bad)


def test_never_means_no_threshold() -> None:
    assert parse_policy({"fail-on": "never"}, "p").fail_on is None


def test_oversized_or_binary_policy_file_is_an_input_error(tmp_path: Path, monkeypatch) -> None:
    import scanner.config

    big = tmp_path / "policy.toml"
    big.write_text('use = "saas"\n' + "# padding\n" * 20)
    small = scanner.config.Limits(max_text_bytes=64)
    monkeypatch.setattr(scanner.config, "Limits", lambda: small)
    with pytest.raises(InputError, match="64-byte limit"):
        load_policy(tmp_path, big)
    monkeypatch.undo()
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"use = \xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_policy(tmp_path, binary)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deny": ["AGPL-3.0-or-later", "Not A License!"]}, "'deny' entry 'Not A License!'"),
        ({"allow": ["Permissive", "MIT OR"]}, "'allow' entry 'MIT OR'"),
    ],
)
def test_allow_and_deny_entries_must_be_licenses_or_categories(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        parse_policy(data, "policy.toml")


def test_allow_and_deny_accept_ids_expressions_and_categories() -> None:
    policy = parse_policy(
        {"allow": ["Permissive", "MIT OR Apache-2.0"], "deny": ["copyleft", "GPL-2.0+"]}, "p"
    )
    assert policy.allow == ("Permissive", "MIT OR Apache-2.0")
    assert policy.deny == ("copyleft", "GPL-2.0+")


def test_limits_are_configurable_and_validated() -> None:
    policy = parse_policy(
        {"limits": {"max-text-bytes": 1024, "weights": {"pickle-opcodes": 10}}}, "p"
    )
    assert policy.limits.max_text_bytes == 1024
    assert policy.limits.weights.pickle_opcodes == 10
    assert policy.limits.weights.zip_members == parse_policy({}, "p").limits.weights.zip_members
    general = {
        "max-config-bytes": 5,
        "max-nesting": 6,
        "max-entries-per-file": 7,
        "max-file-seconds": 8,
    }
    limits = parse_policy({"limits": general}, "p").limits
    assert (
        limits.max_config_bytes,
        limits.max_nesting,
        limits.max_entries_per_file,
        limits.max_file_seconds,
    ) == (5, 6, 7, 8)
    cases: list[tuple[dict[str, object], str]] = [
        ({"limits": {"max-nonsense": 1}}, "unknown limit 'max-nonsense'"),
        ({"limits": {"max-text-bytes": 0}}, "'max-text-bytes' must be a positive integer"),
        ({"limits": {"max-text-bytes": True}}, "must be a positive integer"),
        ({"limits": {"weights": {"pickle_opcodes": 5}}}, "unknown limit 'pickle_opcodes'"),
        ({"limits": {"weights": 3}}, "'weights' must be a table"),
        ({"limits": []}, "limits: must be a table"),
        ({"require-signatures": "yes"}, "'require-signatures' must be true or false"),
    ]
    for bad, message in cases:
        with pytest.raises(InputError, match=message):
            parse_policy(bad, "p")


def test_configured_weight_limits_reach_the_weight_readers(tmp_path: Path) -> None:
    from scanner.config import Limits, ScanConfig, WeightLimits
    from scanner.pipeline import scan
    from tests.conftest import PROJECTS

    project = PROJECTS / "diffusion-app"  # a local diffusers model with safetensors
    tight = Limits(weights=WeightLimits(safetensors_header_bytes=8))
    loose = scan(ScanConfig(root=project), checks=())
    capped = scan(ScanConfig(root=project, limits=tight), checks=())
    assert len(capped.problems) > len(loose.problems)
    assert any("limit" in p.message for p in capped.problems)
