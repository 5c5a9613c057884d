"""What the `extract review` commands do, on a raw folder's catalog and an output folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from extract.errors import InputError
from extract.ingest.catalog import CATALOG_NAME, Catalog, VersionState
from extract.review.make import correction_for
from extract.review.records import Correction, Op, TargetKind
from extract.review.reviewed import ReviewStep, conflicts, latest_reviews, refresh, reviewed_path
from extract.review.store import Conflict, CorrectionStore, ImportReport, ReviewRecord, line
from extract.schema import Document

T = TypeVar("T")


def _catalog(raw_dir: Path) -> Path:
    path = raw_dir / CATALOG_NAME
    if not path.is_file():
        raise InputError(f"no catalog in {raw_dir}: run `extract fetch` or `extract run` first")
    return path


def export(raw_dir: Path, path: Path | None) -> tuple[int, str | None]:
    """Every correction as JSON Lines: written at `path`, else returned as text."""
    with CorrectionStore(_catalog(raw_dir)) as store:
        if path is not None:
            return store.export_jsonl(path), None
        corrections = store.all()
    return len(corrections), "".join(line(c) + "\n" for c in corrections)


def import_(raw_dir: Path, out_dir: Path, path: Path) -> tuple[ImportReport, list[ReviewStep]]:
    """Keep the corrections of a JSON Lines file, then apply them to the outputs they concern."""
    with CorrectionStore(_catalog(raw_dir)) as store:
        report = store.import_jsonl(path)
    return report, refresh(raw_dir, out_dir)


def latest_state(raw_dir: Path, uri: str) -> VersionState:
    """The latest extracted version of a source; `InputError` when there is none."""
    with Catalog(_catalog(raw_dir)) as catalog:
        states = [s for s in catalog.versions() if s.uri == uri and s.output_path]
    if not states:
        raise InputError(f"no extracted version of {uri!r} in {raw_dir}: run `extract run`")
    return max(states, key=lambda s: s.version_id)


def current_document(raw_dir: Path, uri: str) -> Document:
    """A source's latest document as a reviewer sees it: reviewed when it is, else extracted."""
    state = latest_state(raw_dir, uri)
    raw_output = Path(str(state.output_path))
    path = reviewed_path(raw_output)
    if not path.is_file():
        path = raw_output
    try:
        return Document.model_validate_json(path.read_bytes())
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read {path}: {error}") from None


def add(raw_dir: Path, out_dir: Path, uri: str, *, op: Op, kind: TargetKind, author: str,
        target_id: str | None = None, field: str | None = None, value: Any = None,
        note: str | None = None) -> tuple[Correction, list[ReviewStep]]:
    """Keep one correction made on the source's latest document, then apply it."""
    try:
        correction = correction_for(current_document(raw_dir, uri), op=op, kind=kind,
                                    author=author, target_id=target_id, field=field,
                                    value=value, note=note)
    except ValidationError as error:  # a malformed record: say what is wrong with it
        raise InputError("; ".join(e["msg"] for e in error.errors())) from None
    return correction, keep(raw_dir, out_dir, correction)


def keep(raw_dir: Path, out_dir: Path, correction: Correction) -> list[ReviewStep]:
    """Append one correction to the catalog, then apply the corrections anew where needed."""
    with CorrectionStore(_catalog(raw_dir)) as store:
        store.append(correction)
    return refresh(raw_dir, out_dir)


def undo(raw_dir: Path, out_dir: Path, correction_id: str, *, author: str,
         note: str | None = None) -> tuple[Correction, list[ReviewStep]]:
    """Keep a record undoing an earlier one (records never change), then apply anew."""
    with CorrectionStore(_catalog(raw_dir)) as store:
        undone = store.get(correction_id)
    if undone is None:
        raise InputError(f"no correction has id {correction_id!r}")
    state = latest_state(raw_dir, undone.document_uri)
    record = Correction(document_uri=undone.document_uri, sha256=state.sha256,
                        target=undone.target, op=undone.op, author=author, note=note,
                        undoes=undone.id)
    return record, keep(raw_dir, out_dir, record)


def _with_versions(raw_dir: Path, read: Callable[[CorrectionStore, list[VersionState]], T]) -> T:
    """`read(store, versions)` on a raw folder's catalog."""
    path = _catalog(raw_dir)
    with Catalog(path) as catalog:
        states = catalog.versions()
    with CorrectionStore(path) as store:
        return read(store, states)


def reviews(raw_dir: Path) -> list[ReviewRecord]:
    """The latest review of the latest version of every reviewed source."""
    return _with_versions(raw_dir, latest_reviews)


def list_conflicts(raw_dir: Path) -> list[Conflict]:
    """Every correction in conflict on the latest reviewed version of its source."""
    return _with_versions(raw_dir, conflicts)


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """A conflict as JSON: where, which correction, why, and both values."""
    c = conflict.correction
    return {
        "document_uri": conflict.document_uri, "sha256": conflict.sha256,
        "reviewed_output": conflict.reviewed_output, "correction": c.id,
        "made_on": c.sha256, "op": c.op, "target": c.target.model_dump(mode="json"),
        "author": c.author, "at": c.at.isoformat(), "note": c.note,
        "detail": conflict.outcome.detail, "seen": c.seen,
        "current": conflict.outcome.current, "wanted": conflict.outcome.wanted,
    }
