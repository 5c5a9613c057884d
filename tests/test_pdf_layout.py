"""Reading order, tables, furniture and headings on real pages (each a named regression)."""

from __future__ import annotations

import pytest

from extract.blocks import BlockKind, ReadResult
from tests.pdf_helpers import BUDGET, flat, read, texts

pytestmark = pytest.mark.corpus

KOUDOU = "nepp-chan_otoineppu/koudoukeikaku.pdf"
KANSUI = "nepp-chan_otoineppu/kansui_keieis.pdf"
DX = "nankoku_gikai/南国市ＤＸ推進方針_R040224.pdf"
KIHON = "nankoku_gikai/議案第２１号：第５次南国市総合計画基本構想の策定について.pdf"


def headings(result: ReadResult) -> list[tuple[int, str]]:
    return [(b.level or 0, b.text) for b in result.blocks if b.kind is BlockKind.HEADING]


def test_target_and_promoter_columns_stay_paired() -> None:
    """koudoukeikaku.pdf: the 推進者 column sits beside each 目標 line by line; rows pair
    each goal with its promoters, several promoters one per line."""
    rows = [b for b in read(KOUDOU).blocks if b.kind is BlockKind.TABLE_ROW]
    header = rows[0]
    assert header.header and header.cells == ("目標", "推進者")
    first = rows[1]
    assert first.cells[0].startswith("①母性保護及び母性の健康管理、仕事と子育ての両立支援の観点")
    assert first.cells[1] == "総務課長\n所属長"
    assert any(r.cells[1] == "総務課長\n所属長\n職員" for r in rows)


def test_table_split_by_a_page_break_is_one_table() -> None:
    """koudoukeikaku.pdf: (５)休暇の取得の推進 starts on page 4 and goes on on page 5."""
    rows = [b for b in read(KOUDOU).blocks if b.kind is BlockKind.TABLE_ROW]
    start = next(r for r in rows if r.cells[0].startswith("①管理職に対して"))
    carried = next(r for r in rows if r.cells[0].startswith("②職員が年次休暇の取得"))
    assert (start.page, carried.page) == (4, 5)
    assert carried.table == start.table and carried.row == (start.row or 0) + 1


def test_marker_headings_rank_by_family_within_one_size() -> None:
    """koudoukeikaku.pdf sets every heading in body size: 第１章 > １ > ◎ > (１)."""
    levels = dict((t, lv) for lv, t in headings(read(KOUDOU)))
    assert levels["第１章 総論"] < levels["１ はじめに"] < levels["◎計画の策定・推進"]
    assert levels["１ 職員の勤務環境の整備に関する事項"] \
        < levels["(１)妊娠中及び出産後における配慮"]


def test_cover_page_is_title_not_heading() -> None:
    result = read(KOUDOU)
    assert result.title == "音威子府村特定事業主行動計画 第２次"
    assert not [b for b in result.blocks if b.page == 1 and b.kind is BlockKind.HEADING]


def test_font_size_ranks_heading_levels() -> None:
    """kansui_keieis.pdf: １．(16 pt) > （１）(14 pt) > ①(14 pt, later family)."""
    levels = dict((t, lv) for lv, t in headings(read(KANSUI)))
    assert levels["１．事業概要"] < levels["（１）事業の現況"] < levels["① 給水"]
    assert "音威子府村簡易水道事業経営戦略" not in levels  # the title, set apart as title
    assert read(KANSUI).title == "音威子府村簡易水道事業経営戦略"


def test_unmarked_title_at_body_size() -> None:
    """議案第２１号: 第５次南国市総合計画（基本構想） heads page 2 in body size, alone."""
    found = headings(read(KIHON))
    assert found[0][1] == "第５次南国市総合計画（基本構想）"
    assert found[0][0] < dict((t, lv) for lv, t in found)["第１章 南国市の将来像"]
    # lines set alike in a row (まちづくり目標１…３) are a list, not headings
    assert not any(t.startswith("まちづくり目標") for _, t in found)


def test_slide_boxes_read_box_by_box() -> None:
    """南国市ＤＸ推進方針: five narrow boxes side by side, each wrapping its items."""
    result = read(DX)
    items = texts(result)
    assert "・情報技術を活用した業務改革" in items
    assert "・オープンデータの推進と官民データ活用の推進" in items
    assert "・すべての住民がデジタルを活用できる環境整備" not in items
    titles = [t for _, t in headings(result)]
    assert "南国市ＤＸ推進方針～国の動向～" in titles and "南国市ＤＸ推進計画全体像（案）" in titles
    assert "人材育成" in titles


def test_running_header_goes_to_metadata() -> None:
    result = read(DX)
    assert "令和４年２月24日南国市企画課作成" not in flat(result)
    assert result.metadata["running_headers"] == ["令和４年２月24日南国市企画課作成"]


def test_contents_page_confirms_headings_and_leaves_the_content() -> None:
    """jishin202003.pdf: a 目次 whose leaders are drawn dots and whose page numbers form a
    column of their own."""
    result = read("nepp-chan_otoineppu/jishin202003.pdf")
    toc = result.metadata["toc"]
    assert "第１節 計画策定の目的" in toc and "第４章 災害復旧・被災者援護計画" in toc
    assert not [b for b in result.blocks if b.page in (3, 4)]
    assert (2, "第１節 計画策定の目的") in headings(result)


def test_vertical_writing_reads_top_down_right_to_left() -> None:
    """jo.pdf: 縦書き with a vertical font."""
    assert texts(read("pdfminer_samples/jo.pdf"))[:3] == [
        "序", "わたくしといふ現象は", "假定された有機交流電燈の"]


def test_vertical_writing_set_with_a_horizontal_font() -> None:
    """kampo.pdf: a 官報 page whose columns are characters placed one under another."""
    found = texts(read("pdfminer_samples/kampo.pdf"))
    assert "道路交通法施行令の一部を改正する政令" in found
    assert "政令第百四十九号" in found


@pytest.mark.slow
def test_rotated_pages_and_page_numbers_of_the_budget() -> None:
    """The 148-page budget: /Rotate pages read upright, ― 52 ― page numbers and the running
    一般会計 go, the 目次 is recognised, the revenue table reads by rows."""
    result = read(BUDGET)
    assert result.pages == 148 and not result.failed
    assert "一般会計予算" in result.metadata["toc"]
    assert not any(t.startswith(("―", "- ")) and t.rstrip("― -0123456789") == ""
                   for t in texts(result))
    rows = [b.cells for b in result.blocks if b.kind is BlockKind.TABLE_ROW and b.page == 9]
    assert ("1.市税", "", "５，８６０，６０９") in rows


@pytest.mark.slow
def test_landscape_table_printed_sideways() -> None:
    """R7shinseitebiki: 表－２ is a landscape table turned on portrait pages."""
    result = read("nepp-chan_otoineppu/R7shinseitebiki_kensetukouzi.pdf")
    page7 = [b for b in result.blocks if b.page == 7]
    assert page7 and page7[0].text.startswith("表－２")
    assert any(b.kind is BlockKind.TABLE_ROW for b in page7)
