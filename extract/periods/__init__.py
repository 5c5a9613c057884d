"""Japanese time expressions (和暦, 年度, ranges, durations, recurrences), normalized.

`find_periods(text)` returns every time expression in `text` in order, as `TimeExpr`s.
"""

from extract.periods.types import TimeExpr

__all__ = ["TimeExpr"]
