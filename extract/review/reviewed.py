"""Reviewed documents on disk: the extraction with its corrections applied, beside the raw one.

    structured/…/<sha>.json            what the extractor gave (never touched by a review)
    structured/…/<sha>.reviewed.json   the same with every correction of its source applied

`review_outputs` is the last stage of `extract run`: every output whose source has corrections
is reviewed again when its raw output or its corrections changed since its last review (a new
extractor version, a new version of the source, a correction added or imported). A correction
made on an older version of a source is applied to the new one, by id else by anchor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extract.ingest.catalog import Catalog, VersionState
from extract.ingest.store import sha256_file
from extract.review.apply import Reviewed, apply
from extract.review.records import Correction, Outcome
from extract.review.store import Conflict, CorrectionStore, ReviewRecord
from extract.schema import Document

REVIEWED_SUFFIX = ".reviewed.json"


def reviewed_path(raw_output: Path) -> Path:
    """Where the reviewed document of a raw output goes: `<sha>.json` → `<sha>.reviewed.json`."""
    return raw_output.with_name(raw_output.name.removesuffix(".json") + REVIEWED_SUFFIX)


def authors(corrections: list[Correction], outcomes: list[Outcome]) -> tuple[str, ...]:
    """Who made the corrections that hold in a reviewed document (applied or absorbed)."""
    held = {o.correction_id for o in outcomes if o.status in ("applied", "absorbed")}
    return tuple(sorted({c.author for c in corrections if c.id in held}))


def review_file(raw_output: Path, corrections: list[Correction]) -> tuple[Reviewed, Path]:
    """Apply corrections to the document at `raw_output`; write the reviewed one beside it."""
    from extract.pipeline import write_document

    doc = Document.model_validate_json(raw_output.read_bytes())
    reviewed = apply(doc, corrections)
    target = reviewed_path(raw_output)
    write_document(reviewed.document, target)
    return reviewed, target


@dataclass(frozen=True, slots=True)
class ReviewStep:
    """What the review stage did to one output."""

    uri: str
    output: str
    status: str  # reviewed | up_to_date | error
    conflicts: int = 0
    message: str | None = None


def review_outputs(store: CorrectionStore, states: list[VersionState], out: Path,
                   progress: Callable[[ReviewStep], None] | None = None) -> list[ReviewStep]:
    """Review every output under `out` whose source has corrections and that changed since."""
    steps: list[ReviewStep] = []
    by_uri: dict[str, list[Correction]] = {}
    for correction in store.all():
        by_uri.setdefault(correction.document_uri, []).append(correction)
    for state in states:
        corrections = by_uri.get(state.uri)
        if not corrections or not state.output_path:
            continue
        raw_output = Path(state.output_path)
        if not raw_output.is_file() or not raw_output.resolve().is_relative_to(out.resolve()):
            continue
        step = _review_one(store, state, raw_output, corrections)
        steps.append(step)
        if progress is not None:
            progress(step)
    return steps


def _review_one(store: CorrectionStore, state: VersionState, raw_output: Path,
                corrections: list[Correction]) -> ReviewStep:
    """Review one output unless its last review was made of the same raw bytes and records."""
    ids = tuple(c.id for c in corrections)
    raw_sha = sha256_file(raw_output)
    last = store.latest_review(state.uri, state.sha256)
    if (last is not None and last.raw_sha256 == raw_sha and last.corrections == ids
            and Path(last.reviewed_output).is_file()):
        return ReviewStep(state.uri, last.reviewed_output, "up_to_date",
                          last.counts.get("conflict", 0))
    try:
        reviewed, target = review_file(raw_output, corrections)
    except (ValidationError, ValueError, OSError) as error:
        # A raw output edited by hand into something that is no document: said, never hidden.
        return ReviewStep(state.uri, str(raw_output), "error",
                          message=f"{type(error).__name__}: {str(error).splitlines()[0]}")
    store.record_review(ReviewRecord(
        state.uri, state.sha256, str(raw_output), raw_sha, str(target),
        reviewed.document.extractor_version, ids, authors(corrections, reviewed.outcomes),
        tuple(reviewed.outcomes), status=reviewed.document.status.value))
    return ReviewStep(state.uri, str(target), "reviewed", len(reviewed.conflicts))


def review_all(catalog_path: Path, states: list[VersionState], out: Path
               ) -> tuple[list[ReviewStep], dict[tuple[str, str], ReviewRecord]]:
    """Review what has corrections; return the steps and the latest review of each version."""
    with CorrectionStore(catalog_path) as store:
        steps = review_outputs(store, states, out)
        latest = {(r.document_uri, r.sha256): r for r in store.latest_reviews()}
    return steps, latest


def refresh(raw_dir: Path, out_dir: Path) -> list[ReviewStep]:
    """Apply the corrections anew where they or the outputs changed, and rewrite the index."""
    from extract.ingest.batch import write_index

    out = out_dir.resolve()
    with Catalog.in_raw(raw_dir) as catalog:
        states = catalog.versions()
        steps, reviews = review_all(catalog.path, states, out)
        write_index(out, catalog.versions(), reviews)
    return steps


def latest_reviews(store: CorrectionStore, states: list[VersionState]) -> list[ReviewRecord]:
    """The latest review of the latest version of every source that has one."""
    latest: dict[str, VersionState] = {}
    for state in states:
        if state.uri not in latest or state.version_id > latest[state.uri].version_id:
            latest[state.uri] = state
    reviews = []
    for state in latest.values():
        review = store.latest_review(state.uri, state.sha256)
        if review is not None:
            reviews.append(review)
    return reviews


def conflicts(store: CorrectionStore, states: list[VersionState]) -> list[Conflict]:
    """Every correction in conflict on the latest reviewed version of its source."""
    out: list[Conflict] = []
    for review in latest_reviews(store, states):
        for outcome in review.outcomes:
            if outcome.status != "conflict":
                continue
            correction = store.get(outcome.correction_id)
            if correction is not None:
                out.append(Conflict(review.document_uri, review.sha256, review.reviewed_output,
                                    correction, outcome))
    return out
