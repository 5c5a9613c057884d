"""`extract export`: every output as flat tables in a folder, whole or as changes since another.

An export folder holds one file per table, `manifest.json` (what it holds: format, versions,
tables with their columns and row counts, the documents, any that could not be read) and
`state.jsonl` (one line per document: a digest of each of its rows). A full export's rows have
an empty `change`; an export `--since` a previous one holds only the rows added, changed or
removed since it (a removed row keeps its ids, every other cell empty), and its state is the
whole current state, so exports chain.

The folder is built beside its destination and renamed into place: a reader sees the previous
export or the new one, never half of one. A document that cannot be read is listed in the
manifest; with `--since`, its previous rows are carried over rather than reported removed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import zip_longest
from pathlib import Path

from extract import __version__
from extract.errors import InputError
from extract.export.documents import Entry, entries, fingerprint, load, reviewed_or_raw
from extract.export.rows import TABLES, Row, rows_with_corrections
from extract.export.tables import check_format, open_table, row_json
from extract.schema import SCHEMA_VERSION

MANIFEST_NAME = "manifest.json"
STATE_NAME = "state.jsonl"
MANIFEST_VERSION = 1  # the layout of manifest.json and state.jsonl, and how rows are digested
CHANGES = ("added", "changed", "removed")

# table → row id → digest of the row
Digests = dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class Recorded:
    """What an export recorded of one document: its state line, parsed only when needed."""

    source_sha256: str
    digest: str  # of all its rows: equal digests, no row changed
    fingerprint: str  # of all its rows were made from (documents.fingerprint)
    line: str

    @property
    def rows(self) -> Digests:
        rows: Digests = json.loads(self.line)["rows"]
        return rows


State = dict[str, Recorded]  # by document id


def record(document_id: str, source_sha256: str, made_from: str, rows: Digests) -> Recorded:
    """Return what the state records of one document, its line of `state.jsonl` included."""
    digest = hashlib.blake2b(json.dumps(rows).encode(), digest_size=8).hexdigest()
    line = json.dumps({"document_id": document_id, "source_sha256": source_sha256,
                       "digest": digest, "fingerprint": made_from, "rows": rows})
    return Recorded(source_sha256, digest, made_from, line + "\n")


@dataclass(slots=True)
class Report:
    """What an export wrote."""

    folder: Path
    mode: str  # full | changes
    rows: dict[str, int] = field(default_factory=dict)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    documents: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (output, message)

    def summary(self) -> str:
        """Return one line: the rows of each table (and their changes)."""
        def changes(table: str) -> str:
            counts = self.changes.get(table)
            return f" ({', '.join(f'{n} {k}' for k, n in counts.items())})" if counts else ""

        tables = ", ".join(f"{n} {name}{changes(name)}" for name, n in self.rows.items())
        return f"{self.mode} export of {self.documents} documents → {self.folder}: {tables}"


def line_digest(line: str) -> str:
    """Return a digest of a row's JSON (`row_json`: its cells in the declared order, `change`
    empty in every row before it is compared)."""
    return hashlib.blake2b(line.encode(), digest_size=8).hexdigest()


def read_state(folder: Path) -> State:
    """Return the state recorded by the export in `folder`."""
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        raise InputError(f"{folder} is not an export: it has no {MANIFEST_NAME}")
    state: State = {}
    try:
        layout = json.loads(manifest.read_text("utf-8")).get("manifest_version")
        if layout != MANIFEST_VERSION:
            # Its row digests are not comparable with ours: every row would seem changed.
            raise InputError(f"the export in {folder} has manifest version {layout}, this "
                             f"one writes {MANIFEST_VERSION}: export whole, without --since")
        with (folder / STATE_NAME).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                state[record["document_id"]] = Recorded(
                    record["source_sha256"], record["digest"], record["fingerprint"], line)
    except (OSError, ValueError, KeyError) as error:
        raise InputError(f"cannot read the state of the export in {folder}: {error}") from None
    return state


def _removed(table: str, row_id: str, document_id: str) -> Row:
    row: Row = {name: None for name, _ in TABLES[table]}
    row.update(row_id=row_id, change="removed", document_id=document_id)
    return row


def _changes(table: str, document_id: str, rows: list[Row], before: dict[str, str] | None,
             digests: dict[str, str]) -> Iterator[Row]:
    """Yield the rows of one document's table that differ from `before`, marked."""
    for row in rows:
        row_id = str(row["row_id"])
        if before is None or row_id not in before:
            yield {**row, "change": "added"}
        elif before[row_id] != digests[row_id]:
            yield {**row, "change": "changed"}
    for row_id in sorted((before or {}).keys() - digests.keys()):
        yield _removed(table, row_id, document_id)


def export(out_dir: Path, dest: Path, fmt: str = "jsonl", since: Path | None = None,
           raw_dir: Path | None = None, latest_only: bool = False) -> Report:
    """Export every output under `out_dir` (listed by `raw_dir`'s catalog if given) to `dest`."""
    check_format(fmt)
    previous = read_state(since) if since is not None else None
    if dest.exists() and any(dest.iterdir()) and not (dest / MANIFEST_NAME).is_file():
        raise InputError(f"{dest} holds files that are not an export: choose another folder")
    listed = sorted((e for e in entries(out_dir, raw_dir) if e.latest or not latest_only),
                    key=lambda e: (e.uri, e.order))
    dest.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp"))
    building.chmod(0o755)  # mkdtemp makes it private; an export is for others to read
    try:
        report = _build(listed, building, fmt, previous)
        report.folder = dest
        _replace(building, dest)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return report


class Tables:
    """The open table files of an export, counting the rows written by change."""

    def __init__(self, folder: Path, fmt: str) -> None:
        self.files = {name: open_table(folder, name, fmt, columns)
                      for name, columns in TABLES.items()}
        self.counts = {name: Counter[str]() for name in TABLES}

    def write(self, table: str, rows: Iterable[Row], lines: Iterable[str | None] = ()
              ) -> None:
        """Write rows (with their JSON lines, when made already) and count them."""
        file, counts = self.files[table], self.counts[table]
        for row, line in zip_longest(rows, lines):
            file.write(row, line)
            counts[str(row["change"])] += 1

    def close(self) -> None:
        for file in self.files.values():
            file.close()


def _listed(document_id: str, entry: Entry) -> dict[str, object]:
    """Return a document's entry in the manifest."""
    return {"document_id": document_id, "source_uri": entry.uri, "source_sha256": entry.sha256,
            "output": str(entry.output), "latest": entry.latest,
            "reviewed": reviewed_or_raw(entry.output) != entry.output}


def _build(listed: list[Entry], folder: Path, fmt: str, previous: State | None) -> Report:
    """Write the tables, the state and the manifest of an export into `folder`."""
    report = Report(folder, "full" if previous is None else "changes")
    documents: list[dict[str, object]] = []
    seen: set[str] = set()
    unchanged = {r.fingerprint: (doc_id, r) for doc_id, r in (previous or {}).items()}
    unread: set[str] = set()  # source sha256 of the outputs that could not be read
    tables = Tables(folder, fmt)
    with (folder / STATE_NAME).open("w", encoding="utf-8") as state:
        try:
            for entry in listed:
                made_from = fingerprint(entry, f"{__version__}/{MANIFEST_VERSION}")
                if made_from is not None and made_from in unchanged:
                    # Made from the same files as last time: the same rows, none to write.
                    doc_id, kept = unchanged[made_from]
                    if doc_id not in seen:
                        seen.add(doc_id)
                        state.write(kept.line)
                        documents.append(_listed(doc_id, entry))
                    continue
                try:
                    loaded = load(entry)
                except InputError as error:
                    report.errors.append((str(entry.output), str(error)))
                    unread.add(entry.sha256)
                    continue
                doc_id = loaded.document.id
                if doc_id in seen:
                    continue  # one version listed twice (the same bytes under two URIs)
                seen.add(doc_id)
                rows = rows_with_corrections(loaded)
                lines = {name: [row_json(r) for r in table_rows]
                         for name, table_rows in rows.items()}
                digests = {name: {str(r["row_id"]): line_digest(line)
                                  for r, line in zip(rows[name], lines[name], strict=True)}
                           for name in rows}
                recorded = record(doc_id, entry.sha256, made_from or "", digests)
                state.write(recorded.line)
                documents.append(_listed(doc_id, entry))
                old = previous.get(doc_id) if previous is not None else None
                if previous is None:
                    for name, table_rows in rows.items():
                        tables.write(name, table_rows, lines[name])
                elif old is None or old.digest != recorded.digest:
                    before = old.rows if old is not None else None
                    for name, table_rows in rows.items():
                        tables.write(name, _changes(
                            name, doc_id, table_rows,
                            None if before is None else before.get(name, {}), digests[name]))
            for doc_id, gone in (previous or {}).items():
                if doc_id in seen:
                    continue
                if gone.source_sha256 in unread:
                    state.write(gone.line)  # unknown now, not removed: compared next time
                    continue
                for name, old_rows in gone.rows.items():
                    tables.write(name, (_removed(name, row_id, doc_id)
                                        for row_id in sorted(old_rows)))
        finally:
            tables.close()
    report.documents = len(documents)
    for name, counts in tables.counts.items():
        report.rows[name] = sum(counts.values())
        if previous is not None:
            report.changes[name] = {c: counts[c] for c in CHANGES}
    manifest = {
        "manifest_version": MANIFEST_VERSION, "created_at": datetime.now(UTC).isoformat(
            timespec="seconds"), "extractor_version": __version__,
        "schema_version": SCHEMA_VERSION, "format": fmt, "mode": report.mode,
        "tables": {name: {"file": file.path.name, "rows": report.rows[name],
                          "columns": [[c, t] for c, t in TABLES[name]],
                          **({"changes": report.changes[name]} if previous is not None else {})}
                   for name, file in tables.files.items()},
        "state": STATE_NAME, "documents": documents,
        "errors": [{"output": o, "message": m} for o, m in report.errors],
    }
    (folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


def _replace(built: Path, dest: Path) -> None:
    """Move the built folder to `dest`, the previous export there moved aside, then removed."""
    old = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.old.", suffix=".tmp"))
        dest.rename(old / dest.name)
    built.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
