"""Corrections and review results in the catalog file: every SQL statement of `review/`.

    corrections      append-only (triggers refuse UPDATE and DELETE): one row per record, its
                     JSON as given, so an export reproduces what was imported
    reviews          one row per reviewed output written: the version, the raw output it was
                     made from, the extractor version, the corrections applied and its counts
    review_outcomes  what became of each correction in that review (conflicts with both values)

The tables sit beside the catalog's own in the same SQLite file, with its settings (WAL, one
short transaction per write), so a killed process leaves the last committed state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extract.errors import ExtractError, InputError
from extract.files import write_text_atomic
from extract.ingest.catalog import connect, now, transaction
from extract.review.records import Correction, Outcome

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_uri TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    record TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_by_uri ON corrections (document_uri, seq);
CREATE TRIGGER IF NOT EXISTS corrections_no_update BEFORE UPDATE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only: undo with a new record'); END;
CREATE TRIGGER IF NOT EXISTS corrections_no_delete BEFORE DELETE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only: undo with a new record'); END;
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    document_uri TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    raw_output TEXT NOT NULL,
    raw_sha256 TEXT NOT NULL,
    reviewed_output TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    corrections TEXT NOT NULL,
    authors TEXT NOT NULL,
    counts TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    status TEXT
);
CREATE INDEX IF NOT EXISTS reviews_by_version ON reviews (document_uri, sha256, id);
CREATE TABLE IF NOT EXISTS review_outcomes (
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    correction_id TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    current TEXT,
    wanted TEXT,
    PRIMARY KEY (review_id, correction_id)
);
"""


class StaleRevision(ExtractError):
    """A save made on an older revision of a document's corrections than the one kept now."""

    def __init__(self, uri: str, expected: int, current: int) -> None:
        super().__init__(f"{uri} has {current} corrections, not {expected}: another review was "
                         "saved first")
        self.uri, self.expected, self.current = uri, expected, current


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: records added, records already held, and ids held with other content."""

    added: int
    known: int
    clashing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One reviewed output: where it is, what it was made from, and what each correction did."""

    document_uri: str
    sha256: str
    raw_output: str
    raw_sha256: str
    reviewed_output: str
    extractor_version: str
    corrections: tuple[str, ...]  # ids applied to the raw output, in order
    authors: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    finished_at: str = ""
    status: str | None = None  # the reviewed document's status: ok, partial or failed

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class Conflict:
    """A correction that could not be applied to the latest reviewed version of its source."""

    document_uri: str
    sha256: str
    reviewed_output: str
    correction: Correction
    outcome: Outcome


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def line(correction: Correction) -> str:
    """One correction as one JSON line, keys sorted, so exports diff cleanly in git."""
    return _json(correction.model_dump(mode="json"))


class CorrectionStore:
    """The corrections and reviews kept in the catalog at `catalog_path`."""

    def __init__(self, catalog_path: Path) -> None:
        self.path = catalog_path
        self._db = connect(catalog_path)
        with self._tx() as db:
            for statement in _statements(_SCHEMA):
                db.execute(statement)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(reviews)")}
            if "status" not in columns:  # a catalog reviewed before documents' status was kept
                db.execute("ALTER TABLE reviews ADD COLUMN status TEXT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CorrectionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    # -- corrections ----------------------------------------------------------------------

    def append(self, correction: Correction, *, revision: int | None = None) -> bool:
        """Keep a correction; return False when one with its id is already held (same record).

        Raises `InputError` when the id is held with other content: a record never changes.
        With `revision`, raises `StaleRevision` unless the document still has that many
        corrections: a reviewer who saved on an older state cannot pass over another's save.
        """
        return self._add([correction], revision=revision).added == 1

    def extend(self, corrections: Iterable[Correction], *,
               revision: int | None = None) -> ImportReport:
        """Keep several corrections in one transaction; return what was added and known."""
        return self._add(list(corrections), revision=revision)

    def revision(self, uri: str) -> int:
        """How many corrections a source has: the revision its reviewed document is at."""
        row = self._db.execute("SELECT count(*) FROM corrections WHERE document_uri = ?",
                               (uri,)).fetchone()
        return int(row[0])

    def _add(self, corrections: list[Correction], strict: bool = True,
             revision: int | None = None) -> ImportReport:
        added, known, clashing = 0, 0, []
        with self._tx() as db:
            for uri in {c.document_uri for c in corrections} if revision is not None else ():
                now_at = self.revision(uri)
                if now_at != revision:
                    raise StaleRevision(uri, revision or 0, now_at)
            for c in corrections:
                text = line(c)
                row = db.execute("SELECT record FROM corrections WHERE id = ?",
                                 (c.id,)).fetchone()
                if row is not None:
                    if row["record"] == text:
                        known += 1
                    else:
                        clashing.append(c.id)
                    continue
                db.execute(
                    "INSERT INTO corrections (id, document_uri, sha256, at, author, record,"
                    " added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (c.id, c.document_uri, c.sha256, c.at.isoformat(), c.author, text, now()),
                )
                added += 1
            if clashing and strict:
                raise InputError(f"correction {clashing[0]} is already held with other "
                                 "content: records never change (undo with a new record)")
        return ImportReport(added, known, tuple(clashing))

    def for_document(self, uri: str) -> list[Correction]:
        """Every correction of one source (any version), in the order they were kept."""
        rows = self._db.execute(
            "SELECT record FROM corrections WHERE document_uri = ? ORDER BY seq", (uri,)
        ).fetchall()
        return [Correction.model_validate_json(row["record"]) for row in rows]

    def all(self) -> list[Correction]:
        """Every correction, in the order they were kept."""
        rows = self._db.execute("SELECT record FROM corrections ORDER BY seq").fetchall()
        return [Correction.model_validate_json(row["record"]) for row in rows]

    def get(self, correction_id: str) -> Correction | None:
        row = self._db.execute("SELECT record FROM corrections WHERE id = ?",
                               (correction_id,)).fetchone()
        return None if row is None else Correction.model_validate_json(row["record"])

    def uris(self) -> list[str]:
        """Every source that has corrections."""
        rows = self._db.execute(
            "SELECT DISTINCT document_uri FROM corrections ORDER BY document_uri").fetchall()
        return [str(row["document_uri"]) for row in rows]

    def export_jsonl(self, path: Path) -> int:
        """Write every correction as JSON Lines at `path` (atomically); return how many."""
        corrections = self.all()
        write_text_atomic(path, "".join(line(c) + "\n" for c in corrections))
        return len(corrections)

    def import_jsonl(self, path: Path) -> ImportReport:
        """Keep every correction of a JSON Lines file; records already held are skipped.

        Nothing is kept when a line is not a valid correction (the error names the line); an
        id held with other content is reported in `clashing`, never overwritten.
        """
        corrections = read_jsonl(path)
        return self._add(corrections, strict=False)

    # -- reviews --------------------------------------------------------------------------

    def record_review(self, review: ReviewRecord) -> None:
        """Keep one reviewed output and the outcome of each of its corrections."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO reviews (document_uri, sha256, raw_output, raw_sha256,"
                " reviewed_output, extractor_version, corrections, authors, counts,"
                " finished_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (review.document_uri, review.sha256, review.raw_output, review.raw_sha256,
                 review.reviewed_output, review.extractor_version,
                 _json(list(review.corrections)), _json(list(review.authors)),
                 _json(review.counts), now(), review.status),
            )
            for o in review.outcomes:
                db.execute(
                    "INSERT INTO review_outcomes (review_id, correction_id, status, detail,"
                    " current, wanted) VALUES (?, ?, ?, ?, ?, ?)",
                    (cur.lastrowid, o.correction_id, o.status, o.detail, _json(o.current),
                     _json(o.wanted)),
                )

    def latest_review(self, uri: str, sha256: str) -> ReviewRecord | None:
        """The latest review of one version of a source, if any."""
        row = self._db.execute(
            "SELECT * FROM reviews WHERE document_uri = ? AND sha256 = ?"
            " ORDER BY id DESC LIMIT 1", (uri, sha256)).fetchone()
        return None if row is None else self._review(row)

    def latest_reviews(self) -> list[ReviewRecord]:
        """The latest review of every reviewed version."""
        rows = self._db.execute(
            "SELECT * FROM reviews r WHERE r.id = (SELECT max(id) FROM reviews q"
            " WHERE q.document_uri = r.document_uri AND q.sha256 = r.sha256) ORDER BY r.id"
        ).fetchall()
        return [self._review(row) for row in rows]

    def _review(self, row: sqlite3.Row) -> ReviewRecord:
        outcomes = self._db.execute(
            "SELECT correction_id, status, detail, current, wanted FROM review_outcomes"
            " WHERE review_id = ? ORDER BY rowid", (row["id"],)).fetchall()
        return ReviewRecord(
            row["document_uri"], row["sha256"], row["raw_output"], row["raw_sha256"],
            row["reviewed_output"], row["extractor_version"],
            tuple(json.loads(row["corrections"])), tuple(json.loads(row["authors"])),
            tuple(Outcome(correction_id=o["correction_id"], status=o["status"],
                          detail=o["detail"], current=json.loads(o["current"]),
                          wanted=json.loads(o["wanted"])) for o in outcomes),
            row["finished_at"], row["status"],
        )


def _statements(script: str) -> list[str]:
    """The statements of a schema script (triggers keep their inner `;`)."""
    out: list[str] = []
    buffer = ""
    for part in script.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                out.append(buffer.strip())
            buffer = ""
    return out


def read_jsonl(path: Path) -> list[Correction]:
    """The corrections of a JSON Lines file; `InputError` names the first bad line."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    corrections = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            corrections.append(Correction.model_validate_json(line))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            raise InputError(f"{path}:{number}: {where}: {first['msg']}") from None
    return corrections
