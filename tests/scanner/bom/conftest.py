"""ScanResults built in memory for the BOM writer tests, and an isolated validator cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from uuid import UUID

import pytest

from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Hash,
    LicenseEvidence,
    Location,
    ProjectInfo,
    ScanResult,
    Scope,
)

ROOT = "project:."
REQUESTS = "pkg:pypi/requests@2.32.3"
URLLIB3 = "pkg:pypi/urllib3@2.2.3"
NUMPY = "pkg:pypi/numpy@2.1.0"
TOKENIZERS = "pkg:pypi/tokenizers@0.20.1"
SAFETENSORS = "pkg:pypi/safetensors@0.4.5"
PYTEST = "pkg:pypi/pytest@8.3.3"
NVIDIA = "pkg:pypi/nvidia-cublas-cu12@12.4.5.8"
PIP = "pkg:pypi/pip@24.2"
SERDE = "pkg:cargo/serde@1.0.210"
BERT = "pkg:huggingface/google-bert/bert-base-uncased@86b5e0934494bd15c9632b12f734a8a67f723594"
SQUAD = "pkg:huggingface/datasets/rajpurkar/squad@7b6d24c440a36b6815f21b70d25016731768db1f"
SUB = "project:services/api"
FASTAPI = "pkg:pypi/fastapi@0.115.0"
SHA = "f" * 64
NUMPY_LICENSE = (
    "Copyright (c) 2005-2024, NumPy Developers.\nAll rights reserved.\n\n"
    "Redistribution and use in source and binary forms, with or without\n"
    "modification, are permitted provided that the following conditions are met:\n"
    "\f\n----\n\nThis binary distribution of NumPy also bundles OpenBLAS (BSD-3-Clause).\n"
)
FIXED_TIME = datetime(2024, 6, 1, 12, 30, 45, 123456, tzinfo=UTC)
FIXED_SERIAL = UUID("3e671687-395b-41f5-a30f-a58921a69b79")


def loc(file: str, line: int | None = None) -> Location:
    return Location(file=PurePosixPath(file), line=line)


def _components() -> tuple[Component, ...]:
    serde = Component(
        bom_ref=SERDE,
        type=ComponentType.LIBRARY,
        name="serde",
        version="1.0.210",
        purl=SERDE,
        license="MIT OR Apache-2.0",
        origin="pep770",
    )
    return (
        Component(
            bom_ref=ROOT,
            type=ComponentType.APPLICATION,
            name="demo",
            locations=(loc("pyproject.toml", 1),),
            origin="pyproject",
        ),
        Component(
            bom_ref=REQUESTS,
            type=ComponentType.LIBRARY,
            name="requests",
            version="2.32.3",
            version_spec=">=2.31",
            purl=REQUESTS,
            license="Apache-2.0",
            license_raw=(
                LicenseEvidence(kind="license", value="Apache 2.0", location=loc("uv.lock", 40)),
                LicenseEvidence(
                    kind="classifier", value="License :: OSI Approved :: Apache Software License"
                ),
            ),
            hashes=(Hash(alg="SHA-256", value=SHA), Hash(alg="SHA-256", value="not-a-digest")),
            locations=(loc("uv.lock", 40), loc("pyproject.toml", 8)),
            origin="pyproject,uv-lock",
            external_refs=(
                ExternalRef(
                    type="distribution", url="https://files.pythonhosted.org/requests-2.32.3.tar.gz"
                ),
                ExternalRef(
                    type="vcs", url="git+https://github.com/psf/requests@v2.32.3", comment="tag"
                ),
                ExternalRef(type="website", url="https://example.com/a path|with{bad}chars"),
                ExternalRef(type="homepage", url="https://requests.readthedocs.io"),
                ExternalRef(type="documentation", url="http://[::1]/docs"),
            ),
            properties=(("aibom:index", "https://pypi.org/simple"),),
            description="Python HTTP for Humans.",
        ),
        Component(
            bom_ref=URLLIB3,
            type=ComponentType.LIBRARY,
            name="urllib3",
            version="2.2.3",
            purl=URLLIB3,
            license_raw=(LicenseEvidence(kind="license", value="MIT License"),),
            locations=(loc("uv.lock", 90),),
            origin="uv-lock",
        ),
        Component(
            bom_ref=NUMPY,
            type=ComponentType.LIBRARY,
            name="numpy",
            version="2.1.0",
            purl=NUMPY,
            license_raw=(LicenseEvidence(kind="license", value=NUMPY_LICENSE),),
            locations=(loc("uv.lock", 60),),
            origin="uv-lock",
        ),
        Component(
            bom_ref=TOKENIZERS,
            type=ComponentType.LIBRARY,
            name="tokenizers",
            version="0.20.1",
            purl=TOKENIZERS,
            license="Apache-2.0",
            nested=(serde,),
            origin="environment",
        ),
        Component(
            bom_ref=SAFETENSORS,
            type=ComponentType.LIBRARY,
            name="safetensors",
            version="0.4.5",
            purl=SAFETENSORS,
            license="Apache-2.0",
            nested=(serde,),
            origin="environment",
        ),
        Component(
            bom_ref=PYTEST,
            type=ComponentType.LIBRARY,
            name="pytest",
            version="8.3.3",
            purl=PYTEST,
            license="MIT",
            scope=Scope.OPTIONAL,
            origin="uv-lock",
        ),
        Component(
            bom_ref=NVIDIA,
            type=ComponentType.LIBRARY,
            name="nvidia-cublas-cu12",
            version="12.4.5.8",
            purl=NVIDIA,
            scope=Scope.EXCLUDED,
            origin="uv-lock",
        ),
        Component(
            bom_ref=PIP,
            type=ComponentType.LIBRARY,
            name="pip",
            version="24.2",
            purl=PIP,
            license="MIT",
            reachable=False,
            origin="environment",
        ),
        Component(
            bom_ref=BERT,
            type=ComponentType.MODEL,
            name="google-bert/bert-base-uncased",
            version="86b5e0934494bd15c9632b12f734a8a67f723594",
            purl=BERT,
            license="Apache-2.0",
            locations=(loc("app/model.py", 12),),
            origin="transformers",
        ),
        Component(
            bom_ref=SQUAD,
            type=ComponentType.DATA,
            name="rajpurkar/squad",
            version="7b6d24c440a36b6815f21b70d25016731768db1f",
            purl=SQUAD,
            license="CC-BY-SA-4.0",
            locations=(loc("app/data.py", 3),),
            origin="datasets",
        ),
        Component(
            bom_ref=SUB,
            type=ComponentType.APPLICATION,
            name="api",
            version="0.1.0",
            locations=(loc("services/api/pyproject.toml", 1),),
            origin="pyproject",
        ),
        Component(
            bom_ref=FASTAPI,
            type=ComponentType.LIBRARY,
            name="fastapi",
            version="0.115.0",
            purl=FASTAPI,
            license="MIT",
            origin="uv-lock",
        ),
    )


def _edges() -> tuple[Edge, ...]:
    return (
        Edge(parent=ROOT, child=REQUESTS),
        Edge(parent=ROOT, child=NUMPY),
        Edge(parent=ROOT, child=TOKENIZERS),
        Edge(parent=ROOT, child=BERT),
        Edge(parent=ROOT, child=SQUAD),
        Edge(parent=ROOT, child=PYTEST, group="dev"),
        Edge(parent=ROOT, child=NVIDIA, marker='sys_platform == "linux"'),
        Edge(parent=REQUESTS, child=URLLIB3),
        Edge(parent=TOKENIZERS, child=SAFETENSORS),
        Edge(parent=ROOT, child=SUB, kind="contains"),
        Edge(parent=SUB, child=FASTAPI),
        Edge(parent=SUB, child=REQUESTS),
        Edge(parent=REQUESTS, child="pkg:pypi/not-in-the-graph@1.0"),
    )


@pytest.fixture
def scan_result() -> ScanResult:
    """A project with most of what a BOM must carry."""
    return ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="demo", version="1.2.0", license="MIT"),
        components=_components(),
        edges=_edges(),
    )


@pytest.fixture
def empty_result() -> ScanResult:
    """A project with nothing in it (not even its own component)."""
    return ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="empty"), components=(), edges=()
    )


@pytest.fixture(scope="session", autouse=True)
def validator_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Compiled validators go to a temporary cache, never the user's."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(path))
        yield path
