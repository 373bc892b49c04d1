"""`ModuleInfo._visit` inlines `push_children`: on every file of the repository it records the
calls and bindings that the visit written with `push_children` records, in the same order;
and `release` (which drops the bindings no lookup from the module can reach) leaves every
module-level name resolving as before."""

from __future__ import annotations

import ast

from scanner.references.base import UNKNOWN
from scanner.references.resolver import Resolver
from scanner.references.scopes import (
    BINDING_NODES,
    SCOPE_NODES,
    Binding,
    ModuleInfo,
    Scope,
    push_children,
)
from tests.scanner.references.test_scopes_visit import TREES


class PlainModuleInfo(ModuleInfo):
    """The visit as written before the inlining."""

    def _visit(self) -> None:
        stack: list[tuple[ast.AST, Scope]] = [(self.tree, self.scope)]
        while stack:
            node, scope = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                self.calls.append((node, scope))  # type: ignore[arg-type]
            elif kind in SCOPE_NODES:
                self._enter(node, scope, stack)
                continue
            elif kind in BINDING_NODES:
                self._bind(node, scope)
            push_children(stack, node, scope)
        self._hoist_globals()


def shape(module: ModuleInfo) -> object:
    """Calls (by position, with their scope's number) and every scope's bindings, in order."""
    numbers: dict[int, int] = {}

    def number(scope: Scope | None) -> int | None:
        return None if scope is None else numbers.setdefault(id(scope), len(numbers))

    def node(value: ast.AST | None) -> object:
        return None if value is None else ast.dump(value, include_attributes=True)

    def bindings(table: dict[str, list[Binding]]) -> object:
        return [
            (name, [(node(b.value), number(b.scope), node(b.annotation), b.target) for b in bs])
            for name, bs in table.items()
        ]

    scopes = [module.scope, *(scope for _, scope in module.calls)]
    calls = [(c.lineno, c.col_offset, c.end_col_offset, number(s)) for c, s in module.calls]
    kinds = [(s.kind, number(s.parent), number(s.owner), s.self_name) for s in scopes]
    tables = [(sorted(s.forwarded), bindings(s.names), bindings(s.attrs)) for s in scopes]
    return calls, kinds, tables


def test_the_inlined_visit_is_the_plain_visit_on_every_file() -> None:
    for name, tree in TREES:
        assert shape(ModuleInfo(tree, ("pkg",))) == shape(PlainModuleInfo(tree, ("pkg",))), name


def unknown(dotted: str, depth: int) -> object:
    """No sibling module: every outside name is unknown."""
    return UNKNOWN


SAMPLE = """
def setup():
    global MODEL
    local = "gpt2"
    MODEL = local
class C:
    def __init__(self):
        self.name = "bert"
"""
"""A global assigned in a function is read in that function's scope: `release` keeps it."""


def test_a_released_module_resolves_every_name_as_before() -> None:
    for name, tree in [*TREES, ("SAMPLE", ast.parse(SAMPLE))]:
        whole = ModuleInfo(tree, ("pkg",))
        released = ModuleInfo(tree, ("pkg",))
        released.release()
        assert released.scope.names.keys() == whole.scope.names.keys(), name
        for key in whole.scope.names:
            expected = Resolver(whole, unknown).name_value(key, whole.scope)
            found = Resolver(released, unknown).name_value(key, released.scope)
            assert repr(found) == repr(expected), (name, key)
    assert Resolver(released, unknown).name_value("MODEL", released.scope) == "gpt2"
