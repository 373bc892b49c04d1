"""The compiled JSON validators: built from `validator_codegen`, cached on disk, digest-checked.

Compiling the generated source costs about as much as generating it (~0.1 s each per spec
version), so the compiled code object is kept, marshalled, in one file per spec version under
the user cache directory (`cyclonedx-validators/`), named by a hash of everything that shapes
it: the schema files, the generator's version, our rules and the interpreter's bytecode magic.

A cache file is executed only if it is exactly what we wrote: it starts with the SHA-256 of
the code that follows, computed from our compiler's output when the file was written, and it
must be a regular file owned by the current user that nobody else may write. Anything else
(truncated, corrupted, edited, swapped for someone else's file in a shared XDG_CACHE_HOME) is
never executed: the code is generated and compiled again and the file rewritten. (Python's
import system is not used to load it: it runs any `.pyc` whose header matches the source's
mtime and size, so a damaged or edited bytecode file would run.)

What a digest stored beside the code cannot stop: someone who can write files as the user can
also write a matching digest. They can equally edit aibom's own modules, so no cache check is
a boundary against them; only generating and compiling anew on every run (no cache) would be,
at ~0.2 s a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

import fastjsonschema
from cyclonedx.schema._res import BOM_JSON

from scanner.bom.schema_formats import FORMATS
from scanner.bom.schemas import SIBLINGS, schema_path
from scanner.bom.validator_codegen import CODE_REVISION, ENTRY, generate

CACHE_FORMAT = "code-sha256/1"  # the file layout below; part of the key
HEADER = b"aibom-validator sha256="  # then the hex digest of the rest, a newline, the code
MAX_CACHE_BYTES = 64 << 20  # a cache file is ~0.7 MB; refuse to read a huge one


def cache_root() -> Path:
    """The per-user cache directory (XDG on Unix, Library/Caches on macOS, LOCALAPPDATA)."""
    if env := os.environ.get("XDG_CACHE_HOME"):
        return Path(env) / "aibom"
    if sys.platform == "win32" and (local := os.environ.get("LOCALAPPDATA")):
        return Path(local) / "aibom" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "aibom"
    return Path.home() / ".cache" / "aibom"


def cache_key(spec_version: str) -> str:
    """Hash of everything that shapes the compiled code: schema bytes, generator, our rules."""
    digest = hashlib.sha256()
    for path in (schema_path(spec_version, BOM_JSON), *sorted(SIBLINGS.values())):
        digest.update(path.read_bytes())
    digest.update(f"{fastjsonschema.VERSION}/{CODE_REVISION}/{sorted(FORMATS)}".encode())
    digest.update(f"/{CACHE_FORMAT}/".encode() + importlib.util.MAGIC_NUMBER)
    return digest.hexdigest()[:24]


def cache_file(spec_version: str) -> Path:
    """Where the compiled validator of one spec version is cached."""
    name = f"aibom_cdx_{spec_version.replace('.', '_')}_{cache_key(spec_version)}.code"
    return cache_root() / "cyclonedx-validators" / name


def compile_validator(spec_version: str) -> CodeType:
    """The generated source of one spec version's validator, compiled (never from disk)."""
    return compile(generate(spec_version), f"<CycloneDX {spec_version} validator>", "exec")


def encode(code: CodeType) -> bytes:
    """The cache file's bytes: the header with the SHA-256 of the marshalled code, then it."""
    payload = marshal.dumps(code)
    return HEADER + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def decode(data: bytes) -> CodeType | None:
    """The code in a cache file's bytes, or None unless its digest matches exactly."""
    line, newline, payload = data.partition(b"\n")
    if not newline or not line.startswith(HEADER):
        return None
    if line[len(HEADER) :] != hashlib.sha256(payload).hexdigest().encode():
        return None
    try:
        # our own cache file, its digest checked above: never scanned input
        code = marshal.loads(payload)  # noqa: S302, TID251
    except (EOFError, ValueError, TypeError):  # our own bytes: only a bug could get here
        return None
    return code if isinstance(code, CodeType) else None


def private_to_us(status: os.stat_result) -> bool:
    """A regular file of the current user that neither group nor others may write."""
    if not stat.S_ISREG(status.st_mode):
        return False
    if not hasattr(os, "geteuid"):  # Windows: no POSIX owners or modes to check
        return True
    writable_by_others = status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return status.st_uid == os.geteuid() and not writable_by_others


def read_cached(path: Path) -> CodeType | None:
    """The verified code cached at `path`; None if missing, not ours or not what we wrote."""
    try:
        # O_NOFOLLOW: a symlink planted in place of the file is refused, not followed
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())  # the file we read, not whatever the path names
            if not private_to_us(status) or status.st_size > MAX_CACHE_BYTES:
                return None
            data = handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    return decode(data)


def write_cached(path: Path, code: CodeType) -> None:
    """Write `code` to `path` atomically (a reader sees the old file or the whole new one)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp: mode 0600, owned by us
            handle.write(encode(code))
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def validator_code(spec_version: str) -> CodeType:
    """One spec version's compiled validator: the verified cache, else compiled and cached.

    A cache that cannot be read or written (read-only home, no such directory) only costs
    the compilation.
    """
    try:
        path: Path | None = cache_file(spec_version)
    except OSError:
        path = None
    code = read_cached(path) if path is not None else None
    if code is None:
        code = compile_validator(spec_version)
        if path is not None:
            with contextlib.suppress(OSError):  # read-only home: used from memory only
                write_cached(path, code)
    return code


def validator_entry(spec_version: str) -> Callable[..., Any]:
    """The validating function of one spec version's generated module."""
    namespace: dict[str, Any] = {}
    # only code compiled here from the bundled schema, or read back digest-checked, gets here
    exec(validator_code(spec_version), namespace)  # noqa: S102
    function: Callable[..., Any] = namespace[ENTRY]
    return function
