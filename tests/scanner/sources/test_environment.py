"""EnvironmentSource over real venv-shaped fixtures (dist-info dirs copied from real installs)."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from pathlib import Path, PurePosixPath

import pytest
from packaging.markers import Marker

from scanner.config import Limits
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.graph import GraphBuilder
from scanner.model import Component, ComponentType, Edge, Problem, Record, TargetEnvironment
from scanner.sources.distinfo import parse_core_metadata, requires_txt, unfold
from scanner.sources.environment import EnvironmentSource
from scanner.sources.envmarkers import platform_of_tag, split_extras
from scanner.walk import EntryKind, WalkEntry
from tests.conftest import FIXTURES, fixture_project
from tests.scanner.sources.helpers import collect, components, context_for, edges, problems

SOURCE = EnvironmentSource()
SITE = ".venv/lib/python3.11/site-packages"


def env_records(project: str, rel: str = ".venv") -> list[Record]:
    return collect(SOURCE, fixture_project(project), rel, kind=EntryKind.ENVIRONMENT)


def target(records: list[Record]) -> dict[str, str]:
    (env,) = [r for r in records if isinstance(r, TargetEnvironment)]
    return dict(env.markers)


def edge(records: list[Record], parent: str, child: str) -> Edge:
    (found,) = [
        r for r in records if isinstance(r, Edge) and (r.parent, r.child) == (parent, child)
    ]
    return found


@pytest.fixture(scope="module")
def venv_app() -> list[Record]:
    return env_records("venv-app")


def test_claims_environments_only() -> None:
    venv = WalkEntry(rel=PurePosixPath(".venv"), path=Path(".venv"), kind=EntryKind.ENVIRONMENT)
    metadata = WalkEntry(rel=PurePosixPath("x.dist-info/METADATA"), path=Path("METADATA"))
    assert SOURCE.claims(venv)
    assert not SOURCE.claims(metadata)
    assert SOURCE.name == "environment"


def test_every_installed_distribution_with_its_exact_version(venv_app: list[Record]) -> None:
    comps = components(venv_app)
    assert set(comps) == {
        "pkg:pypi/certifi@2026.10.18",
        "pkg:pypi/charset-normalizer@3.5.2",
        "pkg:pypi/click@8.5.1",
        "pkg:pypi/idna@3.20",
        "pkg:pypi/localdep@0.3.0",
        "pkg:pypi/packaging@26.3",
        "pkg:pypi/pip@26.3",
        "pkg:pypi/pysocks@1.7.1",
        "pkg:pypi/requests@2.34.2",
        "pkg:pypi/rpds-py@2026.9.1",
        "pkg:pypi/sentencepiece@0.2.3",
        "pkg:pypi/setuptools@65.5.0",
        "pkg:pypi/six@1.17.0",
        "pkg:pypi/urllib3@2.8.0",
    }  # venv-app itself is the project, not a library; lib64 -> lib is read once
    requests = comps["pkg:pypi/requests@2.34.2"]
    assert requests.name == "requests"
    assert requests.version == "2.34.2"
    assert requests.purl == "pkg:pypi/requests@2.34.2"
    assert requests.type is ComponentType.LIBRARY
    assert requests.origin == "environment"
    assert requests.description == "Python HTTP for Humans."
    assert [str(loc) for loc in requests.locations] == [
        f"{SITE}/requests-2.34.2.dist-info/METADATA"
    ]
    assert comps["pkg:pypi/pysocks@1.7.1"].name == "PySocks"
    assert ("aibom:installer", "pip") in requests.properties
    assert ("aibom:requested", "true") in requests.properties
    assert ("aibom:requested", "true") not in comps["pkg:pypi/idna@3.20"].properties


def test_requires_dist_edges_keep_markers(venv_app: list[Record]) -> None:
    requests = "pkg:pypi/requests@2.34.2"
    assert edge(venv_app, requests, "pkg:pypi/urllib3@2.8.0").marker is None
    socks = edge(venv_app, requests, "pkg:pypi/pysocks@1.7.1")
    assert socks.marker == 'extra == "socks"'
    assert edge(venv_app, "pkg:pypi/urllib3@2.8.0", "pkg:pypi/pysocks@1.7.1").marker == (
        'extra == "socks"'
    )
    assert edge(venv_app, "pkg:pypi/localdep@0.3.0", "pkg:pypi/click@8.5.1").marker is None
    children = {child for parent, child in edges(venv_app) if parent == requests}
    assert children == {
        "pkg:pypi/certifi@2026.10.18",
        "pkg:pypi/charset-normalizer@3.5.2",
        "pkg:pypi/idna@3.20",
        "pkg:pypi/urllib3@2.8.0",
        "pkg:pypi/pysocks@1.7.1",
    }  # chardet (extra use-chardet-on-py3) is not installed: no edge to nowhere


def test_project_installed_in_its_own_venv_becomes_project_edges(venv_app: list[Record]) -> None:
    assert not any(ref.startswith("pkg:pypi/venv-app") for ref in components(venv_app))
    requests = edge(venv_app, "project:.", "pkg:pypi/requests@2.34.2")
    assert requests.extras == ("socks",)
    assert requests.group is None
    six = edge(venv_app, "project:.", "pkg:pypi/six@1.17.0")
    assert six.group == "extra:legacy"
    assert six.marker is None
    assert {c for p, c in edges(venv_app) if p == "project:."} == {
        "pkg:pypi/click@8.5.1",
        "pkg:pypi/packaging@26.3",
        "pkg:pypi/requests@2.34.2",
        "pkg:pypi/rpds-py@2026.9.1",
        "pkg:pypi/six@1.17.0",
    }


def test_graph_marks_the_venvs_own_tools_unreachable(venv_app: list[Record]) -> None:
    builder = GraphBuilder()
    for record in venv_app:
        if isinstance(record, Component | Edge):
            builder.add(record)
    graph = builder.build(target(venv_app))
    reachable = {ref for ref, comp in graph.components.items() if comp.reachable}
    assert "pkg:pypi/pysocks@1.7.1" in reachable  # requests[socks] asked for it
    assert "pkg:pypi/urllib3@2.8.0" in reachable
    assert "pkg:pypi/pip@26.3" not in reachable
    assert "pkg:pypi/setuptools@65.5.0" not in reachable
    assert "pkg:pypi/localdep@0.3.0" not in reachable


def test_licenses_normalised_with_raw_evidence(venv_app: list[Record]) -> None:
    comps = components(venv_app)
    metadata = PurePosixPath(SITE)

    def raw(ref: str) -> list[tuple[str, str]]:
        return [(e.kind, e.value) for e in comps[ref].license_raw if e.kind != "license-file"]

    packaging = comps["pkg:pypi/packaging@26.3"]
    assert packaging.license == "Apache-2.0 OR BSD-2-Clause"  # License-Expression
    assert raw(packaging.bom_ref) == [("expression", "Apache-2.0 OR BSD-2-Clause")]
    assert packaging.license_raw[0].location is not None
    assert packaging.license_raw[0].location.file == metadata / "packaging-26.3.dist-info/METADATA"
    certifi = comps["pkg:pypi/certifi@2026.10.18"]
    assert certifi.license == "MPL-2.0"  # License: field
    assert raw(certifi.bom_ref) == [
        ("license", "MPL-2.0"),
        ("classifier", "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"),
    ]
    setuptools = comps["pkg:pypi/setuptools@65.5.0"]
    assert setuptools.license == "MIT"  # only a classifier
    assert raw(setuptools.bom_ref) == [("classifier", "License :: OSI Approved :: MIT License")]
    pysocks = comps["pkg:pypi/pysocks@1.7.1"]
    assert pysocks.license == "BSD-3-Clause"  # "BSD" names no one license; its LICENSE does
    assert raw(pysocks.bom_ref) == [("license", "BSD")]


def test_license_files_located_in_the_dist_info(venv_app: list[Record]) -> None:
    comps = components(venv_app)

    def files(ref: str) -> dict[str, str]:
        return {
            e.value: str(e.location.file)
            for e in comps[ref].license_raw
            if e.kind == "license-file" and e.location
        }

    assert files("pkg:pypi/packaging@26.3") == {
        name: f"{SITE}/packaging-26.3.dist-info/licenses/{name}"
        for name in ("LICENSE", "LICENSE.APACHE", "LICENSE.BSD")
    }  # metadata 2.4: under licenses/
    assert files("pkg:pypi/setuptools@65.5.0") == {
        "LICENSE": f"{SITE}/setuptools-65.5.0.dist-info/LICENSE"
    }  # metadata 2.1: the dist-info root
    assert files("pkg:pypi/pysocks@1.7.1") == {
        "LICENSE": f"{SITE}/PySocks-1.7.1.dist-info/LICENSE"
    }  # no License-File header, but the file is there
    pip = files("pkg:pypi/pip@26.3")
    assert pip["src/pip/_vendor/rich/LICENSE"] == (
        f"{SITE}/pip-26.3.dist-info/licenses/src/pip/_vendor/rich/LICENSE"
    )


def test_project_urls_become_external_references(venv_app: list[Record]) -> None:
    refs = {(r.type, r.url) for r in components(venv_app)["pkg:pypi/urllib3@2.8.0"].external_refs}
    assert ("vcs", "https://github.com/urllib3/urllib3") in refs  # "Code"
    assert ("issue-tracker", "https://github.com/urllib3/urllib3/issues") in refs
    assert ("documentation", "https://urllib3.readthedocs.io") in refs
    assert ("release-notes", "https://github.com/urllib3/urllib3/blob/main/CHANGES.rst") in refs
    pysocks = components(venv_app)["pkg:pypi/pysocks@1.7.1"]
    assert {(r.type, r.url) for r in pysocks.external_refs} == {
        ("website", "https://github.com/Anorov/PySocks")
    }


def test_direct_url_vcs_and_archive(venv_app: list[Record]) -> None:
    comps = components(venv_app)
    localdep = comps["pkg:pypi/localdep@0.3.0"]
    (vcs,) = localdep.external_refs
    assert (vcs.type, vcs.url) == ("vcs", "file:///tmp/envfix/localdep")
    assert vcs.comment == "git commit 13ef2d7369b50cb9123fab214dbe78fa0d68160d"
    assert ("aibom:vcs-commit", "13ef2d7369b50cb9123fab214dbe78fa0d68160d") in localdep.properties
    six = comps["pkg:pypi/six@1.17.0"]
    assert [(h.alg, h.value) for h in six.hashes] == [
        ("SHA-256", "4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274")
    ]
    assert ("distribution", "file:///tmp/envfix/wheels/six-1.17.0-py2.py3-none-any.whl") in {
        (r.type, r.url) for r in six.external_refs
    }


def test_editable_install_of_a_package_that_is_not_the_project() -> None:
    venv = fixture_project("venv-app") / ".venv"
    records = collect(SOURCE, venv, ".", kind=EntryKind.ENVIRONMENT)  # no pyproject in root
    app = components(records)["pkg:pypi/venv-app@0.1.0"]
    assert ("aibom:editable", "true") in app.properties
    assert ("aibom:direct-url", "file:///tmp/envfix/venv-app") in app.properties
    assert edge(records, app.bom_ref, "pkg:pypi/six@1.17.0").marker == 'extra == "legacy"'


def test_sub_project_installed_editable_maps_to_its_project_ref(tmp_path: Path) -> None:
    shutil.copytree(fixture_project("venv-app") / ".venv", tmp_path / ".venv", symlinks=True)
    sub = tmp_path / "packages" / "localdep"
    sub.mkdir(parents=True)
    (sub / "pyproject.toml").write_text('[project]\nname = "LocalDep"\nversion = "0.3.0"\n')
    records = collect(SOURCE, tmp_path, ".venv", kind=EntryKind.ENVIRONMENT)
    assert "pkg:pypi/localdep@0.3.0" not in components(records)
    assert edge(records, "project:packages/localdep", "pkg:pypi/click@8.5.1").group is None


def test_poetry_project_name_and_odd_pyproject_tables(tmp_path: Path) -> None:
    shutil.copytree(fixture_project("venv-app") / ".venv", tmp_path / ".venv", symlinks=True)
    (tmp_path / "pyproject.toml").write_text('tool = 1\nproject = "x"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app/pyproject.toml").write_text('[tool.poetry]\nname = "venv_app"\n')
    records = collect(SOURCE, tmp_path, ".venv", kind=EntryKind.ENVIRONMENT)
    assert edge(records, "project:app", "pkg:pypi/six@1.17.0").group == "extra:legacy"


def test_pep770_sbom_components_nested_under_their_package(venv_app: list[Record]) -> None:
    rpds = components(venv_app)["pkg:pypi/rpds-py@2026.9.1"]
    nested = {c.bom_ref: c for c in rpds.nested}
    assert len(nested) == 17  # metadata.component (the crate of rpds-py itself) is not repeated
    archery = nested[
        "pkg:pypi/rpds-py@2026.9.1#registry+https://github.com/rust-lang/crates.io-index#archery@1.2.3"
    ]
    assert (archery.name, archery.version, archery.purl) == (
        "archery",
        "1.2.3",
        "pkg:cargo/archery@1.2.3",
    )
    assert archery.license == "MIT"
    assert [(e.kind, e.value) for e in archery.license_raw] == [("expression", "MIT")]
    assert [h.value for h in archery.hashes] == [
        "33ca55ee147b1926dbea904f50fe4902494e97bc742205abbbf10c709e43815f"
    ]
    assert ("vcs", "https://github.com/orium/archery") in {
        (r.type, r.url) for r in archery.external_refs
    }
    assert str(archery.locations[0].file) == (
        f"{SITE}/rpds_py-2026.9.1.dist-info/sboms/rpds-py.cyclonedx.json"
    )
    assert all(c.type is ComponentType.LIBRARY for c in rpds.nested)


def test_pep770_auditwheel_sbom_does_not_repeat_the_wheel(venv_app: list[Record]) -> None:
    sentencepiece = components(venv_app)["pkg:pypi/sentencepiece@0.2.3"]
    (libgomp,) = sentencepiece.nested  # auditwheel also lists the wheel itself: not repeated
    assert (libgomp.name, libgomp.version, libgomp.purl) == (
        "libgomp",
        "8.5.0-29.el8_10.alma.1",
        "pkg:rpm/almalinux/libgomp@8.5.0-29.el8_10.alma.1",
    )
    assert libgomp.bom_ref.startswith("pkg:pypi/sentencepiece@0.2.3#pkg:rpm/almalinux/libgomp@")
    assert libgomp.license is None
    assert sentencepiece.license == "Apache-2.0"


def test_pep770_nested_cyclonedx_and_spdx() -> None:
    records = env_records("pep770-venv")
    assert problems(records) == []
    demo = components(records)["pkg:pypi/vendored-demo@1.0.0"]
    by_ref = {c.bom_ref.removeprefix(demo.bom_ref + "#"): c for c in demo.nested}
    assert set(by_ref) == {
        "openblas",
        "openblas~2",  # a repeated bom-ref is made unique, in document order
        "vendored_demo/_native.so",  # no bom-ref, no purl: the name
        "pkg:cargo/heck@0.5.0",  # no bom-ref: the purl
        "dual@2.0",
        "alpine@3.20",
        "SPDXRef-Package-zlib",
        "SPDXRef-Package-libfoo",
    }  # the SPDX package the document DESCRIBES (the wheel itself) and a nameless entry: no
    (gfortran,) = by_ref["openblas"].nested
    assert gfortran.bom_ref == "pkg:pypi/vendored-demo@1.0.0#openblas/libgfortran"
    assert gfortran.license == "GPL-3.0-or-later WITH GCC-exception-3.1"
    assert by_ref["openblas~2"].license == "MIT"  # license name "MIT License"
    assert by_ref["pkg:cargo/heck@0.5.0"].license == "MIT OR Apache-2.0"
    assert by_ref["vendored_demo/_native.so"].type is ComponentType.FILE
    dual = by_ref["dual@2.0"]
    assert dual.license is None  # two license entries are not combined into a guess
    assert [e.value for e in dual.license_raw] == ["MIT", "Apache-2.0"]
    assert ("aibom:cyclonedx-type", "operating-system") in by_ref["alpine@3.20"].properties
    zlib = by_ref["SPDXRef-Package-zlib"]
    assert (zlib.name, zlib.version, zlib.purl, zlib.license) == (
        "zlib",
        "1.3.1",
        "pkg:generic/zlib@1.3.1",
        "Zlib",
    )
    assert [(h.alg, h.value) for h in zlib.hashes] == [
        ("SHA-256", "9a93b2b7dfdac77ceba5a558a580e74667dd6fede4585b91eefb60f03b72df23")
    ]
    libfoo = by_ref["SPDXRef-Package-libfoo"]
    assert libfoo.license is None
    assert [(e.kind, e.value) for e in libfoo.license_raw] == [
        ("expression", "LicenseRef-Foo-Proprietary")
    ]


def test_target_environment_from_pyvenv_cfg_and_wheel_tags(venv_app: list[Record]) -> None:
    assert target(venv_app) == {
        "implementation_name": "cpython",
        "implementation_version": "3.11.7",
        "os_name": "posix",
        "platform_machine": "x86_64",  # rpds-py's manylinux_2_17_x86_64 wheel
        "platform_python_implementation": "CPython",
        "platform_system": "Linux",
        "python_full_version": "3.11.7",
        "python_version": "3.11",
        "sys_platform": "linux",
    }
    (env,) = [r for r in venv_app if isinstance(r, TargetEnvironment)]
    assert str(env.location.file) == ".venv/pyvenv.cfg"


def test_target_platform_from_a_foreign_wheel_not_the_host() -> None:
    markers = target(env_records("pep770-venv"))  # uv venv, rpds-py installed for macOS arm64
    assert markers["sys_platform"] == "darwin"
    assert markers["platform_system"] == "Darwin"
    assert markers["platform_machine"] == "arm64"
    assert markers["python_full_version"] == "3.11.7"  # uv's `version_info`


def test_target_platform_assumed_from_the_host_without_platform_wheels(tmp_path: Path) -> None:
    site = tmp_path / ".venv/lib/python3.12/site-packages"
    shutil.copytree(fixture_project("venv-app") / SITE / "click-8.5.1.dist-info", site / "c")
    (site / "c").rename(site / "click-8.5.1.dist-info")
    markers = target(collect(SOURCE, tmp_path, ".venv", kind=EntryKind.ENVIRONMENT))
    assert markers["python_version"] == "3.12"  # no pyvenv.cfg: the lib/python3.12 name
    assert "python_full_version" not in markers
    assert markers["sys_platform"] == sys.platform
    assert markers["platform_machine"] == platform.machine()
    assert markers["os_name"] == os.name


def test_windows_layout(tmp_path: Path) -> None:
    site = tmp_path / "venv/Lib/site-packages"
    site.mkdir(parents=True)
    shutil.copytree(fixture_project("venv-app") / SITE / "click-8.5.1.dist-info", site / "x")
    (site / "x").rename(site / "click-8.5.1.dist-info")
    (tmp_path / "venv/pyvenv.cfg").write_text("home = C:\\Python312\nversion = 3.12.4\n")
    records = collect(SOURCE, tmp_path, "venv", kind=EntryKind.ENVIRONMENT)
    assert "pkg:pypi/click@8.5.1" in components(records)
    markers = target(records)
    assert (markers["sys_platform"], markers["os_name"]) == ("win32", "nt")
    assert markers["python_full_version"] == "3.12.4"


def test_debian_prefix_with_egg_info_and_dist_packages() -> None:
    prefix = FIXTURES / "files/environment/debian-prefix"
    records = collect(SOURCE, prefix, "usr", kind=EntryKind.ENVIRONMENT)
    comps = components(records)
    assert set(comps) == {
        "pkg:pypi/crcmod@1.7",
        "pkg:pypi/httplib2@0.20.4",
        "pkg:pypi/lazr-restfulclient@0.14.5",
        "pkg:pypi/pyjwt@2.6.0",
        "pkg:pypi/pyyaml@6.0",
        "pkg:pypi/wsgiref@0.1.2",  # a distutils single-file egg-info
    }
    dist = "usr/lib/python3/dist-packages"
    assert str(comps["pkg:pypi/pyjwt@2.6.0"].locations[0].file) == (
        f"{dist}/PyJWT-2.6.0.egg-info/PKG-INFO"
    )
    assert comps["pkg:pypi/pyjwt@2.6.0"].license == "MIT"
    assert str(comps["pkg:pypi/wsgiref@0.1.2"].locations[0].file) == f"{dist}/wsgiref.egg-info"
    assert comps["pkg:pypi/wsgiref@0.1.2"].license is None  # "PSF or ZPL"
    lazr = edge(records, "pkg:pypi/lazr-restfulclient@0.14.5", "pkg:pypi/httplib2@0.20.4")
    assert lazr.marker == 'python_version < "3"'  # from requires.txt [:python_version < "3"]
    markers = target(records)
    assert markers["python_version"] == "3.11"  # lib/python3 says no more: the cp311 wheel tag
    assert markers["platform_machine"] == "x86_64"


def test_broken_distributions_are_problems_and_the_rest_is_read() -> None:
    records = env_records("broken-venv")
    found = {
        (str(p.location.file).removeprefix(SITE + "/"), p.location.line): p.message
        for p in problems(records)
    }
    assert found == {
        ("junk-1.0.dist-info/METADATA", None): "binary data, not a text file; not read",
        ("nometa-1.0.dist-info/METADATA", None): (
            "missing: this distribution has no core metadata file; not read"
        ),
        ("noversion-0.1.dist-info/METADATA", None): (
            "no Version field; not a core metadata file; not read"
        ),
        ("badreq-1.0.dist-info/METADATA", 6): (
            "badreq: invalid requirement 'click >=; this is not a marker': "
            "Expected semicolon (after name with no version specifier) or end"
        ),
        ("badreq-1.0.dist-info/direct_url.json", None): "no url; not PEP 610 data",
        ("rpds_py-2026.9.1.dist-info/sboms/rpds-py.cyclonedx.json", None): (
            "embedded SBOM: invalid JSON: Unterminated string starting at: line 43 column 17"
            " (char 1199)"
        ),
    }
    comps = components(records)
    assert set(comps) == {
        "pkg:pypi/badreq@1.0",
        "pkg:pypi/click@8.5.1",
        "pkg:pypi/latin1desc@2.0",  # a Latin-1 description body does not spoil the headers
        "pkg:pypi/rpds-py@2026.9.1",
    }
    assert comps["pkg:pypi/rpds-py@2026.9.1"].nested == ()
    assert comps["pkg:pypi/badreq@1.0"].license == "Apache-2.0"
    assert edge(records, "pkg:pypi/badreq@1.0", "pkg:pypi/click@8.5.1").marker is None


def test_limits_apply_to_metadata_and_embedded_sboms() -> None:
    root = fixture_project("venv-app")
    entry = WalkEntry(rel=PurePosixPath(".venv"), path=root / ".venv", kind=EntryKind.ENVIRONMENT)
    files = context_for(root).files
    small = ScanContext(root=root, files=files, limits=Limits(max_embedded_sbom_bytes=1000))
    records = list(SOURCE.collect(entry, small))
    found = {p.location.file.name: p.message for p in problems(records)}
    assert set(found) == {"rpds-py.cyclonedx.json", "auditwheel.cdx.json"}
    assert all(
        m.startswith("embedded SBOM: larger than the 1,000-byte limit") for m in found.values()
    )
    assert "pkg:pypi/rpds-py@2026.9.1" in components(records)  # the package itself is kept
    tiny = ScanContext(root=root, files=files, limits=Limits(max_metadata_bytes=100))
    records = list(SOURCE.collect(entry, tiny))
    assert components(records) == {}
    assert all("limit" in p.message for p in problems(records))


def test_environment_outside_the_scan_root(tmp_path: Path) -> None:
    venv = fixture_project("venv-app") / ".venv"
    entry = WalkEntry(rel=PurePosixPath(venv.as_posix()), path=venv, kind=EntryKind.ENVIRONMENT)
    records = list(SOURCE.collect(entry, ScanContext(root=tmp_path)))
    click = components(records)["pkg:pypi/click@8.5.1"]
    assert click.locations[0].file == PurePosixPath(
        venv.resolve().as_posix(), "lib/python3.11/site-packages/click-8.5.1.dist-info/METADATA"
    )
    assert "pkg:pypi/venv-app@0.1.0" in components(records)  # tmp_path has no such project


def test_a_directory_without_site_packages_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "env").mkdir()
    (tmp_path / "env/pyvenv.cfg").write_text("version = 3.11.7\n")
    entry = WalkEntry(rel=PurePosixPath("env"), path=tmp_path / "env", kind=EntryKind.ENVIRONMENT)
    with pytest.raises(SourceError, match="no site-packages directory"):
        list(SOURCE.collect(entry, ScanContext(root=tmp_path)))


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        (None, [(None, None)]),
        ('python_version < "3.12"', [(None, 'python_version < "3.12"')]),
        ('extra == "cuda"', [("extra:cuda", None)]),
        (
            'python_version < "3.12" and extra == "cuda"',
            [("extra:cuda", 'python_version < "3.12"')],
        ),
        (
            "(platform_python_implementation != 'CPython') and extra == 'brotli'",
            [("extra:brotli", 'platform_python_implementation != "CPython"')],
        ),
        ('extra == "a" or extra == "b"', [("extra:a", None), ("extra:b", None)]),
        ('extra != "slim"', [(None, None)]),
    ],
)
def test_split_extras(marker: str | None, expected: list[tuple[str | None, str | None]]) -> None:
    assert split_extras(Marker(marker) if marker else None) == expected


def test_split_extras_keeps_the_provides_extra_spelling() -> None:
    assert split_extras(Marker('extra == "gpu-support"'), ["GPU_Support"]) == [
        ("extra:GPU_Support", None)
    ]


def test_requires_txt_sections_become_markers() -> None:
    text = 'six\n\n[:python_version < "3"]\nhttplib2\n\n[test:sys_platform == "win32"]\nmock>=2\n'
    assert requires_txt(text) == [
        ("six", 1),
        ('httplib2; python_version < "3"', 4),
        ('mock>=2; sys_platform == "win32" and extra == "test"', 7),
    ]


def test_core_metadata_multiline_license_and_missing_fields() -> None:
    data = (
        b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
        b"License: BSD 3-Clause License\n        \n        Copyright (c) 2020\n"
        b"Classifier: License :: OSI Approved :: BSD License\n\nbody\x00junk"
    )
    meta = parse_core_metadata(PurePosixPath("METADATA"), data)
    assert meta.license == "BSD 3-Clause License\n\nCopyright (c) 2020"
    assert unfold("first\n       |second\n        third") == "first\nsecond\nthird"
    latin1 = parse_core_metadata(
        PurePosixPath("PKG-INFO"), b"Name: old\nVersion: 0.1\nAuthor: Fran\xe7ois\n"
    )
    assert (latin1.name, latin1.version) == ("old", "0.1")
    with pytest.raises(SourceError, match="no Name and Version field"):
        parse_core_metadata(PurePosixPath("METADATA"), b"Summary: nothing\n")


def test_whole_license_text_in_license_field_identified_by_its_clauses(tmp_path: Path) -> None:
    info = tmp_path / "env/lib/python3.11/site-packages/demo-1.0.dist-info"
    info.mkdir(parents=True)
    mit = (FIXTURES / "files/licenses/mit.txt").read_text().replace("\n", "\n        ")
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense: MIT License\n        {mit}\n"
    )
    records = collect(SOURCE, tmp_path, "env", kind=EntryKind.ENVIRONMENT)
    demo = components(records)["pkg:pypi/demo@1.0"]
    assert demo.license == "MIT"
    assert demo.license_raw[0].value.startswith("MIT License\n")


def test_license_title_over_a_cut_text_is_not_trusted(tmp_path: Path) -> None:
    info = tmp_path / "env/lib/python3.11/site-packages/demo-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_bytes(
        b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
        b"License: MIT License\n        \n        Permission is hereby granted, free of charge\n"
    )
    records = collect(SOURCE, tmp_path, "env", kind=EntryKind.ENVIRONMENT)
    assert components(records)["pkg:pypi/demo@1.0"].license is None


def test_license_files_read_only_when_metadata_is_ambiguous(tmp_path: Path) -> None:
    site = tmp_path / "env/lib/python3.11/site-packages"
    bsd = (FIXTURES / "files/licenses/bsd-2-clause.txt").read_bytes()
    for name, classifier in (("ambiguous", "BSD License"), ("exact", "MIT License")):
        info = site / f"{name}-1.0.dist-info"
        (info / "licenses").mkdir(parents=True)
        (info / "licenses/LICENSE").write_bytes(bsd)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.4\nName: {name}\nVersion: 1.0\n"
            f"Classifier: License :: OSI Approved :: {classifier}\nLicense-File: LICENSE\n"
        )
    too_big = site / "big-1.0.dist-info"
    too_big.mkdir()
    (too_big / "LICENSE").write_bytes(bsd)
    (too_big / "LICENSE.third-party").write_bytes(b"x" * 2_000_000)
    (too_big / "METADATA").write_text("Metadata-Version: 2.1\nName: big\nVersion: 1.0\n")
    comps = components(collect(SOURCE, tmp_path, "env", kind=EntryKind.ENVIRONMENT))
    assert comps["pkg:pypi/ambiguous@1.0"].license == "BSD-2-Clause"  # from the text
    assert comps["pkg:pypi/exact@1.0"].license == "MIT"  # the classifier decides first
    assert comps["pkg:pypi/big@1.0"].license is None  # a file too big to read: unknown


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("manylinux_2_17_x86_64", ("linux", "x86_64")),
        ("manylinux2014_aarch64", ("linux", "aarch64")),
        ("musllinux_1_2_armv7l", ("linux", "armv7l")),
        ("linux_x86_64", ("linux", "x86_64")),
        ("macosx_11_0_arm64", ("darwin", "arm64")),
        ("macosx_10_9_universal2", ("darwin", None)),
        ("win_amd64", ("win32", "AMD64")),
        ("any", None),
    ],
)
def test_platform_of_tag(tag: str, expected: tuple[str, str | None] | None) -> None:
    assert platform_of_tag(tag) == expected


def test_records_are_deterministic(venv_app: list[Record]) -> None:
    assert env_records("venv-app") == venv_app
    assert not any(isinstance(r, Problem) for r in venv_app)
