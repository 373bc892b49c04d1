from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

from scanner.model import Component, DeclaredRequirement, Edge, Location, Problem, Record
from scanner.sources.base import (
    naming_requirement,
    redact,
    requirement_or_problem,
    requirement_records,
)

WHERE = Location(file=PurePosixPath("sub/pyproject.toml"), line=7)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://u:p@host/simple", "https://u:****@host/simple"),
        ("https://token@host/simple", "https://****@host/simple"),
        ("git+https://token@github.com/a/b", "git+https://****@github.com/a/b"),
        ("git+ssh://git@github.com/a/b", "git+ssh://git@github.com/a/b"),
        ("git+ssh://git:pw@github.com/a/b", "git+ssh://git:****@github.com/a/b"),
        ("https://${USER}:${PASS}@host/", "https://${USER}:${PASS}@host/"),
        ("https://${TOKEN}@host/", "https://${TOKEN}@host/"),
        ("https://u:p@ss@host/", "https://u:****@host/"),  # the last `@` ends the userinfo
        ("https://:p@host/", "https://:****@host/"),
        ("HTTPS://u:p@host/x?", "HTTPS://u:****@host/x?"),  # only the secret changes
        ("https://u:p@host/a@b", "https://u:****@host/a@b"),  # `@` in the path is kept
        ("https://host/simple", "https://host/simple"),
        ("./wheels", "./wheels"),
        ("http://[::1/pkg.whl", "http://[::1/pkg.whl"),  # urllib refuses it: left as is
    ],
)
def test_redact(url: str, expected: str) -> None:
    assert redact(url) == expected
    assert redact(expected) == expected


def test_requirement_records_mask_the_direct_url() -> None:
    records = list(
        requirement_records(
            "tool @ git+https://ghp_secret@github.com/acme/tool.git@v1",
            parent="project:sub",
            location=WHERE,
            origin="pyproject",
            manifest_kind="pyproject",
            group="extra:x",
            properties=(("aibom:test", "yes"),),
        )
    )
    component, edge, declared = records
    assert isinstance(component, Component)
    assert isinstance(edge, Edge)
    assert isinstance(declared, DeclaredRequirement)
    assert component.external_refs[0].type == "vcs"
    assert component.external_refs[0].url == "git+https://****@github.com/acme/tool.git@v1"
    assert declared.url == component.external_refs[0].url
    assert component.properties == (("aibom:test", "yes"),)
    assert (edge.parent, edge.child, edge.group) == ("project:sub", "pkg:pypi/tool", "extra:x")
    assert not any("ghp_secret" in repr(r) for r in records)


def declared(text: str, **options: Any) -> list[Record]:
    return list(
        requirement_or_problem(
            text, parent="project:.", location=WHERE, origin="o", manifest_kind="k", **options
        )
    )


def test_requirement_or_problem() -> None:
    assert [type(r) for r in declared("requests>=2")] == [Component, Edge, DeclaredRequirement]
    (problem,) = declared("requests >>= 2")
    assert isinstance(problem, Problem)
    assert problem.location == WHERE
    assert problem.message.startswith("invalid requirement: ")
    assert problem.message.endswith(" in 'requests >>= 2'")
    assert "\n" not in problem.message
    (named,) = declared("requests >>= 2", describe=naming_requirement)
    assert isinstance(named, Problem)
    assert named.message.startswith("invalid requirement 'requests >>= 2': ")
