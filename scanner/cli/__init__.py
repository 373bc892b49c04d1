"""The command line: the only package that imports click, prints or exits.

Exit codes follow the contract: 0 clean, 1 findings at or above --fail-on, 2 usage/input
error (one line), 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import gc
import sys
import traceback

import click

from scanner import __version__
from scanner.cli.commands import sbom_command, scan_command
from scanner.cli.common import CONTEXT
from scanner.cli.diff import diff_command
from scanner.cli.license import license_group
from scanner.errors import InputError


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="aibom")
def cli() -> None:
    """aibom: one-pass AI supply-chain scanner for Python packages, models and datasets."""


cli.add_command(scan_command)
cli.add_command(sbom_command)
cli.add_command(diff_command)
cli.add_command(license_group)


def main(argv: list[str] | None = None) -> None:
    """Entry point: map every outcome onto the contract's exit codes."""
    try:
        _run(argv)
    finally:
        if argv is None:  # the process ends next: its final collections would traverse
            gc.freeze()  # every object still alive for nothing (0.3 s after a large scan)


def _run(argv: list[str] | None) -> None:
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
