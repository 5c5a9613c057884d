"""The table finder's cell search: ours finds exactly the cells pdfplumber's finds."""

from __future__ import annotations

import pytest
from pdfplumber.table import TableFinder

from extract.readers.pdf_pdfium import open_pdfium, read_page
from extract.readers.pdf_tables import ruled_page, smallest_cells
from tests.conftest import shared_path

# Ruled forms, budget tables and a slide deck: pages of many small cells, spanned cells and
# boxes that are not tables.
PDFS = [
    "nankoku_gikai/議案第８号：令和４年度一般会計予算.pdf",
    "nepp-chan_otoineppu/R7shinseitebiki_kensetukouzi.pdf",
    "nepp-chan_otoineppu/jishin202003.pdf",
    "pdfminer_samples/nlp2004slides.pdf",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", PDFS)
def test_smallest_cells_match_pdfplumber(name: str) -> None:
    data = shared_path("corpus", "pdf", name).read_bytes()
    doc = open_pdfium(data, [])
    checked = 0
    try:
        for index in range(len(doc)):
            ruled = ruled_page(read_page(doc, index))
            if ruled is None:
                continue
            finder = TableFinder(ruled)
            assert smallest_cells(finder.intersections) == finder.cells, f"page {index + 1}"
            checked += len(finder.cells)
    finally:
        doc.close()
    assert checked > 0
