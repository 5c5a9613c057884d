"""How the plans stage grows with the text, and what it costs on the corpus PDFs.

Growth (the default): the same real document repeated 1×, 5× and 10×. Everything before the
plans stage (reading, outline, periods) runs once per size, untimed; `find_plans` is then timed
several times and the median kept. Linear work shows ratios close to the size factor (5×, 10×);
quadratic work shows their squares. `--invented` repeats instead a chapter of invented text
that names new plans each time (a district's plan in a heading, a section titled 計画期間, two
plans in a sentence), so the candidates grow with the text too. `--sizes 1000000,5000000`
takes instead the texts `bench/scale.py` builds of those sizes (the seed plans joined).

Corpus (`--corpus`): every corpus PDF is parsed once (PDFium engine) and the arguments of its
plans stage kept; `find_plans` is then timed on each, medians of `--repeats` runs, summed. With
`--baseline DIR` the plans stage of another checkout (its `extract/plans` and `extract/rules`)
is loaded beside this one's and timed interleaved with it in the same process, on the same
inputs, and the plans both find are compared.

Times are this process's CPU seconds.

    .venv/bin/python bench/plans.py [FILE | --invented | --sizes N,N] [--repeats N]
                                    [--baseline DIR]
    .venv/bin/python bench/plans.py --corpus [--only NAME ...] [--repeats N] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import extract
from extract import pipeline
from extract.plans import FoundPlan, find_plans
from extract.readers.pdf_pages import PdfOptions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "seeds" / "001_30a96376731425c2.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
FACTORS = (1, 5, 10)
INVENTED_CHAPTERS = 100  # at 1×
# The modules a baseline checkout brings its own of: the stage and the rules it reads.
SWAPPED = ("extract.plans", "extract.rules")

FindPlans = Callable[..., list[FoundPlan]]
Args = tuple[Any, ...]  # (text, title, root, exprs): what the pipeline hands the plans stage


def baseline_find_plans(checkout: Path) -> FindPlans:
    """`find_plans` of another checkout, loaded beside this one's: its plan and rule modules
    take the place of ours in `sys.modules` while they are imported, then ours come back.
    Every other module (readers, outline, periods) stays this checkout's."""
    ours = {name: module for name, module in sys.modules.items() if name.startswith(SWAPPED)}
    for name in ours:
        del sys.modules[name]
    package_path = list(extract.__path__)
    extract.__path__[:] = [str(checkout / "extract")]
    try:
        theirs: FindPlans = importlib.import_module("extract.plans").find_plans
    finally:
        for name in [n for n in sys.modules if n.startswith(SWAPPED)]:
            del sys.modules[name]
        sys.modules.update(ours)
        extract.__path__[:] = package_path
        for name in SWAPPED:
            setattr(extract, name.split(".")[1], ours[name])
    return theirs


def invented(chapters: int) -> bytes:
    """A made-up plan collection: one chapter per district, each with plans of its own."""
    return ("ひかり市地区計画集\n\n" + "".join(
        f"第{k}章 ひかり市第{k}地区まちづくり計画\n\n"
        f"1 計画期間\n\n令和6年度から令和10年度までの5年間とします。\n\n"
        f"本地区では、ミライ{k}号線整備計画と、アオバ{k}公園計画を進めます。\n\n"
        for k in range(1, chapters + 1))).encode()


def stage_args(data: bytes, uri: str, pdf: PdfOptions | None = None) -> Args:
    """The arguments the pipeline hands the plans stage for one source (`parse_bytes` runs
    whole, its plans stage called through a wrapper that keeps them)."""
    kept: list[Args] = []

    def keep(*args: Any) -> list[FoundPlan]:
        kept.append(args)
        return find_plans(*args)

    pipeline.find_plans = keep  # type: ignore[assignment]
    try:
        pipeline.parse_bytes(data, uri=uri, pdf=pdf)
    finally:
        pipeline.find_plans = find_plans
    return kept[0]


def _seconds(run: FindPlans, args: Args) -> float:
    began = time.process_time()
    run(*args)
    return time.process_time() - began


def _medians(sides: dict[str, FindPlans], args: Args, repeats: int) -> dict[str, float]:
    """Median seconds of each side on `args`, the sides taking turns run by run."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeats):
        for name, run in sides.items():
            times[name].append(_seconds(run, args))
    return {name: statistics.median(t) for name, t in times.items()}


def _same(sides: dict[str, FindPlans], args: Args) -> bool:
    """True when every side finds the same plans (compared by their printed records)."""
    return len({repr(run(*args)) for run in sides.values()}) == 1


def growth(texts: list[bytes], sides: dict[str, FindPlans], repeats: int) -> None:
    """Time the sides on each text; ratios are to the first."""
    base: dict[str, float] = {}
    for data in texts:
        args = stage_args(data, "bench.txt")
        medians = _medians(sides, args, repeats)
        cells = []
        for name, seconds in medians.items():
            base.setdefault(name, seconds)
            cells.append(f"{name} {seconds * 1000:8.1f} ms (ratio {seconds / base[name]:5.1f})")
        same = "" if _same(sides, args) else "  PLANS DIFFER"
        print(f"{len(data):>9,} bytes  {len(args[0]):>9,} chars  " + "  ".join(cells) + same)


def corpus(only: list[str] | None, sides: dict[str, FindPlans], repeats: int) -> None:
    paths = sorted(p for p in CORPUS.rglob("*.pdf") if not only or any(o in str(p) for o in only))
    if not paths:
        sys.exit(f"no corpus PDFs at {CORPUS}")
    totals = dict.fromkeys(sides, 0.0)
    differ = []
    for path in paths:
        args = stage_args(path.read_bytes(), path.as_posix(), PdfOptions("pdfium", ocr=False))
        for name, seconds in _medians(sides, args, repeats).items():
            totals[name] += seconds
        if not _same(sides, args):
            differ.append(path.name)
    print(f"{len(paths)} PDFs, plans stage CPU seconds (sum of medians of {repeats}): "
          + ", ".join(f"{name} {seconds:.3f}" for name, seconds in totals.items()))
    print(f"plans differ on {len(differ)}: {', '.join(differ) or 'none'}")


def _texts(args: argparse.Namespace) -> list[bytes]:
    if args.sizes:
        from scale import build_text  # bench/scale.py, beside this file

        return [build_text(int(size)) for size in args.sizes.split(",")]
    if args.invented:
        return [invented(INVENTED_CHAPTERS * factor) for factor in FACTORS]
    raw = args.file.read_bytes()
    return [b"\n".join([raw] * factor) for factor in FACTORS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--invented", action="store_true",
                        help="repeat invented chapters naming new plans instead of FILE")
    parser.add_argument("--sizes", help="texts of these many bytes as bench/scale.py builds them")
    parser.add_argument("--corpus", action="store_true", help="time on the corpus PDFs' texts")
    parser.add_argument("--only", nargs="*", help="corpus PDFs whose path contains one of these")
    parser.add_argument("--baseline", type=Path, help="another checkout to time beside this one")
    args = parser.parse_args()
    sides: dict[str, FindPlans] = {"this": find_plans}
    if args.baseline is not None:
        sides["baseline"] = baseline_find_plans(args.baseline.resolve())
    if args.corpus:
        corpus(args.only, sides, args.repeats)
    else:
        growth(_texts(args), sides, args.repeats)


if __name__ == "__main__":
    main()
