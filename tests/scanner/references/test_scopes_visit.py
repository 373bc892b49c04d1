"""The scope visit queues the children `ast.iter_child_nodes` gives, less visits that do nothing."""

from __future__ import annotations

import ast
from pathlib import Path

from scanner.references.scopes import (
    BINDING_NODES,
    LEAVES,
    SCOPE_NODES,
    SKIPPED,
    ModuleInfo,
    Scope,
    push_children,
)
from tests.conftest import REPO

EVERY_SYNTAX = """
from __future__ import annotations
import os.path as osp, sys
from ..pkg import name as alias, other
from . import sibling
X: int = f(1)
Y = Z = g(2)[1:h(3):2]
X += k(4)
del Y
@deco(5)
@other.deco
class C(Base, metaclass=M, **extra):
    attr: str
    def method(self, a, /, b: ann(6) = dflt(7), *args, c=kw(8), **kwargs) -> ret(9):
        nonlocal_holder = 1
        def inner():
            nonlocal nonlocal_holder
            nonlocal_holder = call(10)
        global GLOBAL
        GLOBAL = self.x = call(11)
        return lambda q=call(12): q(call(13))
async def coro(arg):
    async with ctx(14) as (a, [b, *c]):
        async for item in aiter(15):
            await thing(16)
    yield
    yield from gen(17)
try:
    pass
except (E1, E2) as err:
    raise New(18) from err
else:
    pass
finally:
    assert check(19), msg(20)
try:
    pass
except* Group as group:
    pass
while (w := cond(21)):
    break
else:
    continue_call(22)
for i, (j, k) in enumerate(pairs(23)):
    pass
else:
    done(24)
if a and not b or c < d <= e is not f in g:
    print(f"{x!r:>{width(25)}} {y=}", -u, +v, ~w, a @ b)
match subject(26):
    case [1, 2, *rest] if guard(27):
        pass
    case {"k": v, **others}:
        pass
    case Point(x=0, y=yy) | Other(1, 2) as caught:
        pass
    case None | True | "s" | -1 | 1 + 2j:
        pass
    case _:
        pass
values = [e(28) for e in xs if p(e)]
uniq = {e for e in xs for f in e}
table = {k: v(29) for k, v in items(30)}
gen = (x async for x in agen())
merged = {**base, "k": val(31), None: 0}
with open(path(32)) as fh, other():
    pass
call(*args, **kwargs)(again(33))
"""


def trees() -> list[tuple[str, ast.Module]]:
    """The sample above and every Python file of the repository's code, tests and fixtures."""
    out = [("EVERY_SYNTAX", ast.parse(EVERY_SYNTAX))]
    paths = [*REPO.glob("scanner/**/*.py"), *REPO.glob("tests/**/*.py")]
    paths += REPO.glob("fixtures/**/*.py")
    for path in sorted(paths):
        try:
            out.append((str(path), ast.parse(Path(path).read_bytes())))
        except SyntaxError:  # fixtures of broken code
            continue
    return out


TREES = trees()


def test_the_sample_holds_every_kind_of_node_the_visit_reads() -> None:
    kinds = {type(node) for node in ast.walk(TREES[0][1])}
    assert set(SCOPE_NODES) | set(BINDING_NODES) <= kinds | {ast.AsyncFunctionDef}
    assert {ast.Match, ast.MatchClass, ast.MatchMapping, ast.MatchOr, ast.TryStar} <= kinds


def test_every_file_queues_the_children_iter_child_nodes_gives() -> None:
    scope = Scope("module", None)
    for name, tree in TREES:
        for node in ast.walk(tree):
            queued: list[tuple[ast.AST, Scope]] = []
            push_children(queued, node, scope)
            expected = [c for c in ast.iter_child_nodes(node) if type(c) not in SKIPPED]
            assert [child for child, _ in queued] == expected, name


def test_a_skipped_node_is_one_whose_visit_does_nothing() -> None:
    active = {ast.Call, *SCOPE_NODES, *BINDING_NODES}
    assert not active & SKIPPED
    for _, tree in TREES:
        for node in ast.walk(tree):
            if type(node) in SKIPPED:
                assert all(type(child) in LEAVES for child in ast.iter_child_nodes(node))


def test_calls_and_bindings_of_the_sample() -> None:
    module = ModuleInfo(ast.parse(EVERY_SYNTAX), ("pkg", "sub"))
    numbered = sorted(
        call.args[0].value
        for call, _ in module.calls
        if call.args and isinstance(call.args[0], ast.Constant) and type(call.args[0].value) is int
    )
    assert numbered == list(range(1, 34))
    names = module.scope.names
    assert {"osp", "sys", "alias", "other", "sibling", "C", "coro", "GLOBAL"} <= set(names)
    assert names["osp"][0].target == "os.path"
    assert names["alias"][0].target == "pkg.pkg.name"
