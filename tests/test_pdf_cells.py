"""The table finder: ours finds exactly the grids pdfplumber's `TableFinder` finds.

Both are fed the same page objects, read by either engine from the real corpus; pdfplumber
gets them as its own edge dicts, the way its `Page.edges` makes them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, cells_to_tables
from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

from extract.readers.pdf_grids import _is_rule, cells_to_grids, find_grids
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


def _rule(x0: float, top: float, x1: float, bottom: float, height: float) -> dict[str, Any]:
    """A drawn object's dict with the keys pdfplumber's edge makers read."""
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "y0": height - bottom, "y1": height - top, "doctop": top}


def _random_page(rng: random.Random) -> PageObjects:
    """Invented ruled layouts: grids drawn as cell rects or as lines (some broken, some
    slightly off, so snapping and joining have work), with stray rules, dots and curves."""
    height = 842.0
    rects: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []

    def jitter() -> float:
        return rng.choice([0.0, 0.0, 0.25, -0.5, 1.0, 2.5, -3.5, 4.0])

    for _ in range(rng.randint(0, 3)):
        x, y = rng.uniform(0, 400), rng.uniform(0, 600)
        xs = [x + sum(rng.choice([4.0, 20.0, 35.5, 60.0]) for _ in range(k))
              for k in range(rng.randint(1, 6))]
        ys = [y + sum(rng.choice([3.0, 12.0, 18.25, 30.0]) for _ in range(k))
              for k in range(rng.randint(1, 6))]
        if rng.random() < 0.5:  # one rect per cell, some missing
            for x0, x1 in itertools.pairwise(xs):
                for t0, t1 in itertools.pairwise(ys):
                    if rng.random() < 0.85:
                        rects.append(_rule(x0 + jitter(), t0 + jitter(), x1 + jitter(),
                                           t1 + jitter(), height))
        else:  # full-length lines, some in two pieces
            for cx in xs:
                cut = rng.uniform(ys[0], ys[-1])
                gap = rng.choice([0.0, 2.0, 5.0])
                for t0, t1 in ((ys[0], cut), (cut + gap, ys[-1])):
                    if t1 > t0:
                        lines.append(_rule(cx + jitter(), t0, cx + jitter() * 0, t1, height))
            for cy in ys:
                lines.append(_rule(xs[0] + jitter(), cy, xs[-1], cy, height))
    for _ in range(rng.randint(0, 6)):
        x, y = rng.uniform(0, 500), rng.uniform(0, 700)
        kind = rng.random()
        if kind < 0.3:
            rects.append(_rule(x, y, x + rng.choice([1.0, 1.5, 40.0]), y + 1.0, height))
        elif kind < 0.6:
            lines.append(_rule(x, y, x + rng.uniform(0.5, 80), y, height))
        else:
            pts = [(x, y), (x + 30, y), (x + 30, y + 20), (x, y + 20), (x, y)]
            curves.append({"pts": pts, "top": y, "doctop": y})
    return PageObjects(595.0, height, [], rects, lines, curves)


def test_grids_match_pdfplumber_on_random_layouts() -> None:
    """The fast finder against pdfplumber's on many invented layouts, none of them empty."""
    rng = random.Random(7)
    found = 0
    for number in range(600):
        page = _random_page(rng)
        ours = [grid.cells for grid in find_grids(page)]
        if len(page.rects) + len(page.lines) + len(page.curves) >= 4:  # ours skips the rest
            theirs: list[Any] = [table.cells for table in TableFinder(_PlumberPage(page)).tables]
            assert ours == theirs, f"layout {number}"
        found += len(ours)
    assert found > 200


def test_cells_grouped_as_pdfplumber_groups_them() -> None:
    """Grouping by connected components keeps pdfplumber's groups and their cell order, on
    many invented cell lists in shuffled order (cells on a coarse lattice share corners; no
    cell twice, as the finder makes at most one cell per corner)."""
    rng = random.Random(11)
    grouped = 0
    for number in range(400):
        cells: list[tuple[float, float, float, float]] = []
        for _ in range(rng.randint(0, 40)):
            x, y = rng.randint(0, 8) * 10.0, rng.randint(0, 8) * 10.0
            cells.append((x, y, x + rng.randint(1, 3) * 10.0, y + rng.randint(1, 2) * 10.0))
        cells = list(dict.fromkeys(cells))
        rng.shuffle(cells)
        ours = [grid.cells for grid in cells_to_grids(cells)]
        assert ours == cells_to_tables(list(cells)), f"cell list {number}"
        grouped += sum(len(cells) > 2 for cells in ours)
    assert grouped > 100
