"""huggingface_hub: `hf_hub_download`, `snapshot_download`, `hf_hub_url` and the read calls
of `HfApi()` that name a `repo_id`. Uploads and repo management are not references (the
project publishes to them, it does not depend on them); Spaces are not reported."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.model import Record
from scanner.references.base import CallSite, hub_id, hub_records, revision_of

FUNCTIONS = ("hf_hub_download", "snapshot_download", "hf_hub_url")
API_METHODS = (
    "hf_hub_download",
    "snapshot_download",
    "model_info",
    "dataset_info",
    "repo_info",
    "list_repo_files",
    "list_repo_tree",
    "list_repo_refs",
    "list_repo_commits",
    "file_exists",
    "get_paths_info",
    "get_safetensors_metadata",
)
REPO_TYPES = {"model": "model", "dataset": "dataset", None: None}


@dataclass(frozen=True, slots=True)
class HubDownloads:
    """Hub repos fetched or inspected by huggingface_hub."""

    name: str = "huggingface-hub"
    callees: tuple[str, ...] = (
        *(f"huggingface_hub*.{f}" for f in FUNCTIONS),
        *(f"huggingface_hub*.HfApi().{m}" for m in API_METHODS),
    )

    def match(self, call: CallSite) -> Iterator[Record]:
        """The repo of one call, typed by `repo_type` (or the method name)."""
        method = call.callee.rsplit(".", 1)[-1]
        repo = hub_id(call.arg(0, "repo_id"), call)
        declared = call.arg(None, "repo_type")
        if method == "dataset_info":
            declared = "dataset"
        elif method == "model_info":
            declared = "model"
        if repo is None or not (declared is None or isinstance(declared, str)):
            return
        if declared not in REPO_TYPES:
            return
        repo_type = REPO_TYPES[declared]
        props = [("aibom:loader", call.callee)]
        filename = call.string(
            1 if method in ("hf_hub_download", "hf_hub_url") else None, "filename"
        )
        if filename:
            props.append(("aibom:file", filename))
        yield from hub_records(
            call, repo, repo_type=repo_type, revision=revision_of(call), properties=tuple(props)
        )
