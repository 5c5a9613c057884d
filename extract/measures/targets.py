"""Numeric goals in parts: a KPI row (指標, 現状値, 目標値, 目標年度) or a printed target
phrase ("職員数を30人(4.6%)削減"), as `schema.Target`."""

from __future__ import annotations

import re

from extract.measures.vocab import vocab
from extract.periods import find_periods
from extract.schema import Target

_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


def _value_unit(text: str) -> tuple[str | None, str | None]:
    """The first figure of `text` printed with a unit, else its first figure:
    "50%程度" → 50, %; "5年間で3人" → 3, 人."""
    first: tuple[str | None, str | None] = (None, None)
    for m in _NUMBER.finditer(text):
        rest = text[m.end():].lstrip()
        unit = next((u for u in vocab().units if rest.startswith(u)), None)
        if unit is not None:
            return m.group(), unit
        first = first if first[0] else (m.group(), None)
    return first


def _year(text: str) -> str | None:
    """The year a cell names (令和7年度 → FY2025), its end where it is a range."""
    for expr in find_periods(text):
        if expr.end or expr.start:
            return expr.end or expr.start
    return None


def phrase_target(text: str) -> Target:
    """"職員数を30人(4.6%)削減" → indicator 職員数, value 30, unit 人."""
    indicator, _, rest = text.partition("を")
    value, unit = _value_unit(rest or text)
    return Target(text=text, indicator=indicator.strip() or None if rest else None,
                  value=value, unit=unit, year=_year(text))


def kpi_target(cells: dict[str, str]) -> Target | None:
    """A target from a KPI row's cells by column header, or None when it prints no goal."""
    v = vocab()

    def column(words: tuple[str, ...]) -> str | None:
        return next((c for c, text in cells.items() if text and any(w in c for w in words)),
                    None)

    def cell(words: tuple[str, ...]) -> str | None:
        at = column(words)
        return None if at is None else cells[at]

    goal = cell(v.goal_columns)
    indicator = cell(v.indicator_columns)
    if goal is None or goal == indicator:
        return None
    baseline = cell(v.baseline_columns)
    value, unit = _value_unit(goal)
    if value is None:
        return None  # a goal in words is the measure's text, not a KPI
    year = _year(cell(v.year_columns) or "") or _year(column(v.goal_columns) or "") or _year(goal)
    parts = [p for p in (indicator, baseline and f"現状値 {baseline}", f"目標値 {goal}") if p]
    return Target(text=" ".join(parts), indicator=indicator, baseline=baseline, value=value,
                  unit=unit, year=year)
