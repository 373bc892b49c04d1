"""scan(config) -> ScanResult: walk once, run every source on what it claims, build the graph.

The pipeline owns the per-file error boundary: a SourceError becomes a Problem naming the
file; any other exception becomes a Problem asking for a bug report (re-raised under
`--debug`). The scan always goes on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from scanner import __version__, gcpause
from scanner.baseline import baseline_digests, read_baseline
from scanner.checks import CHECKS
from scanner.checks.base import Check
from scanner.claims import ClaimIndex
from scanner.config import ScanConfig
from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.filecache import FileCache, code_stamps, default_cache_dir, fingerprint
from scanner.graph import ROOT, ComponentGraph, GraphBuilder
from scanner.hubcache import referenced_repos, wanted_repo_dirs
from scanner.identity import hub_ref
from scanner.model import (
    Component,
    Edge,
    HubReference,
    Location,
    Observation,
    Problem,
    ProjectInfo,
    Record,
    RevisionResolved,
    ScanResult,
    TargetEnvironment,
)
from scanner.online import OnlineSettings, enrich
from scanner.parallel import Job, run_jobs
from scanner.readtrack import TrackingContext
from scanner.references import READERS
from scanner.references.hf_cache import HfCacheReader
from scanner.scanmemo import Inputs
from scanner.sources import SOURCES
from scanner.waivers import apply_waivers
from scanner.walk import (
    EntryKind,
    FileSet,
    WalkEntry,
    WalkResult,
    is_hub_cache_repo,
    is_virtualenv,
    walk_root,
)
from scanner.weights import WEIGHT_READERS

CACHE_READER = HfCacheReader()
NO_SOURCE = (
    "no Python dependency source found (looked for pyproject.toml, requirements*.txt, "
    "setup.cfg, setup.py, Pipfile, lockfiles, environment.yml and virtual environments); "
    "the inventory is empty, not complete"
)


def scan(config: ScanConfig, checks: Sequence[Check] = CHECKS) -> ScanResult:
    """Run the whole pipeline over `config.root`; `checks` defaults to every registered rule
    (tests pass one check to see only its findings)."""
    return scan_noting_inputs(config, checks)[0]


def scan_noting_inputs(
    config: ScanConfig, checks: Sequence[Check] = CHECKS, walked: WalkResult | None = None
) -> tuple[ScanResult, Inputs]:
    """`scan`, reusing `walked` when given, and what it read beyond the walked files
    (`scanmemo` stamps those)."""
    with gcpause.long_lived():
        return _scan(config, checks, walked)


def _scan(
    config: ScanConfig, checks: Sequence[Check], walked: WalkResult | None
) -> tuple[ScanResult, Inputs]:
    root = config.root.resolve()
    walked = walk_root(config) if walked is None else walked
    files = FileSet(walked.entries)
    ctx = TrackingContext(
        root=root,
        limits=config.limits,
        files=files,
        hash_files=config.hash_files,
        progress=config.progress,
        signing_keys=config.signing_keys,
    )
    baseline = None  # read before the scan: a wrong --baseline fails fast (InputError)
    if config.baseline is not None:
        baseline = read_baseline(config.baseline, source=ctx.relative(config.baseline))
    entries = [
        *walked.entries,
        *_extra_environments(config, ctx, walked.entries),
        *_hub_caches(config, ctx),
    ]

    builder = GraphBuilder()
    observations: list[Observation] = []
    problems: list[Problem] = list(walked.problems)
    reads: set[PurePosixPath] = set()
    found_source = _collect(entries, ctx, config, (builder, observations, problems), reads)
    hub_dirs = _referenced_from_default_cache(
        config, ctx, entries, (builder, observations, problems)
    )

    with gcpause.kept():  # the graph lives to the end: see gcpause
        _resolve_revisions(builder, observations)
        graph = builder.build(_target(observations))
    graph = _enrich(config, graph, observations, problems)
    if baseline is not None and config.baseline is not None:
        where = ctx.relative(config.baseline)
        for record in baseline_digests(baseline, graph.components.values(), source=where):
            _dispatch(record, builder, observations, problems)
    if not found_source:  # fail closed: an empty inventory is said, never implied
        problems.append(Problem(location=Location(file=PurePosixPath(".")), message=NO_SOURCE))
    with gcpause.kept():  # the result and its findings live to the end: see gcpause
        result = _result(config, root, graph, observations, problems)
        findings = [f for check in checks for f in check.run(result, graph, config.policy)]
        findings = list(apply_waivers(findings, result, config.policy, dt.date.today()))
        findings.sort(key=lambda f: f.sort_key())
    outside = frozenset(rel for rel in reads if rel not in files)
    inputs = Inputs(reads=outside, hub_dirs=frozenset(hub_dirs))
    return dataclasses.replace(result, findings=tuple(findings)), inputs


def _result(
    config: ScanConfig,
    root: Path,
    graph: ComponentGraph,
    observations: list[Observation],
    problems: list[Problem],
) -> ScanResult:
    """The scan's result without findings: the graph's components in `bom_ref` order."""
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
    return ScanResult(
        project=project,
        components=components,
        edges=graph.edges,
        observations=tuple(dict.fromkeys(observations)),
        problems=tuple(sorted(set(problems))),
    )


def _enrich(
    config: ScanConfig,
    graph: ComponentGraph,
    observations: list[Observation],
    problems: list[Problem],
) -> ComponentGraph:
    """`--online` / `--osv-db`: fill license, hub and vulnerability gaps of the built graph
    (nothing at all without either option)."""
    settings = OnlineSettings.from_environ(
        online=config.online,
        osv_db=config.osv_db,
        cache_dir=config.cache_dir,
        no_cache=config.no_cache,
    )
    if not settings.active:
        return graph
    found = enrich(graph.components, observations, settings)
    observations.extend(found.observations)
    problems.extend(found.problems)
    return ComponentGraph({**graph.components, **found.components}, graph.edges)


def _collect(
    entries: Sequence[WalkEntry],
    ctx: TrackingContext,
    config: ScanConfig,
    state: tuple[GraphBuilder, list[Observation], list[Problem]],
    reads: set[PurePosixPath],
) -> bool:
    """Run every collector on what it claims (cached and in parallel, see `parallel`; the
    records are dispatched in walk order either way), noting into `reads` the files they
    read; True when a Python dependency source claimed something."""
    builder, observations, problems = state
    python_sources = {source.name for source in SOURCES}
    cache = None if config.no_cache else _file_cache(ctx, entries)
    with gcpause.kept():  # the walk and the jobs live to the end; forked workers inherit them
        jobs = _jobs(entries, cache)
    collected = run_jobs(jobs, ctx, config.debug, cache, reads)
    with gcpause.kept():  # the graph's parts live to the end: see gcpause
        for records in collected:
            for record in records:
                _dispatch(record, builder, observations, problems)
    if cache is not None:
        cache.save()
    return any(job.source.name in python_sources for job in jobs)


def _jobs(entries: Sequence[WalkEntry], cache: FileCache | None) -> list[Job]:
    """Each (entry, collector) that claims it, in walk then registry order; the claims of
    the previous scan of the same listing by the same code are reused from the cache."""
    collectors = {source.name: source for source in (*SOURCES, *READERS, *WEIGHT_READERS)}
    if cache is not None and (known := cache.cached_claims(len(entries), frozenset(collectors))):
        cache.claims = known
        return [Job(entries[index], collectors[name]) for index, name in known]
    index = ClaimIndex(list(collectors.values()))
    pairs = [
        (at, source.name) for at, entry in enumerate(entries) for source in index.claimants(entry)
    ]
    if cache is not None:
        cache.claims = pairs
    return [Job(entries[index], collectors[name]) for index, name in pairs]


def _file_cache(ctx: TrackingContext, entries: Sequence[WalkEntry]) -> FileCache:
    """The per-file cache of this root; its key covers aibom's code, the settings collectors
    see (limits, hashing, signing keys) and the walked file list (`filecache`)."""
    settings = [__version__, repr(ctx.limits), repr(ctx.hash_files), repr(ctx.signing_keys)]
    listing = sorted(f"{e.kind}:{e.rel_text}" for e in entries)
    key = fingerprint([*settings, *code_stamps(), *listing])
    return FileCache.open(default_cache_dir(), ctx.root, key)


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


def _referenced_from_default_cache(
    config: ScanConfig,
    ctx: ScanContext,
    scanned: Iterable[WalkEntry],
    state: tuple[GraphBuilder, list[Observation], list[Problem]],
) -> set[Path]:
    """Collect the repos of the user's default hub cache that the project's references name
    and no scanned cache held (only the snapshots those references resolve to); the repo
    directories looked for (the cache itself when it does not exist)."""
    cache = config.default_hf_cache
    if cache is None:
        return set()
    builder, observations, problems = state
    held = {e.path.name for e in scanned if e.kind is EntryKind.HUB_REPO}
    references = [o for o in observations if isinstance(o, HubReference)]
    if not cache.is_dir():
        return {cache}
    wanted = wanted_repo_dirs(references)
    looked = {cache / name for name in wanted.keys() - held}
    for entry, revisions in referenced_repos(cache, wanted, held, ctx):
        records = CACHE_READER.referenced(entry, ctx, revisions)
        for record in _guarded(records, entry.rel, config.debug, problems):
            _dispatch(record, builder, observations, problems)
    return looked


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
