"""The period engine on real sentences (corpus PDFs and seed texts) and on single forms.

Sentences marked "real:" are copied from documents in ../shared/corpus; the short forms of
the parametrized tables are hand-made fixtures, one per form the engine must read.
"""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise

import pytest

from extract.periods import TimeExpr, expr_to_json, find_periods, lines_to_jsonl, resolve

Value = tuple[str | None, str | None] | str


def _values(e: TimeExpr) -> Value:
    """Return (start, end) of a range or point, else "dur:P5Y" / "every:P1Y"."""
    if e.duration is not None:
        return f"dur:{e.duration}"
    if e.every is not None:
        return f"every:{e.every}"
    return e.start, e.end


def _found(text: str) -> list[tuple[str, Value]]:
    """Return (surface, values) of every expression found in `text`."""
    return [(e.surface, _values(e)) for e in find_periods(text)]


# hand-made fixtures: text that is not time must yield nothing.
NOT_TIME = [
    "第3期あやせ集中改革プラン",
    "1-① 人材の育成",
    "職員数を30人(4.6%)削減",
    "平成の大合併",
    "第8次総合計画",
    "3年選択科目費",
    "毎日新聞の記事",
    "- 12 -",
    "P.12",
    "12/48",
    "電話番号:0467-70-5635",
    "65歳以上の高齢者",
    "第５０事業年度",
    "国1/2、県1/4。",
    "千葉港中央地区~出洲ふ頭地区",
    "第2章 基本的施策(第4条―第9条)",
    "投票権を持つ年齢が18歳まで下がりました。",
    "M7.3の地震",
    "H2Oの分子",
    "500年間隔で発生する地震",
    "推定4ヵ月齢前後",
    "1歳6か月児健診",
    "中学1年の生徒",
    "高校 2年",
    "年1回目の会合",
    "3 財政基盤の強化\t3-③ 収納率の維持向上",
]


@pytest.mark.parametrize("text", NOT_TIME)
def test_not_time_yields_nothing(text: str) -> None:
    assert find_periods(text) == []


# hand-made fixtures: one form each.
FORMS: list[tuple[str, list[tuple[str, Value]]]] = [
    ("令和元年度", [("令和元年度", ("FY2019", "FY2019"))]),
    ("平成二十七年度", [("平成二十七年度", ("FY2015", "FY2015"))]),
    ("平成十三年三月三十日公布", [("平成十三年三月三十日", ("2001-03-30", "2001-03-30"))]),
    ("Ｈ30年度", [("Ｈ30年度", ("FY2018", "FY2018"))]),
    ("（Ｒ3・33,000千円）", [("Ｒ3", ("FY2021", "FY2021"))]),
    ("R5.4.1", [("R5.4.1", ("2023-04-01", "2023-04-01"))]),
    ("公共施設総合管理計画 (H29.3)", [("H29.3", ("2017-03", "2017-03"))]),
    ("掲載日 2024.04.13", [("2024.04.13", ("2024-04-13", "2024-04-13"))]),
    ("平成37年度", [("平成37年度", ("FY2025", "FY2025"))]),
    ("令和2年", [("令和2年", ("2020", "2020"))]),
    ("平成26年度2月補正", [("平成26年度2月", ("2015-02", "2015-02"))]),
    ("令和3年3月末日", [("令和3年3月末日", ("2021-03-31", "2021-03-31"))]),
    ("令和6～10年度", [("令和6～10年度", ("FY2024", "FY2028"))]),
    ("平成14から16年度", [("平成14から16年度", ("FY2002", "FY2004"))]),
    ("平成25年度～27年度", [("平成25年度～27年度", ("FY2013", "FY2015"))]),
    ("平成18年から27年度まで", [("平成18年から27年度まで", ("FY2006", "FY2015"))]),
    ("2024（令和6）年度", [("2024（令和6）年度", ("FY2024", "FY2024"))]),
    ("令和6(2024)年度", [("令和6(2024)年度", ("FY2024", "FY2024"))]),
    ("2015～19年度", [("2015～19年度", ("FY2015", "FY2019"))]),
    ("平成27・28年度", [("平成27・28年度", ("FY2015", "FY2016"))]),
    ("平成30年度－令和2年度", [("平成30年度－令和2年度", ("FY2018", "FY2020"))]),
    ("平成25年度ー27年度", [("平成25年度ー27年度", ("FY2013", "FY2015"))]),
    ("平成25年度–27年度", [("平成25年度–27年度", ("FY2013", "FY2015"))]),
    ("令和3年4月1日から9月30日まで",
     [("令和3年4月1日から9月30日まで", ("2021-04-01", "2021-09-30"))]),
    ("令和7年度以降", [("令和7年度以降", ("FY2025", None))]),
    ("平成17年度を起点とし", [("平成17年度を起点", ("FY2005", None))]),
    ("平成16年度末まで", [("平成16年度末まで", (None, "FY2004"))]),
    ("(~平成20年度)", [("~平成20年度", (None, "FY2008"))]),
    ("平成22年度からの5か年", [("平成22年度からの5か年", ("FY2010", "FY2014"))]),
    ("平成21年度までの1年間", [("平成21年度までの1年間", ("FY2009", "FY2009"))]),
    ("令和3年度から令和7年度(5年間)",
     [("令和3年度から令和7年度", ("FY2021", "FY2025")), ("5年間", "dur:P5Y")]),
    ("今後5年間", [("今後5年間", "dur:P5Y")]),
    ("10か年", [("10か年", "dur:P10Y")]),
    ("5箇年", [("5箇年", "dur:P5Y")]),
    ("半年以内", [("半年以内", "dur:P6M")]),
    ("5年ごと", [("5年ごと", "every:P5Y")]),
    ("3年毎", [("3年毎", "every:P3Y")]),
    ("毎年度", [("毎年度", "every:P1Y")]),
    ("1年おき", [("1年おき", "every:P2Y")]),
    ("年1回開催", [("年1回", "every:P1Y")]),
    ("5年に1度見直す", [("5年に1度", "every:P5Y")]),
    ("平成30年度～2年度", [("平成30年度～2年度", ("FY2018", "FY2020"))]),
    ("平成29年度を初年度とし、令和8年度を目標年度とする",
     [("平成29年度を初年度とし、令和8年度を目標年度", ("FY2017", "FY2026"))]),
    ("令和12年度を目標年度とする", [("令和12年度を目標年度", (None, "FY2030"))]),
    ("21世紀", [("21世紀", ("2001", "2100"))]),
    ("2050年代", [("2050年代", ("2050", "2059"))]),
    ("平成 21、23 年", [("平成 21", ("2009", "2009")), ("23 年", ("2011", "2011"))]),
    ("令和6年6月9日（日）、10日（月）",
     [("令和6年6月9日", ("2024-06-09", "2024-06-09")), ("10日", ("2024-06-10", "2024-06-10"))]),
    ("平成8年12月に決め、9年度以降", [("平成8年12月", ("1996-12", "1996-12")),
                                     ("9年度以降", ("FY1997", None))]),
    ("前期：平成28年度～平成32年度　後期：平成33年度～平成37年度",
     [("平成28年度～平成32年度", ("FY2016", "FY2020")),
      ("平成33年度～平成37年度", ("FY2021", "FY2025"))]),
    ("お知らせ～2025年11月16日（日曜日）～", [("2025年11月16日", ("2025-11-16", "2025-11-16"))]),
]


@pytest.mark.parametrize(("text", "want"), FORMS, ids=[t for t, _ in FORMS])
def test_form(text: str, want: list[tuple[str, Value]]) -> None:
    assert _found(text) == want


# real: sentences from the corpus (seeds and PDFs), each with what a reader takes from it.
REAL: list[tuple[str, list[tuple[str, Value]]]] = [
    ("また、大綱の計画期間である10年を第1期(平成18年度から21年度)、第2期(平成22年度から24年度)",
     [("10年", "dur:P10Y"), ("平成18年度から21年度", ("FY2006", "FY2009")),
      ("平成22年度から24年度", ("FY2010", "FY2012"))]),
    ("平成16年度末まで(計画期間)に成果を出すよう実施", [("平成16年度末まで", (None, "FY2004"))]),
    ("年度\t2023\t2024\t2025\t2026\t2027\t2028",
     [("2023\t2024\t2025\t2026\t2027\t2028", ("FY2023", "FY2028"))]),
    ("高齢者関係につきましては、令和８年度は令和９年度から３年間を計画期間とする",
     [("令和８年度", ("FY2026", "FY2026")), ("令和９年度から３年間", ("FY2027", "FY2029"))]),
    ("（変更後）平成２９年度から令和４年度まで ６年間 （単位 千円）",
     [("平成２９年度から令和４年度まで ６年間", ("FY2017", "FY2022"))]),
    ("計 画 期 間 ： 平成 29 年度 ～ 平成 38 年度",
     [("平成 29 年度 ～ 平成 38 年度", ("FY2017", "FY2026"))]),
    ("平 成 １ ９ 年 ４ 月 １ 日", [("平 成 １ ９ 年 ４ 月 １ 日", ("2007-04-01", "2007-04-01"))]),
    ("2010年～2014年の５年間は、死亡者数が出生数を上回っています。",
     [("2010年～2014年の５年間", ("2010", "2014"))]),
    ("「平成7年（1995年）兵庫県南部地震」", [("平成7年（1995年）", ("1995", "1995"))]),
    ("R3.4.1 R4.4.1 R5.4.1 R6.4.1",
     [("R3.4.1", ("2021-04-01", "2021-04-01")), ("R4.4.1", ("2022-04-01", "2022-04-01")),
      ("R5.4.1", ("2023-04-01", "2023-04-01")), ("R6.4.1", ("2024-04-01", "2024-04-01"))]),
    ("昭和55年以降、一貫した減少傾向で推移", [("昭和55年以降", ("1980", None))]),
    ("しかし、整備から17年が経過し浄水場内の機械・電気計装設備等の劣化により",
     [("17年", "dur:P17Y")]),
    ("高校生が該当する「15～19歳」の年齢層の人口予測", []),
    ("(平13規則4・一部改正、平16規則22・追加)",
     [("平13", ("2001", "2001")), ("平16", ("2004", "2004"))]),
    ("(令 和 5年 度 決 算 )", [("令 和 5年 度", ("FY2023", "FY2023"))]),
    # two lines of a slide whose era comes only after the abbreviated year
    ("14年度\n平成14年9月に市長直轄で発足した",
     [("14年度", ("FY2002", "FY2002")), ("平成14年9月", ("2002-09", "2002-09"))]),
]


@pytest.mark.parametrize(("text", "want"), REAL, ids=[t[:24] for t, _ in REAL])
def test_real_sentence(text: str, want: list[tuple[str, Value]]) -> None:
    assert _found(text) == want


@pytest.mark.parametrize(("text", "tag"), [
    ("災害対策基本法（昭和36年法律第223号）第42条", "law"),  # real
    ("(平13規則4・一部改正)", "law"),  # real
    ("令和5年に策定した「第8次刈谷市総合計画」", "adopted"),  # real
    ("更新日:2023年12月26日", "published"),  # real
    ("令和４年２月24日南国市企画課作成", "published"),  # real
    ("(令和 6 年 4 月 1 日現在)", "as_of"),  # real
    ("後期：平成33年度～平成37年度", "second_half"),  # hand-made
])
def test_tags(text: str, tag: str) -> None:
    (e,) = find_periods(text)
    assert tag in e.tags


def test_law_year_is_a_date_not_adopted() -> None:
    (e,) = find_periods("女性活躍推進法(平成27年法律第64号)を策定")  # hand-made fixture
    assert (e.start, e.end, e.tags) == ("2015", "2015", frozenset({"law"}))


def test_spans_point_into_raw_text() -> None:
    text = "計画期間は、令和４年度から㍻30年度まで"  # hand-made: full width digits, ㍻ ligature
    for e in find_periods(text):
        assert text[e.span[0]:e.span[1]] == e.surface
    assert find_periods("ほか、㍻30年度") == [
        TimeExpr("㍻30年度", (3, 8), "FY2018", "FY2018")]


def test_normalized_text_gives_same_values() -> None:
    import unicodedata

    raw = "令和３年１２月２６日〜令和５年１２月２５日の２年間"  # real
    normalized = unicodedata.normalize("NFKC", raw)
    assert [_values(e) for e in find_periods(raw)] == [_values(e) for e in find_periods(normalized)]


def test_non_overlapping_in_order() -> None:
    text = ("平成30年度~令和9年度のうち前半(平成30年度~令和4年度)が満了し、"
            "後半(令和5年度~令和9年度)を3年毎に見直す")  # hand-made fixture
    spans = [e.span for e in find_periods(text)]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert len(spans) == 4


@pytest.mark.parametrize(("point", "first", "last"), [
    ("FY2006", date(2006, 4, 1), date(2007, 3, 31)),
    ("2006", date(2006, 1, 1), date(2006, 12, 31)),
    ("2006-04", date(2006, 4, 1), date(2006, 4, 30)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2006-04-15", date(2006, 4, 15), date(2006, 4, 15)),
])
def test_resolve(point: str, first: date, last: date) -> None:
    assert resolve(point, end=False) == first
    assert resolve(point, end=True) == last


def test_resolve_rejects_other_strings() -> None:
    with pytest.raises(ValueError, match="not a point"):
        resolve("平成18年度", end=False)


def test_expr_to_json_shapes() -> None:
    range_, duration, every = find_periods("令和3年度から令和7年度まで、5年間、毎年度")
    assert expr_to_json(range_) == {"surface": "令和3年度から令和7年度まで", "span": [0, 14],
                                    "start": "FY2021", "end": "FY2025"}
    assert expr_to_json(duration) == {"surface": "5年間", "span": [15, 18], "duration": "P5Y"}
    assert expr_to_json(every) == {"surface": "毎年度", "span": [19, 22], "every": "P1Y"}


def test_lines_to_jsonl_one_line_per_input() -> None:
    out = list(lines_to_jsonl(["平成27年法律第64号\n", "\n", "第3期\r\n"]))
    assert [json.loads(line) for line in out] == [
        {"expressions": [{"surface": "平成27年", "span": [0, 5], "start": "2015", "end": "2015",
                          "tags": ["law"]}]},
        {"expressions": []},
        {"expressions": []},
    ]
