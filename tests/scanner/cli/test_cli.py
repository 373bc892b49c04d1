from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import scanner.pipeline
from scanner.cli import cli, main
from scanner.errors import InputError


def write_project(root: Path) -> Path:
    (root / "requirements.txt").write_text("requests==2.32.3\nclick>=8\n")
    return root


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    captured = capsys.readouterr()
    return int(exc.value.code or 0), captured.out, captured.err


def test_scan_json_lists_components(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["scan", "--format", "json", str(write_project(tmp_path))], capsys)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"tool", "project", "components", "findings", "problems"}
    refs = {c["bom_ref"] for c in doc["components"]}
    assert "pkg:pypi/requests@2.32.3" in refs
    assert "pkg:pypi/click" in refs
    requests = next(c for c in doc["components"] if c["name"] == "requests")
    assert requests["locations"] == [{"file": "requirements.txt", "line": 1}]


def test_unreadable_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(["scan", str(tmp_path / "missing")], capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("aibom: error:")
    assert "does not exist" in err


def test_file_instead_of_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = write_project(tmp_path) / "requirements.txt"
    code, _, err = run_main(["sbom", str(target)], capsys)
    assert code == 2
    assert "is a file" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project-license", "Apache 2"], "--project-license"),
        (["--format", "yaml"], "Invalid value for '--format'"),
        (["--no-such-option"], "No such option"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run_main(["scan", *args, str(write_project(tmp_path))], capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_policy_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.aibom]\nfail_on = "error"\n')
    code, _, err = run_main(["scan", str(project)], capsys)
    assert code == 2
    assert "unknown policy key 'fail_on'" in err


def test_internal_error_exits_3_and_debug_shows_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(config: object, walked: object = None) -> None:
        raise ValueError("kaput")

    monkeypatch.setattr(scanner.pipeline, "scan_noting_inputs", boom)
    code, _, err = run_main(["scan", str(tmp_path)], capsys)
    assert code == 3
    assert (
        err.strip()
        == "aibom: internal error: ValueError: kaput (re-run with --debug and report it)"
    )
    code, _, err = run_main(["scan", "--debug", str(tmp_path)], capsys)
    assert code == 3
    assert "Traceback" in err


def test_interrupt_exits_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(config: object, walked: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(scanner.pipeline, "scan_noting_inputs", interrupted)
    code, _, err = run_main(["sbom", str(tmp_path)], capsys)
    assert code == 130
    assert "interrupted" in err


def test_input_error_from_the_core_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def bad(config: object, walked: object = None) -> None:
        raise InputError("something the user must fix")

    monkeypatch.setattr(scanner.pipeline, "scan_noting_inputs", bad)
    code, _, err = run_main(["scan", str(tmp_path)], capsys)
    assert (code, err) == (2, "aibom: error: something the user must fix\n")


def test_empty_project_fails_closed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.md").write_text("nothing here\n")
    code, out, err = run_main(["scan", "--format", "json", str(tmp_path)], capsys)
    doc = json.loads(out)
    assert doc["components"] == []
    assert doc["problems"][0]["message"].startswith("no Python dependency source found")
    assert "aibom: warning: .: no Python dependency source found" in err
    assert code == 0
    code, _, _ = run_main(["scan", "--strict", str(tmp_path)], capsys)
    assert code == 1


def test_output_file_is_written_and_stdout_stays_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p").mkdir()
    project = write_project(tmp_path / "p")
    target = tmp_path / "bom.json"
    code, out, _ = run_main(["sbom", "-o", str(target), str(project)], capsys)
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["bomFormat"] == "CycloneDX"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bom.json")] == []


def test_output_into_missing_directory_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(
        ["sbom", "-o", str(tmp_path / "no" / "bom.json"), str(write_project(tmp_path))], capsys
    )
    assert code == 2
    assert "does not exist" in err


def test_reproducible_sbom_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write_project(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["sbom", "--reproducible", str(project)])
    second = runner.invoke(cli, ["sbom", "--reproducible", str(project)])
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = json.loads(runner.invoke(cli, ["sbom", str(project)]).stdout)
    assert dated["metadata"]["timestamp"].startswith("2023-11-14T22:13:20")


def test_bad_source_date_epoch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, _, err = run_main(["sbom", str(write_project(tmp_path))], capsys)
    assert code == 2
    assert "SOURCE_DATE_EPOCH" in err


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["--help"], capsys)
    assert code == 0
    assert "scan" in out
    assert "sbom" in out
    code, out, _ = run_main(["--version"], capsys)
    assert code == 0
    assert out.startswith("aibom, version ")


def test_python_option_reads_that_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj")
    env = tmp_path / "env"
    site = env / "lib" / "python3.11" / "site-packages" / "requests-2.32.3.dist-info"
    site.mkdir(parents=True)
    (env / "pyvenv.cfg").write_text("home = /usr/bin\nversion_info = 3.11.7\n")
    (env / "bin").mkdir()
    (env / "bin" / "python").write_text("")
    (site / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\nLicense: Apache-2.0\n"
    )
    code, out, _ = run_main(
        ["scan", "--format", "json", "--python", str(env / "bin" / "python"), str(project)], capsys
    )
    assert code == 0
    requests = next(c for c in json.loads(out)["components"] if c["name"] == "requests")
    assert requests["license"] == "Apache-2.0"


def test_osv_db_marks_a_vulnerable_pin_offline(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import FIXTURES, PROJECTS

    project, db = PROJECTS / "osv-app", FIXTURES / "online" / "osv-db"
    code, out, _ = run_main(
        ["scan", "--format", "json", "--osv-db", str(db), "--fail-on", "warning", str(project)],
        capsys,
    )
    assert code == 1
    vulnerable = {
        f["component"] for f in json.loads(out)["findings"] if f["rule"] == "vulnerable-dependency"
    }
    assert vulnerable == {"pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3@2.2.1"}
    # without the database nothing is looked up, so nothing is claimed
    code, out, _ = run_main(["scan", "--format", "json", str(project)], capsys)
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "vulnerable-dependency"]


def test_no_hash_skips_digests(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import PROJECTS

    def hashed(bom: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        stack = list(json.loads(bom)["components"])
        while stack:
            comp = stack.pop()
            stack.extend(comp.get("components", []))
            found[comp["bom-ref"]] = [h["content"] for h in comp.get("hashes", [])]
        return found

    project = str(PROJECTS / "hf-cache-app")
    _, full, _ = run_main(["sbom", "--reproducible", project], capsys)
    _, quick, _ = run_main(["sbom", "--reproducible", "--no-hash", project], capsys)
    before, after = hashed(full), hashed(quick)
    assert before.keys() == after.keys()
    changed = [ref for ref in before if before[ref] != after[ref]]
    assert changed, "--no-hash changed no digest"
    # what is left under --no-hash is only what needs no reading: LFS blob names
    assert all(not digests or len(digests[0]) == 64 for digests in after.values())
    assert sum(map(bool, after.values())) < sum(map(bool, before.values()))


def test_progress_line_for_big_files(capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.cli.common import progress_printer

    show = progress_printer()
    show("models/big.gguf", 2**30, 2**32)
    show("models/big.gguf", 2**32, 2**32)
    err = capsys.readouterr().err
    assert err == (
        "\raibom: hashing models/big.gguf: 25% of 4.0 GiB"
        "\raibom: hashing models/big.gguf: 100% of 4.0 GiB\n"
    )
