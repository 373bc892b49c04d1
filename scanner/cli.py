"""The command line: options -> ScanConfig -> pipeline -> render -> write -> exit code.

The only module that imports click, prints or exits. Exit codes follow the contract:
0 clean, 1 findings at or above --fail-on, 2 usage/input error (one line), 3 internal error,
130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from licenses import InvalidLicenseExpression, parse_user
from scanner import __version__
from scanner.bom import BOM_WRITERS, BomOptions
from scanner.config import FAIL_ON, ScanConfig, load_policy
from scanner.errors import InputError
from scanner.model import ScanResult, Severity
from scanner.pipeline import scan
from scanner.reporters import REPORTERS

PATH_ARG = click.Path(exists=True, file_okay=False, readable=True, path_type=Path)


def common_options(func: Any) -> Any:
    """Options shared by `scan` and `sbom`."""
    options = [
        click.argument("path", type=PATH_ARG, default=".", required=False),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to FILE instead of stdout (atomically).",
        ),
        click.option(
            "--project-license",
            metavar="EXPR",
            help="The project's own (outbound) SPDX license expression.",
        ),
        click.option(
            "--policy",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Policy file (same keys as [tool.aibom], at top level).",
        ),
        click.option(
            "--python",
            "python",
            type=click.Path(exists=True, path_type=Path),
            help="Also read the environment of this interpreter (statically).",
        ),
        click.option(
            "--hf-cache",
            "hf_caches",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Also inventory this Hugging Face cache (a cache root, HF_HOME or one repo).",
        ),
        click.option(
            "--offline",
            is_flag=True,
            default=True,
            hidden=False,
            help="No network access (the default).",
        ),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aibom")
def cli() -> None:
    """aibom: one-pass AI supply-chain scanner for Python packages, models and datasets."""


@cli.command("scan")
@common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
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
    result = scan(config)
    write(REPORTERS[fmt].render(result), output)
    if not quiet:
        report_problems(result, summary=fmt != "text" or output is not None)
    threshold = config.policy.fail_on if fail_on is None else _severity(fail_on)
    code = result.exit_code(threshold)
    if strict and result.problems:
        code = 1
    raise SystemExit(code)


@cli.command("sbom")
@common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(BOM_WRITERS)),
    default="cyclonedx-json",
    show_default=True,
    help="AI-BOM format.",
)
@click.option(
    "--spec-version",
    type=click.Choice(["1.6", "1.5"]),
    default="1.6",
    show_default=True,
    help="CycloneDX specification version.",
)
@click.option(
    "--reproducible",
    is_flag=True,
    help="Fix timestamp (SOURCE_DATE_EPOCH or none) and serial number.",
)
def sbom_command(
    output: Path | None, fmt: str, spec_version: str, reproducible: bool, **common: Any
) -> None:
    """Write the AI-BOM of PATH (default: the current directory)."""
    config = make_config(**common)
    result = scan(config)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    options = BomOptions(
        spec_version=spec_version,
        timestamp=_epoch(epoch) if epoch else None,
        reproducible=reproducible or bool(epoch),
    )
    write(BOM_WRITERS[fmt].render(result, options), output)
    report_problems(result)
    raise SystemExit(0)


def make_config(
    *,
    path: Path,
    project_license: str | None,
    policy: Path | None,
    python: Path | None,
    hf_caches: tuple[Path, ...],
    offline: bool,
    debug: bool,
) -> ScanConfig:
    """Validate user input into a ScanConfig; InputError (exit 2) when it is wrong."""
    del offline  # the only mode there is: no network access
    if project_license is not None:
        try:
            project_license = parse_user(project_license)
        except InvalidLicenseExpression as exc:
            raise InputError(f"--project-license: {exc}") from exc
    return ScanConfig(
        root=path,
        python=python,
        virtual_env=_active_virtualenv(),
        hf_caches=hf_caches,
        policy=load_policy(path, policy),
        project_license=project_license,
        debug=debug,
    )


def _active_virtualenv() -> Path | None:
    """$VIRTUAL_ENV, unless it is the environment aibom itself runs from (its deps, not yours)."""
    value = os.environ.get("VIRTUAL_ENV")
    if not value:
        return None
    path = Path(value)
    if path.resolve() == Path(sys.prefix).resolve():
        return None
    return path if path.is_dir() else None


def report_problems(result: ScanResult, *, summary: bool = True) -> None:
    """One stderr line per unreadable input, then a summary line (unless stdout has one)."""
    for problem in result.problems:
        click.echo(f"aibom: warning: {problem.location}: {problem.message}", err=True)
    if summary:
        click.echo(
            f"aibom: {len(result.components)} components, {len(result.findings)} findings, "
            f"{len(result.problems)} problems",
            err=True,
        )


def write(text: str, output: Path | None) -> None:
    """stdout, or FILE written atomically after rendering succeeded."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.resolve().parent
    if not directory.is_dir():
        raise InputError(f"--output: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        Path(tmp).replace(output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _severity(value: str) -> Severity | None:
    return None if value == "never" else Severity(value)


def _epoch(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}") from exc


def main(argv: list[str] | None = None) -> None:
    """Entry point: map every outcome onto the contract's exit codes."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="aibom", standalone_mode=False)
    except SystemExit:
        raise
    except click.exceptions.Abort:
        click.echo("aibom: interrupted", err=True)
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        click.echo("aibom: interrupted", err=True)
        raise SystemExit(130) from None
    except click.ClickException as exc:
        click.echo(f"aibom: error: {exc.format_message()}", err=True)
        raise SystemExit(2) from None
    except InputError as exc:
        click.echo(f"aibom: error: {exc}", err=True)
        raise SystemExit(2) from None
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"aibom: internal error: {type(exc).__name__}: {exc} (re-run with --debug and "
            "report it)",
            err=True,
        )
        raise SystemExit(3) from None
    raise SystemExit(0)
