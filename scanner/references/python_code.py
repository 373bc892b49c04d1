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
import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.context import ScanContext, decode_text
from scanner.errors import SourceError
from scanner.model import Location, Problem, Record, RemoteCodeEnabled
from scanner.references.base import UNKNOWN, CallPattern, CallSite
from scanner.references.patterns import CALL_PATTERNS
from scanner.references.scopes import ModuleInfo, Resolver, Scope
from scanner.sources.base import parse_python, project_parent
from scanner.walk import EntryKind, WalkEntry

SUFFIXES = (".py", ".ipynb")
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
MODULE_KEY = "python-module"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
HELP = re.compile(r"[\w.]+\?\??")
CAPTURE = re.compile(r"(\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)[!%].*")
"""`files = !ls` and `out = %sx cmd`: the value is the shell's, so it becomes None."""


@dataclass(frozen=True, slots=True)
class Matcher:
    """Compiled callee globs of a pattern set, and the pre-filter over raw bytes."""

    patterns: tuple[CallPattern, ...]
    roots: frozenset[str]
    checks: tuple[tuple[bytes, tuple[bytes, ...], tuple[tuple[bytes, ...], ...]], ...]
    """Each root module name, shortest first, with the shorter roots it contains (a file
    without `openai` cannot hold `langchain_openai`: that one is then not searched), and the
    other words of each callee glob of that root."""
    rootless: tuple[tuple[bytes, ...], ...]
    """The words of each callee glob whose root is not a name (`tor?h.load`)."""
    globs: tuple[tuple[re.Pattern[str], CallPattern], ...]

    def mentions(self, data: bytes) -> bool:
        """Cheap pre-filter: some callee's module and every name in it occur in `data`
        (a file that never says `from_pretrained` cannot call it); a glob whose root is not
        a name needs its names and any root. Each name is looked for only when the module of
        its glob is there, and the first glob found ends the search."""
        present: set[bytes] = set()
        for root, inner, rests in self.checks:
            if (inner and not present.issuperset(inner)) or root not in data:
                continue
            present.add(root)
            for rest in rests:
                if all(word in data for word in rest):
                    return True
        return bool(present) and any(all(word in data for word in rest) for rest in self.rootless)

    def wanted(self, callee: str) -> list[CallPattern]:
        """The patterns whose callees match `callee`."""
        if callee.split(".", 1)[0].removesuffix("()") not in self.roots:
            return []
        return [pattern for regex, pattern in self.globs if regex.fullmatch(callee)]


_MATCHERS: dict[int, tuple[tuple[CallPattern, ...], Matcher]] = {}


def matcher_of(patterns: tuple[CallPattern, ...]) -> Matcher:
    """`matcher(patterns)`, looked up by identity: `lru_cache` hashes every pattern of the
    tuple on each call, a fifth of the pre-filter's cost when done once per file."""
    known = _MATCHERS.get(id(patterns))
    if known is None or known[0] is not patterns:
        if len(_MATCHERS) >= 8:
            _MATCHERS.clear()
        known = _MATCHERS[id(patterns)] = (patterns, matcher(patterns))
    return known[1]


@lru_cache(maxsize=8)
def matcher(patterns: tuple[CallPattern, ...]) -> Matcher:
    """Build (once) the matcher for a pattern set."""
    roots = frozenset(
        re.split(r"[.*(]", glob, maxsplit=1)[0] for p in patterns for glob in p.callees
    )
    globs = tuple(
        (re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in p.callees)), p)
        for p in patterns
    )
    words = dict.fromkeys(
        glob_words(re.split(r"[.*(]", glob, maxsplit=1)[0], glob)
        for p in patterns
        for glob in p.callees
    )
    names = sorted((root.encode() for root in roots), key=lambda name: (len(name), name))
    checks = tuple(
        (
            name,
            tuple(other for other in names if other != name and other in name),
            tuple(rest for root, rest in words if root == name),
        )
        for name in names
    )
    rootless = tuple(rest for root, rest in words if root is None)
    return Matcher(patterns=patterns, roots=roots, checks=checks, rootless=rootless, globs=globs)


def glob_words(root: str, glob: str) -> tuple[bytes | None, tuple[bytes, ...]]:
    """(root, the other names) of one callee glob; root None when it is not a name."""
    names = tuple(dict.fromkeys(word.encode() for word in IDENTIFIER.findall(glob)))
    key = root.encode()
    if key in names:
        return key, tuple(word for word in names if word != key)
    return None, names


@dataclass(frozen=True, slots=True)
class PythonCodeReader:
    """Hub models/datasets, hosted-model services and unsafe loads named in `.py`/`.ipynb`."""

    name: str = "python-code"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"py", "ipynb"})
    """What `claims` can accept (`scanner.claims`)."""
    patterns: tuple[CallPattern, ...] = field(default=CALL_PATTERNS)

    def claims(self, entry: WalkEntry) -> bool:
        """Python source files and notebooks."""
        return entry.kind is EntryKind.FILE and entry.rel.suffix in SUFFIXES

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Records of every recognised call; a file that does not parse is a SourceError."""
        found = matcher_of(self.patterns)
        cells: list[tuple[int, int]] = []
        cached = ctx.memo.get((MODULE_KEY, entry.rel))
        if isinstance(cached, ModuleInfo) and cached.complete:  # parsed as another's sibling
            module = cached
        else:
            data = ctx.read_bytes(entry.rel)
            if not found.mentions(data):
                return
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


def package_of(rel: PurePosixPath) -> tuple[str, ...]:
    """Dotted package parts of the directory holding `rel` (for relative imports)."""
    return tuple(p for p in rel.parent.parts if p != ".")


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
