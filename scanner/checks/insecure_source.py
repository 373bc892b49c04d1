"""insecure-source: packages fetched in a way an attacker can tamper with or substitute.

Judged: index and find-links URLs (any manifest or lock) over plain `http://`;
`--extra-index-url` and other indexes searched alongside the main one (dependency
confusion); `--trusted-host` (TLS checks off); direct references over `http://`, VCS
references to a branch or tag instead of a full commit, and archive URLs without a digest
(`#sha256=` or `--hash`); and plain-http artifact URLs recorded by lockfiles. A branch or
an unhashed URL declared in `pyproject.toml` / `Pipfile` is not reported when a lockfile
pins that package (the lock records the commit and digests). Loopback hosts are exempt
from the http rule; local paths are not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from scanner.checks.base import RuleMeta
from scanner.checks.provenance import (
    digest_places,
    graph_ref,
    lock_index,
    lock_name,
    may_be_plain_http,
    path_of,
    pypi_key,
    url_facts,
)
from scanner.config import Policy
from scanner.graph import ComponentGraph
from scanner.model import (
    Component,
    ComponentType,
    DeclaredRequirement,
    Finding,
    IndexUrl,
    Location,
    Observation,
    RuleId,
    ScanResult,
    Severity,
)

RULE = RuleId("insecure-source")
CONFUSABLE = frozenset({"extra-index-url"})
"""Index kinds searched alongside the main index, the highest version winning: a public
package of the same name wins (uv's first-index `priority-index` and explicit indexes do
not have the problem)."""
ARTIFACT_REFS = frozenset({"distribution", "vcs"})
PIPENV_FILES = frozenset({"Pipfile", "Pipfile.lock"})
"""pipenv installs from the first source only, unless a package names its `index`."""
INDEX_LABELS = {
    "index-url": "index",
    "extra-index-url": "extra index",
    "priority-index": "priority index",
    "find-links": "find-links location",
    "explicit-index": "explicit index",
    "index": "index",
    "conda-channel": "conda channel",
}


class InsecureSource:
    """Where packages come from, judged for transport and immutability."""

    meta = RuleMeta(
        id=RULE,
        title="Insecure package source",
        default_severity=Severity.WARNING,
        help=(
            "Plain `http://` indexes and downloads can be altered in transit; "
            "`--trusted-host` turns certificate checks off; `--extra-index-url` makes pip "
            "take the highest version from any index, so a public package named like a "
            "private one wins (dependency confusion, as in the 2022 torchtriton attack); "
            "a VCS reference to a branch or tag, or a download URL without a digest, "
            "installs whatever is there today. Fix: use https, one index that proxies PyPI "
            "(or per-package explicit indexes), full commit hashes and `#sha256=` / "
            "`--hash` digests, or a lockfile."
        ),
    )

    def run(self, result: ScanResult, graph: ComponentGraph, policy: Policy) -> Iterator[Finding]:
        """Findings for index URLs, direct references and lockfile artifact URLs."""
        found: dict[tuple[Location, str], Finding] = {}
        http_hosts: set[str] = set()
        for location, ref, text, host in (
            *index_findings(result.observations),
            *requirement_findings(result, graph),
        ):
            if host:
                http_hosts.add(host)
            found.setdefault((location, text), self.finding(location, ref, text, graph))
        for location, ref, text in artifact_findings(result.components, http_hosts):
            found.setdefault((location, text), self.finding(location, ref, text, graph))
        yield from found.values()

    def finding(
        self, location: Location, ref: str | None, text: str, graph: ComponentGraph
    ) -> Finding:
        """A warning at `location` about component `ref` (if any)."""
        return Finding(
            rule=RULE,
            severity=self.meta.default_severity,
            message=text,
            component=ref,
            location=location,
            path=path_of(ref, graph),
        )


Judged = tuple[Location, str | None, str, str | None]
"""(where, component, message, plain-http host reported)."""


def index_findings(observations: Iterable[Observation]) -> Iterator[Judged]:
    """Plain-http indexes, extra indexes and trusted hosts."""
    for obs in observations:
        if not isinstance(obs, IndexUrl):
            continue
        if obs.kind == "trusted-host":
            host = host_of(obs.url)
            yield (
                obs.location,
                None,
                (
                    f"Remove the trusted host {host}: it turns off TLS certificate checks for "
                    "that host, so anyone on the network path can serve you other packages."
                ),
                None,
            )
            continue
        label = INDEX_LABELS.get(obs.kind, obs.kind)
        facts = url_facts(obs.url)
        if facts is not None and facts.plain_http:
            yield (
                obs.location,
                None,
                (
                    f"Use https:// for the {label} {obs.url}: packages fetched over plain "
                    "http can be replaced in transit."
                ),
                facts.host,
            )
        if obs.kind in CONFUSABLE and obs.location.file.name not in PIPENV_FILES:
            yield (
                obs.location,
                None,
                (
                    f"Replace the {label} {obs.url} with one index that proxies PyPI, or pin "
                    "each private package to its own index: an index searched alongside PyPI "
                    "lets a look-alike public package win (dependency confusion)."
                ),
                None,
            )


def requirement_findings(result: ScanResult, graph: ComponentGraph) -> Iterator[Judged]:
    """Direct references: http transport, branch refs and URLs without a digest."""
    locks = lock_index(result, graph)
    hashed = digest_places(result.observations)
    for obs in result.observations:
        if not isinstance(obs, DeclaredRequirement) or not obs.url:
            continue
        facts = url_facts(obs.url)
        if facts is None:
            continue
        ref = graph_ref(obs.component, graph, result.observations)
        if facts.plain_http:
            yield (
                obs.location,
                ref,
                (
                    f"Use https:// for {obs.url}: a dependency fetched over plain http can be "
                    "replaced in transit."
                ),
                facts.host,
            )
        if facts.immutable or obs.location in hashed:
            continue
        if locks.pinning(obs.location.file, obs.manifest_kind, pypi_key(obs.component)):
            continue
        if facts.vcs:
            now = f"the ref {facts.revision!r}" if facts.revision else "the default branch"
            yield (
                obs.location,
                ref,
                (
                    f"Pin {obs.url} to a full commit hash (`@<sha>`) instead of {now}: a branch "
                    "or tag can be moved to other code."
                ),
                None,
            )
        else:
            yield (
                obs.location,
                ref,
                (
                    f"Add a digest to {obs.url} (`#sha256=<hex>` or `--hash=sha256:<hex>`) so "
                    "a replaced file is refused."
                ),
                None,
            )


def artifact_findings(
    components: Iterable[Component], reported_hosts: set[str]
) -> Iterator[tuple[Location, str | None, str]]:
    """Plain-http download URLs recorded by lockfiles (hosts already reported are skipped)."""
    for comp in components:
        if comp.type is not ComponentType.LIBRARY:
            continue
        in_lock = [loc for loc in comp.locations if lock_name(loc.file)]
        if not in_lock:
            continue
        for ext in comp.external_refs:
            if ext.type not in ARTIFACT_REFS or not may_be_plain_http(ext.url):
                continue
            facts = url_facts(ext.url)
            if facts is None or not facts.plain_http or facts.host in reported_hosts:
                continue
            yield (
                in_lock[0],
                comp.bom_ref,
                (
                    f"Use https:// for {ext.url}: {comp.name} is downloaded over plain http "
                    "and can be replaced in transit."
                ),
            )


def host_of(value: str) -> str:
    """The host of a trusted-host value (a host, host:port or a URL)."""
    if "://" in value:
        try:
            return urlsplit(value).netloc or value
        except ValueError:
            return value
    return value
