"""The compiled-validator cache: written once, read back only when its digest and owner check
out; a tampered, corrupted or foreign cache file is never executed but compiled anew."""

from __future__ import annotations

import builtins
import importlib.util
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import CodeType

import pytest

from scanner.bom import validator_cache as c
from scanner.bom.schema_formats import FORMATS

MINIMAL = {"bomFormat": "CycloneDX", "specVersion": "1.5"}
MARKER = "AIBOM_TAMPERED_CACHE_RAN"
EVIL = f"import builtins\nbuiltins.{MARKER} = True\nAIBOM_ENTRY = None\n"


@pytest.fixture(autouse=True)
def no_marker() -> Iterator[None]:
    """A test that fails by running planted code does not fail the tests after it too."""
    yield
    if hasattr(builtins, MARKER):
        delattr(builtins, MARKER)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache root; the path the 1.5 validator is cached at."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return c.cache_file("1.5")


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each compilation (so a test can tell a cache hit from a miss)."""
    calls: list[str] = []
    real = c.compile_validator

    def counting(spec_version: str) -> CodeType:
        calls.append(spec_version)
        return real(spec_version)

    monkeypatch.setattr(c, "compile_validator", counting)
    return calls


def check_fresh(path: Path, compiled: list[str]) -> None:
    """The validator was compiled anew, works, never ran the planted code, and was re-cached."""
    assert not hasattr(builtins, MARKER)
    function = c.validator_entry("1.5")
    function(MINIMAL, custom_formats=FORMATS)
    assert not hasattr(builtins, MARKER)
    assert compiled == ["1.5"]
    assert c.read_cached(path) is not None  # rewritten: the next run is a cache hit


def plant(path: Path, data: bytes, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)


def test_compiled_once_then_read_from_the_cache(cache: Path, compiled: list[str]) -> None:
    function = c.validator_entry("1.5")
    function(MINIMAL, custom_formats=FORMATS)
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]  # no temporary left
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    again = c.validator_entry("1.5")
    again(MINIMAL, custom_formats=FORMATS)
    assert compiled == ["1.5"]
    assert (
        again.__code__.co_filename == function.__code__.co_filename == ("<CycloneDX 1.5 validator>")
    )


def test_the_cached_code_is_what_we_compiled(cache: Path) -> None:
    c.validator_entry("1.5")
    cached = c.read_cached(cache)
    assert cached is not None
    assert cache.read_bytes() == c.encode(cached)
    assert c.decode(c.encode(c.compile_validator("1.5"))) is not None


def test_tampered_code_with_the_old_digest_is_not_executed(
    cache: Path, compiled: list[str]
) -> None:
    c.write_cached(cache, c.compile_validator("1.5"))
    compiled.clear()
    header = cache.read_bytes().partition(b"\n")[0]
    plant(cache, header + b"\n" + c.encode(compile(EVIL, "evil", "exec")).partition(b"\n")[2])
    check_fresh(cache, compiled)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped
        lambda data: b"",  # empty
        lambda data: data.replace(b"sha256=", b"sha512=", 1),  # not our header
        lambda data: data.partition(b"\n")[2],  # no header at all
    ],
    ids=["truncated", "bit-flip", "empty", "other-header", "headerless"],
)
def test_a_corrupted_cache_file_is_compiled_anew(
    cache: Path, compiled: list[str], damage: Callable[[bytes], bytes]
) -> None:
    plant(cache, damage(c.encode(c.compile_validator("1.5"))))
    compiled.clear()
    check_fresh(cache, compiled)


def test_a_file_others_may_write_is_not_executed(cache: Path, compiled: list[str]) -> None:
    """With a digest that matches, but group-writable: someone else may have written it."""
    plant(cache, c.encode(compile(EVIL, "evil", "exec")), mode=0o620)
    check_fresh(cache, compiled)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


def test_a_symlink_in_place_of_the_file_is_not_followed(
    cache: Path, compiled: list[str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.code"
    plant(elsewhere, c.encode(compile(EVIL, "evil", "exec")))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.symlink_to(elsewhere)
    check_fresh(cache, compiled)
    assert not cache.is_symlink()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners")
@pytest.mark.parametrize(
    ("mode", "uid_offset", "expected"),
    [
        (stat.S_IFREG | 0o600, 0, True),
        (stat.S_IFREG | 0o644, 0, True),
        (stat.S_IFREG | 0o600, 1, False),  # another user's file
        (stat.S_IFREG | 0o602, 0, False),
        (stat.S_IFREG | 0o620, 0, False),
        (stat.S_IFDIR | 0o700, 0, False),
    ],
)
def test_private_to_us(mode: int, uid_offset: int, expected: bool) -> None:
    status = os.stat_result((mode, 1, 1, 1, os.geteuid() + uid_offset, 0, 10, 0, 0, 0))
    assert c.private_to_us(status) is expected


def test_an_oversized_file_is_not_read(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c.write_cached(cache, c.compile_validator("1.5"))
    assert c.read_cached(cache) is not None
    monkeypatch.setattr(c, "MAX_CACHE_BYTES", 1000)
    assert c.read_cached(cache) is None


def test_unwritable_cache_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiled: list[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.raises(NotADirectoryError):
        c.write_cached(c.cache_file("1.5"), c.compile_validator("1.5"))
    compiled.clear()
    c.validator_entry("1.5")(MINIMAL, custom_formats=FORMATS)
    c.validator_entry("1.5")(MINIMAL, custom_formats=FORMATS)
    assert compiled == ["1.5", "1.5"]
    assert blocker.read_text() == "not a directory"


def test_cache_key_follows_the_schema_files_and_the_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert c.cache_key("1.6") != c.cache_key("1.5")
    assert c.cache_key("1.6") == c.cache_key("1.6")
    before = c.cache_key("1.6")
    monkeypatch.setattr(importlib.util, "MAGIC_NUMBER", b"\x00\x00\r\n")
    assert c.cache_key("1.6") != before


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"XDG_CACHE_HOME": "/x"}, Path("/x/aibom")), ({}, Path.home() / ".cache" / "aibom")],
)
def test_cache_root(env: dict[str, str], expected: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", "linux")
    assert c.cache_root() == expected


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("darwin", {}, Path.home() / "Library" / "Caches" / "aibom"),
        (
            "win32",
            {"LOCALAPPDATA": "C:/Users/x/AppData/Local"},
            Path("C:/Users/x/AppData/Local/aibom/Cache"),
        ),
    ],
)
def test_cache_root_elsewhere(
    platform: str, env: dict[str, str], expected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert c.cache_root() == expected
