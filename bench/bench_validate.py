"""In-process: aibom's schema validator against cyclonedx-python-lib's, on a generated BOM.

Generates a ScanResult with --components components (licenses, hashes, links, locations,
properties; every tenth with two nested components), writes it as CycloneDX 1.6 JSON, and
times, on that same text:
  ours     scanner.bom.validate.validate_json (fastjsonschema code compiled from the schema
           bundled with cyclonedx-python-lib); the one-off costs reported apart: generating
           and compiling the code (first run on a machine) and loading it from the cache
  library  cyclonedx.validation.json.JsonStrictValidator(SchemaVersion.V1_6).validate_str
           (jsonschema; needs cyclonedx-python-lib[validation]); its first call, which
           also builds the validator, reported apart
and with --xml the same for the XML form (lxml against the bundled XSD, both).

  python bench/bench_validate.py [--components 5000] [--runs 5] [--library-runs 3] [--xml]

(--library-runs 0 reports the library's first call only: at 5,000 components each call
takes minutes.)
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
from pathlib import PurePosixPath

from timing import timed

from scanner.bom import BOM_WRITERS, BomOptions
from scanner.bom import validate as ours
from scanner.model import (
    Component,
    ComponentType,
    Edge,
    ExternalRef,
    Hash,
    LicenseEvidence,
    Location,
    ProjectInfo,
    ScanResult,
)

LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "MIT OR Apache-2.0", None)


def generate(count: int) -> ScanResult:
    """A project with `count` components, shaped like an installed AI environment's."""
    components = [make(i) for i in range(count)]
    edges = [Edge(parent="project:.", child=c.bom_ref) for c in components[:60]]
    edges += [Edge(parent=a.bom_ref, child=b.bom_ref) for a, b in itertools.pairwise(components)]
    return ScanResult(
        project=ProjectInfo(root=".", bom_ref="project:.", name="bench", version="1.0"),
        components=tuple(components),
        edges=tuple(edges),
    )


def make(i: int, nested: bool = True) -> Component:
    name, version = f"package-{i}", f"{i % 7}.{i % 11}.{i}"
    ref = f"pkg:pypi/{name}@{version}"
    license_ = LICENSES[i % len(LICENSES)]
    children: tuple[Component, ...] = ()
    if nested and i % 10 == 0:
        children = tuple(
            Component(
                bom_ref=f"pkg:cargo/crate-{i}-{j}@1.0.{j}",
                type=ComponentType.LIBRARY,
                name=f"crate-{i}-{j}",
                version=f"1.0.{j}",
                purl=f"pkg:cargo/crate-{i}-{j}@1.0.{j}",
                license="MIT OR Apache-2.0",
            )
            for j in range(2)
        )
    return Component(
        bom_ref=ref,
        type=ComponentType.LIBRARY,
        name=name,
        version=version,
        purl=ref,
        license=license_,
        license_raw=(LicenseEvidence(kind="classifier", value="License :: OSI Approved"),),
        hashes=(Hash(alg="SHA-256", value=f"{i:064x}"),),
        locations=(Location(file=PurePosixPath("uv.lock"), line=10 * i + 1),),
        origin="uv-lock",
        external_refs=(
            ExternalRef(type="distribution", url=f"https://files.example.org/{name}-{version}.whl"),
            ExternalRef(type="vcs", url=f"git+https://github.com/example/{name}@v{version}"),
        ),
        properties=(("aibom:index", "https://pypi.org/simple"),),
        description=f"Package number {i}.",
        nested=children,
    )


def show(label: str, values: list[float]) -> float:
    median = statistics.median(values)
    spread = ", ".join(f"{v:.3f}" for v in values)
    print(f"  {label:44} {median:8.3f} s   [{spread}]")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--components", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--library-runs", type=int, default=3)
    parser.add_argument("--xml", action="store_true", help="also time XML validation")
    args = parser.parse_args()
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
        from cyclonedx.validation.xml import XmlValidator
    except ImportError:
        sys.exit("needs cyclonedx-python-lib[validation] (pip install -e '.[test]')")

    result = generate(args.components)
    options = BomOptions(reproducible=True)
    text = BOM_WRITERS["cyclonedx-json"].render(result, options)
    nested = sum(len(c.nested) for c in result.components)
    print(f"BOM: {len(result.components)} components (+{nested} nested), {len(text) / 1e6:.1f} MB")

    cache = tempfile.TemporaryDirectory(prefix="aibom-bench-cache-")
    os.environ["XDG_CACHE_HOME"] = cache.name  # a cold cache, removed at exit
    ours.json_validator.cache_clear()
    print("JSON (CycloneDX 1.6)")
    show("ours: generate + compile (cold cache)", [timed(lambda: ours.json_validator("1.6"))])
    ours.json_validator.cache_clear()
    show("ours: load compiled code (warm cache)", [timed(lambda: ours.json_validator("1.6"))])
    mine = show(
        "ours: validate", [timed(lambda: ours.validate_json(text, "1.6")) for _ in range(args.runs)]
    )
    library = JsonStrictValidator(SchemaVersion.V1_6)
    errors: list[object] = []
    first = show(
        "library: first call (builds its validator)",
        [timed(lambda: errors.append(library.validate_str(text)))],
    )
    theirs = first
    if args.library_runs:
        theirs = show(
            "library: validate",
            [timed(lambda: library.validate_str(text)) for _ in range(args.library_runs)],
        )
    assert errors == [None]  # noqa: S101 - both must accept it
    print(f"  library / ours = {theirs / mine:.0f}x")

    if args.xml:
        xml = BOM_WRITERS["cyclonedx-xml"].render(result, options)
        print("XML (CycloneDX 1.6)")
        ours.xml_schema.cache_clear()
        show("ours: parse the XSD (once per process)", [timed(lambda: ours.xml_schema("1.6"))])
        mine = show(
            "ours: validate",
            [timed(lambda: ours.validate_xml(xml, "1.6")) for _ in range(args.runs)],
        )
        xml_library = XmlValidator(SchemaVersion.V1_6)
        show("library: first call", [timed(lambda: xml_library.validate_str(xml))])
        theirs = show(
            "library: validate",
            [timed(lambda: xml_library.validate_str(xml)) for _ in range(args.runs)],
        )
        print(f"  library / ours = {theirs / mine:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
