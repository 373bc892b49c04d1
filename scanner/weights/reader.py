"""The weight-file collector: FILE components for weight files, grouped into one MODEL
component per model directory.

It claims files by suffix (no I/O), then sniffs the first bytes: content decides the
format, the suffix only breaks ties, and a claimed file that is no weight file is skipped
silently. A directory holding `config.json` (or a PEFT, MLflow or diffusers marker file)
or sharded weights next to its weight files is a model directory: its first weight file
(in path order) reports the whole directory as one MODEL component, `model:<dir>`, with
every weight and companion file `nested`; its other files report nothing. Every file is
hashed (streamed SHA-256).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from licenses.normalize import normalize
from scanner import hubid
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.hashing import Progress, file_sha256
from scanner.identity import hub_ref, huggingface_purl
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    Hash,
    LicenseEvidence,
    Location,
    Problem,
    Record,
    SerializedImports,
)
from scanner.sources.base import project_parent
from scanner.walk import EntryKind, WalkEntry, claim_key
from scanner.weights.base import WeightFormat, WeightInfo, WeightLimits
from scanner.weights.serialized import SerializedInfo

ORIGIN = "weights"
PREFIX = "aibom:weights:"
COMPANIONS = frozenset(
    {
        "config.json",
        "generation_config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "tokenizer.model",
        "vocab.json",
        "vocab.txt",
        "merges.txt",
        "preprocessor_config.json",
        "adapter_config.json",
        "MLmodel",
        "model_index.json",
    }
)
MODEL_MARKERS = frozenset({"config.json", "adapter_config.json", "MLmodel", "model_index.json"})
"""Files that make their directory a model directory (HF, PEFT, MLflow, diffusers)."""
SHARD = re.compile(r"-\d{5}-of-\d{5}\.[a-z0-9]+$")
INDEX_SUFFIX = ".index.json"


@dataclass(frozen=True, slots=True)
class WeightFileReader:
    """The one `Source` of the weights package: runs the registered `WeightFormat`s."""

    formats: tuple[WeightFormat, ...]
    limits: WeightLimits = field(default_factory=WeightLimits)
    hash_files: bool = True
    progress: Progress | None = None
    name: str = ORIGIN

    def configured(self, ctx: ScanContext) -> WeightFileReader:
        """This reader with the scan's weight limits and `--no-hash` setting."""
        wanted = (ctx.limits.weights, ctx.hash_files, ctx.progress)
        if (self.limits, self.hash_files, self.progress) == wanted:
            return self
        return dataclasses.replace(
            self, limits=ctx.limits.weights, hash_files=ctx.hash_files, progress=ctx.progress
        )

    @property
    def claim_keys(self) -> frozenset[str]:
        """What `claims` can accept (`scanner.claims`): the formats' suffixes and names."""
        return frozenset(claim_key(hint) for hint in _hints(self.formats))

    def claims(self, entry: WalkEntry) -> bool:
        """A file whose suffix (or name, for `saved_model.pb`) hints at a weight format."""
        return entry.kind is EntryKind.FILE and self.hinted(entry.rel)

    def hinted(self, rel: PurePosixPath) -> bool:
        """True when `rel`'s suffix or name is one a format lists."""
        hints = _hints(self.formats)
        return rel.suffix.lower() in hints or rel.name in hints

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The file's component, or its model directory's when it leads that directory."""
        reader = self.configured(ctx)
        if reader is not self:
            yield from reader.collect(entry, ctx)
            return
        group = self.model_group(entry.rel, ctx)
        parent = project_parent(entry, ctx)
        if not group:
            found = self.file_records(entry.rel, entry.path)
            if found is not None:
                comp, observations = found
                yield from _problems(comp)
                yield comp
                yield Edge(parent=parent, child=comp.bom_ref, kind="contains")
                yield from observations
                yield from base_models(comp.bom_ref, (comp,))
            return
        if entry.rel != group[0]:
            return
        yield from self.model_records(entry.rel.parent, group, ctx, parent)

    def model_group(self, rel: PurePosixPath, ctx: ScanContext) -> list[PurePosixPath]:
        """Hinted files of `rel`'s directory in path order, when it is a model directory."""
        siblings = _directories(ctx).get(rel.parent, [])
        weights = [f for f in siblings if self.hinted(f)]
        if rel not in weights:
            weights = sorted({*weights, rel})
        names = {f.name for f in siblings}
        sharded = any(SHARD.search(f.name) or f.name.endswith(INDEX_SUFFIX) for f in siblings)
        return weights if names & MODEL_MARKERS or sharded else []

    def file_component(self, rel: PurePosixPath, path: Path) -> Component | None:
        """The FILE component of a weight file; None when its content is no weight format.

        Raises SourceError when it looks like a weight file but its header is unreadable.
        """
        found = self.file_records(rel, path)
        return found[0] if found is not None else None

    def file_records(
        self, rel: PurePosixPath, path: Path
    ) -> tuple[Component, tuple[SerializedImports, ...]] | None:
        """The FILE component of a weight file and what its import scan observed (for
        pickle-based and config-deserialised formats); None when it is no weight format."""
        fmt = self.choose(rel, path)
        if fmt is None:
            return None
        info = fmt.inspect(path, rel, self.limits)
        comp = _file(rel, path, info, hashed=self.hash_files, progress=self.progress)
        return comp, observations(comp, rel, info)

    def choose(self, rel: PurePosixPath, path: Path) -> WeightFormat | None:
        """The format of the file: a hinted format whose magic matches, else any strong
        magic match, else a hinted format that is read on its suffix alone."""
        try:
            with path.open("rb") as fh:
                head = fh.read(self.limits.head_bytes)
        except OSError as exc:
            raise SourceError(rel, f"could not be read: {exc.strerror}") from exc
        suffix, name = rel.suffix.lower(), rel.name
        hinted = [f for f in self.formats if suffix in f.suffixes or name in f.suffixes]
        for fmt in hinted:
            if fmt.magic(head):
                return fmt
        for fmt in self.formats:
            if fmt.sniffable and fmt.magic(head):
                return fmt
        return next((f for f in hinted if f.by_suffix), None)

    def model_records(
        self,
        directory: PurePosixPath,
        group: list[PurePosixPath],
        ctx: ScanContext,
        parent: str,
    ) -> Iterator[Record]:
        """One MODEL component for `directory`, its files nested, and problems."""
        nested: list[Component] = []
        for rel in group:
            seen: tuple[SerializedImports, ...] = ()
            try:
                found = self.file_records(rel, ctx.resolve(rel))
                comp, seen = found if found is not None else (None, ())
            except SourceError as exc:
                yield Problem(location=Location(file=exc.path, line=exc.line), message=exc.reason)
                comp = _unreadable(rel, ctx)
            if comp is not None:
                yield from _problems(comp)
                nested.append(comp)
                yield from seen
        nested.extend(
            _plain_file(rel, ctx.resolve(rel), "companion", hashed=self.hash_files)
            for rel in _directories(ctx).get(directory, [])
            if rel not in group and _companion(rel)
        )
        config, problem = _config(directory, ctx)
        if problem is not None:
            yield problem
        ref = f"model:{directory}"
        yield Component(
            bom_ref=ref,
            type=ComponentType.MODEL,
            name=_model_name(directory, config, ctx),
            locations=(Location(file=directory),),
            origin=ORIGIN,
            properties=_model_properties(config, nested),
            nested=tuple(nested),
        )
        yield Edge(parent=parent, child=ref, kind="contains")
        yield from base_models(ref, nested)


def _directories(ctx: ScanContext) -> dict[PurePosixPath, list[PurePosixPath]]:
    """The walked files by directory, sorted; built once per scan (kept in the memo)."""
    key = ("weights:directories", PurePosixPath("."))
    if key not in ctx.memo:
        index: dict[PurePosixPath, list[PurePosixPath]] = {}
        for rel in sorted(ctx.files):
            index.setdefault(rel.parent, []).append(rel)
        ctx.memo[key] = index
    found: dict[PurePosixPath, list[PurePosixPath]] = ctx.memo[key]
    return found


@functools.cache
def _hints(formats: tuple[WeightFormat, ...]) -> frozenset[str]:
    """Every suffix and file name the formats list."""
    return frozenset(s for f in formats for s in f.suffixes)


def _unreadable(rel: PurePosixPath, ctx: ScanContext) -> Component | None:
    """A weight file whose header failed: kept in its model with its hash, if hashable."""
    try:
        return _plain_file(rel, ctx.resolve(rel), "unreadable", hashed=ctx.hash_files)
    except SourceError:
        return None


def _problems(comp: Component) -> Iterator[Problem]:
    location = comp.locations[0]
    for key, value in comp.properties:
        if key == PREFIX + "problem":
            yield Problem(location=location, message=value)


def _companion(rel: PurePosixPath) -> bool:
    return rel.name in COMPANIONS or rel.name.endswith(INDEX_SUFFIX)


def _config(directory: PurePosixPath, ctx: ScanContext) -> tuple[dict[str, object], Problem | None]:
    rel = (
        directory / "config.json"
        if directory != PurePosixPath(".")
        else PurePosixPath("config.json")
    )
    if rel not in ctx.files:
        return {}, None
    try:
        value = ctx.json(rel)
    except SourceError as exc:
        return {}, Problem(location=Location(file=rel), message=exc.reason)
    return (value, None) if isinstance(value, dict) else ({}, None)


def _model_name(directory: PurePosixPath, config: dict[str, object], ctx: ScanContext) -> str:
    name = config.get("_name_or_path")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return directory.name or ctx.root.name


def _model_properties(
    config: dict[str, object], nested: list[Component]
) -> tuple[tuple[str, str], ...]:
    props: list[tuple[str, str]] = []
    architectures = config.get("architectures")
    if isinstance(architectures, list) and architectures and isinstance(architectures[0], str):
        props.append(("aibom:architecture", architectures[0]))
    if isinstance(config.get("model_type"), str):
        props.append(("aibom:model-type", str(config["model_type"])))
    counted = [dict(c.properties).get(PREFIX + "parameters") for c in nested]
    if any(counted):
        props.append((PREFIX + "parameters", str(sum(int(n) for n in counted if n))))
    return tuple(props)


def _hash(
    rel: PurePosixPath, path: Path, hashed: bool, progress: Progress | None = None
) -> tuple[Hash, ...]:
    if not hashed:  # --no-hash
        return ()
    try:
        return (Hash(alg="SHA-256", value=file_sha256(path, progress=progress, label=str(rel))),)
    except OSError as exc:
        raise SourceError(rel, f"could not be hashed: {exc.strerror}") from exc


def _plain_file(rel: PurePosixPath, path: Path, role: str, *, hashed: bool) -> Component:
    """A file of a model directory that is not a readable weight file (config, tokenizer...)."""
    return _file_component(rel, path, props=((PREFIX + "role", role),), hashed=hashed)


def _file(
    rel: PurePosixPath,
    path: Path,
    info: WeightInfo,
    *,
    hashed: bool,
    progress: Progress | None = None,
) -> Component:
    """A weight file with what its header says, and the license its metadata states."""
    return _file_component(
        rel,
        path,
        props=properties(info),
        license_text=info.license,
        hashed=hashed,
        progress=progress,
    )


def _file_component(
    rel: PurePosixPath,
    path: Path,
    *,
    props: tuple[tuple[str, str], ...],
    license_text: str | None = None,
    hashed: bool = True,
    progress: Progress | None = None,
) -> Component:
    """`file:<rel>` with its streamed SHA-256; a stated license is kept raw and, when it is
    an SPDX expression, a license name or a Hub id `normalize` knows, normalised."""
    license_raw: tuple[LicenseEvidence, ...] = ()
    if license_text:
        license_raw = (
            LicenseEvidence(kind="card", value=license_text, location=Location(file=rel)),
        )
    return Component(
        bom_ref=f"file:{rel}",
        type=ComponentType.FILE,
        name=str(rel),
        hashes=_hash(rel, path, hashed, progress),
        locations=(Location(file=rel),),
        origin=ORIGIN,
        license=normalize(license_text) if license_text else None,
        license_raw=license_raw,
        properties=props,
    )


def observations(
    comp: Component, rel: PurePosixPath, info: WeightInfo
) -> tuple[SerializedImports, ...]:
    """The import scan of a pickle-based or config-deserialised file, as an observation."""
    if not isinstance(info, SerializedInfo):
        return ()
    scan = info.scan
    return (
        SerializedImports(
            component=comp.bom_ref,
            location=Location(file=rel),
            format=info.format,
            imports=scan.imports,
            complete=scan.complete,
            detail=scan.detail,
        ),
    )


def properties(info: WeightInfo) -> tuple[tuple[str, str], ...]:
    """The `aibom:weights:*` properties of a file, in a fixed order."""
    props: list[tuple[str, str]] = [(PREFIX + "format", info.format)]
    single = {
        "tensors": info.tensors,
        "dtypes": ",".join(info.dtypes) or None,
        "parameters": info.parameters,
        "architecture": info.architecture,
        "quantization": info.quantization,
        "license": info.license,
    }
    props += [(PREFIX + k, str(v)) for k, v in single.items() if v is not None]
    multi = {
        "name": info.names,
        "base-model": info.base_models,
        "pickle-import": info.pickle_imports,
        "external-data": info.external_data,
        "note": info.notes,
        "problem": info.problems,
    }
    props += [(PREFIX + k, v) for k, values in multi.items() for v in values]
    props += [(f"{PREFIX}meta:{k}", v) for k, v in info.metadata]
    return tuple(props)


def base_models(owner: str, files: Iterable[Component]) -> Iterator[Component | Edge]:
    """The hub models that weight metadata names as base models (GGUF
    `general.base_model.*.repo_url`), each a component with a `base-model` lineage edge
    from `owner`, so the license rules check the weights' license against theirs. Not a
    reference: nothing loads them, so no revision is judged."""
    seen: set[str] = set()
    for comp in files:
        for key, value in comp.properties:
            found = hubid.hub_id(value) if key == PREFIX + "base-model" else None
            if found is None or found.repo_id in seen:
                continue
            seen.add(found.repo_id)
            ref = hub_ref(found.repo_id, None, repo_type=found.repo_type)
            yield Component(
                bom_ref=ref,
                type=ComponentType.MODEL if found.repo_type == "model" else ComponentType.DATA,
                name=found.repo_id,
                purl=huggingface_purl(found.repo_id, None, repo_type=found.repo_type),
                locations=comp.locations[:1],
                origin=ORIGIN,
                properties=(("aibom:hub", "huggingface"),),
            )
            yield Edge(parent=owner, child=ref, kind="base-model")
