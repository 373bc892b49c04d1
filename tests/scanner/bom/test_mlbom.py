"""The ML-BOM parts: model cards, componentData, base models as pedigree ancestors."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import PurePosixPath
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import cyclonedx as cdx
from scanner.bom import cyclonedx_document as doc_module
from scanner.bom.mlbom import without_ml_fields
from scanner.bom.validate import BomValidationError, validate_json
from scanner.config import ScanConfig
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Location,
    ProjectInfo,
    ScanResult,
)
from scanner.pipeline import scan
from tests.conftest import PROJECTS
from tests.scanner.bom.conftest import FIXED_TIME

JSON = BOM_WRITERS["cyclonedx-json"]
XML = BOM_WRITERS["cyclonedx-xml"]
LIBRARY_SCHEMA = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5}
AI_PROJECTS = (
    "local-models",
    "finetune-configs",
    "finetune-lora",
    "rag-service",
    "serving-app",
    "hf-cache-app",
)
ROOT = "project:."
TUNED = "model:models/tuned"
BASE = "pkg:huggingface/acme/base@" + "a" * 40
LOOSE_BASE = "hf:model/acme/other-base"
CORPUS = "hf:dataset/acme/corpus"
WEB = "url:https://example.com/data/faq.jsonl"
NOT_IN_BOM = "hf:dataset/acme/never-seen"


def ml_result() -> ScanResult:
    """A fine-tune of two base models, trained on a hub dataset, next to a URL dataset."""
    tuned = Component(
        bom_ref=TUNED,
        type=ComponentType.MODEL,
        name="tuned",
        properties=(
            ("aibom:card:pipeline_tag", "text-generation"),
            ("aibom:task", "summarization"),  # the card's pipeline_tag wins
            ("aibom:architecture", "LlamaForCausalLM"),
            ("aibom:model-type", "llama"),
            ("aibom:card:base_model_relation", "finetune"),
        ),
        locations=(Location(file=PurePosixPath("models/tuned/README.md"), line=1),),
    )
    base = Component(
        bom_ref=BASE,
        type=ComponentType.MODEL,
        name="acme/base",
        version="a" * 40,
        purl=BASE,
    )
    loose = Component(
        bom_ref=LOOSE_BASE,
        type=ComponentType.MODEL,
        name="acme/other-base",
        purl="pkg:huggingface/acme/other-base",
    )
    corpus = Component(
        bom_ref=CORPUS,
        type=ComponentType.DATA,
        name="acme/corpus",
        purl="pkg:huggingface/datasets/acme/corpus",
        properties=(("aibom:card:pretty_name", "Acme Corpus"),),
    )
    web = Component(
        bom_ref=WEB,
        type=ComponentType.DATA,
        name="faq.jsonl",
        external_refs=(ExternalRef(type="distribution", url="https://example.com/data/faq.jsonl"),),
    )
    edges = (
        Edge(parent=ROOT, child=TUNED),
        Edge(parent=ROOT, child=WEB),
        Edge(parent=TUNED, child=BASE, kind="base-model"),
        Edge(parent=TUNED, child=LOOSE_BASE, kind="base-model"),
        Edge(parent=TUNED, child=CORPUS, kind="trained-on"),
        Edge(parent=TUNED, child=NOT_IN_BOM, kind="trained-on"),
        Edge(parent=TUNED, child=LOOSE_BASE, kind="trained-on"),  # not a dataset: no ref
    )
    return ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="ml"),
        components=(tuned, base, loose, corpus, web),
        edges=edges,
    )


def render(result: ScanResult, spec: str = "1.6") -> dict[str, Any]:
    out: dict[str, Any] = json.loads(JSON.render(result, BomOptions(spec_version=spec)))
    return out


def by_ref(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    stack = list(doc.get("components", []))
    while stack:
        comp = stack.pop()
        found[comp["bom-ref"]] = comp
        stack.extend(comp.get("components", []))
    return found


def all_refs(node: Any) -> list[str]:
    """Every bom-ref anywhere in the document (components, ancestors, nested)."""
    if isinstance(node, dict):
        own = [node["bom-ref"]] if isinstance(node.get("bom-ref"), str) else []
        return own + [r for v in node.values() for r in all_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in all_refs(v)]
    return []


def test_model_card_from_card_config_and_training_edges() -> None:
    tuned = by_ref(render(ml_result()))[TUNED]
    assert tuned["modelCard"] == {
        "modelParameters": {
            "task": "text-generation",
            "architectureFamily": "llama",
            "modelArchitecture": "LlamaForCausalLM",
            "datasets": [{"ref": CORPUS}],  # a dataset not in the BOM, a model: left out
        }
    }


def test_base_models_become_ancestors_with_unique_refs() -> None:
    doc = render(ml_result())
    tuned = by_ref(doc)[TUNED]
    assert tuned["pedigree"] == {
        "ancestors": [
            {
                "type": "machine-learning-model",
                "bom-ref": f"{TUNED}#ancestor:{BASE}",
                "name": "acme/base",
                "version": "a" * 40,
                "purl": BASE,
            },
            {
                "type": "machine-learning-model",
                "bom-ref": f"{TUNED}#ancestor:{LOOSE_BASE}",
                "name": "acme/other-base",  # not pinned: no version, no purl
            },
        ],
        "notes": "base_model_relation: finetune",
    }
    refs = all_refs(doc)
    assert len(refs) == len(set(refs))
    # the base models stay components of their own and in the graph
    assert {BASE, LOOSE_BASE, CORPUS} <= set(by_ref(doc))
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert graph[TUNED] == sorted([BASE, LOOSE_BASE, CORPUS])
    assert f"{TUNED}#ancestor:{BASE}" not in graph


def test_ancestor_ref_taken_by_a_component_gets_a_counter() -> None:
    result = ml_result()
    clash = Component(bom_ref=f"{TUNED}#ancestor:{BASE}", type=ComponentType.FILE, name="odd")
    result = dataclasses.replace(result, components=(*result.components, clash))
    doc = render(result)
    ancestors = by_ref(doc)[TUNED]["pedigree"]["ancestors"]
    assert ancestors[0]["bom-ref"] == f"{TUNED}#ancestor:{BASE}|2"
    refs = all_refs(doc)
    assert len(refs) == len(set(refs))


def test_data_components_carry_component_data() -> None:
    found = by_ref(render(ml_result()))
    assert found[CORPUS]["data"] == [
        {"type": "dataset", "name": "acme/corpus", "description": "Acme Corpus"}
    ]
    assert found[WEB]["data"] == [
        {
            "type": "dataset",
            "name": "faq.jsonl",
            "contents": {"url": "https://example.com/data/faq.jsonl"},
        }
    ]


def test_model_without_anything_known_has_no_model_card() -> None:
    result = ml_result()
    found = by_ref(render(result))
    assert "modelCard" not in found[BASE]
    assert "pedigree" not in found[BASE]


def test_spec_15_json_keeps_model_card_and_data() -> None:
    direct = by_ref(render(ml_result()))
    found = by_ref(render(ml_result(), "1.5"))
    for ref in (TUNED, CORPUS, WEB):
        for key in ("modelCard", "data", "pedigree"):
            assert found[ref].get(key) == direct[ref].get(key)


@pytest.mark.parametrize("spec", ["1.6", "1.5"])
def test_library_validators_accept_ml_outputs(spec: str) -> None:
    options = BomOptions(spec_version=spec)
    text = JSON.render(ml_result(), options)
    assert JsonStrictValidator(LIBRARY_SCHEMA[spec]).validate_str(text) is None
    xml = XML.render(ml_result(), options)
    assert XmlValidator(LIBRARY_SCHEMA[spec]).validate_str(xml) is None
    # XML cannot carry the model card (the library drops it) but keeps the pedigree
    assert "modelCard" not in xml
    assert "LlamaForCausalLM" in xml
    assert f"{TUNED}#ancestor:{BASE}" in xml


def test_library_writes_pedigree_back_unchanged() -> None:
    doc = doc_module.document(ml_result(), BomOptions(reproducible=True, timestamp=FIXED_TIME))
    assert cdx._via_library(doc, "1.6") == without_ml_fields(doc)


@pytest.mark.parametrize(
    "change",
    [
        lambda card: card["modelParameters"].update(approach={"type": "magic"}),
        lambda card: card["modelParameters"].update(datasets=[{"ref": CORPUS, "type": "x"}]),
        lambda card: card.update(colour="blue"),
    ],
)
def test_bad_model_card_is_rejected(change: Any) -> None:
    doc = doc_module.document(ml_result(), BomOptions(reproducible=True))
    validate_json(doc, "1.6")
    bad = copy.deepcopy(doc)
    tuned = next(c for c in bad["components"] if c["bom-ref"] == TUNED)
    change(tuned["modelCard"])
    with pytest.raises(BomValidationError):
        validate_json(bad, "1.6")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(bad)) is not None


def test_bad_component_data_is_rejected() -> None:
    doc = doc_module.document(ml_result(), BomOptions(reproducible=True))
    corpus = next(c for c in doc["components"] if c["bom-ref"] == CORPUS)
    corpus["data"][0]["type"] = "spreadsheet"
    with pytest.raises(BomValidationError):
        validate_json(doc, "1.6")


# -- the AI fixture projects, scanned for real --


def project_bom(project: str, spec: str = "1.6") -> tuple[str, dict[str, Any]]:
    result = scan(ScanConfig(root=PROJECTS / project))
    text = JSON.render(result, BomOptions(spec_version=spec, reproducible=True))
    document: dict[str, Any] = json.loads(text)
    return text, document


@pytest.mark.parametrize("spec", ["1.6", "1.5"])
@pytest.mark.parametrize("project", AI_PROJECTS)
def test_fixture_boms_validate_with_both_validators(project: str, spec: str) -> None:
    text, doc = project_bom(project, spec)
    validate_json(text, spec)
    assert JsonStrictValidator(LIBRARY_SCHEMA[spec]).validate_str(text) is None
    refs = all_refs(doc)
    assert len(refs) == len(set(refs)), project
    for comp in by_ref(doc).values():
        if comp["type"] == "data":
            assert comp["data"][0]["type"] == "dataset"
            assert comp["data"][0]["name"] == comp["name"]
        else:
            assert "data" not in comp
        if comp["type"] != "machine-learning-model":
            assert "modelCard" not in comp


def test_local_models_bom() -> None:
    _, doc = project_bom("local-models")
    found = by_ref(doc)
    finetune = found["model:models/my-finetune"]
    assert finetune["modelCard"] == {
        "modelParameters": {
            "task": "text-generation",
            "datasets": [
                {"ref": "hf:dataset/HuggingFaceH4/ultrachat_200k"},
                {"ref": "hf:dataset/acme-ai/support-tickets-2024"},
            ],
        }
    }
    base = "hf:model/meta-llama/Llama-3.1-8B-Instruct"
    assert finetune["pedigree"] == {
        "ancestors": [
            {
                "type": "machine-learning-model",
                "bom-ref": f"model:models/my-finetune#ancestor:{base}",
                "name": "meta-llama/Llama-3.1-8B-Instruct",
            }
        ],
        "notes": "base_model_relation: adapter",
    }
    merged = found["model:models/merged-classifier"]
    assert merged["modelCard"] == {"modelParameters": {"task": "text-classification"}}
    assert [a["name"] for a in merged["pedigree"]["ancestors"]] == [
        "FacebookAI/roberta-base",
        "distilbert/distilroberta-base",
    ]
    assert merged["pedigree"]["notes"] == "base_model_relation: merge"
    assert found["data:data/support-tickets"]["data"] == [
        {"type": "dataset", "name": "support-tickets", "description": "Support Tickets 2024"}
    ]
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert graph["model:models/my-finetune"] == [
        "hf:dataset/HuggingFaceH4/ultrachat_200k",
        "hf:dataset/acme-ai/support-tickets-2024",
        base,
    ]
    assert "model:models/my-finetune" in graph[ROOT]


def test_finetune_configs_bom() -> None:
    _, doc = project_bom("finetune-configs")
    found = by_ref(doc)
    adapter = found["model:adapters/support-lora"]
    assert adapter["pedigree"] == {
        "ancestors": [
            {
                "type": "machine-learning-model",
                "bom-ref": "model:adapters/support-lora#ancestor:hf:model/meta-llama/Llama-3.1-8B",
                "name": "meta-llama/Llama-3.1-8B",
            }
        ]
    }
    assert "modelCard" not in adapter  # its config names no task or architecture
    pinned = "pkg:huggingface/datasets/openai/gsm8k@e53f048856ff4f594e959d75785d2c2d37b678ee"
    assert found[pinned]["data"] == [{"type": "dataset", "name": "openai/gsm8k"}]
    assert found["hf:dataset/cais/mmlu"]["data"] == [{"type": "dataset", "name": "cais/mmlu"}]
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert graph["model:adapters/support-lora"] == ["hf:model/meta-llama/Llama-3.1-8B"]


def test_url_dataset_and_mlflow_task_from_real_projects() -> None:
    _, rag = project_bom("rag-service")
    web = by_ref(rag)["url:https://example.com/exports/faq-2024.jsonl"]
    assert web["data"][0]["contents"] == {"url": "https://example.com/exports/faq-2024.jsonl"}
    _, serving = project_bom("serving-app")
    summarizer = by_ref(serving)["model:models/summarizer"]
    assert summarizer["modelCard"] == {"modelParameters": {"task": "summarization"}}
    t5 = "pkg:huggingface/google-t5/t5-small@df1b051c49625cf57a3d0d8d3863ed4d13564fe4"
    assert summarizer["pedigree"]["ancestors"][0]["purl"] == t5


def test_odd_lineage_is_left_out_and_nested_models_keep_their_card() -> None:
    api = Component(bom_ref="api:openai/gpt-4o", type=ComponentType.SERVICE, name="gpt-4o")
    local = Component(bom_ref="model:local", type=ComponentType.MODEL, name="local", version="3")
    inner = Component(
        bom_ref="model:inner",
        type=ComponentType.MODEL,
        name="inner",
        properties=(("aibom:task", " "), ("aibom:mlflow:transformers:task", "translation")),
    )
    outer = Component(
        bom_ref="pkg:pypi/outer@1", type=ComponentType.LIBRARY, name="o", nested=(inner,)
    )
    edges = (
        Edge(parent="model:inner", child="model:inner", kind="base-model"),  # a loop
        Edge(parent="model:inner", child="api:openai/gpt-4o", kind="base-model"),  # a service
        Edge(parent="model:inner", child="model:local", kind="base-model"),
    )
    result = ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="odd"),
        components=(api, local, outer),
        edges=edges,
    )
    for spec in ("1.6", "1.5"):
        found = by_ref(render(result, spec))
        assert found["model:inner"]["modelCard"] == {"modelParameters": {"task": "translation"}}
        ancestors = found["model:inner"]["pedigree"]["ancestors"]
        # pinned but without a purl: the version alone
        assert [(a["name"], a.get("version"), a.get("purl")) for a in ancestors] == [
            ("local", "3", None)
        ]
