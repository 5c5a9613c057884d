"""The one marker grammar (extract/structure/markers.py over rules/markers.json).

Every line here is hand-made for the family or fragment it checks; none is taken from a
document. Reader lines are written as a PDF prints them (full-width digits and brackets).
"""

from __future__ import annotations

import pytest

from extract.rules import load
from extract.structure.markers import (
    grammar,
    is_caption,
    label_only,
    opening,
    parse_family,
    parse_label,
    parse_marker,
    starts_with_caption_word,
)
from extract.structure.normalize import normalize_line

# (line as printed, the family a reader sees it open with)
OPENS = [
    ("第１編　総論", "hen"),
    ("第 ２ 章 計画の概要", "sho"),  # letter-spaced: the {dai} fragment allows spaces
    ("第３節　推進体制", "setsu"),
    ("第１款　歳入", "kan"),
    ("第２項　目的外使用", "kou"),
    ("第１部　基本構想", "bu"),
    ("第２期　実施計画", "ki"),
    ("第３　施策の展開", "dai"),
    ("第四、基本方針", "dai"),
    ("その２　地域の取組", "sono"),
    ("２－③　相談窓口の充実", "dash_circled"),
    ("３‐２ 人材の育成", "dash_num"),
    ("（１）窓口の改善", "paren_num"),
    ("⑵ 事務の見直し", "paren_num"),  # one character for (2): NFKC spells it out
    ("（ウ）手続の簡素化", "paren_kata"),
    ("（二）対象となる事業", "paren_kanji"),
    ("(b) 補助の要件", "paren_alpha"),
    ("１）目的", "num_paren"),
    ("２．現状と課題", "num_dot"),
    ("３、職員の配置", "num_comma"),
    ("４ 財政の見通し", "num"),
    ("⑤ 公共施設の再編", "circled"),
    ("㉑ 道路の維持", "circled"),
    ("Ⅲ　計画の推進", "roman"),
    ("二、組織体制", "kanji"),
    ("イ．周知の方法", "katakana"),
    ("ウ　報告の時期", "katakana_space"),
    ("Ｂ．参考資料", "alpha"),
    ("【目標】年間の相談件数を増やす", "tag"),
    ("■ 基本方針", "bullet■"),
    ("▽ 回収の方法", "bullet▽"),
    ("・各課の所属長", "bullet・"),
    ("→ 次の段階へ進む", "bullet→"),
]

# Lines that open with no marker: a number followed by a unit or counter is a quantity.
NO_OPENING = [
    "１年間の取組を振り返る",
    "２人の職員を配置する",
    "１．５％の増加を見込む",
    "３ 件の応募があった",
    "第３回会議で決定した",
    "第２号様式による",
    "第１条の規定により届け出る",  # an article number opens a paragraph, not an item
    "第２期計画の策定に向けて",  # 第N期 without a space is a plan's name
    "2024-05-01 に公表",
    "人口の推移",
    "－注－",  # a full-width dash opening a line is a rule around a note, not a list bullet
]


@pytest.mark.parametrize(("line", "family"), OPENS)
def test_a_line_opens_with_its_family(line: str, family: str) -> None:
    found = opening(line)
    assert found is not None and found.family == family


@pytest.mark.parametrize("line", NO_OPENING)
def test_a_quantity_or_a_word_opens_nothing(line: str) -> None:
    assert opening(line) is None


def test_bullet_kinds_tell_headings_from_list_items() -> None:
    assert opening("◆ 重点施策") == opening("◆ 別の施策")
    lines = ("◆ 重点施策", "・所属長", "‐ 手順", "\ue001 項目", "（１）窓口")
    found = [opening(line) for line in lines]
    assert [k.kind if k else None for k in found] == ["set_apart", "list", "list", "list", "label"]


@pytest.mark.parametrize(("line", "family"), [
    (line, family) for line, family in OPENS
    if family not in ("kou", "bu", "num_comma", "tag") and not family.startswith("bullet→")])
def test_the_outline_reads_the_family_the_reader_sees(line: str, family: str) -> None:
    """A heading line: the outline (normalized text, title required) names the same family."""
    marker = parse_marker(normalize_line(line))
    assert marker is not None and marker.family == family
    assert marker.title and not marker.title[0].isspace()


@pytest.mark.parametrize("line", ["第２項　目的外使用", "３、職員の配置", "【目標】年間の相談件数",
                                  "→ 次の段階へ進む", "第１条　この条例は"])
def test_families_that_are_no_outline_headings(line: str) -> None:
    assert parse_marker(normalize_line(line)) is None


@pytest.mark.parametrize(("text", "only"), [
    ("１", True), ("(1)", True), ("第１章", True), ("第３条", True), ("ア．", True), ("Ⅱ.", True),
    ("■", True), ("・", True), ("【目標】", True), ("その２", True), ("２－①", True),
    ("１ はじめに", False), ("1年", False), ("-", False), ("第１条の", False), ("目標", False),
])
def test_label_only(text: str, only: bool) -> None:
    assert label_only(text) is only


def test_an_article_number_with_its_branch_and_text() -> None:
    article = parse_family("jo", "第3条の2 手数料の額")  # normalized text, as the outline reads
    assert article is not None
    assert (article.label, article.num, article.title) == ("第3条の2", 3, "手数料の額")
    assert parse_family("jo", "第13 条 目的") is not None  # letter-spaced
    assert parse_family("jo", "第1章 総則") is None


@pytest.mark.parametrize(("label", "family", "num", "parent"), [
    ("(3)", "paren_num", 3, None), ("第十二章", "sho", 12, None), ("④", "circled", 4, None),
    ("㉒", "circled", 22, None), ("ウ", "katakana_space", 3, None), ("Ⅱ.", "roman", 2, None),
    ("2-③", "dash_circled", 3, "2"), ("第4条の2", "jo", 2, "4"), ("⑴", "paren_num", 1, None),
])
def test_a_printed_label_alone(label: str, family: str, num: int, parent: str | None) -> None:
    marker = parse_label(label)
    assert marker is not None
    assert (marker.family, marker.num, marker.parent) == (family, num, parent)


@pytest.mark.parametrize("text", ["■", "はじめに", "1 はじめに", ""])
def test_no_label_alone(text: str) -> None:
    assert parse_label(text) is None


@pytest.mark.parametrize(("text", "caption", "word"), [
    ("図１ 人口の推移", True, True), ("＊２ 見込みを含む", True, True), ("※ 速報値", True, True),
    ("グラフ凡例", False, True), ("図書館の整備", False, True), ("人口の推移", False, False),
])
def test_caption_words(text: str, caption: bool, word: bool) -> None:
    assert is_caption(text) is caption
    assert starts_with_caption_word(text) is word


def test_every_fragment_is_used_and_every_family_composes() -> None:
    raw = load("markers")
    used = "".join(f["label"] + f["after"] + (f.get("opens") or "") for f in raw["families"])
    assert all("{" + name + "}" in used for name in raw["fragments"])
    assert len(grammar().families) == len(raw["families"])
    assert {f.name for f in grammar().families} >= {family for _, family in OPENS
                                                    if not family.startswith("bullet")}


def test_the_outline_bullets_are_the_set_apart_and_list_classes() -> None:
    bullets = load("markers")["bullets"]
    assert set(grammar().bullets) == set(bullets["set_apart"] + bullets["list"])
    assert not set(bullets["dash"]) & set(grammar().bullets)
    assert parse_marker("- 5%の削減") is None  # a dash in plain text may be a minus sign
