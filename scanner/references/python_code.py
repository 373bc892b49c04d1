"""Model and dataset references in Python code and Jupyter notebooks: one `ast` pass per file.

A file is parsed only if its bytes mention a module some `CallPattern` names (a cheap
pre-filter); then every call whose callee resolves to a registered dotted name becomes a
`CallSite` for the patterns that want it. Notebooks are read as their code cells (IPython
magics neutralised), each cell parsed on its own and joined into one module, so names flow
between cells; a call is reported at the `.ipynb` file with its line *within the cell* and the
1-based cell index in `HubReference.via` and the `aibom:notebook-cell` property. Constants
imported from sibling modules are resolved by parsing those modules (each at most once per
scan, memoised in `ctx.memo`). Nothing is imported or run.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import ClassVar

from scanner import gcpause
from scanner.context import ScanContext, decode_text
from scanner.errors import SourceError
from scanner.model import Location, Problem, Record, RemoteCodeEnabled
from scanner.pathtext import is_name, joined, package_parts, parent_text
from scanner.references.base import UNKNOWN, CallPattern, CallSite
from scanner.references.patterns import CALL_PATTERNS
from scanner.references.prefilter import Matcher, matcher_of
from scanner.references.resolver import Resolver
from scanner.references.scopes import ModuleInfo, Scope
from scanner.sources.base import parse_python, project_parent
from scanner.walk import EntryKind, WalkEntry, holds_text

SUFFIXES = (".py", ".ipynb")
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
MODULE_KEY = "python-module"
HELP = re.compile(r"[\w.]+\?\??")
CAPTURE = re.compile(r"(\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)[!%].*")
"""`files = !ls` and `out = %sx cmd`: the value is the shell's, so it becomes None."""


@dataclass(frozen=True, slots=True)
class PythonCodeReader:
    """Hub models/datasets, hosted-model services and unsafe loads named in `.py`/`.ipynb`."""

    name: str = "python-code"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"py", "ipynb"})
    """What `claims` can accept (`scanner.claims`)."""
    patterns: tuple[CallPattern, ...] = field(default=CALL_PATTERNS)

    def claims(self, entry: WalkEntry) -> bool:
        """Python source files and notebooks."""
        return entry.kind is EntryKind.FILE and has_suffix(entry.name)

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Records of every recognised call; a file that does not parse is a SourceError."""
        found = matcher_of(self.patterns)
        cached = ctx.memo.get((MODULE_KEY, entry.rel))
        if isinstance(cached, ModuleInfo) and cached.complete:  # parsed as another's sibling
            data = None
        else:
            data = ctx.read_bytes(entry.rel)
            if not found.mentions(data):
                return
        # A file's syntax tree lives only while it is read: a collection then would traverse
        # every node of it (and age it into the older generations) to free nothing.
        with gcpause.paused():
            yield from self.parsed(entry, ctx, found, data)

    def parsed(
        self, entry: WalkEntry, ctx: ScanContext, found: Matcher, data: bytes | None
    ) -> Iterator[Record]:
        """`collect` of a file that mentions a pattern (`data`), or was parsed (None)."""
        cells: list[tuple[int, int]] = []
        if data is None:
            module = ctx.memo[(MODULE_KEY, entry.rel)]
        else:
            if entry.rel.suffix == ".ipynb":
                tree, cells, problems = notebook_module(entry.rel, data)
                yield from problems
            else:
                tree = parse_python(entry.rel, data)  # bytes: the parser honours coding cookies
            module = ModuleInfo(tree, package_of(entry.rel))
            if not cells:
                ctx.memo[(MODULE_KEY, entry.rel)] = module
        yield from Dispatch(module, entry, ctx, self.name, found, cells).records()
        module.release()


@dataclass(slots=True)
class Dispatch:
    """Resolves each call of one module and hands it to the patterns that want it."""

    module: ModuleInfo
    entry: WalkEntry
    ctx: ScanContext
    origin: str
    found: Matcher
    cells: list[tuple[int, int]]
    resolver: Resolver = field(init=False)
    project: str = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.module, partial(constant, self.ctx, self.entry.rel))
        self.project = project_parent(self.entry, self.ctx)

    def records(self) -> Iterator[Record]:
        """Everything the patterns report, in source order."""
        for call, scope in self.module.calls:
            callee = self.resolver.qualname(call.func, scope)
            if callee is None:
                continue
            wanted = self.found.wanted(callee)
            if not wanted:
                continue
            site = self.site(call, scope, callee)
            yield from named_remote_code_wins(
                record for pattern in wanted for record in pattern.match(site)
            )

    def site(self, call: ast.Call, scope: Scope, callee: str) -> CallSite:
        """The CallSite of `call`, arguments resolved in `scope`."""
        args, kwargs = self.resolver.arguments(call, scope)
        line, cell = call.lineno, None
        if self.cells:
            index = bisect.bisect_right([start for start, _ in self.cells], line - 1) - 1
            start, cell = self.cells[max(index, 0)]
            line -= start
        return CallSite(
            callee=callee,
            args=args,
            kwargs=kwargs,
            location=Location(file=self.entry.rel, line=line),
            node=call,
            project=self.project,
            origin=self.origin,
            ctx=self.ctx,
            cell=cell,
            producer=partial(self.producer, scope=scope),
        )

    def producer(self, expr: ast.expr, scope: Scope) -> CallSite | None:
        """The CallSite of the call whose result `expr` (read in `scope`) holds."""
        found = self.resolver.producer(expr, scope)
        if found is None:
            return None
        call, where = found
        callee = self.resolver.qualname(call.func, where)
        return self.site(call, where, callee) if callee else None


def has_suffix(name: str) -> bool:
    """`PurePosixPath(name).suffix in SUFFIXES`, on the text (no path built for each of the
    scan's files): `.py` alone is a name without a suffix."""
    return any(name.endswith(suffix) and len(name) > len(suffix) for suffix in SUFFIXES)


def package_of(rel: PurePosixPath) -> tuple[str, ...]:
    """Dotted package parts of the directory holding `rel` (for relative imports)."""
    return package_parts(str(rel))


def notebook_cells(rel: PurePosixPath, data: bytes) -> list[tuple[int, str]]:
    """(1-based cell index, source) of each code cell of a Python notebook (nbformat 3/4)."""
    try:
        notebook = json.loads(decode_text(rel, data))
    except (ValueError, RecursionError) as exc:
        raise SourceError(rel, f"invalid notebook JSON: {exc}") from exc
    if not isinstance(notebook, dict):
        raise SourceError(rel, "not a Jupyter notebook (top level is not an object)")
    metadata = notebook.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    for key, sub in (("kernelspec", "language"), ("language_info", "name")):
        info = metadata.get(key)
        language = info.get(sub) if isinstance(info, dict) else None
        if isinstance(language, str) and language.lower() != "python":
            return []
    cells = notebook.get("cells")
    if cells is None:  # nbformat 3
        sheets = notebook.get("worksheets")
        first = sheets[0] if isinstance(sheets, list) and sheets else None
        cells = first.get("cells") if isinstance(first, dict) else None
    out: list[tuple[int, str]] = []
    for index, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str):
            out.append((index, source))
    return out


def without_magics(source: str) -> str | None:
    """A cell with IPython magics and shell escapes replaced by `pass` (same line count);
    None for a cell magic that makes the cell something other than Python (`%%bash`)."""
    lines = source.split("\n")
    first = lines[0].strip()
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None
        lines[0] = ""
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("!", "%")) or HELP.fullmatch(stripped):
            line = indent + "pass"
        elif captured := CAPTURE.fullmatch(line):
            line = captured[1] + "None"
        out.append(line)
    return "\n".join(out)


def notebook_module(
    rel: PurePosixPath, data: bytes
) -> tuple[ast.Module, list[tuple[int, int]], list[Problem]]:
    """The code cells as one module, the (first line offset, cell index) of each, and a
    Problem for every cell that does not parse (the other cells are still read)."""
    body: list[ast.stmt] = []
    starts: list[tuple[int, int]] = []
    problems: list[Problem] = []
    offset = 0
    for index, source in notebook_cells(rel, data):
        cleaned = without_magics(source)
        if cleaned is None:
            continue
        try:
            tree = parse_python(rel, cleaned)
        except SourceError as exc:
            location = Location(file=rel, line=exc.line)
            problems.append(Problem(location=location, message=f"cell {index}: {exc.reason}"))
            continue
        ast.increment_lineno(tree, offset)
        body.extend(tree.body)
        starts.append((offset, index))
        offset += cleaned.count("\n") + 1
    return ast.Module(body=body, type_ignores=[]), starts, problems


def find_module(ctx: ScanContext, rel: PurePosixPath, parts: list[str]) -> PurePosixPath | None:
    """The project file a dotted module name refers to, looked up from the scan root, the
    file's project (and its `src/`) and the file's own directory."""
    project = str(ctx.project_dir_for(rel))
    text = str(rel)
    if text.startswith("/") or project.startswith("/") or not all(map(is_name, parts)):
        return find_module_path(ctx, rel, parts)
    # on the text: a path object per candidate cost more than the look-up (`pathtext`)
    for base in (".", project, joined(project, "src"), parent_text(text)):
        for candidate in (
            joined(base, *parts[:-1], f"{parts[-1]}.py"),
            joined(base, *parts, "__init__.py"),
        ):
            if holds_text(ctx.files, candidate):
                return PurePosixPath(candidate)
    return None


def find_module_path(
    ctx: ScanContext, rel: PurePosixPath, parts: list[str]
) -> PurePosixPath | None:
    """`find_module` with path objects, for names `pathtext.joined` does not take."""
    project = ctx.project_dir_for(rel)
    for base in (PurePosixPath("."), project, project / "src", rel.parent):
        for candidate in (
            base.joinpath(*parts[:-1], f"{parts[-1]}.py"),
            base.joinpath(*parts, "__init__.py"),
        ):
            if candidate in ctx.files:
                return candidate
    return None


def load_module(ctx: ScanContext, rel: PurePosixPath) -> ModuleInfo | None:
    """A sibling module parsed once per scan (None when it cannot be read or parsed)."""
    key = (MODULE_KEY, rel)
    ctx.note(rel)  # an input of this file's result even when another job parsed it (cache)
    if key not in ctx.memo:
        try:
            tree = parse_python(rel, ctx.read_bytes(rel))
            ctx.memo[key] = ModuleInfo(tree, package_of(rel))
        except SourceError:
            ctx.memo[key] = None
    module: ModuleInfo | None = ctx.memo[key]
    return module


def constant(ctx: ScanContext, rel: PurePosixPath, dotted: str, depth: int) -> object:
    """Value of a module-level constant `pkg.module.NAME` defined in a project file."""
    parts = dotted.split(".")
    if len(parts) < 2 or not all(parts):
        return UNKNOWN
    path = find_module(ctx, rel, parts[:-1])
    if path is None or path == rel:
        return UNKNOWN
    module = load_module(ctx, path)
    if module is None:
        return UNKNOWN
    resolver = Resolver(module, partial(constant, ctx, path))
    return resolver.name_value(parts[-1], module.scope, depth + 1)


def named_remote_code_wins(records: Iterable[Record]) -> Iterator[Record]:
    """One call's records, without a model-less RemoteCodeEnabled when a pattern could name
    the model the same call trusts (the generic remote-code pattern sees every loader)."""
    listed = list(records)
    named = any(isinstance(r, RemoteCodeEnabled) and r.component for r in listed)
    for record in listed:
        if not (named and isinstance(record, RemoteCodeEnabled) and record.component is None):
            yield record
