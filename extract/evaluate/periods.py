"""Scoring of a period sentence file (`gold/periods/*.jsonl`) as `gold/README.md` defines it.

A gold expression is found when an extracted one, not yet used for another, overlaps its
surface and has exactly its values (start and end, or duration, or every). Recall is found
over gold, precision found over extracted, as `../shared/gold/score.py` counts them (no
extracted expression: precision 0). An extracted expression that overlaps no gold surface is
listed as a false positive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.periods.jsonl import expr_to_json
from extract.periods.types import TimeExpr

Finder = Callable[[str], list[TimeExpr]]
_VALUE_KEYS = ("start", "end", "duration", "every")


@dataclass(frozen=True, slots=True)
class Miss:
    """A gold expression not found, and what was extracted over its surface."""

    gold: dict[str, Any]
    got: tuple[TimeExpr, ...]


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """One sentence's misses and false positives (empty when all is right)."""

    index: int
    text: str
    form: str
    misses: tuple[Miss, ...]
    false_positives: tuple[TimeExpr, ...]


@dataclass(frozen=True, slots=True)
class PeriodScore:
    """Counts, recall and precision over a sentence file, with the sentences that went wrong."""

    gold: int
    found: int  # gold expressions matched
    extracted: int
    false_positives: int
    sentences: tuple[SentenceResult, ...]
    by_form: dict[str, tuple[int, int]] = field(default_factory=dict)  # form → (found, gold)

    @property
    def recall(self) -> float:
        """Return the share of gold expressions found."""
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        """Return the share of extracted expressions that match a gold one."""
        return self.found / self.extracted if self.extracted else 0.0

    def summary(self) -> str:
        """Return the readable report (totals, per-form counts, what went wrong)."""
        return report(self)

    def as_json(self) -> dict[str, Any]:
        """Return the score as JSON-ready data, with every miss and false positive."""
        return {
            "gold": self.gold, "found": self.found, "extracted": self.extracted,
            "false_positives": self.false_positives,
            "recall": round(self.recall, 4), "precision": round(self.precision, 4),
            "by_form": {k: {"found": f, "gold": n} for k, (f, n) in sorted(self.by_form.items())},
            "sentences": [{
                "index": s.index, "text": s.text, "form": s.form,
                "misses": [{"gold": m.gold, "got": [expr_to_json(e) for e in m.got]}
                           for m in s.misses],
                "false_positives": [expr_to_json(e) for e in s.false_positives],
            } for s in self.sentences],
        }


def read_sentences(path: Path) -> list[dict[str, Any]]:
    """Return the rows of a period sentence file."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _gold_span(row: dict[str, Any], gold: dict[str, Any]) -> tuple[int, int]:
    """Return the gold expression's span, from `span` or else its surface's first place."""
    if "span" in gold:
        return int(gold["span"][0]), int(gold["span"][1])
    start = str(row["text"]).find(gold["surface"])
    return start, start + len(gold["surface"])


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Return True when the half-open spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def _values(e: TimeExpr) -> tuple[str | None, ...]:
    """Return the values compared with gold: start, end, duration, every."""
    return e.start, e.end, e.duration, e.every


def score_sentences(rows: Iterable[dict[str, Any]], find: Finder) -> PeriodScore:
    """Return the score of `find` over gold sentence rows."""
    gold_n = found_n = extracted_n = fp_n = 0
    results: list[SentenceResult] = []
    by_form: dict[str, tuple[int, int]] = {}
    for index, row in enumerate(rows):
        got = find(row["text"])
        extracted_n += len(got)
        golds = [(g, _gold_span(row, g)) for g in row["expressions"]]
        misses = []
        used: set[int] = set()
        for g, span in golds:
            want = tuple(g.get(k) for k in _VALUE_KEYS)
            hit = next((i for i, e in enumerate(got) if i not in used
                        and _overlaps(e.span, span) and _values(e) == want), None)
            if hit is None:
                misses.append(Miss(g, tuple(e for e in got if _overlaps(e.span, span))))
            else:
                used.add(hit)
                found_n += 1
        fps = tuple(e for e in got if not any(_overlaps(e.span, s) for _, s in golds))
        gold_n += len(golds)
        fp_n += len(fps)
        form = str(row.get("form", ""))
        f, n = by_form.get(form, (0, 0))
        by_form[form] = (f + len(golds) - len(misses), n + len(golds))
        if misses or fps:
            results.append(SentenceResult(index, row["text"], form, tuple(misses), fps))
    return PeriodScore(gold_n, found_n, extracted_n, fp_n, tuple(results), by_form)


def score_file(path: Path, find: Finder | None = None) -> PeriodScore:
    """Return the score of `find` (default: our engine) over a period sentence file."""
    if find is None:
        from extract.periods import find_periods

        find = find_periods
    return score_sentences(read_sentences(path), find)


def report(score: PeriodScore) -> str:
    """Return a readable report: totals, per-form recall, then each sentence that went wrong."""
    lines = [f"recall {score.recall:.3f} ({score.found}/{score.gold})  "
             f"precision {score.precision:.3f} ({score.found}/{score.extracted})"]
    for form, (f, n) in sorted(score.by_form.items()):
        lines.append(f"  {form or '-':28} {f}/{n}")
    for s in score.sentences:
        lines.append(f"[{s.index}] {s.form}: {s.text}")
        for miss in s.misses:
            want = {k: miss.gold[k] for k in _VALUE_KEYS if k in miss.gold}
            got = [(e.surface, _values(e)) for e in miss.got]
            lines.append(f"    miss {miss.gold['surface']!r} {want} got {got}")
        for e in s.false_positives:
            lines.append(f"    false positive {e.surface!r} {_values(e)}")
    return "\n".join(lines)
