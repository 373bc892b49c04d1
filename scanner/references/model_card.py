"""Model and dataset cards of local directories: the YAML front matter of a `README.md`.

A card fills in the component of its directory (`model:<dir>` or `data:<dir>`, the refs the
weight readers give model directories, so the sightings merge): license evidence
(`license`, `license_name`, `license_link`; the SPDX license only when `license` is an exact
SPDX id), task and library as properties, and lineage (`cards`). The cards of hub cache
snapshots are read by the cache reader, which does not walk into the cache.

Which README is a card: front matter with a model-only key (`MODEL_KEYS`) is a model card;
with a dataset-only key (`DATASET_KEYS`) and no model-only key, a dataset card. Front matter
with none of those but a `license`, `license_name` or `datasets` key is a card only outside
a project directory (a project's own README is not a card); it is a dataset card when the
directory holds data files, else a model card. Front matter of a web page (`layout:`,
`title:`, `permalink:`, ...) or of a Space (`sdk:`, `app_file:`) is not a card.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.model import Component, ComponentType, Edge, Location, Record
from scanner.references.cards import CardFields, front_matter, parse_card
from scanner.sources.base import EntryKind, ScanContext, WalkEntry, project_parent

NAME = "model-card"
MODEL_KEYS = frozenset(
    {"base_model", "base_model_relation", "pipeline_tag", "library_name", "model-index",
     "model_name", "inference", "new_version", "widget"}
)  # fmt: skip
DATASET_KEYS = frozenset(
    {"task_categories", "task_ids", "size_categories", "configs", "dataset_info",
     "annotations_creators", "language_creators", "multilinguality", "source_datasets",
     "paperswithcode_id", "pretty_name", "license_details"}
)  # fmt: skip
SHARED_KEYS = frozenset({"license", "license_name", "license_link", "datasets"})
PAGE_KEYS = frozenset({"layout", "title", "permalink", "date", "author", "sdk", "app_file"})
DATA_SUFFIXES = frozenset({".parquet", ".arrow", ".jsonl", ".csv", ".tsv"})

__all__ = ["ModelCardReader", "card_kind", "front_matter"]


@dataclass(frozen=True, slots=True)
class ModelCardReader:
    """`README.md` front matter of local model / dataset directories."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"md"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Any `README.md` (the front matter decides in `collect` whether it is a card)."""
        return entry.kind is EntryKind.FILE and entry.name.lower() == "readme.md"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The directory's model / dataset component, its license evidence and lineage."""
        card = parse_card(entry.rel, ctx.read_text(entry.rel, path=entry.path), ctx.limits)
        if card is None:
            return
        directory = entry.rel.parent
        keys = card.fields.keys()
        if keys & PAGE_KEYS:
            return
        kind = card_kind(card)
        if kind is None and keys & SHARED_KEYS:
            kind = shared_keys_kind(directory, ctx)
        if kind is None:
            return
        dataset = kind == "dataset"
        ref = f"{'data' if dataset else 'model'}:{directory}"
        yield Component(
            bom_ref=ref,
            type=ComponentType.DATA if dataset else ComponentType.MODEL,
            name=directory.name or ctx.root.name,
            license=card.license(),
            license_raw=tuple(card.license_evidence()),
            locations=(Location(file=entry.rel, line=1),),
            origin=NAME,
            properties=(("aibom:card", kind), *card.properties()),
        )
        yield Edge(parent=project_parent(entry, ctx), child=ref)
        if kind == "model":
            yield from card.lineage(ref, NAME)


def card_kind(card: CardFields) -> str | None:
    """ "model" or "dataset" when a model-only or dataset-only key says so; None for a
    card with shared keys only (its place decides) or none."""
    keys = card.fields.keys()
    if keys & MODEL_KEYS:
        return "model"
    if keys & DATASET_KEYS:
        return "dataset"
    return None


def shared_keys_kind(directory: PurePosixPath, ctx: ScanContext) -> str | None:
    """A card with only shared keys: none in a project directory (the project's README),
    else a dataset card when the directory holds data files, else a model card."""
    if directory in ctx.project_dirs | {PurePosixPath(".")}:
        return None
    has_data = any(f.suffix.lower() in DATA_SUFFIXES and directory in f.parents for f in ctx.files)
    return "dataset" if has_data else "model"
