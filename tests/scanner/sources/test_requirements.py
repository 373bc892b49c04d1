from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from scanner import context
from scanner.config import Limits
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.graph import GraphBuilder
from scanner.model import (
    Component,
    DeclaredDigest,
    DeclaredRequirement,
    Edge,
    Hash,
    IndexUrl,
    Location,
    Problem,
    Record,
    Scope,
)
from scanner.sources.reqfile import (
    BadLine,
    logical_lines,
    parse_options,
    via_annotations,
)
from scanner.sources.requirements import RequirementsSource, file_group
from scanner.walk import EntryKind, WalkEntry
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import (
    collect,
    components,
    context_for,
    edges,
    problems,
    walk_entry,
)

SOURCE = RequirementsSource()
ROOT = "project:."


def loc(file: str, line: int | None) -> Location:
    return Location(file=PurePosixPath(file), line=line)


def declared(records: list[Record]) -> dict[tuple[str, str], DeclaredRequirement]:
    return {
        (r.component, r.manifest_kind): r for r in records if isinstance(r, DeclaredRequirement)
    }


def graph(records: list[Record]):
    builder = GraphBuilder()
    for record in records:
        if isinstance(record, Component | Edge):
            builder.add(record)
    return builder.build()


@pytest.mark.parametrize(
    ("rel", "claimed"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("requirements.in", True),
        ("Requirements.txt", True),
        ("sub/requirements_test.txt", True),
        ("requirements/base.txt", True),
        ("requirements/base.in", True),
        ("dev-requirements.txt", True),
        ("test_requirements.txt", True),
        ("dev-requirements.in", True),
        ("constraints.txt", True),
        ("constraints-py311.txt", True),
        ("requirements.txt.bak", False),
        ("requirements.lock", False),
        ("constraints.in", False),
        ("notes.txt", False),
        ("myrequirements.txt", False),
        ("setup.in", False),
        ("requirements/README.md", False),
    ],
)
def test_claims_by_name(rel: str, claimed: bool) -> None:
    entry = walk_entry(rel)
    assert SOURCE.claims(entry) is claimed


def test_does_not_claim_environments() -> None:
    assert not SOURCE.claims(walk_entry("requirements.txt", EntryKind.ENVIRONMENT))


@pytest.fixture(scope="module")
def app() -> list[Record]:
    return collect(SOURCE, fixture_project("requirements-app"), "requirements.txt")


@pytest.fixture(scope="module")
def compiled() -> list[Record]:
    return collect(SOURCE, fixture_project("pip-tools-app"), "requirements.txt")


@pytest.fixture(scope="module")
def pip_tools_in() -> list[Record]:
    return collect(SOURCE, fixture_project("pip-tools-app"), "requirements.in")


@pytest.fixture(scope="module")
def broken() -> list[Record]:
    return collect(SOURCE, fixture_project("broken-requirements"), "requirements.txt")


@pytest.fixture(scope="module")
def links() -> list[Record]:
    root = FIXTURES / "files" / "requirements" / "links"
    return collect(SOURCE, root, "requirements-links.txt")


class TestRequirementsApp:
    @pytest.fixture
    def records(self, app: list[Record]) -> list[Record]:
        return app

    def test_no_problems(self, records: list[Record]) -> None:
        assert problems(records) == []

    def test_pin_with_extras_and_hashes(self, records: list[Record]) -> None:
        requests = components(records)["pkg:pypi/requests@2.34.2"]
        assert requests.version == "2.34.2"
        assert requests.locations == (loc("requirements.txt", 7),)
        assert [h.alg for h in requests.hashes] == ["SHA-256", "SHA-256"]
        assert requests.hashes[0].value.startswith("2a0d60c172f8")
        edge = next(r for r in records if isinstance(r, Edge) and r.child == requests.bom_ref)
        assert (edge.parent, edge.extras, edge.marker) == (ROOT, ("socks",), None)
        digests = [r for r in records if isinstance(r, DeclaredDigest)]
        assert {(d.component, d.algorithm, d.location) for d in digests} == {
            ("pkg:pypi/requests@2.34.2", "SHA-256", loc("requirements.txt", 7))
        }
        assert len(digests) == 2

    def test_ranges_stay_versionless(self, records: list[Record]) -> None:
        comps = components(records)
        assert comps["pkg:pypi/click"].version is None
        assert comps["pkg:pypi/click"].version_spec == "<9,>=8.1"
        assert comps["pkg:pypi/rich"].version_spec == "~=13.7"
        kinds = declared(records)
        assert kinds["pkg:pypi/click", "requirements"].pinned is False
        assert kinds["pkg:pypi/requests@2.34.2", "requirements"].pinned is True

    def test_markers_on_edges(self, records: list[Record]) -> None:
        markers = {r.child: r.marker for r in records if isinstance(r, Edge)}
        assert markers["pkg:pypi/colorama@0.4.6"] == 'sys_platform == "win32"'
        assert markers["pkg:pypi/tomli"] == 'python_version < "3.11"'

    def test_included_entries_located_in_included_file(self, records: list[Record]) -> None:
        comps = components(records)
        assert comps["pkg:pypi/packaging"].locations == (loc("requirements/base.txt", 2),)
        assert (ROOT, "pkg:pypi/packaging") in edges(records)

    def test_constraint_pins_a_required_package(self, records: list[Record]) -> None:
        comps = components(records)
        assert comps["pkg:pypi/urllib3@2.8.0"].locations == (loc("constraints.txt", 2),)
        assert (ROOT, "pkg:pypi/urllib3@2.8.0") not in edges(records)
        assert declared(records)["pkg:pypi/urllib3", "requirements"].pinned is True
        built = graph(records)
        assert "pkg:pypi/urllib3" not in built.components
        merged = built.components["pkg:pypi/urllib3@2.8.0"]
        assert set(merged.locations) == {loc("constraints.txt", 2), loc("requirements.txt", 13)}
        assert built.path_to("pkg:pypi/urllib3@2.8.0") == (ROOT, "pkg:pypi/urllib3@2.8.0")

    def test_constraint_alone_is_not_a_dependency(self, records: list[Record]) -> None:
        assert not any("idna" in ref for ref in components(records))
        assert not any("idna" in child for _, child in edges(records))
        idna = declared(records)["pkg:pypi/idna@3.20", "constraints"]
        assert (idna.specifier, idna.pinned, idna.location) == (
            "==3.20",
            True,
            loc("constraints.txt", 3),
        )

    def test_index_options(self, records: list[Record]) -> None:
        urls = [(r.kind, r.url, r.location.line) for r in records if isinstance(r, IndexUrl)]
        assert urls == [
            ("index-url", "https://pypi.org/simple", 2),
            ("extra-index-url", "https://download.pytorch.org/whl/cpu", 3),
        ]

    def test_vcs_pinned_to_commit(self, records: list[Record]) -> None:
        comp = components(records)["pkg:pypi/itsdangerous"]
        assert comp.external_refs[0].type == "vcs"
        assert "@8a5d6d4fd2bcbfa1f86a7fd8ae4b8e8ff24d5ea2" in comp.external_refs[0].url
        decl = declared(records)["pkg:pypi/itsdangerous", "requirements"]
        assert decl.pinned is True
        assert decl.url is not None
        assert decl.url.startswith("git+https://github.com/pallets/")

    def test_editable_local_project(self, records: list[Record]) -> None:
        comp = components(records)["project:libs/helper"]
        assert (comp.name, comp.version) == ("helper-lib", "0.1.0")
        assert ("aibom:editable", "true") in comp.properties
        assert ("aibom:path", "libs/helper") in comp.properties
        assert (ROOT, "project:libs/helper") in edges(records)

    def test_included_file_alone_gives_the_same_records(self, records: list[Record]) -> None:
        alone = collect(SOURCE, fixture_project("requirements-app"), "requirements/base.txt")
        assert [r for r in alone if r in records] == alone


def test_nested_includes_and_unexpanded_variables() -> None:
    records = collect(SOURCE, fixture_project("requirements-app"), "dev-requirements.txt")
    assert problems(records) == []
    urls = {(r.kind, r.url) for r in records if isinstance(r, IndexUrl)}
    assert ("extra-index-url", "https://${PRIVATE_INDEX_TOKEN}@pypi.example.com/simple") in urls
    assert ("find-links", "./wheels") in urls
    comps = components(records)
    assert comps["pkg:pypi/pytest"].locations == (loc("dev-requirements.txt", 4),)
    assert comps["pkg:pypi/packaging"].locations == (loc("requirements/base.txt", 2),)


@pytest.mark.parametrize(
    ("rel", "group"),
    [
        ("requirements.txt", None),
        ("requirements-dev.txt", "group:dev"),
        ("dev-requirements.txt", "group:dev"),
        ("requirements/test.in", "group:test"),
        ("requirements_docs.txt", "group:docs"),
        ("requirements/base.txt", None),
        ("requirements-gpu.txt", None),
        ("constraints.txt", None),
    ],
)
def test_file_group(rel: str, group: str | None) -> None:
    assert file_group(PurePosixPath(rel)) == group


def test_dev_file_edges_are_a_group_but_runtime_needs_win() -> None:
    root = fixture_project("requirements-app")
    dev = collect(SOURCE, root, "dev-requirements.txt")
    groups = {r.child: r.group for r in dev if isinstance(r, Edge)}
    assert groups["pkg:pypi/pytest"] == "group:dev"
    assert groups["pkg:pypi/click"] == "group:dev"
    built = graph(dev + collect(SOURCE, root, "requirements.txt"))
    assert built.components["pkg:pypi/pytest"].scope is Scope.OPTIONAL
    assert built.components["pkg:pypi/click"].scope is Scope.REQUIRED


def test_include_depth_is_capped() -> None:
    root = fixture_project("requirements-app")
    base = context_for(root)
    ctx = ScanContext(root=root, files=base.files, limits=Limits(max_include_depth=1))
    entry = WalkEntry(rel=PurePosixPath("dev-requirements.txt"), path=root / "dev-requirements.txt")
    records = list(SOURCE.collect(entry, ctx))
    found = problems(records)
    assert [p.location for p in found] == [loc("requirements.txt", 4), loc("requirements.txt", 5)]
    assert "nested over 1 deep" in found[0].message
    assert "pkg:pypi/packaging" not in components(records)
    assert "pkg:pypi/requests@2.34.2" in components(records)


class TestPipTools:
    @pytest.fixture
    def source(self, pip_tools_in: list[Record]) -> list[Record]:
        return pip_tools_in

    def test_versions_and_hashes_from_the_compiled_file(self, compiled: list[Record]) -> None:
        comps = components(compiled)
        assert {c.name: c.version for c in comps.values()} == {
            "certifi": "2026.10.18",
            "charset-normalizer": "3.5.2",
            "click": "8.5.1",
            "idna": "3.20",
            "requests": "2.34.2",
            "urllib3": "2.8.0",
        }
        assert all(c.hashes for c in comps.values())
        assert len(comps["pkg:pypi/charset-normalizer@3.5.2"].hashes) > 100
        assert problems(compiled) == []

    def test_via_annotations_give_the_graph(self, compiled: list[Record]) -> None:
        assert edges(compiled) == {
            (ROOT, "pkg:pypi/click@8.5.1"),
            (ROOT, "pkg:pypi/requests@2.34.2"),
            (ROOT, "pkg:pypi/urllib3@2.8.0"),
            ("pkg:pypi/requests@2.34.2", "pkg:pypi/urllib3@2.8.0"),
            ("pkg:pypi/requests@2.34.2", "pkg:pypi/certifi@2026.10.18"),
            ("pkg:pypi/requests@2.34.2", "pkg:pypi/charset-normalizer@3.5.2"),
            ("pkg:pypi/requests@2.34.2", "pkg:pypi/idna@3.20"),
        }
        built = graph(compiled)
        assert built.path_to("pkg:pypi/idna@3.20") == (
            ROOT,
            "pkg:pypi/requests@2.34.2",
            "pkg:pypi/idna@3.20",
        )

    def test_manifest_kinds(self, compiled: list[Record], source: list[Record]) -> None:
        assert {r.manifest_kind for r in compiled if isinstance(r, DeclaredRequirement)} == {
            "requirements"
        }
        kinds = declared(source)
        assert set(kinds) == {
            ("pkg:pypi/requests", "requirements-in"),
            ("pkg:pypi/click", "requirements-in"),
            ("pkg:pypi/urllib3", "requirements-in"),
        }
        assert kinds["pkg:pypi/urllib3", "requirements-in"].location == loc("requirements.in", 5)

    def test_in_ranges_merge_into_compiled_pins(
        self, compiled: list[Record], source: list[Record]
    ) -> None:
        built = graph(source + compiled)
        requests = built.components["pkg:pypi/requests@2.34.2"]
        assert set(requests.locations) == {loc("requirements.in", 3), loc("requirements.txt", 193)}
        assert requests.version_spec == "==2.34.2"
        assert not [ref for ref in built.components if ref.startswith("pkg:") and "@" not in ref]


class TestBroken:
    @pytest.fixture
    def records(self, broken: list[Record]) -> list[Record]:
        return broken

    def test_each_bad_line_is_one_problem(self, records: list[Record]) -> None:
        found = {p.location.line or 0: p.message for p in problems(records)}
        assert {p.location.file for p in problems(records)} == {PurePosixPath("requirements.txt")}
        assert sorted(found) == [3, 5, 6, 7, 8, 9, 10]
        assert found[3].startswith("invalid requirement 'this is not a requirement!'")
        assert "\n" not in found[3]
        assert "md4" in found[5]
        assert "not expanded" in found[6]
        assert found[7] == "unknown option --frobnicate"
        assert found[8] == "-r requirements/missing.txt: file not found"
        assert "outside the scanned directory" in found[9]
        assert found[10] == "-r requirements-binary.txt: binary data, not a text file"

    def test_good_lines_still_count(self, records: list[Record]) -> None:
        assert set(components(records)) == {
            "pkg:pypi/requests@2.31.0",
            "pkg:pypi/click",
            "pkg:pypi/pytest",
        }

    def test_include_cycle_is_cut(self) -> None:
        records = collect(SOURCE, fixture_project("broken-requirements"), "requirements/a.txt")
        assert problems(records) == [
            Problem(
                location=loc("requirements/b.txt", 1),
                message="-r a.txt: include cycle (requirements/a.txt -> requirements/b.txt"
                " -> requirements/a.txt); not followed",
            )
        ]
        assert set(components(records)) == {"pkg:pypi/requests@2.31.0", "pkg:pypi/click@8.1.7"}

    def test_binary_file_is_a_source_error(self) -> None:
        with pytest.raises(SourceError, match="binary data"):
            collect(SOURCE, fixture_project("broken-requirements"), "requirements-binary.txt")


class TestLinks:
    @pytest.fixture
    def records(self, links: list[Record]) -> list[Record]:
        return links

    def test_no_problems_and_every_line(self, records: list[Record]) -> None:
        assert problems(records) == []
        comps = [r for r in records if isinstance(r, Component)]
        lines = sorted(c.locations[0].line or 0 for c in comps)
        assert lines == [7, 9, 11, 12, 14, 16, 17, 18, 19, 20, 22, 24]

    def test_wheel_url_named_by_file_and_pinned_by_fragment(self, records: list[Record]) -> None:
        six = components(records)["pkg:pypi/six@1.16.0"]
        assert six.external_refs[0].type == "distribution"
        assert declared(records)["pkg:pypi/six@1.16.0", "requirements"].pinned is True

    def test_named_url_with_extras_and_marker(self, records: list[Record]) -> None:
        edge = next(r for r in records if isinstance(r, Edge) and r.child == "pkg:pypi/httpx")
        assert (edge.extras, edge.marker) == (("http2",), 'python_version >= "3.8"')
        assert declared(records)["pkg:pypi/httpx", "requirements"].pinned is False

    def test_vcs_forms(self, records: list[Record]) -> None:
        comps = components(records)
        assert comps["pkg:pypi/markupsafe"].name == "MarkupSafe"
        assert declared(records)["pkg:pypi/markupsafe", "requirements"].pinned is False
        black = comps["pkg:pypi/black"]
        assert ("aibom:editable", "true") in black.properties
        edge = next(r for r in records if isinstance(r, Edge) and r.child == black.bom_ref)
        assert edge.extras == ("jupyter",)

    def test_unnamed_vcs_and_secrets_redacted(self, records: list[Record]) -> None:
        ref = "url:git+https://****@github.com/acme/private-tool.git"
        comp = components(records)[ref]
        assert comp.name == "private-tool"
        assert comp.purl is None
        assert ("aibom:name-from", "url") in comp.properties
        assert not any("ghp_" in repr(r) or "s3cret" in repr(r) for r in records)
        urls = {r.kind: r.url for r in records if isinstance(r, IndexUrl)}
        assert urls == {
            "extra-index-url": "https://user:****@pypi.internal.example/simple",
            "trusted-host": "pypi.internal.example",
        }

    def test_local_paths(self, records: list[Record]) -> None:
        comps = components(records)
        attrs = comps["pkg:pypi/attrs@23.2.0"]
        assert ("aibom:path", "vendor/attrs-23.2.0-py3-none-any.whl") in attrs.properties
        local = comps["project:local-pkg"]
        assert (local.name, local.version) == ("local-pkg", "0.3.0")
        outside = comps["path:../shared/tools-pkg"]
        assert (outside.name, outside.purl) == ("tools-pkg", None)
        itself = comps[ROOT]
        assert ("aibom:editable", "true") in itself.properties
        assert itself.name == "links"

    def test_file_url_is_the_same_local_project(self, records: list[Record]) -> None:
        lines = [
            r.location.line
            for r in records
            if isinstance(r, DeclaredRequirement) and r.component == "project:local-pkg"
        ]
        assert lines == [17, 19]

    def test_comment_continuation_swallows_next_line(self, records: list[Record]) -> None:
        comps = components(records)
        assert comps["pkg:pypi/pyyaml@6.0.1"].hashes[0].value.startswith("bfdf460b")
        assert "pkg:pypi/idna@3.7" in comps
        assert not any("swallowed" in r.name for r in comps.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n  # comment\nb # trailing\n", [(1, "a"), (3, "b")]),
        (
            "a \\\n  --hash=sha256:00 \\\n  --hash=sha256:11\n",
            [(1, "a   --hash=sha256:00   --hash=sha256:11")],
        ),
        ("url#egg=x\n", [(1, "url#egg=x")]),
        ("a \\\n# comment ends it\nb\n", [(1, "a"), (3, "b")]),
        ("last \\", [(1, "last")]),
    ],
)
def test_logical_lines(text: str, expected: list[tuple[int, str]]) -> None:
    assert logical_lines(text) == expected


def test_pip_compile_line_annotation_style() -> None:
    root = FIXTURES / "files" / "requirements" / "pip-compile-line"
    records = collect(SOURCE, root, "requirements.txt")
    assert edges(records) == {
        (ROOT, "pkg:pypi/click@8.5.1"),
        (ROOT, "pkg:pypi/requests@2.34.2"),
        (ROOT, "pkg:pypi/urllib3@2.8.0"),
        ("pkg:pypi/requests@2.34.2", "pkg:pypi/urllib3@2.8.0"),
        ("pkg:pypi/requests@2.34.2", "pkg:pypi/certifi@2026.10.18"),
        ("pkg:pypi/requests@2.34.2", "pkg:pypi/charset-normalizer@3.5.2"),
        ("pkg:pypi/requests@2.34.2", "pkg:pypi/idna@3.20"),
    }


def test_via_naming_an_unlisted_package_falls_back_to_the_project(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n    # via ghost\n")
    records = collect(SOURCE, tmp_path, "requirements.txt")
    assert edges(records) == {(ROOT, "pkg:pypi/six@1.16.0")}


def test_via_annotations_single_and_block() -> None:
    text = (
        "a==1\n    # via b\nb==2\n    # via\n    #   -r requirements.in\n    #   c\n# end\nc==3\n"
    )
    assert via_annotations(text, [1, 3, 8]) == {1: ("b",), 3: ("-r requirements.in", "c")}
    line_style = (
        "a==1  # via -r requirements.in, b\nb==2 \\\n    --hash=sha256:00\n    # via c, d\n"
    )
    assert via_annotations(line_style, [1, 2]) == {1: ("-r requirements.in", "b"), 2: ("c", "d")}


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["-rbase.txt"], [("requirement", "base.txt")]),
        (["--requirement=base.txt"], [("requirement", "base.txt")]),
        (["-c", "c.txt"], [("constraint", "c.txt")]),
        (["--extra-index", "https://x"], [("extra-index-url", "https://x")]),
        (["--no-index", "--pre"], [("no-index", None), ("pre", None)]),
    ],
)
def test_parse_options(tokens: list[str], expected: list[tuple[str, str | None]]) -> None:
    assert parse_options(tokens) == expected


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["--frob"], "unknown option --frob"),
        (["--no"], "unknown option --no"),
        (["-r"], "needs a value"),
        (["--pre=yes"], "takes no value"),
        (["stray"], "not an option"),
    ],
)
def test_parse_options_errors(tokens: list[str], message: str) -> None:
    with pytest.raises(BadLine, match=message):
        parse_options(tokens)


def test_line_level_errors(tmp_path: Path) -> None:
    lines = [
        "-r https://example.com/requirements.txt",  # 1 remote include
        "-c constraints.txt",  # 2 constraints with an editable line
        "--hash=sha256:00",  # 3 a hash with no requirement
        "-e . -e ./other",  # 4 two requirements
        "six --hash='sha256:00",  # 5 unbalanced quote
        "./pkg; python_version >>> '3'",  # 6 bad marker on a path
        "http://[::1/pkg.whl",  # 7 urllib rejects the host
        "./pkg[cli] ; python_version >= '3.8'",  # 8 fine: path with extras and marker
        "attrs==23.2.0",  # 9 fine
    ]
    (tmp_path / "requirements.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "constraints.txt").write_text("-e ./pkg\nattrs==23.2.0\n")
    records = collect(SOURCE, tmp_path, "requirements.txt")
    found = {(str(p.location.file), p.location.line): p.message for p in problems(records)}
    assert found == {
        ("requirements.txt", 1): "-r https://example.com/requirements.txt: remote file not"
        " fetched (static scan)",
        ("constraints.txt", 1): "editable requirements are not allowed as constraints",
        ("requirements.txt", 3): "--hash applies to a requirement on the same line",
        ("requirements.txt", 4): "more than one requirement on one line",
        ("requirements.txt", 5): "cannot split the options: No closing quotation",
        ("requirements.txt", 6): found[("requirements.txt", 6)],
        ("requirements.txt", 7): "cannot read 'http://[::1/pkg.whl': Invalid IPv6 URL",
    }
    assert found[("requirements.txt", 6)].startswith("invalid environment marker")
    attrs = [r for r in records if isinstance(r, Component) and r.name == "attrs"]
    assert {c.locations[0] for c in attrs} == {
        loc("constraints.txt", 2),
        loc("requirements.txt", 9),
    }
    path_edge = next(r for r in records if isinstance(r, Edge) and r.child == "project:pkg")
    assert (path_edge.extras, path_edge.marker) == (("cli",), 'python_version >= "3.8"')


def test_sdist_url_and_absolute_include(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("https://example.com/dl/Flask-3.0.3.tar.gz\n")
    (tmp_path / "requirements.txt").write_text(f"-r {tmp_path / 'base.txt'}\n")
    records = collect(SOURCE, tmp_path, "requirements.txt")
    assert problems(records) == []
    flask = components(records)["pkg:pypi/flask@3.0.3"]
    assert flask.locations == (loc("base.txt", 1),)
    assert flask.external_refs[0].type == "distribution"


def collect_limited(root: Path, limits: Limits) -> list[Record]:
    entry = WalkEntry(rel=PurePosixPath("requirements.txt"), path=root / "requirements.txt")
    ctx = ScanContext(root=root, files=frozenset({entry.rel}), limits=limits)
    return list(SOURCE.collect(entry, ctx))


def test_lines_over_the_entry_limit_are_a_problem_and_the_first_are_kept(tmp_path: Path) -> None:
    lines = [f"pkg{i}==1.0" for i in range(30)]
    (tmp_path / "requirements.txt").write_text("# pinned\n" + "\n".join(lines) + "\n")
    records = collect_limited(tmp_path, Limits(max_entries_per_file=10))
    assert [(p.location, p.message) for p in problems(records)] == [
        (
            loc("requirements.txt", 11),
            "more than 10 lines (limit max-entries-per-file); the rest was not read",
        )
    ]
    assert sorted(components(records)) == sorted(f"pkg:pypi/pkg{i}@1.0" for i in range(9))


def test_a_read_over_the_time_budget_is_a_problem_and_the_first_lines_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "requirements.txt").write_text("".join(f"p{i}==1\n" for i in range(600)))
    ticks = iter(range(10**6))
    monkeypatch.setattr(context, "clock", lambda: float(next(ticks)))
    records = collect_limited(tmp_path, Limits(max_file_seconds=1))
    assert [(p.location, p.message) for p in problems(records)] == [
        (
            loc("requirements.txt", 512),
            "not read within 1 s (limit max-file-seconds); this line and the rest were not read",
        )
    ]
    assert len(components(records)) == 511


def test_long_editable_and_hash_lines_are_read(tmp_path: Path) -> None:
    path = "a" * 200_000
    digests = [f"{i:064x}" for i in range(2_500)]  # 200 KB of options
    hashes = " ".join(f"--hash=sha256:{d}" for d in digests)
    (tmp_path / "requirements.txt").write_text(
        f"-e ./{path}\npkg==1.0 {hashes}\n-e git+https://x.org/{path}#egg=y\n"
    )
    records = collect_limited(tmp_path, Limits())
    assert problems(records) == []
    found = components(records)
    assert found["pkg:pypi/pkg@1.0"].hashes == tuple(Hash(alg="SHA-256", value=d) for d in digests)
    assert "pkg:pypi/y" in found
    assert any(ref.endswith(path) for ref in found)
