"""aibom: one-pass AI supply-chain and license scanner (packages, models, datasets)."""

__version__ = "0.1.0"
