"""diffusers: pipelines, single files and LoRA weights."""

from __future__ import annotations

from pathlib import Path

from tests.scanner.references.refs import components, edges, hub, hub_ids, scan, snippet


def test_pipeline_and_lora_with_lineage_in_a_notebook() -> None:
    records = scan("notebook-project", "explore.ipynb")
    comp = components(records)["hf:model/stabilityai/stable-diffusion-xl-base-1.0"]
    assert ("aibom:variant", "fp16") in comp.properties
    lineage = edges(records, "base-model")
    assert lineage == {
        ("hf:model/nerijs/pixel-art-xl", "hf:model/stabilityai/stable-diffusion-xl-base-1.0")
    }


def test_from_single_file_hub_url(tmp_path: Path) -> None:
    code = (
        "from diffusers import StableDiffusionPipeline as SD\n"
        "SD.from_single_file('https://huggingface.co/org/sd/blob/main/v1.safetensors')\n"
        "SD.from_single_file('./local.safetensors')\n"
        "SD.from_pretrained('org/sd2', custom_pipeline='lpw_stable_diffusion')\n"
    )
    records = snippet(tmp_path, code)
    refs = hub(records)
    assert set(refs) == {"org/sd", "org/sd2"}
    assert refs["org/sd"].revision == "main"
    comp = components(records)["hf:model/org/sd@main"]
    assert ("aibom:file", "v1.safetensors") in comp.properties


def test_lora_on_an_unknown_pipeline_has_no_lineage(tmp_path: Path) -> None:
    code = "def f(pipe):\n    pipe.load_lora_weights('org/lora')\n"
    assert hub_ids(snippet(tmp_path, "import diffusers\n" + code)) == set()
