"""Static name resolution: callee names and constant values."""

from __future__ import annotations

import ast

import pytest

from scanner.references.base import UNKNOWN
from scanner.references.resolver import Resolver
from scanner.references.scopes import ModuleInfo


def resolve(code: str, external: dict[str, object] | None = None) -> dict[str, object]:
    """callee -> first argument value of every call in `code`."""
    module = ModuleInfo(ast.parse(code), ("pkg", "sub"))
    table = external or {}
    resolver = Resolver(module, lambda name, depth: table.get(name, UNKNOWN))
    out: dict[str, object] = {}
    for call, scope in module.calls:
        name = resolver.qualname(call.func, scope)
        args, _ = resolver.arguments(call, scope)
        out[str(name)] = args[0] if args else None
    return out


def test_relative_imports_name_the_package() -> None:
    found = resolve(
        "from ..cfg import NAME\nfrom . import tools\nf(NAME)\ntools.g(1)\n", {"pkg.cfg.NAME": "v"}
    )
    assert found == {"f": "v", "pkg.sub.tools.g": 1}


def test_class_scope_is_not_visible_from_methods() -> None:
    code = "X = 'module'\nclass C:\n    X = 'class'\n    def m(self):\n        f(X)\n"
    assert resolve(code) == {"f": "module"}


def test_global_and_rebinding() -> None:
    code = "A = 'one'\ndef g():\n    global A\n    A = 'two'\nf(A)\nfor B in range(3): pass\nh(B)\n"
    found = resolve(code)
    assert found["f"] is UNKNOWN
    assert found["h"] is UNKNOWN


def test_fstrings_concat_subscripts_and_dicts() -> None:
    code = (
        "ORG = 'org'\n"
        "CFG = {'model': f'{ORG}/m', 'n': 2}\n"
        "f(CFG['model'] + '-v2')\n"
        "g(f'{ORG!r}')\n"
        "h(f'{ORG:>10}')\n"
        "k(dict(a=1))\n"
        "m([ORG, 1])\n"
    )
    found = resolve(code)
    assert found == {
        "f": "org/m-v2",
        "g": "'org'",
        "h": UNKNOWN,
        "k": {"a": 1},
        "dict": None,
        "m": ["org", 1],
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import a.b\na.b.c()\n", "a.b.c"),
        ("import a.b as ab\nab.c()\n", "a.b.c"),
        ("from a import b as c\nc().d()\n", "a.b().d"),
        ("x = [1]\nx[0]()\n", "None"),
        ("def f(c: 'str'):\n    c.x()\n", "None"),
        ("import a\nfor a in []: pass\na.x()\n", "None"),
    ],
)
def test_callee_names(code: str, expected: str) -> None:
    assert expected in resolve(code)


def test_cycles_stop() -> None:
    code = (
        "A = B\nB = A\nf(A)\n"
        "class K:\n    def m(self):\n        self.c = self.c\n        self.c.go()\n"
    )
    found = resolve(code)
    assert found["f"] is UNKNOWN
    assert "None" in found


def test_star_args_stop_positional_resolution() -> None:
    module = ModuleInfo(ast.parse("f('a', *rest, 'b', **{'k': True}, **opts)\n"), ())
    resolver = Resolver(module, lambda name, depth: UNKNOWN)
    call, scope = module.calls[0]
    assert resolver.arguments(call, scope) == (("a",), {"k": True})


def test_a_repeated_import_still_resolves(tmp_path) -> None:
    """Notebooks repeat imports across cells; the name still means the same thing."""
    from tests.scanner.references.refs import hub, snippet

    code = (
        "from transformers import AutoModel\n"
        "from transformers import AutoModel\n"
        "AutoModel.from_pretrained('org/model-a')\n"
    )
    assert set(hub(snippet(tmp_path, code))) == {"org/model-a"}
    # two different things under one name stay ambiguous: no guess
    code = (
        "from transformers import AutoModel\n"
        "from mylib import AutoModel\n"
        "AutoModel.from_pretrained('org/model-b')\n"
    )
    assert hub(snippet(tmp_path, code)) == {}
