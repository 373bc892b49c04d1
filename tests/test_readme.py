"""The README stays true: its --help blocks are the real ones, its test command is CI's."""

from __future__ import annotations

import ast
import dataclasses
import re

import pytest
from click.testing import CliRunner

from scanner.checks import CHECKS
from scanner.cli import cli
from scanner.config import EXCEPTION_KEYS, POLICY_KEYS, Limits, WeightLimits
from tests.conftest import REPO

README = REPO / "README.md"
COMMANDS = [[], ["scan"], ["sbom"], ["diff"], ["license"]]


def help_text(args: list[str]) -> str:
    result = CliRunner(env={"COLUMNS": "100"}).invoke(cli, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0
    return result.output.replace("Usage: cli", "Usage: aibom")


def block(args: list[str]) -> tuple[str, str]:
    name = " ".join(["aibom", *args, "--help"])
    return f"<!-- begin: {name} -->\n", f"<!-- end: {name} -->"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "aibom")
def test_help_blocks_match(args: list[str], update_snapshots: bool) -> None:
    text = README.read_text(encoding="utf-8")
    begin, end = block(args)
    expected = f"{begin}```text\n{help_text(args)}```\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    assert pattern.search(text), f"README lacks the block {begin.strip()}"
    if update_snapshots:
        README.write_text(pattern.sub(lambda _: expected, text), encoding="utf-8")
        return
    assert expected in text, f"README's {begin.strip()} block is stale (--update-snapshots)"


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = quick.strip().splitlines()
    assert len(commands) == 2
    assert "aibom" in commands[0]
    assert "fixtures/" in commands[0]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def rules_table() -> str:
    """The README's rule table, generated from the check registry."""
    lines = ["| rule | default severity | what it means |", "|---|---|---|"]
    for check in CHECKS:
        meta = check.meta
        lines.append(f"| `{meta.id}` | {meta.default_severity.value} | {meta.title} |")
    return "\n".join(lines) + "\n"


def check_generated_block(name: str, content: str, update_snapshots: bool) -> None:
    """README's `<!-- begin: NAME -->` block holds `content` (--update-snapshots rewrites it)."""
    text = README.read_text(encoding="utf-8")
    begin, end = f"<!-- begin: {name} -->\n", f"<!-- end: {name} -->"
    expected = f"{begin}{content}{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    assert pattern.search(text), f"README lacks the {name} block"
    if update_snapshots:
        README.write_text(pattern.sub(lambda _: expected, text), encoding="utf-8")
        return
    assert expected in text, f"README's {name} table is stale (--update-snapshots)"


def test_rules_table_is_generated_from_the_registry(update_snapshots: bool) -> None:
    check_generated_block("rules", rules_table(), update_snapshots)


def test_every_policy_key_is_documented() -> None:
    text = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    for key in sorted(POLICY_KEYS | EXCEPTION_KEYS):
        pattern = rf"^\s*(\[\[?tool\.aibom\.)?{re.escape(key)}\b"
        assert re.search(pattern, text, re.M), key


def test_every_fixture_is_indexed_and_documented() -> None:
    index = (REPO / "fixtures" / "README.md").read_text(encoding="utf-8")
    for kind in ("projects", "files"):
        for folder in sorted((REPO / "fixtures" / kind).iterdir()):
            if folder.is_dir():
                assert f"`{kind}/{folder.name}`" in index, f"fixtures/README.md lacks {folder}"
                docs = list(folder.glob("FIXTURE.md")) + list(folder.glob("*/FIXTURE.md"))
                assert docs or (folder / "README.md").is_file(), f"{folder} has no FIXTURE.md"
    assert "`online`" in index


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of a class in scanner/config.py, on one line."""
    tree = ast.parse((REPO / "scanner" / "config.py").read_text(encoding="utf-8"))
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    docs: dict[str, str] = {}
    for field, after in zip(body.body, body.body[1:], strict=False):
        if not (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)):
            continue
        if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            docs[field.target.id] = " ".join(str(after.value.value).split())
    return docs


def limits_table() -> str:
    """The README's table of `[tool.aibom.limits]` keys, from `Limits` and `WeightLimits`."""
    lines = ["| key | default | what it caps |", "|---|---|---|"]
    for cls, instance, prefix in (
        (Limits, Limits(), ""),
        (WeightLimits, WeightLimits(), "weights."),
    ):
        docs = field_docs(cls)
        for field in dataclasses.fields(cls):
            value = getattr(instance, field.name)
            if isinstance(value, int):
                assert field.name in docs, f"{cls.__name__}.{field.name} has no docstring"
                key = prefix + field.name.replace("_", "-")
                lines.append(f"| `{key}` | {value:_} | {docs[field.name]} |")
    return "\n".join(lines) + "\n"


def test_limits_table_is_generated_from_the_config(update_snapshots: bool) -> None:
    check_generated_block("limits", limits_table(), update_snapshots)
