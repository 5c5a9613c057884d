"""Action phrases in prose: hand-made sentences, each showing one rule (real plans: test_gold)."""

from __future__ import annotations

import pytest

from extract.measures import prose_measures, section_measures
from extract.measures.predicate import states
from extract.measures.tables import table_measures
from extract.pipeline import parse_bytes
from extract.schema import Node, NodeKind, walk
from extract.structure.outline import Entry, Section


def _titles(sentence: str) -> list[str]:
    return [m.title for m in prose_measures(sentence, 0, None)]


@pytest.mark.parametrize(("sentence", "expected"), [
    # a noun phrase ending in an action noun, committed to by a light verb
    ("最高経営会議運営方法の見直しを行います。", ["最高経営会議運営方法の見直し"]),
    # "Xを導入し" → "Xの導入"
    ("積極的に民間委託を導入し、効率的な組織運営を行います。", ["民間委託の導入"]),
    # coordination of two actions with や gives two measures
    ("指定管理者導入施設の拡大や委託化の推進など、改革を進めます。",
     ["指定管理者導入施設の拡大", "委託化の推進"]),
    # "Xを明確にする" → "Xの明確化"
    ("手続きを明確にするとともに、支援に取り組みます。", ["手続きの明確化"]),
    # what introduces a list (以下のとおり) is not part of the measure's name
    ("以下のとおり窓口業務の見直しを行います。", ["窓口業務の見直し"]),
    # "…を図ります" commits as "…を行います" does
    ("窓口業務の見直しを図ります。", ["窓口業務の見直し"]),
    # a verb joined to the next by its continuative form ("活用し推進") still commits
    ("窓口の混雑状況を活用し改善を進めます。", ["窓口の混雑状況の活用"]),
    # a clause on any verb that names what the measure is ("…を持った", "…を果たせる")
    ("専門性を持った職員配置に取り組みます。", ["専門性を持った職員配置"]),
    # a compound the dictionary keeps whole ends in its act (人材育成, 権限移譲)
    ("各課への権限移譲を進めます。", ["各課への権限移譲"]),
])
def test_measures_found(sentence: str, expected: list[str]) -> None:
    found = _titles(sentence)
    for title in expected:
        assert title in found, found


@pytest.mark.parametrize(("sentence", "absent"), [
    # the aim of a means ("…による" + aim) is not a measure; the means is
    ("コンビニ収納導入による市民サービスの向上を図ります。", "市民サービスの向上"),
    # a goal ("…に向けて", "…ため") is not a measure
    ("経営層の支援強化に向けて、会議の見直しを行います。", "経営層の支援強化"),
    # a negated verb commits to nothing
    ("本大綱は、期間を設定しません。", "期間の設定"),
    # a word that merely ends in 化 is not an act
    ("社会情勢の変化に対応します。", "社会情勢の変化"),
    # a verb modifying a noun is a description, not an act
    ("トップマネジメントを支援する機能を強化します。", "トップマネジメントの支援"),
    # what an action brings about ("…ことにより、" / "…の導入により、") is its result
    ("窓口業務を委託することにより、さらに待ち時間の短縮に努めます。", "待ち時間の短縮"),
    ("電子申請の導入により、いっそう市民の利便性の向上に努めます。", "市民の利便性の向上"),
    # a compound particle (による, に関する) does not make a clause of the measure's name
    ("電子申請の導入による利便性の向上を図ります。", "電子申請の導入による利便性の向上"),
    ("研修と業務量に応じた職員配置を行います。", "研修と業務量に応じた職員配置"),
    # a sentence that only states commits to nothing
    ("これまで窓口業務の見直しや電子申請の導入など、多くの改革を行ってきた。", "電子申請の導入"),
])
def test_not_measures(sentence: str, absent: str) -> None:
    assert absent not in _titles(sentence)


def test_means_is_kept_when_its_aim_is_dropped() -> None:
    assert "コンビニ収納導入" in _titles("コンビニ収納導入による市民サービスの向上を図ります。")


def test_numeric_target_is_attached() -> None:
    measures = prose_measures("今後5年間で職員数を30人(4.6%)削減します。", 0, None)
    cut = next(m for m in measures if m.title == "職員数の削減")
    assert cut.target == "職員数を30人(4.6%)削減"


@pytest.mark.parametrize(("sentence", "title", "who"), [
    ("毎年度事務局において進捗状況の把握を行います。", "進捗状況の把握", ["事務局"]),
    ("各所管において個別改革進行プランを作成します。", "個別改革進行プランの作成", ["各所管"]),
    ("市民の利便性の向上に努めます。", "市民の利便性の向上", []),
])
def test_responsible_named_in_the_sentence(sentence: str, title: str, who: list[str]) -> None:
    measure = next(m for m in prose_measures(sentence, 0, None) if m.title == title)
    assert measure.responsible == who


# -- sections and tables, on hand-made documents through the whole pipeline -----------------

def _doc_measures(text: str) -> list[Node]:
    doc = parse_bytes(text.encode("utf-8"), uri="hand-made.txt")
    return [n for n in walk(doc.outline) if n.kind is NodeKind.MEASURE]


def test_a_table_of_projects_gives_one_measure_per_row_with_its_department() -> None:
    # Hand-made: a table of projects under its title, no heading, mostly figures per row.
    found = _doc_measures(
        "令和6年度 主な事業\n\n"
        "番号\t担当課\t事業名\t事業費(千円)\t前年度(千円)\n"
        "1\t企画課\t地域交通確保事業費\t12,400\t11,900\n"
        "2\t福祉課\t高齢者見守り事業費\t8,300\t8,100\n")
    assert [(m.label, m.title, m.responsible) for m in found] == [
        ("1", "地域交通確保事業費", ["企画課"]), ("2", "高齢者見守り事業費", ["福祉課"])]
    assert all("table_name_column" in m.evidence and m.confidence for m in found)


def test_kpi_cells_become_the_measure_target_in_parts() -> None:
    # Hand-made: an action table whose rows carry an indicator, a baseline and a goal.
    found = _doc_measures(
        "ひかり市行動計画\n\n1 取組\n\n"
        "施策\t指標\t現状値\t目標値\t目標年度\n"
        "健康診断の受診勧奨\t特定健診受診率\t38%\t50%\t令和8年度\n")
    measure = next(m for m in found if m.title == "健康診断の受診勧奨")
    assert measure.target is not None and "50%" in measure.target
    [target] = measure.targets
    assert (target.indicator, target.baseline, target.value, target.unit, target.year) == (
        "特定健診受診率", "38%", "50", "%", "FY2026")


def test_governance_sections_give_no_measures() -> None:
    # Hand-made: how the plan is run (推進体制, 点検) is not an action of the plan.
    found = _doc_measures(
        "ひかり市行政改革大綱\n\n1 事務の見直し\n\n窓口業務の民間委託を導入します。\n\n"
        "2 計画の推進体制\n\n行政改革推進本部の設置を行います。\n")
    titles = [m.title for m in found]
    assert "窓口業務の民間委託の導入" in titles or "民間委託の導入" in titles, titles
    assert not any("推進本部" in t for t in titles), titles


def test_a_page_without_a_plan_has_no_measures() -> None:
    # Hand-made: an adoption notice; its list items are conditions, not a plan's actions.
    found = _doc_measures(
        "猫の譲渡について\n\n譲渡の条件\n\n"
        "・終生飼養を約束できること\n・室内飼育の徹底を約束できること\n")
    assert found == []


@pytest.mark.parametrize(("sentence", "title"), [
    # Hand-made: a clause naming what the measure serves stays part of its name.
    ("議会を補佐する体制の強化を進めます。", "議会を補佐する体制の強化"),
    ("住民が行政へ提案するための窓口の設置を進めます。", "住民が行政へ提案するための窓口の設置"),
])
def test_a_relative_clause_belongs_to_the_measure(sentence: str, title: str) -> None:
    assert title in _titles(sentence)


def test_a_kpi_table_below_a_measure_gives_it_targets_with_the_year_of_its_header() -> None:
    # Hand-made: the measure in prose, then its KPI table (header in two rows) in a subsection.
    found = _doc_measures(
        "ひかり町総合戦略\n\n1 観光の振興\n\n観光案内所の設置を進めます。\n\n◎施策の目標\n\n"
        "評価指標\t現状値\t目標値\n(KPI)\t(2020年度)\t(2025年度)\n観光客数\t年5,000人\t年8,000人\n")
    measure = next(m for m in found if m.title == "観光案内所の設置")
    [target] = measure.targets
    assert (target.indicator, target.baseline, target.value, target.unit, target.year) == (
        "観光客数", "年5,000人", "8,000", "人", "FY2025")
    assert "kpi_row" in measure.evidence


def test_expected_effects_are_not_measures() -> None:
    # Hand-made: what a measure is expected to bring about is not itself an action.
    found = _doc_measures(
        "ひかり町総合戦略\n\n1 具体的な施策\n\n・空き家バンクの開設\n・お試し住宅の整備\n\n"
        "2 期待される主な効果\n\n・移住者の増加による地域の活性化\n・空き家の減少\n")
    assert [m.title for m in found] == ["空き家バンクの開設", "お試し住宅の整備"]


def test_bracketed_headings_are_read_without_their_brackets() -> None:
    # Hand-made: 【…】 and ［…］ around a whole heading do not hide what the section is about.
    found = _doc_measures(
        "ひかり町総合戦略\n\n1 移住の促進\n\n［現状と課題］\n\n空き家の活用が進んでいません。"
        "空き家バンクの整備が課題です。\n\n［具体的な施策］\n\n・お試し住宅の整備\n"
        "・移住相談窓口の設置\n\n【期待される効果】\n\n・移住者の増加による地域の活性化\n"
        "・空き家の減少\n")
    assert [m.title for m in found] == ["お試し住宅の整備", "移住相談窓口の設置"]


@pytest.mark.parametrize(("text", "stated"), [
    # Hand-made sentences: what the last predicate does decides.
    ("施設の修繕計画を策定します。", False),
    ("毎年度、点検を実施する。", False),
    ("今後は委託の範囲を広げていく。", False),
    ("料金の改定には住民への丁寧な説明が必要", False),
    ("各課は、結果を事務局に報告するものとする。", False),
    ("床上浸水とは、住家の床より上に浸水したものをいう。", True),
    ("面積の単位はヘクタールとする。", True),
    ("現在は職員2名で管理している。", True),
    ("利用者は減少していくことが予想される。", True),
    ("申込書を窓口に提出してください。", True),
    ("市内に住所を有すること", True),
    ("昨年度に新しい窓口を開設しました。", True),
    ("下水道法に規定する公共下水道に属するもの。", True),
    ("下位の階級より多くなることを表す。", True),
    ("詳しくは別表を参照。", True),
])
def test_a_sentence_that_states_is_told_from_one_that_commits(text: str, stated: bool) -> None:
    assert states(text) is stated


def test_a_table_of_definitions_gives_no_measures() -> None:
    # Hand-made: a plan's appendix table that defines terms; its cells are sentences that state.
    found = _doc_measures(
        "ひかり市防災計画\n\n資料 被害の判定基準\n\n"
        "区分\t判定基準\n"
        "全壊\t住家の損壊が甚だしく、補修しても再び使えないものをいう。\n"
        "半壊\t補修すれば再び使える程度のものをいう。\n")
    assert found == []


@pytest.mark.parametrize(("header", "cell", "measure"), [
    # Hand-made: a column word inside a compound about something else names no action.
    ("事業名", "地域交通確保事業", True),
    ("主な事業内容", "地域交通の確保", True),
    ("事業所名", "ひかり運送株式会社", False),
    ("協定内容", "災害時の物資の輸送", False),
])
def test_a_column_names_actions_only_by_its_own_word(header: str, cell: str,
                                                     measure: bool) -> None:
    found = _doc_measures(
        "ひかり市地域計画\n\n計画期間は令和6年度から令和10年度までとします。\n\n"
        f"1 主な取組\n\n番号\t{header}\t担当課\n1\t{cell}\t企画課\n"
        f"2\t{cell}その2\t企画課\n")
    assert bool([m for m in found if m.title.startswith(cell)]) is measure, found


def test_a_section_about_the_actions_is_not_background() -> None:
    # Hand-made: "…取組の概要" and "…の検討状況" end like background but are about the actions.
    found = _doc_measures(
        "ひかり町水道事業経営戦略\n\n1 今後検討予定の取組の概要\n\n"
        "区分\t検討状況\n"
        "修繕費\t修繕計画を策定し、費用の平準化を図ります。\n"
        "委託料\t現在は2年契約で委託している。\n")
    assert [m.title for m in found] == ["修繕計画を策定し、費用の平準化を図ります。"]


def test_notes_and_background_lists_give_no_measures() -> None:
    # Hand-made: a note (※) explains a term; a list under 現状と課題 names problems.
    found = _doc_measures(
        "ひかり市行政改革大綱\n\n1 現状と課題\n\n・窓口の混雑の解消\n・施設の老朽化への対応\n\n"
        "2 取組\n\n窓口業務の民間委託を導入します。\n\n"
        "※民間委託の導入とは、業務を民間事業者に任せることをいいます\n")
    assert [m.title for m in found] == ["窓口業務の民間委託の導入"], found


def test_a_cell_wrapped_after_a_particle_is_one_measure() -> None:
    # Hand-made cells as a PDF table gives them: a narrow column wraps one action after a
    # particle; a cell listing two actions breaks between them.
    cells = [Entry(text, (0, len(text)), 1, "cell", column="取組", row=(0, n))
             for n, text in enumerate(["高齢者が運転免許を\n返納しやすい環境整備",
                                       "空き家バンクの開設\n移住相談窓口の設置"])]
    found, _ = table_measures(cells, sentences=True)
    assert [m.title for m in found] == ["高齢者が運転免許を返納しやすい環境整備",
                                        "空き家バンクの開設", "移住相談窓口の設置"]


def test_the_caption_of_a_kpi_table_is_not_a_measure() -> None:
    # Hand-made section as a PDF gives it: the action described, then a bulleted caption over
    # the KPI table that measures it.
    body = [Entry("観光案内所の設置を進めます。", (0, 14), 1, "paragraph"),
            Entry("成果の目標", (15, 20), 1, "item"),
            *[Entry(text, (21 + n, 22 + n), 1, "cell", column=column, row=(0, 1))
              for n, (column, text) in enumerate([("評価指標", "観光客数"),
                                                  ("現状値", "年5,000人"),
                                                  ("目標値", "年8,000人")])]]
    section = Section("観光の振興", "1", None, (0, 0), body=body)
    found = section_measures(section)
    assert [m.title for m in found] == ["観光案内所の設置"]
    assert found[0].target is not None and "8,000" in found[0].target


def test_a_wrapped_verb_alone_is_not_a_commitment() -> None:
    # Hand-made: a narrow column wrapped its sentence, leaving the verb on a line of its own.
    body = [Entry("各課が自主的に取り組む事業の一覧を作成し、", (0, 20), 1, "paragraph"),
            Entry("実施します。", (21, 27), 1, "paragraph")]
    titles = [m.title for m in section_measures(Section("取組", "1", None, (0, 0), body=body))]
    assert "実施します。" not in titles, titles


def test_a_committing_sentence_of_a_longer_paragraph_is_a_measure() -> None:
    # Hand-made: the second sentence commits without an action noun to name it by; the first
    # states a fact, and a wrapped line's tail ("行いながら実施します。") is no sentence.
    body = [Entry("窓口の利用者は年々増えています。総合的な相談窓口を福祉課が行います。",
                  (0, 35), 1, "paragraph"),
            Entry("行いながら実施します。", (36, 47), 1, "paragraph")]
    titles = [m.title for m in section_measures(Section("取組", "1", None, (0, 0), body=body))]
    assert titles == ["総合的な相談窓口を福祉課が行います。"]


def test_a_form_naming_one_undertaking_gives_no_measure() -> None:
    # Hand-made: a form's field row says which undertaking it is about (事業名 beside 業種名);
    # a table of projects names two or more.
    form = _doc_measures(
        "経営比較分析表\n\n業務名\t業種名\t事業名\t類似団体区分\n"
        "法非適用\t水道事業\tひかり町簡易水道事業\tD4\n")
    assert form == []
    table = _doc_measures(
        "主な事業\n\n業種名\t事業名\t担当課\n水道事業\t配水管更新事業\t水道課\n"
        "下水道事業\t処理場改修事業\t下水道課\n")
    assert [m.title for m in table] == ["配水管更新事業", "処理場改修事業"]


def test_numbered_rows_of_a_background_table_are_facts() -> None:
    # Hand-made: the current fees under 事業の現況, numbered ①②; they describe, not commit.
    cells = [Entry(text, (n * 20, n * 20 + len(text)), 1, "cell", label=label, row=(0, n))
             for n, (label, text) in enumerate([("①", "一般用 基本料金1,840円"),
                                                ("②", "営業用 基本料金2,300円")])]
    section = Section("事業の現況", "(1)", None, (0, 0), body=cells)
    assert section_measures(section) == []


def test_numbered_lines_of_a_budget_table_are_not_measures() -> None:
    # Hand-made: a budget's numbered lines, most rows printing an amount.
    lines = [("1.", "需用費", "80"), ("2.", "役務費", "50"), ("3.", "委託料", "120")]
    cells = [Entry(text, (n * 30 + k * 8, n * 30 + k * 8 + len(text)), 1, "cell",
                   label=label if k == 0 else None, row=(0, n))
             for n, (label, name, amount) in enumerate(lines)
             for k, text in enumerate((name, amount))]
    section = Section("支出", "2", None, (0, 0), body=cells)
    assert section_measures(section) == []
