"""Plans of one document, resolved once from candidates and scored evidence.

1. candidates: the title, headings, quotations and names in the text (`candidates.py`);
2. pairs: every sentence's mentions × its time expressions, scored (`evidence.py`), plus a
   section titled 計画期間 and a schedule table's header row (`sections.py`);
3. each plan takes its best pair at or above the threshold; the main plan is the best scored
   by title, heading and frequency; a plan is emitted only with evidence: the main plan, plans
   named by headings (the parts the document divides into), and others only with a period.

Everything is linear in the text (sentences once, expressions and mentions by bisect).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extract.periods import TimeExpr
from extract.plans.candidates import (
    Candidate,
    Mention,
    Registry,
    expr_index,
    find_mentions,
    mention_index,
)
from extract.plans.evidence import (
    Pair,
    attached_word,
    lists,
    pair_evidence,
    period_words,
    score,
    with_lengths,
)
from extract.plans.names import kind_of, vocab
from extract.plans.sections import Owners, cover_pairs, section_pairs
from extract.structure.outline import Section
from extract.structure.segment import sentences


@dataclass(slots=True)
class FoundPlan:
    title: str
    kind: str | None
    role: str  # "main" | "sub" | "referenced"
    span: tuple[int, int]
    aliases: list[str] = field(default_factory=list)
    period: TimeExpr | None = None
    adopted: str | None = None
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.title, *self.aliases]


_SUB_ORDINAL = re.compile(r"^第\d+期")


def find_plans(text: str, title: str | None, root: Section,
               exprs: list[TimeExpr]) -> list[FoundPlan]:
    """Every plan the document defines, divides into, or names with a period."""
    found, mentions = find_mentions(text, title, root)
    if not found.plans:
        return []
    main = _main(found)
    owners = Owners(root, found, main)
    pairs: list[Pair] = []
    fixed: set[int] = set()
    adopted: dict[int, str] = {}
    by_expr, by_mention = expr_index(exprs), mention_index(mentions)
    # Only a sentence holding a time expression or a no-period phrase can give or fix a period
    # (`_sentence_pairs`): one walk along where those start passes over the others.
    marks = sorted([x.span[0] for x in exprs]
                   + [m.start() for m in _no_period_starts().finditer(text)])
    k = 0
    for s, e in sentences(text):
        while k < len(marks) and marks[k] < s:
            k += 1
        if k < len(marks) and marks[k] < e:
            pairs += _sentence_pairs(text, (s, e), by_expr.between(s, e),
                                     by_mention.between(s, e), owners, fixed, adopted)
    pairs += section_pairs(text, root, exprs, found, owners)
    pairs += cover_pairs(text, title, root, exprs, main)
    return _emit(found, main, pairs, fixed, adopted)


def _main(found: Registry) -> Candidate | None:
    """The plan the document defines: named by the title, else by the most headings."""
    w = vocab().weights

    def identity(plan: Candidate) -> float:
        return (w["title"] * ("title" in plan.how) + w["heading"] * ("heading" in plan.how)
                + min(w["frequency_cap"], w["frequency"] * plan.mentions))

    ranked = sorted((p for p in found.plans if {"title", "heading"} & p.how),
                    key=identity, reverse=True)
    if ranked and "title" not in ranked[0].how and "sibling_part" in ranked[0].how:
        # The parts' headings name no whole: the plan they belong to is the one of their kind
        # the text names most often, when it names one more often than any part.
        kind = kind_of(ranked[0].title)
        whole = max((p for p in found.plans if "sibling_part" not in p.how
                     and kind_of(p.title) == kind), key=lambda p: p.mentions, default=None)
        if whole is not None and whole.mentions > max(p.mentions for p in ranked):
            return whole
    return ranked[0] if ranked else None


def _sentence_pairs(text: str, sentence: tuple[int, int], exprs: list[TimeExpr],
                    mentions: list[Mention], owners: Owners, fixed: set[int],
                    adopted: dict[int, str]) -> list[Pair]:
    s, e = sentence
    v = vocab()
    body = text[s:e]
    no_period = any(p in body for p in v.no_period)
    if not exprs and not no_period:
        return []  # no range to pair and no plan to fix: most sentences end here
    refs = [Mention(owners.main, (s + m.start(), s + m.end()), "self_reference")
            for m in _self_reference_pattern().finditer(body) if owners.main is not None]
    named = sorted(mentions + refs, key=lambda m: m.span[0])
    owner = owners.at(s) if not named else None
    if owner is not None:
        # "計画期間：令和3年度～令和7年度" under a plan's heading, or "令和3年度から令和7年度
        # までを計画期間とします" in it: the period of the plan the section belongs to.
        at = s if _opens_with_period_word(body) else attached_word(text, exprs)
        if at is not None:
            named = [Mention(owner, (at, at), "section_owner")]
    _adoptions(text, exprs, named, e, adopted)
    if no_period and named:
        fixed.add(id(named[0].plan))
        return []
    ranges = [(x, printed) for x, printed in with_lengths(text, exprs) if x.start or x.end]
    if not named or not ranges:
        return []
    groups = lists(text, named)
    spans = [(g[0].span[0], g[-1].span[1]) for g in groups]
    words = period_words(text, sentence)  # once a sentence, not once a pair
    pairs: list[Pair] = []
    for group, span in zip(groups, spans, strict=True):
        extra = ["listed"] if len(group) > 1 else []
        if span[0] in owners.period_sections:
            extra.append("period_section")  # "基本構想 令和3年度~令和12年度" under 計画期間
        for x, printed in ranges:
            evidence = pair_evidence(text, words, span, x, printed, spans) + extra
            for m in group:
                how = [m.how] if m.how in ("self_reference", "section_owner") else []
                names = evidence + how
                pairs.append(Pair(m.plan, x, tuple(names), score(names)))
    return pairs


def _opens_with_period_word(body: str) -> bool:
    """True for "計画期間：…", "期間 …" and "計画の期間 …" at the start of a sentence."""
    body = body.lstrip()
    return body.removeprefix("計画の").startswith(vocab().period_words)


@cache
def _no_period_starts() -> re.Pattern[str]:
    """Where a no-period phrase (期間を定めない) starts, overlapping ones too."""
    return re.compile("(?=" + "|".join(map(re.escape, vocab().no_period)) + ")")


@cache
def _self_reference_pattern() -> re.Pattern[str]:
    """本計画, この大綱 as words of their own: 基本計画 and 基本方針 hold 本計画 and 本方針
    inside one word and name other things.

    >>> [m.group() for m in _self_reference_pattern().finditer("本計画は基本計画に基づく")]
    ['本計画']
    """
    refs = "|".join(map(re.escape, vocab().self_refs))
    return re.compile(r"(?<![一-龥々ァ-ヶー])(?:" + refs + ")")


def _adoptions(text: str, exprs: list[TimeExpr], named: list[Mention], end: int,
               adopted: dict[int, str]) -> None:
    """"平成16年に「X」を策定": the date belongs to the first plan named after it (before the
    next date), else to the last named before it ("「X」は昭和60年度に策定")."""
    dates = [x for x in exprs if "adopted" in x.tags and x.start]
    for k, x in enumerate(dates):
        until = dates[k + 1].span[0] if k + 1 < len(dates) else end
        since = dates[k - 1].span[1] if k else -1
        after = [m for m in named if x.span[1] <= m.span[0] < until]
        before = [m for m in named if since <= m.span[0] < x.span[0]]
        pick = after[0] if after else (before[-1] if before else None)
        if pick is not None and x.start is not None:
            adopted.setdefault(id(pick.plan), x.start)


def _role(plan: Candidate, main: Candidate | None) -> str:
    """main; sub: a part of the main plan (a heading of this document, an action plan, a
    numbered term named in the document's own words); referenced: any other."""
    if plan is main:
        return "main"
    if main is None:
        return "referenced"
    if "heading" in plan.how or plan.kind in vocab().sub_kinds or (
            _SUB_ORDINAL.match(plan.title) and plan.how != {"text"}):
        return "sub"
    return "referenced"


# A plan's proper name opens with its municipality or an edition: みらい市DX推進計画, 第2期….
_PROPER = re.compile(r"^(?:第\d+[次期]|[一-龥]{1,5}[都道府県市町村区])")


def _named_part(plan: Candidate) -> bool:
    """True for a part the document divides into without a period of its own: a heading that
    names a plan by a proper name, a quoted name, or a subdivision word (実行計画). A chapter
    titled 災害予防計画 in a disaster plan is a chapter, not a plan."""
    return "heading" in plan.how and (
        "quoted" in plan.how or plan.kind in vocab().sub_kinds
        or _PROPER.match(plan.title) is not None)


def _emit(found: Registry, main: Candidate | None, pairs: list[Pair], fixed: set[int],
          adopted: dict[int, str]) -> list[FoundPlan]:
    w = vocab().weights
    best: dict[int, Pair] = {}
    for pair in pairs:
        current = best.get(id(pair.plan))
        if pair.score >= w["threshold"] and (current is None or pair.score > current.score):
            best[id(pair.plan)] = pair
    out: list[FoundPlan] = []
    for plan in found.plans:
        role = _role(plan, main)
        chosen = None if id(plan) in fixed else best.get(id(plan))
        if chosen is None and plan is not main and not _named_part(plan):
            continue  # a plan only named, or only adopted, is not one the document has
        identity = sorted(plan.how) + (["frequent"] if plan.mentions >= 3 else [])
        evidence = identity + (["no_period"] if id(plan) in fixed else [])
        confidence = _confidence(w["title"] if plan is main else w["heading"])
        if chosen is not None:
            evidence += [n for n in chosen.evidence if n not in evidence]
            confidence = _confidence(chosen.score)
        out.append(FoundPlan(
            title=plan.title, kind=plan.kind, role=role, span=plan.span,
            aliases=list(plan.aliases), period=chosen.period if chosen else None,
            adopted=adopted.get(id(plan)), confidence=confidence, evidence=evidence))
    out.sort(key=lambda p: p.role != "main")
    return out


def _confidence(value: float) -> float:
    """A score as a share: the threshold is 0.5, twice the threshold or more is 1."""
    return round(max(0.0, min(1.0, value / (2 * vocab().weights["threshold"]))), 2)
