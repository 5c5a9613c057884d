"""The record the period engine returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """One time expression found in a text.

    Exactly one form is set: a range or point (`start`/`end`, either may be None for an open
    range; a single year is start == end), a `duration` (ISO 8601, "P5Y"), or a recurrence
    `every` ("P1Y" for 毎年度). Points are "FY2006" (年度), "2006" (年), "2006-04", "2006-04-01".
    `tags` carry what the context says about it: "law" (平成27年法律第64号: a date, never a
    plan's period), "adopted" (令和5年に策定/改訂), "published" (更新日:…, …日作成), "as_of"
    (…現在, …時点), "first_half" / "second_half" (前期/後期 just before), "review" (見直し).
    """

    surface: str
    span: tuple[int, int]  # character offsets of `surface` in the text searched
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    every: str | None = None
    tags: frozenset[str] = frozenset()
