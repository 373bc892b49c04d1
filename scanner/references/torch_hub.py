"""torch.hub: `torch.hub.load("owner/repo[:ref]", "entrypoint")` loads code and weights from
a GitHub repository: a model component `github:owner/repo@ref` with a vcs reference.

Loading runs the repository's `hubconf.py`, so each load is also a RemoteCodeEnabled.
`source="local"` loads from a directory and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from packageurl import PackageURL

from scanner.model import Component, ComponentType, Edge, ExternalRef, Record, RemoteCodeEnabled
from scanner.references.base import CallSite

GITHUB_REPO = re.compile(r"(?P<owner>[A-Za-z0-9-]{1,39})/(?P<repo>[A-Za-z0-9._-]{1,100})")


def parse_repo(value: str) -> tuple[str, str, str | None] | None:
    """(owner, repo, ref) of `owner/repo[:ref]`."""
    spec, _, ref = value.strip().partition(":")
    found = GITHUB_REPO.fullmatch(spec)
    if found is None or spec.startswith((".", "/")):
        return None
    return found["owner"], found["repo"], ref.strip() or None


@dataclass(frozen=True, slots=True)
class TorchHub:
    """Models loaded from GitHub repositories through torch.hub."""

    name: str = "torch-hub"
    callees: tuple[str, ...] = ("torch.hub.load",)

    def match(self, call: CallSite) -> Iterator[Record]:
        """The repository (at its ref) as a model component."""
        source = call.arg(None, "source")
        value = call.string(0, "repo_or_dir")
        if source not in (None, "github") or value is None:
            return
        parsed = parse_repo(value)
        if parsed is None:
            return
        owner, repo, ref = parsed
        bom_ref = f"github:{owner}/{repo}" + (f"@{ref}" if ref else "")
        props = [("aibom:loader", call.callee), ("aibom:hub", "github")]
        entrypoint = call.string(1, "model")
        if entrypoint:
            props.append(("aibom:entrypoint", entrypoint))
        if ref:
            props.append(("aibom:revision", ref))
        if call.cell is not None:
            props.append(("aibom:notebook-cell", str(call.cell)))
        purl = PackageURL(type="github", namespace=owner, name=repo, version=ref).to_string()
        yield Component(
            bom_ref=bom_ref,
            type=ComponentType.MODEL,
            name=f"{owner}/{repo}",
            purl=purl,
            locations=(call.location,),
            origin=call.origin,
            external_refs=(
                ExternalRef(
                    type="vcs",
                    url=f"https://github.com/{owner}/{repo}",
                    comment=f"ref {ref}" if ref else "default branch",
                ),
            ),
            properties=tuple(props),
        )
        yield Edge(parent=call.project, child=bom_ref)
        yield RemoteCodeEnabled(
            component=bom_ref,
            location=call.location,
            detail=f"torch.hub.load runs hubconf.py from github.com/{owner}/{repo}",
        )
