from __future__ import annotations

import gc

import pytest

from scanner import gcpause


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_inside_and_restored_after(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with gcpause.paused():
            assert not gc.isenabled()
            with gcpause.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner block does not end the outer pause
        assert gc.isenabled() is enabled
        with pytest.raises(ZeroDivisionError), gcpause.paused():
            _ = 1 / 0
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_long_lived_hands_frozen_objects_back() -> None:
    assert gc.get_freeze_count() == 0
    kept = [object() for _ in range(10)]
    with gcpause.long_lived():
        gc.freeze()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    del kept


def test_long_lived_leaves_a_callers_frozen_objects_frozen() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with gcpause.long_lived():
            gc.freeze()
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()


def test_kept_pauses_and_freezes_only_inside_long_lived() -> None:
    assert gc.get_freeze_count() == 0
    with gcpause.kept():
        assert not gc.isenabled()
        made = [[index] for index in range(10)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # outside a scan nothing is kept forever
    with gcpause.long_lived():
        with gcpause.kept():
            assert not gc.isenabled()
            made = [[index] for index in range(10)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(made)
    assert gc.get_freeze_count() == 0  # handed back at the end of the scan
