from __future__ import annotations

import shutil
from pathlib import PurePosixPath

import pytest

from scanner.errors import SourceError
from scanner.model import DeclaredDigest, ExternalRef, Hash, HubReference, Location, Record
from scanner.references.artifacts import (
    DvcReader,
    MlflowModelReader,
    OllamaModelfileReader,
    instructions,
)
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, edge_list, props, walk_entry

ROOT = fixture_project("serving-app")
FILES = FIXTURES / "files" / "artifacts"
OLLAMA, DVC, MLFLOW = OllamaModelfileReader(), DvcReader(), MlflowModelReader()


def edges(records: list[Record]) -> set[tuple[str, str, str]]:
    return {(e.parent, e.child, e.kind) for e in edge_list(records)}


def test_claims():
    assert OLLAMA.claims(walk_entry("Modelfile"))
    assert OLLAMA.claims(walk_entry("ollama/Modelfile.local"))
    assert OLLAMA.claims(walk_entry("ollama/embed.modelfile"))
    assert not OLLAMA.claims(walk_entry("Dockerfile"))
    assert DVC.claims(walk_entry("data/faq.csv.dvc"))
    assert DVC.claims(walk_entry("dvc.lock"))
    assert not DVC.claims(walk_entry("dvc.yaml"))
    assert MLFLOW.claims(walk_entry("models/x/MLmodel"))
    assert not MLFLOW.claims(walk_entry("models/x/mlmodel.txt"))


def test_modelfile_hub_model_and_local_adapter():
    records = collect(OLLAMA, ROOT, "ollama/Modelfile")
    comps = components(records)
    hub = comps["hf:model/bartowski/Llama-3.2-3B-Instruct-GGUF"]
    assert hub.locations == (Location(file=PurePosixPath("ollama/Modelfile"), line=2),)
    assert props(hub, "aibom:ollama:quantization") == {"Q4_K_M"}
    adapter = comps["file:ollama/adapters/support-lora.gguf"]
    assert (adapter.type, adapter.locations[0].line) == ("file", 3)
    assert edges(records) == {
        ("project:.", "hf:model/bartowski/Llama-3.2-3B-Instruct-GGUF", "depends-on"),
        ("project:.", "file:ollama/adapters/support-lora.gguf", "depends-on"),
        ("file:ollama/adapters/support-lora.gguf",
         "hf:model/bartowski/Llama-3.2-3B-Instruct-GGUF", "base-model"),
    }  # fmt: skip
    hubrefs = [r for r in records if isinstance(r, HubReference)]
    assert [(r.repo_id, r.revision, r.via) for r in hubrefs] == [
        ("bartowski/Llama-3.2-3B-Instruct-GGUF", None, "Modelfile")
    ]
    # `FROM here on ...` inside the TEMPLATE block is text, not an instruction
    assert len(comps) == 2


def test_modelfile_library_models():
    comps = components(collect(OLLAMA, ROOT, "ollama/Modelfile.local"))
    assert list(comps) == ["ollama:llama3.1:8b"]
    llama = comps["ollama:llama3.1:8b"]
    assert (llama.name, llama.type, llama.purl) == ("llama3.1", "machine-learning-model", None)
    assert props(llama, "aibom:ollama:tag") == {"8b"}
    # instructions are case-insensitive
    assert list(components(collect(OLLAMA, ROOT, "ollama/embed.modelfile"))) == [
        "ollama:nomic-embed-text"
    ]


def test_modelfile_instruction_parsing():
    text = (
        '# FROM commented/out\nSYSTEM """one\nFROM not/this\n"""\nFROM a:b\nADAPTER /abs/x.gguf\n'
    )
    assert list(instructions(text)) == [("FROM", "a:b", 5), ("ADAPTER", "/abs/x.gguf", 6)]


def test_modelfile_binary_is_a_source_error():
    with pytest.raises(SourceError, match="binary"):
        collect(OLLAMA, FILES, "Modelfile")


def test_dvc_file_outputs():
    records = collect(DVC, ROOT, "data/faq.csv.dvc")
    faq = components(records)["file:data/faq.csv"]
    assert faq.type == "file"
    assert faq.hashes == (Hash(alg="MD5", value="4f35c5e66f2e696c84f5f14026dc93c2"),)
    assert props(faq, "aibom:size") == {"102"}
    where = Location(file=PurePosixPath("data/faq.csv.dvc"), line=2)
    assert [r for r in records if isinstance(r, DeclaredDigest)] == [
        DeclaredDigest(
            component="file:data/faq.csv",
            algorithm="md5",
            digest="4f35c5e66f2e696c84f5f14026dc93c2",
            location=where,
        )
    ]
    assert edges(records) == {("project:.", "file:data/faq.csv", "depends-on")}


def test_dvc_directory_has_no_content_hash():
    records = collect(DVC, ROOT, "data/docs.dvc")
    docs = components(records)["file:data/docs"]
    assert docs.hashes == ()
    assert props(docs, "aibom:dvc:dir-md5") == {"f07ee75d222a1aef2c773bb99a9232c2"}
    assert not [r for r in records if isinstance(r, DeclaredDigest)]


def test_dvc_lock_stage_outputs():
    records = collect(DVC, ROOT, "dvc.lock")
    assert list(components(records)) == ["file:build/faq-clean.csv"]  # deps are not outputs
    assert components(records)["file:build/faq-clean.csv"].locations[0].line == 11


def test_dvc_import_and_odd_entries():
    records = collect(DVC, FILES, "import.dvc")
    comps = components(records)
    assert set(comps) == {"file:../../outside.csv", "file:no-hash.bin", "file:odd.bin"}
    assert comps["file:odd.bin"].hashes == ()  # not a hex digest
    assert comps["file:no-hash.bin"].external_refs == (
        ExternalRef(
            type="vcs",
            url="https://user:****@github.com/acme/datasets@0123456789abcdef0123456789abcdef01234567",
            comment="dvc import of data/raw",
        ),
    )


def test_broken_dvc_file():
    with pytest.raises(SourceError, match="invalid YAML"):
        collect(DVC, FILES, "broken.dvc")


def test_mlflow_sklearn_model():
    records = collect(MLFLOW, ROOT, "models/intent-clf/MLmodel")
    model = components(records)["model:models/intent-clf"]
    assert (model.name, model.type, model.purl) == ("intent-clf", "machine-learning-model", None)
    assert props(model, "aibom:mlflow:flavor") == {"python_function", "sklearn"}
    assert props(model, "aibom:mlflow:run_id") == {"d415b8338aa244deb93545bc055d516d"}
    assert props(model, "aibom:mlflow:sklearn:serialization_format") == {"cloudpickle"}
    assert props(model, "aibom:mlflow:sklearn:pickled_model") == {"model.pkl"}
    assert "float64" in next(iter(props(model, "aibom:mlflow:signature:inputs")))
    assert edges(records) == {("project:.", "model:models/intent-clf", "depends-on")}


def test_mlflow_transformers_source_model():
    records = collect(MLFLOW, ROOT, "models/summarizer/MLmodel")
    commit = "df1b051c49625cf57a3d0d8d3863ed4d13564fe4"
    ref = f"pkg:huggingface/google-t5/t5-small@{commit}"
    assert ("model:models/summarizer", ref, "base-model") in edges(records)
    assert components(records)[ref].locations[0].line == 16
    assert props(
        components(records)["model:models/summarizer"], "aibom:mlflow:transformers:task"
    ) == {"summarization"}
    # saved without `model_binary`: loading fetches it from the hub at that revision
    hubrefs = [r for r in records if isinstance(r, HubReference)]
    assert [(r.repo_id, r.revision) for r in hubrefs] == [("google-t5/t5-small", commit)]


def test_mlflow_saved_binary_is_lineage_only(tmp_path):
    text = (ROOT / "models/summarizer/MLmodel").read_text()
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "MLmodel").write_text(
        text.replace(
            "    task: summarization\n", "    task: summarization\n    model_binary: model\n"
        )
    )
    records = collect(MLFLOW, tmp_path, "m/MLmodel")
    assert not [r for r in records if isinstance(r, HubReference)]


def test_mlflow_not_a_model(tmp_path):
    shutil.copy(FILES / "MLmodel", tmp_path / "MLmodel")
    assert collect(MLFLOW, tmp_path, "MLmodel") == []


def test_modelfile_from_a_model_directory(tmp_path):
    (tmp_path / "weights" / "tiny").mkdir(parents=True)
    (tmp_path / "weights" / "tiny" / "config.json").write_text("{}")
    (tmp_path / "Modelfile").write_text("FROM ./weights/tiny\nFROM hf.co/not a repo\n")
    comps = components(collect(OLLAMA, tmp_path, "Modelfile"))
    assert list(comps) == ["model:weights/tiny"]
    assert comps["model:weights/tiny"].type == "machine-learning-model"


def test_dvc_import_url(tmp_path):
    (tmp_path / "raw.csv.dvc").write_text(
        "md5: 1b0e6a3d0ae5d3f6aa1e6f4b1d37e8a1\nfrozen: true\ndeps:\n"
        "- etag: '0x8DC2'\n  path: https://example.com/raw.csv\nouts:\n"
        "- md5: 5d41402abc4b2a76b9719d911017c592\n  size: 5\n  hash: md5\n  path: raw.csv\n"
    )
    comp = components(collect(DVC, tmp_path, "raw.csv.dvc"))["file:raw.csv"]
    assert comp.external_refs == (
        ExternalRef(
            type="distribution", url="https://example.com/raw.csv", comment="dvc import-url"
        ),
    )
    assert comp.locations[0].line == 7
