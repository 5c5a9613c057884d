"""Measures on corpus documents without gold, checked by reading the pages.

Each expectation is what a person reads on the printed page (the action in a form's cell, a
list of projects, an expected effect that is not an action), not a copy of our output.
"""

from __future__ import annotations

from functools import cache

import pytest

from extract.pipeline import parse_file
from extract.schema import Document, Node, NodeKind, walk
from tests.conftest import shared_path

PDF = ("corpus", "pdf", "nepp-chan_otoineppu")


@cache
def _parsed(*parts: str) -> Document:
    return parse_file(shared_path(*parts))


def _measures(doc: Document) -> list[Node]:
    return [n for n in walk(doc.outline) if n.kind is NodeKind.MEASURE]


def _under(doc: Document, heading: str) -> list[Node]:
    """The measures anywhere below the first section whose title contains `heading`."""
    section = next(n for n in walk(doc.outline)
                   if n.kind is NodeKind.SECTION and heading in (n.title or ""))
    return [n for n in walk(section.children) if n.kind is NodeKind.MEASURE]


def test_a_management_strategy_form_gives_the_actions_in_its_cells() -> None:
    # 農業集落排水 経営戦略, page 4: the form's rows for 修繕費 and 委託費 state what the
    # village will do; the template's instructions (…を記載すること) are not actions.
    doc = _parsed(*PDF, "nousyuu_keieis.pdf")
    titles = [m.title or "" for m in _measures(doc)]
    assert any(t.startswith("突発的な事故や故障を未然に防ぐために") for t in titles), titles
    assert any("長期契約を検討します" in t for t in titles), titles
    assert not any("記載" in t for t in titles), titles


@pytest.mark.slow
def test_a_strategy_gives_its_projects_not_its_expected_effects() -> None:
    # 音威子府村 総合戦略, pages 11-16: each 施策 lists <主な事業> (actions) and
    # [期待される施策の主な効果] (results); the ◎施策の目標 line captions a KPI table.
    doc = _parsed(*PDF, "otoineppu_sogosenryaku.pdf")
    titles = [m.title or "" for m in _measures(doc)]
    for project in ("新規就農者対策事業", "短期移住希望者の受入事業", "学校紹介DVDの制作事業"):
        assert project in titles, titles
    assert "施策の目標" not in titles
    effects = [m.title for m in _under(doc, "期待される施策の主な効果")]
    assert effects == [], effects


@pytest.mark.slow
def test_a_strategy_links_its_kpi_rows_as_targets() -> None:
    # Page 13: 新規就農者数, 現状値 -, 目標値 5年間で3人 (2019年度).
    doc = _parsed(*PDF, "otoineppu_sogosenryaku.pdf")
    targets = [t for m in _measures(doc) for t in m.targets]
    farmers = next(t for t in targets if t.indicator == "新規就農者数")
    assert (farmers.value, farmers.unit) == ("3", "人")


@pytest.mark.slow
def test_a_disaster_plans_definitions_are_not_measures() -> None:
    # 地域防災計画 資料編: the 被害状況判定基準 table defines damage classes (…をいう。).
    doc = _parsed(*PDF, "siryou202003.pdf")
    titles = [m.title or "" for m in _measures(doc)]
    assert not any(t.rstrip("。").endswith("をいう") for t in titles), [
        t for t in titles if "をいう" in t][:5]
