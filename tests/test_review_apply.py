"""Corrections applied to real extractions: each operation, and each correction ending applied,
absorbed, conflict or undone when the source or the extractor changes under it.

The document is a bundled real sample (綾瀬市's 行政改革大綱 page as text); "a new version of
the source" is that text with one printed line changed, parsed by the real pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extract.pipeline import parse_bytes
from extract.review.apply import apply
from extract.review.make import correction_for
from extract.review.records import Anchor, Correction
from extract.schema import Document, Node, NodeKind, walk
from extract.validate import semantic_problems

SAMPLE = Path(__file__).resolve().parents[1] / "raw" / "samples" / "000_a41e65aa208a94a2.txt"
URI = "samples/000_a41e65aa208a94a2.txt"
COOPERATION = (" (3)市民との協働による行政経営を推進します\n"
               " 市民と行政が互いに良きパートナーとして協力し合い、共通の目標を実現する"
               "「協働」のまちづくりを推進します。\n")  # a heading and its body, as printed


def extract(replace: dict[str, str] | None = None) -> Document:
    """The sample extracted, with printed lines replaced first (a new version of the source)."""
    text = SAMPLE.read_text("utf-8")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return parse_bytes(text.encode(), uri=URI)


@pytest.fixture(scope="module")
def doc() -> Document:
    return extract()


def node(doc: Document, title: str, parent: str | None = None) -> Node:
    found = [n for n in walk(doc.outline) if n.title == title]
    if parent is not None:
        parents = {c.id: p for p in walk(doc.outline) for c in p.children}
        found = [n for n in found if parents[n.id].title == parent]
    assert len(found) == 1, [n.id for n in found]
    return found[0]


def fix(doc: Document, op: str, *, node_title: str | None = None, plan: str | None = None,
        **kwargs: Any) -> Correction:
    """A correction of `doc` as the review app makes it."""
    if node_title is not None:
        return correction_for(doc, op=op, kind="node", target_id=node(doc, node_title).id,
                              author="reviewer", **kwargs)  # type: ignore[arg-type]
    if plan is not None:
        (target,) = [p for p in doc.plans if p.title == plan]
        return correction_for(doc, op=op, kind="plan", target_id=target.id,
                              author="reviewer", **kwargs)  # type: ignore[arg-type]
    return correction_for(doc, op=op, kind="document", author="reviewer",  # type: ignore[arg-type]
                          **kwargs)


def statuses(doc: Document, corrections: list[Correction]) -> list[str]:
    return [o.status for o in apply(doc, corrections).outcomes]


def test_every_operation_applies_then_is_absorbed_by_its_own_result(doc: Document) -> None:
    corrections = [
        fix(doc, "set", node_title="策定の趣旨", field="title", value="策定の趣旨と目的"),
        fix(doc, "delete", node_title="適正な職員配置"),
        fix(doc, "set_period", plan="あやせ経営戦略プラン",
            value={"start": "FY2006", "end": "FY2016"}),
        fix(doc, "not_heading", node_title="「成果志向」の行政経営を推進します"),
        fix(doc, "add_measure", node_title="基本的な取り組み",
            value={"title": "情報の共有化の推進"}),
        fix(doc, "set_role", plan="あやせ集中改革プラン", value="referenced"),
        fix(doc, "insert_under", value={"label": "4", "title": "附則"}),
        fix(doc, "set", field="title", value="あやせ経営戦略プラン"),
    ]
    reviewed = apply(doc, corrections)
    assert [o.status for o in reviewed.outcomes] == ["applied"] * len(corrections)
    out = reviewed.document
    assert list(semantic_problems(out)) == []
    titles = [n.title for n in walk(out.outline)]
    assert "策定の趣旨と目的" in titles and "策定の趣旨" not in titles
    assert "適正な職員配置" not in titles
    assert "「成果志向」の行政経営を推進します" not in titles
    merged = node(out, "基本方針〜行政運営から行政経営へ〜")
    assert "(1) 「成果志向」の行政経営を推進します" in merged.text
    added = node(out, "情報の共有化の推進")
    assert added.kind is NodeKind.MEASURE and added.id == f"n-r{corrections[4].id[:12]}"
    assert out.outline[-1].title == "附則" and out.title == "あやせ経営戦略プラン"
    plan = next(p for p in out.plans if p.title == "あやせ経営戦略プラン")
    assert plan.period and (plan.period.end, str(plan.period.end_date)) == ("FY2016",
                                                                           "2017-03-31")
    # The raw document is untouched, and applying to the reviewed one changes nothing more.
    assert node(doc, "策定の趣旨").title == "策定の趣旨"
    assert statuses(out, corrections) == ["absorbed"] * len(corrections)
    assert apply(doc, corrections).document == out  # a pure function


def test_a_new_version_that_changed_what_the_reviewer_saw_is_a_conflict_with_both_values(
        doc: Document) -> None:
    period = fix(doc, "set_period", plan="あやせ経営戦略プラン",
                 value={"start": "FY2006", "end": "FY2016"})
    title = fix(doc, "set", node_title="策定の趣旨", field="title", value="策定の趣旨と目的")
    gone = fix(doc, "set", node_title="市民との協働による行政経営を推進します", field="title",
               value="協働の推進")
    changed = extract({"平成18年から27年度までを計画期間": "平成19年から28年度までを計画期間",
                       "1 策定の趣旨": "1 策定の目的",
                       COOPERATION: ""})
    reviewed = apply(changed, [period, title, gone])
    first, second, third = reviewed.outcomes
    assert (first.status, first.detail) == ("conflict", "the value the reviewer saw has changed")
    assert first.current["end"] == "FY2016" or first.current["start"] == "FY2007"
    assert first.wanted == {"start": "FY2006", "end": "FY2016"}
    # The retitled heading is found by its body under the same parent: its title changed.
    assert (second.status, second.current, second.wanted) == ("conflict", "策定の目的",
                                                              "策定の趣旨と目的")
    assert third.status == "conflict" and third.detail.startswith("target gone: no node")
    # All are listed on the reviewed document, and the extraction's values are kept.
    assert [i.where for i in reviewed.document.issues if i.code == "review_conflict"] == [
        f"correction {c.id}" for c in (period, title, gone)]
    assert reviewed.document.plans == changed.plans


def test_a_new_version_that_gives_the_corrected_value_absorbs_the_correction(
        doc: Document) -> None:
    corrections = [
        fix(doc, "set_period", plan="あやせ経営戦略プラン",
            value={"start": "FY2006", "end": "FY2016"}),
        fix(doc, "set", node_title="策定の趣旨", field="title", value="策定の目的"),
        fix(doc, "delete", node_title="組織のスリム化を進め効率的な行政経営を推進します"),
    ]
    changed = extract({"平成18年から27年度までを計画期間": "平成18年から28年度までを計画期間",
                       "1 策定の趣旨": "1 策定の目的",
                       " (2)組織のスリム化を進め効率的な行政経営を推進します\n": ""})
    assert statuses(changed, corrections) == ["absorbed", "absorbed", "absorbed"]


def test_a_retitled_parent_changes_only_its_childrens_ids_and_anchors_catch_them(
        doc: Document) -> None:
    child = "組織のスリム化を進め効率的な行政経営を推進します"
    correction = fix(doc, "set", node_title=child, field="title", value="組織のスリム化の推進")
    changed = extract({"2 基本方針〜行政運営から行政経営へ〜": "2 基本方針"})
    assert node(changed, child).id != node(doc, child).id  # its parent's heading is in its id
    untouched = {n.id for n in walk(doc.outline)} & {n.id for n in walk(changed.outline)}
    assert len(untouched) >= len(list(walk(doc.outline))) - 10  # the rest keep theirs
    assert statuses(changed, [correction]) == ["applied"]


def test_an_anchor_finds_a_node_whose_id_changed_and_refuses_to_guess(doc: Document) -> None:
    # "1 職員自らの改革" heads a chapter of each 期's plan.
    third = "第3期あやせ集中改革プラン(平成25年度から平成27年度)"
    target = node(doc, "職員自らの改革", parent=third)
    made = correction_for(doc, op="set", kind="node", target_id=target.id, field="title",
                          value="職員の改革", author="reviewer")
    assert made.target.anchor is not None
    renumbered = made.model_copy(update={"target": made.target.model_copy(
        update={"id": "n-000000000000"})})
    reviewed = apply(doc, [renumbered])
    assert reviewed.outcomes[0].status == "applied"
    assert node(reviewed.document, "職員の改革").id == target.id
    others = [n.id for n in walk(reviewed.document.outline) if n.title == "職員自らの改革"]
    assert others and target.id not in others  # the other plans' chapters stay
    bare = renumbered.model_copy(update={"target": renumbered.target.model_copy(
        update={"anchor": Anchor(label="1", title="職員自らの改革")})})
    (outcome,) = apply(doc, [bare]).outcomes
    assert outcome.status == "conflict" and "ambiguous" in outcome.detail


def test_an_undo_restores_the_extraction_and_an_undo_of_the_undo_reapplies(
        doc: Document) -> None:
    made = fix(doc, "delete", node_title="適正な職員配置")
    undo = made.model_copy(update={"id": "a" * 32, "undoes": made.id})
    redo = made.model_copy(update={"id": "b" * 32, "undoes": undo.id})
    reviewed = apply(doc, [made, undo])
    assert [o.status for o in reviewed.outcomes] == ["undone", "applied"]
    assert "適正な職員配置" in [n.title for n in walk(reviewed.document.outline)]
    again = apply(doc, [made, undo, redo])
    assert [o.status for o in again.outcomes] == ["applied", "undone", "applied"]
    assert "適正な職員配置" not in [n.title for n in walk(again.document.outline)]


def test_a_correction_that_would_make_an_invalid_document_is_a_conflict(doc: Document) -> None:
    backwards = fix(doc, "set_period", plan="あやせ経営戦略プラン",
                    value={"start": "FY2016", "end": "FY2006"})
    orphan = fix(doc, "set_parent", plan="あやせ集中改革プラン", value="p-nowhere")
    role = fix(doc, "set_role", plan="あやせ集中改革プラン", value="boss")
    reviewed = apply(doc, [backwards, orphan, role])
    assert [o.status for o in reviewed.outcomes] == ["conflict"] * 3
    assert "precedes its start" in reviewed.outcomes[0].detail
    assert reviewed.document.plans == doc.plans


def test_move_and_inserts_place_nodes_where_the_reviewer_put_them(doc: Document) -> None:
    section = node(doc, "基本的な取り組み")
    first = node(doc, "策定の趣旨")
    move = fix(doc, "move", node_title="基本的な取り組み",
               value={"under": {"kind": "node", "id": first.id}, "after": None})
    after = fix(doc, "insert_after", node_title="策定の趣旨",
                value={"label": "1-2", "title": "計画の位置づけ"})
    reviewed = apply(doc, [move, after])
    assert [o.status for o in reviewed.outcomes] == ["applied", "applied"]
    moved = node(reviewed.document, "策定の趣旨")
    assert [c.id for c in moved.children][:1] == [section.id]
    top = reviewed.document.outline[0].children
    assert [c.title for c in top][:2] == ["策定の趣旨", "計画の位置づけ"]
    # The destination carries an anchor too: found when the extractor renumbered it.
    assert isinstance(move.value, dict) and move.value["under"]["anchor"]["title"] == "策定の趣旨"
    renumbered = move.model_copy(update={"value": {"under": dict(
        move.value["under"], id="n-000000000000"), "after": None}})
    assert statuses(doc, [renumbered]) == ["applied"]
    cycle = fix(doc, "move", node_title="新行政改革大綱「あやせ経営戦略プラン」",
                value={"under": {"kind": "node", "id": first.id}})
    assert statuses(doc, [cycle]) == ["conflict"]


def test_a_correction_of_another_source_is_a_conflict_not_applied(doc: Document) -> None:
    made = fix(doc, "delete", node_title="適正な職員配置")
    other = made.model_copy(update={"document_uri": "samples/other.txt"})
    (outcome,) = apply(doc, [other]).outcomes
    assert outcome.status == "conflict" and "samples/other.txt" in outcome.detail


def test_values_of_the_wrong_shape_are_conflicts_never_a_crash(doc: Document) -> None:
    # hand-made records, as a hand-written JSON Lines file might hold them
    section = node(doc, "策定の趣旨")
    made = [
        fix(doc, "move", node_title="策定の趣旨", value={"under": "somewhere"}),
        fix(doc, "insert_under", node_title="策定の趣旨", value="a bare string"),
        fix(doc, "set", node_title="策定の趣旨", field="responsible", value=5),
        fix(doc, "set_period", plan="あやせ経営戦略プラン", value={"start": "H18"}),
        fix(doc, "add_measure", node_title="策定の趣旨", value={"title": "", "label": "1"}),
    ]
    reviewed = apply(doc, made)
    assert [o.status for o in reviewed.outcomes] == ["conflict"] * len(made)
    assert node(reviewed.document, "策定の趣旨") == section
