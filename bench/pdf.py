"""PDF reading speed and memory: both engines, bare and through the whole `extract parse` path.

Four sides, measured in one process on the same PDFs, interleaved document by document so a
busy machine slows all of them alike:

- plumber_chars  bare pdfplumber: open, touch `page.chars` on every page, close each page
- pdfium_chars   bare pypdfium2: every character's text and box (FPDFText_GetUnicode and
                 FPDFText_GetLooseCharBox), each page closed
- parse_plumber  the whole path behind `extract parse --pdf-engine pdfplumber` (today's path)
- parse_pdfium   the whole path behind `extract parse` (PDFium, the default)

OCR is off on every side (`--no-ocr`): it measures Tesseract, not the reader. Figures are
medians over `--repeats` runs; pages/s is the corpus's pages over the summed medians; ratios
divide one side's time by another's. Peak RSS is measured in a fresh process per side on the
148-page budget PDF, so one document's peak does not hide another's.

    python bench/pdf.py                      # every corpus PDF, 3 repeats
    python bench/pdf.py --only 一般会計予算   # documents whose path contains the text
"""

from __future__ import annotations

import argparse
import ctypes
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
SIDES = ("plumber_chars", "pdfium_chars", "parse_plumber", "parse_pdfium")

_RSS_SCRIPT = """
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench.pdf import run_side
run_side(sys.argv[1], Path(sys.argv[2]))
# VmHWM is this program's own peak; ru_maxrss would carry the parent's over the fork.
status = Path("/proc/self/status")
if status.exists():
    hwm = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM"))
    print(hwm.split()[1])
else:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def plumber_chars(path: Path) -> int:
    """Bare pdfplumber: every page's characters, each page closed; returns the page count."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.chars  # noqa: B018 - touching the property parses the page
            page.close()
        return len(pdf.pages)


def pdfium_chars(path: Path) -> int:
    """Bare pypdfium2: every character's code point and box, each page closed."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(path)
    try:
        rect = raw.FS_RECTF()
        for index in range(len(doc)):
            page = doc[index]
            textpage = raw.FPDFText_LoadPage(page.raw)
            for i in range(raw.FPDFText_CountChars(textpage)):
                raw.FPDFText_GetUnicode(textpage, i)
                raw.FPDFText_GetLooseCharBox(textpage, i, ctypes.byref(rect))
            raw.FPDFText_ClosePage(textpage)
            page.close()
        return len(doc)
    finally:
        doc.close()


def _parse(engine: str) -> Callable[[Path], int]:
    def parse(path: Path) -> int:
        from extract.pipeline import parse_file
        from extract.readers.pdf_pages import PdfOptions

        doc = parse_file(path, PdfOptions(engine, ocr=False))  # type: ignore[arg-type]
        return doc.source.pages or 0

    return parse


RUNNERS: dict[str, Callable[[Path], int]] = {
    "plumber_chars": plumber_chars, "pdfium_chars": pdfium_chars,
    "parse_plumber": _parse("pdfplumber"), "parse_pdfium": _parse("pdfium"),
}


def run_side(side: str, path: Path) -> int:
    """Read `path` one way (used by the peak-memory subprocess too)."""
    return RUNNERS[side](path)


def timed(side: str, path: Path) -> float:
    start = time.perf_counter()
    run_side(side, path)
    return time.perf_counter() - start


def peak_rss_mb(side: str, path: Path) -> float:
    """Peak resident memory (MB) of a fresh process reading `path` one way."""
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, side, str(path), str(ROOT)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def corpus_pdfs(only: list[str] | None) -> list[Path]:
    """The corpus PDFs, those whose path contains one of `only` when given; exits without
    the corpus."""
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    paths = sorted(CORPUS.rglob("*.pdf"))
    return [p for p in paths if any(o in str(p) for o in only)] if only else paths


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", action="append", help="keep PDFs whose path contains this")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    paths = corpus_pdfs(args.only)
    pages = {p: plumber_chars(p) for p in paths}  # also warms the OS file cache and imports
    for side in SIDES:
        run_side(side, paths[0])
    runs: dict[str, dict[Path, list[float]]] = {s: {p: [] for p in paths} for s in SIDES}
    for _ in range(args.repeats):
        for path in paths:
            for side in SIDES:
                runs[side][path].append(timed(side, path))
    median = {s: {p: statistics.median(v) for p, v in by.items()} for s, by in runs.items()}
    rows = []
    for path in paths:
        row: dict[str, object] = {"pdf": path.relative_to(CORPUS).as_posix(),
                                  "pages": pages[path]}
        for side in SIDES:
            row[f"{side}_s"] = round(median[side][path], 3)
        row["parse_speedup"] = round(median["parse_plumber"][path]
                                     / median["parse_pdfium"][path], 2)
        rows.append(row)
    total_pages = sum(pages.values())
    totals = {side: sum(median[side].values()) for side in SIDES}
    summary: dict[str, object] = {
        "pdfs": len(paths), "pages": total_pages, "repeats": args.repeats,
        **{f"{side}_pages_per_s": round(total_pages / totals[side], 1) for side in SIDES},
        "parse_pdfium_vs_parse_plumber": round(totals["parse_plumber"] / totals["parse_pdfium"],
                                               2),
        "parse_pdfium_vs_plumber_chars": round(totals["plumber_chars"] / totals["parse_pdfium"],
                                               2),
        "pdfium_chars_vs_plumber_chars": round(totals["plumber_chars"] / totals["pdfium_chars"],
                                               2),
    }
    budget = CORPUS / BUDGET
    if budget in paths or not args.only:
        summary["budget_peak_rss_mb"] = {s: round(peak_rss_mb(s, budget), 1) for s in SIDES}
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False, indent=2))
        return
    head = ["pdf", "pages", *[f"{s} s" for s in SIDES], "parse ×"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [str(row["pdf"]), str(row["pages"]), *[f"{row[f'{s}_s']:.2f}" for s in SIDES],
                 f"{row['parse_speedup']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print()
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
