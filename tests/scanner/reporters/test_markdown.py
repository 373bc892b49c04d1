from __future__ import annotations

import dataclasses

from scanner.markdowntext import cell
from scanner.model import Finding, RuleId, ScanResult, Severity
from scanner.reporters.markdown import MarkdownReporter


def test_summary_inventory_and_sections(result: ScanResult) -> None:
    text = MarkdownReporter().render(result)
    assert text.startswith("## aibom: demo\n")
    assert "| `license-conflict` | 1 | 0 | 0 |" in text
    assert "| `license-unknown` | 0 | 1 | 0 |" in text
    assert "| GPL-3.0-only | 1 | 0 | 0 |" in text
    assert "| unknown | 0 | 1 | 0 |" in text
    assert "<details><summary><code>license-conflict</code> (1)</summary>" in text
    assert "Inputs not read (1)" in text
    # errors come before warnings
    assert text.index("<code>remote-code</code>") < text.index("<code>license-unknown</code>")


def test_untrusted_text_cannot_break_the_markup(result: ScanResult) -> None:
    text = MarkdownReporter().render(result)
    assert "<b>" not in text
    assert "GPL-3.0-only \\| is not compatible with MIT &lt;b&gt;distribution&lt;/b&gt;." in text
    assert cell("a\nb`c") == "a b'c"


def test_many_findings_are_capped_and_counted(result: ScanResult) -> None:
    many = tuple(
        Finding(rule=RuleId("license-unknown"), severity=Severity.WARNING, message=f"n{i}")
        for i in range(500)
    )
    text = MarkdownReporter().render(dataclasses.replace(result, findings=many))
    assert text.count("- 🟠 **warning**") == 200
    assert "300 more finding(s) not shown" in text
    assert "| `license-unknown` | 0 | 500 | 0 |" in text


def test_no_findings_says_so(result: ScanResult) -> None:
    text = MarkdownReporter().render(dataclasses.replace(result, findings=()))
    assert "No findings." in text
