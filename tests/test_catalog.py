"""The catalog (a real SQLite file) and the content-addressed raw store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from extract.ingest.catalog import Catalog, FetchRecord, RunRecord, now, split_content_type
from extract.ingest.store import RawStore, sha256_bytes
from tests.loopback import SEEDS, corpus_file


def fetch(url: str, sha: str | None, outcome: str = "stored", **more: str) -> FetchRecord:
    return FetchRecord(url=url, outcome=outcome, fetched_at=now(), sha256=sha,
                       size=None if sha is None else 1, status=200, **more)


def test_catalog_is_one_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    with Catalog.in_raw(tmp_path) as catalog:
        assert catalog.integrity_check() == "ok"
    with sqlite3.connect(tmp_path / "catalog.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sources", "fetches", "versions", "runs", "batches"} <= tables


def test_same_bytes_twice_is_one_version_and_changed_bytes_a_new_one(tmp_path: Path) -> None:
    url = "https://www.city.example.lg.jp/keikaku/taiko.pdf"
    with Catalog.in_raw(tmp_path) as catalog:
        assert catalog.record_fetch(fetch(url, "a" * 64), municipality="例市", code="012345")
        assert not catalog.record_fetch(fetch(url, "a" * 64))
        assert catalog.record_fetch(fetch(url, "b" * 64))
        assert not catalog.record_fetch(fetch(url, None, "http_error"))
        versions = catalog.versions()
        assert [v.sha256[0] for v in versions] == ["a", "b"]
        assert {v.municipality for v in versions} == {"例市"}  # kept when a later fetch omits it
        assert len(catalog.fetches(url)) == 4
        validators = catalog.validators(url)
        assert validators is not None and validators.sha256 == "b" * 64


def test_latest_run_of_each_version_is_what_versions_reports(tmp_path: Path) -> None:
    with Catalog.in_raw(tmp_path) as catalog:
        catalog.record_local_file("samples/a.txt", 10, 1, "c" * 64, "text/plain")
        (version,) = catalog.versions()
        assert version.status is None and version.kind == "local"
        batch = catalog.start_batch("0.1.0", "1.0", 2)
        catalog.record_run(RunRecord(version.version_id, "0.1.0", "1.0", "error",
                                     error="boom", traceback="Traceback ..."), batch)
        catalog.record_run(RunRecord(version.version_id, "0.2.0", "1.0", "ok",
                                     output_path="/out/a.json", issues=("no_period",)), batch)
        catalog.finish_batch(batch, {"ok": 1})
        (version,) = catalog.versions()
        assert (version.status, version.extractor_version) == ("ok", "0.2.0")
        assert catalog.failures() == []
        last = catalog.last_batch()
        assert last is not None and last["finished_at"] is not None


def test_content_type_splits_into_media_type_and_charset() -> None:
    assert split_content_type('text/html; Charset="Shift_JIS"') == ("text/html", "shift_jis")
    assert split_content_type("application/pdf") == ("application/pdf", None)
    assert split_content_type(None) == (None, None)


def test_store_keeps_each_content_once_and_never_overwrites(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    data = corpus_file(SEEDS[0]).read_bytes()
    first = store.put(data)
    assert first.new and first.sha256 == sha256_bytes(data) and store.read(first.sha256) == data
    mtime = first.path.stat().st_mtime_ns
    again = store.put(data)
    assert not again.new and again.path == first.path
    assert first.path.stat().st_mtime_ns == mtime  # not rewritten
    changed = store.put(data + b"\n")
    assert changed.new and changed.path != first.path and store.read(first.sha256) == data


def test_store_clears_temp_files_left_by_a_killed_write(tmp_path: Path) -> None:
    RawStore(tmp_path)
    leftover = tmp_path / "objects" / "tmp" / "x.part"
    leftover.write_bytes(b"half")
    RawStore(tmp_path)
    assert not leftover.exists()


def test_store_refuses_nothing_but_keeps_an_existing_object_on_a_racing_put(
        tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    data = b"same bytes"
    path = store.path(sha256_bytes(data))
    path.parent.mkdir(parents=True)
    path.write_bytes(data)  # another process stored the same bytes first
    assert not store.put(data).new and path.read_bytes() == data


@pytest.mark.parametrize("bad", ["https://x.example/", None])
def test_fetch_record_without_bytes_adds_no_version(tmp_path: Path, bad: str | None) -> None:
    with Catalog.in_raw(tmp_path) as catalog:
        catalog.record_fetch(fetch("https://x.example/a.pdf", None, "timeout", error=bad or "t"))
        assert catalog.versions() == []
        assert catalog.fetch_outcomes() == {"timeout": 1}


def test_a_catalog_of_the_previous_layout_is_migrated_in_place(tmp_path: Path) -> None:
    url = "https://www.city.example.lg.jp/keikaku/taiko.pdf"
    with Catalog.in_raw(tmp_path) as catalog:
        catalog.record_fetch(fetch(url, "a" * 64))
        (version,) = catalog.versions()
        catalog.record_run(RunRecord(version.version_id, "0.1.0", "1.1", "ok"))
    with sqlite3.connect(tmp_path / "catalog.sqlite") as db:  # back to layout 1, as shipped
        db.execute("ALTER TABLE runs DROP COLUMN municipality")
        db.execute("DROP TABLE unreadable")
        db.execute("PRAGMA user_version=1")
    with Catalog.in_raw(tmp_path) as catalog:
        (before,) = catalog.versions()
        assert before.status == "ok" and before.extracted_municipality is None
        catalog.record_run(RunRecord(version.version_id, "0.1.0", "1.1", "ok",
                                     municipality='{"name": "例市"}'))
        catalog.record_unreadable({"plan.txt": "Permission denied"})
        (after,) = catalog.versions()
        assert after.extracted_municipality == '{"name": "例市"}'
        assert catalog.unreadable() == [("plan.txt", "Permission denied")]
    with sqlite3.connect(tmp_path / "catalog.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
