"""ML artifact descriptors: Ollama `Modelfile`, DVC `*.dvc` / `dvc.lock`, MLflow `MLmodel`.

- Modelfile: `FROM` (and `ADAPTER`) name a hub model (`hf.co/org/name[:quant]`), an Ollama
  library model (`llama3.1:8b` -> MODEL `ollama:llama3.1:8b`), a local weight file (FILE
  `file:<path>`) or a model directory of the tree (`model:<dir>`). An adapter gets a
  `base-model` edge to what `FROM` names.
  Text inside `\"\"\"` blocks (TEMPLATE, SYSTEM, LICENSE, MESSAGE) is never read as an
  instruction; the LICENSE text is not interpreted.
- DVC: each `outs` entry of a `*.dvc` file (and of each stage in `dvc.lock`) with an `md5`
  (or `sha256`) is a FILE component `file:<path>` with that hash and a DeclaredDigest; a
  directory (`md5` ending in `.dir`) names a manifest, not content, so it gets no hash.
  `dvc import` sources become a `vcs` external reference. `dvc.yaml` declares no hashes
  and is not read.
- MLflow: an `MLmodel` file describes the model in its directory (`model:<dir>`, the ref
  the weight readers give that directory): flavors, run id, model uuid, signature and the
  pickle serialization format as properties; a transformers flavor's `source_model_name`
  is a `base-model` edge. An MLmodel carries no registry name or version, so no
  `pkg:mlflow` purl is made.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.hashing import cyclonedx_alg
from scanner.hubid import hub_id, hub_records
from scanner.model import (
    Component,
    ComponentType,
    DeclaredDigest,
    Edge,
    ExternalRef,
    Hash,
    Location,
    Record,
)
from scanner.sources import safeyaml
from scanner.sources.base import EntryKind, ScanContext, WalkEntry, project_parent, redact

OLLAMA = "ollama-modelfile"
DVC = "dvc"
MLFLOW = "mlflow-model"
HF_HOSTS = ("hf.co/", "huggingface.co/")
# The argument ends on a non-space: a lazy argument followed by `\s*$` was quadratic on a
# line with a long run of spaces.
INSTRUCTION = re.compile(r"^\s*(?P<op>[A-Za-z]+)\s++(?P<arg>(?:.*\S)?)\s*$")
WEIGHT_SUFFIXES = (".gguf", ".bin", ".safetensors", ".pt", ".pth")
HEX = re.compile(r"[0-9a-fA-F]+")
MAX_TEXT = 500
MLFLOW_FIELDS = (
    "run_id", "model_id", "model_uuid", "mlflow_version", "utc_time_created", "model_size_bytes"
)  # fmt: skip
FLAVOR_FIELDS = ("loader_module", "serialization_format", "pickled_model", "task")


def file_ref(path: PurePosixPath | str) -> str:
    """bom-ref of a file of the scanned tree (path relative to the root)."""
    return f"file:{path}"


def inside(base: PurePosixPath, target: str) -> PurePosixPath | None:
    """`target` relative to the root, when it names a place inside the scanned tree."""
    if target.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", target):
        return None
    joined = posixpath.normpath(str(base / target))
    return None if joined == ".." or joined.startswith("../") else PurePosixPath(joined)


@dataclass(frozen=True, slots=True)
class OllamaModelfileReader:
    """Ollama `Modelfile`: the model it builds on (`FROM`) and its `ADAPTER`."""

    name: str = OLLAMA

    def claims(self, entry: WalkEntry) -> bool:
        """`Modelfile`, `Modelfile.<variant>` and `<name>.modelfile`."""
        name = entry.name.lower()
        return entry.kind is EntryKind.FILE and (
            name == "modelfile" or name.startswith("modelfile.") or name.endswith(".modelfile")
        )

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Components for `FROM` / `ADAPTER`, edges from the project, lineage between them."""
        text = ctx.read_text(entry.rel, path=entry.path)
        project = project_parent(entry, ctx)
        base: str | None = None
        adapters: list[str] = []
        for op, arg, line in instructions(text):
            location = Location(file=entry.rel, line=line)
            records = list(modelfile_target(entry.rel, arg, location, ctx))
            refs = [r.bom_ref for r in records if isinstance(r, Component)]
            if not refs:
                continue
            yield from records
            yield Edge(parent=project, child=refs[0])
            if op == "FROM":
                base = base or refs[0]
            else:
                adapters.append(refs[0])
        for adapter in adapters:
            if base:
                yield Edge(parent=adapter, child=base, kind="base-model")


def instructions(text: str) -> Iterator[tuple[str, str, int]]:
    """(`FROM` | `ADAPTER`, argument, line) outside `\"\"\"` blocks and comments."""
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = line.count('"""')
        if in_block:
            in_block = quotes % 2 == 0
            continue
        found = INSTRUCTION.match(line)
        if quotes % 2 == 1:
            in_block = True
        if found is None or line.lstrip().startswith("#"):
            continue
        op = found["op"].upper()
        if op in ("FROM", "ADAPTER") and found["arg"]:
            yield op, found["arg"].strip("\"'"), number


def modelfile_target(
    rel: PurePosixPath, arg: str, location: Location, ctx: ScanContext
) -> Iterator[Record]:
    """What one `FROM` / `ADAPTER` argument names: hub model, local file or Ollama model."""
    if arg.lower().startswith(HF_HOSTS):
        repo, _, quant = arg.split("/", 1)[1].partition(":")
        found = hub_id(repo)
        if found is not None:
            for record in hub_records(
                found.repo_id,
                revision=None,
                repo_type="model",
                location=location,
                via="Modelfile",
                origin=OLLAMA,
                written=arg,
            ):
                if isinstance(record, Component) and quant:
                    props = (*record.properties, ("aibom:ollama:quantization", quant))
                    record = dataclasses.replace(record, properties=props)
                yield record
        return
    local = arg.startswith((".", "/", "~")) or arg.lower().endswith(WEIGHT_SUFFIXES)
    target = inside(rel.parent, arg)
    if target is not None and any(target in f.parents for f in ctx.files):
        yield Component(
            bom_ref=f"model:{target}",
            type=ComponentType.MODEL,
            name=target.name,
            locations=(location,),
            origin=OLLAMA,
            properties=(("aibom:ollama:from", arg),),
        )
        return
    if local or (target is not None and target in ctx.files):
        name = str(target) if target is not None else arg
        yield Component(
            bom_ref=file_ref(name),
            type=ComponentType.FILE,
            name=name,
            locations=(location,),
            origin=OLLAMA,
            properties=(("aibom:ollama:from", arg),),
        )
        return
    model, _, tag = arg.removeprefix("registry.ollama.ai/").removeprefix("library/").partition(":")
    properties = [("aibom:hub", "ollama")]
    if tag:
        properties.append(("aibom:ollama:tag", tag))
    yield Component(
        bom_ref=f"ollama:{model}{':' + tag if tag else ''}",
        type=ComponentType.MODEL,
        name=model,
        locations=(location,),
        origin=OLLAMA,
        properties=tuple(properties),
    )


@dataclass(frozen=True, slots=True)
class DvcReader:
    """DVC-tracked files: `*.dvc` files and the stage outputs recorded in `dvc.lock`."""

    name: str = DVC
    claim_keys: ClassVar[frozenset[str]] = frozenset({"dvc", "lock"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """`*.dvc` and `dvc.lock`."""
        name = entry.name.lower()
        return entry.kind is EntryKind.FILE and (name.endswith(".dvc") or name == "dvc.lock")

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """FILE components with the declared hashes, edges from the project."""
        node = safeyaml.compose(
            entry.rel, ctx.read_text(entry.rel, path=entry.path), limits=ctx.limits
        )
        lines: dict[tuple[str | int, ...], int] = {}
        tree = safeyaml.plain(node, lines) if node is not None else None
        if not isinstance(tree, dict):
            return
        project = project_parent(entry, ctx)
        if entry.name.lower() == "dvc.lock":
            stages = tree.get("stages")
            for stage, body in stages.items() if isinstance(stages, dict) else ():
                if isinstance(body, dict):
                    path = ("stages", stage, "outs")
                    yield from dvc_outs(entry, body.get("outs"), path, lines, project, ())
            return
        yield from dvc_outs(entry, tree.get("outs"), ("outs",), lines, project, imports(tree))


def imports(tree: Mapping[str, Any]) -> tuple[ExternalRef, ...]:
    """Where imported outputs come from: `dvc import` (`deps: [{path, repo: {url, rev_lock}}]`)
    as vcs references, `dvc import-url` (`deps: [{path: <url>}]`) as distribution ones."""
    found: list[ExternalRef] = []
    deps = tree.get("deps")
    for dep in deps if isinstance(deps, list) else ():
        repo = dep.get("repo") if isinstance(dep, dict) else None
        path = dep.get("path") if isinstance(dep, dict) else None
        if repo is None and isinstance(path, str) and "://" in path:
            found.append(
                ExternalRef(type="distribution", url=redact(path), comment="dvc import-url")
            )
        elif isinstance(repo, dict) and isinstance(repo.get("url"), str):
            rev = repo.get("rev_lock") or repo.get("rev")
            url = redact(repo["url"]) + (f"@{rev}" if isinstance(rev, str) else "")
            found.append(
                ExternalRef(type="vcs", url=url, comment=f"dvc import of {dep.get('path')}")
            )
    return tuple(found)


def dvc_outs(
    entry: WalkEntry,
    outs: Any,
    path: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    project: str,
    sources: tuple[ExternalRef, ...],
) -> Iterator[Record]:
    """One FILE component (and edge, and declared digests) per output entry."""
    for index, out in enumerate(outs if isinstance(outs, list) else ()):
        if not isinstance(out, dict) or not isinstance(out.get("path"), str):
            continue
        target = inside(entry.rel.parent, out["path"])
        name = str(target) if target is not None else out["path"]
        location = Location(file=entry.rel, line=lines.get((*path, index)))
        digests = [(alg, str(out[alg])) for alg in ("md5", "sha256") if out.get(alg)]
        hashes, properties = [], [("aibom:dvc:path", out["path"])]
        for alg, digest in digests:
            if digest.endswith(".dir"):
                properties.append((f"aibom:dvc:dir-{alg}", digest.removesuffix(".dir")))
            elif HEX.fullmatch(digest):
                hashes.append(Hash(alg=cyclonedx_alg(alg) or alg, value=digest.lower()))
        if isinstance(out.get("size"), str):
            properties.append(("aibom:size", out["size"]))
        ref = file_ref(name)
        yield Component(
            bom_ref=ref,
            type=ComponentType.FILE,
            name=name,
            hashes=tuple(hashes),
            locations=(location,),
            origin=DVC,
            external_refs=sources,
            properties=tuple(properties),
        )
        yield Edge(parent=project, child=ref)
        for declared in hashes:
            algorithm = "md5" if declared.alg == "MD5" else "sha256"
            yield DeclaredDigest(
                component=ref, algorithm=algorithm, digest=declared.value, location=location
            )


@dataclass(frozen=True, slots=True)
class MlflowModelReader:
    """MLflow `MLmodel`: the logged model of its directory, its flavors and run."""

    name: str = MLFLOW
    claim_keys: ClassVar[frozenset[str]] = frozenset({"mlmodel"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named exactly `MLmodel`."""
        return entry.kind is EntryKind.FILE and entry.name == "MLmodel"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The model component, an edge from the project, and its source model's lineage."""
        node = safeyaml.compose(
            entry.rel, ctx.read_text(entry.rel, path=entry.path), limits=ctx.limits
        )
        lines: dict[tuple[str | int, ...], int] = {}
        tree = safeyaml.plain(node, lines) if node is not None else None
        flavors = tree.get("flavors") if isinstance(tree, dict) else None
        if not isinstance(tree, dict) or not isinstance(flavors, dict):
            return
        directory = entry.rel.parent
        ref = f"model:{directory}"
        name = tree.get("artifact_path")  # MLflow 3 writes a URL here, not a name
        name = name if isinstance(name, str) and re.fullmatch(r"[\w.-]+", name) else None
        yield Component(
            bom_ref=ref,
            type=ComponentType.MODEL,
            name=name or directory.name or ctx.root.name,
            locations=(Location(file=entry.rel, line=1),),
            origin=MLFLOW,
            properties=tuple(mlflow_properties(tree)),
        )
        yield Edge(parent=project_parent(entry, ctx), child=ref)
        for flavor, body in flavors.items():
            if isinstance(body, dict):
                yield from source_model(entry.rel, ref, flavor, body, lines)


def source_model(
    rel: PurePosixPath,
    ref: str,
    flavor: str,
    body: Mapping[str, Any],
    lines: dict[tuple[str | int, ...], int],
) -> Iterator[Record]:
    """A flavor's `source_model_name` (transformers): the hub model it was saved from.

    Saved without its weights (no `model_binary`), the model is fetched from the hub at
    `source_model_revision` when loaded, so that is also a HubReference.
    """
    source = body.get("source_model_name")
    found = hub_id(source) if isinstance(source, str) else None
    if found is None:
        return
    revision = body.get("source_model_revision")
    location = Location(file=rel, line=lines.get(("flavors", flavor, "source_model_name")))
    records = hub_records(
        found.repo_id,
        revision=revision if isinstance(revision, str) else None,
        repo_type="model",
        location=location,
        via=f"MLmodel:{flavor}",
        origin=MLFLOW,
    )
    for record in records:
        if isinstance(record, Component):
            yield record
            yield Edge(parent=ref, child=record.bom_ref, kind="base-model")
        elif "model_binary" not in body:
            yield record


def mlflow_properties(tree: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Flavors, run, uuid, signature and serialization as `aibom:mlflow:*` properties."""
    for key in MLFLOW_FIELDS:
        if isinstance(tree.get(key), str):
            yield f"aibom:mlflow:{key}", tree[key]
    for flavor, body in tree["flavors"].items():
        yield "aibom:mlflow:flavor", flavor
        for key in FLAVOR_FIELDS:
            if isinstance(body, dict) and isinstance(body.get(key), str):
                yield f"aibom:mlflow:{flavor}:{key}", body[key]
    signature = tree.get("signature")
    for part in ("inputs", "outputs", "params"):
        value = signature.get(part) if isinstance(signature, dict) else None
        if isinstance(value, str) and value:
            yield f"aibom:mlflow:signature:{part}", value[:MAX_TEXT]
