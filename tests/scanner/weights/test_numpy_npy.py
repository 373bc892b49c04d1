from __future__ import annotations

import pytest

from scanner.errors import LimitExceeded, SourceError
from scanner.weights.numpy_npy import NumpyNpy
from tests.scanner.weights.helpers import inspect

FMT = NumpyNpy()


def test_npy_header() -> None:
    info = inspect(FMT, "numpy/tiny.npy")
    assert (info.format, info.tensors, info.dtypes, info.parameters) == ("numpy", 1, ("<f4",), 6)
    assert info.metadata == (("shape", "2x3"),)


def test_object_array_lists_pickle_imports() -> None:
    info = inspect(FMT, "numpy/object.npy")
    assert info.pickle_imports == ("builtins.eval",)
    assert info.notes == ("object dtype: the data is a pickle",)


def test_npz_members() -> None:
    info = inspect(FMT, "numpy/tiny.npz")
    assert info.tensors == 2
    assert info.dtypes == ("<f4", "<i8")
    assert info.parameters == 6 + 5


def test_truncated() -> None:
    with pytest.raises(SourceError, match="truncated"):
        inspect(FMT, "numpy/truncated.npy")


def test_huge_header_length() -> None:
    with pytest.raises(LimitExceeded, match="header length 1,073,741,824"):
        inspect(FMT, "numpy/hostile-header.npy")
