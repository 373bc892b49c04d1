"""The claim index asks fewer collectors and gets exactly the answers of asking all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.claims import ClaimIndex, declared_keys
from scanner.references import READERS
from scanner.sources import SOURCES
from scanner.walk import EntryKind, WalkEntry, claim_key, walk
from scanner.weights import WEIGHT_READERS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COLLECTORS = (*SOURCES, *READERS, *WEIGHT_READERS)
TRICKY_NAMES = [
    "Pipfile",
    "Pipfile.lock",
    "PIPFILE",
    "uv.lock",
    "dvc.lock",
    "Modelfile",
    "Modelfile.llama3",
    "llama.modelfile",
    "MLmodel",
    "mlmodel",
    ".json",
    ".safetensors",
    "model.SafeTensors",
    "saved_model.pb",
    "environment-dev.YML",
    "requirements.in",
    "constraints.txt",
    "pylock.dev.toml",
    "README.MD",
    "model.sig",
    "setup.py",
    "setup.cfg",
    "no_extension",
    "trailing.",
    "a.b.c.ipynb",
]


def brute_force(entry: WalkEntry) -> list[str]:
    """What asking every collector gives."""
    return [c.name for c in COLLECTORS if c.claims(entry)]


def fixture_entries() -> list[WalkEntry]:
    """Every walk entry of every fixture project and file directory."""
    entries: list[WalkEntry] = []
    for root in (FIXTURES / "projects", FIXTURES / "files"):
        entries.extend(walk(root).entries)
    return entries


def test_index_answers_like_asking_every_collector_on_every_fixture() -> None:
    index = ClaimIndex(COLLECTORS)
    entries = fixture_entries()
    assert len(entries) > 500
    mismatches = [
        e.rel_text for e in entries if [c.name for c in index.claimants(e)] != brute_force(e)
    ]
    assert mismatches == []


@pytest.mark.parametrize("name", TRICKY_NAMES)
@pytest.mark.parametrize("parent", ["", "requirements/", ".github/", "deep/models/x/"])
def test_index_answers_like_asking_every_collector_on_tricky_names(name: str, parent: str) -> None:
    entry = WalkEntry(rel=parent + name, path="/nowhere/" + parent + name, size=10)
    assert [c.name for c in ClaimIndex(COLLECTORS).claimants(entry)] == brute_force(entry)


@given(
    st.text(alphabet="abcdefgilmnoprstuvyAEFLMPRST._-", min_size=1, max_size=24),
    st.integers(min_value=0, max_value=5_000_000),
)
def test_index_answers_like_asking_every_collector_on_random_names(name: str, size: int) -> None:
    entry = WalkEntry(rel=name, path="/nowhere/" + name, size=size)
    assert [c.name for c in ClaimIndex(COLLECTORS).claimants(entry)] == brute_force(entry)


def test_directory_entries_are_offered_to_every_collector() -> None:
    entry = WalkEntry(rel="venv", path="/nowhere/venv", kind=EntryKind.ENVIRONMENT)
    assert ClaimIndex(COLLECTORS).candidates(entry) == COLLECTORS


def test_most_collectors_declare_keys_and_directory_readers_declare_none() -> None:
    keys = {c.name: declared_keys(c) for c in COLLECTORS}
    assert keys["environment"] == frozenset()
    assert keys["uv.lock"] == frozenset({"lock"})
    undeclared = sorted(name for name, k in keys.items() if k is None)
    assert undeclared == ["ollama-modelfile"]  # `Modelfile.<anything>`: no key covers it


def test_claim_key() -> None:
    assert claim_key("model.SafeTensors") == "safetensors"
    assert claim_key("Pipfile") == "pipfile"
    assert claim_key("trailing.") == ""
