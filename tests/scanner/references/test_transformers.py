"""transformers: `*.from_pretrained` and `pipeline(...)`."""

from __future__ import annotations

from pathlib import Path

from scanner.model import ComponentType
from tests.scanner.references.refs import components, hub, hub_ids, remote_code, scan, snippet

COMMIT = "01c7f73d771dfac7d292323805ebc428287df4f9"


def test_from_pretrained_with_commit_revision_and_remote_code_in_a_dict() -> None:
    records = scan("finetune-lora", "finetune/train.py")
    refs = hub(records)
    base = refs["meta-llama/Llama-2-7b-hf"]
    assert base.revision == COMMIT
    assert base.location.line == 16
    comp = components(records)[f"pkg:huggingface/meta-llama/Llama-2-7b-hf@{COMMIT}"]
    assert comp.type is ComponentType.MODEL
    assert comp.version == COMMIT
    assert comp.purl == f"pkg:huggingface/meta-llama/Llama-2-7b-hf@{COMMIT}"
    assert ("aibom:revision", COMMIT) in comp.properties
    # `**LOAD_OPTIONS` holds trust_remote_code=True; the tokenizer load does not
    (flag,) = remote_code(records)
    assert (flag.component, flag.location.line) == (comp.bom_ref, 16)


def test_pipeline_model_and_task(tmp_path: Path) -> None:
    code = (
        "from transformers import pipeline\n"
        "clf = pipeline('text-classification', model='org/clf', tokenizer='org/tok',\n"
        "               revision='v2', model_kwargs={'trust_remote_code': True})\n"
        "default = pipeline('summarization')\n"
        "local = pipeline('ner', model='./ner-model')\n"
    )
    records = snippet(tmp_path, code)
    refs = hub(records)
    assert set(refs) == {"org/clf", "org/tok"}
    assert refs["org/clf"].revision == "v2"
    comp = components(records)["hf:model/org/clf@v2"]
    assert ("aibom:task", "text-classification") in comp.properties
    assert {r.component for r in remote_code(records)} == {
        "hf:model/org/clf@v2",
        "hf:model/org/tok@v2",
    }


def test_any_transformers_class_counts_but_not_instances_or_lowercase(tmp_path: Path) -> None:
    code = (
        "import transformers\n"
        "from transformers.models.bert import BertForMaskedLM\n"
        "BertForMaskedLM.from_pretrained('google-bert/bert-base-uncased')\n"
        "transformers.AutoConfig.from_pretrained('org/config-only')\n"
        "transformers.utils.from_pretrained('org/not-a-class')\n"
        "transformers.AutoModel.from_pretrained(args.model)\n"
        "transformers.AutoModel.from_pretrained('my-finetuned-model')\n"
    )
    assert hub_ids(snippet(tmp_path, code)) == {"google-bert/bert-base-uncased", "org/config-only"}


def test_legacy_single_name_ids_are_named_by_their_namespaced_id(tmp_path: Path) -> None:
    code = "from transformers import AutoModel\nAutoModel.from_pretrained('bert-base-uncased')\n"
    records = snippet(tmp_path, code)
    comp = components(records)["hf:model/google-bert/bert-base-uncased"]
    assert comp.purl == "pkg:huggingface/google-bert/bert-base-uncased"
    assert ("aibom:hub:written-as", "bert-base-uncased") in comp.properties
    assert hub(records)["bert-base-uncased"].component == comp.bom_ref
