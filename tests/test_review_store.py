"""Correction records in a real SQLite catalog: append-only, exported and imported as JSON Lines
without loss or duplicates, malformed records refused with the line that is wrong."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pydantic import ValidationError

from extract.errors import InputError
from extract.ingest.catalog import Catalog
from extract.review.records import Anchor, Correction, Target
from extract.review.store import CorrectionStore, StaleRevision

SHA = "c8bbca6c4e91528f410d9ac2b43e2240d79f8cc3e825fc9ce9f2c24fbc6e1fe8"


def made(uri: str = "samples/a.txt", title: str = "策定の目的", **kw: object) -> Correction:
    """A hand-made record: a reviewer retitles a heading."""
    return Correction.model_validate({
        "document_uri": uri, "sha256": SHA, "op": "set", "seen": "策定の趣旨", "value": title,
        "author": "reviewer", "target": Target(kind="node", id="n-1", field="title",
                                               anchor=Anchor(label="1", title="策定の趣旨")),
        **kw})


def test_records_are_append_only_in_the_catalog_file(tmp_path: Path) -> None:
    path = tmp_path / "raw" / "catalog.sqlite"
    with Catalog(path):  # the store shares the catalog's file and leaves its tables alone
        pass
    with CorrectionStore(path) as store:
        first, second = made(), made("samples/b.txt")
        assert store.append(first) and store.append(second)
        assert not store.append(first)  # the same record again: kept once
        with pytest.raises(InputError, match="already held with other content"):
            store.append(first.model_copy(update={"value": "別の題"}))
        assert [c.id for c in store.all()] == [first.id, second.id]
        assert store.for_document("samples/b.txt") == [second]
        assert store.uris() == ["samples/a.txt", "samples/b.txt"]
    with sqlite3.connect(path) as db:
        for statement in ("UPDATE corrections SET author = 'x'", "DELETE FROM corrections"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)
        assert {row[0] for row in db.execute("SELECT name FROM sqlite_master")} >= {
            "sources", "versions", "runs", "corrections", "reviews"}


def test_a_save_on_an_older_revision_is_refused_and_keeps_nothing(tmp_path: Path) -> None:
    with CorrectionStore(tmp_path / "catalog.sqlite") as store:
        assert store.revision("samples/a.txt") == 0
        assert store.append(made(), revision=0)
        mine, theirs = made(title="目的A"), made(title="目的B")
        assert store.append(theirs, revision=1)  # the other reviewer saved first
        with pytest.raises(StaleRevision, match="has 2 corrections, not 1"):
            store.extend([mine, made("samples/a.txt", title="目的C")], revision=1)
        assert store.revision("samples/a.txt") == 2
        assert mine.id not in {c.id for c in store.all()}


def test_a_catalog_reviewed_before_statuses_were_kept_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    with sqlite3.connect(path) as db:  # the reviews table as it first was
        db.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, document_uri TEXT NOT NULL,"
                   " sha256 TEXT NOT NULL, raw_output TEXT NOT NULL, raw_sha256 TEXT NOT NULL,"
                   " reviewed_output TEXT NOT NULL, extractor_version TEXT NOT NULL,"
                   " corrections TEXT NOT NULL, authors TEXT NOT NULL, counts TEXT NOT NULL,"
                   " finished_at TEXT NOT NULL)")
    with CorrectionStore(path) as store:
        assert store.latest_reviews() == []
    with sqlite3.connect(path) as db:
        assert "status" in {row[1] for row in db.execute("PRAGMA table_info(reviews)")}


def test_export_then_import_elsewhere_is_lossless_and_idempotent(tmp_path: Path) -> None:
    here, there = tmp_path / "a" / "catalog.sqlite", tmp_path / "b" / "catalog.sqlite"
    records = [made(), made("samples/b.txt", note="見出しの誤り"),
               made(title="目的", undoes=None)]
    with CorrectionStore(here) as store:
        store.extend(records)
        assert store.export_jsonl(tmp_path / "c.jsonl") == 3
    lines = (tmp_path / "c.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r.id for r in records]
    assert "見出しの誤り" in lines[1]  # readable Japanese in git diffs
    with CorrectionStore(there) as store:
        first = store.import_jsonl(tmp_path / "c.jsonl")
        again = store.import_jsonl(tmp_path / "c.jsonl")
        assert (first.added, first.known, again.added, again.known) == (3, 0, 0, 3)
        assert store.all() == records
        store.export_jsonl(tmp_path / "d.jsonl")
    assert (tmp_path / "d.jsonl").read_bytes() == (tmp_path / "c.jsonl").read_bytes()


def test_an_import_refuses_bad_lines_and_never_overwrites_a_record(tmp_path: Path) -> None:
    kept = made()
    with CorrectionStore(tmp_path / "catalog.sqlite") as store:
        store.append(kept)
        bad = tmp_path / "bad.jsonl"
        good = json.dumps(made("samples/b.txt").model_dump(mode="json"), ensure_ascii=False)
        wrong = dict(kept.model_dump(mode="json"), op="rename")
        bad.write_text(f"{good}\n\n{json.dumps(wrong)}\n", "utf-8")
        with pytest.raises(InputError, match=r"bad.jsonl:3: op"):
            store.import_jsonl(bad)
        assert store.all() == [kept]  # nothing of a bad file is kept
        changed = dict(kept.model_dump(mode="json"), value="書き換え")
        bad.write_text(json.dumps(changed, ensure_ascii=False) + "\n", "utf-8")
        report = store.import_jsonl(bad)
        assert (report.added, report.clashing) == (0, (kept.id,))
        assert store.all() == [kept]


@pytest.mark.parametrize("change, message", [
    ({"op": "set_role"}, "set_role does not apply to a node"),
    ({"target": {"kind": "node", "field": "title"}}, "needs an id or an anchor"),
    ({"target": {"kind": "node", "id": "n-1", "field": "children"}}, "needs a field among"),
    ({"target": {"kind": "node", "id": "n-1", "field": "title"}, "op": "delete"},
     "delete takes no field"),
    ({"at": "2026-01-01T00:00:00"}, "time zone"),
    ({"sha256": "abc"}, "String should match pattern"),
])
def test_a_malformed_correction_is_refused_with_the_reason(change: dict[str, object],
                                                           message: str) -> None:
    data = dict(made().model_dump(mode="json"), **change)
    with pytest.raises(ValidationError, match=message):
        Correction.model_validate(data)
