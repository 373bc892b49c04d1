"""setuptools' `setup.py`, read with `ast` and never run: literal arguments of `setup(...)`.

Values written as literals (or as module-level names bound once to literals, lists joined
with `+`, and `**` of a literal dict) are read; anything computed is a Problem that says so,
because running the file is exactly what a scanner must not do.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import licenses
from scanner.context import ScanContext
from scanner.identity import project_ref
from scanner.model import Component, ComponentType, LicenseEvidence, Location, Problem, Record
from scanner.sources.base import naming_requirement, parse_python, requirement_or_problem
from scanner.walk import EntryKind, WalkEntry

SETUP_MODULES = ("setuptools", "distutils.core")
METADATA_KEYS = ("name", "version", "license", "license_expression")
LIST_KEYS = ("install_requires", "classifiers", "license_files")
MAX_DEPTH = 64
MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "update"})


class Computed(Exception):
    """A value that only running the code would tell."""

    def __init__(self, node: ast.AST) -> None:
        super().__init__()
        self.node = node


@dataclass(frozen=True, slots=True)
class SetupPySource:
    """Literal `install_requires`, `extras_require` and metadata of `setup()` calls."""

    name: str = "setup.py"
    claim_keys: ClassVar[frozenset[str]] = frozenset({"py"})
    """What `claims` can accept (`scanner.claims`)."""

    def claims(self, entry: WalkEntry) -> bool:
        """Exactly `setup.py`."""
        return entry.kind is EntryKind.FILE and entry.name == "setup.py"

    def collect(self, entry: WalkEntry, ctx: ScanContext) -> Iterator[Record]:
        """Records of every `setup()` call; a file without one is a Problem."""
        text = ctx.read_text(entry.rel)
        tree = parse_python(entry.rel, text)
        module = Module(text=text, tree=tree, rel_dir=str(entry.rel.parent))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and module.is_setup(n)]
        if not calls:
            message = "no setup() call found; the dependencies it declares are not known"
            yield Problem(location=Location(file=entry.rel), message=message)
        for call in calls:
            yield from CallReader(module, entry, ctx, self.name).records(call)


@dataclass(slots=True)
class Module:
    """A parsed setup.py: its `setup` aliases and its module-level literal names."""

    text: str
    tree: ast.Module
    rel_dir: str
    aliases: set[str] = field(default_factory=lambda: {"setup", "setuptools.setup"})
    names: dict[str, ast.expr] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.aliases.add("distutils.core.setup")
        counts: dict[str, int] = {}
        for node in ast.walk(self.tree):
            for name in bound_names(node):
                counts[name] = counts.get(name, 0) + 1
            self.note_import(node)
        for stmt in self.tree.body:
            target, value = simple_assignment(stmt)
            if target is not None and value is not None and counts.get(target) == 1:
                self.names[target] = value

    def note_import(self, node: ast.AST) -> None:
        """Remember the names `setup` is imported under."""
        if isinstance(node, ast.ImportFrom) and node.module in SETUP_MODULES:
            self.aliases.update(a.asname or a.name for a in node.names if a.name == "setup")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in SETUP_MODULES:
                    self.aliases.add(f"{alias.asname or alias.name}.setup")

    def is_setup(self, call: ast.Call) -> bool:
        """True for calls of `setup` under any name it was imported as."""
        return dotted(call.func) in self.aliases

    def segment(self, node: ast.AST) -> str:
        """Source text of a node, shortened for a message."""
        text = " ".join((ast.get_source_segment(self.text, node) or "...").split())
        return text if len(text) <= 60 else text[:57] + "..."

    def resolve(self, node: ast.expr) -> ast.expr:
        """Follow module-level names to the literal they are bound to (no loops)."""
        seen: set[str] = set()
        while isinstance(node, ast.Name) and node.id in self.names and node.id not in seen:
            seen.add(node.id)
            node = self.names[node.id]
        return node

    def strings(self, node: ast.expr, depth: int = 0) -> list[tuple[str, int]]:
        """(item, line) of a literal list of strings or a multi-line string; else Computed."""
        resolved = self.resolve(node)
        if depth > MAX_DEPTH:
            raise Computed(node)
        if isinstance(resolved, ast.Constant) and isinstance(resolved.value, str):
            lines = enumerate(resolved.value.splitlines())
            return [(s.strip(), resolved.lineno + i) for i, s in lines if s.strip()]
        if isinstance(resolved, ast.List | ast.Tuple):
            return [item for elt in resolved.elts for item in self.strings(elt, depth + 1)]
        if isinstance(resolved, ast.BinOp) and isinstance(resolved.op, ast.Add):
            return self.strings(resolved.left, depth + 1) + self.strings(resolved.right, depth + 1)
        raise Computed(node)

    def string(self, node: ast.expr) -> str:
        """A literal string value; else Computed."""
        resolved = self.resolve(node)
        if isinstance(resolved, ast.Constant) and isinstance(resolved.value, str):
            return resolved.value
        raise Computed(node)

    def mapping(self, node: ast.expr) -> list[tuple[str, ast.expr]]:
        """Items of a literal dict with string keys (or `dict(k=...)`); else Computed."""
        resolved = self.resolve(node)
        if isinstance(resolved, ast.Dict):
            keys = [self.string(k) if k is not None else None for k in resolved.keys]
            if None in keys:
                raise Computed(node)
            return [(str(k), v) for k, v in zip(keys, resolved.values, strict=True)]
        if isinstance(resolved, ast.Call) and dotted(resolved.func) == "dict" and not resolved.args:
            if any(kw.arg is None for kw in resolved.keywords):
                raise Computed(node)
            return [(str(kw.arg), kw.value) for kw in resolved.keywords]
        raise Computed(node)


@dataclass(frozen=True, slots=True)
class CallReader:
    """Turns one `setup()` call into records."""

    module: Module
    entry: WalkEntry
    ctx: ScanContext
    origin: str

    def at(self, line: int | None) -> Location:
        """A location in this setup.py."""
        return Location(file=self.entry.rel, line=line)

    def computed(self, key: str, node: ast.AST) -> Problem:
        """The Problem for a value only running the file would give."""
        message = (
            f"{key} is computed ({self.module.segment(node)}) and was not evaluated: "
            "aibom never runs setup.py"
        )
        return Problem(location=self.at(getattr(node, "lineno", None)), message=message)

    def keywords(self, call: ast.Call) -> Iterator[tuple[str, ast.expr] | Problem]:
        """Keyword arguments, with `**literal_dict` expanded."""
        for keyword in call.keywords:
            if keyword.arg is not None:
                yield keyword.arg, keyword.value
                continue
            try:
                yield from self.module.mapping(keyword.value)
            except Computed:
                yield self.computed(f"**{self.module.segment(keyword.value)}", keyword.value)

    def records(self, call: ast.Call) -> Iterator[Record]:
        """The project component and requirement records of one call."""
        parent = project_ref(self.module.rel_dir)
        meta: dict[str, tuple[str, int]] = {}
        lists: dict[str, list[tuple[str, int]]] = {}
        for item in self.keywords(call):
            if isinstance(item, Problem):
                yield item
                continue
            key, node = item
            try:
                if key in METADATA_KEYS:
                    meta[key] = (self.module.string(node), node.lineno)
                elif key in LIST_KEYS:
                    lists[key] = self.module.strings(node)
                elif key == "extras_require":
                    for extra, value in self.module.mapping(node):
                        yield from self.requirements(value, extra, parent)
            except Computed as exc:
                yield self.computed(key, exc.node)
        yield from self.project(call, meta, lists, parent)
        for text, line in lists.get("install_requires", ()):
            yield from self.one(text, line, None, parent)

    def requirements(self, node: ast.expr, extra: str, parent: str) -> Iterator[Record]:
        """Records of one extra's requirement list (a computed one is a Problem of its own)."""
        try:
            items = self.module.strings(node)
        except Computed as exc:
            yield self.computed(f"extras_require[{extra!r}]", exc.node)
            return
        for text, line in items:
            yield from self.one(text, line, f"extra:{extra}", parent)

    def one(self, text: str, line: int, group: str | None, parent: str) -> Iterator[Record]:
        """Records of one requirement string, or a Problem when it is not PEP 508."""
        if text.startswith("#"):
            return
        yield from requirement_or_problem(
            text,
            parent=parent,
            location=self.at(line),
            origin=self.origin,
            manifest_kind="setup.py",
            group=group,
            describe=naming_requirement,
        )

    def project(
        self,
        call: ast.Call,
        meta: dict[str, tuple[str, int]],
        lists: dict[str, list[tuple[str, int]]],
        parent: str,
    ) -> Iterator[Component]:
        """The project component, when the call gives any metadata literally."""
        classifiers = [text for text, _ in lists.get("classifiers", ())]
        if not meta and not classifiers:
            return
        evidence = [
            LicenseEvidence(kind=kind, value=meta[key][0], location=self.at(meta[key][1]))
            for key, kind in (("license_expression", "expression"), ("license", "license"))
            if key in meta and meta[key][0].strip()
        ]
        evidence += [
            LicenseEvidence(kind="classifier", value=text, location=self.at(line))
            for text, line in lists.get("classifiers", ())
            if licenses.is_license_classifier(text)
        ]
        evidence += [
            LicenseEvidence(kind="license-file", value=text, location=self.at(line))
            for text, line in lists.get("license_files", ())
        ]
        name = meta.get("name", ("", 0))[0].strip()
        yield Component(
            bom_ref=parent,
            type=ComponentType.APPLICATION,
            name=name or self.entry.rel.parent.name or self.ctx.root.name,
            version=meta.get("version", ("", 0))[0].strip() or None,
            license=licenses.from_metadata(
                expression=meta.get("license_expression", (None, 0))[0],
                license_field=meta.get("license", (None, 0))[0],
                classifiers=classifiers,
            ),
            license_raw=tuple(evidence),
            locations=(self.at(meta["name"][1] if "name" in meta else call.lineno),),
            origin=self.origin,
        )


def dotted(node: ast.expr) -> str:
    """`a.b.c` for a Name/Attribute chain, else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def simple_assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    """(name, value) of `NAME = value` / `NAME: T = value`, else (None, None)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            return target.id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
        return stmt.target.id, stmt.value
    return None, None


def bound_names(node: ast.AST) -> Iterator[str]:
    """Names a node binds or mutates (so a name bound once and never changed is a constant)."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor):
        targets = [node.target]
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        targets = [node.optional_vars]
    elif isinstance(node, ast.NamedExpr):
        targets = [node.target]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
            yield node.func.value.id
    elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
        targets = [node.value]
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                yield sub.id
