"""Plans and their periods on hand-made texts, one rule each (real plans: test_gold)."""

from __future__ import annotations

from extract.pipeline import parse_bytes
from extract.schema import Document, Plan


def _doc(text: str) -> Document:
    return parse_bytes(text.encode("utf-8"), uri="hand-made.txt")


def _plan(doc: Document, title: str) -> Plan:
    return next(p for p in doc.plans if p.title == title)


def test_bracketed_period_after_a_heading_name() -> None:
    doc = _doc("行政改革\n\n第3期みらい集中改革プラン(平成25年度から平成27年度)\n\n"
               "1 職員\n 本文です。\n")
    plan = _plan(doc, "第3期みらい集中改革プラン")
    assert plan.period is not None
    assert (plan.period.start, plan.period.end) == ("FY2013", "FY2015")
    assert str(plan.period.start_date) == "2013-04-01" and str(plan.period.end_date) == "2016-03-31"


def test_plan_period_sentence_and_adoption_date_are_told_apart() -> None:
    doc = _doc("みらい市行政改革大綱\n\n「みらい市行政改革大綱」は令和5年に策定しました。"
               "本大綱の計画期間は、令和6年度から令和10年度までの5年間とします。\n")
    plan = _plan(doc, "みらい市行政改革大綱")
    assert plan.role.value == "main"
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2024", "FY2028")
    assert plan.adopted == "2023"


def test_a_plan_without_a_period_on_purpose_keeps_none() -> None:
    doc = _doc("みらい市行政改革大綱\n\n"
               "本大綱は、期間を設定しません。平成29年3月に改訂しました。\n")
    assert _plan(doc, "みらい市行政改革大綱").period is None


def test_schedule_table_gives_the_named_plan_its_period() -> None:
    doc = _doc("みらい改革プラン\n\n<推進期間>\n\n年度\t2023\t2024\t2025\t2026\t2027\t2028\n"
               "みらい改革 プラン\t策定\n")
    plan = _plan(doc, "みらい改革プラン")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2023", "FY2028")


def test_a_law_year_is_never_a_plan_period() -> None:
    doc = _doc("みらい市行動計画\n\n女性活躍推進法(平成27年法律第64号)に基づき策定する計画です。\n")
    assert _plan(doc, "みらい市行動計画").period is None


def test_adoption_dates_go_to_the_plan_each_names() -> None:
    # Hand-made: several plans adopted in one sentence. A plan only said to be adopted is not
    # one the document has; the main plan keeps its own adoption year.
    doc = _doc("みらい市行政経営方針\n\n平成15年に策定された総合計画より、"
               "平成16年に「みらい市行政経営方針」を策定、"
               "平成18年には「みらい市集中改革プラン」を策定しました。\n")
    assert _plan(doc, "みらい市行政経営方針").adopted == "2004"
    assert [p.title for p in doc.plans] == ["みらい市行政経営方針"]


def test_two_things_joined_by_to_are_not_a_plan() -> None:
    doc = _doc("みらい市行政経営方針\n\n自治基本条例と総合計画・行政経営方針の関係\n\n本文です。\n")
    assert [p.title for p in doc.plans] == ["みらい市行政経営方針"]
