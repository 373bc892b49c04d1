"""vLLM, llama-cpp-python, timm / open_clip and spaCy."""

from __future__ import annotations

from pathlib import Path

from tests.scanner.references.refs import components, hub, hub_ids, remote_code, scan, snippet


def test_vllm_model_from_env_default_with_remote_code() -> None:
    records = scan("rag-service", "rag_service/generate.py")
    ref = hub(records)["mistralai/Mistral-7B-Instruct-v0.3"]
    assert ref.location.line == 21
    assert [r.component for r in remote_code(records)] == [ref.component]


def test_vllm_tokenizer_and_engine_args(tmp_path: Path) -> None:
    code = (
        "from vllm import LLM, AsyncEngineArgs\n"
        "LLM('org/model', tokenizer='org/tok', tokenizer_revision='t1')\n"
        "AsyncEngineArgs(model='org/engine', revision='r1')\n"
    )
    refs = hub(snippet(tmp_path, code))
    assert {k: v.revision for k, v in refs.items()} == {
        "org/model": None,
        "org/tok": "t1",
        "org/engine": "r1",
    }


def test_llama_cpp_timm_spacy() -> None:
    records = scan("finetune-lora", "finetune/extras.py")
    comps = components(records)
    gguf = comps["hf:model/TheBloke/Llama-2-7B-GGUF"]
    assert ("aibom:file", "*Q4_K_M.gguf") in gguf.properties
    assert "hf:model/timm/vit_base_patch16_224.augreg2_in21k_ft_in1k" in comps
    spacy = comps["spacy:en_core_web_sm"]
    assert spacy.purl == "pkg:pypi/en-core-web-sm"
    # plain timm architecture names are not hub ids
    assert not [c for c in comps if "resnet50" in c]


def test_open_clip_hf_hub_with_revision_and_non_hub_names(tmp_path: Path) -> None:
    code = (
        "import open_clip, spacy\n"
        "open_clip.create_model_and_transforms('hf-hub:laion/CLIP-ViT-B-32@r1')\n"
        "open_clip.create_model_and_transforms('ViT-B-32', pretrained='laion2b_s34b_b79k')\n"
        "spacy.load('./my_pipeline')\n"
        "spacy.blank('en')\n"
    )
    records = snippet(tmp_path, code)
    assert {k: v.revision for k, v in hub(records).items()} == {"laion/CLIP-ViT-B-32": "r1"}
    assert hub_ids(records) == {"laion/CLIP-ViT-B-32"}
    assert not [c for c in components(records) if c.startswith("spacy:")]
