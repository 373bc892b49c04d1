"""Scopes of one parsed module: one iterative pass records every call with its scope and
every name binding (imports, assignments, parameters, `global`); `resolver.Resolver` then
answers what a name means. Nothing is executed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
SCOPE_NODES = frozenset({*FUNCTIONS, ast.ClassDef, *COMPREHENSIONS})
BINDING_NODES = frozenset(
    {
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.For,
        ast.AsyncFor,
        ast.comprehension,
        ast.NamedExpr,
        ast.withitem,
        ast.ExceptHandler,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
    }
)
LEAVES = frozenset(
    {ast.Load, ast.Store, ast.Del, ast.Constant, *ast.operator.__subclasses__()}
    | {*ast.boolop.__subclasses__(), *ast.cmpop.__subclasses__(), *ast.unaryop.__subclasses__()}
)
"""Node types with nothing below them worth visiting."""
SKIPPED = LEAVES | {ast.Name, ast.alias, ast.TypeIgnore, ast.MatchSingleton, type(None)}
"""What the visit never pushes: leaves, and nodes whose visit does nothing (a Name's only
child is its context, a MatchSingleton holds a constant, an alias is read by its Import);
None stands for an absent child."""
NOT_CHILDREN = frozenset(
    {"ctx", "op", "ops", "id", "attr", "name", "names", "arg", "asname", "module", "level"}
    | {"type_comment", "type_ignores", "simple", "kind", "conversion", "is_async", "kwd_attrs"}
    | {"rest", "lineno", "tag"}
)
"""Fields that never hold a node worth visiting (names, numbers, contexts, operators)."""


def _node_types(base: type[ast.AST]) -> Iterator[type[ast.AST]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _node_types(sub)


CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    kind: tuple(name for name in kind._fields if name not in NOT_CHILDREN)
    for kind in _node_types(ast.AST)
    if kind not in SKIPPED
}
"""Per node type, in `_fields` order, the fields that can hold nodes to visit: the visit
reads these directly rather than through `ast.iter_child_nodes` (its hottest loop)."""


@dataclass(slots=True, eq=False)
class Binding:
    """One binding of a name: its value expression and the scope to read it in."""

    value: ast.expr | None
    scope: Scope | None
    annotation: ast.expr | None = None
    target: str | None = None


def same_import(one: Binding, other: Binding) -> bool:
    """Both bindings import the same dotted name (`from x import y` in two notebook cells)."""
    return (
        one.target is not None
        and one.target == other.target
        and one.value is None
        and other.value is None
    )


@dataclass(slots=True, eq=False)
class Scope:
    """A module, class, function or comprehension scope."""

    kind: str
    parent: Scope | None
    names: dict[str, list[Binding]] = field(default_factory=dict)
    forwarded: set[str] = field(default_factory=set)
    self_name: str | None = None
    owner: Scope | None = None
    attrs: dict[str, list[Binding]] = field(default_factory=dict)

    def bind(self, name: str, binding: Binding) -> None:
        """Record a binding of `name` here (or at module level for `global` names)."""
        scope: Scope = self
        if name in self.forwarded:
            while scope.parent is not None:
                scope = scope.parent
        scope.names.setdefault(name, []).append(binding)

    def lookup(self, name: str) -> Binding | None:
        """The single binding `name` refers to here, or None (unbound or bound twice)."""
        scope: Scope | None = self
        first = True
        while scope is not None:
            if scope.kind == "class" and not first:
                scope = scope.parent
                continue
            if name in scope.forwarded:
                while scope.parent is not None:
                    scope = scope.parent
            if name in scope.names:
                bound = scope.names[name]
                first_binding = bound[0]
                if all(same_import(b, first_binding) for b in bound[1:]):
                    return first_binding  # bound once, or the same import repeated
                return None
            scope, first = scope.parent, False
        return None


def push_children(stack: list[tuple[ast.AST, Scope]], node: ast.AST, scope: Scope) -> None:
    """Queue the children of `node` to be visited in `scope`, in `ast.iter_child_nodes`
    order, less the ones whose visit would do nothing (`SKIPPED`)."""
    for name in CHILD_FIELDS.get(type(node), ()):
        child: Any = getattr(node, name, None)  # a node, a list of nodes, or None
        if type(child) is list:
            for item in child:
                if type(item) not in SKIPPED:
                    stack.append((item, scope))  # noqa: PERF401  # a loop: no list built
        elif type(child) not in SKIPPED:
            stack.append((child, scope))


class ModuleInfo:
    """A parsed module: its module scope, and every call with the scope it is made in."""

    def __init__(self, tree: ast.Module, package: tuple[str, ...]) -> None:
        self.tree = tree
        self.package = package
        self.scope = Scope("module", None)
        self.calls: list[tuple[ast.Call, Scope]] = []
        self.forwarding: list[Scope] = []
        self.inner: list[Scope] = []
        """Every scope opened below the module's (for `release`)."""
        self.complete = True
        self._visit()
        self.calls.sort(key=lambda item: (item[0].lineno, item[0].col_offset))

    def release(self) -> None:
        """Keep only the module scope (what other files' constant lookups need): the tree
        and the calls are dropped so a scan of many files does not hold every AST.

        The bindings of every scope a lookup from the module scope cannot reach are dropped
        too: a scope and its bindings (which name it) are a reference cycle, freed at once
        this way rather than left for the cyclic collector to find."""
        kept = {id(scope) for scope in reachable(self.scope)}
        for scope in self.inner:
            if id(scope) not in kept:
                scope.names.clear()
                scope.attrs.clear()
        self.tree = ast.Module(body=[], type_ignores=[])
        self.calls = []
        self.forwarding = []
        self.inner = []
        self.complete = False

    def _visit(self) -> None:
        stack: list[tuple[ast.AST, Scope]] = [(self.tree, self.scope)]
        calls, pop, push = self.calls, stack.pop, stack.append
        fields_of = CHILD_FIELDS.get
        while stack:
            node, scope = pop()
            kind = type(node)
            if kind is ast.Call:
                calls.append((node, scope))  # type: ignore[arg-type]  # kind is ast.Call
            elif kind in SCOPE_NODES:
                self._enter(node, scope, stack)
                continue
            elif kind in BINDING_NODES:
                self._bind(node, scope)
            # push_children, inlined: this loop runs for every node of every parsed file
            for name in fields_of(kind, ()):
                child: Any = getattr(node, name, None)
                if type(child) is list:
                    for item in child:
                        if type(item) not in SKIPPED:
                            push((item, scope))
                elif type(child) not in SKIPPED:
                    push((child, scope))
        self._hoist_globals()

    def _enter(self, node: ast.AST, scope: Scope, stack: list[tuple[ast.AST, Scope]]) -> None:
        """Open the scope a function, class or comprehension makes; queue its children."""
        if isinstance(node, FUNCTIONS):
            inner = self._function(node, scope)
            self.inner.append(inner)
            stack.append((node.args, scope))
            if isinstance(node, ast.Lambda):
                stack.append((node.body, inner))
                return
            stack.extend((d, scope) for d in node.decorator_list)
            if node.returns is not None:
                stack.append((node.returns, scope))
            stack.extend((stmt, inner) for stmt in node.body)
        elif isinstance(node, ast.ClassDef):
            scope.bind(node.name, Binding(None, None))
            inner = Scope("class", scope)
            self.inner.append(inner)
            stack.extend((n, scope) for n in (*node.bases, *node.keywords, *node.decorator_list))
            stack.extend((stmt, inner) for stmt in node.body)
        else:  # a comprehension: generators and element alike
            inner = Scope("comprehension", scope)
            self.inner.append(inner)
            push_children(stack, node, inner)

    @staticmethod
    def _function(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: Scope) -> Scope:
        inner = Scope("function", scope)
        positional = [*node.args.posonlyargs, *node.args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(node.args.defaults))
        pairs = list(zip(positional, [*defaults, *node.args.defaults], strict=True))
        pairs += list(zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True))
        for arg, default in pairs:
            inner.bind(arg.arg, Binding(default, scope, annotation=arg.annotation))
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                inner.bind(extra.arg, Binding(None, None))
        if scope.kind == "class" and positional:
            inner.self_name, inner.owner = positional[0].arg, scope
        if not isinstance(node, ast.Lambda):
            scope.bind(node.name, Binding(None, None))
        return inner

    def _hoist_globals(self) -> None:
        """Bindings made before the `global` statement that governs them move to the module."""
        for scope in self.forwarding:
            for name in scope.forwarded:
                if name in scope.names:
                    self.scope.names.setdefault(name, []).extend(scope.names.pop(name))

    def _bind(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._target(target, node.value, scope)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._target(node.target, node.value, scope)
        elif isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor | ast.comprehension):
            self._target(node.target, None, scope)
        elif isinstance(node, ast.NamedExpr):
            self._target(node.target, node.value, scope)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._target(node.optional_vars, None, scope)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            scope.bind(node.name, Binding(None, None))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self._import(node, scope)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            scope.forwarded.update(node.names)
            self.forwarding.append(scope)

    def _target(self, target: ast.expr, value: ast.expr | None, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id, Binding(value, scope))
            return
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if scope.owner is not None and target.value.id == scope.self_name:
                scope.owner.attrs.setdefault(target.attr, []).append(Binding(value, scope))
            return
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                scope.bind(sub.id, Binding(None, None))

    def _import(self, node: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, Binding(None, None, target=alias.name))
                else:
                    head = alias.name.split(".")[0]
                    scope.bind(head, Binding(None, None, target=head))
            return
        module = node.module or ""
        if node.level:
            keep = len(self.package) - (node.level - 1)
            base = self.package[: max(keep, 0)]
            module = ".".join([*base, *([module] if module else [])])
        for alias in node.names:
            if alias.name != "*":
                target = f"{module}.{alias.name}" if module else alias.name
                scope.bind(alias.asname or alias.name, Binding(None, None, target=target))


def reachable(scope: Scope) -> list[Scope]:
    """`scope` and every scope a lookup from it can reach: parents, owners, and the scopes
    its bindings are read in (a `global` assigned in a function is read in that function)."""
    seen = {id(scope)}
    out = [scope]
    for current in out:  # grows while it is read
        bound = [*current.names.values(), *current.attrs.values()]
        nexts = [current.parent, current.owner, *(b.scope for bs in bound for b in bs)]
        for other in nexts:
            if other is not None and id(other) not in seen:
                seen.add(id(other))
                out.append(other)
    return out
