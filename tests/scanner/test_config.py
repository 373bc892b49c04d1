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
