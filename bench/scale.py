"""How `parse_bytes` grows with the size of a text: per-stage CPU seconds on 10 KB to 5 MB.

The texts are the bundled seed plans (raw/samples/*.txt) joined end to end, again and again, up
to each size (cut at a line end), so every size has the same mix of headings, prose, tables
and dates. Each stage of `extract.pipeline.parse_bytes` is run and timed in its order (the
same calls, one by one), then the whole `parse_bytes` once to check the stages add up. The
growth column is the time at a size over the time at the size before, beside the growth of
the text: a stage whose time grows much faster than its text is super-linear. The smallest
size is the baseline; medians of REPEATS runs (one run above 1 MB). Times are this process's
CPU seconds (every stage runs in one thread), which other work on the machine moves less than
wall time.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000,5000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from extract import pipeline
from extract.measures import outline_measures
from extract.plans import find_plans
from extract.readers import read, sniff_media_type
from extract.structure.boilerplate import strip_boilerplate
from extract.structure.normalize import normalize_blocks
from extract.structure.outline import blocks_to_outline

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.txt"))
DEFAULT_SIZES = (10_000, 100_000, 1_000_000, 5_000_000)
# Above this many bytes one run is enough: a run takes long and varies little.
SINGLE_RUN_BYTES = 1_000_000
# A stage whose time grows this many times faster than its text is reported as super-linear
# (n log n on these sizes stays well under it).
SUPERLINEAR = 1.5


def build_text(size: int) -> bytes:
    """Return the seed texts joined until `size` bytes, cut at a line end.

    Every line of the n-th copy of a seed ends with a tag in letters ([b], [c], … [ba]), so no
    copy repeats another: the furniture rules drop lines repeated through a text as running
    headers, numbers aside.
    """
    seeds = [p.read_text("utf-8").rstrip("\n").splitlines() for p in SAMPLES]
    parts: list[str] = []
    total = copy = 0
    while total < size:
        copy += 1
        for seed in seeds:
            tag = _letters(copy)
            part = "\n".join(f"{line}[{tag}]" if line.strip() else line for line in seed)
            parts.append(part + "\n\n")
            total += len(parts[-1].encode("utf-8"))
            if total >= size:
                break
    data = "".join(parts).encode("utf-8")[:size]
    return data[: data.rfind(b"\n") + 1]


def _letters(n: int) -> str:
    """Return `n` written in base 26 with the letters a to z (1 → b, 26 → ba)."""
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[digit] + out
        if n == 0:
            return out


def stage_times(data: bytes) -> dict[str, float]:
    """Return the seconds of each stage of `parse_bytes` on `data`, and of the whole."""
    times: dict[str, float] = {}
    state: dict[str, Any] = {}

    def timed(name: str, run: Callable[[], Any]) -> Any:
        began = time.process_time()
        out = run()
        times[name] = time.process_time() - began
        return out

    kind = sniff_media_type(data, "scale.txt", None)
    result = timed("read", lambda: read(data, name="scale.txt", media_type=kind, charset=None))
    blocks = timed("normalize", lambda: normalize_blocks(result.blocks))
    blocks, facts = timed("clean", lambda: strip_boilerplate(blocks))
    title, blocks = pipeline._title(result, blocks)
    text, placed = timed("text", lambda: pipeline._join(blocks))
    root = timed("outline", lambda: blocks_to_outline(placed))
    exprs = timed("periods", lambda: pipeline._find_periods(text))
    plans = timed("plans", lambda: find_plans(text, title, root, exprs))
    measures = timed("measures", lambda: outline_measures(root))
    sha = state.setdefault("sha", "0" * 64)
    doc = timed("assemble", lambda: pipeline._assemble(data, sha, "scale.txt", kind, result,
                                                       facts, title, text, root, plans,
                                                       measures))
    timed("validate", lambda: pipeline.flag_invalid(doc))
    timed("whole parse_bytes", lambda: pipeline.parse_bytes(data, uri="scale.txt"))
    times["characters of text"] = len(text)  # what the stages after `clean` work on
    return times


def main(argv: list[str] | None = None) -> int:
    """Print per-stage seconds and growth per size; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    stage_times(build_text(sizes[0]))  # warm-up: compiled patterns, the Sudachi dictionary
    results: list[tuple[int, dict[str, float]]] = []
    for size in sizes:
        data = build_text(size)
        runs = [stage_times(data) for _ in range(1 if size > SINGLE_RUN_BYTES else args.repeats)]
        medians = {name: statistics.median(r[name] for r in runs) for name in runs[0]}
        results.append((len(data), medians))
        print(f"{len(data):>9,} bytes done", file=sys.stderr)
    names = list(results[0][1])
    header = " | ".join(f"{n:,} B" for n, _ in results)
    print(f"| stage | {header} | growth per step (text grows {_steps(results)}) |")
    print("|---|" + "---|" * len(results) + "---|")
    flagged = []
    for name in names:
        secs = [r[name] for _, r in results]
        if name == "characters of text":
            print(f"| {name} | {' | '.join(f'{s:,.0f}' for s in secs)} | |")
            continue
        growth = [b / a if a > 0 else float("inf") for a, b in pairwise(secs)]
        text_growth = [b / a for (a, _), (b, _) in pairwise(results)]
        if name != "whole parse_bytes" and secs[-1] > 0.05 * results[-1][1]["whole parse_bytes"] \
                and growth[-1] > SUPERLINEAR * text_growth[-1]:
            flagged.append(name)
        cells = " | ".join(f"{s:.3f}" for s in secs)
        print(f"| {name} | {cells} | {' → '.join(f'{g:.1f}×' for g in growth)} |")
    total = [sum(v for k, v in r.items() if k not in ("whole parse_bytes", "characters of text"))
             for _, r in results]
    print(f"| sum of stages | {' | '.join(f'{t:.3f}' for t in total)} | |")
    print("super-linear on the last step (over 5% of the time, growing "
          f"{SUPERLINEAR}× faster than the text): {', '.join(flagged) or 'none'}")
    return 0


def _steps(results: list[tuple[int, dict[str, float]]]) -> str:
    """Return the text's growth between sizes (10.0× → 10.0× → 5.0×)."""
    return " → ".join(f"{b / a:.1f}×" for (a, _), (b, _) in pairwise(results))


if __name__ == "__main__":
    sys.exit(main())
