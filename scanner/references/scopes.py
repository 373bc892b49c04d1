"""Static name resolution over one parsed module: imports, scopes and literal values.

One iterative pass records every call with its scope and every name binding; afterwards
`qualname` turns a callee into a dotted name (`from transformers import AutoModel as M;
M.from_pretrained` -> `transformers.AutoModel.from_pretrained`, `c = OpenAI(); c.x.create`
-> `openai.OpenAI().x.create`) and `evaluate` folds an argument into a value: literals, names
bound once, parameter defaults, f-strings and `+` of constants, `os.getenv(k, default)`,
dict/list literals, and constants of sibling modules through the `external` callback.
Nothing is executed.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scanner.references.base import UNKNOWN

MAX_DEPTH = 24
ENV_DEFAULTS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})
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
        self.complete = True
        self._visit()
        self.calls.sort(key=lambda item: (item[0].lineno, item[0].col_offset))

    def release(self) -> None:
        """Keep only the module scope (what other files' constant lookups need): the tree
        and the calls are dropped so a scan of many files does not hold every AST."""
        self.tree = ast.Module(body=[], type_ignores=[])
        self.calls = []
        self.forwarding = []
        self.complete = False

    def _visit(self) -> None:
        stack: list[tuple[ast.AST, Scope]] = [(self.tree, self.scope)]
        calls = self.calls
        while stack:
            node, scope = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                calls.append((node, scope))  # type: ignore[arg-type]  # kind is ast.Call
            elif kind in SCOPE_NODES:
                self._enter(node, scope, stack)
                continue
            elif kind in BINDING_NODES:
                self._bind(node, scope)
            push_children(stack, node, scope)
        self._hoist_globals()

    def _enter(self, node: ast.AST, scope: Scope, stack: list[tuple[ast.AST, Scope]]) -> None:
        """Open the scope a function, class or comprehension makes; queue its children."""
        if isinstance(node, FUNCTIONS):
            inner = self._function(node, scope)
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
            stack.extend((n, scope) for n in (*node.bases, *node.keywords, *node.decorator_list))
            stack.extend((stmt, inner) for stmt in node.body)
        else:  # a comprehension: generators and element alike
            push_children(stack, node, Scope("comprehension", scope))

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


External = Callable[[str, int], object]
"""Resolves a dotted name outside this module (a sibling module's constant) at a depth."""


@dataclass(slots=True)
class Resolver:
    """`qualname` and `evaluate` for expressions of one module."""

    module: ModuleInfo
    external: External

    def qualname(self, node: ast.expr, scope: Scope, depth: int = 0) -> str | None:
        """Dotted name a callee expression refers to; `()` marks an instance of a call."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            binding = scope.lookup(node.id)
            if binding is None:
                return None if self._bound_anywhere(node.id, scope) else node.id
            return self._binding_name(binding, depth)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and scope.self_name == node.value.id:
                return self._self_attr(node.attr, scope, depth)
            base = self.qualname(node.value, scope, depth + 1)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self.qualname(node.func, scope, depth + 1)
            return f"{base}()" if base else None
        return None

    @staticmethod
    def _bound_anywhere(name: str, scope: Scope) -> bool:
        probe: Scope | None = scope
        while probe is not None:
            if name in probe.names:
                return True
            probe = probe.parent
        return False

    def _binding_name(self, binding: Binding, depth: int) -> str | None:
        if binding.target is not None:
            return binding.target
        if binding.value is None and binding.annotation is not None and binding.scope:
            base = self.qualname(binding.annotation, binding.scope, depth + 1)
            return f"{base}()" if base else None
        if binding.scope is not None and isinstance(
            binding.value, ast.Name | ast.Attribute | ast.Call
        ):
            return self.qualname(binding.value, binding.scope, depth + 1)
        return None

    def _self_attr(self, attr: str, scope: Scope, depth: int) -> str | None:
        owner = scope.owner
        bound = owner.attrs.get(attr, []) if owner is not None else []
        if len(bound) != 1:
            return None
        return self._binding_name(bound[0], depth + 1)

    def producer(self, node: ast.expr, scope: Scope) -> tuple[ast.Call, Scope] | None:
        """The call whose result `node` holds: itself, or the value of a name bound once."""
        for _ in range(MAX_DEPTH):
            if isinstance(node, ast.Call):
                return node, scope
            if not isinstance(node, ast.Name):
                return None
            binding = scope.lookup(node.id)
            if binding is None or binding.value is None or binding.scope is None:
                return None
            node, scope = binding.value, binding.scope
        return None

    def evaluate(self, node: ast.expr, scope: Scope, depth: int = 0) -> object:
        """The value of `node`, or UNKNOWN when it is not a constant."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.name_value(node.id, scope, depth)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.evaluate(node.left, scope, depth + 1)
            right = self.evaluate(node.right, scope, depth + 1)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            return UNKNOWN
        if isinstance(node, ast.Attribute):
            name = self.qualname(node, scope, depth + 1)
            return self.external(name, depth + 1) if name else UNKNOWN
        if isinstance(node, ast.Dict):
            return self._dict(node, scope, depth)
        if isinstance(node, ast.List | ast.Tuple):
            return [self.evaluate(elt, scope, depth + 1) for elt in node.elts]
        if isinstance(node, ast.Call):
            return self._call_value(node, scope, depth)
        if isinstance(node, ast.Subscript):
            container = self.evaluate(node.value, scope, depth + 1)
            key = self.evaluate(node.slice, scope, depth + 1)
            if isinstance(container, dict) and isinstance(key, str | int) and key in container:
                return container[key]
        return UNKNOWN

    def name_value(self, name: str, scope: Scope, depth: int = 0) -> object:
        """The value `name` is bound to in `scope` (UNKNOWN if not a constant)."""
        binding = scope.lookup(name)
        if binding is None:
            return UNKNOWN
        if binding.target is not None:
            return self.external(binding.target, depth + 1)
        if binding.value is None or binding.scope is None:
            return UNKNOWN
        return self.evaluate(binding.value, binding.scope, depth + 1)

    def _fstring(self, node: ast.JoinedStr, scope: Scope, depth: int) -> object:
        out: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
                continue
            if not isinstance(part, ast.FormattedValue) or part.format_spec is not None:
                return UNKNOWN
            value = self.evaluate(part.value, scope, depth + 1)
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                return UNKNOWN
            out.append(repr(value) if part.conversion == ord("r") else str(value))
        return "".join(out)

    def _dict(self, node: ast.Dict, scope: Scope, depth: int) -> object:
        out: dict[object, object] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                merged = self.evaluate(value, scope, depth + 1)
                if isinstance(merged, dict):
                    out.update(merged)
                continue
            resolved = self.evaluate(key, scope, depth + 1)
            if isinstance(resolved, str | int | bool):
                out[resolved] = self.evaluate(value, scope, depth + 1)
        return out

    def _call_value(self, node: ast.Call, scope: Scope, depth: int) -> object:
        name = self.qualname(node.func, scope, depth + 1)
        if name in ENV_DEFAULTS and len(node.args) == 2:
            return self.evaluate(node.args[1], scope, depth + 1)
        if name in PATH_JOINS and node.args and not node.keywords:
            parts = [self.evaluate(arg, scope, depth + 1) for arg in node.args]
            if all(isinstance(part, str) for part in parts):
                return posixpath.join(*(str(part) for part in parts))
        if name == "dict" and not node.args:
            return {
                kw.arg: self.evaluate(kw.value, scope, depth + 1)
                for kw in node.keywords
                if kw.arg is not None
            }
        return UNKNOWN

    def arguments(
        self, call: ast.Call, scope: Scope
    ) -> tuple[tuple[object, ...], dict[str, object]]:
        """Positional values (UNKNOWN after a `*args`) and keyword values (`**{...}` merged)."""
        args: list[object] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                break
            args.append(self.evaluate(arg, scope))
        kwargs: dict[str, object] = {}
        for keyword in call.keywords:
            if keyword.arg is not None:
                kwargs[keyword.arg] = self.evaluate(keyword.value, scope)
                continue
            merged = self.evaluate(keyword.value, scope)
            if isinstance(merged, dict):
                kwargs.update({k: v for k, v in merged.items() if isinstance(k, str)})
        return tuple(args), kwargs
