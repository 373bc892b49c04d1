"""Run a command's scan through the report memo (`scanmemo`): replay when nothing changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scanner import scanmemo
from scanner.config import ScanConfig
from scanner.model import ScanResult
from scanner.scanmemo import Replay
from scanner.walk import walk_root


def memoised(
    config: ScanConfig, variant: str, produce: Callable[[ScanResult], Replay], *, allowed: bool
) -> Replay:
    """`produce(scan(config))`, or the stored replay of an identical earlier run; `variant`
    names everything besides the config that shapes the output (command, format, options),
    `allowed` is False when the output is not a function of its inputs (a timestamp)."""
    walked = walk_root(config)
    root = config.root.resolve()
    key = None
    if allowed and scanmemo.eligible(config, walked):
        key = scanmemo.memo_key(config, variant, walked, dt.date.today())
        replay = scanmemo.lookup(root, key)
        if replay is not None:
            return replay
    from scanner.pipeline import scan_noting_inputs  # only now: a replay needs no collector

    result, inputs = scan_noting_inputs(config, walked=walked)
    replay = produce(result)
    if key is not None:
        scanmemo.store(root, key, walked, inputs, replay)
    return replay
