"""Atoms to expressions: ranges, open ranges, lengths, lists, and inherited eras and units.

Reading left to right, each point atom is tried, in this order, as:
1. the start of a range with the next atom (平成18年度から27年度まで, 令和6～10年度,
   平成17年度を起点とし、おおむね平成21年度まで), absorbing a length printed with it (…の5年間);
2. the head of a list whose next item inherits its era and unit (平成 21、23 年; 9日、10日);
3. a single point, an open start (以降, から, を起点, X～), an end (まで, ～X) or a start or
   end with its length (平成28年から10年間, 平成21年度までの1年間).
An era left out is inherited from the range partner, else from the nearest earlier year in
the text (9年度以降 after 平成8年), else from the first year printed in full later in the text
(a table header read before the title); a two-digit year with nothing to inherit is 20NN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from extract.periods.atoms import CJK, Atom, S
from extract.periods.rules import alternation, eras, words
from extract.periods.values import add_length, format_point, resolve

# A two-digit year with no era anywhere before it is read as 20NN (15年度 = FY2015): plans
# written since 2000 abbreviate western years this way; older ones print their era.
DEFAULT_CENTURY = 2000
# Beyond this, a bare two-digit year is as often an era year printed without its era (平成32年度
# in the tables of the 2010s, 昭和45年), so it is read as nothing unless context gives the era.
DEFAULT_CENTURY_LAST = 30
# Characters before a bare N年 searched for a school-grade word (中学1年, 高校 2年).
GRADE_LOOKBACK = 6
# Characters before a point searched for the wave dash of an open start (～平成20年度):
# the dash and up to two spaces.
TILDE_LOOKBACK = 3


@dataclass(frozen=True, slots=True)
class Expr:
    """One expression in normalized-text offsets, before tags and the raw-offset map."""

    start: int
    end: int
    start_point: str | None = None
    end_point: str | None = None
    duration: str | None = None
    every: str | None = None


@dataclass(frozen=True, slots=True)
class _Links:
    """The compiled patterns that join atoms."""

    sep: re.Pattern[str]
    phrase: re.Pattern[str]
    dot: re.Pattern[str]
    list_: re.Pattern[str]
    range_end: re.Pattern[str]
    open_start: re.Pattern[str]
    relative: re.Pattern[str]
    length_gap: re.Pattern[str]
    tilde_after: re.Pattern[str]
    tilde_before: re.Pattern[str]
    grade_before: re.Pattern[str]
    duration_ok: re.Pattern[str]


@cache
def _links() -> _Links:
    """Return the link patterns, built once from the word lists."""
    w = words()
    approx = rf"(?:(?:{alternation(w.approx_words)}){S})?"
    weekday = rf"(?:{S}\([{w.weekdays}](?:曜日?)?\))?"
    return _Links(
        # 2005年11月から翌2006年7月, 11月から翌年3月: 翌 says the end is in the next year
        sep=re.compile(rf"{weekday}{S}(?:{alternation(w.range_separators)}){S}{approx}"
                       rf"(?:(?P<next>翌(?P<next_year>年度?)?){S})?"),
        phrase=re.compile(rf"(?:{alternation(w.range_phrases)})(?:{alternation(w.phrase_verbs)})?"
                          rf"[、,]?{S}{approx}"),
        dot=re.compile(rf"{S}・{S}"),
        list_=re.compile(rf"{weekday}{S}(?:{alternation(w.list_separators)}){S}"),
        range_end=re.compile(rf"{S}(?:{alternation(w.range_end_words)})"),
        open_start=re.compile(rf"{S}(?P<w>{alternation(w.open_start_words)})"),
        relative=re.compile(rf"{S}(?:{alternation(w.relative_after)})"),
        length_gap=re.compile(
            rf"(?:{S}の)?{S}(?:(?:{alternation(w.length_modifiers)}){S})?"),
        tilde_after=re.compile(rf"{weekday}{S}[~〜]"),
        tilde_before=re.compile(rf"[~〜]{S}$"),
        grade_before=re.compile(rf"(?:{alternation(w.grade_prefixes)}){S}$"),
        duration_ok=re.compile(
            rf"$|[^{CJK}\u30a1-\u30fa\u30fcA-Za-z0-9]|{alternation(w.bare_year_duration_followers)}"),
    )


def atoms_to_exprs(text: str, atoms: list[Atom]) -> list[Expr]:
    """Return the expressions the atoms of normalized `text` make, in order."""
    atoms = list(atoms)
    out: list[Expr] = []
    # nearest earlier point whose western year is known; before the first, the first one
    ahead = next((a for a in atoms if a.kind == "point" and a.western_year is not None), None)
    ctx: Atom | None = None
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if a.kind in ("duration", "every"):
            out.append(Expr(a.start, a.end, duration=a.value if a.kind == "duration" else None,
                            every=a.value if a.kind == "every" else None))
            i += 1
            continue
        if a.kind == "range":
            out.append(_range_atom(text, a))
            i += 1
            continue
        if a.kind != "point":  # a month or day with no year before it: nothing to anchor it
            i += 1
            continue
        ranged = _try_range(text, atoms, i, ctx, ahead)
        if ranged is not None:
            expr, used, known = ranged
            out.append(expr)
            ctx = known
            i += used
            continue
        a = _list_head(text, atoms, i, ctx or ahead)
        prev_end = out[-1].end if out else 0
        single, used, single_known = _single(text, atoms, i, a, ctx or ahead, prev_end)
        if single is not None:
            out.append(single)
        if single_known is not None:
            ctx = single_known
        i += used
    return out


def _range_atom(text: str, a: Atom) -> Expr:
    """Return a decade, century or table row, open when 以前 or 以降 follows (1980年代以前)."""
    links = _links()
    m = links.range_end.match(text, a.end)
    if m:
        return Expr(a.start, m.end(), None, a.range_end)
    m = links.open_start.match(text, a.end)
    if m:
        return Expr(a.start, m.end(), a.range_start, None)
    return Expr(a.start, a.end, a.range_start, a.range_end)


def _complete(b: Atom, a: Atom) -> Atom | None:
    """Return `b` with the year parts it left out taken from `a` (None: cannot be done)."""
    if b.kind == "md":
        return replace(a, start=b.start, end=b.end, month=b.month, day=b.day,
                       last_day=b.last_day)
    if b.kind == "day":
        if a.month is None:
            return None
        return replace(a, start=b.start, end=b.end, day=b.day, last_day=False)
    if b.western_year is not None:
        return b
    assert b.year is not None
    if b.year >= 100:
        return None
    if a.era is not None and not a.western:
        return replace(b, era=a.era)
    if a.western and a.year is not None and 10 <= b.year < 100:
        return replace(b, year=a.year // 100 * 100 + b.year, western=True)
    return None


def _from_context(a: Atom, ctx: Atom | None) -> Atom | None:
    """Return `a` with its era taken from the nearest earlier year, or read as 20NN."""
    if a.western_year is not None:
        return a
    if ctx is not None:
        return _complete(a, ctx)
    if a.year is not None and 10 <= a.year <= DEFAULT_CENTURY_LAST and (
            a.unit == "FY" or a.month is not None):
        return replace(a, year=DEFAULT_CENTURY + a.year, western=True)
    return None


def _next_era(a: Atom) -> Atom | None:
    """Return `a` read in the era after its own, or None when its era is the last."""
    later = [e.start for e in eras() if a.era is not None and e.start > a.era]
    return replace(a, era=min(later)) if later else None


def _point(a: Atom) -> str | None:
    """Return the point string of a completed atom, or None when a part is still missing."""
    year, unit = a.western_year, a.unit or a.bare
    if year is None or unit is None:
        return None
    return format_point(year, unit == "FY", a.month, a.day, a.last_day)


def _merge_units(a: Atom, b: Atom) -> tuple[Atom, Atom]:
    """Return both ends with a unit left out taken from the other end.

    Year-level ends printed with 年 and 年度 are fiscal years (平成18年から27年度まで).
    """
    ua, ub = a.unit or b.unit, b.unit or a.unit
    if a.month is None and b.month is None and ua is not None and ub is not None and ua != ub:
        ua = ub = "FY"
    return replace(a, unit=ua), replace(b, unit=ub)


def _try_range(text: str, atoms: list[Atom], i: int, ctx: Atom | None,
               ahead: Atom | None) -> tuple[Expr, int, Atom] | None:
    """Return the range atom `i` starts with the next atom, atoms used, and the known end."""
    if i + 1 >= len(atoms):
        return None
    a, b = atoms[i], atoms[i + 1]
    if b.kind not in ("point", "md", "day"):
        return None
    gap = text[a.end:b.start]
    links = _links()
    next_year = False
    sep = links.sep.fullmatch(gap)
    if sep:
        link = "sep"
        next_year = sep.group("next_year") is not None
    elif links.phrase.fullmatch(gap) and links.range_end.match(text, b.end):
        link = "phrase"
    elif links.dot.fullmatch(gap):
        link = "dot"
    else:
        return None
    if a.is_bare_year and ctx is None:
        return None  # 5年から10年: lengths, not years
    first = _from_context(a, ctx or ahead)
    last = _complete(b, first) if first is not None else None
    if first is None or last is None:
        return None
    if next_year:
        if b.kind != "md" or last.year is None:
            return None
        last = replace(last, year=last.year + 1)
    first, last = _merge_units(first, last)
    start, end = _point(first), _point(last)
    if start is None or end is None:
        return None
    if link == "dot" and (first.month is not None or last.month is not None
                          or last.western_year != (first.western_year or 0) + 1):
        return None  # 平成27・28年度 is a range; 9日・10日 and 21・23年 are lists
    if resolve(start, end=False) > resolve(end, end=False) and b.era is None and not b.western:
        # 平成30年度～2年度: an abbreviated end smaller than the start is in the next era.
        later = _next_era(last)
        if later is None:
            return None
        last, end = later, _point(later)
    if end is None or resolve(start, end=False) > resolve(end, end=False):
        return None
    stop, used = b.end, 2
    m = links.range_end.match(text, stop)
    if m:
        stop = m.end()
    length = _length_after(text, atoms, i + 2, stop)
    if length is not None:
        stop, used = atoms[i + 2].end, 3
    return Expr(a.start, stop, start, end), used, last


def _length_after(text: str, atoms: list[Atom], j: int, pos: int) -> Atom | None:
    """Return atom `j` when it is a length in years or months printed right at `pos` (…の5年間)."""
    if j >= len(atoms):
        return None
    d = atoms[j]
    if d.kind != "duration" or d.months <= 0:
        return None
    if not _links().length_gap.fullmatch(text, pos, d.start):
        return None
    return d


def _list_head(text: str, atoms: list[Atom], i: int, ctx: Atom | None) -> Atom:
    """Return atom `i`, completing the next atom from it when the two are listed (、・と)."""
    a = atoms[i]
    if i + 1 >= len(atoms):
        return a
    b = atoms[i + 1]
    links = _links()
    if b.kind not in ("point", "md", "day") or not links.list_.fullmatch(text, a.end, b.start):
        return a
    if a.unit is None and b.unit is not None and a.month is None:
        a = replace(a, unit=b.unit)  # 平成 21、23 年: the first takes the unit of the last
    head = _from_context(a, ctx) if not a.is_bare_year or ctx is not None else None
    if head is not None and (b.kind != "point" or b.western_year is None) \
            and not links.relative.match(text, b.end):  # 平成20年と30年後: 30年後 is no year
        filled = _complete(b, head)
        if filled is not None:
            atoms[i + 1] = filled
    return a


def _single(text: str, atoms: list[Atom], i: int, a: Atom, ctx: Atom | None,
            prev_end: int) -> tuple[Expr | None, int, Atom | None]:
    """Return the expression of point `a` alone (with its open end or length), atoms used."""
    links = _links()
    if a.is_bare_year:
        # N年 with no era: a year only in a range or list; alone it is a length (20年が経過),
        # unless a school grade (中学1年).
        if not links.duration_ok.match(text, a.end) or links.grade_before.search(
                text, max(0, a.start - GRADE_LOOKBACK), a.start):
            return None, 1, None
        assert a.year is not None
        return Expr(a.start, a.end, duration=f"P{a.year}Y"), 1, None
    full = _from_context(a, ctx)
    point = _point(full) if full is not None else None
    if full is None or point is None:
        return None, 1, None
    m = links.open_start.match(text, a.end)
    if m:
        if m.group("w") in words().length_after_start:
            d = _length_after(text, atoms, i + 1, m.end())
            end = add_length(point, d.months, forward=True) if d is not None else None
            if d is not None and end is not None:
                return Expr(a.start, d.end, point, end), 2, full
        return Expr(a.start, m.end(), point, None), 1, full
    m = links.range_end.match(text, a.end)
    if m:
        d = _length_after(text, atoms, i + 1, m.end())
        start = add_length(point, d.months, forward=False) if d is not None else None
        if d is not None and start is not None:
            return Expr(a.start, d.end, start, point), 2, full
        return Expr(a.start, m.end(), None, point), 1, full
    after = links.tilde_after.match(text, a.end)
    before = links.tilde_before.search(text, max(prev_end, a.start - TILDE_LOOKBACK), a.start)
    if after and before:  # ～2025年11月16日～: a date set off by wave dashes, not a range
        return Expr(a.start, a.end, point, point), 1, full
    if after:
        return Expr(a.start, after.end(), point, None), 1, full
    if before:
        return Expr(before.start(), a.end, None, point), 1, full
    return Expr(a.start, a.end, point, point), 1, full
