"""Japanese time expressions (和暦, 年度, ranges, durations, recurrences), normalized.

`find_periods(text)` returns every time expression in `text` in order, as `TimeExpr`s:
normalize (NFKC, letter-spacing, with an offset map) → atoms (one compiled scanner) →
combine (ranges, open ends, lengths, lists, inherited eras) → tags → raw offsets.
"""

from __future__ import annotations

from extract.periods.atoms import text_to_atoms
from extract.periods.combine import atoms_to_exprs
from extract.periods.jsonl import expr_to_json, lines_to_jsonl
from extract.periods.normalize import normalize
from extract.periods.tags import expr_tags
from extract.periods.types import TimeExpr
from extract.periods.values import resolve

__all__ = ["TimeExpr", "expr_to_json", "find_periods", "lines_to_jsonl", "resolve"]


def find_periods(text: str) -> list[TimeExpr]:
    """Return the time expressions of `text` in order, non-overlapping, spans into `text`."""
    norm = normalize(text)
    found = []
    for x in atoms_to_exprs(norm.text, text_to_atoms(norm.text)):
        start, end = norm.to_raw(x.start, x.end)
        found.append(TimeExpr(
            surface=text[start:end], span=(start, end), start=x.start_point, end=x.end_point,
            duration=x.duration, every=x.every, tags=expr_tags(norm.text, x)))
    return found
