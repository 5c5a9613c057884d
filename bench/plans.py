"""How the plans stage grows with the text: the same real document repeated 1×, 5× and 10×.

Everything before the plans stage (reading, outline, periods) runs once per size, untimed;
`find_plans` is then timed several times and the median kept. Linear work shows ratios close to
the size factor (5×, 10×); quadratic work shows their squares.

    .venv/bin/python bench/plans.py [FILE] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from extract.periods import find_periods
from extract.plans import find_plans
from extract.readers import read
from extract.structure.boilerplate import strip_boilerplate
from extract.structure.lines import to_lines
from extract.structure.normalize import normalize_blocks
from extract.structure.outline import build_outline
from extract.structure.title import document_title

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "seeds" / "001_30a96376731425c2.txt"
FACTORS = (1, 5, 10)


def _median_seconds(data: bytes, repeats: int) -> tuple[int, float]:
    result = read(data, name="bench.txt", media_type="text/plain")
    blocks, _ = strip_boilerplate(normalize_blocks(result.blocks))
    title, blocks = document_title(result, blocks, "bench.txt")
    text, lines = to_lines(blocks)
    root, _ = build_outline(lines, title)
    exprs = find_periods(text)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        find_plans(text, title, root, exprs)
        times.append(time.perf_counter() - start)
    return len(text), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    raw = args.file.read_bytes()
    base: float | None = None
    for factor in FACTORS:
        chars, seconds = _median_seconds(b"\n".join([raw] * factor), args.repeats)
        base = base or seconds
        print(f"{factor:>3}× text  {chars:>9,} chars  median {seconds * 1000:8.1f} ms  "
              f"ratio {seconds / base:5.1f}")


if __name__ == "__main__":
    main()
