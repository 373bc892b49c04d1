"""The README stays true: its --help blocks are the real ones, its test command is CI's."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import REPO

README = REPO / "README.md"
COMMANDS = [[], ["scan"], ["sbom"]]


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
