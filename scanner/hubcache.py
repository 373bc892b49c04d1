"""Where the user's default Hugging Face hub cache is, and which of its repos a scan reads.

The default cache is found the way huggingface_hub finds it (its `constants.py`, facts §4.4):
`HF_HUB_CACHE`, else the legacy `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`, where `HF_HOME`
defaults to `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. Only the repos that
the project's references name are read from it, never the rest of the user's cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Set
from pathlib import Path

from scanner.context import ScanContext
from scanner.hubid import canonical
from scanner.model import HubReference
from scanner.walk import EntryKind, WalkEntry, is_hub_cache_repo


def default_hub_cache(environ: Mapping[str, str]) -> Path:
    """The hub cache huggingface_hub uses by default (see the module docstring); `~` is
    expanded in each variable, and an empty variable counts as unset."""
    for key in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if environ.get(key):
            return Path(environ[key]).expanduser()
    home = environ.get("HF_HOME") or str(
        Path(environ.get("XDG_CACHE_HOME") or "~/.cache") / "huggingface"
    )
    return Path(home).expanduser() / "hub"


def cache_dir_name(repo_id: str, repo_type: str) -> str:
    """The directory huggingface_hub stores a repo in: `models--org--name`."""
    return f"{repo_type}s--" + repo_id.replace("/", "--")


def wanted_repo_dirs(references: Iterable[HubReference]) -> dict[str, set[str | None]]:
    """Cache directory name -> revisions asked for, of every repo `references` name (as
    written, and a legacy id also by the id it moved to)."""
    wanted: dict[str, set[str | None]] = {}
    for ref in references:
        for repo in {ref.repo_id, canonical(ref.repo_id, ref.repo_type)}:
            wanted.setdefault(cache_dir_name(repo, ref.repo_type), set()).add(ref.revision)
    return wanted


def referenced_repos(
    cache: Path, wanted: Mapping[str, Set[str | None]], held: Set[str], ctx: ScanContext
) -> Iterator[tuple[WalkEntry, frozenset[str | None]]]:
    """Repo dirs of `cache` that are `wanted` (`wanted_repo_dirs`), with the revisions asked
    for, except dirs already `held` (names of repos a scanned cache held); in name order."""
    for name in sorted(wanted.keys() - held):
        path = cache / name
        if is_hub_cache_repo(path):
            entry = WalkEntry(rel=ctx.relative(path), path=path.resolve(), kind=EntryKind.HUB_REPO)
            yield entry, frozenset(wanted[name])
