"""The `Reporter` plug-in interface: a ScanResult rendered as text; reporters never print."""

from __future__ import annotations

from typing import Protocol

from scanner.model import ScanResult


class Reporter(Protocol):
    """One `aibom scan --format` value."""

    @property
    def name(self) -> str:
        """The plug-in's name (its registry key)."""
        ...

    def render(self, result: ScanResult) -> str:
        """The whole report as a string."""
        ...
