"""OpenSSF model signing (OMS) bundles: which model a `model.sig` signs, and whether it holds.

A bundle is Sigstore bundle JSON whose DSSE payload is an in-toto statement: one subject
(the model directory or file name, with the SHA-256 over its resource digests) and the
resources (relative path, algorithm, digest) with the serialization used. The reader finds
the model (the signature's own directory when it has the subject's name, else the sibling
of that name), then checks what needs no trust: the subject digest against the resources,
and the files on disk against the resources (changed, missing and extra files; git files
and the signature itself excepted). Any difference: status `invalid`.

Whether the signature is the signer's needs the `model-signing` library (the optional
`signing` extra) and a public key the user trusts (`ScanContext.signing_keys`): with both,
status `valid` or `invalid`; without, `unverified`, with a detail saying how to enable it.
Only key verification runs: nothing reaches the network. Bundles signed with a Sigstore
identity or a certificate chain are `unverified` here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from scanner.errors import SourceError
from scanner.hashing import file_digest
from scanner.model import Component, ComponentType, Location, ModelSignature, Record
from scanner.sources.base import EntryKind, ScanContext, WalkEntry

NAME = "model-signing"
MAX_BUNDLE = 16 * 1024 * 1024
MAX_FILES = 100_000
BUNDLE_MEDIA = "application/vnd.dev.sigstore.bundle"
STATEMENT = "https://in-toto.io/Statement/v1"
PREDICATES = ("https://model_signing/signature/v1.0", "https://model_signing/Digests/v0.1")
GIT_PATHS = frozenset({".git", ".gitignore", ".gitattributes", ".github"})
HASHERS = {"sha256": "sha256", "blake2b": "blake2b"}
ENABLE = (
    "install aibom[signing] (the model-signing library) and give the signer's public key "
    "to verify who signed it"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """What a bundle signs: subject name and root digest, resources, ignored paths."""

    subject: str
    root: str
    resources: dict[str, tuple[str, str]]
    ignored: frozenset[str]


@dataclass(frozen=True, slots=True)
class ModelSignatureReader:
    """Reads OMS signature bundles (`model.sig`, `*.sig`)."""

    name: str = NAME
    claim_keys: ClassVar[frozenset[str]] = frozenset({"sig"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Files named `*.sig` (model_signing's default is `model.sig`)."""
        return entry.kind is EntryKind.FILE and entry.name.lower().endswith(".sig")

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """The signed model's component (with the status as a property) and a ModelSignature."""
        data = ctx.read_bytes(entry.rel, path=entry.path, limit=MAX_BUNDLE)
        bundle = _json(data)
        if not isinstance(bundle, dict) or not str(bundle.get("mediaType", "")).startswith(
            BUNDLE_MEDIA
        ):
            if entry.name.lower() == "model.sig":
                raise SourceError(entry.rel, "model.sig is not a Sigstore bundle; not checked")
            return  # some other kind of .sig (e.g. OpenPGP): not ours
        manifest = parse_manifest(entry.rel, bundle)
        model = locate(entry.rel, manifest.subject, ctx)
        location = Location(file=entry.rel)
        if model is None:
            yield ModelSignature(
                component=None,
                location=location,
                status="invalid",
                detail=f"the signed model {manifest.subject!r} is not next to the signature",
            )
            return
        status, detail = check(entry, model, manifest, ctx)
        component = model_component(model, ctx, status, entry.rel)
        yield component
        yield ModelSignature(
            component=component.bom_ref, location=location, status=status, detail=detail
        )


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def parse_manifest(rel: PurePosixPath, bundle: dict[str, Any]) -> Manifest:
    """The in-toto statement of a bundle's DSSE envelope; SourceError when malformed."""
    envelope = bundle.get("dsseEnvelope")
    payload = envelope.get("payload") if isinstance(envelope, dict) else None
    if not isinstance(payload, str):
        raise SourceError(rel, "signature bundle has no DSSE payload (not a model signature)")
    try:
        statement = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise SourceError(rel, "signature payload is not base64 JSON") from exc
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT:
        raise SourceError(rel, "signature payload is not an in-toto v1 statement")
    if statement.get("predicateType") not in PREDICATES:
        raise SourceError(rel, f"not a model signature ({statement.get('predicateType')!r})")
    subjects = statement.get("subject")
    subject = subjects[0] if isinstance(subjects, list) and len(subjects) == 1 else None
    digest = subject.get("digest") if isinstance(subject, dict) else None
    root = digest.get("sha256") if isinstance(digest, dict) else None
    if not isinstance(subject, dict) or not isinstance(subject.get("name"), str) or not root:
        raise SourceError(rel, "model signature needs exactly one subject with a sha256")
    predicate = statement.get("predicate")
    predicate = predicate if isinstance(predicate, dict) else {}
    return Manifest(
        subject=subject["name"],
        root=str(root).lower(),
        resources=_resources(rel, predicate.get("resources")),
        ignored=_ignored(predicate.get("serialization")),
    )


def _resources(rel: PurePosixPath, items: object) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for item in items if isinstance(items, list) else []:
        fields = [
            item.get(k) if isinstance(item, dict) else None for k in ("name", "algorithm", "digest")
        ]
        if not all(isinstance(f, str) for f in fields):
            raise SourceError(rel, "model signature lists a malformed resource")
        name, algorithm, digest = (str(f) for f in fields)
        found[name] = (algorithm, digest.lower())
    return found


def _ignored(serialization: object) -> frozenset[str]:
    paths = serialization.get("ignore_paths") if isinstance(serialization, dict) else None
    return (
        frozenset(p for p in paths if isinstance(p, str))
        if isinstance(paths, list)
        else frozenset()
    )


def locate(sig: PurePosixPath, subject: str, ctx: ScanContext) -> PurePosixPath | None:
    """The signed model: the signature's directory if it bears the subject's name, else the
    sibling of that name (a directory or file inside the scanned root)."""
    if "/" in subject or subject in ("", ".", ".."):
        return None
    here = sig.parent
    candidates = [here / subject] + ([here] if (here.name or ctx.root.name) == subject else [])
    for candidate in candidates:
        try:
            if ctx.resolve(candidate).exists():  # walked or not (weights are often ignored)
                return candidate
        except SourceError:
            continue
    return None


def check(
    entry: WalkEntry, model: PurePosixPath, manifest: Manifest, ctx: ScanContext
) -> tuple[str, str]:
    """(status, detail): integrity first (no trust needed), then the signature if possible."""
    problem = integrity(entry.rel, model, manifest, ctx)
    if problem is not None:
        return "invalid", problem
    return authenticity(entry.path, ctx.resolve(model), signing_keys(ctx))


def integrity(
    sig: PurePosixPath, model: PurePosixPath, manifest: Manifest, ctx: ScanContext
) -> str | None:
    """Why the files on disk are not what the manifest lists, or None when they are."""
    if not manifest.resources:
        return "the signature lists no files"
    try:
        listed = b"".join(bytes.fromhex(d) for _, d in manifest.resources.values())
    except ValueError:
        return "the signature lists a digest that is not hex"
    if hashlib.sha256(listed).hexdigest() != manifest.root:
        return "the subject digest does not match the listed file digests (edited manifest)"
    unknown = sorted({a for a, _ in manifest.resources.values()} - set(HASHERS))
    if unknown:
        return None  # cannot re-hash (e.g. blake3, shards): left to the library
    on_disk = model_files(sig, model, manifest.ignored, ctx)
    missing = sorted(set(manifest.resources) - set(on_disk))
    if missing:
        return f"signed file missing: {missing[0]!r}" + (
            f" (+{len(missing) - 1} more)" if len(missing) > 1 else ""
        )
    extra = sorted(set(on_disk) - set(manifest.resources))
    if extra:
        return f"file not covered by the signature: {extra[0]!r}"
    for name, (algorithm, digest) in sorted(manifest.resources.items()):
        try:
            actual = file_digest(ctx.resolve(on_disk[name]), HASHERS[algorithm])
        except (OSError, SourceError):
            return f"signed file {name!r} could not be read"
        if actual != digest:
            return f"hash mismatch for {name!r}: {algorithm} is {actual}, signed {digest}"
    return None


def model_files(
    sig: PurePosixPath, model: PurePosixPath, ignored: frozenset[str], ctx: ScanContext
) -> dict[str, PurePosixPath]:
    """Files of the model on disk by their name in the manifest (listed directly, not from
    the walk, which skips ignored files that loading would still read)."""
    root = ctx.resolve(model)
    if root.is_file():
        return {model.name: model}
    found: dict[str, PurePosixPath] = {}
    skip = GIT_PATHS | ignored
    deepest = ctx.limits.max_walk_depth  # the scan walk's own depth cap
    for current, dirs, files in os.walk(root):
        relative = Path(current).relative_to(root)
        dirs[:] = sorted(d for d in dirs if d not in skip and len(relative.parts) < deepest)
        for name in sorted(files):
            key = (relative / name).as_posix()
            if name in skip or key in skip or model / key == sig:
                continue
            found[key] = model / key
            if len(found) >= MAX_FILES:
                return found
    return found


def signing_keys(ctx: ScanContext) -> tuple[Path, ...]:
    """Public keys the user trusts (`ScanContext.signing_keys`, once the CLI passes them)."""
    keys = ctx.signing_keys
    return tuple(Path(k) for k in keys)


def authenticity(signature: Path, model: Path, keys: tuple[Path, ...]) -> tuple[str, str]:
    """Verify the signature with the model-signing library and each trusted key."""
    try:
        # the optional `signing` extra, imported only when a bundle is verified
        from model_signing import verifying  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return "unverified", f"files match the signed manifest; signature not checked: {ENABLE}"
    if not keys:
        return "unverified", (
            "files match the signed manifest; signature not checked: no trusted public key "
            "given (the signer's key verifies who signed it)"
        )
    errors: list[str] = []
    for key in keys:
        try:
            config = verifying.Config()  # type: ignore[no-untyped-call, unused-ignore]
            config.use_elliptic_key_verifier(public_key=key).verify(model, signature)
        except Exception as exc:  # the library raises ValueError, its own errors, ...
            errors.append(
                f"{key.name}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            )
        else:
            return "valid", f"signature verified with {key.name}; files match"
    return "invalid", "signature does not verify: " + "; ".join(errors)


def model_component(
    model: PurePosixPath, ctx: ScanContext, status: str, sig: PurePosixPath
) -> Component:
    """A sighting of the signed model (the weights readers' ref) carrying the status."""
    is_file = ctx.resolve(model).is_file()
    return Component(
        bom_ref=f"file:{model}" if is_file else f"model:{model}",
        type=ComponentType.FILE if is_file else ComponentType.MODEL,
        name=str(model) if is_file else (model.name or ctx.root.name),
        locations=(Location(file=sig),),
        origin=NAME,
        properties=(
            ("aibom:model-signing:status", status),
            ("aibom:model-signing:signature", str(sig)),
        ),
    )
