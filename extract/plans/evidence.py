"""Evidence that a time expression is a plan's period, scored with weights kept as data.

Each pair (plan mention, time expression) in one sentence gets the names of what speaks for and
against it; its score is the sum of their weights in `rules/plans.json` ("weights"). For:
`same_sentence`, `period_word` (計画期間, 対象期間 in the sentence), `period_link` (the name and
the period word next to each other: "Xの5年間の計画期間", "計画期間とするX"), `bracket` (the
range in brackets right after the name), `cue` (…を「X」として, 平成7年から9年を第2次行政改革),
`nearest` (no plan named closer to the expression), `adjacent` (the range's start printed
next to the name: "令和8年度から、X"), `self_reference` (本計画 names the main plan),
`topic` (the name is the topic, Xは, of a sentence with a period word),
`section_owner` (a sentence naming no plan that opens with a period word, or has one right
after its range: "…までを計画期間とします"; the plan is the one whose section it is in),
`period_section` (the sentence lies under a heading titled with a period word). Against:
`other_plan_between`, `period_ends` (the name's period is said to end between it and the
range: "Xの期間が終わるため、令和7年度以降の…"), and what the expression is: `point` (one
year, not a range), `day` (a day: a deadline, not a plan's years), `open_end`, and the period
engine's tags `adopted`, `law`, `published`, `as_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extract.periods import TimeExpr
from extract.periods.values import add_length
from extract.plans.candidates import Candidate, Mention
from extract.plans.names import vocab

# How close a period word stands to the name it belongs to, in characters.
MAX_LINK_AFTER_NAME = 14  # Xの10年間の計画期間
MAX_LINK_BEFORE_NAME = 6  # 計画期間とするX
# How close the range is before a name that a cue (として) follows.
MAX_CUE_DISTANCE = 16
# Characters between a name and the bracket holding its period.
MAX_BRACKET_GAP = 3
# Characters between a range's start and the name it stands next to: "令和8年度から、X".
MAX_ADJACENT_GAP = 2
# What may stand between two names of one list: "A、B及びCの計画期間".
_LIST_GAP = re.compile(r"\s*(?:、|,|・|及び|および|並びに|と|や)\s*")
_DURATION_YEARS = re.compile(r"P(\d+)Y")
# The name's period ends between it and the range: the range is what comes after it.
_ENDS = re.compile(r"期間(?:が|を)?(?:終わ|終え|満了|終了)|期限を迎え")


@dataclass(frozen=True, slots=True)
class Pair:
    plan: Candidate
    period: TimeExpr
    evidence: tuple[str, ...]
    score: float


def score(evidence: list[str]) -> float:
    weights = vocab().weights
    return round(sum(weights[name] for name in evidence), 3)


def expr_evidence(expr: TimeExpr) -> list[str]:
    """What the expression itself says against being a plan's period."""
    out: list[str] = [tag for tag in ("adopted", "law", "published", "as_of") if tag in expr.tags]
    if expr.start is not None and expr.start == expr.end:
        out.append("point")
    if any(p is not None and p.count("-") == 2 for p in (expr.start, expr.end)):
        out.append("day")
    if expr.start is None or expr.end is None:
        out.append("open_end")
    return out


Printed = tuple[tuple[int, int], ...]  # where a range's parts are printed


def with_lengths(text: str, exprs: list[TimeExpr]) -> list[tuple[TimeExpr, Printed]]:
    """Ranges of the sentence, an open start joined with the length that follows it
    ("令和8年度から第5次…の10年間の計画期間": FY2026–FY2035), each with the spans of its
    parts as printed (each may stand next to a name)."""
    out: list[tuple[TimeExpr, Printed]] = []
    for k, x in enumerate(exprs):
        if x.duration is not None or x.every is not None:
            continue
        nxt = exprs[k + 1] if k + 1 < len(exprs) else None
        years = _DURATION_YEARS.fullmatch(nxt.duration or "") if nxt is not None else None
        if x.start is not None and x.end is None and nxt is not None and years:
            end = add_length(x.start, int(years.group(1)) * 12, forward=True)
            if end is not None:
                span = (x.span[0], nxt.span[1])
                joined = TimeExpr(text[span[0]:span[1]], span, x.start, end, tags=x.tags)
                out.append((joined, (x.span, nxt.span)))
                continue
        out.append((x, (x.span,)))
    return out


def lists(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions grouped into lists: names with only 、 or 及び between them share a clause."""
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups and _LIST_GAP.fullmatch(text, groups[-1][-1].span[1], m.span[0]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


@cache
def _period_word_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, vocab().period_words)))


def period_words(text: str, sentence: tuple[int, int]) -> list[tuple[int, int]]:
    """Where the sentence holds a period word (計画期間, 期間), as offsets into the text."""
    return [m.span() for m in _period_word_pattern().finditer(text, *sentence)]


# What stands between a range and the period word it is given to: "XからYまでを計画期間",
# "Yまで(計画期間)", "Xからの5年間を期間".
_TO_WORD = r"\s*(?:まで)?(?:の?\s*\d+\s*[かヶケカ箇]?(?:年間|か年))?\s*(?:を|\(|:)?\s*"


def _within_a_year(x: TimeExpr) -> bool:
    """True for a range of days inside one year ("7月1日から7月31日までを募集期間"): a
    campaign's or a call's dates, not a plan's years."""
    days = [p for p in (x.start, x.end) if p is not None and p.count("-") == 2]
    return len(days) == 2 and days[0][:4] == days[1][:4]


@cache
def _attached_pattern() -> re.Pattern[str]:
    return re.compile(_TO_WORD + "(?:" + "|".join(map(re.escape, vocab().period_words)) + ")")


def attached_word(text: str, exprs: list[TimeExpr]) -> int | None:
    """Where a period word follows a range with nothing but particles between ("令和3年度から
    令和7年度までの5年間を計画期間とします", "平成16年度末まで(計画期間)"): the sentence
    gives the period of a plan it does not name, the one it is written in.

    >>> from extract.periods import find_periods
    >>> s = "令和3年度から令和7年度までの5年間を計画期間とします。"
    >>> attached_word(s, find_periods(s)) == s.index("計画期間")
    True
    >>> s = "前の計画が令和2年度で期間を終えます。"
    >>> attached_word(s, find_periods(s)) is None
    True
    >>> s = "令和5年7月1日から7月31日までを期間とします。"
    >>> attached_word(s, find_periods(s)) is None
    True
    """
    pattern = _attached_pattern()
    for x in exprs:
        if (x.start is None and x.end is None) or _within_a_year(x):
            continue
        m = pattern.match(text, x.span[1])
        if m is not None:
            return m.end() - len(next(w for w in vocab().period_words if m.group().endswith(w)))
    return None


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def pair_evidence(text: str, words: list[tuple[int, int]], group: tuple[int, int],
                  expr: TimeExpr, printed: Printed, groups: list[tuple[int, int]]) -> list[str]:
    """The evidence for and against `expr` (its parts `printed`) being the period of the
    names at `group`, in a sentence whose period words stand at `words` (`period_words`)."""
    out = ["same_sentence"]
    if words:
        out.append("period_word")
    gs, ge = group
    if any(0 <= a - ge <= MAX_LINK_AFTER_NAME or 0 <= gs - b <= MAX_LINK_BEFORE_NAME
           for a, b in words):
        out.append("period_link")
    xs, xe = expr.span
    if 0 <= xs - ge <= MAX_BRACKET_GAP and "(" in text[ge:xs + 1]:
        out.append("bracket")
    after = text[ge:ge + 4].lstrip("」』")
    if words and after.startswith(("は", "では")):
        out.append("topic")  # "本計画は、…を計画期間とします": the period is the topic's
    if (xe <= gs and gs - xe <= MAX_CUE_DISTANCE and after.startswith(vocab().cue_words)) or (
            text[xe:gs].rstrip("「『") == "を"):  # 平成7年から9年を第2次行政改革(として)
        out.append("cue")
    head = min(printed, key=lambda part: _gap(part, group))  # the part next to the names
    if _gap(head, group) == min(_gap(part, g) for g in groups for part in printed):
        out.append("nearest")
    between = text[min(head[1], ge):max(head[0], gs)]
    if "bracket" not in out and _gap(head, group) <= MAX_ADJACENT_GAP and not between.strip(
            "、, 」』「『"):
        out.append("adjacent")
    lo, hi = (ge, head[0]) if ge <= head[0] else (head[1], gs)
    if any(lo <= g[0] and g[1] <= hi for g in groups if g != group):
        out.append("other_plan_between")
    if _ENDS.search(text, lo, hi):
        out.append("period_ends")  # "第2期計画の期間が終わるため、令和7年度以降の…"
    return out + expr_evidence(expr)
