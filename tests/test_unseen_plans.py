"""Plans of corpus documents that have no gold, as a person reads them on the page.

Each expectation was checked by hand against the document; none is our output copied. The
documents stand in for the unseen ones an operator ingests.
"""

from __future__ import annotations

import pytest

from extract.pipeline import parse_file
from extract.readers.pdf_pages import PdfOptions
from extract.schema import Document, Plan
from tests.conftest import shared_path

pytestmark = pytest.mark.corpus


def _parse(*parts: str) -> Document:
    return parse_file(shared_path("corpus", *parts), pdf=PdfOptions(ocr=False))


def _period(plan: Plan) -> tuple[str | None, str | None] | None:
    return (plan.period.start, plan.period.end) if plan.period is not None else None


def _one(doc: Document, title: str) -> Plan:
    found = [p for p in doc.plans if p.title == title]
    assert len(found) == 1, [p.title for p in doc.plans]
    return found[0]


def _main(doc: Document, title: str, period: tuple[str | None, str | None] | None) -> Plan:
    """The document's one main plan, asserted to have `title` and `period`."""
    main = [p for p in doc.plans if p.role.value == "main"]
    assert [p.title for p in main] == [title]
    assert _period(main[0]) == period
    return main[0]


def test_sewerage_strategy_is_the_main_plan_with_its_cover_period() -> None:
    # The cover reads "音威子府村下水道事業経営戦略（案）" and "計画期間：平成28年度～平成37年度";
    # the 投資・財政計画 table inside covers the same years (本年度 = 平成28年度 … 37年度).
    doc = _parse("pdf", "nepp-chan_otoineppu", "nousyuu_keieis.pdf")
    _main(doc, "音威子府村下水道事業経営戦略", ("FY2016", "FY2025"))
    part = _one(doc, "投資・財政計画")
    assert part.role.value == "sub" and _period(part) == ("FY2016", "FY2025")


def test_administrative_reform_rounds_named_by_their_years() -> None:
    # "平成7年から9年を第2次行政改革、平成10年から平成12年を第3次行政改革として進めてきました";
    # the 行政経営方針 itself prints no period, and plans only said to be adopted are not listed.
    doc = _parse("seeds", "001_30a96376731425c2.txt")
    assert _period(_one(doc, "第2次行政改革")) == ("1995", "1997")
    assert _period(_one(doc, "第3次行政改革")) == ("1998", "2000")
    _main(doc, "刈谷市行政経営方針", None)
    dated = {p.title for p in doc.plans if p.period is not None}
    assert dated == {"第2次行政改革", "第3次行政改革"}


def test_step_up_strategy_runs_to_the_end_of_fiscal_2004() -> None:
    # "平成16年度末まで(計画期間)に成果を出すよう実施": the strategy's period ends in FY2004;
    # its start is not printed.
    doc = _parse("seeds", "003_55fed4913e2e52af.txt")
    main = [p for p in doc.plans if p.role.value == "main"]
    assert len(main) == 1 and main[0].title.endswith("ステップアップ戦略")
    assert _period(main[0]) == (None, "FY2004")
    assert [p.title for p in doc.plans if p.period is not None] == [main[0].title]


def test_regional_strategy_and_the_national_one_it_shares_its_years_with() -> None:
    # "総合戦略の対象期間は、国の総合戦略と同じく2015年度から2019年度までとします", and the
    # schedule below it lists 2015年度 … 2019年度; the 第5期総合計画 is named with the year it
    # was adopted only.
    doc = _parse("pdf", "nepp-chan_otoineppu", "otoineppu_sogosenryaku.pdf")
    _main(doc, "北海道音威子府村まち・ひと・しごと創生総合戦略", ("FY2015", "FY2019"))
    national = _one(doc, "国の総合戦略")
    assert national.role.value == "referenced" and _period(national) == ("FY2015", "FY2019")
    assert _period(_one(doc, "第5期音威子府村総合計画")) is None
