"""Shared pattern helpers: hub id validation, local paths, hub URLs."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

import pytest

from scanner.context import ScanContext
from scanner.model import Location
from scanner.references.base import CallSite, hub_id, hub_url, valid_hub_id
from tests.conftest import PROJECTS


def site(
    root: PurePosixPath | None = None, files: frozenset[PurePosixPath] = frozenset()
) -> CallSite:
    ctx = ScanContext(root=PROJECTS / "finetune-lora", files=files)
    return CallSite(
        callee="x.y",
        args=(),
        kwargs={},
        location=Location(file=PurePosixPath("pkg/app.py"), line=1),
        node=ast.Call(func=ast.Name(id="y"), args=[], keywords=[]),
        project="project:.",
        origin="test",
        ctx=ctx,
    )


@pytest.mark.parametrize(
    "value",
    ["meta-llama/Llama-2-7b-hf", "org/name.v1", "gpt2", "distilbert-base-uncased", "a_b/c_d"],
)
def test_valid_hub_ids(value: str) -> None:
    assert hub_id(value, site()) == value


@pytest.mark.parametrize(
    "value",
    [
        "./models/x",
        "/abs/path",
        "~/models",
        "C:/models/x",
        "models/local-bert",
        "output/checkpoint-500",
        "org/model.safetensors",
        "a/b/c",
        "org/-bad",
        "org/bad--name",
        "org/..",
        "my-finetuned-model",
        "",
        "https://huggingface.co/org/x",
        "${MODEL}",
    ],
)
def test_not_hub_ids(value: str) -> None:
    assert hub_id(value, site()) is None


def test_existing_project_directory_is_local() -> None:
    files = frozenset({PurePosixPath("pkg/exports/bert/config.json")})
    assert hub_id("exports/bert", site(files=files)) is None
    assert hub_id("exports/bert", site()) == "exports/bert"


def test_single_names_for_datasets() -> None:
    assert hub_id("squad", site(), any_single=True) == "squad"
    assert not valid_hub_id("x" * 97)


def test_hub_urls() -> None:
    assert hub_url("https://huggingface.co/org/m/blob/main/a/b.bin") == ("org/m", "main", "a/b.bin")
    assert hub_url("https://hf.co/datasets/org/d/resolve/v1/x.csv") == (
        "datasets/org/d",
        "v1",
        "x.csv",
    )
    assert hub_url("https://example.com/org/m/blob/main/x") is None
    assert hub_url("https://huggingface.co/org/m") is None
    assert hub_url("http://[::1") is None
