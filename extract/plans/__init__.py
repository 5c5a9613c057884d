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

from extract.periods import TimeExpr
from extract.periods.values import add_length, to_int
from extract.rules import load
from extract.schema import point_key
from extract.structure.outline import Entry, Section
from extract.structure.segment import sentences

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
    """A plan name for comparison: NFKC, no spaces or quotes, 第二次 → 第2次."""
    name = re.sub(r"[\s「」『』]", "", unicodedata.normalize("NFKC", name))
    return _ORDINAL.sub(lambda m: f"第{to_int(m.group(1))}{m.group(2)}", name)


_ORDINAL = re.compile(r"第([一二三四五六七八九十]+)(次|期)")


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
    if "と" in name.replace("まちと", ""):
        return False  # "自治基本条例と総合計画・行政経営方針": two things, not one name
    if name == kind:
        return kind in _vocab().sub_kinds
    return not name.startswith(("基本", "各", "本", "この", "同"))


# A subtitle set off by wave dashes or a dash: "南国市DX推進方針~国の動向~".
_SUBTITLE = re.compile(r"\s*[~〜―－-][^~〜―－-]+[~〜―－-]?\s*$")
# What a title adds to a plan's name: its edition and draft state ("…計画 第2次", "(案)").
_EDITION = re.compile(r"\s*(?:第\d+次|第\d+期|改訂版|概要版|\(案\)|案)\s*$")

_HEADING_NAME = re.compile(
    r"^(?P<generic>[^「」()]*?)「(?P<quoted>[^」]+)」$"  # 新行政改革大綱「あやせ経営戦略プラン」
    r"|^(?P<name>[^()]+?)\s*(?:\((?P<paren>[^)]*)\))?"
    r"(?:の[^()]{1,6}|全体像|概要|体系図?|について)?(?:\(案\))?$"
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


def find_plans(text: str, title: str | None, root: Section,
               exprs: list[TimeExpr]) -> list[FoundPlan]:
    """Every plan the document names, with role and period."""
    v = _vocab()
    found = _Plans()
    # 1. The document title names the main plan(s).
    if title:
        unbracketed = _SUBTITLE.sub("", re.sub(r"\s*\([^)]*\)\s*", "", title))
        edition = _EDITION.search(unbracketed)
        bare = _EDITION.sub("", unbracketed).strip()
        parts = [_EDITION.sub("", p).strip() for p in v.splitter.split(bare)]
        for part in parts:
            if _is_name(part):
                alias = [title] if len(parts) == 1 and part != title else []
                if edition and len(parts) == 1 and edition.group().strip().startswith("第"):
                    alias.append(edition.group().strip() + part)  # 第2次…計画
                found.add(part, alias, (0, 0))
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
    spans = list(sentences(text))
    _sentence_periods(text, spans, exprs, found, main)
    _phase_periods(text, spans, exprs, found)
    _schedule_periods(text, root, exprs, found, main)
    for plan in found.plans:
        if plan.period_fixed:
            plan.period = None
    return found.plans


def _named(sentence: str, found: _Plans) -> FoundPlan | None:
    """The plan a sentence names by one of its names (the last named, nearest the verb)."""
    best: tuple[int, FoundPlan] | None = None
    for plan in found.plans:
        for name in plan.names():
            at = sentence.find(name)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, plan)
    return None if best is None else best[1]


_PHASES = re.compile(r"(?:前期|中期|後期|第\d+期)(?:計画|プラン)")


def _phase_periods(text: str, spans: list[tuple[int, int]], exprs: list[TimeExpr],
                   found: _Plans) -> None:
    """"平成17年度から平成26年度までの間、5年毎に前期計画・後期計画を策定": each phase gets
    its share of the range, in order."""
    for s, e in spans:
        names = [m.group() for m in _PHASES.finditer(text, s, e)]
        ranges = [x for x in _ranges_in(exprs, s, e) if x.start and x.end]
        every = next((x.every for x in exprs if s <= x.span[0] < e and x.every), None)
        if len(names) < 2 or not ranges or every is None:
            continue
        step = int(re.sub(r"\D", "", every) or 0)
        first = ranges[-1]
        if not step or not first.start or not first.end:
            continue
        for k, name in enumerate(dict.fromkeys(names)):
            start = _shift(first.start, k * step)
            end = add_length(start, step * 12, forward=True)
            if end is None or point_key(end) > point_key(first.end):
                break
            at = text.find(name, s, e)
            plan = found.find(name) or found.add(name, [], (at, at + len(name)))
            if plan.period is None:
                plan.period = TimeExpr(text[first.span[0]:first.span[1]], first.span, start, end)


def _adopted_plan(text: str, expr: TimeExpr, end: int, found: _Plans) -> FoundPlan | None:
    """The plan a "…年に「X」を策定" date belongs to: the first one named after the date."""
    best: tuple[int, FoundPlan] | None = None
    for plan in found.plans:
        for name in plan.names():
            at = text.find(name, expr.span[1], end)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, plan)
    return None if best is None else best[1]


def _mentioned(sentence: str, found: _Plans, main: FoundPlan) -> FoundPlan | None:
    """The plan a sentence is about: named, 本計画, or a generic name of a known plan."""
    v = _vocab()
    named = _named(sentence, found)
    if named is None:
        for ref in v.self_refs:
            if ref in sentence:
                return main
        # "…を計画期間とする行政改革大綱": a generic name of a plan already found.
        for kind in v.kinds:
            if kind in sentence:
                at = sentence.find(kind)
                named = found.find(sentence[max(at - 4, 0):at] + kind)
                if named is not None:
                    return named
        return None
    return named


def _sentence_periods(text: str, spans: list[tuple[int, int]], exprs: list[TimeExpr],
                      found: _Plans, main: FoundPlan) -> None:
    """Periods stated in sentences with 計画期間 and the like; adoption dates."""
    v = _vocab()
    for s, e in spans:
        sentence = text[s:e]
        plan = _mentioned(sentence, found, main)
        if plan is None and sentence.startswith(v.period_words):
            plan = main  # "計画期間：平成29年度～平成38年度", a label of the document's own plan
        if plan is None:
            continue
        if any(p in sentence for p in v.no_period):
            plan.period_fixed = True
            continue
        dates = [x for x in exprs if s <= x.span[0] < e and "adopted" in x.tags]
        for k, expr in enumerate(dates):
            # The plan named after this date and before the next one: "平成16年に「X」を策定".
            until = dates[k + 1].span[0] if k + 1 < len(dates) else e
            since = dates[k - 1].span[1] if k else s
            adopted = _adopted_plan(text, expr, until, found) or _named(
                text[since:expr.span[0]], found)  # "「X」は…昭和60年度に策定しました"
            if adopted is not None and adopted.adopted is None:
                adopted.adopted = expr.start
        if not any(w in sentence for w in v.period_words) or plan.period is not None:
            continue
        ranges = _ranges_in(exprs, s, e)
        if ranges:
            plan.period = ranges[0]


# A table's caption stands this many entries above it at most.
MAX_CAPTION_DISTANCE = 3


def _caption_plan(body: list[Entry], table: Entry, found: _Plans) -> FoundPlan | None:
    """The plan a schedule's caption names: "収支計画（※）" just above the table."""
    at = body.index(table)
    for entry in reversed(body[max(0, at - MAX_CAPTION_DISTANCE):at]):
        if entry.role == "paragraph":
            name = re.sub(r"\(.*?\)|\s", "", entry.text)
            plan = found.find(name)
            if plan is not None:
                return plan
    return None


def _owners(root: Section, found: _Plans) -> dict[int, FoundPlan]:
    """The plan each section belongs to: the nearest heading above it that names a plan."""
    owners: dict[int, FoundPlan] = {}

    def visit(section: Section, inherited: FoundPlan | None) -> None:
        named = None
        if section.title:
            heading = _heading_plan(section.title)
            named = found.find(heading[0]) if heading else None
        plan = named or inherited
        if plan is not None:
            owners[id(section)] = plan
        for child in section.children:
            visit(child, plan)

    visit(root, None)
    return owners


def _years_span(text: str, exprs: list[TimeExpr], span: tuple[int, int]) -> TimeExpr | None:
    """One range over the years a schedule's header row lists (令和3年度 … 令和7年度)."""
    inside = _ranges_in(exprs, span[0], span[1])
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    if len(inside) == 1:
        return first
    start, end = first.span[0], last.span[1]
    opening = first.start
    before = text[span[0]:start].split("\t")
    cells = [c for c in before if c.strip()]
    if cells and cells[-1].strip() == "本年度" and opening:
        # "本年度 30年度 31年度 …": the current year is the one before the first printed year.
        start = span[0] + text[span[0]:start].rfind("本年度")
        opening = _shift(opening, -1)
    return TimeExpr(text[start:end], (start, end), opening, last.end or last.start)


def _shift(point: str, years: int) -> str:
    """`point` moved by whole years: FY2018, -1 → FY2017."""
    if point.startswith("FY"):
        return f"FY{int(point[2:]) + years}"
    return f"{int(point[:4]) + years}{point[4:]}"


def _schedule_periods(text: str, root: Section, exprs: list[TimeExpr], found: _Plans,
                      main: FoundPlan) -> None:
    """A section titled 推進期間/計画期間, or a schedule table (工程表), holds the period."""
    v = _vocab()
    owner = _owners(root, found)
    titled = [s for s in root.walk()[1:] if s.title and any(w in s.title for w in v.period_words)]
    scheduled = [s for s in root.walk() if any(e.role == "schedule" for e in s.body)]
    for section in titled + [s for s in scheduled if s not in titled]:
        body = section.body
        if not body:
            continue
        schedule = next((e for e in body if e.role == "schedule"), None)
        if schedule is not None:
            ranges = [r] if (r := _years_span(text, exprs, schedule.span)) else []
        else:
            ranges = _ranges_in(exprs, body[0].span[0], body[-1].span[1])
        if not ranges:
            continue
        target = owner.get(id(section)) or main
        if schedule is not None:
            target = _caption_plan(body, schedule, found) or target
        for entry in body:
            first = entry.text.split("\t")[0]
            plan = found.find(first.replace(" ", ""))
            if plan is not None:
                target = plan
                break
        if target.period is None and not target.period_fixed:
            target.period = ranges[0]
