from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from scanner.bom import BOM_WRITERS
from scanner.cli import commands, main


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
