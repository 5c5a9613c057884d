"""Outlines of corpus documents without gold, checked by hand against the page.

Each test states what a reader sees in the document (a heading's parent, its siblings), not
what the pipeline printed once.
"""

from __future__ import annotations

from functools import cache

import pytest

from extract.pipeline import parse_file
from extract.schema import Document, Node, NodeKind
from tests.conftest import shared_path

pytestmark = pytest.mark.corpus


@cache
def _doc(*parts: str) -> Document:
    return parse_file(shared_path("corpus", *parts))


def _heading(doc: Document, label: str | None, title: str) -> tuple[Node, Node | None]:
    """The first section headed `label` + `title` (title as printed, spaces ignored) and its
    parent section (None at the top)."""
    def find(nodes: list[Node], parent: Node | None) -> tuple[Node, Node | None] | None:
        for node in nodes:
            if node.kind is NodeKind.SECTION and node.label == label and \
                    (node.title or "").replace(" ", "") == title.replace(" ", ""):
                return node, parent
            hit = find(node.children, node)
            if hit is not None:
                return hit
        return None

    hit = find(doc.outline, None)
    assert hit is not None, f"no heading {label} {title}"
    return hit


def _sections(node: Node) -> list[str]:
    return [f"{c.label or ''}|{c.title}" for c in node.children if c.kind is NodeKind.SECTION]


def test_a_numbered_heading_printed_as_body_text_stays_in_its_run() -> None:
    # 地域防災計画: "3 北海道警察" opens a page in body type after "1" and "2" set in bold.
    doc = _doc("pdf", "nepp-chan_otoineppu", "jishin202003.pdf")
    section, _ = _heading(doc, "第3", "火薬類保安対策")
    assert _sections(section) == [
        "1|上川北部消防事務組合音威子府消防支署", "2|北海道", "3|北海道警察"]


def test_a_council_bills_numbered_items_are_siblings() -> None:
    # 辺地総合整備計画: (1) 字の名称, (2) 中心の位置, (3) 辺地度点数 under 1 辺地の概況.
    doc = _doc("pdf", "nankoku_gikai", "議案第37号：辺地総合整備計画変更（第５次）.pdf")
    section, parent = _heading(doc, "1", "辺地の概況")
    assert parent is None
    assert [s.split("|")[0] for s in _sections(section)] == ["(1)", "(2)", "(3)"]


def test_a_chapters_numbered_goals_set_larger_than_the_chapter_stay_under_it() -> None:
    # 総合戦略: chapter "Ⅲ." holds the four basic goals "1."–"4.", each printed in larger type
    # than the chapter heading; each goal holds its [現状と課題] and [具体的な施策].
    doc = _doc("pdf", "nepp-chan_otoineppu", "otoineppu_sogosenryaku.pdf")
    chapter, parent = _heading(doc, "Ⅲ.", "音威子府村の総合戦略")
    assert parent is None
    goals = [s for s in _sections(chapter) if s[:1].isdigit()]
    assert [g.split("|")[0] for g in goals] == ["1.", "2.", "3.", "4."]
    goal, _ = _heading(doc, "2.", "卒業生のための雇用の場の創出")
    assert _sections(goal)[:2] == ["|現状と課題", "|具体的な施策"]


def test_a_chapter_title_printed_atop_every_page_is_no_heading() -> None:
    # 白書: "第1章 国土交通分野における…" runs along the top of each of the 27 pages.
    doc = _doc("pdf", "aurochs_govpdf", "mlit-hakusho-r07-np101100.pdf")

    def titles(nodes: list[Node]) -> list[str]:
        out: list[str] = []
        for node in nodes:
            if node.kind is NodeKind.SECTION:
                out.append(node.title or "")
            out.extend(titles(node.children))
        return out

    found = titles(doc.outline)
    assert not any(t.startswith("国土交通分野における担い手不足等") for t in found)
    assert "長時間労働の是正等" in found


def test_chart_titles_over_their_axes_are_no_headings() -> None:
    # 経営戦略 (農業集落排水): the 経営比較分析表 page prints eleven indicator charts, each
    # titled "①収益的収支比率(%)" over its axis "110.00, 108.00 …"; its sections are
    # "1. 経営の健全性・効率性" and "2. 老朽化の状況".
    doc = _doc("pdf", "nepp-chan_otoineppu", "nousyuu_keieis.pdf")
    section, _ = _heading(doc, None, "経営比較分析表")
    found = _sections(section)
    assert "1.|経営の健全性・効率性" in found and "2.|老朽化の状況" in found
    assert not any("比率" in s or "原価" in s for s in found)


def test_a_bylaws_distribution_list_heads_none_of_its_articles() -> None:
    # 規程: "庁中一般" / "各出先機関" (where it is sent) stand above 第1条; the articles hang
    # from the bylaw's title alone.
    doc = _doc("html", "sabae_reiki_html", "r400RG00000546.html")
    top = [n for n in doc.outline if n.kind is NodeKind.SECTION]
    assert len(top) == 1
    assert _sections(top[0])[:2] == ["第1条|設置", "第2条|政策会議の構成"]


def test_a_bylaws_contents_and_a_deleted_article_head_nothing() -> None:
    # 規則: 目次 lists 第1章–第5章 with their article ranges; 第10条 is "削除" (deleted);
    # 第3章 holds 第9条 to 第23条 and 第4章 stands beside it.
    doc = _doc("html", "sabae_reiki_html", "r400RG00000056.html")
    top = [n for n in doc.outline if n.kind is NodeKind.SECTION]
    chapters = [s for s in _sections(top[0]) if s.startswith("第")]
    assert chapters == [
        "第1章|総則", "第2章|本庁", "第3章|出先機関", "第4章|職制", "第5章|附属機関"]
    chapter3, _ = _heading(doc, "第3章", "出先機関")
    articles = _sections(chapter3)
    assert articles[0] == "第9条|嚮陽会館" and articles[-1] == "第23条|環境衛生センター"
    assert "第10条の2|消費生活センター" in articles


def _titles(doc: Document) -> list[str]:
    out: list[str] = []

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            if node.kind is NodeKind.SECTION:
                out.append(f"{node.label or ''}{node.title}")
            walk(node.children)

    walk(doc.outline)
    return out


def test_verse_has_no_headings() -> None:
    # 宮沢賢治「春と修羅」序: short lines of verse, none of them a heading.
    assert _titles(_doc("pdf", "pdfminer_samples", "jo.pdf")) == []


def test_a_slide_decks_diagram_labels_are_no_headings_but_its_numbered_strategies_are() -> None:
    # ステップアップ戦略 (a slide deck flattened to text): the 総括図's boxes ("策定・改定",
    # "トップダウン", "進捗管理") head nothing; the four strategies are numbered headings.
    found = _titles(_doc("seeds", "003_55fed4913e2e52af.txt"))
    assert not {"策定・改定", "トップダウン", "進捗管理", "タスクフォース"} & set(found)
    for strategy in ("1.市民満足度向上戦略", "2.分権推進システム構築戦略",
                     "3.市民サービス力向上戦略", "4.市民協働推進戦略"):
        assert strategy in found
