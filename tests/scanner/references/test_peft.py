"""peft adapters and their base models."""

from __future__ import annotations

from pathlib import Path

from tests.scanner.references.refs import components, edges, hub, scan, snippet

BASE = "pkg:huggingface/meta-llama/Llama-2-7b-hf@01c7f73d771dfac7d292323805ebc428287df4f9"


def test_adapter_with_base_model_lineage() -> None:
    records = scan("finetune-lora", "finetune/train.py")
    adapter = hub(records)["tloen/alpaca-lora-7b"]
    assert (adapter.revision, adapter.location.line) == ("main", 23)
    assert ("aibom:adapter", "peft") in components(records)[
        "hf:model/tloen/alpaca-lora-7b@main"
    ].properties
    assert edges(records, "base-model") == {("hf:model/tloen/alpaca-lora-7b@main", BASE)}


def test_auto_peft_and_load_adapter(tmp_path: Path) -> None:
    code = (
        "from peft import AutoPeftModelForCausalLM\n"
        "from transformers import AutoModelForCausalLM\n"
        "AutoPeftModelForCausalLM.from_pretrained('org/adapter-a')\n"
        "model = AutoModelForCausalLM.from_pretrained('org/base')\n"
        "model.load_adapter('org/adapter-b')\n"
        "def f(unknown):\n"
        "    from peft import PeftModel\n"
        "    return PeftModel.from_pretrained(unknown, 'org/adapter-c')\n"
    )
    records = snippet(tmp_path, code)
    assert set(hub(records)) == {"org/adapter-a", "org/base", "org/adapter-b", "org/adapter-c"}
    assert edges(records, "base-model") == {("hf:model/org/adapter-b", "hf:model/org/base")}
