"""The ML-BOM parts of a CycloneDX component: `modelCard`, `data` and a model's `pedigree`.

Built from what the readers recorded, never guessed:

- `modelCard.modelParameters` of a machine-learning-model: `task` (the card's `pipeline_tag`,
  else the task a pipeline call or an MLflow flavour names), `architectureFamily` (config
  `model_type`), `modelArchitecture` (config `architectures[0]`), `datasets` (a `{"ref"}` to
  the data component of each "trained-on" edge). Nothing else: no reader records a card's
  considerations or metrics, and an empty model card is left out.
- `data` of a data component: one componentData of type "dataset" with the name, the card's
  pretty name as description and, for a dataset fetched from a URL, `contents.url`.
- `pedigree` of a fine-tune / adapter / merge / quantisation (a "base-model" edge): one
  minimal ancestor per base model (type, name, version and purl only when pinned: for a hub
  repo, to a commit) under a bom-ref of its own, and the card's `base_model_relation` as
  `notes`. The base model stays a top-level component and in `dependencies`.

cyclonedx-python-lib (11.x) does not model `modelCard` nor `data`: its `Bom.from_json`
drops them, so the writers put them back into the JSON it writes for spec 1.5 (which has
both; everything emitted here is valid 1.5) and XML output cannot carry them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.bom.validate import clean_url
from scanner.model import Component, ComponentType, ScanResult

Json = dict[str, Any]
ML_FIELDS = ("modelCard", "data")
TASK_KEYS = ("aibom:card:pipeline_tag", "aibom:task", "aibom:mlflow:transformers:task")
FAMILY_KEYS = ("aibom:model-type",)
ARCHITECTURE_KEYS = ("aibom:architecture",)
RELATION_KEY = "aibom:card:base_model_relation"
ANCESTOR_SEPARATOR = "#ancestor:"


@dataclass(frozen=True, slots=True)
class Lineage:
    """Per component ref: its base models and training datasets (from the scan's edges)."""

    bases: dict[str, set[str]] = field(default_factory=dict)
    datasets: dict[str, set[str]] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)

    @classmethod
    def of(cls, result: ScanResult) -> Lineage:
        """The lineage edges of `result`, with every component (nested ones too) by ref."""
        lineage = cls(components=dict(_by_ref(result.components)))
        for edge in result.edges:
            if edge.parent == edge.child:
                continue
            if edge.kind == "base-model":
                lineage.bases.setdefault(edge.parent, set()).add(edge.child)
            elif edge.kind == "trained-on":
                lineage.datasets.setdefault(edge.parent, set()).add(edge.child)
        return lineage

    def is_data(self, ref: str) -> bool:
        """Whether `ref` names a data component (what a model card's dataset ref may name)."""
        comp = self.components.get(ref)
        return comp is not None and comp.type is ComponentType.DATA


def _by_ref(components: Iterable[Component]) -> Iterable[tuple[str, Component]]:
    for comp in components:
        yield comp.bom_ref, comp
        yield from _by_ref(comp.nested)


def model_card(comp: Component, dataset_refs: Iterable[str]) -> Json | None:
    """The model card of a machine-learning-model component, None when nothing is known."""
    props = _values(comp)
    params: Json = {}
    for key, names in (
        ("task", TASK_KEYS),
        ("architectureFamily", FAMILY_KEYS),
        ("modelArchitecture", ARCHITECTURE_KEYS),
    ):
        if (value := _first(props, names)) is not None:
            params[key] = value
    datasets = sorted(set(dataset_refs))
    if datasets:
        params["datasets"] = [{"ref": ref} for ref in datasets]
    return {"modelParameters": params} if params else None


def component_data(comp: Component) -> list[Json]:
    """The componentData of a data component: a dataset with its name (and URL if fetched)."""
    data: Json = {"type": "dataset", "name": comp.name}
    if (pretty := _first(_values(comp), ("aibom:card:pretty_name",))) is not None:
        data["description"] = pretty
    urls = sorted(
        url
        for ref in comp.external_refs
        if ref.type == "distribution" and (url := clean_url(ref.url)) is not None
    )
    if urls:
        data["contents"] = {"url": urls[0]}
    return [data]


def pedigree(
    comp: Component, bom_ref: str, bases: Iterable[Component], unique: Callable[[str], str]
) -> Json | None:
    """`pedigree` naming each base model as an ancestor; None without a base model.

    `unique` turns a wanted bom-ref into one not yet used anywhere in the BOM.
    """
    ancestors = []
    for base in sorted(bases, key=lambda c: c.bom_ref):
        if base.type is ComponentType.SERVICE:
            continue  # a hosted API is not a component an ancestor can be
        ancestor: Json = {
            "type": base.type.value,
            "bom-ref": unique(f"{bom_ref}{ANCESTOR_SEPARATOR}{base.bom_ref}"),
            "name": base.name,
        }
        if base.version:  # pinned (for a hub repo: to a commit)
            ancestor["version"] = base.version
            if base.purl:
                ancestor["purl"] = base.purl
        ancestors.append(ancestor)
    if not ancestors:
        return None
    out: Json = {"ancestors": sorted(ancestors, key=_library_order)}
    if (relation := _relation(comp)) is not None:
        out["notes"] = f"base_model_relation: {relation}"
    return out


def _library_order(ancestor: Json) -> tuple[str, str, bool, str, str]:
    """cyclonedx-python-lib's component order: type, name, version (none last), bom-ref."""
    version = ancestor.get("version")
    return (
        ancestor["type"],
        ancestor["name"],
        version is None,
        version or "",
        ancestor["bom-ref"],
    )


def _relation(comp: Component) -> str | None:
    """How the component derives from its base: the card's word, else "adapter" for one."""
    props = _values(comp)
    if (relation := _first(props, (RELATION_KEY,))) is not None:
        return relation
    return "adapter" if props.get("aibom:adapter") else None


def carry_over(source: Json, target: Json) -> None:
    """Copy `modelCard` / `data` of `source`'s components onto `target`'s (same bom-refs).

    `target` is `source` rewritten by cyclonedx-python-lib, which drops both fields.
    """
    found: dict[str, Json] = {}
    for comp in _walk(source):
        extra = {key: comp[key] for key in ML_FIELDS if key in comp}
        if extra:
            found[str(comp["bom-ref"])] = extra
    if not found:
        return
    for comp in _walk(target):
        comp.update(found.get(str(comp.get("bom-ref")), {}))


def without_ml_fields(doc: Json) -> Json:
    """A deep copy of `doc` without `modelCard` / `data` (what the library keeps of it)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ML_FIELDS}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    stripped: Json = strip(doc)
    return stripped


def _walk(doc: Json) -> Iterable[Json]:
    """Every component object of a BOM: metadata's, top-level, nested (not ancestors)."""
    stack: list[Json] = list(doc.get("components", []))
    if "component" in doc.get("metadata", {}):
        stack.append(doc["metadata"]["component"])
    while stack:
        comp = stack.pop()
        yield comp
        stack.extend(comp.get("components", []))


def _values(comp: Component) -> Mapping[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in comp.properties:
        if value.strip():
            out.setdefault(name, []).append(value.strip())
    return out


def _first(props: Mapping[str, list[str]], names: Iterable[str]) -> str | None:
    """The smallest value of the first property name that has one (stable across merges)."""
    for name in names:
        if values := props.get(name):
            return min(values)
    return None
