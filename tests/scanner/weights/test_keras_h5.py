from __future__ import annotations

import pytest

from scanner.errors import SourceError
from scanner.weights.keras_h5 import KerasH5
from tests.scanner.weights.helpers import inspect, meta

FMT = KerasH5()


def test_keras_archive() -> None:
    info = inspect(FMT, "keras/tiny.keras")
    assert info.format == "keras"
    assert info.architecture == "Sequential"
    assert meta(info)["keras_version"] == "3.6.0"
    assert info.notes == ("Lambda layer (serialised Python code)", "config refers to os.Evil")


def test_hdf5_is_identified_only() -> None:
    info = inspect(FMT, "keras/tiny.h5")
    assert info.format == "hdf5"
    assert info.notes == ("HDF5 file: Keras model_config not read (no HDF5 parser)",)


def test_truncated() -> None:
    with pytest.raises(SourceError, match="not a zip archive"):
        inspect(FMT, "keras/truncated.keras")
