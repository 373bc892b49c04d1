"""OMS signature bundles: found, matched to their model, checked against the files on disk."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from scanner.config import Limits
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.model import Component, ModelSignature
from scanner.references.model_signing import ModelSignatureReader, authenticity, model_files
from scanner.walk import EntryKind, walk
from tests.conftest import fixture_project

PROJECT = fixture_project("signed-model")


def collect(root: Path) -> list[object]:
    walked = walk(root).entries
    ctx = ScanContext(root=root, files=frozenset(e.rel for e in walked if e.kind is EntryKind.FILE))
    reader = ModelSignatureReader()
    return [r for e in walked if reader.claims(e) for r in reader.collect(e, ctx)]


def signature(root: Path) -> ModelSignature:
    (found,) = [r for r in collect(root) if isinstance(r, ModelSignature)]
    return found


def copy(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(PROJECT, root)
    return root


def test_intact_model_without_a_trusted_key_is_unverified() -> None:
    records = collect(PROJECT)
    (sig,) = [r for r in records if isinstance(r, ModelSignature)]
    (model,) = [r for r in records if isinstance(r, Component)]
    assert sig.status == "unverified"
    assert sig.component == "model:model" == model.bom_ref
    assert sig.location.file == PurePosixPath("model.sig")
    assert "files match the signed manifest" in sig.detail
    assert ("aibom:model-signing:status", "unverified") in model.properties


def test_without_the_library_the_detail_says_how_to_enable_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "model_signing", None)  # import now raises ImportError
    sig = signature(PROJECT)
    assert sig.status == "unverified"
    assert "aibom[signing]" in sig.detail


def test_the_library_verifies_with_the_signers_key() -> None:
    pytest.importorskip("model_signing")
    key = PROJECT / "signing-key.pub"
    status, detail = authenticity(PROJECT / "model.sig", PROJECT / "model", (key,))
    assert (status, detail) == ("valid", "signature verified with signing-key.pub; files match")


def test_another_key_does_not_verify(tmp_path: Path) -> None:
    pytest.importorskip("model_signing")
    other = tmp_path / "other.pub"
    private = tmp_path / "other.priv"
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a second key")
    subprocess.run(
        [openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(private)],
        check=True,
    )
    subprocess.run(
        [openssl, "ec", "-in", str(private), "-pubout", "-out", str(other)],
        check=True,
        capture_output=True,
    )
    status, detail = authenticity(PROJECT / "model.sig", PROJECT / "model", (other,))
    assert status == "invalid"
    assert detail.startswith("signature does not verify: other.pub")


def test_a_changed_file_makes_it_invalid(tmp_path: Path) -> None:
    root = copy(tmp_path)
    (root / "model" / "config.json").write_text('{"architectures": ["Evil"]}\n')
    sig = signature(root)
    assert sig.status == "invalid"
    assert sig.detail.startswith("hash mismatch for 'config.json': sha256 is ")


def test_an_extra_or_missing_file_makes_it_invalid(tmp_path: Path) -> None:
    root = copy(tmp_path)
    (root / "model" / "extra.py").write_text("import os\n")
    assert signature(root).detail == "file not covered by the signature: 'extra.py'"
    (root / "model" / "extra.py").unlink()
    (root / "model" / "model.safetensors").unlink()
    assert signature(root).detail == "signed file missing: 'model.safetensors'"


def test_git_files_are_not_part_of_the_model(tmp_path: Path) -> None:
    root = copy(tmp_path)
    (root / "model" / ".gitattributes").write_text("*.safetensors filter=lfs\n")
    assert signature(root).status == "unverified"


def edit_statement(root: Path, change) -> None:
    bundle = json.loads((root / "model.sig").read_text())
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    change(statement)
    payload = base64.b64encode(json.dumps(statement).encode()).decode()
    bundle["dsseEnvelope"]["payload"] = payload
    (root / "model.sig").write_text(json.dumps(bundle))


def test_an_edited_manifest_is_invalid_before_any_key(tmp_path: Path) -> None:
    root = copy(tmp_path)
    (root / "model" / "config.json").write_text("{}\n")

    def follow_the_file(statement: dict[str, Any]) -> None:  # an attacker re-lists the changed file
        import hashlib

        for item in statement["predicate"]["resources"]:
            if item["name"] == "config.json":
                item["digest"] = hashlib.sha256(b"{}\n").hexdigest()

    edit_statement(root, follow_the_file)
    sig = signature(root)
    assert sig.status == "invalid"
    assert "subject digest does not match" in sig.detail


def test_a_signature_whose_model_is_elsewhere(tmp_path: Path) -> None:
    root = copy(tmp_path)
    (root / "model").rename(root / "renamed")
    sig = signature(root)
    assert (sig.status, sig.component) == ("invalid", None)
    assert "'model' is not next to the signature" in sig.detail


def test_signature_inside_the_model_directory(tmp_path: Path) -> None:
    root = copy(tmp_path)
    (root / "model.sig").rename(root / "model" / "model.sig")
    sig = signature(root)
    assert (sig.status, sig.component) == ("unverified", "model:model")


def test_other_sig_files_are_left_alone_but_a_broken_model_sig_is_said(tmp_path: Path) -> None:
    (tmp_path / "release.sig").write_bytes(b"\x89\x02\x33binary openpgp")
    assert collect(tmp_path) == []
    (tmp_path / "model.sig").write_text('{"mediaType": "text/plain"}')
    walked = [e for e in walk(tmp_path).entries if e.name == "model.sig"]
    ctx = ScanContext(root=tmp_path, files=frozenset(e.rel for e in walked))
    with pytest.raises(SourceError, match="not a Sigstore bundle"):
        list(ModelSignatureReader().collect(walked[0], ctx))


def test_a_bundle_without_an_in_toto_statement_is_refused(tmp_path: Path) -> None:
    root = copy(tmp_path)
    edit_statement(root, lambda s: s.update(_type="https://example.com/other"))
    walked = [e for e in walk(root).entries if e.name == "model.sig"]
    ctx = ScanContext(root=root, files=frozenset(e.rel for e in walk(root).entries))
    with pytest.raises(SourceError, match="not an in-toto v1 statement"):
        list(ModelSignatureReader().collect(walked[0], ctx))


def test_model_files_descend_no_deeper_than_the_walk_limit(tmp_path: Path) -> None:
    deep = tmp_path / "model" / "a" / "b"
    deep.mkdir(parents=True)
    for folder in (tmp_path / "model", tmp_path / "model" / "a", deep):
        (folder / "w.bin").write_bytes(b"x")
    sig, model = PurePosixPath("model/model.sig"), PurePosixPath("model")
    shallow = ScanContext(root=tmp_path, limits=Limits(max_walk_depth=1))
    assert sorted(model_files(sig, model, frozenset(), shallow)) == ["a/w.bin", "w.bin"]
    full = ScanContext(root=tmp_path)
    assert sorted(model_files(sig, model, frozenset(), full)) == ["a/b/w.bin", "a/w.bin", "w.bin"]
