"""Run a command's scan through the report memo (`scanmemo`): replay when nothing changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scanner import scanmemo
from scanner.config import ScanConfig
from scanner.model import ScanResult
from scanner.pipeline import scan_noting_inputs, walk_root
from scanner.scanmemo import Replay


def memoised(
    config: ScanConfig, variant: str, produce: Callable[[ScanResult], Replay], *, allowed: bool
) -> Replay:
    """`produce(scan(config))`, or the stored replay of an identical earlier run; `variant`
    names everything besides the config that shapes the output (command, format, options),
    `allowed` is False when the output is not a function of its inputs (a timestamp)."""
    walked = walk_root(config)
    if not (allowed and scanmemo.eligible(config, walked)):
        return produce(scan_noting_inputs(config, walked=walked)[0])
    root = config.root.resolve()
    key = scanmemo.memo_key(config, variant, walked, dt.date.today())
    replay = scanmemo.lookup(root, key)
    if replay is None:
        result, inputs = scan_noting_inputs(config, walked=walked)
        replay = produce(result)
        scanmemo.store(root, key, walked, inputs, replay)
    return replay
