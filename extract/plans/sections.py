"""Periods the outline states: a section titled 計画期間 / 推進期間, and a schedule table
(工程表, スケジュール) whose header row lists the plan's years.

A schedule row alone (`schedule_header`) is not enough: the title above it has a period or
schedule word (`schedule_title`), a caption or its heading names a plan (`caption`), or its
years are consecutive fiscal years (`consecutive_years`). A table of census years (平成2年 …
平成22年, five apart) is data, not a plan's period. The title's brackets (`title_period`) and a
line holding only a range before the first heading (`cover_period`) give the main plan's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise

from extract.periods import TimeExpr, find_periods
from extract.plans.candidates import Candidate, Covered, Registry, expr_index
from extract.plans.evidence import Pair, expr_evidence, score
from extract.plans.names import heading_name, vocab
from extract.structure.outline import Entry, Section

# A schedule column for the year the plan is drawn up in, printed without its number.
CURRENT_YEAR = "本年度"
# A schedule's header names at least this many years.
MIN_SCHEDULE_YEARS = 3
# A table's caption stands this many entries above it at most.
MAX_CAPTION_DISTANCE = 3


class Owners:
    """The plan each part of the text belongs to: the nearest heading above naming a plan."""

    def __init__(self, root: Section, found: Registry, main: Candidate | None) -> None:
        self.main = main
        self.by_section: dict[int, Candidate] = {}
        starts: list[tuple[int, Candidate | None]] = []

        periods: list[tuple[int, int]] = []  # sections titled 計画期間, outermost only

        def visit(section: Section, inherited: Candidate | None, in_period: bool) -> None:
            named = heading_name(section.title) if section.title else None
            plan = (found.find(named[0]) if named else None) or inherited
            if plan is not None:
                self.by_section[id(section)] = plan
            if section.span is not None:
                starts.append((section.span[0], plan))
            titled = section.title is not None and any(
                w in section.title for w in vocab().period_words)
            if titled and not in_period and section.span is not None:
                periods.append((section.span[0], _extent_end(section)))
            for child in section.children:
                visit(child, plan, in_period or titled)

        visit(root, None, False)
        self.period_sections = Covered(periods)
        starts.sort(key=lambda pair: pair[0])
        self._starts = [s for s, _ in starts]
        self._plans = [p for _, p in starts]

    def at(self, offset: int) -> Candidate | None:
        k = bisect_right(self._starts, offset) - 1
        return (self._plans[k] if k >= 0 else None) or self.main

    def of(self, section: Section) -> Candidate | None:
        return self.by_section.get(id(section)) or self.main


def _extent_end(section: Section) -> int:
    """Where the text under a section ends: its heading, body and every section below it."""
    ends = [e.span[1] for s in section.walk() for e in s.body]
    ends += [s.span[1] for s in section.walk() if s.span is not None]
    return max(ends)


def _years_span(text: str, exprs: list[TimeExpr], span: tuple[int, int]) -> TimeExpr | None:
    """One range over the years a schedule's header row lists (令和3年度 … 令和7年度)."""
    inside = [x for x in exprs if span[0] <= x.span[0] and x.span[1] <= span[1]
              and (x.start or x.end)]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    if len(inside) == 1:
        return first
    start, end = first.span[0], last.span[1]
    opening = first.start
    cells = [c.strip() for c in text[span[0]:start].split("\t") if c.strip()]
    if cells and cells[-1] == CURRENT_YEAR and opening:
        # "本年度 30年度 31年度 …" (the national 経営戦略 template): the current year is the
        # one before the first printed year, and the plan starts there.
        start = span[0] + text[span[0]:start].rfind(CURRENT_YEAR)
        opening = _shift(opening, -1)
    return TimeExpr(text[start:end], (start, end), opening, last.end or last.start)


def _shift(point: str, years: int) -> str:
    """`point` moved by whole years: FY2018, -1 → FY2017."""
    if point.startswith("FY"):
        return f"FY{int(point[2:]) + years}"
    return f"{int(point[:4]) + years}{point[4:]}"


def _consecutive(exprs: list[TimeExpr]) -> bool:
    """True when a header row lists fiscal years one after another (令和3年度 令和4年度 …),
    as a plan's schedule does; a statistics table lists census years five apart."""
    years = [int(x.start[2:]) for x in exprs if x.start and x.start.startswith("FY")
             and x.start == x.end]
    return len(years) >= MIN_SCHEDULE_YEARS and all(
        b - a == 1 for a, b in pairwise(years))


def _caption_plan(body: list[Entry], table: Entry, found: Registry) -> Candidate | None:
    """The plan a schedule's caption names: "収支計画(※)" just above the table."""
    at = body.index(table)
    for entry in reversed(body[max(0, at - MAX_CAPTION_DISTANCE):at]):
        if entry.role == "paragraph":
            plan = found.find(re.sub(r"\(.*?\)|\s", "", entry.text))
            if plan is not None:
                return plan
    return None


def _row_plan(body: list[Entry], found: Registry) -> Candidate | None:
    """The plan a schedule row names in its first cell ("みらい改革 プラン | 策定"): one the
    document titles, heads or quotes, not a common noun that ends in 計画 (全体計画)."""
    for entry in body:
        plan = found.find(entry.text.split("\t")[0].replace(" ", ""))
        if plan is not None and plan.how & {"title", "heading", "quoted"}:
            return plan
    return None


def _aside(text: str, x: TimeExpr) -> bool:
    """True for a range in brackets ("国の計画(令和2年度~令和6年度)との整合"): the years of
    what stands before it, not of the section's plan."""
    # Steps back over spaces instead of text[:start].rstrip(), which copies all the text
    # before the range, for each range (quadratic in the text's length).
    before = x.span[0]
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return before > 0 and text[before - 1] == "(" and _CLOSING.match(text, x.span[1]) is not None


# A closing bracket after nothing but spaces (`\s` is what str.strip takes off).
_CLOSING = re.compile(r"\s*\)")


def _with_ancestors(root: Section) -> list[tuple[Section, list[str]]]:
    """Every section below the root with its own title and those of the sections above it."""
    out: list[tuple[Section, list[str]]] = []

    def visit(section: Section, titles: list[str]) -> None:
        here = titles + ([section.title] if section.title else [])
        out.append((section, here))
        for child in section.children:
            visit(child, here)

    for child in root.children:
        visit(child, [])
    return out


def section_pairs(text: str, root: Section, exprs: list[TimeExpr], found: Registry,
                  owners: Owners) -> list[Pair]:
    """Pairs from sections titled with a period word and from schedule tables."""
    v = vocab()
    index = expr_index(exprs)
    pairs: list[Pair] = []
    for section, titles in _with_ancestors(root):
        body = section.body
        if not body or not section.title:
            continue
        titled = any(w in section.title for w in v.period_words)
        scheduled = any(w in t for t in titles for w in v.period_words + v.schedule_words)
        schedule = next((e for e in body if e.role == "schedule"), None)
        caption = None
        if schedule is not None:
            named = heading_name(section.title)
            caption = _caption_plan(body, schedule, found) or (
                found.find(named[0]) if named else None)
        if schedule is not None:
            inside = index.between(*schedule.span)
            period = _years_span(text, inside, schedule.span)
            names = ["schedule_header"] + (["caption"] if caption is not None else []) + (
                ["schedule_title"] if scheduled else []) + (
                ["consecutive_years"] if _consecutive(inside) else [])
        elif titled:
            ranges = [x for x in index.between(body[0].span[0], body[-1].span[1])
                      if (x.start or x.end) and not _aside(text, x)]
            period, names = (ranges[0] if ranges else None), ["section_title"]
        else:
            continue
        target = caption or _row_plan(body, found) or owners.of(section)
        if period is None or target is None:
            continue
        evidence = names + expr_evidence(period)
        pairs.append(Pair(target, period, tuple(evidence), score(evidence)))
    return pairs


_RANGE_LINE = re.compile(r"[\s()\[\]【】<>〈〉]*")
# A cover line a reader may take for a heading: only years and dates ("令和5年度~令和9年度").
_DATES_ONLY = re.compile(r"[\s\d()年度月日明治大正昭和平成令和元~〜～\-－―からまで]*")


def cover_pairs(text: str, title: str | None, root: Section, exprs: list[TimeExpr],
                main: Candidate | None) -> list[Pair]:
    """The main plan's period printed with its title: in the title's brackets ("…計画
    (令和3年度~令和7年度)"), or on a line of its own before the first heading (a cover)."""
    if main is None:
        return []
    pairs: list[Pair] = []
    if title and "title" in main.how:
        for x in find_periods(title):
            if x.start and x.end:
                evidence = ["title_period", *expr_evidence(x)]
                pairs.append(Pair(main, x, tuple(evidence), score(evidence)))
    first = next((c.span[0] for c in root.walk()[1:] if c.span is not None and c.title
                  and not _DATES_ONLY.fullmatch(c.title)), len(text))
    for x in expr_index(exprs).between(0, first):
        line_start = text.rfind("\n", 0, x.span[0]) + 1
        line_end = text.find("\n", x.span[1])
        line_end = len(text) if line_end < 0 else line_end
        rest = text[line_start:x.span[0]] + text[x.span[1]:line_end]
        if (x.start or x.end) and _RANGE_LINE.fullmatch(rest):
            evidence = ["cover_period", *expr_evidence(x)]
            pairs.append(Pair(main, x, tuple(evidence), score(evidence)))
    return pairs
