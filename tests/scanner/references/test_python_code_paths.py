"""The Python code reader's path questions, answered on text, agree with pathlib's answers:
which names it claims, a file's package, and which project file a dotted module names."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.context import ScanContext
from scanner.references.python_code import (
    SUFFIXES,
    PythonCodeReader,
    find_module,
    find_module_path,
    has_suffix,
    package_of,
)
from scanner.walk import FileSet, WalkEntry
from tests.scanner.sources.helpers import walk_entry

P = PurePosixPath
NAME = st.text(alphabet="ab.pyIPYNBx", max_size=9)
PART = st.sampled_from(["pkg", "sub", "src", "app", "cfg", "x.y", "a-b"])
FILE = st.lists(PART, max_size=3).flatmap(
    lambda dirs: st.sampled_from(["cfg.py", "__init__.py", "app.py", "pyproject.toml"]).map(
        lambda name: "/".join([*dirs, name])
    )
)


@settings(max_examples=300)
@given(NAME)
def test_claims_by_name_as_by_the_paths_suffix(name: str) -> None:
    assert has_suffix(name) is (PurePosixPath(name or ".").suffix in SUFFIXES)


def test_claims_edge_names() -> None:
    for name, claimed in [(".py", False), ("x.PY", False), ("..py", True), ("a.ipynb", True)]:
        assert has_suffix(name) is claimed
        assert (PurePosixPath(name).suffix in SUFFIXES) is claimed
        assert walk_entry_claimed(f"dir/{name}") is claimed


def walk_entry_claimed(rel: str) -> bool:
    return PythonCodeReader().claims(walk_entry(rel))


@settings(max_examples=200)
@given(FILE)
def test_package_of_is_the_parents_parts(text: str) -> None:
    assert package_of(P(text)) == tuple(p for p in P(text).parent.parts if p != ".")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(FILE, min_size=1, max_size=12),
    FILE,
    st.lists(st.sampled_from(["pkg", "sub", "cfg", "app", "src", "x"]), min_size=1, max_size=3),
)
def test_find_module_on_text_is_find_module_on_paths(
    files: list[str], rel: str, parts: list[str]
) -> None:
    entries = [WalkEntry(rel=f, path=f) for f in {*files, rel}]
    context = ScanContext(root=Path("/nonexistent-root"), files=FileSet(entries))
    assert find_module(context, P(rel), parts) == find_module_path(context, P(rel), parts)


def test_find_module_looks_from_the_root_the_project_its_src_and_the_files_directory() -> None:
    files = ["pkg/cfg.py", "svc/pyproject.toml", "svc/src/app/__init__.py", "svc/x/h.py"]
    entries = [WalkEntry(rel=f, path=f) for f in files]
    context = ScanContext(root=Path("/nonexistent-root"), files=FileSet(entries))
    assert find_module(context, P("svc/x/y.py"), ["app"]) == P("svc/src/app/__init__.py")
    assert find_module(context, P("svc/x/y.py"), ["h"]) == P("svc/x/h.py")
    assert find_module(context, P("a.py"), ["pkg", "cfg"]) == P("pkg/cfg.py")
    assert find_module(context, P("svc/x/y.py"), ["nope"]) is None
