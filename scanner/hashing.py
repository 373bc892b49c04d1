"""Streamed digests: files are hashed in chunks, never read whole into memory.

One reused buffer filled with `readinto` feeds the hash (no per-chunk allocation); hashlib
releases the GIL while it hashes a large buffer, so `hash_files_parallel` hashes several
files at once on a thread pool. `mmap` is not used: a file truncated while it is mapped
kills the process with SIGBUS, and a scanned tree is not ours to trust. Speed is measured
by `bench/bench_hash.py` against `openssl dgst -sha256`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHUNK = 1 << 20
"""Read size. 64 KiB to 8 MiB all hash at openssl's speed here (bench_hash.py); 1 MiB keeps
system calls few and the buffer small."""
LEGACY = frozenset({"md5", "sha1"})
"""Digests other tools record (DVC, git) that we compare, not rely on: allowed under FIPS."""

ALGORITHMS = ("md5", "sha1", "sha256", "sha384", "sha512", "blake2b")
"""hashlib names `file_digest` accepts (DVC's md5, git's sha1, hub and OMS sha256, ...)."""


Progress = Callable[[str, int, int], None]
"""Told (label, bytes done, bytes in all) while a big file is hashed; the CLI draws it."""
PROGRESS_MIN = 256 * 1024 * 1024
"""Files smaller than this hash too fast to be worth a progress line."""
PROGRESS_STEP = 64 * 1024 * 1024


def file_digest(
    path: Path,
    algorithm: str = "sha256",
    *,
    chunk: int = CHUNK,
    progress: Progress | None = None,
    label: str = "",
) -> str:
    """Hex digest of a file, streamed through one reused buffer (constant memory);
    `progress` hears about files of PROGRESS_MIN bytes or more every PROGRESS_STEP."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported digest algorithm {algorithm!r}")
    digest = hashlib.new(algorithm, usedforsecurity=algorithm not in LEGACY)
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as fh:
        total = fh.seek(0, 2) if progress is not None else 0
        fh.seek(0)
        report = progress if total >= PROGRESS_MIN else None
        done = reported = 0
        while size := fh.readinto(buffer):
            digest.update(view[:size])
            done += size
            if report is not None and done - reported >= PROGRESS_STEP:
                report(label, done, total)
                reported = done
        if report is not None:
            report(label, total, total)
    return digest.hexdigest()


def file_sha256(path: Path, *, progress: Progress | None = None, label: str = "") -> str:
    """Hex SHA-256 of a file, streamed."""
    return file_digest(path, "sha256", progress=progress, label=label)


def git_blob_sha1(path: Path, *, chunk: int = CHUNK) -> str:
    """The git blob id of a file: sha1 of `blob <size>\\0` + content (hub names small files so)."""
    with path.open("rb", buffering=0) as fh:
        size = fh.seek(0, 2)
        fh.seek(0)
        digest = hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)
        buffer = bytearray(chunk)
        view = memoryview(buffer)
        while read := fh.readinto(buffer):
            digest.update(view[:read])
    return digest.hexdigest()


def hash_files_parallel(
    paths: Sequence[Path], workers: int = 2, algorithm: str = "sha256"
) -> dict[Path, str]:
    """Hex digests of several files, `workers` at a time (hashlib drops the GIL per chunk).

    A file that cannot be read raises its OSError, as `file_digest` would.
    """
    hasher = functools.partial(file_digest, algorithm=algorithm)
    if workers <= 1 or len(paths) <= 1:
        return {path: hasher(path) for path in paths}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(paths, pool.map(hasher, paths), strict=True))


CYCLONEDX_ALG = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sha3_256": "SHA3-256",
    "sha3-256": "SHA3-256",
    "sha3_384": "SHA3-384",
    "sha3-384": "SHA3-384",
    "sha3_512": "SHA3-512",
    "sha3-512": "SHA3-512",
    "blake2b": "BLAKE2b-512",
    "blake2b_256": "BLAKE2b-256",
}
HASHLIB_ALG = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
    "BLAKE2b-512": "blake2b",
}
"""CycloneDX spelling -> the hashlib name `file_digest` takes."""


def cyclonedx_alg(name: str) -> str | None:
    """CycloneDX spelling of a hash algorithm name as pip, uv or poetry write it, or None."""
    return CYCLONEDX_ALG.get(name.strip().lower())


def canonical_alg(name: str) -> str | None:
    """CycloneDX spelling of an algorithm written either way (`sha256` or `SHA-256`), or None:
    how digests recorded by different tools are compared like with like."""
    text = name.strip()
    return text if text in HASHLIB_ALG or text in CYCLONEDX_ALG.values() else cyclonedx_alg(text)


def parse_hash(text: str) -> tuple[str, str] | None:
    """`sha256:abc...` / `sha256=abc...` -> ("SHA-256", "abc..."); None if not a known digest."""
    for sep in (":", "="):
        alg, found, value = text.partition(sep)
        if found:
            cdx = cyclonedx_alg(alg)
            value = value.strip().lower()
            if cdx and value and not value.strip("0123456789abcdef"):  # all hex digits
                return cdx, value
            return None
    return None
