"""Atoms: the smallest time expressions (one year or date, a duration, a recurrence).

One regex, composed once from named fragments, finds them all in a single scan of the
normalized text. Alternatives are tried in order at each position, so the more specific
forms come first (R5.4.1 before R5, 5年間 before 5年). Atoms may lack parts (平成14 in
平成14から16年度 has no unit, 27年度 in 平成18年度から27年度 no era); `combine` fills them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from typing import Literal

from extract.periods.rules import alternation, eras, words
from extract.periods.values import to_int

AtomKind = Literal["point", "md", "day", "duration", "every", "range"]
Unit = Literal["FY", "Y"]

# Up to two spaces may stand between a number and its unit (平成 29 年度, 30 年間).
S = "[ ]{0,2}"
KANJI_DIGITS = "〇零一二三四五六七八九十百千"
WESTERN_YEAR = r"(?:18[6-9][0-9]|19[0-9]{2}|20[0-9]{2})"
# A western year written digit by digit in kanji, as formal texts do (二〇二四年, 一九六〇年代).
KANJI_WESTERN_YEAR = "(?:一[八九][〇一二三四五六七八九]{2}|二〇[〇一二三四五六七八九]{2})"
KANJI_DECADE = "(?:一[八九][〇一二三四五六七八九]|二〇[〇一二三四五六七八九])〇"
NUM_MONTH = r"(?:1[0-2]|0?[1-9])"
NUM_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])"
MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])(?![0-9])"
DAY = (r"(?:3[01]|[12][0-9]|0?[1-9]|三十一?|卅一?|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?"
       r"|十[一二三四五六七八九]?|[一二三四五六七八九])(?![0-9])")
CJK = r"\u3400-\u9fff々〆ヵヶ"
FY_UNIT = "年[ ]?度"


@dataclass(frozen=True, slots=True)
class Atom:
    """One atom; for a point, the parts printed (None: not printed, to be inherited)."""

    kind: AtomKind
    start: int
    end: int
    era: int | None = None  # first western year of the printed era (平成 → 1989)
    year: int | None = None  # the year number as printed (era year, or western when western)
    western: bool = False
    unit: Unit | None = None
    month: int | None = None
    day: int | None = None
    last_day: bool = False  # 末日
    suffixed: bool = False  # a point suffix follows (年度末, 年春, 年頃): a time, never a length
    bare: Unit | None = None  # unit to assume when none is printed (H30 → FY, 平2 → Y)
    value: str | None = None  # ISO duration of a duration or recurrence
    months: int = 0  # a duration's length in months (0: not in years or months)
    range_start: str | None = None  # for kind "range": 21世紀, 2050年代, table rows
    range_end: str | None = None

    @property
    def is_bare_year(self) -> bool:
        """Return True for a number + 年 with no era and no month (a year or a duration)."""
        return (self.kind == "point" and self.era is None and not self.western
                and self.unit == "Y" and self.month is None and not self.suffixed)

    @property
    def western_year(self) -> int | None:
        """Return the western year when it is known from the atom alone."""
        if self.year is None:
            return None
        if self.western:
            return self.year
        if self.era is not None:
            return self.era + self.year - 1
        return None


def _md(p: str) -> str:
    """Return the fragment for an optional month, day and suffix (4月1日, 年度末, 3月末日)."""
    w = words()
    return (rf"(?:{S}(?P<{p}m>{MONTH}){S}月(?:{S}(?P<{p}d>{DAY}){S}日)?)?"
            rf"(?P<{p}s>{alternation(w.point_suffixes)})?")


@cache
def atom_pattern() -> re.Pattern[str]:
    """Return the compiled scanner for all atoms."""
    w = words()
    # PDF text may space out the glyphs of an era or unit (令 和 5年 度 決 算).
    full = "|".join("[ ]?".join(e.name) for e in eras())
    latin = "".join(e.latin for e in eras())
    dotted = "".join(e.latin for e in eras() if e.latin_dotted)
    kabbr = "".join(e.kanji_abbrev for e in eras() if e.kanji_abbrev_safe)
    era_head = rf"(?:{full}|(?<![A-Za-z0-9])[{latin}]|(?<![{CJK}])[{kabbr}])"
    era_num = rf"(?:元|[0-9]{{1,2}}|[{KANJI_DIGITS}]{{1,4}})(?![0-9A-Za-z])"
    paren_w = rf"\({S}{WESTERN_YEAR}{S}(?:年度|年)?{S}\)"
    paren_e_pre = rf"\({S}(?:{full}|[{latin}]){S}(?:元|[0-9]{{1,2}}){S}\)"
    era_closing = rf"(?:{full}|[{latin}]){S}(?:元|[0-9]{{1,2}}){S}(?:年度|年)?{S}\)"
    paren_e_post = rf"\(?{S}{era_closing}"
    # 令和元年度(平成31年度): the same year in the era before, printed beside it.
    paren_alt = rf"(?:{paren_w}|\({S}{era_closing})"
    dur_units = alternation(w.duration_year_units + w.duration_month_units)
    month_units = alternation(w.duration_month_units)
    # units inside a compound length (1年2ヶ月10日, 5ヶ月半): 間 comes only after the last
    year_part = alternation(("年", *(u for u in w.duration_year_units if not u.endswith("間"))))
    month_part = alternation(tuple(u for u in w.duration_month_units if not u.endswith("間")))
    followers = alternation(w.bare_year_duration_followers)
    daily_not = "|".join(
        rf"{re.escape(k)}(?:{alternation(v)})" for k, v in w.not_recurrence_after.items())
    every_words = alternation(tuple(w.recurrence_words))
    count = rf"(?:[0-9]{{1,3}}|[{KANJI_DIGITS}]{{1,3}})"
    ages = "".join(w.age_words)  # 1歳6か月児: an age, not a length
    parts = {
        # 年度 2023 2024 2025: a schedule table's header row.
        "T": rf"(?P<t_h>年度|年)[ \t]+(?P<t_ys>{WESTERN_YEAR}(?:[ \t]+{WESTERN_YEAR})+)(?![0-9])",
        # R5.4.1, H29.3, H25.5月, H17.10. 1, R5/4/1; with the full era name also 令和3-7-18
        # and 令和3・7・18 (three parts: 令和3-5年度 and 令和3・4年度 are ranges).
        "DE": (rf"(?:(?:(?P<de_era>{full})|(?<![A-Za-z0-9])(?P<de_lat>[{dotted}])){S}"
               rf"(?P<de_y>元|[0-9]{{1,2}})(?P<de_sep>[./])(?P<de_m>{NUM_MONTH})"
               rf"(?:月|(?P=de_sep)[ ]?(?P<de_d>{NUM_DAY}))?"
               rf"|(?P<de_era3>{full}){S}(?P<de_y3>元|[0-9]{{1,2}})(?P<de_sep3>[・,\-])"
               rf"(?P<de_m3>{NUM_MONTH})(?P=de_sep3)(?P<de_d3>{NUM_DAY}))"
               rf"(?![0-9]|[./][0-9]|{S}年)"),
        # 2021/07/18, 2021.7.18, 2021-07-18, 2021・7・18, 2021,7,18; a month alone after a
        # slash only (2021/7: 2021.7 and 2021-7 are as often numbers or ranges).
        "DW": (rf"(?<![0-9.,/\-])(?P<dw_y>{WESTERN_YEAR})"
               rf"(?:(?P<dw_sep>[./・,\-])(?P<dw_m>{NUM_MONTH})(?P=dw_sep)[ ]?(?P<dw_d>{NUM_DAY})"
               rf"|/(?P<dw_m2>{NUM_MONTH}))"
               rf"(?![0-9]|[./\-][0-9]|{S}年)"),
        "C": rf"(?<![0-9])(?P<c_n>[0-9]{{1,2}}|[一二三十]{{1,3}})(?![0-9]){S}世紀",
        "DC": (rf"(?:(?P<dc_era>{full}){S}(?P<dc_en>[1-9]0)"
               rf"|(?<![0-9])(?P<dc_y>1[89][0-9]0|20[0-9]0)"
               rf"|(?<![{KANJI_DIGITS}])(?P<dc_k>{KANJI_DECADE}))"
               rf"(?![0-9]){S}年代"),
        # 毎月, 隔年; 年1回, 5年に1度, 3日に1回, 月2回, 週に1回; 5年ごと, 2日おき
        "EV": (rf"(?P<ev_w>(?!{daily_not})(?:{every_words}))"
               rf"|(?:(?<![0-9.,])(?P<ev_on>{count}){S}(?P<ev_ou>年|{month_units}|週間|週|日)"
               rf"|(?<![0-9{KANJI_DIGITS}])(?P<ev_o1>年|月|週|日)){S}(?:に{S})?"
               rf"{count}{S}(?:回|度)(?![目0-9])"
               rf"|(?<![0-9.,])(?P<ev_n>{count}|半){S}(?P<ev_u>年|{month_units}|週間|週|日)"
               rf"(?P<ev_k>{alternation(w.recurrence_suffixes)})(?![年月日週])"),
        # 1年2ヶ月10日, 1年半, 5ヶ月半, 3日間, 2週間, 30日以内, 2時間, 1時間半, 30分間,
        # 半世紀, 四半世紀, 半月, 半日
        "DL": (rf"(?P<dl_word>{alternation(tuple(w.length_words))})"
               rf"|(?<![0-9.,{ages}])(?:"
               rf"(?P<dl_y>{count}){S}(?:{year_part}){S}(?P<dl_ym>{count}){S}(?:{month_part})"
               rf"(?:{S}(?P<dl_yd>{count}){S}日)?"
               rf"|(?P<dl_m>{count}){S}(?:{month_part}){S}(?P<dl_md>{count}){S}日"
               rf"|(?P<dl_h>{count}){S}(?P<dl_hu>{year_part}|{month_part})半"
               rf"|(?P<dl_n>{count}){S}(?P<dl_u>日|週)(?:間|(?={followers}))"
               rf"|(?P<dl_t>{count}){S}(?P<dl_tu>時間|分間)(?P<dl_th>(?<=時間)半)?)"
               rf"(?:間)?(?:{alternation(w.duration_suffixes)})?(?![目隔齢児])"),
        "D": (rf"(?:(?P<d_pre>{alternation(w.duration_prefixes)}){S})?(?<![0-9.,{ages}])"
              rf"(?:(?P<d_n>{count}|半)(?![0-9]){S}(?P<d_u>{dur_units})(?![隔齢児目])"
              rf"|(?P<d_h>半)年"
              rf"|(?P<d_w>[0-9]{{1,3}}){S}年(?={alternation(w.duration_suffixes)})"
              rf"|(?(d_pre)(?P<d_p>[0-9]{{1,3}})(?![0-9]){S}年(?!度)|(?!)))"
              rf"(?P<d_suf>{alternation(w.duration_suffixes)})?"),
        "E": (rf"(?P<e_era>{era_head}){S}(?P<e_n>{era_num})(?:{S}{paren_w})?"
              rf"(?:{S}(?P<e_u>{FY_UNIT}|年)(?!代)(?:{S}{paren_alt})?{_md('e_')})?"),
        "W": (rf"(?:(?<![0-9.,])(?P<w_y>{WESTERN_YEAR})(?![0-9])"
              rf"|(?<![{KANJI_DIGITS}])(?P<w_k>{KANJI_WESTERN_YEAR}))(?:{S}{paren_e_pre})?{S}"
              rf"(?P<w_u>{FY_UNIT}|年)(?!代)(?:{S}{paren_e_post})?{_md('w_')}"),
        # 2015 in 2015～2019年度: a year whose unit comes with the end of the range.
        "WP": (rf"(?<![0-9.,])(?P<wp_y>{WESTERN_YEAR})(?![0-9])"
               rf"(?={S}(?:{alternation(w.range_separators + w.list_separators)}){S}[0-9])"),
        # 27年度, 5年; three digits only as a length (100年はかかる)
        "B": (rf"(?<![0-9.,/A-Za-z第])(?<!第 )(?P<b_n>[0-9]{{1,3}})(?![0-9]){S}"
              rf"(?P<b_u>{FY_UNIT}|年)(?!代){_md('b_')}"),
        "MD": (rf"(?<![0-9.,/])(?P<m_m>1[0-2]|0?[1-9])(?![0-9]){S}月"
               rf"(?:{S}(?P<m_d>3[01]|[12][0-9]|0?[1-9])(?![0-9]){S}日)?(?P<m_s>末日|末)?"),
        "DY": r"(?<![0-9.,/])(?P<dy_d>3[01]|[12][0-9]|0?[1-9])(?![0-9])日(?!間)",
    }
    # Every atom starts with one of these characters: checking it first lets the scanner
    # skip other positions without trying each alternative there.
    first = set("0123456789年月週日半四" + KANJI_DIGITS + latin + kabbr)
    first.update(e.name[0] for e in eras())
    first.update(word[0] for word in (*w.recurrence_words, *w.duration_prefixes, *w.length_words))
    starts = "".join(sorted(first))
    body = "|".join(f"(?P<{k}>{v})" for k, v in parts.items())
    return re.compile(f"(?=[{re.escape(starts)}])(?:{body})")


@cache
def _era_by_text() -> dict[str, int]:
    """Return each era spelling (平成, H, 平) mapped to its first western year."""
    table: dict[str, int] = {}
    for e in eras():
        table[e.name] = table[e.latin] = table[e.kanji_abbrev] = e.start
    return table


@cache
def _bare_unit() -> dict[str, Unit]:
    """Return the unit assumed for an era abbreviation printed without one (H30, 平2)."""
    table: dict[str, Unit] = {}
    for e in eras():
        if e.latin_bare:
            table[e.latin] = "FY"
        if e.kanji_abbrev_safe:
            table[e.kanji_abbrev] = "Y"
    return table


def text_to_atoms(text: str) -> list[Atom]:
    """Return the atoms of normalized `text`, in order and non-overlapping."""
    atoms = []
    for m in atom_pattern().finditer(text):
        atom = _match_to_atom(m)
        if atom is not None:
            atoms.append(atom)
    return atoms


def _unit(u: str | None) -> Unit | None:
    """Return the unit of 年度 / 年."""
    return None if u is None else "FY" if "度" in u else "Y"


def _with_md(atom: Atom, m: re.Match[str], p: str) -> Atom:
    """Return `atom` with the month, day and 末日 of the `_md` fragment with prefix `p`."""
    month, day, suffix = m.group(p + "m"), m.group(p + "d"), m.group(p + "s")
    if suffix is not None:
        atom = replace(atom, suffixed=True)
    if month is None:
        return atom
    return replace(atom, month=to_int(month), day=to_int(day) if day else None,
                   last_day=suffix == "末日" and day is None)


def _match_to_atom(m: re.Match[str]) -> Atom | None:
    """Return the atom of one scanner match, or None when its numbers make no date."""
    kind, s, e = m.lastgroup, m.start(), m.end()
    g = m.group
    if kind == "E":
        era_text = g("e_era").replace(" ", "")
        year = to_int(g("e_n"))
        if year == 0:  # 令和0年: no such year
            return None
        atom = Atom("point", s, e, era=_era_by_text()[era_text], year=year,
                    unit=_unit(g("e_u")), bare=_bare_unit().get(era_text))
        return _with_md(atom, m, "e_")
    if kind == "W":
        year = int(g("w_y")) if g("w_y") else to_int(g("w_k"))
        atom = Atom("point", s, e, year=year, western=True, unit=_unit(g("w_u")))
        return _with_md(atom, m, "w_")
    if kind == "B":
        atom = _with_md(Atom("point", s, e, year=int(g("b_n")), unit=_unit(g("b_u"))), m, "b_")
        # three digits and no era: only a length in years (100年はかかる), never a year
        return atom if (atom.year is not None and atom.year < 100) or atom.is_bare_year else None
    if kind == "WP":
        return Atom("point", s, e, year=int(g("wp_y")), western=True)
    if kind == "DE":
        three = g("de_era3") is not None
        era = _era_by_text()[(g("de_era3") or g("de_era") or g("de_lat")).replace(" ", "")]
        year = to_int(g("de_y3") if three else g("de_y"))
        day = g("de_d3") if three else g("de_d")
        if year == 0:
            return None
        return Atom("point", s, e, era=era, year=year, unit="Y",
                    month=int(g("de_m3") if three else g("de_m")), day=int(day) if day else None)
    if kind == "DW":
        day = g("dw_d")
        return Atom("point", s, e, year=int(g("dw_y")), western=True, unit="Y",
                    month=int(g("dw_m") or g("dw_m2")), day=int(day) if day else None)
    if kind == "MD":
        day = g("m_d")
        return Atom("md", s, e, month=int(g("m_m")), day=int(day) if day else None,
                    last_day=g("m_s") == "末日" and day is None)
    if kind == "DY":
        return Atom("day", s, e, day=int(g("dy_d")))
    if kind == "D":
        return _duration(m, s, e)
    if kind == "DL":
        return _length(m, s, e)
    if kind == "EV":
        return _every(m, s, e)
    if kind == "C":
        n = to_int(g("c_n"))
        return Atom("range", s, e, range_start=f"{(n - 1) * 100 + 1:04d}",
                    range_end=f"{n * 100:04d}")
    if kind == "DC":
        if g("dc_era"):
            first = _era_by_text()[g("dc_era").replace(" ", "")] + int(g("dc_en")) - 1
        else:
            first = to_int(g("dc_y") or g("dc_k"))
        return Atom("range", s, e, range_start=f"{first:04d}", range_end=f"{first + 9:04d}")
    if kind == "T":
        return _table_row(m)
    return None


def _duration(m: re.Match[str], s: int, e: int) -> Atom | None:
    """Return a duration atom (5年間, 10か年, 半年以内, 今後5年), None for zero."""
    g = m.group
    if g("d_h"):
        return Atom("duration", s, e, value="P6M", months=6)
    n_text = g("d_n") or g("d_p") or g("d_w")
    unit = g("d_u") or "年"
    if n_text == "半":
        months = 6 if "年" in unit else 0
        return Atom("duration", s, e, value="P6M" if months else "P15D", months=months)
    n = to_int(n_text)
    if n == 0:
        return None
    if "月" in unit:
        return Atom("duration", s, e, value=f"P{n}M", months=n)
    return Atom("duration", s, e, value=f"P{n}Y", months=12 * n)


def _every(m: re.Match[str], s: int, e: int) -> Atom | None:
    """Return a recurrence atom (毎年度 → P1Y, 5年ごと → P5Y, 1年おき → P2Y)."""
    g = m.group
    if g("ev_w"):
        return Atom("every", s, e, value=words().recurrence_words[g("ev_w")])
    if g("ev_n") is None:  # 年1回, 5年に1度, 月2回 (twice in every month)
        n = to_int(g("ev_on")) if g("ev_on") else 1
        value = _iso(n, g("ev_ou") or g("ev_o1"))
        return Atom("every", s, e, value=value) if value else None
    n_text, unit = g("ev_n"), g("ev_u")
    if n_text == "半":
        value = {"年": "P6M", "月": "P15D"}.get(_unit_letter_key(unit))
        return Atom("every", s, e, value=value) if value else None
    n = to_int(n_text)
    if g("ev_k") == "おき":  # 1年おき: one year skipped between, so every 2 years
        n += 1
    value = _iso(n, unit)
    return Atom("every", s, e, value=value) if value else None


def _unit_letter_key(unit: str) -> str:
    """Return 年, 月, 週 or 日: the calendar unit a unit word counts (ヶ月間 → 月)."""
    for key in "週日月":
        if key in unit:
            return key
    return "年"


def _iso(n: int, unit: str) -> str | None:
    """Return the ISO 8601 duration of `n` units (3, 日 → P3D), None for zero."""
    if n == 0:
        return None
    return f"P{n}{_ISO_LETTER[_unit_letter_key(unit)]}"


_ISO_LETTER = {"年": "Y", "月": "M", "週": "W", "日": "D"}


def _length(m: re.Match[str], s: int, e: int) -> Atom | None:
    """Return a compound, half, day, week or hour length (1年2ヶ月10日, 1年半, 3日間, 2時間)."""
    g = m.group
    if g("dl_word"):
        return Atom("duration", s, e, value=words().length_words[g("dl_word")])
    if g("dl_n"):
        value = _iso(to_int(g("dl_n")), g("dl_u"))
        return Atom("duration", s, e, value=value) if value else None
    if g("dl_t"):  # 2時間 → PT2H, 1時間半 → PT1H30M, 30分間 → PT30M
        n = to_int(g("dl_t"))
        if n == 0:
            return None
        if g("dl_tu") == "分間":
            return Atom("duration", s, e, value=f"PT{n}M")
        return Atom("duration", s, e, value=f"PT{n}H30M" if g("dl_th") else f"PT{n}H")
    if g("dl_h"):  # 1年半, 5ヶ月半
        n = to_int(g("dl_h"))
        if _unit_letter_key(g("dl_hu")) == "年":
            years, months, days = n, 6, 0
        else:
            years, months, days = 0, n, 15
    else:
        years = to_int(g("dl_y")) if g("dl_y") else 0
        months = to_int(g("dl_ym") or g("dl_m"))
        days = to_int(g("dl_yd") or g("dl_md") or "0")
    if years + months + days == 0:
        return None
    value = "P" + "".join(f"{n}{u}" for n, u in ((years, "Y"), (months, "M"), (days, "D")) if n)
    return Atom("duration", s, e, value=value, months=0 if days else 12 * years + months)


def _table_row(m: re.Match[str]) -> Atom | None:
    """Return the range of a header row of consecutive years (年度 2023 2024 2025)."""
    years = [int(y) for y in m.group("t_ys").split()]
    if any(b != a + 1 for a, b in pairwise(years)):
        return None
    fiscal = m.group("t_h") == "年度"
    first, last = (f"FY{years[0]}", f"FY{years[-1]}") if fiscal else (
        f"{years[0]}", f"{years[-1]}")
    return Atom("range", m.start("t_ys"), m.end("t_ys"), range_start=first, range_end=last)
