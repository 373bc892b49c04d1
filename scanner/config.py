"""Scan settings: what the CLI asked for, safety limits, and the `[tool.aibom]` policy."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.model import Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Caps that keep hostile input from exhausting memory or time."""

    max_text_bytes: int = 32 * 1024 * 1024
    max_include_depth: int = 16
    max_files: int = 2_000_000
    max_walk_depth: int = 64
    max_metadata_bytes: int = 4 * 1024 * 1024
    max_embedded_sbom_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyException:
    """A waiver from `[[tool.aibom.exceptions]]`."""

    component: str
    rule: str
    reason: str
    license: str | None = None
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The contract's policy keys, validated."""

    license: str | None = None
    use: str = "distribute"
    commercial: bool = False
    fail_on: Severity | None = Severity.ERROR
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    exceptions: tuple[PolicyException, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanConfig:
    """Everything a scan needs; built by the CLI, never read from `sys.argv` by the core."""

    root: Path
    python: Path | None = None
    virtual_env: Path | None = None
    hf_caches: tuple[Path, ...] = ()
    limits: Limits = field(default_factory=Limits)
    policy: Policy = field(default_factory=Policy)
    project_license: str | None = None
    debug: bool = False


USES = ("distribute", "saas", "internal")
FAIL_ON = ("error", "warning", "note", "never")
POLICY_KEYS = frozenset({"license", "use", "commercial", "fail-on", "allow", "deny", "exceptions"})
EXCEPTION_KEYS = frozenset({"component", "rule", "license", "reason", "expires"})


def load_policy(root: Path, policy_file: Path | None) -> Policy:
    """Policy from `--policy FILE` (keys at top level) or `[tool.aibom]` of the root pyproject."""
    if policy_file is not None:
        return parse_policy(_read_toml(policy_file), str(policy_file))
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return Policy()
    try:
        data = _read_toml(pyproject)
    except InputError:
        return Policy()  # a broken pyproject is reported by its source, not fatal here
    tool = data.get("tool")
    section = tool.get("aibom") if isinstance(tool, dict) else None
    if section is None:
        return Policy()
    if not isinstance(section, dict):
        raise InputError(f"{pyproject}: [tool.aibom] must be a table")
    return parse_policy(section, f"{pyproject} [tool.aibom]")


def parse_policy(data: dict[str, Any], where: str) -> Policy:
    """Validate policy keys; unknown keys and malformed values raise InputError naming the key."""
    unknown = sorted(set(data) - POLICY_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown policy key '{unknown[0]}'")
    use = data.get("use", "distribute")
    if use not in USES:
        raise InputError(f"{where}: 'use' must be one of {', '.join(USES)}, not {use!r}")
    commercial = data.get("commercial", False)
    if not isinstance(commercial, bool):
        raise InputError(f"{where}: 'commercial' must be true or false")
    fail_on = data.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        raise InputError(f"{where}: 'fail-on' must be one of {', '.join(FAIL_ON)}")
    license_ = data.get("license")
    if license_ is not None and not isinstance(license_, str):
        raise InputError(f"{where}: 'license' must be a string")
    return Policy(
        license=license_,
        use=use,
        commercial=commercial,
        fail_on=None if fail_on == "never" else Severity(fail_on),
        allow=_strings(data, "allow", where),
        deny=_strings(data, "deny", where),
        exceptions=tuple(_exception(item, where) for item in _tables(data, where)),
    )


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _tables(data: dict[str, Any], where: str) -> list[dict[str, Any]]:
    value = data.get("exceptions", [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{where}: 'exceptions' must be an array of tables")
    return value


def _exception(item: dict[str, Any], where: str) -> PolicyException:
    unknown = sorted(set(item) - EXCEPTION_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown exception key '{unknown[0]}'")
    for key in ("component", "rule", "reason"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise InputError(f"{where}: exception needs a string '{key}'")
    expires = item.get("expires")
    if expires is not None and not isinstance(expires, dt.date):
        raise InputError(f"{where}: exception 'expires' must be a date like 2027-06-30")
    license_ = item.get("license")
    if license_ is not None and not isinstance(license_, str):
        raise InputError(f"{where}: exception 'license' must be a string")
    return PolicyException(
        component=item["component"],
        rule=item["rule"],
        reason=item["reason"],
        license=license_,
        expires=expires,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """A policy or pyproject file, read within the same cap as every other text input."""
    cap = Limits().max_text_bytes
    try:
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    if len(data) > cap:
        raise InputError(f"{path}: larger than the {cap:,}-byte limit for text inputs")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from exc
