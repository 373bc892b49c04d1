from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner import context
from scanner.config import Limits
from scanner.context import ScanContext
from scanner.errors import LimitExceeded, SourceError
from scanner.model import HubReference, Record, RemoteCodeEnabled
from scanner.references.config_files import ConfigFileReader
from scanner.walk import WalkEntry
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, edge_list, problems, walk_entry

READER = ConfigFileReader()
FILES = FIXTURES / "files" / "config-files"
ROOT = fixture_project("finetune-configs")
LLAMA_COMMIT = "d04e592bb4f6aa9cfee91e2e20afa771667e1d4b"


def run(rel: str) -> list[Record]:
    return collect(READER, ROOT, rel)


def refs(records: list[Record]) -> list[tuple[str, str, str | None, int | None, str]]:
    return [
        (r.repo_id, r.repo_type, r.revision, r.location.line, r.via)
        for r in records
        if isinstance(r, HubReference)
    ]


def test_claims():
    for name in ("configs/train.yaml", "serve.toml", "a/b/dpo.json", "x.YML"):
        assert READER.claims(walk_entry(name))
    for name in (
        "pyproject.toml", "poetry.lock", "uv.lock", "package.json", "tsconfig.base.json",
        ".pre-commit-config.yaml", "environment.yml", "environment-gpu.yaml", "pylock.toml",
        ".github/workflows/ci.yml", "pnpm-lock.yaml", "dvc.yaml", "model/tokenizer.json",
        "train.py", "README.md", "data.jsonl",
    ):  # fmt: skip
        assert not READER.claims(walk_entry(name)), name


def test_claims_any_size():
    entry = walk_entry("big.json")
    assert READER.claims(type(entry)(rel=entry.rel, path=entry.path, size=2_000_000))


def collect_limited(root: Path, rel: str, limits: Limits) -> list[Record]:
    path = root / rel
    entry = WalkEntry(rel=PurePosixPath(rel), path=path, size=path.stat().st_size)
    assert READER.claims(entry)
    ctx = ScanContext(root=root, files=frozenset({entry.rel}), limits=limits)
    return list(READER.collect(entry, ctx))


def test_a_config_over_the_size_limit_that_names_a_model_is_a_problem(tmp_path):
    padding = " " * 2_000_000
    (tmp_path / "big.json").write_text('{"model_name_or_path": "org/model"' + padding + "}")
    records = collect(READER, tmp_path, "big.json")
    assert [(p.location.file, p.message) for p in problems(records)] == [
        (
            PurePosixPath("big.json"),
            "larger than 1,000,000 bytes (limit max-config-bytes); not read for model references",
        )
    ]
    assert refs(records) == []
    loose = collect_limited(tmp_path, "big.json", Limits(max_config_bytes=3_000_000))
    assert [r[0] for r in refs(loose)] == ["org/model"]
    assert problems(loose) == []


def test_a_big_data_file_naming_no_key_is_not_a_problem(tmp_path):
    (tmp_path / "data.json").write_text("[" + "1, " * 1_000_000 + "1]")
    assert collect(READER, tmp_path, "data.json") == []


def test_a_file_over_the_text_limit_is_a_limit_problem(tmp_path):
    (tmp_path / "big.yaml").write_text("model: org/model\n" + "# x\n" * 100)
    with pytest.raises(LimitExceeded, match="larger than the 100-byte limit"):
        collect_limited(tmp_path, "big.yaml", Limits(max_text_bytes=100))


def test_deep_json_keeps_what_was_found_and_reports_the_rest(tmp_path):
    deep = '{"a": ' * 40 + '{"model": "org/deep"}' + "}" * 40
    text = f'{{"model_name_or_path": "org/shallow", "x": {deep}, "dataset": "org/after"}}'
    (tmp_path / "deep.json").write_text(text)
    records = collect(READER, tmp_path, "deep.json")
    assert [r[0] for r in refs(records)] == ["org/shallow", "org/after"]
    assert [p.message for p in problems(records)] == [
        "nested deeper than 32 levels (limit max-nesting); the deeper values were not searched "
        "for model references"
    ]
    loose = collect_limited(tmp_path, "deep.json", Limits(max_nesting=64))
    assert [r[0] for r in refs(loose)] == ["org/shallow", "org/deep", "org/after"]
    assert problems(loose) == []


def test_a_search_over_the_time_budget_keeps_what_was_found(tmp_path, monkeypatch):
    items = ", ".join(f'{{"i": {i}}}' for i in range(2_000))
    text = f'{{"model_name_or_path": "org/first", "rows": [{items}], "dataset": "org/late"}}'
    (tmp_path / "slow.json").write_text(text)
    ticks = iter(range(10**6))
    monkeypatch.setattr(context, "clock", lambda: float(next(ticks)))
    records = collect_limited(tmp_path, "slow.json", Limits(max_file_seconds=1))
    assert [r[0] for r in refs(records)] == ["org/first"]
    assert [p.message for p in problems(records)] == [
        "not read within 1 s (limit max-file-seconds); not searched further for model references"
    ]


def test_yaml_nodes_over_the_entry_limit_are_a_problem(tmp_path):
    (tmp_path / "many.yaml").write_text("model: org/x\nitems:\n" + "  - a\n" * 50)
    with pytest.raises(LimitExceeded, match="more than 20 YAML nodes"):
        collect_limited(tmp_path, "many.yaml", Limits(max_entries_per_file=20))
    assert refs(collect(READER, tmp_path, "many.yaml"))


def test_axolotl_yaml():
    records = run("configs/axolotl-lora.yml")
    assert refs(records) == [
        ("meta-llama/Llama-3.1-8B", "model", LLAMA_COMMIT, 2, "config:base_model"),
        ("mhenrichsen/alpaca_2k_test", "dataset", None, 13, "config:datasets"),
        ("HuggingFaceH4/ultrachat_200k", "dataset", "8049631c405ae6576f93f445c6b8166f76f5505a",
         18, "config:datasets"),
    ]  # fmt: skip
    comps = components(records)
    llama = comps[f"pkg:huggingface/meta-llama/Llama-3.1-8B@{LLAMA_COMMIT}"]
    assert (llama.type, llama.version, llama.origin) == ("machine-learning-model", LLAMA_COMMIT,
                                                         "config-files")  # fmt: skip
    assert comps["hf:dataset/mhenrichsen/alpaca_2k_test"].type == "data"
    # the commented-out base model, the local jsonl and hub_model_id (an output) are not refs
    assert not any("fake-org" in ref or "support-llama" in ref for ref in comps)
    assert {(e.parent, e.kind) for e in edge_list(records)} == {("project:.", "depends-on")}
    assert not [r for r in records if isinstance(r, RemoteCodeEnabled)]


def test_llama_factory_remote_code():
    records = run("configs/llama_factory_sft.yaml")
    assert refs(records) == [
        ("Qwen/Qwen2.5-7B-Instruct", "model", None, 2, "config:model_name_or_path")
    ]  # `dataset: identity,alpaca_en_demo` names LLaMA-Factory's local dataset registry
    remote = [r for r in records if isinstance(r, RemoteCodeEnabled)]
    assert len(remote) == 1
    assert remote[0].component == "hf:model/Qwen/Qwen2.5-7B-Instruct"
    assert remote[0].location.line == 3


def test_json_args_with_sibling_revisions():
    records = run("configs/dpo.json")
    assert refs(records) == [
        ("mistralai/Mistral-7B-Instruct-v0.3", "model", "main", 2, "config:model_name_or_path"),
        ("mistralai/Mistral-7B-Instruct-v0.3", "model", "main", 4, "config:ref_model"),
        ("trl-lib/ultrafeedback_binarized", "dataset", "refs/convert/parquet", 5,
         "config:dataset_name"),
    ]  # fmt: skip
    assert "hf:dataset/trl-lib/ultrafeedback_binarized@refs/convert/parquet" in components(records)


def test_toml_serving_config():
    records = run("serve.toml")
    assert refs(records) == [
        (
            "BAAI/bge-small-en-v1.5",
            "model",
            "5c38ec7c405ec4b44b94cc5a9bb96e735b38267a",
            7,
            "config:model_id",
        ),
        ("cross-encoder/ms-marco-MiniLM-L-6-v2", "model", None, 11, "config:model_name"),
        ("rajpurkar/squad_v2", "dataset", None, 18, "config:datasets"),
    ]  # fmt: skip
    # gpt-4o-mini under a provider table and `local/holdout` are not references


def test_url_forms_and_local_paths():
    records = run("configs/eval.yaml")
    gsm8k = "e53f048856ff4f594e959d75785d2c2d37b678ee"
    assert refs(records) == [
        ("openai/gsm8k", "dataset", gsm8k, 5, "config:datasets"),
        ("cais/mmlu", "dataset", None, 6, "config:datasets"),
    ]  # my-checkpoints/merged is a directory of the scanned tree, not a hub repo
    comp = components(records)[f"pkg:huggingface/datasets/openai/gsm8k@{gsm8k}"]
    assert ("aibom:hub:written-as", f"hf://datasets/openai/gsm8k@{gsm8k}") in comp.properties


@pytest.mark.parametrize(
    "rel",
    ["configs/litellm.yaml", "configs/ds_zero3.json", "configs/accelerate.yaml",
     "my-checkpoints/merged/config.json"],
)  # fmt: skip
def test_no_references(rel):
    assert run(rel) == []


def test_peft_adapter_config_is_lineage():
    records = run("adapters/support-lora/adapter_config.json")
    assert refs(records) == [
        ("meta-llama/Llama-3.1-8B", "model", None, 4, "config:base_model_name_or_path")
    ]
    edges = {(e.parent, e.child, e.kind) for e in edge_list(records)}
    assert edges == {
        ("project:.", "model:adapters/support-lora", "depends-on"),
        ("model:adapters/support-lora", "hf:model/meta-llama/Llama-3.1-8B", "base-model"),
    }
    assert components(records)["model:adapters/support-lora"].name == "support-lora"


def test_multi_document_yaml():
    records = collect(READER, FILES, "multi.yaml")
    assert [(r[0], r[3]) for r in refs(records)] == [("org/first", 2), ("org/second", 4)]
    remote = [r for r in records if isinstance(r, RemoteCodeEnabled)]
    assert [(r.component, r.location.line) for r in remote] == [("hf:model/org/second", 5)]


def test_json_lines_for_repeated_values():
    records = collect(READER, FILES, "repeated.json")
    assert [(r[0], r[3]) for r in refs(records)] == [("org/a", 3), ("org/a", 4), ("org/b", 5)]
    remote = [r for r in records if isinstance(r, RemoteCodeEnabled)]
    assert [(r.component, r.location.line) for r in remote] == [("hf:model/org/b", 5)]


def test_unrelated_broken_yaml_is_not_parsed():
    assert collect(READER, FILES, "helm-template.yaml") == []


@pytest.mark.parametrize(
    ("rel", "error", "reason"),
    [
        ("bad.yaml", SourceError, "invalid YAML"),
        ("aliases.yaml", SourceError, "aliases"),
        ("deep.yaml", LimitExceeded, "nested deeper"),
        ("truncated.json", SourceError, "invalid JSON"),
        ("bad.toml", SourceError, "invalid TOML"),
        ("binary.json", SourceError, "binary"),
    ],
)
def test_bad_files_raise_source_errors(rel, error, reason):
    with pytest.raises(error) as caught:
        collect(READER, FILES, rel)
    assert reason in caught.value.reason
    assert caught.value.path == PurePosixPath(rel)


def test_llama_factory_dataset_info(tmp_path):
    (tmp_path / "dataset_info.json").write_text(
        '{\n  "alpaca_en": {\n    "hf_hub_url": "llamafactory/alpaca_en",\n'
        '    "ms_hub_url": "llamafactory/alpaca_en"\n  },\n'
        '  "identity": {\n    "file_name": "identity.json"\n  }\n}\n'
    )
    records = collect(READER, tmp_path, "dataset_info.json")
    assert refs(records) == [("llamafactory/alpaca_en", "dataset", None, 3, "config:hf_hub_url")]


def test_hosted_model_keys(tmp_path):
    (tmp_path / "app.yaml").write_text(
        "llm:\n  provider: openai\n  model: openai/whisper-large-v3\n"
        "fallback:\n  model: bedrock/anthropic.claude-3\n"
        "asr:\n  model: openai/whisper-large-v3\n"
    )
    records = collect(READER, tmp_path, "app.yaml")
    assert refs(records) == [("openai/whisper-large-v3", "model", None, 7, "config:model")]


def remote_code_of(tmp_path, name: str, text: str) -> list[tuple[str | None, int | None, str]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    records = collect(READER, tmp_path, name)
    return [
        (r.component, r.location.line, r.detail)
        for r in records
        if isinstance(r, RemoteCodeEnabled)
    ]


def test_remote_code_spellings_and_kwargs_tables(tmp_path):
    fixture = collect(READER, fixture_project("unsafe-code-app"), "configs/serve.yaml")
    assert [
        (r.component, r.location.line) for r in fixture if isinstance(r, RemoteCodeEnabled)
    ] == [("pkg:huggingface/acme/served@4f3e2d1c0b9a89786756453423120f0e1d2c3b4a", 4)]
    sft = collect(READER, fixture_project("unsafe-code-app"), "configs/sft.yaml")
    assert [(r.location.line, r.detail) for r in sft if isinstance(r, RemoteCodeEnabled)] == [
        (6, "model_init_kwargs.trust_remote_code: true for model_name_or_path")
    ]
    json_text = (
        '{\n  "model_id": "org/m",\n  "model_kwargs": {\n    "trust_remote_code": true\n  }\n}\n'
    )
    assert remote_code_of(tmp_path, "serve.json", json_text) == [
        ("hf:model/org/m", 4, "model_kwargs.trust_remote_code: true for model_id")
    ]
    toml_text = 'model = "org/t"\n\n[model_args]\ntrust_remote_code = true\n'
    assert [r[:2] for r in remote_code_of(tmp_path, "serve.toml", toml_text)] == [
        ("hf:model/org/t", 4)
    ]


def test_remote_code_off_or_elsewhere_is_not_reported(tmp_path):
    off = "model: org/a\ntrust_remote_code: false\nmodel_kwargs:\n  trust_remote_code: no\n"
    assert remote_code_of(tmp_path, "off.yaml", off) == []
    # a dataset's sibling key is the model's switch in flat TRL configs: not the dataset's
    data = "dataset_name: org/d\ntrust_remote_code: true\n"
    assert remote_code_of(tmp_path, "data.yaml", data) == []
    # a table that is not `*_kwargs` / `*_args` does not enable it for the model
    other = "model: org/b\nserver:\n  trust_remote_code: true\n"
    assert remote_code_of(tmp_path, "other.yaml", other) == []
