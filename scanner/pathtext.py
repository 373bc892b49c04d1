"""What `PurePosixPath` would answer about a relative path, computed on its text.

The Python code reader asks these questions (parent, package parts, nearest project, module
file candidates) of every file it parses and of every dotted name it resolves: building a
path object per question cost more than the questions themselves. Each function takes the
text `str()` of a PurePosixPath gives (normalised: no empty or `.` parts, no trailing `/`) and
answers exactly as the path object would; an absolute path is handed to pathlib as is.
"""

from __future__ import annotations

from pathlib import PurePosixPath

_DIR_TEXTS: list[tuple[frozenset[PurePosixPath], dict[str, PurePosixPath]]] = []
"""The one `dirs` set `nearest_dir` last saw, with its paths by text (a scan has one)."""


def parent_text(text: str) -> str:
    """`str(PurePosixPath(text).parent)`."""
    if text.startswith("/"):
        return str(PurePosixPath(text).parent)
    cut = text.rfind("/")
    return text[:cut] if cut > 0 else "."


def package_parts(text: str) -> tuple[str, ...]:
    """`PurePosixPath(text).parent.parts` less any `.` part: the dotted package of a file."""
    if text.startswith("/"):
        return tuple(p for p in PurePosixPath(text).parent.parts if p != ".")
    parent = parent_text(text)
    return () if parent == "." else tuple(parent.split("/"))


def is_name(part: str) -> bool:
    """A plain name: one path part that is not empty, `.` or `..`."""
    return "/" not in part and part not in ("", ".", "..")


def joined(base: str, *parts: str) -> str:
    """`str(PurePosixPath(base).joinpath(*parts))` for a relative `base` and `parts` that
    are plain names (`is_name`)."""
    return "/".join(parts) if base == "." else "/".join((base, *parts))


def nearest_dir(dirs: frozenset[PurePosixPath], text: str) -> PurePosixPath | None:
    """The first of `PurePosixPath(text).parent` and its parents that is in `dirs`, or None."""
    if text.startswith("/"):
        rel = PurePosixPath(text)
        return next((p for p in (rel.parent, *rel.parent.parents) if p in dirs), None)
    by_text = _dir_texts(dirs)
    cut = text.rfind("/")
    while cut > 0:
        found = by_text.get(text[:cut])
        if found is not None:
            return found
        cut = text.rfind("/", 0, cut)
    return by_text.get(".")


def _dir_texts(dirs: frozenset[PurePosixPath]) -> dict[str, PurePosixPath]:
    """`dirs` by their text, remembered for the set last asked about (compared by identity)."""
    if not _DIR_TEXTS or _DIR_TEXTS[0][0] is not dirs:
        _DIR_TEXTS[:] = [(dirs, {str(d): d for d in dirs})]
    return _DIR_TEXTS[0][1]
