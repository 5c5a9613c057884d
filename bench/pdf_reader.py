"""PDFium reader speed: this checkout's `extract.readers.pdf_pdfium` against another copy of
the same module (say, the one of an earlier commit), in one process.

Two measures, each taken for both copies, interleaved document by document so a busy machine
slows both alike, in CPU seconds (`time.process_time`):

- reader  every page of the document read by `read_page` (characters and paths), nothing more
- parse   the whole path behind `extract parse` (PDFium, OCR off) with `read_page` of that copy

Figures are medians over `--repeats` runs, summed over the documents.

    git show HEAD~1:extract/readers/pdf_pdfium.py > /tmp/pdf_pdfium_before.py
    python bench/pdf_reader.py --base /tmp/pdf_pdfium_before.py
    python bench/pdf_reader.py --base /tmp/pdf_pdfium_before.py --only 一般会計予算 --repeats 5
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

# Running `python bench/pdf_reader.py` puts bench/ first on the path, where bench/html.py
# would shadow the standard library's html module that pdfminer imports.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"


def load_copy(path: Path) -> ModuleType:
    """The module at `path`, imported under its own name beside this checkout's."""
    spec = importlib.util.spec_from_file_location("pdf_pdfium_base", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def read_all(module: Any, path: Path) -> int:
    """Every page of `path` read by `module.read_page`; returns the page count."""
    doc = module.open_pdfium(path.read_bytes(), [])
    try:
        for index in range(len(doc)):
            module.read_page(doc, index)
        return len(doc)
    finally:
        doc.close()


def parse_with(module: Any, path: Path) -> int:
    """The whole `extract parse` path with `module.read_page` as the page reader."""
    import extract.readers.pdf as pdf
    from extract.pipeline import parse_file
    from extract.readers.pdf_pages import PdfOptions

    saved = pdf.read_page
    pdf.read_page = module.read_page
    try:
        doc = parse_file(path, PdfOptions("pdfium", ocr=False))
    finally:
        pdf.read_page = saved
    return doc.source.pages or 0


def cpu(run: Callable[[Any, Path], object], module: Any, path: Path) -> float:
    start = time.process_time()
    run(module, path)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base", type=Path, required=True,
                        help="the copy of pdf_pdfium.py to compare against")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", action="append", help="keep PDFs whose path contains this")
    parser.add_argument("--no-parse", action="store_true", help="time the reader alone")
    args = parser.parse_args()
    import extract.readers.pdf_pdfium as mine

    copies = {"base": load_copy(args.base), "mine": mine}
    paths = sorted(CORPUS.rglob("*.pdf"))
    if args.only:
        paths = [p for p in paths if any(o in str(p) for o in args.only)]
    measures = ("reader",) if args.no_parse else ("reader", "parse")
    pages = sum(read_all(mine, p) for p in paths)  # warms imports and the file cache
    runs: dict[tuple[str, str], dict[Path, list[float]]] = {
        (m, c): {p: [] for p in paths} for m in measures for c in copies}
    for _ in range(args.repeats):
        for path in paths:
            for name, module in copies.items():
                runs["reader", name][path].append(cpu(read_all, module, path))
                if "parse" in measures:
                    runs["parse", name][path].append(cpu(parse_with, module, path))
    print(f"{len(paths)} PDFs, {pages} pages, {args.repeats} repeats (CPU s, summed medians)")
    for measure in measures:
        base, ours = (sum(statistics.median(v) for v in runs[measure, c].values())
                      for c in copies)
        print(f"{measure:6}  base {base:7.2f} s  mine {ours:7.2f} s  "
              f"({pages / base:.1f} → {pages / ours:.1f} pages/s, {base / ours:.2f}×)")


if __name__ == "__main__":
    main()
