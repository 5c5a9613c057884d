"""The catalog: one SQLite file in `raw/` recording sources, fetches, versions and extractions.

Every SQL statement of the package lives in this module, so a server database can replace the
file by reimplementing `Catalog` alone. The file runs in WAL mode; each write is one short
transaction, so a process killed at any moment leaves the last committed state, never a torn one.

    sources    a URL or a hand-placed file (its path under raw/), with its municipality
    fetches    one row per HTTP attempt outcome: status, headers that matter, sha256, referrer
    versions   a (source, sha256) pair: a changed document is a new version, never an update
    runs       one extraction of a version: extractor and schema versions, output, status, error,
               the municipality the output names
    batches    one `extract run`: when, with which versions of the code, and its counts
    unreadable hand-placed files the last scan could not read, with why
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CATALOG_NAME = "catalog.sqlite"
# Files SQLite keeps beside the database; the raw-folder scan must not take them for sources.
CATALOG_FILES = (CATALOG_NAME, f"{CATALOG_NAME}-wal", f"{CATALOG_NAME}-shm",
                 f"{CATALOG_NAME}-journal")
_LAYOUT_VERSION = 2  # PRAGMA user_version: bump with a migration when the tables change
# Statements that bring a catalog of layout version N - 1 to N (new tables come from _SCHEMA).
_MIGRATIONS = {2: ["ALTER TABLE runs ADD COLUMN municipality TEXT"]}
_BUSY_TIMEOUT_MS = 10_000  # a concurrent `extract status` may hold a read lock briefly

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('web', 'local')),
    municipality TEXT,
    municipality_code TEXT,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fetches (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    outcome TEXT NOT NULL,
    content_type TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    referrer TEXT,
    anchor_text TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS fetches_by_url ON fetches (url, id);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    sha256 TEXT NOT NULL,
    media_type TEXT,
    charset TEXT,
    size INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (source_id, sha256)
);
CREATE TABLE IF NOT EXISTS local_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    extractor_version TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    counts TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    batch_id INTEGER REFERENCES batches (id),
    extractor_version TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    output_path TEXT,
    output_sha256 TEXT,
    status TEXT NOT NULL,
    issues TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    traceback TEXT,
    seconds REAL,
    finished_at TEXT NOT NULL,
    municipality TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_version ON runs (version_id, id);
CREATE TABLE IF NOT EXISTS unreadable (
    path TEXT PRIMARY KEY,
    error TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
"""

# Fetch outcomes that leave bytes in the store (a 304 points at the bytes of an earlier fetch).
STORED_OUTCOMES = ("stored", "not_modified")


def now() -> str:
    """Return the current UTC time as an ISO 8601 string to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What one fetch of a URL ended with."""

    url: str
    outcome: str  # stored | not_modified | http_error | too_large | timeout | network_error |
    #               redirect_loop | too_many_redirects | disallowed | unsupported_type |
    #               blocked_address (the host resolves to a loopback/private address) |
    #               error (a defect of the crawler, its traceback in `error`)
    fetched_at: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None  # as sent, charset included
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    size: int | None = None
    referrer: str | None = None
    anchor_text: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional re-fetch needs from the last fetch that stored bytes."""

    sha256: str
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class VersionState:
    """A document version with what its latest extraction left (all None when never run)."""

    version_id: int
    sha256: str
    size: int
    media_type: str | None
    charset: str | None
    uri: str
    kind: str
    municipality: str | None
    municipality_code: str | None
    extractor_version: str | None
    schema_version: str | None
    status: str | None
    output_path: str | None
    output_sha256: str | None
    issues: str | None = None  # JSON list of the latest run's issue codes
    seconds: float | None = None  # how long the latest run took
    extracted_municipality: str | None = None  # JSON object: what the output names


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One extraction of one version."""

    version_id: int
    extractor_version: str
    schema_version: str
    status: str  # ok | partial | failed (the document's status) | error (ours) | kept_edited
    output_path: str | None = None
    output_sha256: str | None = None
    issues: tuple[str, ...] = ()
    error: str | None = None
    traceback: str | None = None
    seconds: float | None = None
    municipality: str | None = None  # JSON object: the municipality the output names


@dataclass(frozen=True, slots=True)
class RunFailure:
    """A version whose latest extraction failed or raised, for reports."""

    uri: str
    sha256: str
    status: str
    issues: str  # JSON list of issue codes
    error: str | None
    traceback: str | None


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Return (media type, charset) of a Content-Type header value, both lower-cased."""
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower() or None
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media, charset


def connect(path: Path) -> sqlite3.Connection:
    """Open the catalog file at `path` with the settings every user of it shares."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut
    # may lose the last transactions, never consistency.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction: all of it is committed or none."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class Catalog:
    """The catalog database; use as a context manager or call `close()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = connect(path)
        with self._tx():
            layout = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            fresh = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'runs'").fetchone()[0] == 0
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            if not fresh:
                for version in range(max(layout, 1) + 1, _LAYOUT_VERSION + 1):
                    for statement in _MIGRATIONS.get(version, []):
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version={_LAYOUT_VERSION}")

    @classmethod
    def in_raw(cls, raw: Path) -> Catalog:
        """Return the catalog kept in the raw folder `raw`."""
        return cls(raw / CATALOG_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    # -- sources and versions -------------------------------------------------------------

    def _source_id(self, db: sqlite3.Connection, uri: str, kind: str,
                   municipality: str | None, code: str | None) -> int:
        db.execute(
            "INSERT INTO sources (uri, kind, municipality, municipality_code, added_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET"
            " municipality = coalesce(excluded.municipality, municipality),"
            " municipality_code = coalesce(excluded.municipality_code, municipality_code)",
            (uri, kind, municipality, code, now()),
        )
        row = db.execute("SELECT id FROM sources WHERE uri = ?", (uri,)).fetchone()
        return int(row["id"])

    @staticmethod
    def _add_version(db: sqlite3.Connection, source_id: int, sha256: str, size: int,
                     media: str | None, charset: str | None) -> bool:
        cur = db.execute(
            "INSERT OR IGNORE INTO versions (source_id, sha256, media_type, charset, size,"
            " first_seen) VALUES (?, ?, ?, ?, ?, ?)",
            (source_id, sha256, media, charset, size, now()),
        )
        return cur.rowcount == 1

    def record_fetch(self, rec: FetchRecord, *, municipality: str | None = None,
                     code: str | None = None, media_type: str | None = None) -> bool:
        """Record a fetch (and its version when it stored bytes); return if the version is new.

        `media_type` is what the bytes are when the header says less (octet-stream for a PDF).
        """
        with self._tx() as db:
            source_id = self._source_id(db, rec.url, "web", municipality, code)
            db.execute(
                "INSERT INTO fetches (source_id, url, final_url, status, outcome, content_type,"
                " etag, last_modified, fetched_at, sha256, size, referrer, anchor_text, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source_id, rec.url, rec.final_url, rec.status, rec.outcome, rec.content_type,
                 rec.etag, rec.last_modified, rec.fetched_at, rec.sha256, rec.size,
                 rec.referrer, rec.anchor_text, rec.error),
            )
            if rec.sha256 is None or rec.outcome not in STORED_OUTCOMES:
                return False
            declared, charset = split_content_type(rec.content_type)
            return self._add_version(db, source_id, rec.sha256, rec.size or 0,
                                     media_type or declared, charset)

    def validators(self, url: str) -> Validators | None:
        """Return the validators of the latest fetch of `url` that stored bytes, if any."""
        row = self._db.execute(
            "SELECT sha256, content_type, etag, last_modified FROM fetches"
            " WHERE url = ? AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
            (url,),
        ).fetchone()
        if row is None:
            return None
        return Validators(row["sha256"], row["content_type"], row["etag"], row["last_modified"])

    def fetches(self, url: str) -> list[FetchRecord]:
        """Return every recorded fetch of `url`, oldest first."""
        rows = self._db.execute(
            "SELECT url, outcome, fetched_at, final_url, status, content_type, etag,"
            " last_modified, sha256, size, referrer, anchor_text, error"
            " FROM fetches WHERE url = ? ORDER BY id",
            (url,),
        ).fetchall()
        return [FetchRecord(**dict(row)) for row in rows]

    def local_file(self, path: str) -> tuple[int, int, str] | None:
        """Return (size, mtime_ns, sha256) recorded for a hand-placed file, if any."""
        row = self._db.execute(
            "SELECT size, mtime_ns, sha256 FROM local_files WHERE path = ?", (path,)
        ).fetchone()
        return None if row is None else (row["size"], row["mtime_ns"], row["sha256"])

    def record_local_file(self, path: str, size: int, mtime_ns: int, sha256: str,
                          media_type: str | None) -> bool:
        """Register a hand-placed file as a source and version; return if the version is new."""
        with self._tx() as db:
            source_id = self._source_id(db, path, "local", None, None)
            new = self._add_version(db, source_id, sha256, size, media_type, None)
            db.execute(
                "INSERT INTO local_files (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256",
                (path, size, mtime_ns, sha256),
            )
            return new

    # -- extraction -----------------------------------------------------------------------

    def versions(self) -> list[VersionState]:
        """Return every document version with the outcome of its latest extraction."""
        rows = self._db.execute(
            "SELECT v.id AS version_id, v.sha256, v.size, v.media_type, v.charset, s.uri,"
            " s.kind, s.municipality, s.municipality_code, r.extractor_version,"
            " r.schema_version, r.status, r.output_path, r.output_sha256, r.issues,"
            " r.seconds, r.municipality AS extracted_municipality"
            " FROM versions v JOIN sources s ON s.id = v.source_id"
            " LEFT JOIN runs r ON r.id ="
            " (SELECT max(id) FROM runs WHERE version_id = v.id)"
            " ORDER BY v.id"
        ).fetchall()
        return [VersionState(**dict(row)) for row in rows]

    def start_batch(self, extractor_version: str, schema_version: str, jobs: int) -> int:
        """Record the start of an `extract run`; return its id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO batches (started_at, extractor_version, schema_version, jobs)"
                " VALUES (?, ?, ?, ?)",
                (now(), extractor_version, schema_version, jobs),
            )
            return int(cur.lastrowid or 0)

    def finish_batch(self, batch_id: int, counts: dict[str, int]) -> None:
        """Record the end of a batch with its counts."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET finished_at = ?, counts = ? WHERE id = ?",
                (now(), json.dumps(counts, sort_keys=True), batch_id),
            )

    def record_run(self, run: RunRecord, batch_id: int | None = None) -> None:
        """Record one extraction."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO runs (version_id, batch_id, extractor_version, schema_version,"
                " output_path, output_sha256, status, issues, error, traceback, seconds,"
                " finished_at, municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.version_id, batch_id, run.extractor_version, run.schema_version,
                 run.output_path, run.output_sha256, run.status,
                 json.dumps(list(run.issues), ensure_ascii=False), run.error, run.traceback,
                 run.seconds, now(), run.municipality),
            )

    def record_unreadable(self, errors: dict[str, str]) -> None:
        """Replace the list of hand-placed files that could not be read (path → why)."""
        with self._tx() as db:
            db.execute("DELETE FROM unreadable")
            db.executemany("INSERT INTO unreadable (path, error, seen_at) VALUES (?, ?, ?)",
                           [(path, error, now()) for path, error in sorted(errors.items())])

    def unreadable(self) -> list[tuple[str, str]]:
        """Return (path, why) of every file the last scan could not read."""
        rows = self._db.execute("SELECT path, error FROM unreadable ORDER BY path").fetchall()
        return [(row["path"], row["error"]) for row in rows]

    def failures(self) -> list[RunFailure]:
        """Return versions whose latest extraction raised or produced a failed document."""
        rows = self._db.execute(
            "SELECT s.uri, v.sha256, r.status, r.issues, r.error, r.traceback"
            " FROM versions v JOIN sources s ON s.id = v.source_id"
            " JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE version_id = v.id)"
            " WHERE r.status IN ('error', 'failed') ORDER BY v.id"
        ).fetchall()
        return [RunFailure(**dict(row)) for row in rows]

    # -- reports --------------------------------------------------------------------------

    def fetch_outcomes(self) -> Counter[str]:
        """Return how many URLs have each outcome as their latest fetch."""
        rows = self._db.execute(
            "SELECT f.outcome, count(*) AS n FROM fetches f"
            " WHERE f.id = (SELECT max(id) FROM fetches g WHERE g.url = f.url)"
            " GROUP BY f.outcome"
        ).fetchall()
        return Counter({row["outcome"]: int(row["n"]) for row in rows})

    def source_kinds(self) -> Counter[str]:
        """Return how many sources there are of each kind (web, local)."""
        rows = self._db.execute("SELECT kind, count(*) AS n FROM sources GROUP BY kind")
        return Counter({row["kind"]: int(row["n"]) for row in rows})

    def last_batch(self) -> dict[str, Any] | None:
        """Return the latest batch row as a dict, if any."""
        row = self._db.execute("SELECT * FROM batches ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else dict(row)

    def integrity_check(self) -> str:
        """Return SQLite's integrity verdict ("ok" when the file is sound)."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
