"""AI model and dataset references (code, configs, cards, artifacts). READERS is the registry.

Each reader has the same shape as a dependency `Source` (claims a file by name, then reports
components, edges, observations and problems); the pipeline runs them in the same walk.
"""

from __future__ import annotations

from scanner.references.hf_cache import HfCacheReader
from scanner.sources.base import Source

READERS: tuple[Source, ...] = (HfCacheReader(),)
