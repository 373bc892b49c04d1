"""Package URLs and stable bom-refs: the identity by which sightings of one thing merge."""

from __future__ import annotations

import functools
import re
from pathlib import PurePosixPath

from packageurl import PackageURL
from packaging.utils import canonicalize_name

PROJECT_PREFIX = "project:"


@functools.lru_cache(maxsize=1 << 16)  # a lock names each package once per dependency on it
def pypi_name(name: str) -> str:
    """PEP 503 normalised name: how a PyPI package is identified whatever its spelling."""
    return canonicalize_name(name)


PLAIN_PYPI_PURL = re.compile(r"pkg:pypi/([A-Za-z0-9._-]+)(?:@[A-Za-z0-9._+!%-]+)?")
"""`pkg:pypi/<name>[@<version>]` in characters that packageurl reads as they are written."""


@functools.lru_cache(maxsize=1 << 16)
def purl_pypi_name(purl: str) -> str | None:
    """The PEP 503 name of a `pkg:pypi/...` purl, else None; ValueError when it does not parse.

    A plain purl (what `pypi_purl` writes) is read directly, since packageurl's parser costs
    ~40 µs a call on 10k-package graphs; anything else goes through packageurl (a test proves
    the two agree).
    """
    if not purl.startswith("pkg:pypi/"):
        return None
    plain = PLAIN_PYPI_PURL.fullmatch(purl)
    return canonicalize_name(plain.group(1) if plain else PackageURL.from_string(purl).name)


PLAIN_NAME = re.compile(r"[a-z0-9-]+")
"""A canonical name packageurl keeps as it is (lower case, no `_` and nothing to quote)."""
PLAIN_VERSION = re.compile(r"[A-Za-z0-9._~-]+")
"""A version packageurl keeps as it is: unreserved characters only, so no quoting (`+`,
`!`), and no surrounding space to strip."""


def pypi_purl(name: str, version: str | None = None, **qualifiers: str) -> str:
    """`pkg:pypi/<PEP 503 name>@<version>` as the purl spec asks.

    A plain name and version (nearly every locked package) are written directly: packageurl
    writes them letter for letter so, at ~15 µs a call less
    (tests/scanner/test_identity_pypi_purl.py holds the two ways to the same answers).
    """
    canonical = pypi_name(name)
    if not qualifiers and PLAIN_NAME.fullmatch(canonical):
        if not version:
            return f"pkg:pypi/{canonical}"
        if PLAIN_VERSION.fullmatch(version):
            return f"pkg:pypi/{canonical}@{version}"
    return PackageURL(
        type="pypi",
        name=canonical,
        version=version or None,
        qualifiers=qualifiers or None,
    ).to_string()


def conda_purl(name: str, version: str | None = None, channel: str | None = None) -> str:
    """`pkg:conda/<name>@<version>` with the channel as a qualifier when known."""
    qualifiers = {"channel": channel} if channel else None
    return PackageURL(
        type="conda", name=name.lower(), version=version or None, qualifiers=qualifiers
    ).to_string()


HF_COMMIT = re.compile(r"[0-9a-f]{40}")


def is_commit(revision: str | None) -> bool:
    """True for a full 40-hex commit id: the only immutable hub revision."""
    return bool(revision) and HF_COMMIT.fullmatch(revision or "") is not None


@functools.lru_cache(maxsize=4096)  # a repo named at many call sites is spelled once
def huggingface_purl(repo_id: str, revision: str | None = None, *, repo_type: str = "model") -> str:
    """`pkg:huggingface/<org>/<name>@<commit>`; datasets under the `datasets/<org>` namespace.

    The purl spec's huggingface type covers models and needs a namespace; datasets follow the
    convention `pkg:huggingface/datasets/<org>/<name>` (see ai-supply-chain facts, §2). Only a
    full commit becomes the version; a branch or tag is not a version.
    """
    org, _, name = repo_id.partition("/")
    if not name:
        org, name = "", org
    namespace = "/".join(p for p in ("datasets" if repo_type == "dataset" else "", org) if p)
    version = revision.lower() if revision and is_commit(revision.lower()) else None
    return PackageURL(
        type="huggingface", namespace=namespace or None, name=name, version=version
    ).to_string()


def hub_ref(repo_id: str, revision: str | None = None, *, repo_type: str = "model") -> str:
    """bom-ref of a hub model/dataset: its purl when pinned, else a stable `hf:` ref naming
    the revision asked for (a branch or tag), so differently-pinned uses stay distinct."""
    if is_commit((revision or "").lower()):
        return huggingface_purl(repo_id, revision, repo_type=repo_type)
    suffix = f"@{revision}" if revision else ""
    return f"hf:{repo_type}/{repo_id}{suffix}"


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


ALREADY_CANONICAL = re.compile(
    r"pkg:pypi/[a-z0-9]+(?:[.-][a-z0-9]+)*(?:@[0-9a-z.]+)?"
    r"|pkg:huggingface/[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*){1,2}"
    r"(?:@[0-9a-f]{40})?"
)
"""Purls already in canonical form (nearly every purl the scan writes): returned as they are,
since parsing and re-writing one with packageurl costs ~0.1 ms, a second for a monorepo's
ten thousand components (a property test holds the pattern to packageurl's output)."""


def canonical_purl(text: object) -> str | None:
    """The purl in canonical form, or None when there is none (not a non-empty string) or it
    does not parse."""
    if not isinstance(text, str) or not text:
        return None
    if ALREADY_CANONICAL.fullmatch(text):
        return text
    try:
        return str(PackageURL.from_string(text).to_string())
    except (ValueError, TypeError):  # packageurl fails on some odd purls with a TypeError
        return None
