"""The documents the app serves: the outputs `index.json` lists, each addressed by an id.

A request names a document by its id only; the id is looked up in the index, never joined to
a path, so no request reaches a file the index does not list. The reviewed document is the raw
extraction with every correction of its source applied (`review.apply`), recomputed when the
output file or the corrections change.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extract.errors import InputError
from extract.ingest.batch import INDEX_NAME
from extract.ingest.catalog import CATALOG_NAME
from extract.ingest.store import RawStore
from extract.review.apply import Reviewed as Applied
from extract.review.apply import apply
from extract.review.records import Correction, Outcome
from extract.review.store import CorrectionStore
from extract.schema import Document, walk


class Unreadable(InputError):
    """An output the index lists that is missing or no valid document (edited by hand)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One output listed in the index."""

    id: str
    output: Path
    uri: str
    sha256: str
    media_type: str | None
    municipality: str | None
    status: str
    latest: bool


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A document as the reviewer sees it, with what its corrections did."""

    entry: Entry
    raw: Document
    corrections: tuple[Correction, ...]
    result: Applied

    @property
    def document(self) -> Document:
        return self.result.document

    @property
    def outcomes(self) -> list[Outcome]:
        return self.result.outcomes

    @property
    def municipality(self) -> str:
        """Return the municipality the catalog names, else the one the document names."""
        named = self.raw.municipality.name if self.raw.municipality else ""
        return self.entry.municipality or named

    @property
    def revision(self) -> int:
        """How many correction records the source has: a save names the one it was made on."""
        return len(self.corrections)

    @property
    def counts(self) -> dict[str, int]:
        """Return how many corrections were applied, absorbed, in conflict or undone."""
        return self.result.counts()

    @property
    def conflicts(self) -> list[Outcome]:
        return self.result.conflicts

    @property
    def confidence(self) -> float | None:
        """The lowest confidence the extraction gives any plan or node (None: it gives none)."""
        values = [p.confidence for p in self.raw.plans if p.confidence is not None]
        values += [n.confidence for n in walk(self.raw.outline) if n.confidence is not None]
        return min(values) if values else None


def document_id(sha256: str, uri: str, taken: set[str]) -> str:
    """Return the id of an output: the document's own id, made unique when bytes repeat."""
    base = f"doc-{sha256[:16]}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class Library:
    """The outputs under `out` (per its index), their sources in `raw`, and the corrections."""

    def __init__(self, raw: Path, out: Path) -> None:
        self.raw = raw
        self.out = out.resolve()
        self._store_path = raw / CATALOG_NAME
        self._index_mtime: int | None = None
        self._entries: dict[str, Entry] = {}
        self._cache: dict[str, tuple[tuple[int, int], Reviewed]] = {}
        self._lock = threading.RLock()  # one check-and-append of corrections at a time

    def store(self) -> CorrectionStore:
        """Return a connection to the corrections (one per call: handlers run on threads)."""
        return CorrectionStore(self._store_path)

    def entries(self) -> list[Entry]:
        """Return every output the index lists, re-read when the index changed."""
        index = self.out / INDEX_NAME
        try:
            mtime = index.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        with self._lock:
            if mtime != self._index_mtime:
                listed = json.loads(index.read_text("utf-8")).get("documents", [])
                entries: dict[str, Entry] = {}
                for item in listed:
                    output = (self.out / item["output"]).resolve()
                    if not output.is_relative_to(self.out):
                        continue  # an index edited to point outside the folder
                    doc_id = document_id(item["sha256"], item["uri"], set(entries))
                    entries[doc_id] = Entry(doc_id, output, item["uri"], item["sha256"],
                                            item.get("media_type"), item.get("municipality"),
                                            item["status"], bool(item.get("latest", True)))
                self._entries, self._index_mtime = entries, mtime
            return list(self._entries.values())

    def entry(self, doc_id: str) -> Entry | None:
        """Return the output with this id, if the index lists one."""
        self.entries()
        return self._entries.get(doc_id)

    def source_bytes(self, entry: Entry) -> bytes:
        """Return the stored bytes the output was extracted from."""
        return RawStore(self.raw).path(entry.sha256).read_bytes()

    def reviewed(self, entry: Entry, corrections: list[Correction] | None = None) -> Reviewed:
        """Return the output with its source's corrections applied (`corrections` if given)."""
        if corrections is None:
            with self.store() as store:
                corrections = store.for_document(entry.uri)
        key = (entry.output.stat().st_mtime_ns, len(corrections))
        cached = self._cache.get(entry.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            raw = Document.model_validate_json(entry.output.read_bytes())
        except OSError as error:
            raise Unreadable(f"{entry.uri}: its output cannot be read ({error.strerror}): "
                             "run `extract run` again") from None
        except ValidationError as error:
            raise Unreadable(f"{entry.uri}: its output is no valid document "
                             f"({error.error_count()} problems; `extract validate "
                             f"{entry.output}` lists them)") from None
        # Most documents have no corrections: nothing to apply, nothing new to validate.
        result = apply(raw, corrections) if corrections else Applied(raw)
        reviewed = Reviewed(entry, raw, tuple(corrections), result)
        self._cache[entry.id] = (key, reviewed)
        return reviewed

    def lock(self) -> threading.RLock:
        """Return the lock a save holds from reading the revision to appending its records."""
        return self._lock
