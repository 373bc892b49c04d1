from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.bomdiff import ChangeKind, categories, diff, load_bom
from scanner.cli.diff import diff_command
from scanner.diffreport import render
from scanner.errors import InputError
from tests.conftest import FIXTURES

OLD = FIXTURES / "files" / "bom-diff" / "old.cdx.json"
NEW = FIXTURES / "files" / "bom-diff" / "new.cdx.json"


def kinds() -> set[tuple[str, str, str | None, str | None]]:
    return {(c.kind.value, c.name, c.old, c.new) for c in diff(load_bom(OLD), load_bom(NEW))}


def test_the_edits_are_found_and_nothing_else() -> None:
    found = kinds()
    assert ("version", "transformers", "4.57.1", "4.58.0") in found
    assert ("removed", "datasets", "4.4.1", None) in found
    assert ("added", "pyqt5", None, "5.15.11") in found
    assert ("license", "acme/tiny-set", None, "CC-BY-NC-4.0") in found
    hash_changes = [c for c in found if c[0] == "hash"]
    assert len(hash_changes) == 1
    assert hash_changes[0][1] == "model.safetensors"
    assert hash_changes[0][3] == "SHA-256:" + "0" * 64
    new_categories = {c[3] for c in found if c[0] == "license-category"}
    # the old BOM carries no licence at all, so both categories are new
    assert new_categories == {"Copyleft (GPL-3.0-only)", "Source-available (CC-BY-NC-4.0)"}
    assert len(found) == 4 + 1 + 2


def test_a_bom_against_itself_has_no_changes() -> None:
    assert diff(load_bom(OLD), load_bom(OLD)) == ()


def test_one_model_at_two_revisions_stays_two_components() -> None:
    models = [k for k in load_bom(OLD) if k.startswith("pkg:huggingface/acme/tiny-bert")]
    assert len(models) == 2


def test_categories_of_expressions() -> None:
    assert categories("MIT OR Apache-2.0") == {"Permissive"}
    assert categories("GPL-2.0-only WITH Classpath-exception-2.0") >= {"Copyleft"}
    assert categories(None) == {"Unknown"}


@pytest.mark.parametrize("content", ["{not json", '{"bomFormat": "SPDX"}'])
def test_not_a_cyclonedx_bom_is_an_input_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json"):
        load_bom(bad)


def test_cli_exit_code_follows_fail_on_change() -> None:
    runner = CliRunner()
    plain = runner.invoke(diff_command, [str(OLD), str(NEW)])
    assert plain.exit_code == 0
    assert "~ version of transformers: 4.57.1 -> 4.58.0" in plain.output
    assert "+ added pyqt5 5.15.11" in plain.output
    hashed = runner.invoke(diff_command, [str(OLD), str(NEW), "--fail-on-change", "hash"])
    assert hashed.exit_code == 1
    same = runner.invoke(diff_command, [str(OLD), str(OLD), "--fail-on-change", "hash"])
    assert same.exit_code == 0
    assert "no changes" in same.output


def test_json_and_markdown_renderings() -> None:
    changes = diff(load_bom(OLD), load_bom(NEW))
    data = json.loads(render(changes, "json"))
    assert {
        "kind": "added",
        "component": "pkg:pypi/pyqt5",
        "name": "pyqt5",
        "old": None,
        "new": "5.15.11",
    } in data["changes"]
    markdown = render(changes, "markdown")
    assert "| version | `transformers` | 4.57.1 | 4.58.0 |" in markdown
    assert ChangeKind.HASH.value in markdown


@pytest.mark.parametrize("purl", ["pkg:pypi/%2F%20%2F", "not a purl", "pkg:pypi/"])
def test_a_purl_packageurl_reads_without_a_name_keys_by_name(tmp_path: Path, purl: str) -> None:
    """packageurl reads `pkg:pypi/%2F%20%2F` with no name and then refuses to write it: the
    component is keyed by type and name like one without a purl, and the diff goes on."""
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [{"type": "library", "name": "odd", "version": "1", "purl": purl}],
    }
    path = tmp_path / "odd.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert list(load_bom(path)) == ["library:odd"]
