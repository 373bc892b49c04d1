"""Model loaders outside the Hugging Face libraries that still name hub repos: vLLM
(`LLM(model=...)`, `EngineArgs`), llama-cpp-python (`Llama.from_pretrained(repo_id,
filename)`), timm / open_clip (`hf-hub:org/name` ids only; plain architecture names are
not hub ids) and spaCy pipeline packages (`spacy.load("en_core_web_sm")`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.identity import pypi_purl
from scanner.model import Component, ComponentType, Edge, Record
from scanner.references.base import CallSite, hub_id, hub_records, revision_of, trusts_remote_code

HF_HUB_PREFIXES = ("hf-hub:", "hf_hub:")
"""timm / open_clip take a hub model only in this form; a plain name is an architecture."""
SPACY_PACKAGE = re.compile(r"[a-z]{2,3}_[a-z0-9_]+")


@dataclass(frozen=True, slots=True)
class Vllm:
    """vLLM engines: the model and a separately given tokenizer."""

    name: str = "vllm"
    callees: tuple[str, ...] = ("vllm*.LLM", "vllm*.EngineArgs", "vllm*.AsyncEngineArgs")

    def match(self, call: CallSite) -> Iterator[Record]:
        """Model and tokenizer of one engine."""
        remote = trusts_remote_code(call)
        props = (("aibom:loader", call.callee),)
        keys = ((0, "model", "revision"), (None, "tokenizer", "tokenizer_revision"))
        for index, key, revision_key in keys:
            repo = hub_id(call.arg(index, key), call)
            if repo is not None:
                revision = revision_of(call, revision_key)
                yield from hub_records(
                    call, repo, revision=revision, properties=props, remote_code=remote
                )


@dataclass(frozen=True, slots=True)
class LlamaCpp:
    """`Llama.from_pretrained(repo_id, filename)`: a GGUF file of a hub repo."""

    name: str = "llama-cpp"
    callees: tuple[str, ...] = ("llama_cpp*.from_pretrained",)

    def match(self, call: CallSite) -> Iterator[Record]:
        """The repo, with the file (pattern) asked for."""
        repo = hub_id(call.arg(0, "repo_id"), call)
        if repo is None:
            return
        props = [("aibom:loader", call.callee)]
        filename = call.string(1, "filename")
        if filename:
            props.append(("aibom:file", filename))
        yield from hub_records(call, repo, revision=revision_of(call), properties=tuple(props))


@dataclass(frozen=True, slots=True)
class TimmOpenClip:
    """timm and open_clip models named `hf-hub:org/name`."""

    name: str = "timm-open-clip"
    callees: tuple[str, ...] = (
        "timm*.create_model",
        "open_clip*.create_model",
        "open_clip*.create_model_and_transforms",
        "open_clip*.create_model_from_pretrained",
        "open_clip*.get_tokenizer",
    )

    def match(self, call: CallSite) -> Iterator[Record]:
        """The hub model of an `hf-hub:` id."""
        for value in (call.arg(0, "model_name"), call.arg(None, "pretrained")):
            if not isinstance(value, str) or not value.startswith(HF_HUB_PREFIXES):
                continue
            repo = hub_id(value, call)
            if repo is not None:
                props = (("aibom:loader", call.callee),)
                yield from hub_records(call, repo, properties=props)


@dataclass(frozen=True, slots=True)
class Spacy:
    """`spacy.load("<package>")`: a trained pipeline installed as a Python package."""

    name: str = "spacy"
    callees: tuple[str, ...] = ("spacy.load",)

    def match(self, call: CallSite) -> Iterator[Record]:
        """A model component referencing the pipeline's PyPI package."""
        package = call.string(0, "name")
        if package is None or not SPACY_PACKAGE.fullmatch(package):
            return
        ref = f"spacy:{package}"
        props = [("aibom:loader", call.callee), ("aibom:hub", "spacy")]
        if call.cell is not None:
            props.append(("aibom:notebook-cell", str(call.cell)))
        yield Component(
            bom_ref=ref,
            type=ComponentType.MODEL,
            name=package,
            purl=pypi_purl(package),
            locations=(call.location,),
            origin=call.origin,
            properties=tuple(props),
        )
        yield Edge(parent=call.project, child=ref)
