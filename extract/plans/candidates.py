"""Candidate plans and where the text mentions them.

A candidate is a name and its aliases; a mention is one place the text names it, with the way it
was named (`title`, `heading`, `quoted`, `text`). Nothing here decides what is emitted: that is
the evidence's job (`evidence.py`, `resolve.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from extract.periods import TimeExpr
from extract.plans.names import heading_name, is_name, key, kind_of, text_name_pattern, title_names
from extract.structure.outline import Section

# A quoted plan name may carry a short nickname after its plan word (「第4期健康21計画 ひかり」).
MAX_NICKNAME_CHARS = 6
# A short name ("行政改革大綱") shorter than this does not stand for a longer one.
MIN_SHORT_NAME_CHARS = 4


@dataclass(slots=True)
class Candidate:
    title: str
    kind: str | None
    aliases: list[str] = field(default_factory=list)
    how: set[str] = field(default_factory=set)  # title, heading, quoted, text
    span: tuple[int, int] = (0, 0)  # the first mention in the text; (0, 0) for the title only
    mentions: int = 0

    def names(self) -> list[str]:
        return [self.title, *self.aliases]


@dataclass(frozen=True, slots=True)
class Mention:
    plan: Candidate
    span: tuple[int, int]
    how: str


class Registry:
    """Candidates by name key; every alias finds its candidate."""

    def __init__(self) -> None:
        self.plans: list[Candidate] = []
        self._by_key: dict[str, Candidate] = {}
        # Every ending of every name's key (MIN_SHORT_NAME_CHARS or more) → the one candidate
        # with a name ending so, or None when several have: a short name is found in one look-up
        # instead of a pass over all candidates (which made a text naming many plans quadratic).
        self._by_ending: dict[str, Candidate | None] = {}

    def find(self, name: str) -> Candidate | None:
        k = key(name)
        plan = self._by_key.get(k)
        if plan is not None or len(k) < MIN_SHORT_NAME_CHARS:
            return plan
        # "人口ビジョン" names "みらい町人口ビジョン", "行政改革大綱" the plan whose alias is
        # "新行政改革大綱": the one candidate whose name ends with it.
        return self._by_ending.get(k)

    def add(self, name: str, aliases: list[str], span: tuple[int, int], how: str) -> Candidate:
        plan = self.find(name)
        if plan is None:
            plan = Candidate(name, kind_of(name), span=span)
            self.plans.append(plan)
            self._by_key[key(name)] = plan
            self._index_endings(key(name), plan)
        if plan.span == (0, 0):
            plan.span = span
        for alias in aliases:
            if key(alias) not in self._by_key:
                plan.aliases.append(alias)
                self._by_key[key(alias)] = plan
                self._index_endings(key(alias), plan)
        plan.how.add(how)
        plan.mentions += 1
        return plan

    def _index_endings(self, name_key: str, plan: Candidate) -> None:
        for at in range(len(name_key) - MIN_SHORT_NAME_CHARS + 1):
            ending = name_key[at:]
            if ending not in self._by_ending:
                self._by_ending[ending] = plan
            elif self._by_ending[ending] is not plan:
                self._by_ending[ending] = None


T = TypeVar("T")


class SpanIndex(Generic[T]):
    """Items sorted by start offset, to take those inside a span in O(log n + k)."""

    def __init__(self, items: list[T], start_of: dict[int, int]) -> None:
        order = sorted(range(len(items)), key=lambda i: start_of[i])
        self.items = [items[i] for i in order]
        self.starts = [start_of[i] for i in order]

    def between(self, start: int, end: int) -> list[T]:
        return self.items[bisect_left(self.starts, start):bisect_left(self.starts, end)]


class Covered:
    """Non-overlapping spans, to ask whether an offset lies inside one in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def __contains__(self, pos: int) -> bool:
        at = bisect_left(self.starts, pos + 1) - 1
        return at >= 0 and self.spans[at][0] <= pos < self.spans[at][1]


def expr_index(exprs: list[TimeExpr]) -> SpanIndex[TimeExpr]:
    return SpanIndex(exprs, {i: e.span[0] for i, e in enumerate(exprs)})


def mention_index(mentions: list[Mention]) -> SpanIndex[Mention]:
    return SpanIndex(mentions, {i: m.span[0] for i, m in enumerate(mentions)})


# A name in corner brackets, or in the double ones used for titles of works (『…プラン2020』).
_QUOTED = re.compile(r"「([^「」]{2,40})」|『([^『』]{2,40})』")
# …or its target year (「ひかり共同参画プラン2030」).
_NICKNAME = re.compile(rf"(.+?)(?:[\sぁ-んァ-ヶー]{{1,{MAX_NICKNAME_CHARS}}}|\s?\d{{2,4}})")


# A note after a name: "(仮称)", "(案)".
_NOTE = re.compile(r"\s*\([^()]{1,6}\)$")


def _quoted_name(inner: str) -> str | None:
    """The plan name a quotation holds: all of it, or up to a plan word and a short nickname
    or a year.

    >>> _quoted_name("ひかり共同参画プラン2030"), _quoted_name("令和6年度予算")
    ('ひかり共同参画プラン2030', None)
    """
    if is_name(_NOTE.sub("", inner)):
        return inner
    m = _NICKNAME.fullmatch(inner)
    return inner if m and is_name(m.group(1).strip()) else None


_BILL_NUMBER = re.compile(r"^議案第\d+号$")


def _bill_subject(text: str, title: str | None) -> str | None:
    """The line after a council bill's number names what it carries: "議案第37号" then
    "…総合整備計画(第5次変更)について" (the plan is the bill's main plan)."""
    if not title or not _BILL_NUMBER.match(title.replace(" ", "")):
        return None
    at = text.find(title)
    lines = text[at:].split("\n", 2)[1:] if at >= 0 else text.split("\n", 1)  # title taken off
    return lines[0].strip() if lines and lines[0].strip() else None


def _heading_mentions(text: str, root: Section, found: Registry,
                     mentions: list[Mention]) -> None:
    """Plans named by headings. Those of one kind whose headings number a run of one family
    (1.X戦略, 2.Y戦略, 3.Z戦略) are marked `sibling_part`: the parts of a plan, not the plan a
    document defines."""
    runs: dict[tuple[str | None, str], list[tuple[Candidate | None, int]]] = {}
    for section in root.walk()[1:]:
        if not section.title or section.table is not None:
            continue
        named = heading_name(section.title)
        if named is None:
            continue
        plan = None
        if section.span is not None:
            at = text.find(named[0], *section.span)
            span = (at, at + len(named[0])) if at >= 0 else section.span
            plan = found.add(named[0], named[1], span, "heading")
            mentions.append(Mention(plan, span, "heading"))
        if section.num is not None and section.family is not None:
            runs.setdefault((kind_of(named[0]), section.family), []).append(
                (plan, section.num))
    for run in runs.values():
        if len({num for _, num in run}) > 1:
            for part, _ in run:
                if part is not None:
                    part.how.add("sibling_part")


def find_mentions(text: str, title: str | None, root: Section) -> tuple[Registry, list[Mention]]:
    """Every candidate plan and each place the text names one, in reading order."""
    found = Registry()
    mentions: list[Mention] = []
    for name, aliases in title_names(_bill_subject(text, title) or title or ""):
        found.add(name, aliases, (0, 0), "title")
    _heading_mentions(text, root, found, mentions)
    quoted: list[tuple[int, int]] = []
    for m in _QUOTED.finditer(text):
        group = 1 if m.group(1) is not None else 2
        quoted_name = _quoted_name(m.group(group))
        if quoted_name is not None:
            bare = _NOTE.sub("", quoted_name)  # 「…総合戦略(仮称)」
            aliases = [quoted_name] if bare != quoted_name else []
            plan = found.add(bare, aliases, m.span(group), "quoted")
            mentions.append(Mention(plan, m.span(), "quoted"))
            quoted.append(m.span())
    covered = Covered(quoted + [m.span for m in mentions if m.how == "heading"])
    for m in text_name_pattern().finditer(text):
        known = found.find(m.group())  # a known plan's short name: 行政改革大綱
        if m.start() in covered or (known is None and not is_name(m.group())):
            continue
        plan = known or found.add(m.group(), [], m.span(), "text")
        if known is not None:
            plan.mentions += 1
        mentions.append(Mention(plan, m.span(), "text"))
    mentions.sort(key=lambda m: m.span[0])
    return found, mentions
