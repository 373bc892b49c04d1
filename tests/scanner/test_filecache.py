from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

import pytest

from scanner import filecache, recordjson
from scanner.filecache import FileCache, stamp
from scanner.model import Edge, Location, Problem, Record

REL = PurePosixPath("requirements.txt")
RECORDS: list[Record] = [
    Edge(parent="a", child="b"),
    Problem(location=Location(file=REL), message="m"),
]
OLD_NS = 1_600_000_000 * 10**9  # 2020: not racy
SIZE, MTIME = len("requirements.txt\n"), OLD_NS


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("requirements.txt", "pyproject.toml"):
        (root / name).write_text(f"{name}\n")
        os.utime(root / name, ns=(OLD_NS, OLD_NS))
    return root


def stored(tmp_path: Path, root: Path, reads: list[PurePosixPath] | None = None) -> FileCache:
    cache = FileCache.open(tmp_path / "cache", root, "key-1")
    own = stamp(root / REL)
    assert own is not None
    cache.put("requirements", REL, own, reads or [], RECORDS)
    cache.save()
    return FileCache.open(tmp_path / "cache", root, "key-1")


def test_default_dir_follows_xdg(tmp_path: Path) -> None:
    assert filecache.default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "aibom" / "files"
    )


def test_a_stored_result_comes_back(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cache = stored(tmp_path, root)
    assert cache.get("requirements", REL, stamp(root / REL)) == RECORDS  # type: ignore[arg-type]
    assert cache.get("pyproject", REL, stamp(root / REL)) is None  # type: ignore[arg-type]
    (path,) = (tmp_path / "cache").iterdir()
    assert path.stat().st_mode & 0o077 == 0  # private to the user


def test_a_changed_file_is_a_miss(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cache = stored(tmp_path, root)
    os.utime(root / REL, ns=(OLD_NS, OLD_NS + 1))
    assert cache.get("requirements", REL, stamp(root / REL)) is None  # type: ignore[arg-type]


def test_a_changed_dependency_is_a_miss(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cache = stored(tmp_path, root, reads=[PurePosixPath("pyproject.toml"), REL])
    own = stamp(root / REL)
    assert own is not None
    assert cache.get("requirements", REL, own) == RECORDS
    assert cache.reads_of("requirements", REL) == ["pyproject.toml"]
    assert cache.reads_of("pyproject", REL) == []
    (root / "pyproject.toml").write_text("changed, longer\n")
    os.utime(root / "pyproject.toml", ns=(OLD_NS, OLD_NS))
    assert cache.get("requirements", REL, own) is None
    (root / "pyproject.toml").unlink()
    assert cache.get("requirements", REL, own) is None


def test_another_key_sees_nothing(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    stored(tmp_path, root)
    other = FileCache.open(tmp_path / "cache", root, "key-2")
    assert other.get("requirements", REL, stamp(root / REL)) is None  # type: ignore[arg-type]


def test_a_just_modified_file_is_not_stored(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    (root / REL).write_text("fresh\n")  # mtime now: a same-size rewrite could go unseen
    cache = stored(tmp_path, root)
    assert cache.get("requirements", REL, stamp(root / REL)) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "document",
    [
        b"\x80\x04K\x01.",  # a pickle: never loaded as one
        b"not json",
        b"[]",
        b'{"format": 2, "key": "key-1", "entries": []}',
        b'{"format": 1, "key": "key-1", "entries": {}}',  # the previous layout
        b'{"format": 99, "key": "key-1", "entries": {}}',
        b"[" * 50_000,
    ],
)
def test_an_unusable_document_is_an_empty_cache(tmp_path: Path, document: bytes) -> None:
    root = make_root(tmp_path)
    cache = stored(tmp_path, root)
    cache.path.write_bytes(document)
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    assert again.get("requirements", REL, stamp(root / REL)) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "entry",
    [
        None,
        [],
        {"s": [1, 2], "d": [], "r": []},  # the layout of format 1
        ["x", "y", [], "[]"],
        [None, None, [], "[]"],
        [SIZE, MTIME, []],
        [SIZE, MTIME, [], []],  # records not as text
        [SIZE, MTIME, "x", "[]"],
        [SIZE, MTIME, 0, "[]"],
        [SIZE, MTIME, None, "[]"],
        [SIZE, MTIME, [["pyproject.toml", 1]], "[]"],
        [SIZE, MTIME, [[1, 2, 3]], "[]"],
        [SIZE, MTIME, [], '[{"t":"Edge","v":{"parent":1,"child":"b"}}]'],
        [SIZE, MTIME, [], '[{"t":"Edge","v":{"parent":"a","child":"b"}}'],  # truncated
        [SIZE, MTIME, [], "[" * 100_000],
        [SIZE, MTIME, [], "x"],
    ],
)
def test_a_malformed_entry_is_a_miss(tmp_path: Path, entry: object) -> None:
    root = make_root(tmp_path)
    cache = stored(tmp_path, root)
    document = json.loads(cache.path.read_text())
    key = "requirements\0requirements.txt"
    own = stamp(root / REL)
    assert own is not None
    assert document["entries"][key][:2] == [SIZE, MTIME] == list(own)
    document["entries"][key] = entry
    cache.path.write_text(json.dumps(document))
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    assert again.get("requirements", REL, own) is None


def test_an_unwritable_cache_dir_only_costs_time(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the directory should be")
    cache = FileCache.open(blocker, root, "key-1")
    cache.put("requirements", REL, stamp(root / REL), [], RECORDS)  # type: ignore[arg-type]
    cache.save()  # no exception
    assert blocker.is_file()


def test_claims_are_kept_and_validated(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cache = FileCache.open(tmp_path / "cache", root, "key-1")
    cache.claims = [(0, "requirements"), (1, "pyproject")]
    cache.save()
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    names = frozenset({"requirements", "pyproject"})
    assert again.cached_claims(2, names) == [(0, "requirements"), (1, "pyproject")]
    assert again.cached_claims(1, names) is None  # an index beyond the walk
    assert again.cached_claims(2, frozenset({"requirements"})) is None  # an unknown collector
    document = json.loads(again.path.read_text())
    for bad in ("x", [[0]], [["0", "requirements"]], [[True, "requirements"]]):
        document["claims"] = bad
        again.path.write_text(json.dumps(document))
        assert FileCache.open(tmp_path / "cache", root, "key-1").cached_claims(2, names) is None


def test_a_truncated_or_tampered_document_is_ignored_not_a_crash(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cache = stored(tmp_path, root)
    whole = cache.path.read_bytes()
    for cut in (1, len(whole) // 3, len(whole) // 2, len(whole) - 1):
        cache.path.write_bytes(whole[:cut])
        again = FileCache.open(tmp_path / "cache", root, "key-1")
        assert again.get("requirements", REL, (SIZE, MTIME)) is None
    tampered = whole.replace(b'\\"child\\":\\"b\\"', b'\\"child\\":7')
    assert tampered != whole
    cache.path.write_bytes(tampered)
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    assert again.get("requirements", REL, (SIZE, MTIME)) is None  # a record of the wrong type


def test_a_worker_text_is_stored_verbatim_and_decoded_on_get(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    text = recordjson.dumps(RECORDS)
    cache = FileCache.open(tmp_path / "cache", root, "key-1")
    cache.put("requirements", "requirements.txt", (SIZE, MTIME), [REL], text)
    cache.put("pyproject", PurePosixPath("pyproject.toml"), (10, OLD_NS), [], [])
    cache.save()
    document = json.loads(cache.path.read_text())
    assert document["format"] == filecache.FORMAT
    assert document["entries"]["requirements\0requirements.txt"] == [SIZE, MTIME, [], text]
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    assert again.get("requirements", REL, (SIZE, MTIME)) == RECORDS
    assert again.get("pyproject", "pyproject.toml", (10, OLD_NS)) == []


def test_records_objects_and_their_text_are_stored_alike(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    by_text = FileCache.open(tmp_path / "a", root, "key-1")
    by_records = FileCache.open(tmp_path / "b", root, "key-1")
    by_dicts = FileCache.open(tmp_path / "c", root, "key-1")
    by_text.put("requirements", REL, (SIZE, MTIME), [], recordjson.dumps(RECORDS))
    by_records.put("requirements", REL, (SIZE, MTIME), [], RECORDS)
    by_dicts.put("requirements", REL, (SIZE, MTIME), [], [recordjson.encode(r) for r in RECORDS])
    assert by_text.new == by_records.new == by_dicts.new


def test_an_unchanged_scan_does_not_rewrite_the_cache(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cache = FileCache.open(tmp_path / "cache", root, "key-1")
    cache.put("requirements", REL, (SIZE, MTIME), [], RECORDS)
    cache.claims = [(0, "requirements")]
    cache.save()
    os.utime(cache.path, ns=(OLD_NS, OLD_NS))
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    assert again.get("requirements", REL, (SIZE, MTIME)) == RECORDS
    again.claims = again.cached_claims(1, frozenset({"requirements"})) or []
    again.save()
    assert cache.path.stat().st_mtime_ns == OLD_NS


def test_an_undecodable_file_name_survives_a_round_trip(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    rel = PurePosixPath(b"caf\xe9.txt".decode("utf-8", "surrogateescape"))
    records = [Problem(location=Location(file=rel), message="m")]
    cache = FileCache.open(tmp_path / "cache", root, "key-1")
    cache.put("requirements", rel, (SIZE, MTIME), [rel], records)
    cache.save()
    again = FileCache.open(tmp_path / "cache", root, "key-1")
    assert again.get("requirements", rel, (SIZE, MTIME)) == records


def test_stamp_of_a_walk_stat_matches_stamp(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    info = (root / REL).stat()
    assert filecache.stamp_of(info.st_size, info.st_mtime_ns) == stamp(root / REL)
    assert filecache.stamp_of(5, 0) is None  # no stat: never cached
