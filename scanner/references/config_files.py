"""Hub models and datasets named in YAML / JSON / TOML training and serving configs.

Any `.yaml`, `.yml`, `.json` or `.toml` file is claimed, except the files other sources own
or that never name models (`SKIP_NAMES`, `SKIP_PATTERNS`, anything under `SKIP_DIRS`:
lockfiles, `pyproject.toml`, conda environments, package manifests, tool configs, CI
workflows, tokenizer files). A file that mentions none of the keys below is not parsed at
all, so unrelated broken YAML (Helm or Jinja templates) is not a problem, and neither is a
big data file that names none. One over `Limits.max_config_bytes` that does is a problem,
not parsed; a tree nested deeper than `Limits.max_nesting` or searched for longer than
`Limits.max_file_seconds` is a problem too, with what was found before it kept.

Keys (at any depth): `MODEL_KEYS` and `DATA_KEYS` whose string value is a hub id
(`hubid.hub_id`), lists of ids under them, and list items that are tables with a `path`
(axolotl's `datasets:`). The revision comes from a sibling key (`REVISION_KEYS`), and a
model's sibling `trust_remote_code: true` (also spelled `trust-remote-code`, as vLLM's
`--config` file does, or inside a sibling `*_kwargs` / `*_args` table such as
`model_kwargs:`) is a RemoteCodeEnabled observation. Not references:
values that are not hub ids, ids that name a file or directory of the scanned tree, and
`model:` under a hosted-API config (a sibling `api_key` / `base_url` / ..., a
`litellm_params` table, or a provider prefix such as `bedrock/`): hosted models are
recognised in code. In a PEFT `adapter_config.json`, `base_model_name_or_path` is the
adapter directory's base model (a `base-model` edge from `model:<dir>`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import translate
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.context import FileBudget, decode_text
from scanner.hubid import HubId, hub_id, hub_records, in_tree
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    Location,
    Problem,
    Record,
    RemoteCodeEnabled,
)
from scanner.references.configdocs import Locator, Path, documents
from scanner.sources.base import EntryKind, ScanContext, WalkEntry, project_parent

NAME = "config-files"
SUFFIXES = (".yaml", ".yml", ".json", ".toml")
SKIP_NAMES = frozenset(
    {
        ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".readthedocs.yaml",
        ".readthedocs.yml", ".gitlab-ci.yml", ".codecov.yml", "codecov.yml", "mkdocs.yml",
        "mkdocs.yaml", "cargo.toml", "composer.json", "dvc.yaml", "package.json",
        "package-lock.json", "pnpm-lock.yaml", "pyproject.toml", "ruff.toml", ".ruff.toml",
        "uv.toml", "taplo.toml", "typos.toml", "_typos.toml", "special_tokens_map.json",
        "tokenizer.json", "tokenizer_config.json", "vocab.json", "renovate.json",
    }
)  # fmt: skip
SKIP_PATTERNS = (
    "*.lock.*",
    "*lock.yaml",
    "*lock.yml",
    "environment*.y*ml",
    "pylock*.toml",
    "tsconfig*.json",
    "jsconfig*.json",
    "*.schema.json",
)
SKIPPED = re.compile("|".join(translate(pattern) for pattern in SKIP_PATTERNS))
"""`SKIP_PATTERNS` as one regex: a match is `fnmatch` against some pattern (names lowered)."""
SKIP_DIRS = frozenset({".github", ".vscode", ".idea", ".devcontainer", ".circleci"})
MODEL_KEYS = frozenset(
    {
        "model_name_or_path", "pretrained_model_name_or_path", "base_model", "model", "model_id",
        "model_name", "tokenizer_name", "tokenizer_name_or_path", "teacher_model",
        "teacher_model_name_or_path", "reward_model", "reward_model_name_or_path", "ref_model",
        "base_model_name_or_path", "base_model_config",
    }
)  # fmt: skip
DATA_KEYS = frozenset({"dataset_name", "dataset", "datasets", "dataset_id", "hf_hub_url"})
TABLE_ID_KEYS = ("path", "repo_id", "id")
REVISION_KEYS = {
    "model": ("{key}_revision", "model_revision", "revision", "revision_of_model"),
    "dataset": ("{key}_revision", "dataset_revision", "revision"),
}
HOSTED_SIBLINGS = frozenset(
    {"api_key", "api_base", "base_url", "api_version", "api_type", "provider", "endpoint"}
)
HOSTED_PREFIXES = frozenset(
    {
        "anthropic", "azure", "azure_ai", "bedrock", "cohere", "deepseek", "fireworks_ai",
        "gemini", "groq", "hosted_vllm", "mistral", "ollama", "openrouter", "perplexity",
        "replicate", "sagemaker", "together_ai", "vertex_ai", "watsonx", "xai",
    }
)  # fmt: skip
HOSTED_MODEL_KEYS = frozenset({"model", "model_name", "model_id"})
REMOTE_CODE_KEYS = ("trust_remote_code", "trust-remote-code")
TRUE_VALUES = (True, "true", "True", "TRUE")
MAX_KWARGS_DEPTH = 4
MENTIONS = re.compile("|".join(sorted(MODEL_KEYS | DATA_KEYS, key=len, reverse=True)).encode())
"""Any key of `MODEL_KEYS` or `DATA_KEYS` in the raw bytes (what `mentions` answers)."""
KEY_CORES = (b"model", b"dataset", b"tokenizer_name", b"hf_hub_url")
"""Every key holds one of these, and `model` and `dataset` are keys themselves: a file holds
some key exactly when it holds one of these (a test holds this to `MENTIONS`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One hub id found at `path` / `key` (a list index for ids listed under a key)."""

    found: HubId
    via: str
    path: Path
    key: str | int
    written: str
    remote_code: tuple[Path, str] | None = None
    """Where remote code is enabled for this id: the table's path and the key."""


@dataclass(frozen=True, slots=True)
class ConfigFileReader:
    """Training and serving configs (YAML, JSON, TOML) that name hub models and datasets."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"yaml", "yml", "json", "toml"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Config-like files by suffix, minus the skip lists (any size: see `collect`)."""
        name = entry.name.lower()
        if entry.kind is not EntryKind.FILE or not name.endswith(SUFFIXES):
            return False
        if name in SKIP_NAMES or any(part in SKIP_DIRS for part in entry.rel.parts[:-1]):
            return False
        return SKIPPED.match(name) is None

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Hub components, HubReference observations and edges from the project; a problem
        for a file over `max_config_bytes` that mentions a key (one that names none is
        fully checked by the search and has nothing to report)."""
        data = ctx.read_bytes(entry.rel, path=entry.path)
        if not mentions(data):
            return
        cap = ctx.limits.max_config_bytes
        if len(data) > cap:
            why = f"larger than {cap:,} bytes (limit max-config-bytes)"
            message = f"{why}; not read for model references"
            yield Problem(location=Location(file=entry.rel), message=message)
            return
        walk = Walk(budget=ctx.budget("config values"), max_depth=ctx.limits.max_nesting)
        project = ""  # the project's bom-ref, looked up at the first hit
        text = decode_text(entry.rel, data)  # the bytes read once: not read again to parse
        for tree, locate in documents(entry.rel, text, ctx.limits):
            for hit in find(tree, (), walk):
                if local(ctx, entry.rel, hit):
                    continue
                line = locate(hit.path, hit.key, hit.written)
                project = project or project_parent(entry, ctx)
                location = Location(file=entry.rel, line=line)
                yield from records(entry, project, hit, location, locate)
        yield from walk.problems(entry.rel)


def mentions(data: bytes) -> bool:
    """True when `data` holds a key of `MODEL_KEYS` or `DATA_KEYS` (`MENTIONS.search`)."""
    return any(core in data for core in KEY_CORES)  # four substring scans beat the regex


@dataclass(slots=True, kw_only=True)
class Walk:
    """The search of one file: its clock, its depth cap, and whether either cut it short."""

    budget: FileBudget
    max_depth: int
    too_deep: bool = False
    """Some value was nested deeper than `max_depth` (it was skipped, its siblings not)."""
    stopped: str | None = None
    """Why the search stopped early (out of time), else None."""

    def over(self) -> bool:
        """True once the search is out of time (a method: mypy would narrow the field)."""
        return self.stopped is not None

    def problems(self, rel: PurePosixPath) -> Iterator[Problem]:
        """What the search could not cover."""
        if self.too_deep:
            limit = f"nested deeper than {self.max_depth} levels (limit max-nesting)"
            message = f"{limit}; the deeper values were not searched for model references"
            yield Problem(location=Location(file=rel), message=message)
        if self.stopped:
            message = f"{self.stopped}; not searched further for model references"
            yield Problem(location=Location(file=rel), message=message)


def find(tree: Any, path: Path, walk: Walk) -> Iterator[Hit]:
    """Hub ids under the recognised keys, depth first in document order, skipping values
    nested deeper than `walk` allows and stopping when it is out of time."""
    if walk.over():
        return
    if len(path) > walk.max_depth:
        walk.too_deep = True
        return
    if isinstance(tree, list):
        for index, item in enumerate(tree):
            if walk.over():
                return
            yield from find(item, (*path, index), walk)
        return
    if not isinstance(tree, dict):
        return
    # the clock only, no entry count: the file's size is capped already, and a model
    # config.json's 21,843-label `id2label` table is no offence
    if stop := walk.budget.tick():
        walk.stopped = stop
        return
    for key, value in tree.items():
        if walk.over():
            return
        if key in MODEL_KEYS and not hosted(tree, key, value, path):
            yield from ids(tree, key, value, path, "model")
        elif key in DATA_KEYS:
            yield from ids(tree, key, value, path, "dataset")
        if isinstance(value, dict | list):
            yield from find(value, (*path, key), walk)


def ids(table: Mapping[str, Any], key: str, value: Any, path: Path, kind: str) -> Iterator[Hit]:
    """Hits for one key: a string id, a list of ids, or a list of tables with a `path`."""
    trust = remote_code_key(table, path) if kind == "model" else None
    revision = sibling_revision(table, key, kind)
    if isinstance(value, str):
        found = typed(hub_id(value), kind, revision)
        if found:
            yield Hit(
                found=found,
                via=f"config:{key}",
                path=path,
                key=key,
                written=value,
                remote_code=trust,
            )
        return
    if isinstance(value, dict):
        yield from table_item(value, (*path, key), key, kind)
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        if isinstance(item, str) and (found := typed(hub_id(item), kind, revision)):
            yield Hit(
                found=found,
                via=f"config:{key}",
                path=(*path, key),
                key=index,
                written=item,
                remote_code=trust,
            )
        elif isinstance(item, dict):
            yield from table_item(item, (*path, key, index), key, kind)


def remote_code_key(
    table: Mapping[str, Any], path: Path, depth: int = 0
) -> tuple[Path, str] | None:
    """(table path, key) of a true remote-code key in `table` or in a `*_kwargs` / `*_args`
    table under it, else None."""
    for key in REMOTE_CODE_KEYS:
        if table.get(key) in TRUE_VALUES:
            return path, key
    if depth >= MAX_KWARGS_DEPTH:
        return None
    for key, value in table.items():
        if isinstance(value, dict) and key.endswith(("kwargs", "_args")):
            found = remote_code_key(value, (*path, key), depth + 1)
            if found:
                return found
    return None


def table_item(item: Mapping[str, Any], path: Path, key: str, kind: str) -> Iterator[Hit]:
    """`- path: org/name` (with `revision:`) in a list of dataset or model tables."""
    for id_key in TABLE_ID_KEYS:
        value = item.get(id_key)
        if isinstance(value, str):
            revision = item.get("revision") if isinstance(item.get("revision"), str) else None
            found = typed(hub_id(value), kind, revision)
            if found:
                yield Hit(found=found, via=f"config:{key}", path=path, key=id_key, written=value)
            return


def typed(found: HubId | None, kind: str, revision: str | None) -> HubId | None:
    """The id with the key's repo type (a URL's own type wins) and the sibling revision."""
    if found is None:
        return None
    repo_type = found.repo_type if found.repo_type != "model" else kind
    return HubId(repo_id=found.repo_id, repo_type=repo_type, revision=found.revision or revision)


def sibling_revision(table: Mapping[str, Any], key: str, kind: str) -> str | None:
    """The revision a sibling key gives for `key`'s id."""
    for pattern in REVISION_KEYS[kind]:
        value = table.get(pattern.format(key=key))
        if isinstance(value, str) and value:
            return value
    return None


def hosted(table: Mapping[str, Any], key: str, value: Any, path: Path) -> bool:
    """True when `model:` names a model behind a hosted API, not a hub repository."""
    if key not in HOSTED_MODEL_KEYS:
        return False
    if "litellm_params" in path or HOSTED_SIBLINGS & table.keys():
        return True
    return isinstance(value, str) and value.split("/", 1)[0].lower() in HOSTED_PREFIXES


def local(ctx: ScanContext, rel: PurePosixPath, hit: Hit) -> bool:
    """True when the id is also a file or directory of the scanned tree (a local path)."""
    if hit.written != hit.found.repo_id:
        return False  # a URL form is explicit
    return in_tree(ctx, rel, hit.written)


def records(
    entry: WalkEntry, project: str, hit: Hit, location: Location, locate: Locator
) -> Iterator[Record]:
    """Component, HubReference, the edge to it (from the `project` bom-ref) and a
    RemoteCodeEnabled when asked for."""
    found = hit.found
    comps = list(
        hub_records(
            found.repo_id,
            revision=found.revision,
            repo_type=found.repo_type,
            location=location,
            via=hit.via,
            origin=NAME,
            written=hit.written,
        )
    )
    yield from comps
    ref = comps[0].bom_ref if isinstance(comps[0], Component) else ""
    if entry.name == "adapter_config.json" and hit.key == "base_model_name_or_path":
        adapter = entry.rel.parent
        adapter_ref = f"model:{adapter}"
        yield Component(
            bom_ref=adapter_ref,
            type=ComponentType.MODEL,
            name=adapter.name or ".",
            locations=(Location(file=entry.rel),),
            origin=NAME,
        )
        yield Edge(parent=project, child=adapter_ref)
        yield Edge(parent=adapter_ref, child=ref, kind="base-model")
    else:
        yield Edge(parent=project, child=ref)
    if hit.remote_code:
        where, key = hit.remote_code
        line = locate(where, key, True)
        yield RemoteCodeEnabled(
            component=ref,
            location=Location(file=entry.rel, line=line or location.line),
            detail=f"{'.'.join(map(str, (*where[len(hit.path) :], key)))}: true for "
            f"{hit.via.removeprefix('config:')}",
        )
