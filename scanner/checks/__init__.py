"""Rules, one module per rule id of the contract. CHECKS is the registry.

Checks arrive with the license, AI-dependency and provenance issues; the foundation ships
the interface and an empty registry, so `scan` reports components and problems only.
"""

from __future__ import annotations

from scanner.checks.base import Check

CHECKS: tuple[Check, ...] = ()
