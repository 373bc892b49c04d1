"""Model and dataset cards: the YAML front matter of a `README.md` in a model or dataset dir.

A card fills in the component of its directory (`model:<dir>` or `data:<dir>`, the refs the
weight readers give model directories, so the sightings merge): license evidence
(`license`, `license_name`, `license_link`; the SPDX license only when `license` is an exact
SPDX id), task and library as properties, and lineage: `base_model` (a string or a list)
becomes `base-model` edges to hub models, `datasets` becomes `trained-on` edges to hub
datasets. In a Hugging Face cache (`models--org--name/snapshots/<commit>/README.md`) the
card describes that hub repository at that commit instead.

Which README is a card: front matter with a model-only key (`MODEL_KEYS`) is a model card;
with a dataset-only key (`DATASET_KEYS`) and no model-only key, a dataset card. Front matter
with none of those but a `license`, `license_name` or `datasets` key is a card only outside
a project directory (a project's own README is not a card); it is a dataset card when the
directory holds data files, else a model card. Front matter of a web page (`layout:`,
`title:`, `permalink:`, ...) or of a Space (`sdk:`, `app_file:`) is not a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from licenses import parse_spdx
from scanner.identity import hub_ref, huggingface_purl, is_commit
from scanner.model import Component, ComponentType, Edge, LicenseEvidence, Location, Record
from scanner.references.hubid import hub_id, hub_records
from scanner.sources import safeyaml
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
CACHE_REPO = re.compile(r"(?P<type>models|datasets)--(?P<id>.+)")
LIST_PROPERTIES = {
    "tags": "tag",
    "task_categories": "task_category",
    "size_categories": "size_category",
}
TEXT_PROPERTIES = ("pipeline_tag", "library_name", "base_model_relation", "pretty_name")
MAX_LIST = 50


@dataclass(frozen=True, slots=True)
class ModelCardReader:
    """`README.md` front matter of local model / dataset directories and cached hub repos."""

    name: str = NAME

    def claims(self, entry: WalkEntry) -> bool:
        """Any `README.md` (the front matter decides in `collect` whether it is a card)."""
        return entry.kind is EntryKind.FILE and entry.name.lower() == "readme.md"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The directory's model / dataset component, its license evidence and lineage."""
        front = front_matter(ctx.read_text(entry.rel, path=entry.path))
        if front is None:
            return
        nodes = safeyaml.compose_all(entry.rel, front, first_line=2)
        if len(nodes) != 1:
            return
        lines: dict[tuple[str | int, ...], int] = {}
        card = safeyaml.plain(nodes[0], lines)
        if not isinstance(card, dict):
            return
        read = Card(entry=entry, ctx=ctx, fields=card, lines={k: v + 1 for k, v in lines.items()})
        yield from read.records()


def front_matter(text: str) -> str | None:
    """The YAML between a leading `---` line and the next `---` (or `...`) line."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]) + "\n"
    return None


def cached_repo(rel: PurePosixPath) -> tuple[str, str, str] | None:
    """(repo id, repo type, commit) of a README at the root of a hub cache snapshot."""
    parts = rel.parts
    if len(parts) < 4 or parts[-3] != "snapshots" or not is_commit(parts[-2]):
        return None
    found = CACHE_REPO.fullmatch(parts[-4])
    if found is None:
        return None
    repo_type = "dataset" if found["type"] == "datasets" else "model"
    return found["id"].replace("--", "/", 1), repo_type, parts[-2]


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """One card's fields, where each is written, and the component it describes."""

    entry: WalkEntry
    ctx: ScanContext
    fields: dict[str, Any]
    lines: dict[tuple[str | int, ...], int]

    def at(self, *path: str | int) -> Location:
        """Where a field (or a list item of it) is written."""
        return Location(file=self.entry.rel, line=self.lines.get(tuple(path)))

    def kind(self, in_cache: bool) -> str | None:
        """ "model", "dataset" or None (not a card); see the module docstring."""
        keys = self.fields.keys()
        if keys & PAGE_KEYS:
            return None
        if keys & MODEL_KEYS:
            return "model"
        if keys & DATASET_KEYS:
            return "dataset"
        if not keys & SHARED_KEYS:
            return None
        directory = self.entry.rel.parent
        if not in_cache and directory in self.ctx.project_dirs | {PurePosixPath(".")}:
            return None
        return "dataset" if self.has_data_files(directory) else "model"

    def has_data_files(self, directory: PurePosixPath) -> bool:
        """True when the directory (or one below it) holds data files."""
        return any(
            f.suffix.lower() in DATA_SUFFIXES and directory in f.parents for f in self.ctx.files
        )

    def records(self) -> Iterator[Record]:
        """The card's component, then its lineage."""
        cached = cached_repo(self.entry.rel)
        kind = "dataset" if cached and cached[1] == "dataset" else self.kind(cached is not None)
        if kind is None:
            return
        comp = self.component(kind, cached)
        yield comp
        if cached is None:
            yield Edge(parent=project_parent(self.entry, self.ctx), child=comp.bom_ref)
        if kind == "model":
            yield from self.lineage(comp.bom_ref, "base_model", "model", "base-model")
            yield from self.lineage(comp.bom_ref, "datasets", "dataset", "trained-on")

    def component(self, kind: str, cached: tuple[str, str, str] | None) -> Component:
        """The component the card describes (local directory or cached hub repo)."""
        ctype = ComponentType.DATA if kind == "dataset" else ComponentType.MODEL
        properties = [("aibom:card", kind), *self.properties()]
        if cached:
            repo, repo_type, commit = cached
            ref, name = hub_ref(repo, commit, repo_type=repo_type), repo
            purl: str | None = huggingface_purl(repo, commit, repo_type=repo_type)
            properties.append(("aibom:hub", "huggingface"))
        else:
            directory = self.entry.rel.parent
            prefix = "data" if kind == "dataset" else "model"
            ref, name, purl = f"{prefix}:{directory}", directory.name or self.ctx.root.name, None
        value = self.fields.get("license")
        return Component(
            bom_ref=ref,
            type=ctype,
            name=name,
            version=cached[2] if cached else None,
            purl=purl,
            license=parse_spdx(value) if isinstance(value, str) else None,
            license_raw=tuple(self.license_evidence()),
            locations=(Location(file=self.entry.rel, line=1),),
            origin=NAME,
            properties=tuple(properties),
        )

    def license_evidence(self) -> Iterator[LicenseEvidence]:
        """`license` (a string or a list), `license_name` and `license_link` as written."""
        for key in ("license", "license_name", "license_link"):
            value = self.fields.get(key)
            if isinstance(value, str) and value:
                yield LicenseEvidence(kind="card", value=value, location=self.at(key))
            elif isinstance(value, list):
                for index, item in enumerate(value[:MAX_LIST]):
                    if isinstance(item, str) and item:
                        location = self.at(key, index)
                        yield LicenseEvidence(kind="card", value=item, location=location)

    def properties(self) -> Iterator[tuple[str, str]]:
        """Task, library, relation and tags as `aibom:card:*` properties."""
        for key in (*TEXT_PROPERTIES, "license_name", "license_link"):
            value = self.fields.get(key)
            if isinstance(value, str) and value:
                yield f"aibom:card:{key}", value
        for key, name in LIST_PROPERTIES.items():
            values = self.fields.get(key)
            values = [values] if isinstance(values, str) else values
            if isinstance(values, list):
                for value in values[:MAX_LIST]:
                    if isinstance(value, str) and value:
                        yield f"aibom:card:{name}", value

    def lineage(self, parent: str, key: str, repo_type: str, kind: str) -> Iterator[Record]:
        """Hub components for `base_model` / `datasets` and the lineage edges to them."""
        value = self.fields.get(key)
        items: list[tuple[str, tuple[str | int, ...]]] = []
        if isinstance(value, str):
            items = [(value, (key,))]
        if isinstance(value, list):
            items = [(v, (key, i)) for i, v in enumerate(value[:MAX_LIST]) if isinstance(v, str)]
        for text, path in items:
            found = hub_id(text)
            if found is None:
                continue
            records = list(
                hub_records(
                    found.repo_id,
                    revision=found.revision,
                    repo_type=repo_type,
                    location=self.at(*path),
                    via=f"card:{key}",
                    origin=NAME,
                    written=text,
                )
            )
            comp = next(r for r in records if isinstance(r, Component))
            yield comp  # no HubReference: a card's lineage is not a download by this project
            yield Edge(parent=parent, child=comp.bom_ref, kind=kind)
