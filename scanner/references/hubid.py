"""Is this string a Hugging Face Hub id? And the records every hub reference turns into.

`repo_id(text)` accepts `org/name` spelled with the Hub's allowed characters (letters,
digits, `-`, `_`, `.`; at most 96 per part; no `--` or `..`; no part starting or ending
with `-` or `.`), the URL forms `hf-hub:<id>` (timm, open_clip), `hf://<id>`,
`hf.co/<id>` and `https://huggingface.co/<id>`, and a single name only when it is one of
the well-known legacy canonical models in `LEGACY` (`gpt2`, `bert-base-uncased`, ...).
Anything else, local paths included, is not a hub id: `output/checkpoint-500` has the
right shape, so names whose first part is a usual local directory (`LOCAL_DIRS`) or whose
last part ends with a file extension (`FILE_SUFFIXES`) are refused. `hub_id(text)` also
keeps the repo type and the revision a URL names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.identity import hub_ref, huggingface_purl, is_commit
from scanner.model import Component, ComponentType, HubReference, Location

PART = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?")
URL_PREFIXES = (
    "hf-hub:",
    "hf://",
    "https://huggingface.co/",
    "http://huggingface.co/",
    "huggingface.co/",
    "https://hf.co/",
    "hf.co/",
)
URL_TYPES = {"datasets": "dataset", "spaces": "space"}
LEGACY = {
    "albert-base-v2": "albert/albert-base-v2",
    "bert-base-cased": "google-bert/bert-base-cased",
    "bert-base-chinese": "google-bert/bert-base-chinese",
    "bert-base-multilingual-cased": "google-bert/bert-base-multilingual-cased",
    "bert-base-multilingual-uncased": "google-bert/bert-base-multilingual-uncased",
    "bert-base-uncased": "google-bert/bert-base-uncased",
    "bert-large-cased": "google-bert/bert-large-cased",
    "bert-large-uncased": "google-bert/bert-large-uncased",
    "distilbert-base-cased": "distilbert/distilbert-base-cased",
    "distilbert-base-uncased": "distilbert/distilbert-base-uncased",
    "distilbert-base-uncased-finetuned-sst-2-english": (
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
    ),
    "distilgpt2": "distilbert/distilgpt2",
    "distilroberta-base": "distilbert/distilroberta-base",
    "gpt2": "openai-community/gpt2",
    "gpt2-large": "openai-community/gpt2-large",
    "gpt2-medium": "openai-community/gpt2-medium",
    "gpt2-xl": "openai-community/gpt2-xl",
    "openai-gpt": "openai-community/openai-gpt",
    "roberta-base": "FacebookAI/roberta-base",
    "roberta-large": "FacebookAI/roberta-large",
    "t5-base": "google-t5/t5-base",
    "t5-large": "google-t5/t5-large",
    "t5-small": "google-t5/t5-small",
    "xlm-roberta-base": "FacebookAI/xlm-roberta-base",
    "xlm-roberta-large": "FacebookAI/xlm-roberta-large",
}
"""Legacy single-name ids (still redirected by the Hub) -> the namespaced id they moved to."""
LOCAL_DIRS = frozenset(
    {
        "cache", "checkpoint", "checkpoints", "ckpt", "ckpts", "data", "local", "logs",
        "models", "out", "output", "outputs", "results", "runs", "save", "saves", "src",
        "tmp", "weights", "workspace",
    }
)  # fmt: skip
FILE_SUFFIXES = re.compile(
    r"\.(?:arrow|bin|csv|ckpt|gguf|h5|json|jsonl|msgpack|npy|npz|onnx|parquet|pickle|pkl"
    r"|pt|pth|py|safetensors|tar|gz|tsv|txt|ya?ml|zip)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class HubId:
    """A hub repository named by a string: id, type and (from a URL) revision."""

    repo_id: str
    repo_type: str = "model"
    revision: str | None = None


def repo_id(text: str) -> str | None:
    """`org/name` when `text` names a hub repository (see the module docstring), else None."""
    found = hub_id(text)
    return found.repo_id if found else None


def hub_id(text: str) -> HubId | None:
    """The hub repository `text` names (plain id or URL form), or None."""
    text = text.strip()
    for prefix in URL_PREFIXES:
        if text.startswith(prefix):
            return from_url(text[len(prefix) :], url=prefix.startswith(("http", "huggingface")))
    if text in LEGACY:
        return HubId(repo_id=text)
    return HubId(repo_id=text) if plain_id(text) else None


def from_url(rest: str, *, url: bool) -> HubId | None:
    """`[datasets/]org/name[@rev][/tree/<rev>|/resolve/<rev>/...]` after a URL prefix."""
    parts = rest.split("?", 1)[0].split("#", 1)[0].split("/")
    repo_type = "model"
    if parts and parts[0] in URL_TYPES:
        repo_type, parts = URL_TYPES[parts[0]], parts[1:]
    if len(parts) < 2:
        single = parts[0] if parts else ""
        return HubId(repo_id=single, repo_type=repo_type) if single in LEGACY else None
    name, _, revision = parts[1].partition("@")
    if len(parts) > 3 and url and parts[2] in ("tree", "resolve", "blob"):
        revision = parts[3]
    candidate = f"{parts[0]}/{name}"
    if not plain_id(candidate, strict=False):
        return None
    return HubId(repo_id=candidate, repo_type=repo_type, revision=revision or None)


def plain_id(text: str, *, strict: bool = True) -> bool:
    """True for `org/name` with valid parts; `strict` also refuses local-looking names."""
    org, slash, name = text.partition("/")
    if not slash or not valid_part(org) or not valid_part(name):
        return False
    return not strict or (org.lower() not in LOCAL_DIRS and not FILE_SUFFIXES.search(name))


def valid_part(part: str) -> bool:
    """One part of a repo id: allowed characters, length, no `--` / `..`."""
    return PART.fullmatch(part) is not None and "--" not in part and ".." not in part


def canonical(repo: str) -> str:
    """The namespaced id of a legacy single-name id (`gpt2` -> `openai-community/gpt2`)."""
    return LEGACY.get(repo, repo)


def hub_records(
    repo: str,
    *,
    revision: str | None,
    repo_type: str,
    location: Location,
    via: str,
    origin: str,
    written: str | None = None,
) -> Iterator[Component | HubReference]:
    """The component and the HubReference observation for one sighting of a hub repo.

    Legacy ids are named by the id they moved to, so that `gpt2` and
    `openai-community/gpt2` are one component; `written` (a URL form, say) and a legacy id
    are kept as the property `aibom:hub:written-as`.
    """
    name = canonical(repo)
    ref = hub_ref(name, revision, repo_type=repo_type)
    properties = [("aibom:hub", "huggingface")]
    if revision:
        properties.append(("aibom:revision", revision))
    if (written or repo) != name:
        properties.append(("aibom:hub:written-as", written or repo))
    commit = revision.lower() if revision and is_commit(revision.lower()) else None
    yield Component(
        bom_ref=ref,
        type=ComponentType.DATA if repo_type == "dataset" else ComponentType.MODEL,
        name=name,
        version=commit,
        purl=huggingface_purl(name, revision, repo_type=repo_type),
        locations=(location,),
        origin=origin,
        properties=tuple(properties),
    )
    yield HubReference(
        component=ref,
        repo_id=repo,
        repo_type=repo_type,
        revision=revision,
        location=location,
        via=via,
    )
