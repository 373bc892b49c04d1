"""Every prefix and many single-byte corruptions of every valid fixture give a result or a
SourceError: never another exception."""

from __future__ import annotations

import random
from pathlib import Path, PurePosixPath

import pytest

from scanner.errors import SourceError
from scanner.weights import WEIGHT_READERS
from scanner.weights.reader import WeightFileReader
from tests.scanner.weights.helpers import FIXTURES

VALID = [
    "safetensors/tiny.safetensors",
    "gguf/tiny.gguf",
    "onnx/tiny.onnx",
    "pickle/benign.pkl",
    "pickle/model.joblib",
    "pickle/gzip.joblib",
    "pickle/zlib.joblib",
    "pytorch/tiny.pt",
    "pytorch/legacy.pt",
    "numpy/tiny.npy",
    "numpy/object.npy",
    "numpy/tiny.npz",
    "keras/tiny.keras",
    "tflite/tiny.tflite",
    "savedmodel/tiny/saved_model.pb",
]


def reader() -> WeightFileReader:
    found = WEIGHT_READERS[0]
    assert isinstance(found, WeightFileReader)
    return found


def variants(data: bytes) -> list[bytes]:
    rng = random.Random(len(data))  # noqa: S311 - reproducible corruption, not secrets
    cuts = [data[:n] for n in range(len(data))]
    flips = []
    for _ in range(200):
        at = rng.randrange(len(data))
        flips.append(data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :])
    return cuts + flips


@pytest.mark.parametrize("name", VALID)
def test_damaged_copies_never_crash(name: str, tmp_path: Path) -> None:
    source = FIXTURES / name
    target = tmp_path / source.name
    rel = PurePosixPath(source.name)
    for data in variants(source.read_bytes()):
        target.write_bytes(data)
        paths = []
        try:
            reader().file_component(rel, target)
        except SourceError as exc:
            paths.append(exc.path)
        assert paths in ([], [rel])
