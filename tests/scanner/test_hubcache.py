from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner.hubcache import (
    cache_dir_name,
    default_hub_cache,
    referenced_repos,
    wanted_repo_dirs,
)
from scanner.model import HubReference, Location
from tests.scanner.sources.helpers import context_for


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "~/.cache/huggingface/hub"),
        ({"XDG_CACHE_HOME": "/x"}, "/x/huggingface/hub"),
        ({"XDG_CACHE_HOME": "/x", "HF_HOME": "/h"}, "/h/hub"),
        ({"HF_HOME": "~/h", "HUGGINGFACE_HUB_CACHE": "/legacy"}, "/legacy"),
        ({"HF_HUB_CACHE": "/c", "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/h"}, "/c"),
        ({"HF_HUB_CACHE": "", "HF_HOME": "~/h"}, "~/h/hub"),
    ],
)
def test_default_hub_cache_follows_huggingface_hub(environ, expected) -> None:
    assert default_hub_cache(environ) == Path(expected).expanduser()


def reference(repo: str, revision: str | None = None, repo_type: str = "model") -> HubReference:
    return HubReference(
        component="x",
        repo_id=repo,
        repo_type=repo_type,
        revision=revision,
        location=Location(file=PurePosixPath("app.py"), line=1),
        via="test",
    )


def test_referenced_repos_by_written_and_moved_id(tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    for name in ("models--gpt2", "models--openai-community--gpt2", "datasets--acme--set",
                 "models--acme--unreferenced", "models--acme--held"):  # fmt: skip
        (cache / name / "snapshots").mkdir(parents=True)
    (cache / "models--acme--no-snapshots").mkdir()
    refs = [
        reference("gpt2", "main"),
        reference("gpt2"),
        reference("acme/set", repo_type="dataset"),
        reference("acme/held"),
        reference("acme/no-snapshots"),
        reference("acme/absent"),
    ]
    found = {
        entry.path.name: revisions
        for entry, revisions in referenced_repos(
            cache, wanted_repo_dirs(refs), {"models--acme--held"}, context_for(tmp_path)
        )
    }
    assert found == {
        "datasets--acme--set": frozenset({None}),
        "models--gpt2": frozenset({"main", None}),
        "models--openai-community--gpt2": frozenset({"main", None}),
    }


def test_cache_dir_names() -> None:
    assert cache_dir_name("org/name", "model") == "models--org--name"
    assert cache_dir_name("gpt2", "model") == "models--gpt2"
    assert cache_dir_name("org/set", "dataset") == "datasets--org--set"
