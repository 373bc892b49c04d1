"""Poetry's dependency syntax as PEP 440 specifiers and PEP 508 requirement strings.

Poetry writes `^1.2.3`, `~1.2`, `1.*`, bare `1.2.3` and space-separated ranges, and tables
with `version`, `extras`, `markers`, `python`, `platform`, `git`/`rev`/`tag`/`branch`,
`path` and `url`. The bounds follow poetry-core: `^` bumps the left-most non-zero part
(`^0.2.3` -> `>=0.2.3,<0.3.0`), `~` bumps the minor part (the major when only one is given),
and the upper bound keeps the precision written (`^1.2` -> `<2.0`). Pipfile tables share
the shape, so the Pipfile source uses the table helpers too (`string`, `with_extras`,
`and_markers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

TOKEN = re.compile(r"(?P<op>\^|~=|~|===|==|!=|<=|>=|<|>|=)?\s*(?P<version>[^\s,^~<>=!|]+)")
SCP_LIKE = re.compile(r"^(?P<user>[\w.-]+)@(?P<host>[\w.-]+):(?P<path>(?!//).+)$")


class PoetrySpecError(ValueError):
    """A Poetry constraint or dependency table that has no PEP 440 / PEP 508 equivalent."""


def to_specifier(constraint: str) -> str:
    """A Poetry version constraint as a PEP 440 specifier ('' means any version)."""
    text = constraint.strip()
    if "|" in text:
        raise PoetrySpecError(f"alternatives ({text!r}) have no PEP 440 equivalent")
    parts: list[str] = []
    pos = _skip(text, 0)
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None:
            raise PoetrySpecError(f"cannot read version constraint {constraint!r}")
        parts.extend(_convert(match["op"] or "", match["version"]))
        pos = _skip(text, match.end())
    spec = ",".join(parts)
    try:
        SpecifierSet(spec)
    except InvalidSpecifier as exc:
        raise PoetrySpecError(f"invalid version constraint {constraint!r}") from exc
    return spec


def python_marker(constraint: str) -> str | None:
    """A Poetry `python = "..."` constraint as a PEP 508 marker (None for any Python)."""
    groups: list[str] = []
    for alternative in re.split(r"\|\|?", constraint):
        spec = to_specifier(alternative)
        if not spec:
            return None
        groups.append(" and ".join(_python_term(part) for part in spec.split(",")))
    return groups[0] if len(groups) == 1 else " or ".join(f"({g})" for g in groups)


def to_requirement(name: str, value: str | Mapping[str, object]) -> str:
    """One Poetry dependency entry (a constraint string or a table) as a PEP 508 string."""
    if isinstance(value, str):
        return f"{name}{to_specifier(value)}"
    head = with_extras(name, value)
    url = direct_url(value)
    if url:
        head = f"{head} @ {url}"
    else:
        head += to_specifier(string(value, "version") or "*")
    markers = _markers(value)
    return f"{head} ; {markers}" if markers else head


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t,":
        pos += 1
    return pos


def _convert(op: str, version: str) -> list[str]:
    if op in ("^", "~"):
        release = _release(version)
        if op == "^":
            index = next((i for i, n in enumerate(release) if n != 0), len(release) - 1)
        else:
            index = 0 if len(release) == 1 else 1
        index = min(index, 2, len(release) - 1)
        upper = [*release[:index], release[index] + 1, *([0] * (len(release) - index - 1))]
        return [f">={version}", f"<{'.'.join(map(str, upper))}"]
    if op == "=":
        op = "=="
    if not op:
        if version == "*":
            return []
        op = "=="
    return [f"{op}{version}"]


def _release(version: str) -> tuple[int, ...]:
    try:
        return Version(version).release
    except InvalidVersion as exc:
        raise PoetrySpecError(f"invalid version {version!r}") from exc


def _python_term(part: str) -> str:
    match = re.match(r"(~=|===|==|!=|<=|>=|<|>)(.*)", part)
    if match is None:  # to_specifier always writes an operator
        raise PoetrySpecError(f"cannot read Python constraint {part!r}")
    op, version = match.groups()
    full = "*" not in version and len(_release(version)) >= 3
    return f'{"python_full_version" if full else "python_version"} {op} "{version}"'


def _markers(table: Mapping[str, object]) -> str | None:
    terms: list[str] = []
    if markers := string(table, "markers"):
        terms.append(markers)
    if python := string(table, "python"):
        marker = python_marker(python)
        if marker:
            terms.append(marker)
    if platform := string(table, "platform"):
        terms.append(f'sys_platform == "{platform}"')
    return and_markers(terms)


def and_markers(terms: Iterable[str]) -> str | None:
    """The non-empty marker terms AND-ed (an `or` term parenthesised when there are several)."""
    kept = [t for t in terms if t]
    if len(kept) <= 1:
        return kept[0] if kept else None
    return " and ".join(f"({t})" if " or " in t else t for t in kept)


def with_extras(name: str, table: Mapping[str, object]) -> str:
    """`name[a,b]` for the table's `extras` (PoetrySpecError unless a list of names)."""
    extras = table.get("extras") or []
    if not isinstance(extras, list) or not all(isinstance(e, str) for e in extras):
        raise PoetrySpecError("`extras` must be a list of names")
    return f"{name}[{','.join(extras)}]" if extras else name


def direct_url(table: Mapping[str, object]) -> str | None:
    """The PEP 508 URL of a `git` / `path` / `url` table (Poetry's and uv's sources alike)."""
    if git := string(table, "git"):
        if match := SCP_LIKE.match(git):
            git = f"ssh://{match['user']}@{match['host']}/{match['path']}"
        url = git if git.startswith("git+") else f"git+{git}"
        ref = string(table, "rev") or string(table, "tag") or string(table, "branch")
        url = f"{url}@{ref}" if ref else url
    elif path := string(table, "path"):
        url = f"file:{path}"
    elif direct := string(table, "url"):
        url = direct
    else:
        return None
    subdirectory = string(table, "subdirectory")
    return f"{url}#subdirectory={subdirectory}" if subdirectory else url


def string(table: Mapping[str, object], key: str) -> str | None:
    """A non-empty string value, stripped, else None (PoetrySpecError for a non-string)."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise PoetrySpecError(f"`{key}` must be a string")
    return value.strip() or None


@dataclass(frozen=True, slots=True, kw_only=True)
class PoetryEntry:
    """One dependency of a Poetry table: its PEP 508 form, groups, properties or problem."""

    key: str
    requirement: str
    groups: tuple[str | None, ...]
    properties: tuple[tuple[str, str], ...] = ()
    problem: str | None = None


def entries(
    deps: Mapping[str, object], group: str | None, extras: Mapping[str, list[str]]
) -> Iterator[PoetryEntry]:
    """Entries of a Poetry dependency table (`python` is the interpreter, not a package).

    A multiple-constraint array gives one entry per constraint. An `optional = true` main
    dependency belongs to the extras (`extra:<name>`) that list it, else to `optional`.
    A constraint without a PEP 440 form is kept by name, with the problem.
    """
    for key, value in deps.items():
        if canonicalize_name(key) == "python":
            continue
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, (str, dict)):
                yield PoetryEntry(key=key, requirement="", groups=(), problem="unreadable entry")
                continue
            problem = None
            try:
                requirement = to_requirement(key, item)
            except PoetrySpecError as exc:
                requirement, problem = key, f"{exc}; recorded without a version"
            table = item if isinstance(item, dict) else {}
            groups: tuple[str | None, ...] = (group,)
            if group is None and table.get("optional") is True:
                groups = tuple(extras.get(canonicalize_name(key), ["optional"]))
            properties = [("aibom:poetry:develop", "true")] if table.get("develop") is True else []
            if isinstance(source := table.get("source"), str):
                properties.append(("aibom:poetry:source", source))
            yield PoetryEntry(
                key=key,
                requirement=requirement,
                groups=groups,
                properties=tuple(properties),
                problem=problem,
            )


def extras_by_dependency(extras: Mapping[str, object]) -> dict[str, list[str]]:
    """`[tool.poetry.extras]` inverted: normalised dependency name -> `extra:<name>` groups."""
    found: dict[str, list[str]] = {}
    for extra, names in extras.items():
        for name in names if isinstance(names, list) else []:
            found.setdefault(canonicalize_name(str(name)), []).append(
                f"extra:{canonicalize_name(extra)}"
            )
    return found


def source_kind(source: Mapping[str, object]) -> str:
    """IndexUrl kind of a `[[tool.poetry.source]]` from its priority (or legacy flags)."""
    priority = source.get("priority")
    if priority in ("primary", "default") or source.get("default") is True:
        return "index-url"
    return "explicit-index" if priority == "explicit" else "extra-index-url"
