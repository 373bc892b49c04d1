"""datasets: hub datasets, configs, remote data files."""

from __future__ import annotations

from pathlib import Path

from scanner.model import ComponentType
from tests.scanner.references.refs import components, edges, hub, hub_ids, scan, snippet


def test_hub_dataset_with_config_and_remote_data_files() -> None:
    records = scan("rag-service", "rag_service/ingest.py")
    refs = hub(records)
    assert set(refs) == {"rag-datasets/rag-mini-wikipedia"}
    comp = components(records)["hf:dataset/rag-datasets/rag-mini-wikipedia"]
    assert ("aibom:dataset-config", "text-corpus") in comp.properties
    url = components(records)["url:https://example.com/exports/faq-2024.jsonl"]
    assert url.type is ComponentType.DATA
    assert url.external_refs[0].url == "https://example.com/exports/faq-2024.jsonl"
    assert ("project:.", url.bom_ref) in edges(records)
    # `csv` with a local file: neither the builder nor the file is a component
    assert not [c for c in components(records) if "notes" in c or c.endswith("/csv")]


def test_hf_paths_and_hub_urls_in_data_files(tmp_path: Path) -> None:
    code = (
        "from datasets import load_dataset\n"
        "load_dataset('parquet', data_files=['hf://datasets/org/web@abc/data/*.parquet',\n"
        "    'https://huggingface.co/datasets/org/other/resolve/v1/train.csv'])\n"
        "load_dataset('squad', trust_remote_code=True)\n"
        "load_dataset('./my_script.py')\n"
    )
    refs = hub(snippet(tmp_path, code))
    assert {k: v.revision for k, v in refs.items()} == {
        "org/web": "abc",
        "org/other": "v1",
        "squad": None,
    }


def test_dataset_names_in_strings_only(tmp_path: Path) -> None:
    code = "import datasets\nNAME = 'org/data'\nprint(NAME)\nassert NAME == 'org/data'\n"
    assert hub_ids(snippet(tmp_path, code)) == set()
