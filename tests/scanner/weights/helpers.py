"""Run one weight format over a fixture file, the way the reader would."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scanner.weights.base import WeightFormat, WeightInfo, WeightLimits

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "files" / "weights"


def fixture(name: str) -> Path:
    """Path of `fixtures/files/weights/<name>`."""
    return FIXTURES / name


def inspect(fmt: WeightFormat, name: str, limits: WeightLimits | None = None) -> WeightInfo:
    """`fmt.inspect` on a fixture; asserts the format recognises its first bytes."""
    path = fixture(name)
    head = path.read_bytes()[:64]
    assert fmt.magic(head) or fmt.by_suffix, f"{fmt.name} does not recognise {name}"
    return fmt.inspect(path, PurePosixPath(name), limits or WeightLimits())


def meta(info: WeightInfo) -> dict[str, str]:
    """The metadata pairs as a dict (last value wins)."""
    return dict(info.metadata)
