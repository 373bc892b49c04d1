"""Weight-file readers: header parsers, never loaders. WEIGHT_READERS is the registry."""

from __future__ import annotations

from scanner.sources.base import Source

WEIGHT_READERS: tuple[Source, ...] = ()
