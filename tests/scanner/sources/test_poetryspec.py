from __future__ import annotations

import pytest

from scanner.sources.poetryspec import (
    PoetrySpecError,
    and_markers,
    direct_url,
    entries,
    extras_by_dependency,
    python_marker,
    source_kind,
    string,
    to_requirement,
    to_specifier,
    with_extras,
)

# Expected values are poetry-core 2.5.0's `parse_constraint(...)` output for each input.
CONSTRAINTS = [
    ("^1.2.3", ">=1.2.3,<2.0.0"),
    ("^1.2", ">=1.2,<2.0"),
    ("^1", ">=1,<2"),
    ("^0.2.3", ">=0.2.3,<0.3.0"),
    ("^0.0.3", ">=0.0.3,<0.0.4"),
    ("^0.0", ">=0.0,<0.1"),
    ("^0", ">=0,<1"),
    ("^0.0.0", ">=0.0.0,<0.0.1"),
    ("^1.2.3.4", ">=1.2.3.4,<2.0.0.0"),
    ("^0.0.0.4", ">=0.0.0.4,<0.0.1.0"),
    ("^1.0.0a1", ">=1.0.0a1,<2.0.0"),
    ("~1.2.3", ">=1.2.3,<1.3.0"),
    ("~1.2", ">=1.2,<1.3"),
    ("~1", ">=1,<2"),
    ("~1.2.3.4", ">=1.2.3.4,<1.3.0.0"),
    ("~=1.2", "~=1.2"),
    ("1.*", "==1.*"),
    ("1.2.*", "==1.2.*"),
    ("*", ""),
    ("", ""),
    ("1.2.3", "==1.2.3"),
    ("=1.2.3", "==1.2.3"),
    (">=1.2,<2", ">=1.2,<2"),
    (">= 1.2 <2", ">=1.2,<2"),
    (">=1.2, <2.0, !=1.5", ">=1.2,<2.0,!=1.5"),
    ("!=1.2.*", "!=1.2.*"),
]


@pytest.mark.parametrize(("constraint", "expected"), CONSTRAINTS)
def test_constraints_match_poetry_core(constraint, expected):
    assert to_specifier(constraint) == expected


@pytest.mark.parametrize("bad", [">=2.7,<2.8 || >=3.4", "^1.*", "abc", ">=", "^1.x"])
def test_constraints_without_pep440_form(bad):
    with pytest.raises(PoetrySpecError):
        to_specifier(bad)


def test_python_markers():
    assert python_marker("^3.8") == 'python_version >= "3.8" and python_version < "4.0"'
    assert python_marker(">=3.8.1,<4") == 'python_full_version >= "3.8.1" and python_version < "4"'
    assert python_marker("~2.7 || ^3.4") == (
        '(python_version >= "2.7" and python_version < "2.8") or '
        '(python_version >= "3.4" and python_version < "4.0")'
    )
    assert python_marker("*") is None


def test_tables_as_pep508():
    table = {"version": "^1.2", "python": "^3.8", "markers": "sys_platform == 'linux'"}
    assert to_requirement("foo", {**table, "extras": ["a"]}) == (
        "foo[a]>=1.2,<2.0 ; sys_platform == 'linux' and "
        'python_version >= "3.8" and python_version < "4.0"'
    )
    assert to_requirement("foo", {"version": "*", "platform": "darwin"}) == (
        'foo ; sys_platform == "darwin"'
    )
    assert to_requirement("foo", {"version": "1", "python": "<3 || >=3.5"}) == (
        'foo==1 ; (python_version < "3") or (python_version >= "3.5")'
    )
    both = {"version": "1", "markers": "os_name == 'nt'", "python": "<3 || >=3.5"}
    assert to_requirement("foo", both) == (
        'foo==1 ; os_name == \'nt\' and ((python_version < "3") or (python_version >= "3.5"))'
    )


@pytest.mark.parametrize(
    ("table", "url"),
    [
        ({"git": "https://github.com/a/b.git", "rev": "abc"}, "git+https://github.com/a/b.git@abc"),
        (
            {"git": "git@github.com:a/b.git", "branch": "main"},
            "git+ssh://git@github.com/a/b.git@main",
        ),
        ({"git": "https://x/b.git", "subdirectory": "s"}, "git+https://x/b.git#subdirectory=s"),
        ({"path": "../foo", "develop": True}, "file:../foo"),
        ({"url": "https://x/foo-1.0.tar.gz"}, "https://x/foo-1.0.tar.gz"),
        ({"version": "1"}, None),
    ],
)
def test_direct_urls(table, url):
    assert direct_url(table) == url


def test_entries_groups_extras_and_problems():
    extras = extras_by_dependency({"GPU": ["torch"], "bad": "not-a-list"})
    deps = {
        "python": "^3.11",
        "torch": {"version": "^2.1", "optional": True},
        "lonely": {"version": "*", "optional": True},
        "either": ">=1 || >=3",
        "numpy": [{"version": "^1.26", "python": "<3.12"}, {"version": "^2", "python": ">=3.12"}],
        "weird": 3,
    }
    found = {(e.key, e.requirement, e.groups, e.problem) for e in entries(deps, None, extras)}
    assert found == {
        ("torch", "torch>=2.1,<3.0", ("extra:gpu",), None),
        ("lonely", "lonely", ("optional",), None),
        (
            "either",
            "either",
            (None,),
            "alternatives ('>=1 || >=3') have no PEP 440 equivalent; recorded without a version",
        ),
        ("numpy", 'numpy>=1.26,<2.0 ; python_version < "3.12"', (None,), None),
        ("numpy", 'numpy>=2,<3 ; python_version >= "3.12"', (None,), None),
        ("weird", "", (), "unreadable entry"),
    }


def test_source_kinds():
    assert source_kind({"priority": "primary"}) == "index-url"
    assert source_kind({"default": True}) == "index-url"
    assert source_kind({"priority": "explicit"}) == "explicit-index"
    assert source_kind({"priority": "supplemental"}) == "extra-index-url"
    assert source_kind({"secondary": True}) == "extra-index-url"


def test_table_helpers() -> None:
    assert and_markers(["", 'os_name == "nt" or os_name == "posix"']) == (
        'os_name == "nt" or os_name == "posix"'
    )
    assert (
        and_markers(['a == "1" or a == "2"', 'b == "3"']) == '(a == "1" or a == "2") and b == "3"'
    )
    assert and_markers(["", ""]) is None
    assert with_extras("rich", {"extras": ["jupyter", "x"]}) == "rich[jupyter,x]"
    assert with_extras("rich", {}) == "rich"
    with pytest.raises(PoetrySpecError, match="`extras` must be a list of names"):
        with_extras("rich", {"extras": "jupyter"})
    assert string({"v": "  1.0 "}, "v") == "1.0"
    assert string({"v": "  "}, "v") is None
    with pytest.raises(PoetrySpecError, match="`v` must be a string"):
        string({"v": 1}, "v")
