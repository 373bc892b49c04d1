"""What a model or dataset card says: the YAML front matter of a `README.md`, read into
license evidence, task / library / tag properties and lineage records.

Shared by the card reader (local model and dataset directories) and the hub cache reader
(the card of each cached snapshot), so a card says the same thing wherever it lies.
Lineage: `base_model` (a string or a list) becomes `base-model` edges to hub models,
`datasets` becomes `trained-on` edges to hub datasets; neither is a download by the
project, so no HubReference is observed for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from licenses.huggingface import from_card
from scanner.config import Limits
from scanner.hubid import hub_id, hub_records
from scanner.model import Component, Edge, LicenseEvidence, Location, Record
from scanner.sources import safeyaml

LIST_PROPERTIES = {
    "tags": "tag",
    "task_categories": "task_category",
    "size_categories": "size_category",
}
TEXT_PROPERTIES = ("pipeline_tag", "library_name", "base_model_relation", "pretty_name")
LINEAGE = (("base_model", "model", "base-model"), ("datasets", "dataset", "trained-on"))
"""Card key, hub repo type it names, lineage edge kind."""
MAX_LIST = 50


def front_matter(text: str) -> str | None:
    """The YAML between a leading `---` line and the next `---` (or `...`) line."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]) + "\n"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class CardFields:
    """One card's front matter as plain data, and the line each field is written on."""

    rel: PurePosixPath
    fields: dict[str, Any]
    lines: dict[tuple[str | int, ...], int]

    def at(self, *path: str | int) -> Location:
        """Where a field (or a list item of it) is written."""
        return Location(file=self.rel, line=self.lines.get(tuple(path)))

    def license(self) -> str | None:
        """The license the card states: its Hub `license` id(s), an `other` resolved by
        `license_name` / `license_link`; None unless that names one license exactly."""
        fields = self.fields
        return from_card(
            fields.get("license"), fields.get("license_name"), fields.get("license_link")
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

    def lineage(self, parent: str, origin: str) -> Iterator[Record]:
        """Hub components for `base_model` / `datasets` and the lineage edges to them."""
        for key, repo_type, kind in LINEAGE:
            for text, path in self.strings(key):
                found = hub_id(text)
                if found is None:
                    continue
                records = hub_records(
                    found.repo_id,
                    revision=found.revision,
                    repo_type=repo_type,
                    location=self.at(*path),
                    via=f"card:{key}",
                    origin=origin,
                    written=text,
                )
                comp = next(r for r in records if isinstance(r, Component))
                yield comp  # no HubReference: a card's lineage is not a download
                yield Edge(parent=parent, child=comp.bom_ref, kind=kind)

    def strings(self, key: str) -> list[tuple[str, tuple[str | int, ...]]]:
        """The string value(s) of `key` (a string or a list), each with its field path."""
        value = self.fields.get(key)
        if isinstance(value, str):
            return [(value, (key,))]
        if isinstance(value, list):
            return [(v, (key, i)) for i, v in enumerate(value[:MAX_LIST]) if isinstance(v, str)]
        return []


def parse_card(
    rel: PurePosixPath, text: str, limits: Limits = safeyaml.DEFAULT_LIMITS
) -> CardFields | None:
    """The front matter of a README as `CardFields`; None when it has none (or it is not
    one YAML mapping). Raises SourceError for YAML aibom refuses (aliases, deep nesting)."""
    front = front_matter(text)
    if front is None:
        return None
    nodes = safeyaml.compose_all(rel, front, limits=limits, first_line=2)
    if len(nodes) != 1:
        return None
    lines: dict[tuple[str | int, ...], int] = {}
    card = safeyaml.plain(nodes[0], lines)
    if not isinstance(card, dict):
        return None
    return CardFields(rel=rel, fields=card, lines={k: v + 1 for k, v in lines.items()})
