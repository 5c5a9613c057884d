"""Lines, features, labels, family depths, coverage, titles and `extract explain`.

Texts here are hand-made for the rule each test checks; real documents are read from
../shared/corpus where a test says so.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import shared_path

from extract.blocks import Block, BlockKind, Line, ReadResult
from extract.pipeline import parse_bytes
from extract.rules import load
from extract.schema import NodeKind, walk
from extract.structure import features as F
from extract.structure.classify import LineKind, classify, weights
from extract.structure.explain import explain_bytes, render
from extract.structure.lines import to_lines
from extract.structure.markers import compose, parse_marker
from extract.structure.title import clean_title, document_title
from extract.structure.tree import build_tree, family_depths


def _lines(*texts: str, kind: BlockKind = BlockKind.PARAGRAPH) -> list[Line]:
    _, lines = to_lines([Block(kind, t) for t in texts])
    return lines


def _fires(feature: F.Feature, texts: tuple[str, ...], i: int) -> bool:
    return feature(F.Context(tuple(_lines(*texts))), i)


# -- features: one line that matches, one that does not ------------------------------------------

@pytest.mark.parametrize(("feature", "yes", "no"), [
    (F.numbered, ("(2) 組織の見直し",), ("1-② 研修の充実",)),
    (F.compound_label, ("1-② 研修の充実",), ("(2) 研修の充実",)),
    (F.bullet, ("■ 基本方針",), ("基本方針",)),
    (F.bracketed, ("【基本理念】",), ("【参考】用語",)),
    (F.sentence, ("(1) 研修を行う。",), ("(1) 研修の実施",)),
    (F.sentence_form, ("① 窓口では、時間を延長します",), ("① 窓口の時間を延長します",)),
    (F.open_end, ("住民本位の行政と",), ("行政の実現",)),
    (F.long_title, ("(1) " + "あ" * 61,), ("(1) 研修",)),
    (F.short, ("計画の位置づけ",), ("1 研修",)),
    (F.no_letters, ("(3) 2,400",), ("(3) 猫",)),
    (F.numeric, ("4 月5月6月7月8月",), ("第2期計画",)),
    (F.unit_label, ("① 給水原価(円)",), ("① 給水原価",)),
    (F.caption, ("図1 人口の推移",), ("図書館の整備",)),
    (F.date_or_number, ("令和2年3月31日",), ("令和2年度の取組",)),
    (F.date_or_number, ("3 午後2時36分",), ("3 午後の部",)),
    (F.field_value, ("電話:048-536-2465",), ("基本方針 ~行政から経営へ~",)),
    (F.attachment_tag, ("別紙3",), ("(別紙)投稿記事目録",)),
    (F.annotation, ("(平7条例16・一部改正)",), ("(1) 研修",)),
    (F.supplementary, ("附 則",), ("附則の規定により読み替える。",)),
    (F.form_section, ("事 実 及 び 理 由",), ("主文の内容について",)),
    (F.form_section, ("(被告の主張)",), ("(市民の主張)",)),
    (F.contents_entry, ("第1章 総則(第1条―第3条)",), ("第1章 総則",)),
    (F.spaced_labels, ("本市 類似団体平均 全国町村平均",), ("全 職 員",)),
    (F.stray_rule, ("| |区が指定してい",), ("避難行動判定フロー",)),
])
def test_feature_on_one_line(feature: F.Feature, yes: tuple[str, ...], no: tuple[str, ...]
                             ) -> None:
    # Hand-made lines; a second line follows so that "last line" plays no part.
    assert _fires(feature, (*yes, "本文です。"), 0)
    assert not _fires(feature, (*no, "本文です。"), 0)


def test_bullet_run_is_a_list_and_a_lone_bullet_is_not() -> None:
    assert _fires(F.in_bullet_run, ("・ホームページ", "・広報紙"), 1)
    assert not _fires(F.in_bullet_run, ("■ 基本方針", "方針を定める。"), 0)


def test_ordinal_run_needs_a_neighbour_number() -> None:
    texts = ("(1) 研修", "本文。", "(2) 評価", "(5) 孤立")
    assert _fires(F.ordinal_run, texts, 0) and _fires(F.ordinal_run, texts, 2)
    assert not _fires(F.ordinal_run, texts, 3)


def test_announced_items_follow_a_list_cue() -> None:
    texts = ("委員は、次に掲げる者とする。", "(1) 市議会議員", "(2) 学識経験者")
    assert _fires(F.announced_item, texts, 1) and _fires(F.announced_item, texts, 2)
    assert not _fires(F.announced_item, ("1 方針", "(1) 研修の充実"), 1)


def test_article_caption_over_its_number() -> None:
    assert _fires(F.article_caption, ("(設置)", "第1条 審議会を置く。"), 0)
    assert not _fires(F.article_caption, ("(平7条例16・一部改正)", "この条例は施行する。"), 0)


def test_cut_mid_sentence_needs_a_short_continuation() -> None:
    assert _fires(F.cut_mid_sentence, ("2. 契約の締結及び関係書類に", "関する一切の件"), 0)
    assert not _fires(F.cut_mid_sentence, ("1 はじめに", "本計画は、市の方針を定める。"), 0)


def test_repeated_short_label() -> None:
    texts = ("様式2", "本文。", "様式2", "本文。", "様式2")
    assert _fires(F.repeated, texts, 0)
    assert not _fires(F.repeated, ("計画の趣旨", "本文。"), 0)


def _sized(text: str, size: float | None, page: int = 1, top: float = 0.0,
           kind: BlockKind = BlockKind.PARAGRAPH, level: int | None = None) -> Block:
    return Block(kind, text, level=level, page=page, font_size=size,
                 bbox=(0.0, top, 100.0, top + (size or 10.0)))


def test_sizes_and_gaps_are_relative_to_body_text() -> None:
    # Hand-made: body at 10pt, a 14pt line with 20pt of space above and below it.
    blocks = [_sized("本文の一行目です。" * 3, 10.0, top=0.0), _sized("見出し", 14.0, top=30.0),
              _sized("本文の二行目です。" * 3, 10.0, top=64.0)]
    _, lines = to_lines(blocks)
    assert lines[1].size == 1.4 and lines[0].size == 1.0
    assert lines[1].gap_above == pytest.approx(20 / 14, abs=0.01)
    assert lines[1].gap_below == pytest.approx(2.0, abs=0.01)
    ctx = F.Context(tuple(lines))
    assert F.large(ctx, 1) and not F.large(ctx, 0)
    assert F.isolated(ctx, 1) and not F.isolated(ctx, 0)


def test_diagram_label_between_deeper_headings() -> None:
    # Hand-made slide: a level-1 box label holding only fragments, between level-2 headings.
    blocks = [_sized("取組の方向", 12, kind=BlockKind.HEADING, level=2),
              _sized("本文です。" * 5, 10),
              _sized("基本理念", 16, kind=BlockKind.HEADING, level=1),
              _sized("住民視点に沿った", 10), _sized("利便性の高い行政", 10),
              _sized("推進体制", 12, kind=BlockKind.HEADING, level=2)]
    ctx = F.Context(tuple(to_lines(blocks)[1]))
    assert F.diagram_label(ctx, 2)
    assert not F.diagram_label(ctx, 0) and not F.diagram_label(ctx, 5)
    # The same place taken by "3." after "1." and "2." of a run is a heading of the run.
    numbered = [_sized("1.人口の現状", 16, kind=BlockKind.HEADING, level=1),
                _sized("本文です。" * 5, 10), _sized("2.将来の見通し", 16, kind=BlockKind.HEADING,
                                                 level=1),
                *blocks[:2], _sized("3.特性と課題", 16, kind=BlockKind.HEADING, level=1),
                *blocks[3:]]
    ctx = F.Context(tuple(to_lines(numbered)[1]))
    assert not F.diagram_label(ctx, 5)


# -- the grammar and the weights ---------------------------------------------------------------

def test_fragments_compose_and_quantifiers_stay() -> None:
    assert compose("(?P<num>{kanji}{1,3})", {"kanji": "[一二三]"}) == "(?P<num>[一二三]{1,3})"
    marker = parse_marker("(ウ) 手続の見直し")
    assert marker is not None and (marker.family, marker.num) == ("paren_kata", 3)


def test_every_weight_names_a_feature_and_every_feature_has_a_weight() -> None:
    names = set(load("line_weights")["weights"])
    assert names == set(F.FEATURES)
    assert weights()[1]["markup"] > 0 > weights()[1]["sentence"]


# -- labels --------------------------------------------------------------------------------------

def test_labels_and_their_evidence() -> None:
    # Hand-made plain text.
    lines = _lines("計画の趣旨", "本計画は市の方針を定めるものである。", "1 推進体制",
                   "・ホームページ", "・広報紙", "図1 組織図", "施策\t担当課")
    lines[-1] = replace(lines[-1], kind=BlockKind.TABLE_ROW, cells=("施策", "担当課"),
                        cell=(0, 0, 0))
    labels = classify(lines)
    kinds = [label.kind for label in labels]
    assert kinds == [LineKind.HEADING, LineKind.BODY, LineKind.HEADING, LineKind.LIST_ITEM,
                     LineKind.LIST_ITEM, LineKind.CAPTION, LineKind.TABLE_CELL]
    assert labels[2].evidence[0] == "numbered" and labels[2].confidence > 0.5
    assert "sentence" in labels[1].evidence and labels[1].confidence > 0.9
    assert "in_bullet_run" in labels[4].evidence


# -- the tree ------------------------------------------------------------------------------------

def test_family_depth_from_ordinal_runs_of_the_whole_document() -> None:
    # Hand-made: (1) first appears before any "1", yet every run of (n) restarts under a "1".
    texts = ("(1) 前文", "本文。", "1 総論", "本文。", "(1) 趣旨", "本文。", "(2) 位置づけ",
             "本文。", "2 各論", "本文。", "(1) 組織", "本文。", "(2) 人事", "本文。")
    lines = _lines(*texts)
    labels = classify(lines)
    depths = family_depths(lines, labels)
    assert depths["num"] < depths["paren_num"]
    root = build_tree(lines, labels)
    assert [c.title for c in root.children] == ["前文", "総論", "各論"]
    assert [c.title for c in root.children[2].children] == ["組織", "人事"]


# -- coverage ------------------------------------------------------------------------------------

def test_every_line_of_text_is_in_one_node() -> None:
    # Hand-made: text before the first heading, a heading, a table under it.
    text = ("市の計画\n\nこの文書は市の方針を示す。\n\n1 取組\n取組を進める。\n"
            "施策\t担当課\n研修の充実\t人事課\n")
    doc = parse_bytes(text.encode(), uri="hand-made.txt")
    first = doc.outline[0]
    assert first.kind is NodeKind.PREAMBLE and first.title is None
    assert first.text == "この文書は市の方針を示す。"
    covered = "\n".join(n.text for n in walk(doc.outline)) + "\n" + "\n".join(
        f"{n.label or ''} {n.title}" for n in walk(doc.outline) if n.title)
    for line in doc.text.splitlines():
        assert any(part in covered for part in line.split("\t")), line


# -- titles --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("おはようございます。", None),
    ("第5次総合計画\t基本構想", "第5次総合計画 基本構想"),
    ("", None),
    ("1", None),
])
def test_clean_title(text: str, expected: str | None) -> None:
    assert clean_title(text) == expected


def test_council_bill_title_is_its_subject() -> None:
    # Hand-made first page of a bill; the reader's title is a leftover of another file.
    blocks = [_sized("議案第9号", 10, top=0), _sized("第3次市総合計画の策定について", 10, top=20),
              _sized("第3次市総合計画を別紙のとおり策定する。", 10, top=40)]
    result = ReadResult(blocks, "application/pdf", title="市審議会条例の一部を改正する条例")
    assert document_title(result, blocks, "gian/x.pdf")[0] == "第3次市総合計画の策定について"


def test_cover_title_takes_its_neighbouring_large_lines_and_no_title_takes_the_file_name(
) -> None:
    # Hand-made cover: series, title, edition, then a date and the publisher.
    cover = [_sized("入札参加資格審査の手引き", 20, top=0), _sized("工事の申請", 30, top=40),
             _sized("令和7年度定期申請", 24, top=80), _sized("2024年11月8日", 14, top=200),
             _sized("審査協議会", 18, top=240), _sized("本文です。" * 9, 10, page=2)]
    result = ReadResult(cover, "application/pdf", title="工事の申請")
    assert document_title(result, cover, "a.pdf")[0] == \
        "入札参加資格審査の手引き 工事の申請 令和7年度定期申請"
    plain = [_sized("主文", 10), _sized("被告は、原告に対し金員を支払え。" * 3, 10)]
    none = ReadResult(plain, "application/pdf")
    assert document_title(none, plain, "/data/judgment-87071.pdf")[0] == "judgment-87071"


def test_a_cover_title_stops_at_the_first_chapters_heading() -> None:
    # Hand-made: the reader joined the cover's large lines, the first chapter's among them.
    blocks = [_sized("下水道事業経営戦略(案)", 20, top=0), _sized("1.事業概要", 16, top=40),
              _sized("本文です。" * 9, 10, top=80)]
    result = ReadResult(blocks, "application/pdf", title="下水道事業経営戦略(案) 1.事業概要")
    assert document_title(result, blocks, "a.pdf")[0] == "下水道事業経営戦略(案)"


# -- explain -------------------------------------------------------------------------------------

def test_explain_a_plain_text() -> None:
    # Hand-made.
    out = render(explain_bytes("計画\n\n1 方針\n方針を定める。\n".encode(), "hand-made.txt"))
    assert "heading" in out and "+numbered" in out and "tree:" in out
    assert "  1 方針" in out


@pytest.mark.parametrize("parts", [
    ("corpus", "seeds", "004_d3590a2c8a5fdfc2.txt"),
    ("corpus", "html", "sabae_reiki_html", "r400RG00000063.html"),
    ("corpus", "pdf", "nankoku_gikai",
     "議案第２１号：第５次南国市総合計画基本構想の策定について.pdf"),
])
def test_explain_command_on_text_html_and_pdf(parts: tuple[str, ...]) -> None:
    path = shared_path(*parts)
    run = subprocess.run([sys.executable, "-m", "extract", "explain", str(path)],
                         capture_output=True, text=True, check=True)
    rows = run.stdout.splitlines()
    assert rows[0].startswith("title: ") and "tree:" in rows
    assert any(" heading " in row for row in rows)


def test_numbered_runs_outrank_type_sizes() -> None:
    # Hand-made PDF headings: a large unnumbered heading with a body of its own before "1.",
    # and one set large between "1." and "2.", are a sibling and a child of the run.
    def head(text: str, level: int) -> Block:
        return _sized(text, 20.0 - level, kind=BlockKind.HEADING, level=level)

    body = _sized("本文です。" * 6, 10.0)
    blocks = [head("年表", 1), body, head("1. 総論", 2), body, head("<特例>", 1), body,
              head("2. 各論", 2), body, head("3. 推進", 2), body]
    _, lines = to_lines(blocks)
    root = build_tree(lines, classify(lines))
    assert [c.title for c in root.children] == ["年表", "総論", "各論", "推進"]
    assert [c.title for c in root.children[1].children] == ["特例"]
    titled = [head("第3次総合計画", 1), head("1. 総論", 2), body, head("2. 各論", 2), body]
    _, lines = to_lines(titled)
    root = build_tree(lines, classify(lines))
    assert [c.title for c in root.children] == ["第3次総合計画"]


def test_slide_titles_name_their_series() -> None:
    # Hand-made deck: two slides titled "方針~…~"; the document is the series.
    blocks = [_sized("推進方針~国の動向~", 20, top=0), _sized("本文です。" * 5, 10, top=40),
              _sized("推進方針~本市の取組~", 20, page=2), _sized("本文です。" * 5, 10, page=2)]
    result = ReadResult(blocks, "application/pdf", title="推進方針~国の動向~")
    assert document_title(result, blocks, "a.pdf")[0] == "推進方針"
