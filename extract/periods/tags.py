"""Tags from an expression's surroundings that tell the plan stage what a date is for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extract.periods.atoms import S
from extract.periods.combine import Expr
from extract.periods.rules import alternation, words

# How far around an expression its context words are looked for, in characters: a clause
# names what a date is for within a few words (令和5年に「…計画」を策定, …日 企画課作成).
ADOPTED_WINDOW = 24
PUBLISHED_WINDOW = 12
PHASE_WINDOW = 8


@dataclass(frozen=True, slots=True)
class _TagRules:
    """Compiled context patterns, one per tag."""

    law: re.Pattern[str]
    adopted: re.Pattern[str]
    published_before: re.Pattern[str]
    published_after: re.Pattern[str]
    as_of: re.Pattern[str]
    first_half: re.Pattern[str]
    second_half: re.Pattern[str]
    review: re.Pattern[str]


@cache
def _rules() -> _TagRules:
    """Return the tag patterns, built once from the word lists."""
    w = words()
    return _TagRules(
        # 平成27年法律第64号, 平成18年市条例第4号, 平2条例9
        law=re.compile(rf"{S}[^\s、。()]{{0,10}}?(?:{alternation(w.law_words)}){S}第?{S}"
                       r"[0-9〇一二三四五六七八九十百]"),
        adopted=re.compile(rf"[^。、\n]{{0,{ADOPTED_WINDOW}}}?(?:{alternation(w.adopted_words)})"),
        published_before=re.compile(rf"(?:{alternation(w.published_labels)}){S}[:]?{S}$"),
        published_after=re.compile(
            rf"[^\s。、にをはがで()]{{0,{PUBLISHED_WINDOW}}}?(?:{alternation(w.published_words)})"
            r"(?:日)?(?:$|[\s)\]」】])"),
        as_of=re.compile(rf"{S}(?:{alternation(w.as_of_words)})"),
        first_half=re.compile(rf"(?:{alternation(w.first_half_words)})[^。、\n]{{0,{PHASE_WINDOW}}}$"),
        second_half=re.compile(
            rf"(?:{alternation(w.second_half_words)})[^。、\n]{{0,{PHASE_WINDOW}}}$"),
        review=re.compile(rf"(?:{alternation(w.review_words)})[^。、\n]{{0,{PHASE_WINDOW}}}$"),
    )


def expr_tags(text: str, x: Expr) -> frozenset[str]:
    """Return the tags of expression `x` of normalized `text`."""
    if x.duration is not None or x.every is not None:
        return frozenset()
    r = _rules()
    tags: set[str] = set()
    is_point = x.start_point is not None and x.start_point == x.end_point
    if is_point and r.law.match(text, x.end):
        tags.add("law")
    before = max(0, x.start - ADOPTED_WINDOW)
    published = r.published_before.search(text, before, x.start) or (
        is_point and r.published_after.match(text, x.end))
    if published:
        tags.add("published")
    elif is_point and "law" not in tags and r.adopted.match(text, x.end):
        tags.add("adopted")
    if is_point and r.as_of.match(text, x.end):
        tags.add("as_of")
    phase_from = max(0, x.start - PHASE_WINDOW - 4)
    for name, pattern in (("first_half", r.first_half), ("second_half", r.second_half),
                          ("review", r.review)):
        if pattern.search(text, phase_from, x.start):
            tags.add(name)
    return frozenset(tags)
