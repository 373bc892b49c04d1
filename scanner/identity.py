"""Package URLs and stable bom-refs: the identity by which sightings of one thing merge."""

from __future__ import annotations

from pathlib import PurePosixPath

from packageurl import PackageURL
from packaging.utils import canonicalize_name

PROJECT_PREFIX = "project:"


def pypi_name(name: str) -> str:
    """PEP 503 normalised name: how a PyPI package is identified whatever its spelling."""
    return canonicalize_name(name)


def pypi_purl(name: str, version: str | None = None, **qualifiers: str) -> str:
    """`pkg:pypi/<PEP 503 name>@<version>` as the purl spec asks."""
    return PackageURL(
        type="pypi",
        name=pypi_name(name),
        version=version or None,
        qualifiers=qualifiers or None,
    ).to_string()


def conda_purl(name: str, version: str | None = None, channel: str | None = None) -> str:
    """`pkg:conda/<name>@<version>` with the channel as a qualifier when known."""
    qualifiers = {"channel": channel} if channel else None
    return PackageURL(
        type="conda", name=name.lower(), version=version or None, qualifiers=qualifiers
    ).to_string()


def pypi_ref(name: str, version: str | None = None) -> str:
    """bom-ref of a PyPI package: its purl (version-less for a range that a lock may pin)."""
    return pypi_purl(name, version)


def project_ref(directory: PurePosixPath | str) -> str:
    """bom-ref of the project (or sub-project) rooted at `directory`, relative to the root."""
    return f"{PROJECT_PREFIX}{PurePosixPath(directory)}"


def is_project_ref(ref: str) -> bool:
    """True for refs made by `project_ref`."""
    return ref.startswith(PROJECT_PREFIX)


def project_dir(ref: str) -> PurePosixPath:
    """The directory a `project_ref` names."""
    return PurePosixPath(ref.removeprefix(PROJECT_PREFIX))
