from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from pathlib import Path, PurePosixPath

from click.testing import CliRunner

from scanner.cli import cli
from scanner.config import ScanConfig
from scanner.graph import GraphBuilder
from scanner.identity import hub_ref
from scanner.model import Component, ComponentType, Edge, Problem, RevisionResolved
from scanner.pipeline import scan
from scanner.references.hf_cache import HfCacheReader
from scanner.walk import EntryKind, walk
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import context_for

MODEL_COMMIT = "3f1c2a9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
OLD_COMMIT = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
PROJECT = fixture_project("hf-cache-app")


def repo_records(name: str) -> list[object]:
    walked = walk(PROJECT)
    (entry,) = [e for e in walked.entries if e.kind is EntryKind.HUB_REPO and e.rel.name == name]
    return list(HfCacheReader().collect(entry, context_for(PROJECT)))


def test_walk_recognises_cache_repos_and_does_not_walk_them() -> None:
    walked = walk(PROJECT)
    repos = sorted(str(e.rel) for e in walked.entries if e.kind is EntryKind.HUB_REPO)
    assert repos == ["hf-cache/datasets--acme--tiny-set", "hf-cache/models--acme--tiny-bert"]
    assert not any("blobs" in str(e.rel) for e in walked.entries)


def test_one_component_per_snapshot_with_files_nested() -> None:
    records = repo_records("models--acme--tiny-bert")
    models = {r.version or "": r for r in records if isinstance(r, Component)}
    assert sorted(models) == [OLD_COMMIT, MODEL_COMMIT]
    current = models[MODEL_COMMIT]
    assert current.type is ComponentType.MODEL
    assert current.purl == f"pkg:huggingface/acme/tiny-bert@{MODEL_COMMIT}"
    assert ("aibom:hf-cache:refs", "main") in current.properties
    files = {f.name: f for f in current.nested}
    assert sorted(files) == ["README.md", "config.json", "model.safetensors"]
    weights = files["model.safetensors"]
    blob = (
        PROJECT / "hf-cache/models--acme--tiny-bert/snapshots" / MODEL_COMMIT / "model.safetensors"
    ).resolve()
    assert [h.value for h in weights.hashes] == [blob.name]
    assert ("aibom:size", str(blob.stat().st_size)) in weights.properties
    assert files["config.json"].hashes == ()  # a git blob id is not a content hash
    assert ("aibom:hf-cache:refs", "main") not in models[OLD_COMMIT].properties


def test_refs_resolve_revisions() -> None:
    (resolved,) = [
        r for r in repo_records("models--acme--tiny-bert") if isinstance(r, RevisionResolved)
    ]
    assert (resolved.repo_id, resolved.revision, resolved.commit) == (
        "acme/tiny-bert",
        "main",
        MODEL_COMMIT,
    )
    assert resolved.location.file == PurePosixPath("hf-cache/models--acme--tiny-bert/refs/main")


def test_datasets_are_data_components() -> None:
    (data,) = [r for r in repo_records("datasets--acme--tiny-set") if isinstance(r, Component)]
    assert data.type is ComponentType.DATA
    assert data.purl is not None
    assert data.purl.startswith("pkg:huggingface/datasets/acme/tiny-set@")
    assert [f.name for f in data.nested] == ["README.md", "data/train.csv"]


def test_a_branch_reference_merges_into_the_cached_commit() -> None:
    builder = GraphBuilder()
    pinned = hub_ref("acme/tiny-bert", MODEL_COMMIT)
    builder.add(
        Component(
            bom_ref=pinned, type=ComponentType.MODEL, name="acme/tiny-bert", version=MODEL_COMMIT
        )
    )
    branch = hub_ref("acme/tiny-bert", "main")
    builder.add(
        Component(
            bom_ref=branch,
            type=ComponentType.MODEL,
            name="acme/tiny-bert",
            properties=(("aibom:revision", "main"),),
        )
    )
    builder.add(Edge(parent="project:.", child=branch))
    builder.alias(branch, pinned)
    graph = builder.build()
    assert branch not in graph.components
    assert ("aibom:revision", "main") in graph.components[pinned].properties
    assert graph.path_to(pinned) == ("project:.", pinned)


def test_ambiguous_aliases_are_not_applied() -> None:
    builder = GraphBuilder()
    for commit in ("a" * 40, "b" * 40):
        builder.add(
            Component(
                bom_ref=hub_ref("x/y", commit), type=ComponentType.MODEL, name="x/y", version=commit
            )
        )
        builder.alias(hub_ref("x/y", "main"), hub_ref("x/y", commit))
    builder.add(Component(bom_ref=hub_ref("x/y", "main"), type=ComponentType.MODEL, name="x/y"))
    assert hub_ref("x/y", "main") in builder.build().components


def test_symlinks_out_of_the_repo_are_not_followed(tmp_path: Path) -> None:
    repo = tmp_path / "models--evil--m"
    snap = repo / "snapshots" / ("c" * 40)
    snap.mkdir(parents=True)
    (tmp_path / "secret").write_text("x")
    (snap / "stolen").symlink_to(tmp_path / "secret")
    (snap / "dangling").symlink_to(repo / "blobs" / ("d" * 64))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("not a commit")
    (bad := repo / "snapshots" / "not-a-commit").mkdir()
    records = [
        r
        for e in walk(tmp_path).entries
        if e.kind is EntryKind.HUB_REPO
        for r in HfCacheReader().collect(e, context_for(tmp_path))
    ]
    (model,) = [r for r in records if isinstance(r, Component)]
    assert [f.name for f in model.nested] == ["dangling"]
    assert ("aibom:hf-cache:missing-blob", "true") in model.nested[0].properties
    assert not any(isinstance(r, RevisionResolved) for r in records)
    assert any(isinstance(r, Problem) and bad.name in str(r.location.file) for r in records)


def test_external_cache_option(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text("transformers==4.57.1\n")
    result = scan(ScanConfig(root=project, hf_caches=(PROJECT / "hf-cache",), debug=True))
    refs = {c.bom_ref for c in result.components}
    assert hub_ref("acme/tiny-bert", MODEL_COMMIT) in refs
    monkeypatch.chdir(project)
    out = CliRunner().invoke(
        cli, ["scan", "--format", "json", "--hf-cache", str(PROJECT / "hf-cache"), "."]
    )
    assert out.exit_code == 0
    assert any(c["type"] == "data" for c in json.loads(out.stdout)["components"])


def test_fixture_is_what_the_writer_writes(tmp_path: Path) -> None:
    writer = FIXTURES / "tools" / "write_hf_cache.py"
    subprocess.run([sys.executable, str(writer), str(tmp_path / "cache")], check=True)
    compare = filecmp.dircmp(tmp_path / "cache", PROJECT / "hf-cache")
    pending = [compare]
    while pending:
        cmp = pending.pop()
        assert not cmp.left_only, cmp.left_only
        assert not cmp.right_only, cmp.right_only
        assert not cmp.diff_files, cmp.diff_files
        pending.extend(cmp.subdirs.values())
