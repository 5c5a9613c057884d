"""The table finder: ours finds exactly the grids pdfplumber's `TableFinder` finds.

Both are fed the same page objects, read by either engine from the real corpus; pdfplumber
gets them as its own edge dicts, the way its `Page.edges` makes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import TableFinder
from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

from extract.readers.pdf_grids import _is_rule, find_grids
from extract.readers.pdf_pages import PageObjects, plumber_objects
from extract.readers.pdf_pdfium import open_pdfium, read_page
from tests.pdf_helpers import corpus_names, corpus_pdf

# Ruled forms and budget tables read by pdfminer too (the slower engine: a few documents).
PLUMBER_PDFS = [
    "nankoku_gikai/令和４年度事業計画予算書.pdf",
    "nepp-chan_otoineppu/kansui_keieis.pdf",
    "pdfminer_samples/nlp2004slides.pdf",
]


class _PlumberPage:
    """What pdfplumber's table finder reads of a page: its edges and its box."""

    def __init__(self, page: PageObjects) -> None:
        rules = [r for r in page.rects if _is_rule(r)]
        self.edges = [line_to_edge(line) for line in page.lines]
        self.edges += [e for r in rules for e in rect_to_edges(r)]
        self.edges += [e for c in page.curves for e in curve_to_edges(c)]
        self.bbox = (0.0, 0.0, page.width, page.height)


def _pdfium_pages(name: str) -> Iterator[PageObjects]:
    doc = open_pdfium(corpus_pdf(name).read_bytes(), [])
    try:
        for index in range(len(doc)):
            yield read_page(doc, index)
    finally:
        doc.close()


def _plumber_pages(name: str) -> Iterator[PageObjects]:
    with pdfplumber.open(corpus_pdf(name)) as pdf:
        for page in pdf.pages:
            yield plumber_objects(page)
            page.close()


def _compare(pages: Iterator[PageObjects]) -> int:
    """Asserts both finders agree on every page; returns the number of cells found."""
    cells = 0
    for number, page in enumerate(pages, 1):
        ours = [grid.cells for grid in find_grids(page)]
        theirs: list[Any] = [table.cells for table in TableFinder(_PlumberPage(page)).tables]
        assert ours == theirs, f"page {number}"
        cells += sum(map(len, ours))
    return cells


@pytest.mark.slow
@pytest.mark.parametrize("name", corpus_names() or ["(no corpus)"])
def test_grids_match_pdfplumber_on_pdfium_pages(name: str) -> None:
    _compare(_pdfium_pages(name))


@pytest.mark.slow
@pytest.mark.parametrize("name", PLUMBER_PDFS)
def test_grids_match_pdfplumber_on_pdfminer_pages(name: str) -> None:
    assert _compare(_plumber_pages(name)) > 0


def test_grids_found_in_ruled_corpus_pages() -> None:
    """The comparison above is not vacuous: the corpus's ruled forms give many grids."""
    name = "nepp-chan_otoineppu/R7shinseitebiki_kensetukouzi.pdf"
    pages = _pdfium_pages(name)
    assert sum(len(find_grids(next(pages))) for _ in range(10)) > 0
