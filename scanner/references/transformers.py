"""transformers: `<Class>.from_pretrained(id)` of any transformers class and
`pipeline(task, model=id, tokenizer=id)`.

A `pipeline(task)` without a model makes transformers pick a default model at run time; that
is not reported here (there is no id to report).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.model import Record
from scanner.references.base import CallSite, hub_id, hub_records, revision_of, trusts_remote_code

ID_KEYWORDS = ("pretrained_model_name_or_path",)


def class_name(callee: str) -> str:
    """`AutoModel` of `transformers.AutoModel.from_pretrained`."""
    parts = callee.split(".")
    return parts[-2] if len(parts) >= 3 else ""


def extra_properties(call: CallSite) -> tuple[tuple[str, str], ...]:
    """Properties of a load worth keeping: which file or subfolder of the repo."""
    props = [("aibom:loader", call.callee)]
    for key in ("subfolder", "gguf_file", "code_revision"):
        value = call.string(None, key)
        if value:
            props.append((f"aibom:{key.replace('_', '-')}", value))
    return tuple(props)


@dataclass(frozen=True, slots=True)
class FromPretrained:
    """`transformers.<Class>.from_pretrained(...)` for any class (Auto*, *For*, tokenizers,
    processors, configs): the first argument is a hub id or a local path."""

    name: str = "transformers-from-pretrained"
    callees: tuple[str, ...] = ("transformers.*.from_pretrained",)

    def match(self, call: CallSite) -> Iterator[Record]:
        """A model component per resolvable hub id."""
        cls = class_name(call.callee)
        if not cls[:1].isupper() or cls.endswith("()"):
            return
        repo = hub_id(call.arg(0, *ID_KEYWORDS), call)
        if repo is None:
            return
        yield from hub_records(
            call,
            repo,
            revision=revision_of(call),
            properties=extra_properties(call),
            remote_code=trusts_remote_code(call),
        )


@dataclass(frozen=True, slots=True)
class Pipeline:
    """`transformers.pipeline(task, model=..., tokenizer=...)`."""

    name: str = "transformers-pipeline"
    callees: tuple[str, ...] = ("transformers.pipeline", "transformers.pipelines.pipeline")

    def match(self, call: CallSite) -> Iterator[Record]:
        """The model (and a tokenizer / processor given by id) of one pipeline."""
        task = call.string(0, "task")
        props = [("aibom:loader", call.callee)]
        if task:
            props.append(("aibom:task", task))
        remote = trusts_remote_code(call)
        for index, key in ((1, "model"), (2, "config"), (3, "tokenizer")):
            repo = hub_id(call.arg(index, key), call)
            if repo is not None:
                yield from hub_records(
                    call,
                    repo,
                    revision=revision_of(call),
                    properties=tuple(props),
                    remote_code=remote,
                )
        for key in ("feature_extractor", "image_processor", "processor"):
            repo = hub_id(call.arg(None, key), call)
            if repo is not None:
                yield from hub_records(call, repo, revision=revision_of(call))
