"""Randomized (seeded, bounded): sequences of corrections and re-extractions under changed
extractors never lose a correction. After every re-extraction each correction ever made has
exactly one outcome; every conflict is listed on the reviewed document; every applied or absorbed
`set` shows its value in it; and the reviewed document is valid.

Re-extraction runs the real pipeline on bundled real samples, its outline stage wrapped to
retitle, drop, relabel or reorder sections at random (what a changed outline rule does), under a
new extractor version each time. Corrections are made on the reviewed document of the moment,
as the review app makes them, and kept in a real SQLite catalog.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import extract.pipeline
from extract.pipeline import parse_bytes
from extract.review.apply import Reviewed, apply, same
from extract.review.make import correction_for
from extract.review.records import Correction
from extract.review.store import CorrectionStore
from extract.schema import Document, NodeKind, walk
from extract.structure.outline import Section

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "raw" / "samples").glob("*.txt"))
SEEDS = range(12)
STEPS = 14  # corrections and re-extractions per sequence
WORDS = ["見直し", "推進", "計画", "改革", "概要", "目的", "取組"]


def perturbation(rng: random.Random) -> Any:
    """An outline change a new extractor version might bring, drawn once per version."""
    kind = rng.choice(["none", "retitle", "drop", "relabel", "swap"])
    pick = rng.random()

    def change(root: Section) -> None:
        sections = root.walk()[1:]
        if kind == "none" or not sections:
            return
        victim = sections[int(pick * len(sections))]
        parent = next(s for s in root.walk() if victim in s.children)
        if kind == "retitle":
            victim.title = f"{victim.title or ''}等"
        elif kind == "drop":
            parent.children.remove(victim)
        elif kind == "relabel":
            victim.label = None if victim.label else "(0)"
        elif kind == "swap" and len(parent.children) > 1:
            parent.children.reverse()

    return change


def random_correction(doc: Document, made: list[Correction], rng: random.Random) -> Correction:
    """A correction such as a reviewer makes on `doc`, with its target and value drawn."""
    nodes = [n for n in walk(doc.outline)]
    sections = [n for n in nodes if n.kind is NodeKind.SECTION]
    plans = doc.plans
    word = rng.choice(WORDS) + str(rng.randint(1, 99))
    choices: list[tuple[str, str, str | None, dict[str, Any]]] = []
    for node in rng.sample(nodes, min(3, len(nodes))):
        choices += [
            ("set", "node", node.id, {"field": "title", "value": f"{node.title}{word}"}),
            ("set", "node", node.id, {"field": "responsible", "value": [f"{word}課"]}),
            ("delete", "node", node.id, {}),
            ("not_heading", "node", node.id, {}),
            ("insert_after", "node", node.id, {"value": {"title": word}}),
            ("add_measure", "node", node.id, {"value": {"title": f"{word}の実施"}}),
        ]
        if sections:
            under = rng.choice(sections)
            choices.append(("move", "node", node.id,
                            {"value": {"under": {"kind": "node", "id": under.id}}}))
    for plan in rng.sample(plans, min(2, len(plans))):
        start = rng.randint(2000, 2030)
        choices += [
            ("set_period", "plan", plan.id,
             {"value": {"start": f"FY{start}", "end": f"FY{start + rng.randint(0, 9)}"}}),
            ("clear_period", "plan", plan.id, {}),
            ("set_role", "plan", plan.id, {"value": rng.choice(["main", "sub", "referenced"])}),
            ("set_parent", "plan", plan.id, {"value": rng.choice([None, *[p.id for p in plans]])}),
            ("set", "plan", plan.id, {"field": "title", "value": f"{plan.title}{word}"}),
        ]
    choices.append(("insert_under", "document", None, {"value": {"label": "付", "title": word}}))
    author = rng.choice(["alice", "bob"])
    if made and rng.random() < 0.15:  # undo an earlier record (an undo, too: a redo)
        undone = rng.choice(made)
        return Correction(document_uri=doc.source.uri, sha256=doc.source.sha256,
                          target=undone.target, op=undone.op, author=author, undoes=undone.id)
    op, kind, target_id, extra = rng.choice(choices)
    return correction_for(doc, op=op, kind=kind, target_id=target_id,  # type: ignore[arg-type]
                          author=author, **extra)


def check(reviewed: Reviewed, corrections: list[Correction]) -> None:
    """Nothing lost: one outcome each, conflicts listed, the newest `set` shown if it held."""
    outcomes = {o.correction_id: o for o in reviewed.outcomes}
    assert len(reviewed.outcomes) == len(corrections)
    assert set(outcomes) == {c.id for c in corrections}
    assert {o.status for o in reviewed.outcomes} <= {"applied", "absorbed", "conflict", "undone"}
    doc = reviewed.document
    listed = {i.where for i in doc.issues if i.code == "review_conflict"}
    assert listed == {f"correction {o.correction_id}" for o in reviewed.conflicts}
    Document.model_validate(doc.model_dump(mode="json"))
    if not corrections:
        return
    newest = corrections[-1]  # applied last: nothing after it can hide its value
    if newest.op == "set" and newest.undoes is None and outcomes[newest.id].status in (
            "applied", "absorbed"):
        holders: list[Any] = [doc] if newest.target.kind == "document" else (
            doc.plans if newest.target.kind == "plan" else walk(doc.outline))
        name = str(newest.target.field)
        assert any(same(getattr(h, name), newest.value) for h in holders), newest


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_no_correction_is_ever_lost(seed: int, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    sample = SAMPLES[seed % len(SAMPLES)]
    uri = f"samples/{sample.name}"
    data = sample.read_bytes()
    outline = extract.pipeline.blocks_to_outline
    current: list[Any] = [lambda root: None]
    monkeypatch.setattr(extract.pipeline, "blocks_to_outline",
                        lambda blocks: _changed(outline(blocks), current[0]))
    store = CorrectionStore(tmp_path / "catalog.sqlite")
    doc = parse_bytes(data, uri=uri)
    reviewed = apply(doc, [])
    made: list[Correction] = []
    for step in range(STEPS):
        if rng.random() < 0.7:
            correction = random_correction(reviewed.document, made, rng)
            store.append(correction)
            made.append(correction)
        else:  # a new extractor version
            current[0] = perturbation(rng)
            monkeypatch.setattr(extract.pipeline, "__version__", f"9.{seed}.{step}")
            doc = parse_bytes(data, uri=uri)
        corrections = store.for_document(uri)
        assert corrections == made  # the store loses nothing either
        reviewed = apply(doc, corrections)
        check(reviewed, corrections)
    store.close()


def _changed(root: Section, change: Any) -> Section:
    change(root)
    return root
