"""PDF reading speed and memory against pdfplumber's bare character extraction.

Baseline: open the PDF with pdfplumber, touch `page.chars` on every page, close each page;
the least any reader built on pdfplumber must do. Measured in the same process, on the same
PDFs, interleaved document by document so a busy machine slows all sides alike:

- reader   `pdf_to_blocks` (extract/readers/pdf.py)
- full     the whole path behind `extract parse` (reader and every later stage), when the
           pipeline is complete on this branch

Figures are medians over `--repeats` runs; ratio = baseline seconds / our seconds (>= 0.7 is
the target: at most ~43% over the bare parse). Peak RSS is measured in a fresh process per
document and side, so one document's peak does not hide another's.

    python bench/pdf.py                      # every corpus PDF, 3 repeats
    python bench/pdf.py --only 一般会計予算   # documents whose path contains the text
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Running `python bench/pdf.py` puts bench/ first on the path, where bench/html.py would
# shadow the standard library's html module that pdfminer imports.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
BUDGET = "nankoku_gikai/議案第８号：令和４年度一般会計予算.pdf"

_RSS_SCRIPT = """
import resource, sys
from pathlib import Path
side, path = sys.argv[1], Path(sys.argv[2])
if side == "baseline":
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.chars
            page.close()
elif side == "reader":
    from extract.readers.pdf import pdf_to_blocks
    pdf_to_blocks(path)
else:
    from extract.pipeline import parse_file
    parse_file(path)
# VmHWM is this program's own peak; ru_maxrss would carry the parent's over the fork.
status = Path("/proc/self/status")
if status.exists():
    hwm = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM"))
    print(hwm.split()[1])
else:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def baseline(path: Path) -> int:
    """Bare pdfplumber: every page's characters, each page closed; returns the page count."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.chars  # noqa: B018 - touching the property parses the page
            page.close()
        return len(pdf.pages)


def reader(path: Path) -> int:
    from extract.readers.pdf import pdf_to_blocks

    return pdf_to_blocks(path).pages or 0


def full(path: Path) -> int:
    from extract.pipeline import parse_file

    return parse_file(path).source.pages or 0


def pipeline_missing() -> str | None:
    """Why the full pipeline cannot run on this branch, or None when it can."""
    try:
        from extract.periods import find_periods  # noqa: F401
        from extract.pipeline import parse_file  # noqa: F401
    except ImportError as error:
        return str(error)
    return None


def timed(fn: Callable[[Path], int], path: Path) -> float:
    start = time.perf_counter()
    fn(path)
    return time.perf_counter() - start


def peak_rss_mb(side: str, path: Path) -> float:
    """Peak resident memory (MB) of a fresh process reading `path` one way."""
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, side, str(path)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", action="append", help="keep PDFs whose path contains this")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    paths = sorted(CORPUS.rglob("*.pdf"))
    if args.only:
        paths = [p for p in paths if any(o in str(p) for o in args.only)]
    missing = pipeline_missing()
    sides: dict[str, Callable[[Path], int]] = {"baseline": baseline, "reader": reader}
    if missing is None:
        sides["full"] = full
    pages = {p: baseline(p) for p in paths}  # also warms the OS file cache
    runs: dict[str, dict[Path, list[float]]] = {s: {p: [] for p in paths} for s in sides}
    for _ in range(args.repeats):
        for path in paths:
            for side, fn in sides.items():
                runs[side][path].append(timed(fn, path))
    median = {s: {p: statistics.median(v) for p, v in by.items()} for s, by in runs.items()}
    rows = []
    for path in paths:
        name = path.relative_to(CORPUS).as_posix()
        row: dict[str, object] = {"pdf": name, "pages": pages[path]}
        for side in sides:
            row[f"{side}_s"] = round(median[side][path], 3)
        row["reader_ratio"] = round(median["baseline"][path] / median["reader"][path], 2)
        if "full" in sides:
            row["full_ratio"] = round(median["baseline"][path] / median["full"][path], 2)
        rows.append(row)
    total_pages = sum(pages.values())
    totals = {side: sum(median[side].values()) for side in sides}
    summary: dict[str, object] = {
        "pdfs": len(paths), "pages": total_pages, "repeats": args.repeats,
        **{f"{side}_pages_per_s": round(total_pages / totals[side], 1) for side in sides},
        "reader_ratio": round(totals["baseline"] / totals["reader"], 2),
        "full_ratio": round(totals["baseline"] / totals["full"], 2) if "full" in sides else None,
        "full_missing": missing,
    }
    budget = CORPUS / BUDGET
    if budget in paths or not args.only:
        rss_sides = ["baseline", "reader"] + (["full"] if "full" in sides else [])
        summary["budget_peak_rss_mb"] = {s: round(peak_rss_mb(s, budget), 1) for s in rss_sides}
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False, indent=2))
        return
    head = ["pdf", "pages", *[f"{s} s" for s in sides], "reader ×"]
    head += ["full ×"] if "full" in sides else []
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [str(row["pdf"]), str(row["pages"]),
                 *[f"{row[f'{s}_s']:.2f}" for s in sides], f"{row['reader_ratio']:.2f}"]
        if "full" in sides:
            cells.append(f"{row['full_ratio']:.2f}")
        print("| " + " | ".join(cells) + " |")
    print()
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
