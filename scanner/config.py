"""Scan settings: what the CLI asked for, safety limits, and the `[tool.aibom]` policy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licenses.policy import invalid_entries
from scanner.errors import InputError
from scanner.hashing import Progress
from scanner.model import Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightLimits:
    """Caps that keep hostile weight files from exhausting memory or time.

    Part of `Limits` (its `weights` field); configurable under `[tool.aibom.limits.weights]`.
    """

    head_bytes: int = 64
    """Bytes read from the start of a file to recognise its format by magic."""
    safetensors_header_bytes: int = 16 * 1024 * 1024
    """Declared length of a safetensors JSON header."""
    gguf_kv_pairs: int = 65_536
    """Metadata key/value pairs a GGUF file may declare."""
    gguf_tensors: int = 1_000_000
    """Tensors a GGUF file may declare."""
    gguf_string_bytes: int = 1024 * 1024
    """Bytes of one GGUF string."""
    gguf_array_items: int = 16 * 1024 * 1024
    """Items of one GGUF metadata array."""
    gguf_dims: int = 8
    """Dimensions of one GGUF tensor."""
    onnx_initializers: int = 1_000_000
    """Initializers (weight tensors) of an ONNX graph."""
    onnx_string_bytes: int = 1024 * 1024
    """Bytes of one ONNX string field."""
    onnx_entries: int = 10_000
    """ONNX metadata, opset and external-data entries."""
    pickle_opcodes: int = 300_000_000
    """Opcodes walked in one pickle (a longer one is not fully scanned)."""
    pickle_bytes: int = 16 * 1024 * 1024 * 1024
    """Bytes of one pickle walked."""
    zip_pickle_bytes: int = 64 * 1024 * 1024
    """Uncompressed bytes of one pickle read from an archive member (PyTorch `data.pkl`,
    `.npz` object arrays): real ones are small, a zip bomb's are not."""
    pickle_seconds: int = 60
    """Wall-clock budget of one pickle walk: a backstop for what the byte and opcode caps
    allow (a walk stopped by it is reported as not fully scanned)."""
    pickle_string_bytes: int = 256
    """Bytes of one pickle string kept as text (module and callable names)."""
    pickle_memo_entries: int = 100_000
    """Entries of a pickle's memo."""
    zip_members: int = 100_000
    """Members of one zip archive (PyTorch, `.npz`, Keras)."""
    zip_directory_bytes: int = 32 * 1024 * 1024
    """Bytes of one zip archive's central directory."""
    zip_json_bytes: int = 16 * 1024 * 1024
    """Bytes of a JSON member (Keras config, metadata) of an archive or HDF5 file."""
    npy_header_bytes: int = 10_000
    """Declared length of a `.npy` header."""
    tflite_bytes: int = 16 * 1024 * 1024
    """Bytes of a TFLite file read (the rest is reported as not read)."""
    metadata_entries: int = 256
    """Metadata entries kept per weight file."""
    metadata_value_chars: int = 4096
    """Characters kept of one metadata value."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Caps that keep hostile input from exhausting memory or time."""

    max_text_bytes: int = 32 * 1024 * 1024
    """Bytes of any manifest, lockfile, config, card or notebook read as text."""
    max_config_bytes: int = 1_000_000
    """Bytes of a YAML / JSON / TOML file parsed for model references (a bigger one that
    names a model key is reported, not parsed)."""
    max_nesting: int = 32
    """Nesting depth of a YAML document, and of a config file searched for model references."""
    max_entries_per_file: int = 20_000
    """Lines of one requirements file, nodes of one YAML file (each costs all later stages)."""
    max_file_seconds: int = 30
    """Seconds reading one requirements file or searching one config file may take (what
    was found by then is kept), or parsing one YAML file."""
    max_include_depth: int = 16
    """Nesting of `-r` / `-c` includes in requirements files."""
    max_files: int = 2_000_000
    """Files the walk visits."""
    max_walk_depth: int = 64
    """Directory depth the walk (and a signed model's file listing) descends to."""
    max_metadata_bytes: int = 4 * 1024 * 1024
    """Bytes of one installed package's METADATA file."""
    max_embedded_sbom_bytes: int = 16 * 1024 * 1024
    """Bytes of an SBOM embedded in an installed package."""
    weights: WeightLimits = field(default_factory=WeightLimits)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyException:
    """A waiver from `[[tool.aibom.exceptions]]`."""

    component: str
    rule: str
    reason: str
    license: str | None = None
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The contract's policy keys, validated."""

    license: str | None = None
    use: str = "distribute"
    commercial: bool = False
    fail_on: Severity | None = Severity.ERROR
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    exceptions: tuple[PolicyException, ...] = ()
    require_signatures: bool = False
    """Local models need a verified OpenSSF model signature (rule model-unsigned)."""
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanConfig:
    """Everything a scan needs; built by the CLI, never read from `sys.argv` by the core."""

    root: Path
    python: Path | None = None
    virtual_env: Path | None = None
    hf_caches: tuple[Path, ...] = ()
    default_hf_cache: Path | None = None
    """The user's default hub cache; only repos the project references are read from it.
    None (tests, `--no-default-hf-cache`): not consulted."""
    limits: Limits = field(default_factory=Limits)
    policy: Policy = field(default_factory=Policy)
    project_license: str | None = None
    hash_files: bool = True
    progress: Progress | None = None
    """Told about big files being hashed (see `hashing.Progress`); None: silent."""
    baseline: Path | None = None
    """`--baseline BOM.json`: a previous AI-BOM whose file hashes are checked."""
    signing_keys: tuple[Path, ...] = ()
    """`--signing-key PEM` (repeatable): public keys trusted to verify model signatures."""
    debug: bool = False
    online: bool = False
    osv_db: Path | None = None
    cache_dir: Path | None = None
    no_cache: bool = False


USES = ("distribute", "saas", "internal")
FAIL_ON = ("error", "warning", "note", "never")
POLICY_KEYS = frozenset(
    {
        "license",
        "use",
        "commercial",
        "fail-on",
        "allow",
        "deny",
        "exceptions",
        "limits",
        "require-signatures",
    }
)
EXCEPTION_KEYS = frozenset({"component", "rule", "license", "reason", "expires"})


def load_policy(root: Path, policy_file: Path | None) -> Policy:
    """Policy from `--policy FILE` (keys at top level) or `[tool.aibom]` of the root pyproject."""
    if policy_file is not None:
        return parse_policy(_read_toml(policy_file), str(policy_file))
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return Policy()
    try:
        data = _read_toml(pyproject)
    except InputError:
        return Policy()  # a broken pyproject is reported by its source, not fatal here
    tool = data.get("tool")
    section = tool.get("aibom") if isinstance(tool, dict) else None
    if section is None:
        return Policy()
    if not isinstance(section, dict):
        raise InputError(f"{pyproject}: [tool.aibom] must be a table")
    return parse_policy(section, f"{pyproject} [tool.aibom]")


def parse_policy(data: dict[str, Any], where: str) -> Policy:
    """Validate policy keys; unknown keys and malformed values raise InputError naming the key."""
    unknown = sorted(set(data) - POLICY_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown policy key '{unknown[0]}'")
    use = data.get("use", "distribute")
    if use not in USES:
        raise InputError(f"{where}: 'use' must be one of {', '.join(USES)}, not {use!r}")
    commercial = data.get("commercial", False)
    require_signatures = data.get("require-signatures", False)
    if not isinstance(require_signatures, bool):
        raise InputError(f"{where}: 'require-signatures' must be true or false")
    if not isinstance(commercial, bool):
        raise InputError(f"{where}: 'commercial' must be true or false")
    fail_on = data.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        raise InputError(f"{where}: 'fail-on' must be one of {', '.join(FAIL_ON)}")
    license_ = data.get("license")
    if license_ is not None and not isinstance(license_, str):
        raise InputError(f"{where}: 'license' must be a string")
    return Policy(
        license=license_,
        use=use,
        commercial=commercial,
        fail_on=None if fail_on == "never" else Severity(fail_on),
        allow=_entries(data, "allow", where),
        deny=_entries(data, "deny", where),
        exceptions=tuple(_exception(item, where) for item in _tables(data, where)),
        require_signatures=require_signatures,
        limits=parse_limits(data.get("limits", {}), f"{where} limits"),
    )


def parse_limits(data: Any, where: str) -> Limits:
    """`[tool.aibom.limits]` (and its `weights` table): field names with dashes, each a
    positive integer; unknown keys and other values raise InputError naming the key."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: must be a table")
    weights = data.get("weights", {})
    if not isinstance(weights, dict):
        raise InputError(f"{where}: 'weights' must be a table")
    general = {k: v for k, v in data.items() if k != "weights"}
    return Limits(
        **_integers(general, Limits, where, skip={"weights"}),
        weights=WeightLimits(**_integers(weights, WeightLimits, f"{where}.weights")),
    )


def _integers(
    data: dict[str, Any], kind: type, where: str, skip: frozenset[str] | set[str] = frozenset()
) -> dict[str, int]:
    fields = {f.name.replace("_", "-"): f.name for f in dataclasses.fields(kind)}
    values: dict[str, int] = {}
    for key, value in data.items():
        name = fields.get(key)
        if name is None or name in skip:
            raise InputError(f"{where}: unknown limit '{key}'")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InputError(f"{where}: '{key}' must be a positive integer")
        values[name] = value
    return values


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _entries(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """An allow/deny list whose every entry is an SPDX expression or a license category."""
    values = _strings(data, key, where)
    bad = invalid_entries(values)
    if bad:
        raise InputError(
            f"{where}: '{key}' entry {bad[0]!r} is neither an SPDX license expression nor a "
            "license category (e.g. Permissive, Copyleft)"
        )
    return values


def _tables(data: dict[str, Any], where: str) -> list[dict[str, Any]]:
    value = data.get("exceptions", [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{where}: 'exceptions' must be an array of tables")
    return value


def _exception(item: dict[str, Any], where: str) -> PolicyException:
    unknown = sorted(set(item) - EXCEPTION_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown exception key '{unknown[0]}'")
    for key in ("component", "rule", "reason"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise InputError(f"{where}: exception needs a string '{key}'")
    expires = item.get("expires")
    if expires is not None and not isinstance(expires, dt.date):
        raise InputError(f"{where}: exception 'expires' must be a date like 2027-06-30")
    license_ = item.get("license")
    if license_ is not None and not isinstance(license_, str):
        raise InputError(f"{where}: exception 'license' must be a string")
    return PolicyException(
        component=item["component"],
        rule=item["rule"],
        reason=item["reason"],
        license=license_,
        expires=expires,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """A policy or pyproject file, read within the same cap as every other text input."""
    cap = Limits().max_text_bytes
    try:
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    if len(data) > cap:
        raise InputError(f"{path}: larger than the {cap:,}-byte limit for text inputs")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError, huge integers, nesting
        raise InputError(f"{path}: invalid TOML: {exc}") from exc
