"""`aibom scan` and `aibom sbom`: options -> ScanConfig -> pipeline -> render -> write -> exit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import click

from scanner.cli.common import (
    CONTEXT,
    colour_wanted,
    common_options,
    epoch,
    make_config,
    problem_lines,
    severity,
    write,
)
from scanner.cli.memo import memoised
from scanner.config import FAIL_ON
from scanner.model import ScanResult
from scanner.scanmemo import Replay

REPORT_FORMATS = ("json", "markdown", "sarif", "text")
"""The names of `scanner.reporters.REPORTERS` (a test keeps them equal): the reporters, and
the checks SARIF describes, are imported only when a report is made, not when the report memo
replays one (~0.3 s of a 1 s replay)."""
BOM_FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json")
"""The names of `scanner.bom.BOM_WRITERS` (a test keeps them equal): the writers, and the
CycloneDX and SPDX code they load, are imported by `aibom sbom` only (~0.05 s a run)."""


@click.command("scan", context_settings=CONTEXT)
@common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Lowest severity that makes the exit code 1 (default: policy, else error).",
)
@click.option("--strict", is_flag=True, help="Inputs that could not be read also fail the run.")
@click.option("-q", "--quiet", is_flag=True, help="No summary or warnings on stderr.")
def scan_command(
    output: Path | None, fmt: str, fail_on: str | None, strict: bool, quiet: bool, **common: Any
) -> None:
    """Find problems in PATH (default: the current directory)."""
    config = make_config(**common)
    colour = fmt == "text" and output is None and colour_wanted()
    summary = fmt != "text" or output is not None
    threshold = config.policy.fail_on if fail_on is None else severity(fail_on)

    def produce(result: ScanResult) -> Replay:
        from scanner.reporters import REPORTERS  # only here: see REPORT_FORMATS
        from scanner.reporters.text import TextReporter

        reporter = TextReporter(colour=True) if colour else REPORTERS[fmt]
        code = 1 if strict and result.problems else result.exit_code(threshold)
        lines = [] if quiet else problem_lines(result, summary=summary)
        return Replay(reporter.render(result), tuple(lines), code)

    variant = f"scan {fmt} colour={colour} {summary} {threshold} {strict} {quiet}"
    finish(memoised(config, variant, produce, allowed=True), output)


@click.command("sbom", context_settings=CONTEXT)
@common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(BOM_FORMATS),
    default="cyclonedx-json",
    show_default=True,
    help="AI-BOM format.",
)
@click.option(
    "--spec-version",
    type=click.Choice(["1.6", "1.5"]),
    default="1.6",
    show_default=True,
    help="CycloneDX specification version (ignored by spdx-json).",
)
@click.option(
    "--reproducible",
    is_flag=True,
    help="Fix timestamp (SOURCE_DATE_EPOCH; none for CycloneDX, the Unix epoch for SPDX) "
    "and serial number.",
)
def sbom_command(
    output: Path | None, fmt: str, spec_version: str, reproducible: bool, **common: Any
) -> None:
    """Write the AI-BOM of PATH (default: the current directory)."""
    from scanner.bom import BOM_WRITERS, BomOptions  # only here: see BOM_FORMATS

    config = make_config(**common)
    source_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    options = BomOptions(
        spec_version=spec_version,
        timestamp=epoch(source_epoch) if source_epoch else None,
        reproducible=reproducible or bool(source_epoch),
    )

    def produce(result: ScanResult) -> Replay:
        return Replay(BOM_WRITERS[fmt].render(result, options), tuple(problem_lines(result)), 0)

    variant = f"sbom {fmt} {options!r}"
    finish(memoised(config, variant, produce, allowed=options.reproducible), output)


def finish(replay: Replay, output: Path | None) -> NoReturn:
    """Write the report, then its stderr lines, and exit with its code."""
    write(replay.output, output)
    for line in replay.stderr:
        click.echo(line, err=True)
    raise SystemExit(replay.exit_code)
