"""The outline stage on hand-made texts, one rule each (the real documents are in test_gold)."""

from __future__ import annotations

import pytest

from extract.pipeline import parse_bytes
from extract.schema import Node, NodeKind
from extract.structure.outline import parse_marker


def _tree(text: str) -> list[str]:
    """The section tree of a plain text as indented "label title" lines."""
    doc = parse_bytes(text.encode("utf-8"), uri="hand-made.txt")
    lines: list[str] = []

    def walk(nodes: list[Node], depth: int) -> None:
        for n in nodes:
            if n.kind is NodeKind.SECTION:
                lines.append("  " * depth + f"{n.label or ''}|{n.title}")
                walk(n.children, depth + 1)

    walk(doc.outline, 0)
    return lines


@pytest.mark.parametrize(("text", "family", "label", "title"), [
    ("(1)「成果志向」の行政経営", "paren_num", "(1)", "「成果志向」の行政経営"),
    ("第2章 具体的な内容", "sho", "第2章", "具体的な内容"),
    ("1-③ 定員管理と組織の見直し", "dash_circled", "1-③", "定員管理と組織の見直し"),
    ("① 挑戦と進化", "circled", "①", "挑戦と進化"),
    ("その2.身近な市役所実現プロジェクト", "sono", "その2.", "身近な市役所実現プロジェクト"),
    ("<基本理念>", "bracket<", None, "基本理念"),
    ("■アクションプラン", "bullet■", None, "アクションプラン"),
    ("ア 取組の方向", "katakana_space", "ア", "取組の方向"),
])
def test_markers(text: str, family: str, label: str | None, title: str) -> None:
    marker = parse_marker(text)
    assert marker is not None
    assert (marker.family, marker.label, marker.title) == (family, label, title)


@pytest.mark.parametrize("text", [
    "1年間の取組", "30人(4.6%)削減", "2023 2024 2025", "アクションプランの策定", "1.5倍に増加",
])
def test_not_markers(text: str) -> None:
    assert parse_marker(text) is None


def test_numbering_restart_under_periods_nests() -> None:
    # Hand-made: 1, 2 restart under each 第N期, and (1) nests under 1.
    text = ("集中改革プラン\n\n第1期 前半の取組\n1 職員\n(1) 研修\n(2) 評価\n2 組織\n\n"
            "第2期 後半の取組\n1 職員\n2 組織\n")
    assert _tree(text) == [
        "第1期|前半の取組", "  1|職員", "    (1)|研修", "    (2)|評価", "  2|組織",
        "第2期|後半の取組", "  1|職員", "  2|組織",
    ]


def test_same_family_restart_nests_by_indentation() -> None:
    # Hand-made after a flattened web page: "1." under "1." indented deeper.
    text = ("行政改革大綱\n\n推進体制\n\n推進体制\n\n  1. 計画構成\n"
            "    1. 実行計画\n     本文です。\n"
            "    2. 個別改革進行プラン\n     本文です。\n  2. 推進組織\n     本文です。\n")
    assert _tree(text) == [
        "|推進体制", "  |推進体制", "    1.|計画構成", "      1.|実行計画",
        "      2.|個別改革進行プラン", "    2.|推進組織",
    ]


def test_unmarked_group_heading_holds_the_ones_after_it() -> None:
    # Hand-made: a heading directly over another heading is a group over its siblings.
    text = ("大綱の本文\n\n序論\n経緯\n 本文です。\n基本姿勢\n 本文です。\n"
            "大綱\n基本理念\n 本文です。\n")
    assert _tree(text) == [
        "|序論", "  |経緯", "  |基本姿勢", "|大綱", "  |基本理念",
    ]


def test_bylaw_articles_take_their_captions_and_lists_stay_items() -> None:
    # Hand-made in the shape of a 例規 page.
    text = ("審議会条例\n\n(設置)\n第1条 審議会を置く。\n"
            "(組織)\n第2条 委員は、次に掲げる者とする。\n"
            "(1) 市議会議員\n(2) 学識経験者\n附 則\n この条例は、公布の日から施行する。\n")
    assert _tree(text) == ["第1条|設置", "第2条|組織", "|附 則"]


def test_numbered_items_after_a_list_cue_are_items_not_headings() -> None:
    text = "計画\n\n1 方針\n取組は次のとおりとする。\n(1) 研修の充実\n(2) 評価の実施\n"
    assert _tree(text) == ["1|方針"]


def test_a_bracketed_body_line_keeps_its_brackets_while_a_bullet_drops_its_mark() -> None:
    # Hand-made: a heading, a figure caption in angle brackets and a bulleted item, placed
    # from labels given by hand so only the tree decides their text.
    from extract.blocks import BlockKind, Line
    from extract.pipeline import _section_text
    from extract.structure.classify import Label, LineKind
    from extract.structure.tree import build_tree

    texts = ["基本方針", "<取組の全体像>", "・窓口の予約制を導入する"]
    lines, pos = [], 0
    for text in texts:
        lines.append(Line(text, (pos, pos + len(text)), BlockKind.PARAGRAPH))
        pos += len(text) + 1
    labels = [Label(LineKind.HEADING, 5.0, ()), Label(LineKind.BODY, -5.0, ()),
              Label(LineKind.LIST_ITEM, -5.0, ())]
    section = build_tree(lines, labels).children[0]
    assert _section_text(section.body).splitlines() == ["<取組の全体像>", "窓口の予約制を導入する"]


def test_an_attachment_tag_opening_a_document_is_furniture_but_not_later() -> None:
    # Hand-made: a file filed as another document's 別紙2, which prints 別添1 over an appendix.
    text = ("別紙2\n\n職員研修の実施状況\n\n1 概要\n\n本年度の研修は計12回実施した。\n\n"
            "別添1\n\n研修の一覧は次のとおりである。\n")
    doc = parse_bytes(text.encode("utf-8"), uri="hand-made.txt")
    assert doc.title == "職員研修の実施状況"
    assert "別紙2" not in doc.text
    assert "別添1" in doc.text


def test_a_judgments_fixed_section_names_head_its_numbered_parts() -> None:
    # Hand-made in the form of a civil judgment: 主文 and 事実及び理由 head everything; a
    # party's contention in parentheses sits under the issue it follows, and the other party's
    # closes it with the items opened under it.
    text = ("判決\n\n主 文\n1 被告は、原告に対し、10万円を支払え。\n"
            "2 訴訟費用は被告の負担とする。\n"
            "事実及び理由\n第1 請求\n被告は、原告に対し、20万円を支払え。\n第2 事案の概要\n"
            "1 争点\n(1) 契約の成否\n(原告の主張)\n契約は成立した。\n"
            "ア 損害 20万円\n損害が生じた。\nイ 費用 5万円\n費用を要した。\n"
            "(被告の主張)\n否認する。\n(2) 損害の額\n(原告の主張)\n20万円である。\n")
    assert _tree(text) == [
        "|主 文", "|事実及び理由", "  第1|請求", "  第2|事案の概要", "    1|争点",
        "      (1)|契約の成否", "        |原告の主張", "          ア|損害 20万円",
        "          イ|費用 5万円", "        |被告の主張", "      (2)|損害の額",
        "        |原告の主張",
    ]


@pytest.mark.parametrize("text", ["主文の内容について", "理由書の提出", "(市民の主張)"])
def test_words_of_a_judgment_in_other_lines_are_no_section_names(text: str) -> None:
    from extract.structure.features import form_section_rank
    assert form_section_rank(text) is None


def _set_tree(rows: list[tuple[int | None, str]], classified: bool = False) -> list[str]:
    """The tree of hand-made PDF-like lines: (type-size level or None for body text, text);
    every line with a level is labelled a heading, or each line is classified when
    `classified`."""
    from extract.blocks import BlockKind, Line
    from extract.structure.classify import Label, LineKind, classify
    from extract.structure.tree import Section, build_tree

    lines, labels, pos = [], [], 0
    for level, text in rows:
        kind = BlockKind.HEADING if level is not None else BlockKind.PARAGRAPH
        lines.append(Line(text, (pos, pos + len(text)), kind, page=1, size=1.0,
                          markup_level=level))
        labels.append(Label(LineKind.HEADING if level is not None else LineKind.BODY,
                            5.0 if level is not None else -5.0, ()))
        pos += len(text) + 1
    if classified:
        labels = classify(lines)
    out: list[str] = []

    def walk(section: Section, depth: int) -> None:
        for child in section.children:
            out.append("  " * depth + f"{child.label or ''}|{child.title}")
            walk(child, depth + 1)

    walk(build_tree(lines, labels), 0)
    return out


def test_numbers_outrank_type_sizes_across_families() -> None:
    # Hand-made: "1." came between "Ⅰ." and "Ⅱ.", so "1." under "Ⅲ." is its child even when
    # set larger (level 1) than the chapter (level 2); its own subheads follow it down.
    rows = [(2, "Ⅰ.計画の概要"), (3, "1.趣旨"), (None, "本文です。"), (2, "Ⅱ.現状"),
            (None, "本文です。"), (2, "Ⅲ.施策"), (1, "1.産業の振興"), (4, "[現状と課題]"),
            (None, "本文です。"), (1, "2.子育ての支援"), (4, "[現状と課題]"),
            (None, "本文です。")]
    assert _set_tree(rows) == [
        "Ⅰ.|計画の概要", "  1.|趣旨", "Ⅱ.|現状", "Ⅲ.|施策", "  1.|産業の振興",
        "    |現状と課題", "  2.|子育ての支援", "    |現状と課題",
    ]


def test_a_numbering_restarting_inside_its_own_family_is_a_list_in_the_section() -> None:
    # Hand-made: chapter "Ⅰ." quotes another plan's goals "Ⅰ." and "Ⅱ." in larger type than
    # its subheads; the subhead after them is again the chapter's.
    rows = [(1, "Ⅰ.ビジョンについて"), (5, "国の長期ビジョン"), (None, "本文です。"),
            (3, "Ⅰ.人口減少の克服"), (3, "Ⅱ.成長力の確保"), (5, "県のビジョン"),
            (None, "本文です。"), (1, "Ⅱ.人口の現状")]
    assert _set_tree(rows) == [
        "Ⅰ.|ビジョンについて", "  |国の長期ビジョン", "    Ⅰ.|人口減少の克服",
        "    Ⅱ.|成長力の確保", "  |県のビジョン", "Ⅱ.|人口の現状",
    ]


def test_boxes_of_an_organisation_chart_are_no_headings() -> None:
    # Hand-made: a 推進体制 chart's boxes (a headquarters, its head, a secretariat) set apart
    # like headings; the same kind of name over a sentence about it stays a heading.
    rows = [(1, "推進体制"), (2, "行政改革推進本部"), (2, "本部長(市長)"), (3, "【事務局】"),
            (3, "企画課"), (1, "推進組織"), (2, "<行政改革推進本部>"),
            (None, "市長を本部長とする推進本部が全庁的に改革を進めます。")]
    assert _set_tree(rows, classified=True) == [
        "|推進体制", "|推進組織", "  |行政改革推進本部"]


def test_unmarked_headings_inside_heading_bullets_sit_under_them() -> None:
    # Hand-made: "■" marks the parts, unmarked subheads come inside them.
    text = ("改革大綱の概要\n\n■基本的な考え方\n改革の考え方を示します。\n基本理念\n"
            "市民とともに改革を進めます。\n基本目標\n持続可能な行政運営を目指します。\n"
            "■推進体制\n推進の仕組みを示します。\n推進本部\n市長を本部長として推進します。\n")
    assert _tree(text) == [
        "|基本的な考え方", "  |基本理念", "  |基本目標", "|推進体制", "  |推進本部",
    ]


def test_heading_bullets_inside_unmarked_headings_stay_below_them() -> None:
    # Hand-made: the unmarked headings are the parts, "■" marks the topics inside them.
    text = ("人材育成方針\n\n基本方針\n職員の育成を進めます。\n■研修\n研修を充実します。\n"
            "■評価\n評価を見直します。\n推進体制\n全庁で取り組みます。\n■推進本部\n"
            "本部を置きます。\n■点検\n毎年点検します。\n")
    assert _tree(text) == [
        "|基本方針", "  |研修", "  |評価", "|推進体制", "  |推進本部", "  |点検",
    ]


def test_a_line_cut_mid_word_and_a_legend_are_no_headings() -> None:
    # Hand-made: a note set apart like a heading runs on into the next line ("含ま" / "れて
    # いる"), and a chart's legend prints three labels side by side in large type.
    rows = [(1, "1 職員数の状況"), (None, "職員数は前年度より2人減少した。"),
            (3, "(注)報酬については、非常勤職員及び再任用職員(短時間勤務)の報酬が含ま"),
            (None, "れているが、臨時職員の賃金は含まれていない。"),
            (1, "本市 類似団体平均 全国町村平均"), (None, "職員一人当たりの人件費を比べた。"),
            (1, "2 給与の状況"), (None, "給与は国に準じている。")]
    assert _set_tree(rows, classified=True) == ["1|職員数の状況", "2|給与の状況"]


def test_the_rest_of_a_cut_sentence_set_large_is_no_heading() -> None:
    # Hand-made slide: a bullet's sentence breaks after "ため" and its rest, opening with a
    # particle, is printed in the slide's large type.
    rows = [(1, "日本語への適用"), (None, "・語の区切りの問題を避けるため"),
            (2, "に、連続する漢字列のみを単語とした"), (1, "結論"), (None, "有効であった。")]
    assert _set_tree(rows, classified=True) == ["|日本語への適用", "|結論"]


def test_a_tables_scale_rows_are_no_sections_but_its_numbered_items_are() -> None:
    # Hand-made tables flattened to tab-separated rows: grades "1 級" are the table's scale;
    # "1 人材の育成" names an item of the plan.
    text = ("給与の状況\n\n1 級別職員数\n区分\t職員数\t構成比\n1 級\t3\t10%\n2 級\t5\t20%\n"
            "2 改革の体系\n改革項目\t実施項目\n1 人材の育成\t研修の充実\n"
            "2 組織の活性化\t職員提案の推進\n")
    assert _tree(text) == [
        "1|級別職員数", "2|改革の体系", "  1|人材の育成", "  2|組織の活性化"]
