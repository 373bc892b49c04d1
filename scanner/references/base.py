"""The `CallPattern` plug-in interface for model references in Python code, and what patterns
share: the `CallSite` they are handed, hub id validation and the records of one sighting.

A pattern only observes: it turns one resolved call into components, edges and observations.
Ids that look like local paths are skipped (a local model directory is the weights readers'
business, not a hub reference).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import urlsplit

from scanner.context import ScanContext
from scanner.identity import hub_ref, huggingface_purl, is_commit
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    HubReference,
    Location,
    Record,
    RemoteCodeEnabled,
)


class Unknown:
    """The value of an expression only running the code would give."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()
"""Sentinel for an argument whose value could not be resolved statically."""

HUB_PART = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?")
FILE_SUFFIXES = (
    *(".py", ".bin", ".pt", ".pth", ".ckpt", ".safetensors", ".gguf", ".onnx", ".json"),
    *(".pkl", ".h5", ".keras", ".tflite", ".txt", ".csv", ".yaml", ".yml", ".zip"),
)
LOCAL_DIR_NAMES = frozenset(
    {
        "model",
        "models",
        "checkpoint",
        "checkpoints",
        "ckpt",
        "output",
        "outputs",
        "data",
        "weights",
        "runs",
        "results",
        "tmp",
        "saved_model",
        "saved_models",
        "artifacts",
    }
)
"""First path segments that mean a local directory, not a hub namespace."""
HF_HOSTS = ("huggingface.co", "hf.co")
LEGACY_MODEL = re.compile(
    r"(?:albert|bert|camembert|ctrl|distilbert|distilgpt2|distilroberta|flaubert|gpt2|openai-gpt"
    r"|roberta|t5|transfo-xl|xlm|xlnet)(?:-[a-z0-9-]+)?"
)
"""Families of the canonical models that predate namespaces (`gpt2`, `bert-base-uncased`):
the only single-name model ids the Hub has (new repos always have an owner)."""


def no_producer(node: ast.expr) -> CallSite | None:
    """Default `CallSite.producer`: nothing is known about where a value came from."""
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class CallSite:
    """One call whose callee resolved to a dotted name, with its arguments resolved.

    `args` / `kwargs` hold Python values (str, bool, int, None, lists, dicts) or `UNKNOWN`;
    `producer(expr)` is the CallSite of the call whose result `expr` holds (a name bound once
    to a call, or a call written inline), so a pattern can follow `base = X.from_pretrained(..)`.
    """

    callee: str
    args: tuple[object, ...]
    kwargs: Mapping[str, object]
    location: Location
    node: ast.Call
    project: str
    origin: str
    ctx: ScanContext
    cell: int | None = None
    producer: Callable[[ast.expr], CallSite | None] = field(default=no_producer)

    def arg(self, index: int | None, *names: str) -> object:
        """The argument given by keyword `names` (first found) or at position `index`."""
        for name in names:
            if name in self.kwargs:
                return self.kwargs[name]
        if index is not None and index < len(self.args):
            return self.args[index]
        return None

    def string(self, index: int | None, *names: str) -> str | None:
        """A resolved string argument, else None."""
        value = self.arg(index, *names)
        return value if isinstance(value, str) else None

    def arg_node(self, index: int | None, *names: str) -> ast.expr | None:
        """The expression written for an argument (for `producer`)."""
        for keyword in self.node.keywords:
            if keyword.arg in names:
                return keyword.value
        if index is not None and index < len(self.node.args):
            return self.node.args[index]
        return None

    def via(self) -> str:
        """The callee, with the notebook cell when the call is in one."""
        return f"{self.callee} (cell {self.cell})" if self.cell is not None else self.callee


class CallPattern(Protocol):
    """A library's load calls: which callees it wants, and what one call references."""

    @property
    def name(self) -> str:
        """The pattern's name (its registry key)."""
        ...

    @property
    def callees(self) -> tuple[str, ...]:
        """Dotted callee names it handles; `*` matches any run of characters (fnmatch)."""
        ...

    def match(self, call: CallSite) -> Iterator[Record]:
        """Components, edges and observations one matching call references."""
        ...


def local_dirs(ctx: ScanContext) -> frozenset[PurePosixPath]:
    """Every directory holding a walked file (memoised in ctx)."""
    key = ("local-dirs", PurePosixPath("."))
    if key not in ctx.memo:
        ctx.memo[key] = frozenset(p for f in ctx.files for p in f.parents)
    dirs: frozenset[PurePosixPath] = ctx.memo[key]
    return dirs


def is_local_path(value: str, call: CallSite) -> bool:
    """True when `value` names a path rather than a hub repo."""
    if value.startswith(("/", ".", "~", "\\", "$")) or "\\" in value or value[1:3] == ":/":
        return True
    first = value.split("/", 1)[0]
    if first.lower() in LOCAL_DIR_NAMES or value.lower().endswith(FILE_SUFFIXES):
        return True
    dirs = local_dirs(call.ctx)
    rel = call.location.file
    project = call.ctx.project_dir_for(rel)
    candidates = (PurePosixPath(value), rel.parent / value, project / value)
    return any(PurePosixPath(*c.parts) in dirs for c in candidates if c.parts)


def valid_hub_id(value: str) -> bool:
    """`org/name` or a legacy `name`, with the characters the Hub allows in each part."""
    parts = value.split("/")
    if len(parts) > 2 or not all(HUB_PART.fullmatch(p) for p in parts):
        return False
    return not any("--" in p or ".." in p for p in parts)


def hub_id(value: object, call: CallSite, *, any_single: bool = False) -> str | None:
    """`value` as a hub repo id, or None for a non-string, a local path or an invalid id.

    Legacy model ids without a namespace (`gpt2`, `bert-base-uncased`) are real hub repos and
    are kept as written (the purl then has no namespace); another single name is taken for
    a local directory unless `any_single` (datasets: `squad`, `imdb`, ... are all legacy).
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or is_local_path(value, call) or not valid_hub_id(value):
        return None
    if "/" not in value and not any_single and not LEGACY_MODEL.fullmatch(value):
        return None
    return value


def hub_url(url: str) -> tuple[str, str | None, str] | None:
    """(repo_id, revision, file) of a `https://huggingface.co/<id>/(blob|resolve)/<rev>/<file>`
    URL, a dataset URL (`/datasets/<id>/...`) keeping the `datasets/` marker in repo_id."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.hostname not in HF_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    prefix = ""
    if segments[:1] == ["datasets"]:
        prefix, segments = "datasets/", segments[1:]
    if len(segments) >= 4 and segments[2] in ("blob", "resolve"):
        repo = "/".join(segments[:2])
        return prefix + repo, segments[3], "/".join(segments[4:])
    return None


def revision_of(call: CallSite, *names: str) -> str | None:
    """The literal `revision=` (or another keyword) of a call."""
    for name in names or ("revision",):
        value = call.kwargs.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def trusts_remote_code(call: CallSite) -> bool:
    """`trust_remote_code=True` given directly or inside a `*_kwargs={...}` dict."""
    if call.kwargs.get("trust_remote_code") is True:
        return True
    for key, value in call.kwargs.items():
        if key.endswith("kwargs") and isinstance(value, dict) and value.get("trust_remote_code"):
            return True
    return False


def hub_records(
    call: CallSite,
    repo_id: str,
    *,
    repo_type: str = "model",
    revision: str | None = None,
    properties: tuple[tuple[str, str], ...] = (),
    remote_code: bool = False,
) -> Iterator[Record]:
    """Component, project edge, HubReference (and RemoteCodeEnabled) of one hub sighting."""
    ref = hub_ref(repo_id, revision, repo_type=repo_type)
    props = [("aibom:hub", "huggingface"), *properties]
    if revision:
        props.append(("aibom:revision", revision))
    if call.cell is not None:
        props.append(("aibom:notebook-cell", str(call.cell)))
    commit = revision.lower() if revision and is_commit(revision.lower()) else None
    yield Component(
        bom_ref=ref,
        type=ComponentType.DATA if repo_type == "dataset" else ComponentType.MODEL,
        name=repo_id,
        version=commit,
        purl=huggingface_purl(repo_id, revision, repo_type=repo_type),
        locations=(call.location,),
        origin=call.origin,
        properties=tuple(props),
    )
    yield Edge(parent=call.project, child=ref)
    yield HubReference(
        component=ref,
        repo_id=repo_id,
        repo_type=repo_type,
        revision=revision,
        location=call.location,
        via=call.via(),
    )
    if remote_code:
        yield RemoteCodeEnabled(
            component=ref,
            location=call.location,
            detail=f"trust_remote_code=True in {call.callee}",
        )


def lineage(model: str, ancestor: str, kind: str) -> Edge:
    """A lineage edge: `model` was made from `ancestor` (kind base-model or trained-on)."""
    return Edge(parent=model, child=ancestor, kind=kind)


def produced_id(
    call: CallSite, expr: ast.expr | None, *names: str
) -> tuple[str, str | None] | None:
    """(repo_id, revision) of the hub load that produced `expr` (its first argument or
    keyword `names`), e.g. the base model object handed to `PeftModel.from_pretrained`."""
    if expr is None:
        return None
    site = call.producer(expr)
    if site is None:
        return None
    repo = hub_id(site.arg(0, *names), site)
    return None if repo is None else (repo, revision_of(site))
