"""Pickle-based loads as UnsafeLoadCall observations."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PROJECTS
from tests.scanner.references.refs import line, scan, snippet, unsafe


def test_fixture_loads() -> None:
    path = PROJECTS / "finetune-lora" / "finetune" / "extras.py"
    found = {(u.call, u.location.line) for u in unsafe(scan("finetune-lora", "finetune/extras.py"))}
    # `torch.load(path, weights_only=True)` is safe and not reported
    assert found == {
        ("torch.load", line(path, "weights_only=False")),
        ("joblib.load", line(path, "joblib.load(")),
    }
    ingest = {(u.call, u.detail) for u in unsafe(scan("rag-service", "rag_service/ingest.py"))}
    assert ingest == {
        ("pickle.load", "pickle.load deserialises with pickle"),
        ("numpy.load", "numpy.load with allow_pickle"),
    }


def test_torch_load_details(tmp_path: Path) -> None:
    code = (
        "import torch, dill, pandas as pd\n"
        "from pickle import loads\n"
        "torch.load('a.pt')\n"
        "torch.load('b.pt', weights_only=flag)\n"
        "torch.load('c.pt', weights_only=True)\n"
        "loads(b'')\n"
        "dill.load(f)\n"
        "pd.read_pickle('x.pkl')\n"
    )
    found = {(u.call, u.location.line): u.detail for u in unsafe(snippet(tmp_path, code))}
    assert set(found) == {
        ("torch.load", 3),
        ("torch.load", 4),
        ("pickle.loads", 6),
        ("dill.load", 7),
        ("pandas.read_pickle", 8),
    }
    assert "without weights_only" in found[("torch.load", 3)]
    assert "computed" in found[("torch.load", 4)]
