"""CPU time of the PDF reader's layout stages, from page objects already read by PDFium.

Every corpus PDF's page objects (characters, rects, lines, curves) are read once into memory;
then each repeat times, in CPU seconds (`time.process_time`), the stages that follow:

- glyphs     `page_glyphs`: characters to clean glyphs
- page       `_read_page` as a whole: glyphs, tables, segments, reading order
- assemble   `_assemble`: furniture, document style, paragraphs, headings, blocks

Figures are medians over `--repeats`. Run it with two checkouts first on the path, one after
the other, to compare them:

    PYTHONPATH=. python bench/pdf_layout.py --repeats 5
    PYTHONPATH=. python bench/pdf_layout.py --profile page   # cProfile of one stage
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from extract.readers import pdf
from extract.readers.pdf_glyphs import page_glyphs
from extract.readers.pdf_pages import PageObjects

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"


def load(paths: list[Path]) -> list[list[PageObjects]]:
    """Each PDF's page objects, read by PDFium."""
    docs: list[list[PageObjects]] = []
    for path in paths:
        doc = pdf._Document(path.read_bytes(), "pdfium", [])
        try:
            if doc.opened() is not None:
                continue
            docs.append([doc.objects(k) for k in range(doc.count)])
        finally:
            doc.close()
    return docs


def run_glyphs(docs: list[list[PageObjects]]) -> None:
    for pages in docs:
        for page in pages:
            page_glyphs(page.chars, page.width, page.height)


def run_page(docs: list[list[PageObjects]]) -> None:
    for pages in docs:
        for number, page in enumerate(pages, 1):
            pdf._read_page(page, number)


def run_assemble(reads: list[list[pdf._PageRead]]) -> None:
    for doc in reads:
        pdf._assemble(doc, [], None, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", choices=("glyphs", "page", "assemble"))
    args = parser.parse_args()
    paths = sorted(CORPUS.rglob("*.pdf"))
    if not paths:
        sys.exit(f"no corpus PDFs at {CORPUS}")
    docs = load(paths)
    reads = [[pdf._read_page(p, n) for n, p in enumerate(pages, 1)] for pages in docs]
    stages = {"glyphs": lambda: run_glyphs(docs), "page": lambda: run_page(docs),
              "assemble": lambda: run_assemble(reads)}
    pdf.gc.disable()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(stages[args.profile])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(args.repeats):
        for name, stage in stages.items():
            started = time.process_time()
            stage()
            times[name].append(time.process_time() - started)
    pages = sum(len(d) for d in docs)
    print(f"{len(docs)} PDFs, {pages} pages; CPU seconds, median of {args.repeats}")
    for name, values in times.items():
        print(f"{name:10} {statistics.median(values):.3f}")


if __name__ == "__main__":
    main()
