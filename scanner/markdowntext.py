"""Text made safe for a Markdown table cell: shared by the scan report and the BOM diff, kept
apart from `scanner.reporters` so that `aibom diff` does not load every reporter and check."""

from __future__ import annotations


def cell(text: str) -> str:
    """Text safe inside a table cell or list item: no pipes, backticks, HTML or newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("`", "'")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )
