"""SPDX AI-BOM writer: a ScanResult as SPDX 3.0.1 JSON-LD with the AI and Dataset profiles.

`spdx_document.document` builds the document; before it is written it must pass our own
checks (`spdx_checks.problems`: required fields, no dangling ids, the profiles' required
package properties). A document that fails is a bug in aibom, raised as
`BomValidationError`. The reference bindings' checks (`spdx_checks.library_problems`,
spdx-python-model, the `spdx` extra) are not run here: they cost about 2 ms per package
(seconds for an environment's thousands), while the structure they check is fixed by this
code; the test suite runs them on every fixture. `BomOptions.spec_version` is CycloneDX's
and is ignored: the document is always SPDX 3.0.1.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner import gcpause, jsontext
from scanner.bom.base import BomOptions
from scanner.bom.spdx_checks import problems
from scanner.bom.spdx_document import document
from scanner.bom.validate import BomValidationError
from scanner.model import ScanResult

SHOWN_PROBLEMS = 10


@dataclass(frozen=True, slots=True)
class SpdxJson:
    """`aibom sbom --format spdx-json`."""

    name: str = "spdx-json"

    def render(self, result: ScanResult, options: BomOptions) -> str:
        """The SPDX document as indented JSON-LD, checked before it is returned."""
        with gcpause.paused():  # builds 10^5 acyclic containers: no collection to run
            doc = document(result, options)
            if found := problems(doc):
                more = len(found) - SHOWN_PROBLEMS
                raise BomValidationError(
                    "SPDX document failed its checks: "
                    + "; ".join(found[:SHOWN_PROBLEMS])
                    + (f" (and {more} more)" if more > 0 else "")
                )
            return jsontext.dumps(doc) + "\n"
