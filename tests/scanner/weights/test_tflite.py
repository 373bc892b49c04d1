from __future__ import annotations

import pytest

from scanner.errors import SourceError
from scanner.weights.tflite import Tflite
from tests.scanner.weights.helpers import inspect

FMT = Tflite()


def test_model_table() -> None:
    info = inspect(FMT, "tflite/tiny.tflite")
    assert info.format == "tflite"
    assert info.metadata == (
        ("schema_version", "3"),
        ("subgraphs", "1"),
        ("description", "aibom fixture"),
    )


def test_truncated() -> None:
    with pytest.raises(SourceError, match="truncated"):
        inspect(FMT, "tflite/truncated.tflite")
