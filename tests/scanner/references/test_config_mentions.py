"""`config_files.mentions` (four substring scans) answers what the `MENTIONS` regex does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.references.config_files import DATA_KEYS, KEY_CORES, MENTIONS, MODEL_KEYS, mentions
from tests.conftest import FIXTURES

PIECES = st.sampled_from(
    [*sorted(MODEL_KEYS | DATA_KEYS), "mode", "datase", "tokenizer", "hf_hub", "MODEL", ": ", "\n"]
)
DOCUMENTS = st.lists(PIECES | st.text(max_size=4), max_size=8).map("".join).map(str.encode)


def test_every_key_holds_a_core_and_every_core_is_a_key() -> None:
    keys = MODEL_KEYS | DATA_KEYS
    assert all(any(core.decode() in key for core in KEY_CORES) for key in keys)
    assert all(core.decode() in keys for core in KEY_CORES)


@settings(max_examples=1000)
@given(DOCUMENTS | st.binary(max_size=40))
def test_same_as_the_regex(data: bytes) -> None:
    assert mentions(data) is (MENTIONS.search(data) is not None)


def test_same_as_the_regex_on_every_fixture_config() -> None:
    for path in FIXTURES.rglob("*"):
        if path.suffix in (".yaml", ".yml", ".json", ".toml") and path.is_file():
            data = path.read_bytes()
            assert mentions(data) is (MENTIONS.search(data) is not None), path
