"""scan(config) -> ScanResult: walk once, run every source on what it claims, build the graph.

The pipeline owns the per-file error boundary: a SourceError becomes a Problem naming the
file; any other exception becomes a Problem asking for a bug report (re-raised under
`--debug`). The scan always goes on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from scanner.checks import CHECKS
from scanner.config import ScanConfig
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.graph import ROOT, GraphBuilder
from scanner.identity import hub_ref
from scanner.model import (
    Component,
    Edge,
    Location,
    Observation,
    Problem,
    ProjectInfo,
    Record,
    RevisionResolved,
    ScanResult,
    TargetEnvironment,
)
from scanner.references import READERS
from scanner.sources import SOURCES
from scanner.walk import EntryKind, WalkEntry, is_hub_cache_repo, is_virtualenv, walk
from scanner.weights import WEIGHT_READERS

NO_SOURCE = (
    "no Python dependency source found (looked for pyproject.toml, requirements*.txt, "
    "setup.cfg, setup.py, Pipfile, lockfiles, environment.yml and virtual environments); "
    "the inventory is empty, not complete"
)


def scan(config: ScanConfig) -> ScanResult:
    """Run the whole pipeline over `config.root`."""
    root = config.root.resolve()
    walked = walk(root, max_files=config.limits.max_files, max_depth=config.limits.max_walk_depth)
    files = frozenset(e.rel for e in walked.entries if e.kind is EntryKind.FILE)
    ctx = ScanContext(root=root, limits=config.limits, files=files)
    entries = [
        *walked.entries,
        *_extra_environments(config, ctx, walked.entries),
        *_hub_caches(config, ctx),
    ]

    builder = GraphBuilder()
    observations: list[Observation] = []
    problems: list[Problem] = list(walked.problems)
    found_source = False  # a Python dependency source claimed something
    collectors = (*SOURCES, *READERS, *WEIGHT_READERS)
    python_sources = {source.name for source in SOURCES}
    for entry in entries:
        for source in collectors:
            if not source.claims(entry):
                continue
            found_source = found_source or source.name in python_sources
            for record in _guarded(source.collect(entry, ctx), entry.rel, config.debug, problems):
                _dispatch(record, builder, observations, problems)

    _resolve_revisions(builder, observations)
    graph = builder.build(_target(observations))
    if not found_source:  # fail closed: an empty inventory is said, never implied
        problems.append(Problem(location=Location(file=PurePosixPath(".")), message=NO_SOURCE))
    components = tuple(
        sorted((c for r, c in graph.components.items() if r != ROOT), key=lambda c: c.bom_ref)
    )
    root_component = graph.components[ROOT]
    project = ProjectInfo(
        root=str(config.root),
        bom_ref=ROOT,
        name=root_component.name if root_component.name != "." else root.name,
        version=root_component.version,
        license=config.project_license or config.policy.license or root_component.license,
    )
    result = ScanResult(
        project=project,
        components=components,
        edges=graph.edges,
        observations=tuple(dict.fromkeys(observations)),
        problems=tuple(sorted(set(problems))),
    )
    findings = [f for check in CHECKS for f in check.run(result, graph, config.policy)]
    findings.sort(key=lambda f: f.sort_key())
    return dataclasses.replace(result, findings=tuple(findings))


def _resolve_revisions(builder: GraphBuilder, observations: Iterable[Observation]) -> None:
    """A hub cache's `refs/main` says which commit `org/name@main` (and a reference with no
    revision, which means main) resolved to on this machine: the two name one component."""
    for obs in observations:
        if isinstance(obs, RevisionResolved):
            pinned = hub_ref(obs.repo_id, obs.commit, repo_type=obs.repo_type)
            builder.alias(hub_ref(obs.repo_id, obs.revision, repo_type=obs.repo_type), pinned)
            if obs.revision == "main":
                builder.alias(hub_ref(obs.repo_id, None, repo_type=obs.repo_type), pinned)


def _guarded(
    records: Iterable[Record], rel: PurePosixPath, debug: bool, problems: list[Problem]
) -> Iterator[Record]:
    """Yield a source's records; turn its failure into a Problem and stop that file only."""
    try:
        yield from records
    except SourceError as exc:
        problems.append(
            Problem(location=Location(file=exc.path, line=exc.line), message=exc.reason)
        )
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if debug:
            raise
        problems.append(
            Problem(
                location=Location(file=rel),
                message=f"internal error reading this file ({type(exc).__name__}: {exc}); "
                "please report it with the output of --debug",
            )
        )


def _dispatch(
    record: Record,
    builder: GraphBuilder,
    observations: list[Observation],
    problems: list[Problem],
) -> None:
    if isinstance(record, Component | Edge):
        builder.add(record)
    elif isinstance(record, Problem):
        problems.append(record)
    else:
        observations.append(record)


def _extra_environments(
    config: ScanConfig, ctx: ScanContext, walked: Iterable[WalkEntry]
) -> list[WalkEntry]:
    """`--python PATH` and `$VIRTUAL_ENV`, unless the walk already found that environment."""
    known = {e.path.resolve() for e in walked if e.kind is EntryKind.ENVIRONMENT}
    wanted: list[Path] = []
    if config.python is not None:
        wanted.append(python_prefix(config.python))
    if config.virtual_env is not None:
        wanted.append(config.virtual_env)
    extra: list[WalkEntry] = []
    for path in wanted:
        resolved = path.resolve()
        if resolved in known:
            continue
        known.add(resolved)
        extra.append(
            WalkEntry(rel=ctx.relative(resolved), path=resolved, kind=EntryKind.ENVIRONMENT)
        )
    return extra


def _hub_caches(config: ScanConfig, ctx: ScanContext) -> list[WalkEntry]:
    """Repo dirs of each `--hf-cache PATH` (a cache root, `HF_HOME` with `hub/`, or one repo)."""
    entries: list[WalkEntry] = []
    for cache in config.hf_caches:
        root = cache / "hub" if (cache / "hub").is_dir() else cache
        repos = [root] if is_hub_cache_repo(root) else sorted(root.iterdir(), key=str)
        entries.extend(
            WalkEntry(rel=ctx.relative(repo), path=repo.resolve(), kind=EntryKind.HUB_REPO)
            for repo in repos
            if is_hub_cache_repo(repo)
        )
    return entries


def python_prefix(python: Path) -> Path:
    """The environment directory of an interpreter path (`venv/bin/python` -> `venv`)."""
    path = python.absolute()
    if path.is_dir():
        return path
    prefix = path.parent.parent if path.parent.name in ("bin", "Scripts") else path.parent
    return prefix


def _target(observations: Iterable[Observation]) -> dict[str, str] | None:
    """Marker values of the first (shallowest) installed environment, if any was found."""
    targets = sorted(
        (o for o in observations if isinstance(o, TargetEnvironment)),
        key=lambda o: (len(o.location.file.parts), str(o.location.file)),
    )
    return dict(targets[0].markers) if targets else None


__all__ = ["is_virtualenv", "python_prefix", "scan"]
