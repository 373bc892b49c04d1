from __future__ import annotations

import pytest

from scanner.errors import SourceError
from scanner.weights.savedmodel import SavedModel
from tests.scanner.weights.helpers import inspect

FMT = SavedModel()


def test_meta_graph() -> None:
    info = inspect(FMT, "savedmodel/tiny/saved_model.pb")
    assert info.format == "tf-savedmodel"
    assert info.metadata == (
        ("schema_version", "1"),
        ("tag", "serve"),
        ("tensorflow_version", "2.15.0"),
        ("meta_graphs", "1"),
    )


def test_truncated() -> None:
    with pytest.raises(SourceError, match="truncated"):
        inspect(FMT, "savedmodel/truncated/saved_model.pb")
