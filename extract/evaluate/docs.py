"""Scores of extracted documents against hand-checked gold files (`gold/docs/*.json`).

The rules are those of the reference scorer (`gold/score.py`, described in the gold README),
applied to the document's JSON exactly as a consumer reads it, so that the figures agree:

- texts are compared after NFKC with whitespace, brackets, bullets and punctuation removed,
  label and title joined; two titles are the same when equal, or when the shorter is at least
  80% of the longer and inside it;
- outline: a gold node is found when an output node (not a measure, with a title) is the same
  and so is its parent (or both are top level); matching is greedy in reading order, one to one;
- plans: a gold plan is right when an output plan of the same name has exactly its start and
  end; a plan that claims a period is a right claim when some gold plan of that name has it;
- measures: one to one when one title contains the other and the shorter is at least half the
  longer, or they are 80% alike;
- content and leaks: strings looked for in what the document shows a reader (its title, the
  outline's labels, titles and texts, and plan titles).

Document means (outline and measures F1, content) and pooled counts (plans) are those of the
reference scorer's summary.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TypeVar

from extract.schema import Document

T = TypeVar("T")
Json = dict[str, Any]

# Titles are the same when the shorter is at least this share of the longer and inside it.
SAME_SHARE = 0.8
# Measures: containment with the shorter at least this share of the longer ...
MEASURE_CONTAINED_SHARE = 0.5
# ... or a similarity ratio of at least this.
MEASURE_RATIO = 0.8

_STRIP = re.compile(r"[\s「」『』“”\"'・()（）【】\[\]<>＜＞〈〉‹›《》.．。、,:：■□◆◇○●◎]+")


def norm(text: str | None) -> str:
    """The comparable form of a text: NFKC, without spaces, brackets, bullets, punctuation."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)) if text else ""


def same(a: str, b: str) -> bool:
    """Equal, or the shorter is at least 80% of the longer and contained in it."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return short in long and len(short) >= SAME_SHARE * len(long)


def similar(a: str, b: str) -> bool:
    """Same measure: one contains the other and is at least half its length, or 80% alike."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    if short in long and len(short) >= MEASURE_CONTAINED_SHARE * len(long):
        return True
    return SequenceMatcher(None, a, b).ratio() >= MEASURE_RATIO


def full_title(node: Json) -> str:
    return (node.get("label") or "") + (node.get("title") or "")


def walk(nodes: list[Json] | None, parent: Json | None = None,
         depth: int = 1) -> Iterator[tuple[Json, Json | None, int]]:
    """Every node with its parent and depth (1 = top level), in reading order."""
    for node in nodes or []:
        yield node, parent, depth
        yield from walk(node.get("children"), node, depth + 1)


def shown_text(doc: Json) -> str:
    """What the document shows a reader: title, outline labels, titles and texts, plan titles."""
    parts = [doc.get("title") or ""]
    for node, _, _ in walk(doc.get("outline")):
        parts += [node.get("label") or "", node.get("title") or "", node.get("text") or ""]
    parts += [plan.get("title") or "" for plan in doc.get("plans") or []]
    return "\n".join(parts)


def greedy_matches(gold: list[T], found: list[T], match: Callable[[T, T], bool]) -> int:
    """Pairs made one to one, each gold item taking the first unused found item it matches."""
    used = [False] * len(found)
    hits = 0
    for g in gold:
        for i, f in enumerate(found):
            if not used[i] and match(g, f):
                used[i] = True
                hits += 1
                break
    return hits


@dataclass(slots=True)
class Counts:
    """Matched items and the sizes of the gold and found sets.

    `hit` counts gold items matched (recall); `hit_found` found items matched (precision),
    which differ where matching is not symmetric (measures)."""

    hit: int = 0
    gold: int = 0
    found: int = 0
    hit_found: int | None = None

    def add(self, other: Counts) -> None:
        self.hit += other.hit
        self.gold += other.gold
        self.found += other.found
        if other.hit_found is not None or self.hit_found is not None:
            self.hit_found = (self.hit_found if self.hit_found is not None else 0) + (
                other.hit_found if other.hit_found is not None else other.hit)

    @property
    def recall(self) -> float:
        return self.hit / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        hit = self.hit if self.hit_found is None else self.hit_found
        return hit / self.found if self.found else (1.0 if not self.gold else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> Json:
        return {"hit": self.hit, "gold": self.gold, "found": self.found,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3)}


@dataclass(slots=True)
class DocScore:
    name: str
    status: str
    outline: Counts | None = None
    plans: Counts | None = None  # hit: gold plans found with their exact period
    plan_claims: Counts | None = None  # found: plans claiming a period; hit: right claims
    measures: Counts | None = None
    content: Counts | None = None
    boilerplate: int | None = None
    title: bool | None = None
    misses: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> Json:
        def counts(c: Counts | None) -> Json | None:
            return None if c is None else c.as_json()
        return {"name": self.name, "status": self.status, "outline": counts(self.outline),
                "plan_periods": counts(self.plans), "plan_claims": counts(self.plan_claims),
                "measures": counts(self.measures), "content": counts(self.content),
                "boilerplate": self.boilerplate, "title": self.title, "misses": self.misses}


def score_outline(gold: Json, out: Json) -> tuple[Counts, list[str]]:
    """Nodes whose title and parent's title both match, and the gold nodes missed."""
    depth = gold.get("outline_depth")
    g_pairs = [(full_title(n), full_title(p) if p else "") for n, p, d in walk(gold["outline"])
               if depth is None or d <= depth]
    o_pairs = [(full_title(n), full_title(p) if p else "") for n, p, _ in walk(out.get("outline"))
               if n.get("kind") != "measure" and norm(full_title(n))]

    def match(g: tuple[str, str], o: tuple[str, str]) -> bool:
        return same(g[0], o[0]) and (same(g[1], o[1]) or (not g[1] and not o[1]))

    hits = greedy_matches(g_pairs, o_pairs, match)
    found = len(o_pairs)
    if depth is not None:  # output nodes deeper than the gold drew are not counted against it
        found = max(sum(1 for o in o_pairs if any(same(o[0], g[0]) for g in g_pairs)), hits)
    missed = [g[0] for g in g_pairs if not any(match(g, o) for o in o_pairs)]
    return Counts(hits, len(g_pairs), found), missed


def _period(plan: Json) -> tuple[str | None, str | None]:
    period = plan.get("period") or {}
    return period.get("start"), period.get("end")


def _names_match(names: list[str], title: str) -> bool:
    return any(same(n, title) or similar(n, title) for n in names)


def score_plans(gold: Json, out: Json) -> tuple[Counts, Counts, list[str]]:
    """Gold plans found with their exact period; plans claiming a period, and right claims."""
    plans = out.get("plans") or []
    gold_plans = gold["plans"]
    right, wrong = 0, []
    for g in gold_plans:
        names = [g["title"], *g.get("aliases", [])]
        candidates = [p for p in plans if _names_match(names, p.get("title") or "")]
        if any(_period(c) == (g.get("start"), g.get("end")) for c in candidates):
            right += 1
        else:
            got = [f"{c.get('title')}: {_period(c)[0]}–{_period(c)[1]}" for c in candidates]
            wrong.append(f"{g['title']} {g.get('start')}–{g.get('end')} (got {got or 'no plan'})")
    dated = [p for p in plans if any(_period(p))]

    def claim_ok(plan: Json) -> bool:
        return any(_names_match([g["title"], *g.get("aliases", [])], plan.get("title") or "")
                   and _period(plan) == (g.get("start"), g.get("end")) for g in gold_plans)

    claims = [p for p in dated if claim_ok(p)]
    wrong += [f"claimed: {p.get('title')} {_period(p)[0]}–{_period(p)[1]}"
              for p in dated if not claim_ok(p)]
    n = len(gold_plans)
    return Counts(right, n, n), Counts(len(claims), len(dated), len(dated)), wrong


def score_measures(gold: Json, out: Json) -> tuple[Counts, list[str]]:
    """Measure titles matched one to one, both ways, and the gold measures missed."""
    g_m = [full_title(m) if m.get("label") else m["title"] for m in gold["measures"]]
    o_m = [full_title(n) for n, _, _ in walk(out.get("outline")) if n.get("kind") == "measure"]
    hits_r = greedy_matches(g_m, o_m, similar)
    hits_p = greedy_matches(o_m, g_m, lambda o, g: similar(g, o))
    missed = [g for g in g_m if not any(similar(g, o) for o in o_m)]
    return Counts(hits_r, len(g_m), len(o_m), hits_p), missed


def score_json(name: str, gold: Json, out: Json) -> DocScore:
    """All scores the gold file asks for, of one output document's JSON."""
    score = DocScore(name, str(out.get("status", "")))
    if gold.get("outline") is not None:
        score.outline, score.misses["outline"] = score_outline(gold, out)
    if gold.get("plans") is not None:
        score.plans, score.plan_claims, score.misses["plans"] = score_plans(gold, out)
    if gold.get("measures") is not None:
        score.measures, score.misses["measures"] = score_measures(gold, out)
    text = norm(shown_text(out))
    if gold.get("must_contain") is not None:
        wanted = gold["must_contain"]
        found = [s for s in wanted if norm(s) in text]
        score.content = Counts(len(found), len(wanted), len(wanted))
        score.misses["content"] = [s for s in wanted if s not in found]
    if gold.get("must_not_contain") is not None:
        leaks = [s for s in gold["must_not_contain"] if norm(s) and norm(s) in text]
        score.boilerplate = len(leaks)
        score.misses["boilerplate"] = leaks
    if gold.get("title"):
        title = out.get("title") or ""
        score.title = same(gold["title"], title) or similar(gold["title"], title)
    return score


def score_document(name: str, gold: Json, doc: Document) -> DocScore:
    """All scores the gold file asks for, of one extracted document."""
    return score_json(name, gold, doc.model_dump(mode="json"))


def shared_root(gold_dir: Path) -> Path:
    """The folder gold `input` paths are relative to: the one holding `gold/`."""
    for parent in [gold_dir, *gold_dir.resolve().parents]:
        if parent.name == "gold":
            return parent.parent
    return gold_dir.resolve().parent.parent


def evaluate(gold_dir: Path, parse: Callable[[Path], Document],
             names: Iterable[str] | None = None) -> list[DocScore]:
    """Scores of every gold file in `gold_dir` (or those named), parsing each input."""
    root = shared_root(gold_dir)
    wanted = set(names) if names is not None else None
    scores = []
    for path in sorted(gold_dir.glob("*.json")):
        if wanted is not None and path.stem not in wanted:
            continue
        gold = json.loads(path.read_text("utf-8"))
        doc = parse(root / gold["input"])
        scores.append(score_document(path.stem, gold, doc))
    return scores


def totals(scores: list[DocScore]) -> DocScore:
    """Counts pooled over documents (micro averages); boilerplate leaks summed."""
    total = DocScore("TOTAL", "")
    for s in scores:
        for attr in ("outline", "plans", "plan_claims", "measures", "content"):
            part: Counts | None = getattr(s, attr)
            if part is not None:
                if getattr(total, attr) is None:
                    setattr(total, attr, Counts())
                getattr(total, attr).add(part)
        if s.boilerplate is not None:
            total.boilerplate = (total.boilerplate or 0) + s.boilerplate
    return total


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _ratio(hit: int, total: int) -> float | None:
    return round(hit / total, 3) if total else None


def summary(scores: list[DocScore]) -> Json:
    """The reference scorer's summary: document means of outline and measure F1 and of
    content, pooled plan figures, leaks summed, right titles counted."""
    plans = [s.plans for s in scores if s.plans is not None]
    claims = [s.plan_claims for s in scores if s.plan_claims is not None]
    return {
        "docs": len(scores),
        "outline_f1": _mean([round(s.outline.f1, 3) for s in scores if s.outline]),
        "plan_period_acc": _ratio(sum(c.hit for c in plans), sum(c.gold for c in plans)),
        "plan_precision": _ratio(sum(c.hit for c in claims), sum(c.found for c in claims)),
        "measures_f1": _mean([round(s.measures.f1, 3) for s in scores if s.measures]),
        "measures_r": _mean([round(s.measures.recall, 3) for s in scores if s.measures]),
        "content": _mean([round(s.content.recall, 3) for s in scores if s.content]),
        "boilerplate": sum(s.boilerplate or 0 for s in scores),
        "titles": sum(1 for s in scores if s.title),
    }


def group_of(name: str) -> str:
    """The gold group of a file name: seed, pdf or html."""
    return name.split("-")[0]
