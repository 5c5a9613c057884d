"""Reviewed documents as gold: the current extractor scored against what reviewers corrected.

Each reviewed document (the latest version of a source that has corrections) becomes a gold
file in the form of `gold/docs/*.json` (outline without measures, plans with their periods,
measure titles) and is scored with the same rules (`extract.evaluate.docs`). The extraction the
review was made on is scored the same way: the current extractor regresses on a document when
it scores below that baseline on outline F1, plan periods or measure F1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.evaluate.docs import Counts, DocScore, score_document
from extract.ingest.catalog import CATALOG_NAME, Catalog, VersionState
from extract.ingest.store import RawStore
from extract.schema import Document, Node, NodeKind, walk

# Scores compared for regressions, by their name in the table.
SCORES = (("outline", "f1"), ("plans", "recall"), ("plan_claims", "precision"),
          ("measures", "f1"))
TOLERANCE = 1e-9  # equal scores are no regression, whatever the float rounding

Parse = Callable[[bytes, str, str | None, str | None], Document]


def _outline(nodes: list[Node]) -> list[dict[str, Any]]:
    """The gold outline: titled sections only, as `score_outline` counts the output's."""
    return [{"label": n.label, "title": n.title, "children": _outline(n.children)}
            for n in nodes if n.kind is not NodeKind.MEASURE and n.title]


def as_gold(doc: Document) -> dict[str, Any]:
    """A reviewed document in the form of a gold file."""
    return {
        "title": doc.title,
        "outline": _outline(doc.outline),
        "plans": [{"title": p.title, "aliases": p.aliases, "role": p.role.value,
                   "start": p.period.start if p.period else None,
                   "end": p.period.end if p.period else None} for p in doc.plans],
        "measures": [{"label": n.label, "title": n.title} for n in walk(doc.outline)
                     if n.kind is NodeKind.MEASURE and n.title],
    }


@dataclass(slots=True)
class ReviewedScore:
    """The current extractor's score on one reviewed document, and the review's baseline."""

    uri: str
    reviewed_output: str
    current: DocScore
    baseline: DocScore | None  # the extraction the review was made on, if still on disk
    regressions: list[str] = field(default_factory=list)


def _value(score: DocScore, part: str, measure: str) -> float | None:
    counts: Counts | None = getattr(score, part)
    return None if counts is None else float(getattr(counts, measure))


def regressions(current: DocScore, baseline: DocScore) -> list[str]:
    """Each score that fell below the baseline: "outline f1 0.93 < 0.97"."""
    out = []
    for part, measure in SCORES:
        now, then = _value(current, part, measure), _value(baseline, part, measure)
        if now is not None and then is not None and now < then - TOLERANCE:
            out.append(f"{part} {measure} {now:.2f} < {then:.2f}")
    return out


def _latest(states: list[VersionState]) -> list[VersionState]:
    latest: dict[str, VersionState] = {}
    for state in states:
        if state.uri not in latest or state.version_id > latest[state.uri].version_id:
            latest[state.uri] = state
    return list(latest.values())


def evaluate_reviewed(raw_dir: Path, parse: Parse) -> list[ReviewedScore]:
    """Scores of the current extractor on every reviewed latest version under `raw_dir`."""
    from extract.review.store import CorrectionStore

    with Catalog.in_raw(raw_dir) as catalog:
        states = _latest(catalog.versions())
    store = RawStore(raw_dir)
    scores = []
    with CorrectionStore(raw_dir / CATALOG_NAME) as corrections:
        reviews = [(s, corrections.latest_review(s.uri, s.sha256)) for s in states]
    for state, review in reviews:
        if review is None or not Path(review.reviewed_output).is_file():
            continue
        reviewed = Document.model_validate_json(Path(review.reviewed_output).read_bytes())
        gold = as_gold(reviewed)
        doc = parse(store.path(state.sha256).read_bytes(), state.uri, state.media_type,
                    state.charset)
        name = f"reviewed-{state.uri}"  # tables pool rows by the name's first part
        current = score_document(name, gold, doc)
        baseline = None
        raw_output = Path(review.raw_output)
        if raw_output.is_file():
            before = Document.model_validate_json(raw_output.read_bytes())
            baseline = score_document(name, gold, before)
        scores.append(ReviewedScore(state.uri, review.reviewed_output, current, baseline,
                                    regressions(current, baseline) if baseline else []))
    return scores
