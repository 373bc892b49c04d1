"""Static name resolution over one module's scopes (`scopes.ModuleInfo`).

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
from collections.abc import Callable
from dataclasses import dataclass

from scanner.references.base import UNKNOWN
from scanner.references.scopes import Binding, ModuleInfo, Scope

MAX_DEPTH = 24
ENV_DEFAULTS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})


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
