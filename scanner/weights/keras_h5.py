"""Keras: `.keras` archives (zip: `config.json`, `metadata.json`, weights) and `.h5` (HDF5).

A config names the model class and every layer's `module`/`class_name`. What loading it
would deserialise beyond Keras itself is reported as imports (opcode `keras-config`, judged
by the checks): a Lambda layer (marshalled Python code), an object from a module outside
`keras.*`, and a `function` reference (CVE-2025-1550). An HDF5 file has no HDF5 parser
here: its `model_config` attribute is found as the JSON text it is stored as, within the
first bytes of the file (capped); when none is found the file is only identified.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.model import PickleImport
from scanner.weights.archive import is_zip, member_json, open_zip
from scanner.weights.base import WeightInfo, WeightLimits
from scanner.weights.serialized import ImportScan, SerializedInfo

FORMAT = "keras"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
MAX_NODES = 100_000
MAX_DEPTH = 64
"""Recursion guard of the walk over a model config's JSON; hitting it (like MAX_NODES) is
reported as not fully scanned, and no real Keras config nests this deep."""
OPCODE = "keras-config"
CONFIG_START = b'{"class_name"'
MAX_CANDIDATES = 64
"""Places where a `model_config` JSON might start that are tried; a real file has one."""


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
                return _hdf5(fh.read(limits.zip_json_bytes), limits)
        with open_zip(path, rel, limits) as archive:
            config = member_json(archive, "config.json", rel, limits)
            meta = member_json(archive, "metadata.json", rel, limits)
            members = len(archive.infolist())
        return _info(config, meta, members, limits, "config.json")


def _hdf5(data: bytes, limits: WeightLimits) -> WeightInfo:
    """An HDF5 file: its `model_config` JSON when it can be found as text."""
    decoder = json.JSONDecoder()
    text = data.decode("utf-8", "replace")  # once: decoding per candidate was quadratic
    start = CONFIG_START.decode("ascii")
    at = text.find(start)
    for _ in range(MAX_CANDIDATES):  # each failed attempt costs O(file): bound them
        if at < 0:
            break
        try:
            config, _ = decoder.raw_decode(text, at)
        except (json.JSONDecodeError, RecursionError):
            at = text.find(start, at + 1)
            continue
        if isinstance(config, dict) and "config" in config:
            info = _info(config, None, 0, limits, "model_config")
            return dataclasses.replace(info, format="hdf5", metadata=info.metadata[1:])
        at = text.find(start, at + 1)
    if at >= 0:  # candidates left untried: a config may hide behind decoys
        return WeightInfo(
            format="hdf5",
            problems=(
                f"HDF5 file: more than {MAX_CANDIDATES} places look like a Keras model_config "
                "and none parsed; not fully scanned",
            ),
        )
    return WeightInfo(
        format="hdf5",
        notes=("HDF5 file: no Keras model_config found (no HDF5 parser)",),
    )


def _info(config: Any, meta: Any, members: int, limits: WeightLimits, where: str) -> SerializedInfo:
    metadata = [("members", str(members))]
    if isinstance(meta, dict):
        metadata.extend(
            (key, meta[key][: limits.metadata_value_chars])
            for key in ("keras_version", "date_saved")
            if isinstance(meta.get(key), str)
        )
    problems = [] if isinstance(config, dict) else [f"{where} missing or not an object"]
    notes: dict[str, None] = {}
    imports: dict[tuple[str, str], PickleImport] = {}
    layers = 0
    seen = [0]
    for node in _objects(config, 0, seen):
        module, cls = node.get("module"), node.get("class_name")
        if not isinstance(cls, str):
            continue
        if "config" in node:
            layers += 1
        for found in _imports(module, cls, node.get("config")):
            imports.setdefault(
                found, PickleImport(module=found[0], name=found[1], member=where, opcode=OPCODE)
            )
        if cls == "Lambda":
            notes["Lambda layer (serialised Python code)"] = None
        if isinstance(module, str) and module != "keras" and not module.startswith("keras."):
            notes[f"config refers to {module}.{cls}"] = None
    detail = problems[0] if problems else None
    if seen[0] > MAX_NODES:
        detail = f"config has more than {MAX_NODES:,} objects or is nested too deep"
        problems.append(detail)
    complete = detail is None
    architecture = config.get("class_name") if isinstance(config, dict) else None
    return SerializedInfo(
        format=FORMAT,
        metadata=(*metadata, ("config_objects", str(layers))),
        architecture=architecture if isinstance(architecture, str) else None,
        notes=tuple(list(notes)[: limits.metadata_entries]),
        problems=tuple(problems),
        scan=ImportScan(imports=tuple(imports.values()), complete=complete, detail=detail),
    )


def _imports(module: Any, cls: str, config: Any) -> Iterator[tuple[str, str]]:
    """What deserialising one config object imports beyond Keras itself."""
    if cls == "Lambda":
        yield ("keras.layers", "Lambda")
        return
    if not isinstance(module, str) or module == "keras" or module.startswith("keras."):
        return
    if cls == "function" and isinstance(config, str):
        yield (module, config)
    else:
        yield (module, cls)


def _objects(value: Any, depth: int, seen: list[int]) -> Iterator[dict[str, Any]]:
    """Every JSON object in `value`, depth-first, capped in depth and count (past a cap,
    `seen[0]` is pushed over MAX_NODES so the caller knows the walk was cut)."""
    seen[0] += 1
    if depth > MAX_DEPTH:
        seen[0] = MAX_NODES + 1
    if seen[0] > MAX_NODES:
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item, depth + 1, seen)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1, seen)
