"""sentence-transformers models."""

from __future__ import annotations

from pathlib import Path

from tests.scanner.references.refs import hub, hub_ids, snippet


def test_bare_names_get_the_library_organisation(tmp_path: Path) -> None:
    code = (
        "from sentence_transformers import SentenceTransformer, CrossEncoder\n"
        "SentenceTransformer('all-mpnet-base-v2')\n"
        "SentenceTransformer('bert-base-uncased')\n"
        "SentenceTransformer(model_name_or_path='BAAI/bge-small-en-v1.5', revision='v1')\n"
        "CrossEncoder('local_reranker')\n"
        "SentenceTransformer('./fine-tuned')\n"
    )
    refs = hub(snippet(tmp_path, code))
    assert set(refs) == {
        "sentence-transformers/all-mpnet-base-v2",
        "bert-base-uncased",
        "BAAI/bge-small-en-v1.5",
    }
    assert refs["BAAI/bge-small-en-v1.5"].revision == "v1"


def test_unrelated_class_of_the_same_name(tmp_path: Path) -> None:
    code = (
        "import sentence_transformers\n"
        "from mine import SentenceTransformer\n"
        "SentenceTransformer('org/x')\n"
    )
    assert hub_ids(snippet(tmp_path, code)) == set()
