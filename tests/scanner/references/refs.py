"""Run the Python code reader over a fixture file or a snippet, and pick records out."""

from __future__ import annotations

from pathlib import Path

from scanner.model import (
    Component,
    Edge,
    HubReference,
    Problem,
    Record,
    RemoteCodeEnabled,
    UnsafeLoadCall,
)
from scanner.references.python_code import PythonCodeReader
from tests.conftest import FIXTURES, PROJECTS
from tests.scanner.sources.helpers import collect

READER = PythonCodeReader()
FILES = FIXTURES / "files" / "python-code"


def scan(project: str, rel: str) -> list[Record]:
    """Records of one file of a fixture project."""
    return collect(READER, PROJECTS / project, rel)


def snippet(tmp_path: Path, code: str, rel: str = "app.py") -> list[Record]:
    """Records of `code` written to `tmp_path/rel` (for cases too small for a fixture)."""
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code, encoding="utf-8")
    return collect(READER, tmp_path, rel)


def hub(records: list[Record]) -> dict[str, HubReference]:
    """The first HubReference of each repo id."""
    by_id: dict[str, HubReference] = {}
    for record in records:
        if isinstance(record, HubReference):
            by_id.setdefault(record.repo_id, record)
    return by_id


def hub_ids(records: list[Record]) -> set[str]:
    return {r.repo_id for r in records if isinstance(r, HubReference)}


def components(records: list[Record]) -> dict[str, Component]:
    return {r.bom_ref: r for r in records if isinstance(r, Component)}


def edges(records: list[Record], kind: str | None = None) -> set[tuple[str, str]]:
    return {(e.parent, e.child) for e in records if isinstance(e, Edge) and kind in (None, e.kind)}


def remote_code(records: list[Record]) -> list[RemoteCodeEnabled]:
    return [r for r in records if isinstance(r, RemoteCodeEnabled)]


def unsafe(records: list[Record]) -> list[UnsafeLoadCall]:
    return [r for r in records if isinstance(r, UnsafeLoadCall)]


def problems(records: list[Record]) -> list[Problem]:
    return [r for r in records if isinstance(r, Problem)]


def line(path: Path, text: str) -> int:
    """1-based number of the first line containing `text`."""
    for number, content in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in content:
            return number
    raise AssertionError(f"{text!r} not in {path}")
