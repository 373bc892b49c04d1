"""The hostile corpus: the real CLI, run on one hostile project per case, must survive it.

Each case runs `python -m scanner scan DIR --format json` in its own subprocess, started by a
small wrapper process that waits for it and reads its peak RSS from
`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` (the wrapper has that one child, so the figure
is the scan's own). Asserted: exit code 0 or 1, valid JSON, the hostile file is reported (a
`problems` entry, or a finding at that file, as each case states), peak RSS under 300 MB, and
the scan ends within `BUDGET` seconds (a generous hang guard for CI, not a benchmark).

Small cases are committed under fixtures/files/hostile/ (checked against the writer); large
and symlink cases are written into a temporary directory once per test session.
Set AIBOM_SKIP_SLOW_HOSTILE=1 to skip the cases marked slow.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
WRITER = REPO / "fixtures" / "tools" / "write_hostile.py"
COMMITTED = REPO / "fixtures" / "files" / "hostile"
BUDGET = 20.0
"""Seconds one case may take; the wrapper kills the scan after that."""
MAX_RSS_BYTES = 300 * 1024 * 1024
SKIP_SLOW = os.environ.get("AIBOM_SKIP_SLOW_HOSTILE") == "1"

WRAPPER = """
import json, resource, subprocess, sys
budget, out, *cmd = sys.argv[1:]
with open(out, "wb") as fh:
    try:
        done = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, timeout=float(budget))
        code = done.returncode
        error = None
    except subprocess.TimeoutExpired as exc:
        code, error = None, (exc.stderr or b"")[-2000:].decode("utf-8", "replace")
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
rss *= 1 if sys.platform == "darwin" else 1024
print(json.dumps({"code": code, "rss": rss, "timed_out": error is not None}))
"""
"""Runs the scan with a time budget and reports its exit code and peak RSS in bytes."""

WRITER_NS: dict[str, Any] = runpy.run_path(str(WRITER))


@dataclass(frozen=True, slots=True)
class Run:
    """One scan: exit code, parsed JSON report, peak RSS of the scan process."""

    code: int
    report: dict[str, Any]
    rss: int


Expect = Callable[[Run, Path], None]


def problem_at(*files: str) -> Expect:
    """Each file has a `problems` entry."""

    def expect(run: Run, project: Path) -> None:
        reported = {p["file"] for p in run.report["problems"]}
        assert set(files) <= reported, run.report["problems"]

    return expect


def reported_at(file: str, *rules: str) -> Expect:
    """The file has a `problems` entry or a finding (of one of `rules`) located at it."""

    def expect(run: Run, project: Path) -> None:
        problems = {p["file"] for p in run.report["problems"]}
        found = {
            f["rule"]
            for f in run.report["findings"]
            if f["location"] and f["location"]["file"] == file
        }
        assert file in problems or found & set(rules), run.report

    return expect


def decoded_or_problem(project_names: set[str], *files: str) -> Expect:
    """Either every file is a problem, or the packages they name were read from them."""

    def expect(run: Run, project: Path) -> None:
        problems = {p["file"] for p in run.report["problems"]}
        if set(files) <= problems:
            return
        names = {c["name"] for c in run.report["components"]}
        located = {loc["file"] for c in run.report["components"] for loc in c["locations"]}
        assert project_names <= names, run.report
        assert set(files) <= located | problems, run.report

    return expect


def limit_hit(file: str, limit: str, *kept: str) -> Expect:
    """`file` has a problem naming `limit`; the hub ids `kept` were still found in it."""

    def expect(run: Run, project: Path) -> None:
        messages = [p["message"] for p in run.report["problems"] if p["file"] == file]
        assert any(f"limit {limit}" in m for m in messages), run.report["problems"]
        names = {c["name"] for c in run.report["components"]}
        assert set(kept) <= names, names

    return expect


def not_followed(run: Run, project: Path) -> None:
    """Nothing outside the root (the malicious pickle, the leaked requirement) was read."""
    text = json.dumps(run.report)
    assert "leaked-package" not in text
    assert "unsafe-pickle" not in text
    located = {loc["file"] for c in run.report["components"] for loc in c["locations"]}
    assert not {f for f in located if f.startswith("vendored/")}


def loop_survived(run: Run, project: Path) -> None:
    """The looping links are not followed; the real requirements file is read exactly once."""
    numpy = [c for c in run.report["components"] if c["name"] == "numpy"]
    assert len(numpy) == 1
    assert [loc["file"] for loc in numpy[0]["locations"]] == ["pkg/requirements.txt"]


PICKLE_RULES = ("unsafe-pickle",)
EXPECTATIONS: dict[str, tuple[Expect, str | None]] = {
    "yaml-laughs-conda": (problem_at("environment.yml"), None),
    "yaml-laughs-config": (problem_at("config.yaml"), None),
    "yaml-laughs-card": (problem_at("model/README.md"), None),
    "yaml-deep-conda": (problem_at("environment.yml"), None),
    "yaml-deep-config": (problem_at("config.yaml"), None),
    "yaml-deep-card": (problem_at("model/README.md"), None),
    "safetensors-1gb-header": (problem_at("model.safetensors"), None),
    "gguf-2e40-tensors": (problem_at("model.gguf"), None),
    "zip-slip-torch": (reported_at("model.pt", *PICKLE_RULES), None),
    "zip-slip-npz": (reported_at("arrays.npz", *PICKLE_RULES), None),
    "encoding-latin1": (problem_at("requirements.txt", "pyproject.toml"), None),
    "encoding-utf16": (
        decoded_or_problem({"torch", "numpy"}, "requirements.txt", "pyproject.toml"),
        None,
    ),
    "toml-deep-pyproject": (problem_at("pyproject.toml"), None),
    "yaml-nesting-33-config": (limit_hit("config.yaml", "max-nesting"), None),
    "json-nesting-40-config": (
        limit_hit("train.json", "max-nesting", "org/model", "org/data"),
        None,
    ),
    "requirements-20k-lines": (decoded_or_problem({"numpy"}, "requirements.txt"), None),
    "setup-cfg-20k-items": (decoded_or_problem({"pkg0", "pkg49"}, "setup.cfg"), None),
    # a 1 GiB member stops at Limits.weights.zip_pickle_bytes (64 MiB): not fully scanned
    "zip-bomb-torch": (reported_at("model.pt", *PICKLE_RULES), None),
    "zip-bomb-npz": (reported_at("arrays.npz", *PICKLE_RULES), None),
    "zip-100k-members": (reported_at("model.pt", "pickle-weights", *PICKLE_RULES), None),
    "requirements-50mb-line": (problem_at("requirements.txt"), None),
    "requirements-32mb-short-lines": (limit_hit("requirements.txt", "max-entries-per-file"), None),
    "yaml-30k-nodes-config": (limit_hit("config.yaml", "max-entries-per-file"), None),
    "config-2mb-json": (limit_hit("config.json", "max-config-bytes"), None),
    "notebook-100mb-output": (problem_at("analysis.ipynb"), None),
    "pickle-1e7-opcodes": (reported_at("model.pkl", *PICKLE_RULES), None),
    "symlink-loop": (loop_survived, None),
    "symlink-escape": (not_followed, None),
}
SLOW = frozenset({"zip-bomb-torch", "zip-bomb-npz"})
"""The slowest cases (several seconds each): AIBOM_SKIP_SLOW_HOSTILE=1 skips them."""


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case as a project directory: committed ones copied, large ones written."""
    root = tmp_path_factory.mktemp("hostile")
    for case in WRITER_NS["CASES"]:
        if case.committed:
            shutil.copytree(COMMITTED / case.name, root / case.name, symlinks=True)
        elif not (SKIP_SLOW and case.name in SLOW):
            WRITER_NS["write_case"](case.name, root / case.name)
    return root


def scan(project: Path, out: Path) -> Run:
    """Run the CLI on `project` under the wrapper; fail on a timeout or a bad exit code."""
    cmd = [sys.executable, "-m", "scanner", "scan", str(project), "--format", "json"]
    wrapper = [sys.executable, "-c", WRAPPER, str(BUDGET), str(out), *cmd]
    done = subprocess.run(wrapper, capture_output=True, text=True, timeout=BUDGET + 30)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert not status["timed_out"], f"{project.name}: no result within {BUDGET} s"
    assert status["code"] in (0, 1), f"{project.name}: exit code {status['code']}"
    report = json.loads(out.read_bytes())
    assert isinstance(report, dict)
    return Run(code=status["code"], report=report, rss=status["rss"])


def listing(directory: Path) -> list[str]:
    """Every path under `directory` (links not followed), sorted."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def case_params() -> list[Any]:
    """One parameter per case; the known failures are strict xfails, slow ones skippable."""
    params = []
    for name, (_, reason) in EXPECTATIONS.items():
        marks = []
        if reason is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        if name in SLOW:
            marks.append(pytest.mark.skipif(SKIP_SLOW, reason="AIBOM_SKIP_SLOW_HOSTILE=1"))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def test_every_case_has_an_expectation() -> None:
    assert sorted(EXPECTATIONS) == sorted(case.name for case in WRITER_NS["CASES"])


@pytest.mark.parametrize("name", case_params())
def test_hostile_case(name: str, hostile_root: Path, tmp_path: Path) -> None:
    project = hostile_root / name
    before = listing(hostile_root)
    run = scan(project, tmp_path / "report.json")
    assert run.rss < MAX_RSS_BYTES, f"peak RSS {run.rss:,} bytes"
    assert listing(hostile_root) == before, "the scan wrote into the scanned tree or beside it"
    expect, _ = EXPECTATIONS[name]
    expect(run, project)


def test_writer_reproduces_the_committed_cases(tmp_path: Path) -> None:
    WRITER_NS["write_committed"](tmp_path)

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "FIXTURE.md"
        }

    written, committed = files(tmp_path), files(COMMITTED)
    assert sorted(written) == sorted(committed)
    assert [k for k in written if written[k] != committed[k]] == []


def test_committed_cases_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file()}
    assert sizes
    assert max(sizes.values()) < 16 * 1024, sizes
