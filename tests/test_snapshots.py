"""End-to-end: every fixture project through `aibom sbom` and `aibom scan --format json`.

Outputs are compared with tests/snapshots/<project>/ (rewrite them with
`pytest --update-snapshots` and review the diff), and every BOM is validated with
cyclonedx-python-lib's own schema validators (1.5 and 1.6, JSON and XML).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

from scanner.cli import cli
from tests.conftest import PROJECTS, SNAPSHOTS

PROJECT_NAMES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())
SPECS = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}
FORMATS = {"cyclonedx-json": OutputFormat.JSON, "cyclonedx-xml": OutputFormat.XML}


def run(project: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(PROJECTS / project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = CliRunner().invoke(cli, [*args, "."], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def check_snapshot(path: Path, actual: str, update: bool) -> None:
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"snapshot {path} was missing and has been written; review and commit it")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs (--update-snapshots)"


@pytest.mark.parametrize("project", PROJECT_NAMES)
def test_sbom_matches_snapshot(
    project: str, monkeypatch: pytest.MonkeyPatch, update_snapshots: bool
) -> None:
    out = run(project, monkeypatch, "sbom", "--reproducible")
    check_snapshot(SNAPSHOTS / project / "sbom.cdx.json", out, update_snapshots)


@pytest.mark.parametrize("project", PROJECT_NAMES)
def test_scan_json_matches_snapshot(
    project: str, monkeypatch: pytest.MonkeyPatch, update_snapshots: bool
) -> None:
    out = run(project, monkeypatch, "scan", "--format", "json", "--fail-on", "never")
    check_snapshot(SNAPSHOTS / project / "scan.json", out, update_snapshots)


@pytest.mark.parametrize("project", PROJECT_NAMES)
@pytest.mark.parametrize("spec", sorted(SPECS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_bom_validates_with_the_library(
    project: str, spec: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run(project, monkeypatch, "sbom", "--format", fmt, "--spec-version", spec)
    validator = make_schemabased_validator(FORMATS[fmt], SPECS[spec])
    error = validator.validate_str(out)
    assert error is None, f"{project} {fmt} {spec}: {error}"
