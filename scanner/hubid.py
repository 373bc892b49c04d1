"""Is this string a Hugging Face Hub id? And the records every hub reference turns into.

The one home of hub id syntax, URL forms, legacy names and canonicalisation: the config,
card and artifact readers and the Python code patterns (through `base.hub_id`) all ask here,
so an id is accepted or refused the same way wherever it is written, and `gpt2` in code and
in a config is the one component `openai-community/gpt2`.

`repo_id(text)` accepts `org/name` spelled with the Hub's allowed characters (letters,
digits, `-`, `_`, `.`; at most 96 per part; no `--` or `..`; no part starting or ending
with `-` or `.`), the URL forms `hf-hub:<id>` (timm, open_clip), `hf://<id>`,
`hf.co/<id>` and `https://huggingface.co/<id>`, and a single name only when it is one of
the well-known legacy canonical models in `LEGACY` (`gpt2`, `bert-base-uncased`, ...) or
when the caller knows any single name is a hub repo (`any_single`: `load_dataset("squad")`).
Anything else, local paths included, is not a hub id: `output/checkpoint-500` has the
right shape, so names whose first part is a usual local directory (`LOCAL_DIRS`) or whose
last part ends with a file extension (`FILE_SUFFIXES`) are refused. `hub_id(text)` also
keeps the repo type and the revision a URL names; `in_tree` says whether an id written
plainly is also a file or directory of the scanned tree (then it is a local path).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from scanner.context import ScanContext
from scanner.identity import hub_ref, huggingface_purl, is_commit
from scanner.model import Component, ComponentType, HubReference, Location
from scanner.pathtext import parent_text
from scanner.walk import file_texts, holds_text

PART = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?")
URL_PREFIXES = (
    "hf-hub:",
    "hf_hub:",
    "hf://",
    "https://huggingface.co/",
    "http://huggingface.co/",
    "huggingface.co/",
    "https://hf.co/",
    "hf.co/",
)
URL_TYPES = {"datasets": "dataset", "spaces": "space"}
HF_HOSTS = ("huggingface.co", "hf.co")
LEGACY = {
    # Verified 2026-11-21 (every entry) against: huggingface/transformers PR #28795 "canonical
    # repos moves" (2024-01-31: canonical repos moved under org namespaces, old ids still
    # redirect) and the archive maps it rewrote, src/transformers/models/deprecated/
    # _archive_maps.py (v4.40): ALBERT, BERT (incl. dbmdz and whole-word-masking-squad),
    # CAMEMBERT, CTRL, GPT2 (incl. distilgpt2), OPENAI_GPT, ROBERTA (incl. distilroberta and
    # the openai-detectors), T5, TRANSFO_XL, XLM_ROBERTA, XLNET. The DistilBERT map there kept
    # the old ids; its moves are confirmed by transformers' pipelines defaults
    # (`distilbert/distilbert-base-uncased-finetuned-sst-2-english`,
    # `distilbert/distilbert-base-cased-distilled-squad`) and the model pages
    # https://huggingface.co/distilbert/<name> linked from public code and docs.
    "albert-base-v1": "albert/albert-base-v1",
    "albert-base-v2": "albert/albert-base-v2",
    "albert-large-v1": "albert/albert-large-v1",
    "albert-large-v2": "albert/albert-large-v2",
    "albert-xlarge-v1": "albert/albert-xlarge-v1",
    "albert-xlarge-v2": "albert/albert-xlarge-v2",
    "albert-xxlarge-v1": "albert/albert-xxlarge-v1",
    "albert-xxlarge-v2": "albert/albert-xxlarge-v2",
    "bert-base-cased": "google-bert/bert-base-cased",
    "bert-base-cased-finetuned-mrpc": "google-bert/bert-base-cased-finetuned-mrpc",
    "bert-base-chinese": "google-bert/bert-base-chinese",
    "bert-base-german-cased": "google-bert/bert-base-german-cased",
    "bert-base-german-dbmdz-cased": "google-bert/bert-base-german-dbmdz-cased",
    "bert-base-german-dbmdz-uncased": "google-bert/bert-base-german-dbmdz-uncased",
    "bert-base-multilingual-cased": "google-bert/bert-base-multilingual-cased",
    "bert-base-multilingual-uncased": "google-bert/bert-base-multilingual-uncased",
    "bert-base-uncased": "google-bert/bert-base-uncased",
    "bert-large-cased": "google-bert/bert-large-cased",
    "bert-large-cased-whole-word-masking": "google-bert/bert-large-cased-whole-word-masking",
    "bert-large-cased-whole-word-masking-finetuned-squad": (
        "google-bert/bert-large-cased-whole-word-masking-finetuned-squad"
    ),
    "bert-large-uncased": "google-bert/bert-large-uncased",
    "bert-large-uncased-whole-word-masking": "google-bert/bert-large-uncased-whole-word-masking",
    "bert-large-uncased-whole-word-masking-finetuned-squad": (
        "google-bert/bert-large-uncased-whole-word-masking-finetuned-squad"
    ),
    "camembert-base": "almanach/camembert-base",
    "ctrl": "Salesforce/ctrl",
    "distilbert-base-cased": "distilbert/distilbert-base-cased",
    "distilbert-base-cased-distilled-squad": "distilbert/distilbert-base-cased-distilled-squad",
    "distilbert-base-german-cased": "distilbert/distilbert-base-german-cased",
    "distilbert-base-multilingual-cased": "distilbert/distilbert-base-multilingual-cased",
    "distilbert-base-uncased": "distilbert/distilbert-base-uncased",
    "distilbert-base-uncased-distilled-squad": "distilbert/distilbert-base-uncased-distilled-squad",
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
    "roberta-base-openai-detector": "openai-community/roberta-base-openai-detector",
    "roberta-large": "FacebookAI/roberta-large",
    "roberta-large-mnli": "FacebookAI/roberta-large-mnli",
    "roberta-large-openai-detector": "openai-community/roberta-large-openai-detector",
    "t5-11b": "google-t5/t5-11b",
    "t5-3b": "google-t5/t5-3b",
    "t5-base": "google-t5/t5-base",
    "t5-large": "google-t5/t5-large",
    "t5-small": "google-t5/t5-small",
    "transfo-xl-wt103": "transfo-xl/transfo-xl-wt103",
    "xlm-roberta-base": "FacebookAI/xlm-roberta-base",
    "xlm-roberta-large": "FacebookAI/xlm-roberta-large",
    "xlnet-base-cased": "xlnet/xlnet-base-cased",
    "xlnet-large-cased": "xlnet/xlnet-large-cased",
}
"""Legacy single-name ids (still redirected by the Hub) -> the namespaced id they moved to."""
LOCAL_DIRS = frozenset(
    {
        "artifacts", "cache", "checkpoint", "checkpoints", "ckpt", "ckpts", "data", "local",
        "logs", "model", "models", "out", "output", "outputs", "results", "runs", "save",
        "saved_model", "saved_models", "saves", "src", "tmp", "weights", "workspace",
    }
)  # fmt: skip
FILE_SUFFIXES = re.compile(
    r"\.(?:arrow|bin|csv|ckpt|gguf|h5|json|jsonl|msgpack|npy|npz|onnx|parquet|pickle|pkl"
    r"|keras|pt|pth|py|safetensors|tar|tflite|gz|tsv|txt|ya?ml|zip)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class HubId:
    """A hub repository named by a string: id, type and (from a URL) revision."""

    repo_id: str
    repo_type: str = "model"
    revision: str | None = None
    written: str | None = field(default=None, compare=False)
    """The text as written (kept as `aibom:hub:written-as` when it is not the id)."""

    @property
    def name(self) -> str:
        """The id the component is named by (a legacy model id's namespaced id)."""
        return canonical(self.repo_id, self.repo_type)

    @property
    def url_form(self) -> bool:
        """True when written as a URL (`hf-hub:`, `https://huggingface.co/...`)."""
        return self.written is not None and self.written != self.repo_id


def repo_id(text: str) -> str | None:
    """`org/name` when `text` names a hub repository (see the module docstring), else None."""
    found = hub_id(text)
    return found.repo_id if found else None


def hub_id(text: str, *, any_single: bool = False) -> HubId | None:
    """The hub repository `text` names (plain id or URL form), or None.

    `any_single` also takes a single valid name that is not a legacy model id (for
    callers whose argument is always a hub repo, such as `load_dataset`)."""
    text = text.strip()
    found = parse(text, any_single=any_single)
    if found is None:
        return None
    return HubId(
        repo_id=found.repo_id, repo_type=found.repo_type, revision=found.revision, written=text
    )


def parse(text: str, *, any_single: bool) -> HubId | None:
    """`hub_id` without the written form."""
    for prefix in URL_PREFIXES:
        if text.startswith(prefix):
            return from_url(text[len(prefix) :], url=prefix.startswith(("http", "huggingface")))
    if text in LEGACY or (any_single and valid_part(text) and text.lower() not in LOCAL_DIRS):
        return None if FILE_SUFFIXES.search(text) else HubId(repo_id=text)
    return HubId(repo_id=text) if plain_id(text) else None


def hub_file(url: str) -> tuple[HubId, str] | None:
    """The repo and the file a hub file URL names:
    `https://huggingface.co/[datasets/]<id>/(blob|resolve)/<rev>/<file>`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.hostname not in HF_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    repo_type = "model"
    if segments[:1] and segments[0] in URL_TYPES:
        repo_type, segments = URL_TYPES[segments[0]], segments[1:]
    if len(segments) < 5 or segments[2] not in ("blob", "resolve"):
        return None
    candidate = "/".join(segments[:2])
    if not plain_id(candidate, strict=False):
        return None
    found = HubId(repo_id=candidate, repo_type=repo_type, revision=segments[3], written=url)
    return found, "/".join(segments[4:])


def in_tree(ctx: ScanContext, rel: PurePosixPath, written: str) -> bool:
    """True when `written`, read as a path from the file `rel`, from its project or from
    the scan root, is a file or directory of the scanned tree (then it is a local path)."""
    return local_path(ctx, rel, written) is not None


def local_path(ctx: ScanContext, rel: PurePosixPath, written: str) -> PurePosixPath | None:
    """The file or directory of the scanned tree `written` names, read as a relative path
    from the file `rel`, from its project or from the scan root (first found), else None."""
    if not written or posixpath.isabs(written):
        return None
    parent = parent_text(str(rel))
    known: dict[tuple[str, str], PurePosixPath | None] = ctx.memo.setdefault(LOCAL_PATHS_KEY, {})
    key = (parent, written)  # the answer depends on the directory of `rel` only
    if key not in known:
        known[key] = find_local(ctx, (parent, str(ctx.project_dir_for(rel)), "."), written)
    return known[key]


def find_local(ctx: ScanContext, bases: tuple[str, ...], written: str) -> PurePosixPath | None:
    """The first of `written` read from each of `bases` that is in the scanned tree."""
    dirs = tree_dirs(ctx)
    for base in bases:  # texts: no path object per base
        target = posixpath.normpath(posixpath.join(base, written))
        if target.startswith("../") or target == "..":
            continue
        if target in dirs or holds_text(ctx.files, target):
            return PurePosixPath(target)
    return None


LOCAL_PATHS_KEY = ("aibom:local-paths", PurePosixPath("."))
"""The memo key of `local_path`'s answers, by (directory of the file, path written)."""
TREE_DIRS_KEY = ("aibom:tree-dirs", PurePosixPath("."))
"""The memo key of `tree_dirs` (made once: a path per call cost more than the look-up)."""


def tree_dirs(ctx: ScanContext) -> frozenset[str]:
    """Every directory holding a walked file, as a POSIX string (memoised in ctx)."""
    found: frozenset[str] | None = ctx.memo.get(TREE_DIRS_KEY)
    if found is None:
        dirs: set[str] = set()
        for text in file_texts(ctx.files):
            cut = text.rfind("/")
            while cut > 0 and text[:cut] not in dirs:
                dirs.add(text[:cut])
                cut = text.rfind("/", 0, cut)
        found = ctx.memo[TREE_DIRS_KEY] = frozenset(dirs)
    return found


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


def canonical(repo: str, repo_type: str = "model") -> str:
    """The namespaced id of a legacy single-name model id (`gpt2` -> `openai-community/gpt2`)."""
    return LEGACY.get(repo, repo) if repo_type == "model" else repo


def component_ref(found: HubId, revision: str | None) -> str:
    """The bom-ref `hub_records` gives a sighting of `found` at `revision`."""
    return hub_ref(found.name, revision, repo_type=found.repo_type)


def hub_records(
    repo: str,
    *,
    revision: str | None,
    repo_type: str,
    location: Location,
    via: str,
    origin: str,
    written: str | None = None,
    properties: tuple[tuple[str, str], ...] = (),
) -> Iterator[Component | HubReference]:
    """The component and the HubReference observation for one sighting of a hub repo.

    Legacy ids are named by the id they moved to, so that `gpt2` and
    `openai-community/gpt2` are one component; `written` (a URL form, say) and a legacy id
    are kept as the property `aibom:hub:written-as`; `properties` are added after those.
    """
    name = canonical(repo, repo_type)
    ref = hub_ref(name, revision, repo_type=repo_type)
    props = [("aibom:hub", "huggingface")]
    if revision:
        props.append(("aibom:revision", revision))
    if (written or repo) != name:
        props.append(("aibom:hub:written-as", written or repo))
    props.extend(properties)
    commit = revision.lower() if revision and is_commit(revision.lower()) else None
    yield Component(
        bom_ref=ref,
        type=ComponentType.DATA if repo_type == "dataset" else ComponentType.MODEL,
        name=name,
        version=commit,
        purl=huggingface_purl(name, revision, repo_type=repo_type),
        locations=(location,),
        origin=origin,
        properties=tuple(props),
    )
    yield HubReference(
        component=ref,
        repo_id=repo,
        repo_type=repo_type,
        revision=revision,
        location=location,
        via=via,
    )
