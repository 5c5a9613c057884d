"""Point values ("FY2006", "2006", "2006-04", "2006-04-01"): numbers, formatting, dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
                 "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
# Old numerals for twenty and thirty, still printed in days (廿日, 卅一日).
_KANJI_TENS = str.maketrans({"廿": "二十", "卅": "三十"})
_POINT = re.compile(r"(FY)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
FISCAL_YEAR_FIRST_MONTH = 4  # 年度 runs April to March


def to_int(num: str) -> int:
    """Return the value of an Arabic, kanji (二十七, 廿七, positional 一五) or 元 number."""
    if num.isdigit():
        return int(num)
    if num == "元":
        return 1
    num = num.translate(_KANJI_TENS)
    if not any(c in _KANJI_UNITS for c in num):
        value = 0
        for c in num:  # positional: 一五 = 15, 二〇二四 = 2024
            value = value * 10 + _KANJI_DIGITS[c]
        return value
    total, digit = 0, 0
    for c in num:
        if c in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[c]
        else:
            total += (digit or 1) * _KANJI_UNITS[c]
            digit = 0
    return total + digit


def fiscal_calendar_year(fiscal_year: int, month: int) -> int:
    """Return the calendar year of `month` within `fiscal_year` (February of FY2014 is 2015)."""
    return fiscal_year + (1 if month < FISCAL_YEAR_FIRST_MONTH else 0)


def format_point(year: int, fiscal: bool, month: int | None = None,
                 day: int | None = None, last_day: bool = False) -> str | None:
    """Return the point string, or None when the date does not exist (2月30日)."""
    if month is None:
        return f"FY{year}" if fiscal else f"{year:04d}"
    if fiscal:
        year = fiscal_calendar_year(year, month)
    if not 1 <= month <= 12:
        return None
    if last_day:
        day = calendar.monthrange(year, month)[1]
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def resolve(point: str, *, end: bool) -> date:
    """Return the first day of `point` (end=False) or its last day (end=True).

    FY2006 → 2006-04-01 / 2007-03-31; 2006 → 2006-01-01 / 2006-12-31; 2006-04 → 04-01 / 04-30.
    """
    m = _POINT.fullmatch(point)
    if not m:
        raise ValueError(f"not a point: {point!r}")
    fy, year, month, day = m.group(1), int(m.group(2)), m.group(3), m.group(4)
    if day is not None:
        return date(year, int(month), int(day))
    if month is not None:
        last = calendar.monthrange(year, int(month))[1]
        return date(year, int(month), last if end else 1)
    if fy:
        first = date(year, FISCAL_YEAR_FIRST_MONTH, 1)
        return date(year + 1, FISCAL_YEAR_FIRST_MONTH, 1) - timedelta(days=1) if end else first
    return date(year, 12, 31) if end else date(year, 1, 1)


def add_length(point: str, months: int, *, forward: bool) -> str | None:
    """Return the other end of a period of `months` starting (forward) or ending at `point`.

    平成22年度からの5か年: FY2010 + 60 months → FY2014; 平成21年度までの1年間 → FY2009.
    """
    m = _POINT.fullmatch(point)
    if not m or months <= 0:
        return None
    sign = 1 if forward else -1
    fy, year, month, day = m.group(1), int(m.group(2)), m.group(3), m.group(4)
    if month is None:
        if months % 12:
            return None
        return format_point(year + sign * (months // 12 - 1), bool(fy))
    if day is None:
        index = year * 12 + int(month) - 1 + sign * (months - 1)
        return format_point(index // 12, False, index % 12 + 1)
    index = year * 12 + int(month) - 1 + sign * months
    y, mo = index // 12, index % 12 + 1
    d = min(int(day), calendar.monthrange(y, mo)[1])
    return (date(y, mo, d) - sign * timedelta(days=1)).isoformat()
