from __future__ import annotations

import pytest

from scanner.errors import LimitExceeded, SourceError
from scanner.weights.gguf import Gguf
from tests.scanner.weights.helpers import inspect, meta

FMT = Gguf()


def test_provenance_keys() -> None:
    info = inspect(FMT, "gguf/tiny.gguf")
    assert info.format == "gguf"
    assert info.architecture == "llama"
    assert info.license == "apache-2.0"
    assert info.names == ("Tiny Llama Fixture", "tiny-llama")
    assert info.base_models == ("https://huggingface.co/fixtures/tiny-base",)
    assert info.quantization == "Q4_K_M"
    assert info.tensors == 2
    assert info.parameters == 8 * 4 + 256
    assert info.dtypes == ("F32", "Q4_K")
    assert meta(info)["version"] == "3"
    assert meta(info)["general.base_model.0.organization"] == "Fixtures"
    assert "tokenizer.ggml.tokens" not in meta(info)
    assert info.problems == ()


def test_billion_kv_pairs_is_a_limit() -> None:
    with pytest.raises(LimitExceeded, match="KV pair count 1,000,000,000") as exc:
        inspect(FMT, "gguf/hostile-kv-1e9.gguf")
    assert exc.value.path.name == "hostile-kv-1e9.gguf"


def test_2p40_tensors_keeps_metadata_and_reports_a_problem() -> None:
    info = inspect(FMT, "gguf/hostile-tensors-2p40.gguf")
    assert info.architecture == "llama"
    assert info.parameters is None
    assert info.problems == (
        "GGUF tensor count 1,099,511,627,776 is over the 1,000,000 limit; tensor infos not read",
    )


def test_huge_string_length_is_not_allocated() -> None:
    with pytest.raises(SourceError, match="runs past the end of the file"):
        inspect(FMT, "gguf/hostile-string-length.gguf")


def test_truncated() -> None:
    with pytest.raises(SourceError, match="truncated"):
        inspect(FMT, "gguf/truncated.gguf")
