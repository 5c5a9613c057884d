"""Plans a document defines, divides into, or references, with their periods.

Names come from the document title, from headings that name a plan (…大綱, …プラン, …計画),
and from quoted names in the text (「入間市行政改革大綱」). A period belongs to a plan when it
is printed right after the name in brackets (第3期…プラン(平成25年度から平成27年度)), when a
sentence with 計画期間/推進期間 names the plan (or 本計画), or when a section titled 推進期間
holds a schedule row naming it. Dates of adoption (…に策定) are kept as `adopted`, never as
the period; a law's year never counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from extract.outline import Section
from extract.periods import TimeExpr
from extract.rules import load
from extract.segment import sentences

# Characters between a plan's name and the bracket holding its period: (…) right after it.
MAX_NAME_TO_PERIOD_GAP = 1
# A plan name longer than this is a sentence, not a name.
MAX_NAME_CHARS = 40


@dataclass(slots=True)
class FoundPlan:
    title: str
    kind: str | None
    role: str  # "main" | "sub" | "referenced"
    span: tuple[int, int]
    aliases: list[str] = field(default_factory=list)
    period: TimeExpr | None = None
    period_fixed: bool = False  # "期間を設定しません": the plan has no period, on purpose
    adopted: str | None = None

    def names(self) -> list[str]:
        return [self.title, *self.aliases]


@dataclass(frozen=True, slots=True)
class _Vocab:
    kinds: tuple[str, ...]
    sub_kinds: tuple[str, ...]
    period_words: tuple[str, ...]
    no_period: tuple[str, ...]
    self_refs: tuple[str, ...]
    splitter: re.Pattern[str]
    kind_end: re.Pattern[str]


@cache
def _vocab() -> _Vocab:
    raw = load("plans")
    kinds = tuple(sorted(raw["kinds"], key=len, reverse=True))
    return _Vocab(
        kinds=kinds,
        sub_kinds=tuple(raw["sub_kinds"]),
        period_words=tuple(raw["period_words"]),
        no_period=tuple(raw["no_period_phrases"]),
        self_refs=tuple(raw["self_references"]),
        splitter=re.compile("|".join(map(re.escape, raw["name_splitters"]))),
        kind_end=re.compile("(?:" + "|".join(map(re.escape, kinds)) + ")$"),
    )


def _key(name: str) -> str:
    return re.sub(r"[\s「」『』]", "", unicodedata.normalize("NFKC", name))


def _kind(name: str) -> str | None:
    m = _vocab().kind_end.search(name)
    return m.group() if m else None


def _is_name(name: str) -> bool:
    """True for a plan's name: ends with a plan word and is more than a generic word.

    A bare subdivision word (アクションプラン, 実行計画) names the document's own sub-plan;
    other bare words (計画, 方針) and references (本計画, 各計画) name nothing.
    """
    kind = _kind(name)
    if kind is None or len(name) > MAX_NAME_CHARS or "。" in name:
        return False
    if name == kind:
        return kind in _vocab().sub_kinds
    return not name.startswith(("基本", "各", "本", "この", "同"))


_HEADING_NAME = re.compile(
    r"^(?P<generic>[^「」()]*?)「(?P<quoted>[^」]+)」$"  # 新行政改革大綱「あやせ経営戦略プラン」
    r"|^(?P<name>[^()]+?)\s*(?:\((?P<paren>[^)]*)\))?(?:の[^()]{1,6})?$"
)


def _heading_plan(title: str) -> tuple[str, list[str]] | None:
    """(name, aliases) of the plan a heading names, or None."""
    m = _HEADING_NAME.match(title)
    if not m:
        return None
    if m.group("quoted"):
        quoted, generic = m.group("quoted"), m.group("generic").strip()
        if not _is_name(quoted):
            return None
        aliases = [title]
        if generic and _kind(generic):
            aliases += [generic] + ([generic[1:]] if generic.startswith("新") else [])
        return quoted, aliases
    name, paren = m.group("name").strip(), (m.group("paren") or "").strip()
    if not _is_name(name):
        return None
    aliases = [paren] if paren and _kind(paren) else []
    return name, aliases


class _Plans:
    def __init__(self) -> None:
        self.plans: list[FoundPlan] = []

    def find(self, name: str) -> FoundPlan | None:
        key = _key(name)
        for plan in self.plans:
            if key in (_key(n) for n in plan.names()):
                return plan
        for plan in self.plans:  # "行政改革大綱" names the plan whose alias is "新行政改革大綱"
            if any(_key(n).endswith(key) and len(key) >= 4 for n in plan.aliases):
                return plan
        return None

    def add(self, name: str, aliases: list[str], span: tuple[int, int]) -> FoundPlan:
        plan = self.find(name)
        if plan is None:
            plan = FoundPlan(name, _kind(name), "referenced", span)
            self.plans.append(plan)
        for alias in aliases:
            if _key(alias) not in (_key(n) for n in plan.names()):
                plan.aliases.append(alias)
        return plan


def _bracketed_period(text: str, end: int, exprs: list[TimeExpr]) -> TimeExpr | None:
    """The range printed in brackets right after position `end` of `text`."""
    rest = text[end:end + MAX_NAME_TO_PERIOD_GAP + 1]
    if "(" not in rest:
        return None
    open_at = end + rest.index("(")
    close_at = text.find(")", open_at)
    for e in exprs:
        if open_at < e.span[0] and (close_at < 0 or e.span[1] <= close_at + 1) and e.span[0] < \
                open_at + 4 and (e.start or e.end) and "law" not in e.tags:
            return e
    return None


def _ranges_in(exprs: list[TimeExpr], start: int, end: int) -> list[TimeExpr]:
    return [e for e in exprs if start <= e.span[0] and e.span[1] <= end
            and (e.start or e.end) and not e.tags & {"law", "adopted", "published"}]


def find_plans(text: str, title: str | None, root: Section, exprs: list[TimeExpr]) -> list[FoundPlan]:
    """Every plan the document names, with role and period."""
    v = _vocab()
    found = _Plans()
    # 1. The document title names the main plan(s).
    if title:
        bare = re.sub(r"\s*\([^)]*\)\s*|概要版$|\(案\)", "", title).strip()
        for part in v.splitter.split(bare):
            part = re.sub(r"\(案\)|概要版", "", part).strip()
            if _is_name(part):
                found.add(part, [], (0, 0))
    # 2. Headings that name a plan; the period may follow in brackets.
    for section in root.walk()[1:]:
        if not section.title or section.span is None or section.table is not None:
            continue
        named = _heading_plan(re.sub(r"\s*\([^)]*(?:年|年度)[^)]*\)$", "", section.title))
        if named is None:
            continue
        name, aliases = named
        plan = found.add(name, aliases, section.span)
        if plan.span == (0, 0):
            plan.span = section.span
        heading_text = text[section.span[0]:section.span[1]]
        at = heading_text.find(name)
        if at >= 0 and plan.period is None:
            plan.period = _bracketed_period(text, section.span[0] + at + len(name), exprs)
    # 3. Quoted names in the text.
    for m in re.finditer(r"「([^「」]{2,40})」", text):
        if _is_name(m.group(1)):
            plan = found.add(m.group(1), [], m.span(1))
            if plan.period is None:
                plan.period = _bracketed_period(text, m.end(), exprs)
    if not found.plans:
        return []
    main = found.plans[0]
    main.role = "main"
    for plan in found.plans[1:]:
        sub = plan.kind in v.sub_kinds or re.match(r"第\d+期", plan.title) is not None
        plan.role = "sub" if sub else "referenced"
    _sentence_periods(text, exprs, found, main)
    _schedule_periods(text, root, exprs, found, main)
    for plan in found.plans:
        if plan.period_fixed:
            plan.period = None
    return found.plans


def _mentioned(sentence: str, found: _Plans, main: FoundPlan) -> FoundPlan | None:
    v = _vocab()
    best: tuple[int, FoundPlan] | None = None
    for plan in found.plans:
        for name in plan.names():
            at = sentence.find(name)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, plan)
    if best is None:
        for ref in v.self_refs:
            if ref in sentence:
                return main
        # "…を計画期間とする行政改革大綱": a generic name of a plan already found.
        for kind in v.kinds:
            if kind in sentence:
                plan = found.find(sentence[sentence.find(kind) - 4: sentence.find(kind)] + kind)
                if plan is not None:
                    return plan
        return None
    return best[1]


def _sentence_periods(text: str, exprs: list[TimeExpr], found: _Plans, main: FoundPlan) -> None:
    """Periods stated in sentences with 計画期間 and the like; adoption dates."""
    v = _vocab()
    for s, e in sentences(text):
        sentence = text[s:e]
        plan = _mentioned(sentence, found, main)
        if plan is None:
            continue
        if any(p in sentence for p in v.no_period):
            plan.period_fixed = True
            continue
        for expr in exprs:
            if s <= expr.span[0] < e and "adopted" in expr.tags and plan.adopted is None:
                plan.adopted = expr.start
        if not any(w in sentence for w in v.period_words) or plan.period is not None:
            continue
        ranges = _ranges_in(exprs, s, e)
        if ranges:
            plan.period = ranges[0]


def _schedule_periods(text: str, root: Section, exprs: list[TimeExpr], found: _Plans,
                      main: FoundPlan) -> None:
    """A section titled 推進期間/計画期間 holds the period, maybe as a schedule table."""
    v = _vocab()
    for section in root.walk()[1:]:
        if not section.title or not any(w in section.title for w in v.period_words):
            continue
        body = [entry for entry in section.body]
        if not body:
            continue
        start, end = body[0].span[0], body[-1].span[1]
        ranges = _ranges_in(exprs, start, end)
        if not ranges:
            continue
        target = main
        for entry in body:
            first = entry.text.split("\t")[0]
            plan = found.find(first.replace(" ", ""))
            if plan is not None:
                target = plan
                break
        if target.period is None and not target.period_fixed:
            target.period = ranges[0]
