"""TensorFlow SavedModel: `saved_model.pb` is identified by name (protobuf has no magic);
its schema version, meta-graph tags and TensorFlow version are read from the wire format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scanner.weights.base import WeightInfo, WeightLimits, file_size
from scanner.weights.protowire import LENGTH, VARINT, Reader

FORMAT = "tf-savedmodel"
META_GRAPHS, META_INFO, TAGS, TF_VERSION = 2, 1, 4, 5


@dataclass(frozen=True, slots=True)
class SavedModel:
    """Reads the header fields of a SavedModel's `saved_model.pb`."""

    name: str = FORMAT
    suffixes: tuple[str, ...] = ("saved_model.pb",)
    sniffable: bool = False
    by_suffix: bool = True

    def magic(self, head: bytes) -> bool:
        """saved_model_schema_version (field 1, varint) comes first: byte 0x08."""
        return head[:1] in (b"\x08", b"\x12")

    def inspect(self, path: Path, rel: PurePosixPath, limits: WeightLimits) -> WeightInfo:
        """Schema version and, per meta graph, its tags and TensorFlow version."""
        metadata: list[tuple[str, str]] = []
        graphs = 0
        with path.open("rb") as fh:
            reader = Reader(fh, rel)
            for item in reader.fields(0, file_size(path)):
                if item.number == 1 and item.wire == VARINT:
                    metadata.append(("schema_version", str(item.value)))
                elif item.number == META_GRAPHS and item.wire == LENGTH:
                    graphs += 1
                    if graphs <= 16:
                        metadata.extend(_meta_info(reader, item.start, item.end))
        metadata.append(("meta_graphs", str(graphs)))
        return WeightInfo(format=FORMAT, metadata=tuple(metadata[: limits.metadata_entries]))


def _meta_info(reader: Reader, start: int, end: int) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for item in reader.fields(start, end):
        if item.number != META_INFO or item.wire != LENGTH:
            continue
        for sub in reader.fields(item.start, item.end):
            if sub.number == TAGS and sub.wire == LENGTH:
                found.append(("tag", reader.text(sub, 256) or ""))
            elif sub.number == TF_VERSION and sub.wire == LENGTH:
                found.append(("tensorflow_version", reader.text(sub, 256) or ""))
    return found
