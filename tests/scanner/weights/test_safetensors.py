from __future__ import annotations

import pytest

from scanner.errors import LimitExceeded, SourceError
from scanner.weights.safetensors import Safetensors
from tests.scanner.weights.helpers import inspect, meta

FMT = Safetensors()


def test_header_fields() -> None:
    info = inspect(FMT, "safetensors/tiny.safetensors")
    assert info.format == "safetensors"
    assert info.tensors == 2
    assert info.dtypes == ("F16", "F32")
    assert info.parameters == 2 * 3 + 4
    assert meta(info) == {"architecture": "TinyNet", "format": "pt", "license": "mit"}
    assert info.license == "mit"
    assert info.architecture == "TinyNet"
    assert info.problems == ()


def test_length_2p60_is_refused_without_allocating() -> None:
    with pytest.raises(LimitExceeded, match="header length 1,152,921,504,606,846,976"):
        inspect(FMT, "safetensors/hostile-length-2p60.safetensors")


@pytest.mark.parametrize(
    "name",
    ["length-beyond-file.safetensors", "truncated-header.safetensors"],
)
def test_length_beyond_the_file(name: str) -> None:
    with pytest.raises(SourceError, match="beyond the file size") as exc:
        inspect(FMT, f"safetensors/{name}")
    assert exc.value.path.name == name


def test_truncated_data_is_reported_with_the_header() -> None:
    info = inspect(FMT, "safetensors/truncated-data.safetensors")
    assert info.tensors == 2
    assert info.problems == ("truncated: tensor data ends at byte 32 of a 22-byte data section",)


def test_not_json() -> None:
    with pytest.raises(SourceError, match="not valid JSON"):
        inspect(FMT, "safetensors/not-json.safetensors")


def test_magic() -> None:
    assert FMT.magic(b"\x10\x00\x00\x00\x00\x00\x00\x00{")
    assert FMT.magic(b"\x10\x00\x00\x00\x00\x00\x00\x00  {")
    assert not FMT.magic(b"GGUF\x03\x00\x00\x00\x00")
    assert not FMT.magic(b"\x00" * 8 + b"{")
