"""Scores of extracted documents against hand-checked gold files (`gold/docs/*.json`).

The rules are those of the gold README: titles compared after NFKC with whitespace,
punctuation, bullets and brackets removed, label and title joined; two titles match when
equal or when the shorter is at least 80% of the longer and inside it. Every match is
one-to-one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TypeVar

from extract.schema import Document, Node, NodeKind, Plan, walk

T = TypeVar("T")

# Titles match when the shorter is at least this share of the longer and inside it.
CONTAINED_SHARE = 0.8
# Measures also match at this similarity ratio (paraphrased nominalizations).
MEASURE_RATIO = 0.8

_STRIP = re.compile(r"[\s・.。、,:■□◆◇○●◎「」『』“”\"()【】\[\]<>〈〉《》]")


def title_key(label: str | None, title: str | None) -> str:
    """The comparable form of a label and title: "1" + "策定の趣旨" → "1策定の趣旨"."""
    text = unicodedata.normalize("NFKC", f"{label or ''}{title or ''}")
    return _STRIP.sub("", text)


def titles_match(a: str, b: str) -> bool:
    """Equal, or the shorter is ≥ 80% of the longer and contained in it."""
    if a == b:
        return bool(a)
    short, long = sorted((a, b), key=len)
    return bool(short) and len(short) >= CONTAINED_SHARE * len(long) and short in long


def measures_match(a: str, b: str) -> bool:
    """Containment either way, or a similarity ratio of at least 0.8."""
    if not a or not b:
        return False
    return a in b or b in a or SequenceMatcher(None, a, b).ratio() >= MEASURE_RATIO


def _one_to_one(gold: Sequence[T], found: Sequence[T], match: Callable[[T, T], bool],
                title: Callable[[T], str]) -> int:
    """How many gold items pair with a distinct found item, most similar titles first."""
    pairs = []
    for i, g in enumerate(gold):
        for j, f in enumerate(found):
            if match(g, f):
                pairs.append((-SequenceMatcher(None, title(g), title(f)).ratio(), i, j))
    pairs.sort()
    used_g: set[int] = set()
    used_f: set[int] = set()
    for _, i, j in pairs:
        if i not in used_g and j not in used_f:
            used_g.add(i)
            used_f.add(j)
    return len(used_g)


@dataclass(slots=True)
class Counts:
    """True positives, and sizes of the gold and found sets."""

    hit: int = 0
    gold: int = 0
    found: int = 0

    def add(self, other: Counts) -> None:
        self.hit += other.hit
        self.gold += other.gold
        self.found += other.found

    @property
    def recall(self) -> float:
        return self.hit / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.hit / self.found if self.found else (1.0 if not self.gold else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class DocScore:
    name: str
    status: str
    outline: Counts | None = None
    plans: Counts | None = None  # hit = plans with the right period, gold = gold plans
    measures: Counts | None = None
    content: Counts | None = None
    boilerplate: int | None = None
    misses: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        def counts(c: Counts | None) -> dict[str, float] | None:
            if c is None:
                return None
            return {"hit": c.hit, "gold": c.gold, "found": c.found, "recall": c.recall,
                    "precision": c.precision, "f1": c.f1}
        return {"name": self.name, "status": self.status, "outline": counts(self.outline),
                "plan_periods": counts(self.plans), "measures": counts(self.measures),
                "content": counts(self.content), "boilerplate": self.boilerplate,
                "misses": self.misses}


def _gold_nodes(nodes: list[dict[str, Any]], parent: str, depth: int,
                out: list[tuple[str, str, int]]) -> None:
    for node in nodes:
        key = title_key(node.get("label"), node.get("title"))
        out.append((key, parent, depth))
        _gold_nodes(node.get("children") or [], key, depth + 1, out)


def _found_nodes(nodes: list[Node], parent: str, depth: int,
                 out: list[tuple[str, str, int]]) -> None:
    for node in nodes:
        if node.kind is NodeKind.MEASURE or not node.title:
            continue
        key = title_key(node.label, node.title)
        out.append((key, parent, depth))
        _found_nodes(node.children, key, depth + 1, out)


def score_outline(gold: dict[str, Any], doc: Document) -> tuple[Counts, list[str]]:
    """Nodes whose title and parent's title both match, and the gold nodes missed."""
    gold_nodes: list[tuple[str, str, int]] = []
    found_nodes: list[tuple[str, str, int]] = []
    _gold_nodes(gold.get("outline") or [], "", 1, gold_nodes)
    _found_nodes(doc.outline, "", 1, found_nodes)
    depth = gold.get("outline_depth")
    if depth:
        found_nodes = [n for n in found_nodes if n[2] <= depth]

    def match(g: tuple[str, str, int], f: tuple[str, str, int]) -> bool:
        return titles_match(g[0], f[0]) and (g[1] == f[1] == "" or titles_match(g[1], f[1]))

    hit = _one_to_one(gold_nodes, found_nodes, match, lambda node: node[0])
    missed = [g[0] for g in gold_nodes if not any(match(g, f) for f in found_nodes)]
    return Counts(hit, len(gold_nodes), len(found_nodes)), missed


def _plan_names(plan: Plan) -> list[str]:
    return [title_key(None, n) for n in [plan.title, *plan.aliases]]


def score_plans(gold: dict[str, Any], doc: Document) -> tuple[Counts, list[str]]:
    """Gold plans whose matched plan has exactly the gold start and end."""
    hits, wrong = 0, []
    for g in gold.get("plans") or []:
        names = [title_key(None, n) for n in [g["title"], *(g.get("aliases") or [])]]
        exact = [p for p in doc.plans if title_key(None, p.title) == names[0]]
        close = [p for p in doc.plans
                 if any(titles_match(a, b) for a in names for b in _plan_names(p))]
        plan = (exact or close)[0] if exact or close else None
        start = plan.period.start if plan and plan.period else None
        end = plan.period.end if plan and plan.period else None
        if plan is not None and start == g.get("start") and end == g.get("end"):
            hits += 1
        else:
            got = "no plan" if plan is None else f"{plan.title}: {start}–{end}"
            wrong.append(f"{g['title']} {g.get('start')}–{g.get('end')} (got {got})")
    total = len(gold.get("plans") or [])
    return Counts(hits, total, total), wrong


def score_measures(gold: dict[str, Any], doc: Document) -> tuple[Counts, list[str]]:
    """Measure titles found, one-to-one, and the gold measures missed."""
    g = [title_key(None, m["title"]) for m in gold.get("measures") or []]
    f = [title_key(None, n.title) for n in walk(doc.outline)
         if n.kind is NodeKind.MEASURE and n.title]
    hit = _one_to_one(g, f, measures_match, str)
    missed = [x for x in g if not any(measures_match(x, y) for y in f)]
    return Counts(hit, len(g), len(f)), missed


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def extracted_strings(doc: Document) -> str:
    """Everything the document says: text, node titles and bodies, plan titles."""
    parts = [doc.text, *(p.title for p in doc.plans)]
    for node in walk(doc.outline):
        parts.extend(x for x in (node.label, node.title, node.text, node.target) if x)
    return _flat("\n".join(parts))


def score_document(name: str, gold: dict[str, Any], doc: Document) -> DocScore:
    """All scores the gold file asks for."""
    score = DocScore(name, doc.status.value)
    if gold.get("outline") is not None:
        score.outline, score.misses["outline"] = score_outline(gold, doc)
    if gold.get("plans") is not None:
        score.plans, score.misses["plans"] = score_plans(gold, doc)
    if gold.get("measures") is not None:
        score.measures, score.misses["measures"] = score_measures(gold, doc)
    said = extracted_strings(doc)
    text = _flat(doc.text)
    if gold.get("must_contain") is not None:
        wanted = gold["must_contain"]
        found = [s for s in wanted if _flat(s) in text]
        score.content = Counts(len(found), len(wanted), len(wanted))
        score.misses["content"] = [s for s in wanted if s not in found]
    if gold.get("must_not_contain") is not None:
        leaks = [s for s in gold["must_not_contain"] if _flat(s) in said]
        score.boilerplate = len(leaks)
        score.misses["boilerplate"] = leaks
    return score


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
    wanted = set(names) if names else None
    scores = []
    for path in sorted(gold_dir.glob("*.json")):
        if wanted and path.stem not in wanted:
            continue
        gold = json.loads(path.read_text("utf-8"))
        doc = parse(root / gold["input"])
        scores.append(score_document(path.stem, gold, doc))
    return scores


def totals(scores: list[DocScore]) -> DocScore:
    """Counts pooled over documents (micro averages); boilerplate leaks summed."""
    total = DocScore("TOTAL", "")
    for s in scores:
        for attr in ("outline", "plans", "measures", "content"):
            part: Counts | None = getattr(s, attr)
            if part is not None:
                if getattr(total, attr) is None:
                    setattr(total, attr, Counts())
                getattr(total, attr).add(part)
        if s.boilerplate is not None:
            total.boilerplate = (total.boilerplate or 0) + s.boilerplate
    return total
