"""dependency-unpinned: a direct dependency whose version is not fixed where it is installed.

Per the contract: a requirement of a requirements file installed as written
(`requirements*.txt`, and a pip-tools `.in` only when no compiled `.txt` of the same name
sits beside it) that is not pinned with `==` (a constraints-file pin or `--hash` counts);
and a direct dependency of `pyproject.toml` or a `Pipfile` when no lockfile pins it (a lock
in the manifest's directory or an enclosing one, e.g. a uv workspace root, that lists the
package). Constraints files, URL and path requirements (their immutability is the
insecure-source check's business), a name whose URL the same manifest gives elsewhere
(`[tool.uv.sources]`), and other manifests are not judged.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from pathlib import PurePosixPath

from scanner.checks.base import RuleMeta
from scanner.checks.perscan import per_scan
from scanner.checks.provenance import LockIndex, graph_ref, lock_index, path_of, pypi_key
from scanner.config import Policy
from scanner.graph import ComponentGraph
from scanner.model import DeclaredRequirement, Finding, Location, RuleId, ScanResult, Severity

RULE = RuleId("dependency-unpinned")
LOCK_ADVICE = {
    "pyproject": "commit a lockfile for it (uv.lock, poetry.lock, pdm.lock or pylock.toml)",
    "Pipfile": "commit the Pipfile.lock that `pipenv lock` writes",
}


class DependencyUnpinned:
    """Direct dependencies that install whatever release is newest."""

    meta = RuleMeta(
        id=RULE,
        title="Dependency not pinned",
        default_severity=Severity.NOTE,
        help=(
            "A requirement installed as written with a range (`>=`, `~=`, none at all) "
            "installs whatever release is newest that day: builds stop being reproducible "
            "and a compromised release is picked up automatically. Requirements files are "
            "installed as written (a pip-tools `.in` is not when its compiled `.txt` is "
            "there); `pyproject.toml` and `Pipfile` ranges are fine when a lockfile pins "
            "them. Fix: pin with `==` (ideally with `--hash`), compile the file with "
            "pip-compile / `uv pip compile`, or commit a lockfile."
        ),
    )

    def run(self, result: ScanResult, graph: ComponentGraph, policy: Policy) -> Iterator[Finding]:
        """One note per unpinned requirement."""
        locks = lock_index(result, graph)
        direct = {
            (obs.location.file, pypi_key(obs.component))
            for obs in result.observations
            if isinstance(obs, DeclaredRequirement) and obs.url
        }
        reported: set[tuple[Location, str]] = set()
        for obs in result.observations:
            if not isinstance(obs, DeclaredRequirement) or obs.pinned or obs.url:
                continue
            if (obs.location.file, pypi_key(obs.component)) in direct:
                continue  # a source table gives its URL (e.g. `[tool.uv.sources]`)
            text = self.judge(obs, locks, lambda: files_seen(result, graph))
            if text is None or (obs.location, obs.component) in reported:
                continue
            reported.add((obs.location, obs.component))
            ref = graph_ref(obs.component, graph, result.observations)
            yield Finding(
                rule=RULE,
                severity=self.meta.default_severity,
                message=text,
                component=ref,
                location=obs.location,
                path=path_of(ref, graph),
            )

    @staticmethod
    def judge(
        obs: DeclaredRequirement,
        locks: LockIndex,
        seen_files: Callable[[], Collection[PurePosixPath]],
    ) -> str | None:
        """The message for an unpinned requirement, or None when it is not this rule's
        (`seen_files` lists the files the scan read: asked for only for a `.in` file)."""
        name = pypi_key(obs.component) or obs.component
        spec = f"{name}{obs.specifier}" if obs.specifier else f"{name} (any version)"
        file = obs.location.file
        if obs.manifest_kind == "requirements-in" and file.with_suffix(".txt") in seen_files():
            return None
        if obs.manifest_kind in ("requirements", "requirements-in"):
            return (
                f"Pin {spec} in {file.name} to an exact version (`{name}==<version>`) or "
                "compile this file with pip-compile, since a range installs whatever "
                "release is newest."
            )
        if obs.manifest_kind in LOCK_ADVICE:
            if locks.pinning(file, obs.manifest_kind, pypi_key(obs.component)):
                return None
            return (
                f"{spec} in {file.name} is not pinned by any lockfile: "
                f"{LOCK_ADVICE[obs.manifest_kind]} so installs get the versions you tested."
            )
        return None


@per_scan
def files_seen(result: ScanResult, graph: ComponentGraph) -> set[PurePosixPath]:
    """The files the scan read (to know whether a compiled `.txt` sits beside a `.in`)."""
    return {loc.file for loc in all_locations(result)}


def all_locations(result: ScanResult) -> Iterator[Location]:
    """Every location the scan recorded (to know which files it read)."""
    for comp in result.components:
        yield from comp.locations
    for obs in result.observations:
        if obs.location is not None:
            yield obs.location
