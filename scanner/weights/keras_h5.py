"""Keras: `.keras` archives (zip: `config.json`, `metadata.json`, weights) and `.h5` (HDF5).

A `.keras` config names the model class and every layer's `module`/`class_name`; those
outside `keras.*` and Lambda layers are listed as notes (judging is the checks' job). An
HDF5 file is identified by its signature only: reading the `model_config` attribute needs
an HDF5 parser, which aibom does not ship.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.weights.archive import is_zip, member_json, open_zip
from scanner.weights.base import WeightInfo, WeightLimits

FORMAT = "keras"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
MAX_NODES = 100_000
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class KerasH5:
    """Reads `.keras` configs; identifies `.h5` / `.hdf5` files."""

    name: str = FORMAT
    suffixes: tuple[str, ...] = (".keras", ".h5", ".hdf5")
    sniffable: bool = True
    by_suffix: bool = False

    def magic(self, head: bytes) -> bool:
        """The HDF5 signature at offset 0, or a zip (chosen by suffix among zip formats)."""
        return head.startswith(HDF5_MAGIC) or is_zip(head)

    def inspect(self, path: Path, rel: PurePosixPath, limits: WeightLimits) -> WeightInfo:
        """The `.keras` config and metadata, or an identification of an HDF5 file."""
        with path.open("rb") as fh:
            head = fh.read(len(HDF5_MAGIC))
        if head == HDF5_MAGIC:
            return WeightInfo(
                format="hdf5",
                notes=("HDF5 file: Keras model_config not read (no HDF5 parser)",),
            )
        with open_zip(path, rel, limits) as archive:
            config = member_json(archive, "config.json", rel, limits)
            meta = member_json(archive, "metadata.json", rel, limits)
            members = len(archive.infolist())
        return _info(config, meta, members, limits)


def _info(config: Any, meta: Any, members: int, limits: WeightLimits) -> WeightInfo:
    metadata = [("members", str(members))]
    if isinstance(meta, dict):
        metadata.extend(
            (key, meta[key][: limits.metadata_value_chars])
            for key in ("keras_version", "date_saved")
            if isinstance(meta.get(key), str)
        )
    problems = [] if isinstance(config, dict) else ["config.json missing or not an object"]
    notes: dict[str, None] = {}
    layers = 0
    for node in _objects(config, 0, [0]):
        module, cls = node.get("module"), node.get("class_name")
        if not isinstance(cls, str):
            continue
        if "config" in node:
            layers += 1
        if cls == "Lambda":
            notes["Lambda layer (serialised Python code)"] = None
        if isinstance(module, str) and module != "keras" and not module.startswith("keras."):
            notes[f"config refers to {module}.{cls}"] = None
    architecture = config.get("class_name") if isinstance(config, dict) else None
    return WeightInfo(
        format=FORMAT,
        metadata=(*metadata, ("config_objects", str(layers))),
        architecture=architecture if isinstance(architecture, str) else None,
        notes=tuple(list(notes)[: limits.metadata_entries]),
        problems=tuple(problems),
    )


def _objects(value: Any, depth: int, seen: list[int]) -> Iterator[dict[str, Any]]:
    """Every JSON object in `value`, depth-first, capped in depth and count."""
    seen[0] += 1
    if depth > MAX_DEPTH or seen[0] > MAX_NODES:
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item, depth + 1, seen)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1, seen)
