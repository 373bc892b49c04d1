"""What every command shares: the common options, validating them into a ScanConfig, and
writing output (stdout, or a file atomically) and problems (stderr)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import Any

import click

from licenses import InvalidLicenseExpression, parse_user
from scanner.config import ScanConfig, load_policy
from scanner.errors import InputError
from scanner.hashing import Progress
from scanner.hubcache import default_hub_cache
from scanner.model import ScanResult, Severity

CONTEXT = {"help_option_names": ["-h", "--help"]}
"""Every command's context: `-h` works too, even when a command is run on its own
(click caches a command's help option the first time it is asked for)."""
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
            "--no-default-hf-cache",
            is_flag=True,
            help="Do not look referenced models up in the default Hugging Face cache "
            "(HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub).",
        ),
        click.option(
            "--offline",
            is_flag=True,
            default=True,
            hidden=False,
            help="No network access (the default).",
        ),
        click.option(
            "--online",
            is_flag=True,
            help="Look up what is not on disk: licenses of the exact locked versions (the "
            "project's index, else PyPI), hub repo info (HF_ENDPOINT, HF_TOKEN), and OSV "
            "vulnerabilities. Failed lookups are problems, never a clean result.",
        ),
        click.option(
            "--osv-db",
            type=click.Path(exists=True, path_type=Path),
            help="An offline OSV database (a directory of OSV records, or a zip such as "
            "PyPI/all.zip) to check dependency versions against; works without --online.",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            help="Neither read nor write aibom's caches: per-file scan results "
            "($XDG_CACHE_HOME/aibom/files), the last report of each root "
            "($XDG_CACHE_HOME/aibom/scans) and, with --online, answers "
            "($XDG_CACHE_HOME/aibom/online).",
        ),
        click.option(
            "--baseline",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A previous AI-BOM (CycloneDX JSON): files whose digest differs from the one "
            "it recorded are hash-mismatch findings.",
        ),
        click.option(
            "--signing-key",
            "signing_keys",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A PEM public key trusted to verify OpenSSF model signatures (repeatable).",
        ),
        click.option(
            "--no-hash",
            is_flag=True,
            help="Do not compute digests of weight files and hub cache blobs (faster; hash "
            "checks then have nothing to compare).",
        ),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_config(
    *,
    path: Path,
    project_license: str | None,
    policy: Path | None,
    python: Path | None,
    hf_caches: tuple[Path, ...],
    no_default_hf_cache: bool,
    offline: bool,
    online: bool,
    osv_db: Path | None,
    no_cache: bool,
    baseline: Path | None,
    signing_keys: tuple[Path, ...],
    no_hash: bool,
    debug: bool,
) -> ScanConfig:
    """Validate user input into a ScanConfig; InputError (exit 2) when it is wrong."""
    del offline  # the default; `--online` opts in to network access
    if project_license is not None:
        try:
            project_license = parse_user(project_license)
        except InvalidLicenseExpression as exc:
            raise InputError(f"--project-license: {exc}") from exc
    loaded = load_policy(path, policy)
    return ScanConfig(
        root=path,
        python=python,
        virtual_env=_active_virtualenv(),
        hf_caches=hf_caches,
        default_hf_cache=None if no_default_hf_cache else default_hub_cache(os.environ),
        policy=loaded,
        limits=loaded.limits,
        project_license=project_license,
        hash_files=not no_hash,
        progress=progress_printer() if sys.stderr.isatty() else None,
        baseline=baseline,
        signing_keys=signing_keys,
        debug=debug,
        online=online,
        osv_db=osv_db,
        no_cache=no_cache,
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


def problem_lines(result: ScanResult, *, summary: bool = True) -> list[str]:
    """One stderr line per unreadable input, then a summary line (unless stdout has one)."""
    lines = [f"aibom: warning: {p.location}: {p.message}" for p in result.problems]
    if summary:
        lines.append(
            f"aibom: {len(result.components)} components, {len(result.findings)} findings, "
            f"{len(result.problems)} problems"
        )
    return lines


def write(text: str, output: Path | None) -> None:
    """stdout, or FILE written atomically after rendering succeeded.

    FILE gets the mode a plain `open(FILE, "w")` would give it: an existing file keeps its
    permission bits, a new one gets 0666 less the umask (not mkstemp's 0600).
    """
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.resolve().parent
    if not directory.is_dir():
        raise InputError(f"--output: directory {directory} does not exist")
    fd, tmp = _create_beside(directory, output.name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if (mode := _existing_mode(output)) is not None:
            tmp.chmod(mode)
        tmp.replace(output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _create_beside(directory: Path, name: str) -> tuple[int, Path]:
    """A new hidden temporary file in `directory`, open for writing, created with mode 0666
    so that the kernel applies the umask (and a default ACL) as for any file the user makes."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = directory / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {directory / name}")


def _existing_mode(output: Path) -> int | None:
    """The permission bits of the file being replaced (no set-id bits), None if it is new."""
    try:
        return stat.S_IMODE(output.stat().st_mode) & 0o777
    except FileNotFoundError:
        return None


def severity(value: str) -> Severity | None:
    """A `--fail-on` value as a Severity; "never" is None."""
    return None if value == "never" else Severity(value)


def epoch(value: str) -> dt.datetime:
    """`SOURCE_DATE_EPOCH` as a UTC datetime; InputError when it is not whole seconds."""
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}") from exc


def colour_wanted() -> bool:
    """Colour for a terminal only, and never when `NO_COLOR` is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def progress_printer() -> Progress:
    """Draws one updating stderr line per big file being hashed (terminals only)."""

    def show(label: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        end = "\n" if done >= total else ""
        click.echo(
            f"\raibom: hashing {label}: {percent}% of {total / 2**30:.1f} GiB",
            err=True,
            nl=bool(end),
        )

    return show
