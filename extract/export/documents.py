"""The documents consumers see: every output of a run, reviewed values first.

The list comes from the catalog in the raw folder when there is one (it knows every version of
every source, in the order they were seen), else from `index.json` in the output folder (what a
consumer holding only the outputs has). An output written under an older schema version is
migrated in memory; one that cannot be read is reported, never skipped silently.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from extract.errors import InputError
from extract.schema import Document

REVIEWED_SUFFIX = ".reviewed.json"  # a reviewed document sits beside its raw extraction
INDEX_NAME = "index.json"
DONE = frozenset({"ok", "partial", "failed", "kept_edited"})  # runs that left an output


@dataclass(frozen=True, slots=True)
class Entry:
    """One output of one version of one source."""

    output: Path
    uri: str
    sha256: str
    media_type: str | None
    municipality: str | None
    municipality_code: str | None
    latest: bool  # the newest version of its source
    order: int  # versions of a source sort by it, oldest first


@dataclass(frozen=True, slots=True)
class Loaded:
    """A document as consumers get it: reviewed values when a reviewer corrected it."""

    entry: Entry
    document: Document
    raw: Document | None  # the extraction the reviewer corrected, when `document` is reviewed

    @property
    def reviewed(self) -> bool:
        return self.raw is not None


def reviewed_or_raw(output: Path) -> Path:
    """Return the reviewed document beside `output` when one exists, else `output`."""
    reviewed = output.with_name(output.name.removesuffix(".json") + REVIEWED_SUFFIX)
    return reviewed if reviewed.is_file() else output


def fingerprint(entry: Entry, salt: str) -> str | None:
    """Return a digest of all a document's rows are made from (its output, its reviewed
    document, what the listing says of it, and `salt`: the code's version), None when the
    output cannot be read."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(json.dumps([salt, entry.uri, entry.sha256, entry.municipality,
                              entry.municipality_code, entry.latest]).encode())
    try:
        digest.update(entry.output.read_bytes())
        reviewed = reviewed_or_raw(entry.output)
        if reviewed != entry.output:
            digest.update(b"\0reviewed\0" + reviewed.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def entries(out_dir: Path, raw_dir: Path | None = None) -> list[Entry]:
    """Return every output, from the catalog of `raw_dir` if given, else `out_dir`'s index."""
    if raw_dir is not None:
        from extract.ingest.catalog import CATALOG_NAME

        if not (raw_dir / CATALOG_NAME).is_file():
            raise InputError(f"no catalog in {raw_dir}: run `extract run` first")
        return _from_catalog(raw_dir)
    return _from_index(out_dir)


def _from_catalog(raw_dir: Path) -> list[Entry]:
    from extract.ingest.catalog import Catalog

    with Catalog.in_raw(raw_dir) as catalog:
        states = catalog.versions()
    latest: dict[str, int] = {}
    for state in states:
        latest[state.uri] = max(latest.get(state.uri, 0), state.version_id)
    return [
        Entry(Path(s.output_path), s.uri, s.sha256, s.media_type, s.municipality,
              s.municipality_code, latest[s.uri] == s.version_id, s.version_id)
        for s in states
        if s.status in DONE and s.output_path  # a missing file is reported when loaded
    ]


def _from_index(out_dir: Path) -> list[Entry]:
    index = out_dir / INDEX_NAME
    try:
        listing = json.loads(index.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"no {INDEX_NAME} in {out_dir}: run `extract run` first") from None
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read {index}: {error}") from None
    listed = listing.get("documents", [])
    # The index says which version of a source is the newest, not in which order the older
    # ones came: the newest sorts last, the others in the index's order.
    return [
        Entry(out_dir / e["output"], e["uri"], e["sha256"], e.get("media_type"),
              e.get("municipality"), e.get("municipality_code"), bool(e.get("latest", True)),
              position + len(listed) * bool(e.get("latest", True)))
        for position, e in enumerate(listed)
    ]


def read_document(path: Path) -> Document:
    """Return the document in `path`, migrated to the current schema version if older."""
    from extract.export.migrate import migrate_bytes

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    try:
        return migrate_bytes(data)[0]
    except InputError as error:
        raise InputError(f"{path}: {error}") from None


def load(entry: Entry) -> Loaded:
    """Return the entry's document, reviewed values first, with the raw one beside them."""
    chosen = reviewed_or_raw(entry.output)
    document = read_document(chosen)
    raw = read_document(entry.output) if chosen != entry.output else None
    return Loaded(entry, document, raw)


def latest_two(uri: str, out_dir: Path, raw_dir: Path | None = None) -> tuple[Loaded, Loaded]:
    """Return the two newest extracted versions of the source `uri`, older first."""
    versions = sorted((e for e in entries(out_dir, raw_dir) if e.uri == uri),
                      key=lambda e: e.order)
    if len(versions) < 2:
        raise InputError(f"{uri} has {len(versions)} extracted version(s): a diff needs two")
    return load(versions[-2]), load(versions[-1])
