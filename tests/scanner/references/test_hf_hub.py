"""huggingface_hub downloads and HfApi reads."""

from __future__ import annotations

from pathlib import Path

from scanner.model import ComponentType
from tests.scanner.references.refs import components, hub, scan, snippet


def test_dataset_download_with_tag() -> None:
    records = scan("rag-service", "rag_service/generate.py")
    ref = hub(records)["rag-org/prompt-templates"]
    assert (ref.repo_type, ref.revision, ref.location.line) == ("dataset", "v1.2", 11)
    comp = components(records)["hf:dataset/rag-org/prompt-templates@v1.2"]
    assert comp.type is ComponentType.DATA
    assert comp.purl == "pkg:huggingface/datasets/rag-org/prompt-templates"
    assert ("aibom:file", "qa.jinja") in comp.properties


def test_hfapi_reads_but_not_uploads_or_spaces(tmp_path: Path) -> None:
    code = (
        "from huggingface_hub import HfApi, snapshot_download\n"
        "api = HfApi()\n"
        "api.model_info('org/model-a')\n"
        "api.dataset_info(repo_id='org/data-b')\n"
        "api.upload_file(path_or_fileobj='x', path_in_repo='x', repo_id='org/mine')\n"
        "snapshot_download('org/space', repo_type='space')\n"
        "snapshot_download(repo_id='org/model-c', revision='refs/pr/1')\n"
    )
    refs = hub(snippet(tmp_path, code))
    assert {k: v.repo_type for k, v in refs.items()} == {
        "org/model-a": "model",
        "org/data-b": "dataset",
        "org/model-c": "model",
    }
    assert refs["org/model-c"].revision == "refs/pr/1"
