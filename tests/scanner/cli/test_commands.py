from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.bom import BOM_WRITERS
from scanner.cli import commands, main
from tests.conftest import PROJECTS


def test_the_sbom_formats_are_the_writers() -> None:
    assert list(commands.BOM_FORMATS) == sorted(BOM_WRITERS)


def test_a_scan_does_not_import_the_bom_writers() -> None:
    code = "import sys, scanner.cli; print('scanner.bom' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_program_freezes_its_heap_before_exiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["aibom", "--version"])
    try:
        with pytest.raises(SystemExit):
            main()  # as the program: the interpreter's final collections have nothing to do
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_call_with_arguments_leaves_the_collector_alone() -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.get_freeze_count() == 0


def test_the_report_formats_are_the_reporters() -> None:
    from scanner.reporters import REPORTERS

    assert list(commands.REPORT_FORMATS) == sorted(REPORTERS)


REPLAY = """
import sys
from scanner.cli import main
try:
    main(["scan", "--format", "json", "-q", "-o", sys.argv[2], sys.argv[1]])
except SystemExit:
    pass
heavy = ("scanner.pipeline", "scanner.reporters", "scanner.references", "scanner.checks")
print("LOADED", *sorted(name for name in heavy if name in sys.modules))
"""


def test_a_replayed_report_loads_no_collector_check_or_reporter(tmp_path: Path) -> None:
    """The report memo's replay needs the walk and the stored report: nothing else is imported
    (the collectors, checks and reporters are most of a replay's time otherwise)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "uv-app", root)
    old = 1_600_000_000 * 10**9  # files modified just now are not memoised (filecache.racy)
    for path in root.rglob("*"):
        os.utime(path, ns=(old, old))
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}  # a venv is an input
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    runs = [
        subprocess.run(
            [sys.executable, "-c", REPLAY, str(root), str(tmp_path / f"{n}.json")],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        for n in (1, 2)
    ]
    assert "scanner.pipeline" in runs[0]  # the first run scans
    assert runs[1].strip().splitlines()[-1] == "LOADED"  # the second replays
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
