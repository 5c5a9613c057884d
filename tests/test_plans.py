"""Plans and their periods on hand-made texts, one rule each (real plans: test_gold)."""

from __future__ import annotations

from extract.pipeline import parse_bytes
from extract.schema import Document, Plan


def _doc(text: str) -> Document:
    return parse_bytes(text.encode("utf-8"), uri="hand-made.txt")


def _plan(doc: Document, title: str) -> Plan:
    return next(p for p in doc.plans if p.title == title)


def _years(plan: Plan) -> tuple[str | None, str | None] | None:
    return (plan.period.start, plan.period.end) if plan.period is not None else None


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


def test_plans_named_in_a_speech_take_a_start_and_a_length() -> None:
    # Hand-made: a speech names other plans, each with the start and length of its period.
    doc = _doc("市長所信表明\n\n"
               "まちづくりにつきましては、令和9年度から第3次ひかり市総合計画の8年間の計画期間が"
               "始まります。\n"
               "福祉につきましては、令和9年度は令和10年度から3年間を計画期間とする"
               "第4期ひかり市障害福祉計画を策定いたします。\n")
    first = _plan(doc, "第3次ひかり市総合計画")
    second = _plan(doc, "第4期ひかり市障害福祉計画")
    assert first.period is not None and (first.period.start, first.period.end) == (
        "FY2027", "FY2034")
    assert second.period is not None and (second.period.start, second.period.end) == (
        "FY2028", "FY2030")
    assert "period_link" in first.evidence and first.confidence is not None
    assert all(p.role.value == "referenced" for p in doc.plans)


def test_a_period_sentence_names_its_plan_with_toshite() -> None:
    # Hand-made: the range comes first and the plan's name after it, with として.
    doc = _doc("ひかり町まちづくり白書\n\n"
               "令和4年度から令和8年度までの施策を「ひかり町未来創造プラン」としてまとめました。\n")
    plan = _plan(doc, "ひかり町未来創造プラン")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2022", "FY2026")
    assert "cue" in plan.evidence


def test_plans_listed_together_share_the_period() -> None:
    # Hand-made: three plans in one list, one period for all of them.
    doc = _doc("保健の取組\n\n令和7年度から、ひかり市健康増進計画、ひかり市食育推進計画、"
               "ひかり市歯科保健計画の10年間の計画期間が始まります。\n")
    for title in ("ひかり市健康増進計画", "ひかり市食育推進計画", "ひかり市歯科保健計画"):
        period = _plan(doc, title).period
        assert period is not None and (period.start, period.end) == ("FY2025", "FY2034"), title


def test_a_plan_merely_mentioned_is_not_listed() -> None:
    # Hand-made: plans named in passing, or with a deadline in days, are not the document's.
    doc = _doc("申請の手引き\n\n「ひかり市子育て応援プラン」に基づく表彰を受けた事業者が対象です。"
               "受付期間は令和6年12月10日から令和7年1月31日までです。\n"
               "ひかり市景観計画に沿って整備します。\n")
    assert doc.plans == []


def test_census_years_are_not_a_schedule() -> None:
    # Hand-made: a statistics table with years five apart under a plan gives it no period.
    doc = _doc("ひかり村人口ビジョン\n\n人口の推移\n\n"
               "区分\t平成2年\t平成7年\t平成12年\t平成17年\n総人口\t1,820\t1,700\t1,590\t1,430\n")
    assert _plan(doc, "ひかり村人口ビジョン").period is None


def test_chapters_named_like_plans_are_not_plans() -> None:
    # Hand-made: chapters of a disaster plan end in 計画 without being plans of their own.
    doc = _doc("ひかり町地域防災計画\n\n第1章 災害予防計画\n\n 本文です。\n\n"
               "第2章 避難対策計画\n\n 本文です。\n")
    assert [p.title for p in doc.plans] == ["ひかり町地域防災計画"]



def test_a_cover_line_or_the_title_gives_the_main_plan_its_period() -> None:
    # Hand-made: the period printed alone under the title, before the first heading.
    doc = _doc("第2次ひかり市行政改革大綱\n\n令和5年度~令和9年度\n\n令和5年3月\n\n"
               "1 趣旨\n\n本文です。\n")
    plan = _plan(doc, "第2次ひかり市行政改革大綱")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2023", "FY2027")
    assert "cover_period" in plan.evidence
    doc = _doc("ひかり町総合戦略(令和2年度~令和6年度)\n\n1 基本目標\n\n本文です。\n")
    plan = _plan(doc, "ひかり町総合戦略")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2020", "FY2024")


def test_first_and_target_years_state_the_period() -> None:
    # Hand-made: 初年度 and 目標年度 say what the range is for.
    doc = _doc("ひかり市環境基本計画\n\n"
               "本計画は、令和4年度を初年度とし、令和13年度を目標年度とします。\n")
    plan = _plan(doc, "ひかり市環境基本計画")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2022", "FY2031")


def test_a_council_bill_carries_the_plan_its_subject_names() -> None:
    # Hand-made: a bill's number is its title; the next line names the plan it carries.
    doc = _doc("議案第12号\nひかり市過疎地域持続的発展計画(第2次変更)について\n"
               "過疎地域持続的発展計画を変更したいので、議会の議決を求める。\n")
    plan = _plan(doc, "ひかり市過疎地域持続的発展計画")
    assert plan.role.value == "main" and "title" in plan.evidence


def test_the_topic_of_a_period_sentence_owns_the_period() -> None:
    # Hand-made: another plan is named nearer the range, but the sentence is about 本計画.
    doc = _doc("ひかり市観光振興計画\n\n"
               "本計画は、第6次ひかり市総合計画の分野別計画として、令和6年度から令和10年度まで"
               "の5年間を計画期間とします。\n")
    plan = _plan(doc, "ひかり市観光振興計画")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2024", "FY2028")
    assert "topic" in plan.evidence
    assert [p.title for p in doc.plans if p.period is not None] == ["ひかり市観光振興計画"]


def test_kana_words_of_plan_names_stay_in_the_name() -> None:
    # Hand-made: 子ども, 子育て and まちづくり belong to names; a particle still ends one.
    doc = _doc("ひかり市の取組\n\n"
               "第2期ひかり市子ども・子育て支援事業計画(令和2年度~令和6年度)に基づき進めます。\n")
    plan = _plan(doc, "第2期ひかり市子ども・子育て支援事業計画")
    assert plan.period is not None and (plan.period.start, plan.period.end) == ("FY2020", "FY2024")


def test_the_examples_in_the_plan_name_docstrings_hold() -> None:
    import doctest

    from extract.plans import candidates, evidence, names, resolve

    assert doctest.testmod(names).failed == 0
    assert doctest.testmod(candidates).failed == 0
    assert doctest.testmod(resolve).failed == 0
    assert doctest.testmod(evidence).failed == 0


def test_a_period_given_to_the_plan_the_sentence_stands_in() -> None:
    # Hand-made: the sentence names no plan; the period word follows the range, so the range
    # is the period of the plan whose section it is in (here the document's own).
    doc = _doc("ひかり市環境行動計画\n\n1 計画の位置づけ\n\n"
               "令和3年度から令和7年度までの5年間を計画期間とします。\n")
    plan = _plan(doc, "ひかり市環境行動計画")
    assert _years(plan) == ("FY2021", "FY2025")
    assert "section_owner" in plan.evidence


def test_a_range_that_ends_another_plan_is_not_the_documents_period() -> None:
    # Hand-made: a range whose period word does not follow it (…で期間を終える) says when
    # another plan ended, not this one's years.
    doc = _doc("ひかり市環境行動計画\n\n1 計画の位置づけ\n\n"
               "前の計画が令和2年度で期間を終えたため、新たに策定しました。\n")
    assert _plan(doc, "ひかり市環境行動計画").period is None


def test_a_title_that_runs_on_past_the_plan_name_still_names_it() -> None:
    # Hand-made: the cover line carries the plan name, a draft mark and the date apart.
    doc = _doc("ひかり市環境行動計画(案) 令和6年3月\n\n1 計画の位置づけ\n\n本文です。\n")
    assert [p.title for p in doc.plans if p.role.value == "main"] == ["ひかり市環境行動計画"]


def test_a_national_plan_named_by_whose_it_is_takes_the_period_it_shares() -> None:
    # Hand-made: 国の総合戦略 is named only by whose it is and its plan word.
    doc = _doc("ひかり町の地方創生\n\n1 対象期間\n\n"
               "対象期間は、国の総合戦略と同じく2020年度から2024年度までとします。\n")
    plan = _plan(doc, "国の総合戦略")
    assert plan.role.value == "referenced"
    assert _years(plan) == ("FY2020", "FY2024")


def test_a_plan_name_in_double_brackets_with_its_target_year() -> None:
    # Hand-made: 『』 hold a work's title; a year may close a plan's name.
    doc = _doc("ひかり市の取組\n\n"
               "『ひかり共同参画プラン2030』(令和3年度~令和12年度)に基づき進めます。\n")
    plan = _plan(doc, "ひかり共同参画プラン2030")
    assert _years(plan) == ("FY2021", "FY2030")


def test_basic_plan_and_vision_are_parts_of_a_comprehensive_plan() -> None:
    # Hand-made: a 総合計画 divides into 基本構想 and 基本計画, each with its years; 基本計画
    # holds 本計画 inside one word and is no self-reference of the main plan.
    doc = _doc("ひかり市総合計画\n\n1 計画の構成\n\n"
               "基本構想の期間は、令和3年度から令和12年度までの10年間とします。"
               "基本計画の期間は、令和3年度から令和7年度までの5年間とします。\n")
    assert _plan(doc, "ひかり市総合計画").period is None
    vision, basic = _plan(doc, "基本構想"), _plan(doc, "基本計画")
    assert vision.role.value == "sub" and basic.role.value == "sub"
    assert _years(vision) == ("FY2021", "FY2030")
    assert _years(basic) == ("FY2021", "FY2025")


def test_names_with_their_years_under_a_period_heading() -> None:
    # Hand-made: a section titled 計画の期間 lists each part with its range, no period word on
    # the lines themselves.
    doc = _doc("ひかり市第7次総合計画\n\n計画の期間\n\n"
               "前期基本計画 令和3年度~令和7年度\n後期基本計画 令和8年度~令和12年度\n")
    early, late = _plan(doc, "前期基本計画"), _plan(doc, "後期基本計画")
    assert _years(early) == ("FY2021", "FY2025")
    assert _years(late) == ("FY2026", "FY2030")
    assert "period_section" in early.evidence


def test_a_range_after_a_plans_end_is_not_that_plans_period() -> None:
    # Hand-made: the 第2期 plan's period ends, and the range that follows is the next one's.
    doc = _doc("ひかり市の子育て支援\n\n1 はじめに\n\n"
               "令和6年度で第2期計画の期間が終わるため、令和7年度以降の事業を定める新たな計画を"
               "つくります。\n")
    assert all(p.period is None for p in doc.plans if p.title == "第2期計画")


def test_a_period_section_gives_its_plan_the_range_that_is_not_an_aside() -> None:
    # Hand-made: under 計画期間 the first range, in brackets, is another plan's years.
    doc = _doc("ひかり市環境計画\n\n1 計画期間\n\n"
               "国の計画(令和2年度~令和6年度)との整合を図るため、令和3年度から令和7年度までとします。\n")
    assert _years(_plan(doc, "ひかり市環境計画")) == ("FY2021", "FY2025")
    assert _years(_plan(doc, "国の計画")) == ("FY2020", "FY2024")


def test_numbered_part_headings_do_not_make_the_main_plan() -> None:
    # Hand-made: four numbered strategies of one kind are the parts of the 改革戦略 the text names
    # throughout; the first of them is not the document's plan.
    doc = _doc("市役所の変革\n\n"
               "「ひかり改革戦略」を公表しました。「ひかり改革戦略」は次の4つの戦略からなります。"
               "「ひかり改革戦略」は令和8年度末まで(計画期間)に成果を出します。\n\n"
               "1. 窓口向上戦略\n\n窓口を改善します。\n\n"
               "2. 財政健全化戦略\n\n歳出を見直します。\n\n"
               "3. 人材育成戦略\n\n研修を拡充します。\n\n4. 市民協働戦略\n\n協働を進めます。\n")
    main = [p for p in doc.plans if p.role.value == "main"]
    assert [p.title for p in main] == ["ひかり改革戦略"]
