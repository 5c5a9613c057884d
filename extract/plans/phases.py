"""Plans that divide a range into phases of equal length, each phase a plan of its own.

"平成17年度から平成26年度までの間、5年毎に前期計画・後期計画を策定" names two plans and gives
their years only through the whole: FY2005–FY2009 and FY2010–FY2014. A phase list is taken
only when the arithmetic holds: as many names as the range has phases of that length, so a
length that does not divide the range, or a list of the wrong size, gives nothing.
"""

from __future__ import annotations

import re

from extract.periods import TimeExpr
from extract.plans.candidates import Registry
from extract.plans.evidence import Pair, expr_evidence, score
from extract.plans.names import is_name, vocab

# The phase length after the range: "…までの間、5年毎に", "…まで5年ごとに".
_EVERY = re.compile(r"(?:の間)?[、,]?\s*(\d{1,2})\s*年(?:毎|ごと|ずつ)に?\s*")
# What stands between two phase names: "前期計画・後期計画", "第1期計画、第2期計画及び…".
_JOIN = r"(?:・|、|,|及び|および|並びに)"
_YEAR = re.compile(r"^(FY)?(\d{4})$")


def _year(point: str | None) -> tuple[str, int] | None:
    """("FY", 2005) for FY2005, ("", 2005) for the calendar year 2005; None for a month or a
    day, which phases of whole years do not split."""
    m = _YEAR.match(point or "")
    return (m.group(1) or "", int(m.group(2))) if m else None


def _names(text: str, at: int) -> list[tuple[str, tuple[int, int]]]:
    """The plan names listed from `at`: "前期計画・後期計画を…" gives both with their spans."""
    kinds = "|".join(map(re.escape, vocab().kinds))
    name = re.compile(r"[^\s・、,。を]{1,20}?(?:" + kinds + r")(?![一-龥ァ-ヶー])")
    out: list[tuple[str, tuple[int, int]]] = []
    while True:
        m = name.match(text, at)
        if m is None or not is_name(m.group()):
            return out
        out.append((m.group(), m.span()))
        join = re.compile(_JOIN).match(text, m.end())
        if join is None:
            return out
        at = join.end()


def phase_pairs(text: str, exprs: list[TimeExpr], found: Registry) -> list[Pair]:
    """Each phase plan a range is divided into, with its share of the range.

    >>> from extract.periods import find_periods
    >>> from extract.plans.candidates import Registry
    >>> s = "令和2年度から令和7年度までの間、3年ごとに前期プラン・後期プランを策定します。"
    >>> [(p.plan.title, p.period.start, p.period.end)
    ...  for p in phase_pairs(s, find_periods(s), Registry())]
    [('前期プラン', 'FY2020', 'FY2022'), ('後期プラン', 'FY2023', 'FY2025')]
    >>> s = "令和2年度から令和7年度までの間、4年ごとに前期プラン・後期プランを策定します。"
    >>> phase_pairs(s, find_periods(s), Registry())
    []
    """
    pairs: list[Pair] = []
    for x in exprs:
        first, last = _year(x.start), _year(x.end)
        if first is None or last is None or first[0] != last[0]:
            continue
        every = _EVERY.match(text, x.span[1])
        if every is None:
            continue
        length, years = int(every.group(1)), last[1] - first[1] + 1
        names = _names(text, every.end())
        if length < 1 or len(names) < 2 or len(names) * length != years:
            continue
        unit = first[0]
        for k, (name, span) in enumerate(names):
            start, end = first[1] + k * length, first[1] + (k + 1) * length - 1
            part = TimeExpr(x.surface, x.span, f"{unit}{start}", f"{unit}{end}", tags=x.tags)
            plan = found.add(name, [], span, "text")
            evidence = ["phases", *expr_evidence(part)]
            pairs.append(Pair(plan, part, tuple(evidence), score(evidence)))
    return pairs
