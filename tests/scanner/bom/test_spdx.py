"""The SPDX 3.0.1 AI-BOM: every fixture renders and passes our checks and the library's,
AI content lands in AIPackage / DatasetPackage with its relationships, output is stable."""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.bom import BOM_WRITERS, BomOptions, spdx_elements
from scanner.bom import spdx as spdx_module
from scanner.bom.spdx_checks import library_problems, problems
from scanner.bom.spdx_document import document
from scanner.bom.validate import BomValidationError
from scanner.cli import cli
from scanner.config import ScanConfig
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    ProjectInfo,
    ScanResult,
)
from scanner.pipeline import scan
from tests.conftest import PROJECTS
from tests.scanner.bom.conftest import (
    BERT,
    FIXED_SERIAL,
    FIXED_TIME,
    NUMPY,
    REQUESTS,
    ROOT,
    SAFETENSORS,
    SERDE,
    SQUAD,
    TOKENIZERS,
    URLLIB3,
)

WRITER = BOM_WRITERS["spdx-json"]
PROJECT_NAMES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())
REPRODUCIBLE = BomOptions(reproducible=True)
TINY_BERT = "pkg:huggingface/acme/tiny-bert@3f1c2a9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
TINY_SET = "pkg:huggingface/datasets/acme/tiny-set@9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807"
TUNED = "model:models/tuned"
BASE = "pkg:huggingface/acme/base@" + "a" * 40
CORPUS = "hf:dataset/acme/corpus"
WEB = "url:https://example.com/data/faq.jsonl"
CHAT = "service:openai/gpt-4o-mini"


def render(result: ScanResult, options: BomOptions = REPRODUCIBLE) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(WRITER.render(result, options))
    return out


class Doc:
    """A rendered document read back: nodes by local id (the namespace stripped)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        spdx_document = next(n for n in doc["@graph"] if n["type"] == "SpdxDocument")
        self.namespace = spdx_document["spdxId"].removesuffix("document")
        self.nodes: dict[str, dict[str, Any]] = {
            n["spdxId"].removeprefix(self.namespace): n for n in doc["@graph"] if "spdxId" in n
        }

    def package(self, bom_ref: str) -> dict[str, Any]:
        return self.nodes[f"package/{bom_ref}".replace("#", "%23")]

    def local(self, ident: str) -> str:
        return ident.removeprefix(self.namespace)

    def related(self, bom_ref: str, kind: str) -> list[str]:
        """The local ids `bom_ref`'s element has relationships of type `kind` to."""
        rel = self.nodes.get(f"relationship/{kind}/{bom_ref}")
        return [self.local(t) for t in rel["to"]] if rel else []


def fixture_result(name: str) -> ScanResult:
    return scan(ScanConfig(root=PROJECTS / name))


def ml_result() -> ScanResult:
    """A fine-tune of a pinned base model, trained on a hub dataset; a URL dataset; an API."""
    tuned = Component(
        bom_ref=TUNED,
        type=ComponentType.MODEL,
        name="tuned",
        license="LicenseRef-acme-model",
        properties=(
            ("aibom:card:pipeline_tag", "text-generation"),
            ("aibom:architecture", "LlamaForCausalLM"),
            ("aibom:model-type", "llama"),
            ("aibom:card:base_model_relation", "finetune"),
        ),
    )
    base = Component(
        bom_ref=BASE, type=ComponentType.MODEL, name="acme/base", version="a" * 40, purl=BASE
    )
    corpus = Component(
        bom_ref=CORPUS,
        type=ComponentType.DATA,
        name="acme/corpus",
        purl="pkg:huggingface/datasets/acme/corpus",
        properties=(
            ("aibom:card:pretty_name", "Acme Corpus"),
            ("aibom:card:task_category", "image-classification"),
            ("aibom:card:task_category", "text-generation"),
        ),
    )
    web = Component(
        bom_ref=WEB,
        type=ComponentType.DATA,
        name="faq.jsonl",
        external_refs=(ExternalRef(type="distribution", url="https://example.com/data/faq.jsonl"),),
    )
    chat = Component(
        bom_ref=CHAT,
        type=ComponentType.SERVICE,
        name="gpt-4o-mini",
        properties=(("aibom:provider", "openai"),),
    )
    edges = (
        Edge(parent=ROOT, child=TUNED),
        Edge(parent=ROOT, child=WEB),
        Edge(parent=ROOT, child=CHAT),
        Edge(parent=TUNED, child=BASE, kind="base-model"),
        Edge(parent=TUNED, child=CORPUS, kind="trained-on"),
        Edge(parent=TUNED, child="hf:dataset/acme/never-seen", kind="trained-on"),
    )
    return ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="ml"),
        components=(tuned, base, corpus, web, chat),
        edges=edges,
    )


# -- every fixture -------------------------------------------------------------------------


@pytest.mark.parametrize("project", PROJECT_NAMES)
def test_every_fixture_renders_passes_our_checks_and_is_stable(project: str) -> None:
    first = WRITER.render(fixture_result(project), REPRODUCIBLE)
    doc = json.loads(first)
    assert problems(doc) == []
    assert doc["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    # a second scan and render of the same tree gives the same bytes
    assert WRITER.render(fixture_result(project), REPRODUCIBLE) == first


@pytest.mark.parametrize("project", PROJECT_NAMES)
def test_every_fixture_reads_links_and_serialises_with_spdx_python_model(project: str) -> None:
    spdx = pytest.importorskip("spdx_python_model.bindings.v3_0_1")
    doc = json.loads(WRITER.render(fixture_result(project), REPRODUCIBLE))
    assert library_problems(doc) == []
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().deserialize_data(doc, objects)
    assert objects.link() == set()
    packages = list(objects.foreach_type(spdx.software_Package))
    assert len(packages) >= 1  # the project at least
    for ai in objects.foreach_type(spdx.ai_AIPackage):
        assert ai.software_primaryPurpose == spdx.software_SoftwarePurpose.model
        assert ai.suppliedBy is not None
    for data in objects.foreach_type(spdx.dataset_DatasetPackage):
        assert len(data.dataset_datasetType) >= 1


def test_hf_cache_app_model_and_dataset() -> None:
    found = Doc(render(fixture_result("hf-cache-app")))
    model = found.package(TINY_BERT)
    assert model["type"] == "ai_AIPackage"
    assert model["name"] == "acme/tiny-bert"
    assert model["software_packageUrl"] == TINY_BERT
    assert model["software_packageVersion"] == "3f1c2a9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
    assert model["software_downloadLocation"] == (
        "https://huggingface.co/acme/tiny-bert/tree/3f1c2a9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
    )
    assert model["externalIdentifier"] == [
        {
            "type": "ExternalIdentifier",
            "externalIdentifierType": "packageUrl",
            "identifier": TINY_BERT,
        }
    ]
    supplier = found.nodes[found.local(model["suppliedBy"])]
    assert (supplier["type"], supplier["name"]) == ("Agent", "acme")
    assert model["ai_domain"] == ["fill-mask"]
    assert model["ai_typeOfModel"] == ["BertForMaskedLM", "bert"]
    licenses = found.related(TINY_BERT, "hasDeclaredLicense")
    assert [found.nodes[x]["simplelicensing_licenseExpression"] for x in licenses] == ["Apache-2.0"]
    assert found.related(TINY_BERT, "trainedOn") == [f"package/{TINY_SET}"]
    assert found.related(TINY_BERT, "descendantOf") == [
        "package/hf:model/google-bert/bert-base-uncased"
    ]
    weights = found.package(f"{TINY_BERT}#model.safetensors")
    assert weights["type"] == "software_File"
    assert f"package/{TINY_BERT}%23model.safetensors" in found.related(TINY_BERT, "contains")
    assert weights["verifiedUsing"] == [
        {
            "type": "Hash",
            "algorithm": "sha256",
            "hashValue": "bb5d60ba86df818e3be3ed8aeb415bcc3e2deba3e2051d2578fe04b47a7dbfd8",
        }
    ]
    data = found.package(TINY_SET)
    assert data["type"] == "dataset_DatasetPackage"
    assert data["software_primaryPurpose"] == "data"
    assert data["dataset_datasetType"] == ["text"]  # task category text-classification
    assert found.nodes[found.local(data["originatedBy"][0])]["name"] == "acme"
    assert f"package/{TINY_BERT}" in found.related(ROOT, "dependsOn")


# -- document structure --------------------------------------------------------------------


def test_document_root_creation_info_and_profiles(scan_result: ScanResult) -> None:
    found = Doc(render(scan_result))
    graph = found.doc["@graph"]
    assert graph[0] == {
        "type": "CreationInfo",
        "@id": "_:creationinfo",
        "created": "1970-01-01T00:00:00Z",  # reproducible without a timestamp: the epoch
        "createdBy": [found.namespace + "agent/aibom"],
        "createdUsing": [found.namespace + "tool/aibom"],
        "specVersion": "3.0.1",
    }
    spdx_doc = found.nodes["document"]
    assert spdx_doc["rootElement"] == [found.namespace + "sbom"]
    assert found.nodes["sbom"]["rootElement"] == [found.namespace + f"package/{ROOT}"]
    assert spdx_doc["profileConformance"] == [
        "core",
        "software",
        "simpleLicensing",
        "ai",
        "dataset",
    ]
    members = {found.local(x) for x in spdx_doc["element"]}
    assert members == set(found.nodes) - {"document"}
    project = found.package(ROOT)
    assert (project["name"], project["software_primaryPurpose"]) == ("demo", "application")
    assert project["software_packageVersion"] == "1.2.0"


def test_timestamp_and_serial_number_are_honoured(scan_result: ScanResult) -> None:
    options = BomOptions(timestamp=FIXED_TIME, serial_number=FIXED_SERIAL)
    doc = render(scan_result, options)
    assert doc["@graph"][0]["created"] == "2024-06-01T12:30:45Z"
    ids = [n["spdxId"] for n in doc["@graph"][1:]]
    assert all(i.startswith(f"https://spdx.org/spdxdocs/aibom-{FIXED_SERIAL}/") for i in ids)


def test_namespace_follows_content_when_reproducible_and_is_random_otherwise(
    scan_result: ScanResult,
) -> None:
    one, two = Doc(render(scan_result)), Doc(render(scan_result))
    assert one.namespace == two.namespace
    other = dataclasses.replace(scan_result, edges=scan_result.edges[:-2])
    assert Doc(render(other)).namespace != one.namespace
    fresh = [Doc(render(scan_result, BomOptions())).namespace for _ in range(2)]
    assert fresh[0] != fresh[1]
    space = fresh[0].removeprefix("https://spdx.org/spdxdocs/aibom-").rstrip("/")
    assert UUID(space).version == 4


def test_dependencies_nesting_and_dangling_edges(scan_result: ScanResult) -> None:
    found = Doc(render(scan_result))
    assert f"package/{REQUESTS}" in found.related(ROOT, "dependsOn")
    assert found.related(REQUESTS, "dependsOn") == [f"package/{URLLIB3}"]  # not-in-the-graph
    assert found.related(ROOT, "contains") == ["package/project:services/api"]
    # serde is vendored by two wheels: one element, contained by both
    assert [k for k in found.nodes if k.startswith("package/pkg:cargo/serde")] == [
        f"package/{SERDE}"
    ]
    assert found.related(TOKENIZERS, "contains") == [f"package/{SERDE}"]
    assert found.related(SAFETENSORS, "contains") == [f"package/{SERDE}"]


def test_licenses_hashes_and_links(scan_result: ScanResult) -> None:
    found = Doc(render(scan_result))
    expressions = {
        n["simplelicensing_licenseExpression"]
        for n in found.nodes.values()
        if n["type"] == "simplelicensing_LicenseExpression"
    }
    assert {"Apache-2.0", "MIT", "MIT OR Apache-2.0", "CC-BY-SA-4.0"} <= expressions
    # one element per expression, shared by every package that declares it
    assert found.related(REQUESTS, "hasDeclaredLicense") == ["license/Apache-2.0"]
    assert found.related(TOKENIZERS, "hasDeclaredLicense") == ["license/Apache-2.0"]
    # no SPDX expression: the raw statement kept as a LicenseRef with its text
    (numpy_license,) = found.related(NUMPY, "hasDeclaredLicense")
    ref = found.nodes[numpy_license]
    (entry,) = ref["simplelicensing_customIdToUri"]
    assert entry["key"] == ref["simplelicensing_licenseExpression"]
    assert entry["key"].startswith("LicenseRef-aibom-")
    text = found.nodes[found.local(entry["value"])]
    assert text["type"] == "simplelicensing_SimpleLicensingText"
    assert text["simplelicensing_licenseText"].startswith("Copyright (c) 2005-2024, NumPy")
    requests = found.package(REQUESTS)
    assert requests["verifiedUsing"] == [
        {"type": "Hash", "algorithm": "sha256", "hashValue": "f" * 64}
    ]  # "not-a-digest" is left out
    assert requests["software_downloadLocation"] == (
        "https://files.pythonhosted.org/requests-2.32.3.tar.gz"
    )
    assert requests["software_homePage"] == "https://example.com/a%20path%7Cwith%7Bbad%7Dchars"
    kinds = {(r["externalRefType"], r["locator"][0]) for r in requests["externalRef"]}
    assert ("vcs", "git+https://github.com/psf/requests@v2.32.3") in kinds
    assert ("altWebPage", "https://requests.readthedocs.io") in kinds
    assert found.package(BERT)["type"] == "ai_AIPackage"
    assert found.package(SQUAD)["type"] == "dataset_DatasetPackage"


# -- the AI and Dataset profiles -----------------------------------------------------------


def test_fine_tune_training_data_and_model_facts() -> None:
    found = Doc(render(ml_result()))
    tuned = found.package(TUNED)
    assert found.related(TUNED, "descendantOf") == [f"package/{BASE}"]
    assert found.related(TUNED, "trainedOn") == [f"package/{CORPUS}"]  # never-seen left out
    assert tuned["ai_domain"] == ["text-generation"]
    assert tuned["ai_typeOfModel"] == ["LlamaForCausalLM", "llama"]
    assert tuned["ai_informationAboutTraining"] == "base_model_relation: finetune"
    # a local model: what the profile requires and the scan cannot know is NOASSERTION
    assert tuned["software_packageVersion"] == "NOASSERTION"
    assert tuned["software_downloadLocation"] == "NOASSERTION"
    assert found.nodes[found.local(tuned["suppliedBy"])]["name"] == "NOASSERTION"
    assert "releaseTime" not in tuned
    (license_id,) = found.related(TUNED, "hasDeclaredLicense")
    assert found.nodes[license_id]["simplelicensing_licenseExpression"] == "LicenseRef-acme-model"


def test_datasets_and_hosted_models() -> None:
    found = Doc(render(ml_result()))
    corpus = found.package(CORPUS)
    assert corpus["dataset_datasetType"] == ["image", "text"]
    assert corpus["summary"] == "Acme Corpus"
    assert corpus["software_downloadLocation"] == "https://huggingface.co/datasets/acme/corpus"
    web = found.package(WEB)
    assert web["dataset_datasetType"] == ["noAssertion"]
    assert web["software_downloadLocation"] == "https://example.com/data/faq.jsonl"
    assert [found.nodes[found.local(a)]["name"] for a in web["originatedBy"]] == ["NOASSERTION"]
    chat = found.package(CHAT)
    assert (chat["type"], chat["software_primaryPurpose"]) == ("ai_AIPackage", "model")
    assert found.nodes[found.local(chat["suppliedBy"])]["name"] == "openai"
    assert f"package/{CHAT}" in found.related(ROOT, "dependsOn")


def test_empty_project_still_makes_a_sound_document(empty_result: ScanResult) -> None:
    doc = render(empty_result)
    assert problems(doc) == []
    found = Doc(doc)
    assert found.nodes["document"]["profileConformance"] == ["core", "software", "simpleLicensing"]
    assert found.package(ROOT)["name"] == "empty"


# -- the checks catch what they promise ----------------------------------------------------


def of_type(doc: dict[str, Any], kind: str, nth: int = 0) -> dict[str, Any]:
    node: dict[str, Any] = [n for n in doc["@graph"] if n["type"] == kind][nth]
    return node


def relation(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in doc["@graph"] if n.get("relationshipType") == kind)
    return found


BREAKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "context": lambda d: d.update({"@context": "https://spdx.org/rdf/3.0.0/spdx-context.jsonld"}),
    "graph": lambda d: d.update({"@graph": {}}),
    "two-infos": lambda d: d["@graph"].append(dict(d["@graph"][0])),
    "spec": lambda d: d["@graph"][0].update(specVersion="3.0.0"),
    "created": lambda d: d["@graph"][0].update(created="2024-06-01T12:30:45+00:00"),
    "no-creator": lambda d: d["@graph"][0].update(createdBy=[]),
    "creator": lambda d: d["@graph"][0].update(createdBy=d["@graph"][0]["createdUsing"]),
    "tool": lambda d: d["@graph"][0].update(createdUsing=d["@graph"][0]["createdBy"]),
    "creation": lambda d: of_type(d, "ai_AIPackage").pop("creationInfo"),
    "type": lambda d: of_type(d, "Agent").pop("type"),
    "iri": lambda d: of_type(d, "Agent").update(spdxId="_:agent"),
    "twice": lambda d: d["@graph"].append(copy.deepcopy(of_type(d, "ai_AIPackage"))),
    "root": lambda d: of_type(d, "SpdxDocument").pop("rootElement"),
    "dangling": lambda d: relation(d, "trainedOn")["to"].append("https://example.com/x"),
    "custom": lambda d: of_type(d, "simplelicensing_LicenseExpression").update(
        simplelicensing_customIdToUri=[{"key": "LicenseRef-x", "value": "urn:x"}]
    ),
    "supplier": lambda d: of_type(d, "ai_AIPackage").pop("suppliedBy"),
    "purpose": lambda d: of_type(d, "dataset_DatasetPackage").update(
        software_primaryPurpose="library"
    ),
    "originator": lambda d: of_type(d, "dataset_DatasetPackage").update(originatedBy=[]),
    "datatype": lambda d: of_type(d, "dataset_DatasetPackage").update(dataset_datasetType=[]),
    "expression": lambda d: of_type(d, "simplelicensing_LicenseExpression").update(
        simplelicensing_licenseExpression=""
    ),
    "hash": lambda d: of_type(d, "ai_AIPackage").update(
        verifiedUsing=[{"type": "Hash", "algorithm": "crc32", "hashValue": "00"}]
    ),
    "identifier": lambda d: of_type(d, "ai_AIPackage", 1)["externalIdentifier"][0].pop(
        "identifier"
    ),
    "relationship": lambda d: relation(d, "trainedOn").update(relationshipType="likes"),
    "from": lambda d: relation(d, "trainedOn").pop("from"),
    "to": lambda d: relation(d, "trainedOn").update(to=[]),
    "license": lambda d: relation(d, "hasDeclaredLicense").update(
        to=relation(d, "trainedOn")["to"]
    ),
}


def broken(change: str) -> dict[str, Any]:
    doc = document(ml_result(), REPRODUCIBLE)
    BREAKS[change](doc)
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("context", "@context is not the SPDX 3.0.1 context"),
        ("graph", "@graph is not a list"),
        ("two-infos", "one CreationInfo and element objects only"),
        ("spec", "specVersion is not 3.0.1"),
        ("created", "created is not a UTC date-time"),
        ("no-creator", "CreationInfo: no createdBy"),
        ("creator", "createdBy names something that is not an Agent"),
        ("tool", "is not a Tool of the document"),
        ("creation", "creationInfo is not the document's CreationInfo"),
        ("type", ": no type"),
        ("iri", "'_:agent': spdxId is not an IRI"),
        ("twice", "spdxId used twice"),
        ("root", "one SpdxDocument, with a rootElement"),
        ("dangling", "names https://example.com/x, which is not in the document"),
        ("custom", "names no element of the document"),
        ("supplier", "ai_AIPackage needs exactly one suppliedBy"),
        ("purpose", "needs software_primaryPurpose data"),
        ("originator", "needs exactly one originatedBy"),
        ("datatype", "dataset_DatasetPackage needs known dataset types"),
        ("expression", "a LicenseExpression needs its expression"),
        ("hash", "bad Hash"),
        ("identifier", "bad ExternalIdentifier"),
        ("relationship", "unknown relationshipType 'likes'"),
        ("from", "a Relationship needs one from"),
        ("to", "a Relationship needs a to"),
        ("license", "hasDeclaredLicense points at something that is not a license"),
    ],
)
def test_our_checks_catch(change: str, message: str) -> None:
    assert problems(document(ml_result(), REPRODUCIBLE)) == []
    found = problems(broken(change))
    assert any(message in p for p in found), found


def test_library_checks_catch_what_it_models() -> None:
    pytest.importorskip("spdx_python_model")
    doc = document(ml_result(), REPRODUCIBLE)
    assert library_problems(doc) == []
    relation = next(n for n in doc["@graph"] if n["type"] == "Relationship")
    relation["to"] = []  # a Relationship needs at least one `to`
    assert library_problems(doc) == [
        "spdx-python-model: Property 'to' in Relationship is required (currently [])"
    ]
    relation["relationshipType"] = "isFriendOf"
    assert any("cannot read" in p for p in library_problems(doc) or [])


def test_writer_refuses_a_document_that_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spdx_module, "document", lambda result, options: broken("supplier"))
    with pytest.raises(BomValidationError, match="suppliedBy"):
        WRITER.render(ml_result(), REPRODUCIBLE)


def test_created_without_reproducible_is_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    created = render(ml_result(), BomOptions())["@graph"][0]["created"]
    when = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= when <= datetime.now(UTC)


def test_sbom_command_writes_spdx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "hf-cache-app")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    args = ["sbom", "--format", "spdx-json", "."]
    run = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert problems(doc) == []
    assert doc["@graph"][0]["created"] == "2023-11-14T22:13:20Z"
    assert Doc(doc).package(TINY_BERT)["type"] == "ai_AIPackage"
    # SOURCE_DATE_EPOCH makes it reproducible: the same bytes again
    assert CliRunner().invoke(cli, args, catch_exceptions=False).stdout == run.stdout


def test_torch_hub_model_names_its_github_owner() -> None:
    found = Doc(render(fixture_result("finetune-lora")))
    yolo = found.package("github:ultralytics/yolov5@v7.0")
    assert yolo["type"] == "ai_AIPackage"
    assert yolo["software_downloadLocation"] == "https://github.com/ultralytics/yolov5/tree/v7.0"
    supplier = found.nodes[found.local(yolo["suppliedBy"])]
    assert (supplier["name"], supplier["comment"]) == (
        "ultralytics",
        "https://github.com/ultralytics",
    )


def test_links_without_an_spdx_type_are_other_with_their_kind() -> None:
    comp = Component(
        bom_ref="pkg:pypi/x@1",
        type=ComponentType.LIBRARY,
        name="x",
        version="1",
        purl="pkg:pypi/x@1",
        external_refs=(
            ExternalRef(type="model-card", url="https://example.com/card"),
            ExternalRef(type="issue-tracker", url="https://example.com/issues", comment="bugs"),
            ExternalRef(type="website", url="not a url at all"),
        ),
    )
    result = ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="p"),
        components=(comp,),
        edges=(Edge(parent=ROOT, child="pkg:pypi/x@1"),),
    )
    package = Doc(render(result)).package("pkg:pypi/x@1")
    assert package["externalRef"] == [
        {
            "type": "ExternalRef",
            "externalRefType": "issueTracker",
            "locator": ["https://example.com/issues"],
            "comment": "bugs",
        },
        {
            "type": "ExternalRef",
            "externalRefType": "other",
            "locator": ["https://example.com/card"],
            "comment": "model-card",
        },
    ]
    assert "software_homePage" not in package
    assert "software_downloadLocation" not in package  # not required of a library


def test_library_checks_are_none_without_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spdx_python_model", None)
    assert library_problems(document(ml_result(), REPRODUCIBLE)) is None
    assert problems(json.loads(WRITER.render(ml_result(), REPRODUCIBLE))) == []


def test_odd_identities_fall_back_to_no_assertion() -> None:
    other_hub = "pkg:huggingface/acme/m?repository_url=https://hub.example.com"
    models = (
        Component(bom_ref="a", type=ComponentType.MODEL, name="a", purl="pkg:huggingface"),
        Component(bom_ref="b", type=ComponentType.MODEL, name="b", purl=other_hub),
        Component(bom_ref="c", type=ComponentType.SERVICE, name="c"),
        Component(
            bom_ref="d", type=ComponentType.DATA, name="d", purl="pkg:huggingface/datasets/d"
        ),
    )
    result = ScanResult(
        project=ProjectInfo(root=".", bom_ref=ROOT, name="p"), components=models, edges=()
    )
    found = Doc(render(result))
    for ref in "abcd":
        assert found.local(found.package(ref)["suppliedBy"]) == "agent/NOASSERTION", ref
    for ref in "abc":
        assert found.package(ref)["software_downloadLocation"] == "NOASSERTION", ref
    # a dataset without an owner (the hub's legacy canonical ones): its page, no supplier
    assert found.package("d")["software_downloadLocation"] == "https://huggingface.co/datasets/d"
    assert "software_packageUrl" not in found.package("a")  # does not parse
    assert found.package("b")["software_packageUrl"] == other_hub


@settings(max_examples=1000)
@given(st.text(st.sampled_from("aZ09:/@!$&()*+,;=-._~ %#?[]|é\u3000\n\"'"), max_size=25))
def test_local_id_shortcut_agrees_with_quote(key: str) -> None:
    """Keys with nothing to escape skip `quote`: the result is the same."""
    from urllib.parse import quote

    expected = f"kind/{quote(key, safe=spdx_elements.ID_SAFE_CHARS)}"
    assert spdx_elements.local_id("kind", key) == expected
