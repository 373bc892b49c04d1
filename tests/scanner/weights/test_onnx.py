from __future__ import annotations

import pytest

from scanner.errors import SourceError
from scanner.weights.onnx import Onnx
from tests.scanner.weights.helpers import inspect, meta

FMT = Onnx()


def test_model_fields() -> None:
    info = inspect(FMT, "onnx/tiny.onnx")
    assert info.format == "onnx"
    assert meta(info)["ir_version"] == "8"
    assert meta(info)["producer_name"] == "aibom-fixtures"
    assert meta(info)["producer_version"] == "1.0"
    assert ("opset", "ai.onnx:17") in info.metadata
    assert ("author", "aibom") in info.metadata
    assert info.license == "MIT"
    assert info.tensors == 3
    assert info.parameters == 3 * 4 + 2 * 5 + 1
    assert info.dtypes == ("FLOAT", "FLOAT16")


def test_external_data_locations() -> None:
    info = inspect(FMT, "onnx/tiny.onnx")
    assert info.external_data == ("big.weights.bin", "../../etc/passwd")
    assert info.notes == ("external data location '../../etc/passwd' leaves the model directory",)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("truncated.onnx", "truncated"), ("junk.onnx", "not a protobuf message")],
)
def test_bad_files(name: str, reason: str) -> None:
    with pytest.raises(SourceError, match=reason):
        inspect(FMT, f"onnx/{name}")
