"""Streamed digests: files are hashed in chunks, never read whole into memory."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


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


def cyclonedx_alg(name: str) -> str | None:
    """CycloneDX spelling of a hash algorithm name as pip, uv or poetry write it, or None."""
    return CYCLONEDX_ALG.get(name.strip().lower())


def parse_hash(text: str) -> tuple[str, str] | None:
    """`sha256:abc...` / `sha256=abc...` -> ("SHA-256", "abc..."); None if not a known digest."""
    for sep in (":", "="):
        alg, found, value = text.partition(sep)
        if found:
            cdx = cyclonedx_alg(alg)
            value = value.strip().lower()
            if cdx and value and all(c in "0123456789abcdef" for c in value):
                return cdx, value
            return None
    return None
