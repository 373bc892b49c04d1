"""`write`: -o FILE is replaced atomically and gets the mode a plain `open(FILE, "w")` gives."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli.common import write
from scanner.errors import InputError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test sets its own."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(
    ("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)], ids=oct
)
def test_a_new_file_gets_0666_less_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    os.umask(mask)
    target = tmp_path / "bom.json"
    write("{}\n", target)
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert mode(target) == expected
    reference = tmp_path / "plain"
    with reference.open("w"):  # what the user expects: the mode of any file they create
        pass
    assert mode(reference) == expected
    assert leftovers(tmp_path) == []


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("existing", [0o640, 0o600, 0o664, 0o444], ids=oct)
def test_an_existing_file_keeps_its_mode(tmp_path: Path, existing: int) -> None:
    target = tmp_path / "bom.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(existing)
    inode = target.stat().st_ino
    write("new\n", target)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert mode(target) == existing
    assert target.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert leftovers(tmp_path) == []


def test_set_id_bits_are_not_carried_over(tmp_path: Path) -> None:
    target = tmp_path / "bom.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o4755)
    write("new\n", target)
    assert mode(target) == 0o755


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "bom.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(UnicodeEncodeError):
        write("\udcff", target)  # a lone surrogate cannot be written as UTF-8
    assert target.read_text(encoding="utf-8") == "old"
    assert mode(target) == 0o640
    assert leftovers(tmp_path) == []


def test_a_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write("x", tmp_path / "no" / "bom.json")


def test_stdout_when_no_file(capsys: pytest.CaptureFixture[str]) -> None:
    write("text\n", None)
    assert capsys.readouterr().out == "text\n"
