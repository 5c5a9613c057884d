"""Period engine against ja-timex on the gold period sentences, in one process.

Prints recall and precision (the same scorer for both, `extract.evaluate.periods`), per form
class too, and characters per second (median of several timed passes over all sentences,
alternating between the engines, after one untimed pass that warms both up). ja-timex is a
benchmark-only peer: `pip install -e '.[bench]'`.

    .venv/bin/python bench/periods.py [--gold FILE] [--repeats N]
    .venv/bin/python bench/periods.py --gold tests/fixtures/periods/forms.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extract.evaluate.periods import PeriodScore, read_sentences, score_sentences
from extract.periods import TimeExpr, find_periods

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "gold" / "periods" / "dev.jsonl"
# Our engine must read at least this many times as fast as ja-timex.
TARGET_SPEEDUP = 10.0


def timex_point(value: str) -> str | None:
    """Return our point string for a ja-timex DATE value ("2006-XX-XX" → "2006"), or None."""
    if value.startswith("FY") and value[2:].isdigit():
        return value  # its western 年度 (2015年度 → FY2015) is already our format
    parts = value.split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None  # XXXX-04-01 (no year) or 20XX (a century): no point in our format
    kept = [parts[0]]
    for part in parts[1:]:
        if not part.isdigit():
            break
        kept.append(part)
    return "-".join(kept)


def timex_to_exprs(text: str, timexes: list[Any]) -> list[TimeExpr]:
    """Return ja-timex's output as our records, as faithfully as its TIMEX3 fields allow.

    DATE → a point (ja-timex reads 年度 only after western years, as "FY2015"; its 和暦
    years are calendar years); a DATE marked
    range_start followed by one marked range_end → one range; DURATION → duration; SET →
    every; TIME and values with no year → an expression without values (counted as found
    text, never as right).
    """
    out: list[TimeExpr] = []
    items = sorted(timexes, key=lambda t: (t.raw_span or t.span)[0])
    i = 0
    while i < len(items):
        t = items[i]
        start, end = t.raw_span or t.span
        if t.type == "DATE":
            point = timex_point(t.value)
            nxt = items[i + 1] if i + 1 < len(items) else None
            if t.range_start and nxt is not None and nxt.type == "DATE" and nxt.range_end:
                last = (nxt.raw_span or nxt.span)[1]
                out.append(TimeExpr(text[start:last], (start, last), point,
                                    timex_point(nxt.value)))
                i += 2
                continue
            out.append(TimeExpr(text[start:end], (start, end), point, point))
        elif t.type == "DURATION":
            out.append(TimeExpr(text[start:end], (start, end), duration=t.value))
        elif t.type == "SET":
            out.append(TimeExpr(text[start:end], (start, end), every=t.value))
        else:
            out.append(TimeExpr(text[start:end], (start, end)))
        i += 1
    return out


def by_form(rows: list[dict[str, Any]], finders: dict[str, Callable[[str], list[TimeExpr]]]
            ) -> list[str]:
    """Return table lines: recall, precision and false positives of each finder per form class."""
    forms = sorted({str(r.get("form", "")) for r in rows})
    names = list(finders)
    lines = ["| form | gold | " + " | ".join(f"{n} R | {n} P | {n} FP" for n in names) + " |",
             "|---|---|" + "---|---|---|" * len(names)]
    for form in forms:
        group = [r for r in rows if r.get("form", "") == form]
        cells = []
        gold = 0
        for find in finders.values():
            score = score_sentences(group, find)
            gold = score.gold
            recall = f"{score.recall:.2f}" if score.gold else "-"
            precision = f"{score.precision:.2f}" if score.extracted else "-"
            cells.append(f"{recall} | {precision} | {score.false_positives}")
        lines.append(f"| {form or '-'} | {gold} | " + " | ".join(cells) + " |")
    return lines


def chars_per_second(finders: dict[str, Callable[[str], object]], texts: list[str],
                     repeats: int) -> dict[str, float]:
    """Return each finder's median characters per second over all `texts`.

    Passes alternate between the finders, so a busy machine slows them alike, and are timed in
    this process's CPU seconds, which other work on the machine moves less than wall time.
    """
    for find in finders.values():  # warm-up: compiled patterns, caches
        for text in texts:
            find(text)
    total = sum(len(t) for t in texts)
    rates: dict[str, list[float]] = {name: [] for name in finders}
    for _ in range(repeats):
        for name, find in finders.items():
            began = time.process_time()
            for text in texts:
                find(text)
            rates[name].append(total / (time.process_time() - began))
    return {name: statistics.median(r) for name, r in rates.items()}


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        from ja_timex import TimexParser  # type: ignore[import-untyped]  # no type hints shipped
    except ImportError:
        print("ja-timex is not installed: run  .venv/bin/pip install -e '.[bench]'",
              file=sys.stderr)
        return 2
    if not args.gold.is_file():
        print(f"gold sentences not found: {args.gold}", file=sys.stderr)
        return 2
    rows = read_sentences(args.gold)
    texts = [r["text"] for r in rows]
    parser_ = TimexParser()

    def timex_find(text: str) -> list[TimeExpr]:
        return timex_to_exprs(text, parser_.parse(text))

    finders = {"extract": find_periods, "ja-timex": timex_find}
    scores: dict[str, PeriodScore] = {n: score_sentences(rows, f) for n, f in finders.items()}
    speeds = chars_per_second({"extract": find_periods, "ja-timex": parser_.parse}, texts,
                              args.repeats)
    print(f"{len(rows)} sentences, {sum(len(t) for t in texts)} characters, "
          f"{scores['extract'].gold} gold expressions ({args.gold.name}); "
          f"median of {args.repeats} passes")
    print(f"| {'engine':8} | recall | precision | chars/s |")
    print("|----------|--------|-----------|---------|")
    for name, score in scores.items():
        print(f"| {name:8} | {score.recall:6.3f} | {score.precision:9.3f} | "
              f"{speeds[name]:7.0f} |")
    print()
    print("\n".join(by_form(rows, finders)))
    print()
    speedup = speeds["extract"] / speeds["ja-timex"]
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "BELOW"
    print(f"speed-up {speedup:.1f}x ({verdict} the {TARGET_SPEEDUP:.0f}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
