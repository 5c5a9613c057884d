"""PDF reader: bytes of a PDF to blocks in reading order, with page and position.

Stages (each in its own module):
1. open      bytes → a PDFium (default) or pdfplumber document; bad input (empty, not a
             PDF, password, corrupt) becomes a failed result with a specific issue code,
             never an exception                               (pdf_pdfium, pdf_pages)
   objects   per page, characters and drawn objects in one record for both engines
2. glyphs    per page, characters → clean glyphs in their writing frame   (pdf_glyphs)
3. quality   per page, the share of undecodable characters; a page with no text at all
             is rendered and read by Tesseract when it can run            (ocr)
4. tables    ruling lines → grids of cells (pdf_grids) → rows of cell texts (pdf_tables)
5. layout    glyphs → segments → lines and tables in reading order        (pdf_layout)
             — every page is closed as soon as it is read, so memory stays flat
6. furniture running headers, footers, page numbers, contents pages out   (pdf_furniture)
7. blocks    lines → paragraphs, list items, headings with levels; rows   (pdf_blocks)
"""

from __future__ import annotations

import gc
import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.blocks import Problem, ReadResult
from extract.readers.ocr import OcrError, ocr_page, tesseract_missing
from extract.readers.pdf_blocks import (
    COVER_MAX_CHARS,
    COVER_MAX_LINES,
    TITLE_SIZE_RATIO,
    TITLE_ZONE_SHARE,
    PageContent,
    classify,
    doc_style,
    drafts_to_blocks,
    pages_to_drafts,
)
from extract.readers.pdf_furniture import PageLines, find_furniture, heading_key
from extract.readers.pdf_glyphs import Frame, Glyph, from_frame, page_glyphs, to_frame
from extract.readers.pdf_grids import find_grids
from extract.readers.pdf_layout import (
    BoxIndex,
    Line,
    Placed,
    glyphs_to_segments,
    order_segments,
)
from extract.readers.pdf_pages import (
    MEDIA_TYPE,
    Engine,
    PageObjects,
    PdfOptions,
    check_header,
    failed,
    open_pdfplumber,
    parser_messages,
    plumber_objects,
)
from extract.readers.pdf_pdfium import metadata_title, open_pdfium, read_page
from extract.readers.pdf_tables import TableGrid, grid_to_table

# PDFium's memory grows with every page read until the document is closed: it is reopened
# after this many pages (148 pages: 113 MB → 51 MB; reopening costs a few milliseconds).
PDFIUM_REOPEN_PAGES = 16
# A page whose share of undecodable characters reaches this has no usable text.
BROKEN_PAGE_SHARE = 0.5
# Below that, a page with at least this share of undecodable characters is reported.
DEGRADED_PAGE_SHARE = 0.05
# A drawn box must be at least this many times the page's text size to hold text.
BOX_MIN_EM = 1.2
# Title lines of two pages sharing this share of their start are one deck's slide titles.
SLIDE_TITLE_PREFIX_SHARE = 0.6
# A box covering this share of the page in both directions is the page frame, not a box.
BOX_MAX_PAGE_SHARE = 0.92

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class _PageRead:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    sequence: list[int | TableGrid] = field(default_factory=list)
    visible: int = 0
    bad: int = 0
    images: int = 0
    drawings: int = 0
    broken: bool = False
    ocr: bool = False  # read by text recognition: the page has no text layer


def _boxes(page: PageObjects, em: float) -> list[Box]:
    """Drawn rectangles and closed curves big enough to hold text, in page coordinates."""
    width, height = page.width, page.height
    out: list[Box] = []
    shapes = list(page.rects) + [c for c in page.curves if _closed(c)]
    for obj in shapes:
        x0, top, x1, bottom = (float(obj[k]) for k in ("x0", "top", "x1", "bottom"))
        w, h = x1 - x0, bottom - top
        if w < BOX_MIN_EM * em or h < BOX_MIN_EM * em:
            continue
        if w >= BOX_MAX_PAGE_SHARE * width and h >= BOX_MAX_PAGE_SHARE * height:
            continue
        out.append((x0, top, x1, bottom))
    return out


def _closed(curve: dict[str, Any]) -> bool:
    pts = curve.get("pts") or []
    if len(pts) < 4:
        return False
    (ax, ay), (bx, by) = pts[0], pts[-1]
    return bool(abs(ax - bx) < 1.0 and abs(ay - by) < 1.0)


class _Centres:
    """The centres of a page's glyphs, per frame sorted by x, to find those inside a box.

    A table's glyphs are those whose centre lies in its box; two binary searches bound the
    box's x range, so only glyphs in that vertical strip are tested.
    """

    def __init__(self, glyphs: list[Glyph]) -> None:
        self.glyphs = glyphs
        xs = [(g.x0 + g.x1) / 2 for g in glyphs]
        self.frames: list[tuple[Frame, list[float], list[int]]] = []
        for frame in {g.frame for g in glyphs}:
            ks = sorted((k for k, g in enumerate(glyphs) if g.frame is frame), key=xs.__getitem__)
            self.frames.append((frame, [xs[k] for k in ks], ks))

    def inside(self, box: Box, width: float, height: float, taken: set[int]) -> list[int]:
        """Indexes (ascending) of the glyphs not yet taken whose centre lies in the page box
        `box`, taken in each glyph's own frame."""
        glyphs = self.glyphs
        hits: list[int] = []
        for frame, xs, ks in self.frames:
            x0, top, x1, bottom = to_frame(box, frame, width, height)
            for j in range(bisect_left(xs, x0), bisect_right(xs, x1)):
                k = ks[j]
                g = glyphs[k]
                if top <= (g.top + g.bottom) / 2 <= bottom and k not in taken:
                    hits.append(k)
        hits.sort()
        return hits


def _read_page(page: PageObjects, number: int) -> _PageRead:
    """One page's lines and tables in reading order."""
    width, height = page.width, page.height
    read = _PageRead(number, width, height, images=page.images, drawings=page.drawings)
    found = page_glyphs(page.chars, width, height)
    read.visible, read.bad = found.visible, found.bad
    if found.visible and found.bad >= BROKEN_PAGE_SHARE * found.visible:
        read.broken = True
        return read
    glyphs = found.glyphs
    if not glyphs:
        return read
    sizes = sorted(g.size for g in glyphs)
    em = sizes[len(sizes) // 2]
    tables: list[TableGrid] = []
    grids = find_grids(page)
    if grids:
        centres = _Centres(glyphs)
        taken: set[int] = set()
        for grid in grids:
            x0, top, x1, bottom = (float(v) for v in grid.bbox)
            hits = centres.inside((x0, top, x1, bottom), width, height, taken)
            table = grid_to_table(grid, [glyphs[k] for k in hits], number, width, height)
            if table is not None:
                tables.append(table)
                taken.update(hits)
        if taken:
            glyphs = [g for k, g in enumerate(glyphs) if k not in taken]
    boxes = _boxes(page, em)
    placed: list[tuple[float, list[Placed]]] = []
    for frame in Frame:
        mine = [g for g in glyphs if g.frame is frame]
        frame_tables = [(k, t.frame_bbox) for k, t in enumerate(tables) if t.frame is frame]
        if not mine and not frame_tables:
            continue
        index = BoxIndex(to_frame(b, frame, width, height) for b in boxes)
        segments = glyphs_to_segments(mine, index) if mine else []
        order = order_segments(segments, index, frame_tables, frame, em)
        first = next((p for p in order if p.line is not None), None)
        top = from_frame((first.line.x0, first.line.top, first.line.x1, first.line.bottom),
                         frame, width, height)[1] if first and first.line else 0.0
        placed.append((top, order))
    placed.sort(key=lambda pair: pair[0])
    for _, order in placed:
        for p in order:
            if p.line is not None:
                read.sequence.append(len(read.lines))
                read.lines.append(p.line)
            elif p.table is not None:
                read.sequence.append(tables[p.table])
    return read


def _page_boxes(read: _PageRead) -> list[Box]:
    return [from_frame((ln.x0, ln.top, ln.x1, ln.bottom), ln.frame, read.width, read.height)
            for ln in read.lines]


class _Document:
    """An open PDF on either engine: its page count, each page's objects, its title."""

    def __init__(self, data: bytes, engine: Engine, problems: list[Problem]) -> None:
        self.engine = engine
        self.data = data
        self.handle: Any = None
        self.count = 0
        self._pdfium: Any = None
        self.handle = (open_pdfium if engine == "pdfium" else open_pdfplumber)(data, problems)

    def opened(self) -> ReadResult | None:
        """A failed result when the document could not be opened (or its pages counted)."""
        if isinstance(self.handle, ReadResult):
            return self.handle
        try:
            self.count = len(self.handle) if self.engine == "pdfium" else len(self.handle.pages)
        except Exception as error:
            return failed("corrupt_pdf", f"the page tree cannot be read: {type(error).__name__}")
        return None

    def objects(self, index: int) -> PageObjects:
        if self.engine == "pdfium":
            if index and index % PDFIUM_REOPEN_PAGES == 0:
                # PDFium keeps what it parsed of every page until the document closes.
                self.handle.close()
                self.handle = open_pdfium(self.data, [])
            return read_page(self.handle, index)
        page = self.handle.pages[index]
        try:
            return plumber_objects(page)
        finally:
            page.close()

    def rendering(self) -> Any:
        """The document opened in PDFium, which renders pages for OCR."""
        if self.engine == "pdfium":
            return self.handle
        if self._pdfium is None:
            import pypdfium2

            self._pdfium = pypdfium2.PdfDocument(self.data)
        return self._pdfium

    def title(self) -> str | None:
        if self.engine == "pdfium":
            return _metadata_title(metadata_title(self.handle))
        return _metadata_title(self.handle.metadata.get("Title"))

    def close(self) -> None:
        if self._pdfium is not None:
            self._pdfium.close()
        if not isinstance(self.handle, ReadResult) and self.handle is not None:
            self.handle.close()


def pdf_to_blocks(source: Path | bytes, options: PdfOptions | None = None) -> ReadResult:
    """Blocks of a PDF in reading order; bad input gives `failed=True` and a problem code."""
    options = options or PdfOptions()
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as error:
            return failed("unreadable", f"cannot read {source.name}: {error.strerror}")
    else:
        data = source
    bad = check_header(data)
    if bad is not None:
        return bad
    with _collector_paused():
        return _read(data, options)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a PDF is read, on again after (if it was).

    Reading allocates a few container objects per character (a page of 2,000 characters,
    thousands of dicts and tuples), and each 700 allocations start a collection that walks the
    young objects, every tenth one the older ones too: 8% of the reading time on the corpus,
    for almost no cyclic garbage (peak memory on the 148-page budget PDF is the same).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _read(data: bytes, options: PdfOptions) -> ReadResult:
    problems: list[Problem] = []
    quiet = parser_messages(problems) if options.engine == "pdfplumber" else nullcontext()
    with quiet:
        doc = _Document(data, options.engine, problems)
        try:
            unopened = doc.opened()
            if unopened is not None:
                return unopened
            ocr = _Ocr(options)
            reads = [_read_one(doc, index, ocr, problems) for index in range(doc.count)]
            title = doc.title()
        finally:
            doc.close()
    ocr.report(problems)
    return _assemble(reads, problems, title, ocr.hint())


def _read_one(doc: _Document, index: int, ocr: _Ocr, problems: list[Problem]) -> _PageRead:
    """Page `index`, read from its text layer, or by OCR when it has none."""
    number = index + 1
    try:
        read = _read_page(doc.objects(index), number)
    except Exception as error:  # one damaged page must not lose the others
        problems.append(Problem("corrupt_pdf", f"page {number} cannot be read: "
                                f"{type(error).__name__}", "error", f"page {number}"))
        return _PageRead(number, 0.0, 0.0)
    if read.visible == 0 and ocr.wanted(number):
        try:
            scanned = ocr.read(doc.rendering(), index, read.width, read.height)
        except OcrError as error:
            ocr.failed(number, str(error))
            return read
        if scanned.chars:
            read = _read_page(scanned, number)
            read.ocr = True
    return read


class _Ocr:
    """Which pages go through OCR, and what to tell the reader about it afterwards."""

    def __init__(self, options: PdfOptions) -> None:
        self.options = options
        self.missing = tesseract_missing() if options.ocr else None
        self.done: list[int] = []
        self.confidences: list[float] = []
        self.seconds = 0.0
        self.capped: list[int] = []
        self.errors: list[str] = []

    def wanted(self, number: int) -> bool:
        if not self.options.ocr or self.missing is not None:
            return False
        cap = self.options.ocr_max_pages
        if cap is not None and len(self.done) >= cap:
            self.capped.append(number)
            return False
        self.done.append(number)
        return True

    def read(self, doc: Any, index: int, width: float, height: float) -> PageObjects:
        started = time.perf_counter()
        page = ocr_page(doc, index, width, height)
        self.seconds += time.perf_counter() - started
        self.confidences.extend(c["conf"] for c in page.chars)
        return page

    def failed(self, number: int, message: str) -> None:
        self.errors.append(f"page {number}: {message}")

    def hint(self) -> str:
        """Why pages without text stayed unread, and how to read them."""
        if not self.options.ocr:
            return "text recognition (OCR) is off (--no-ocr)"
        if self.missing is not None:
            return f"text recognition (OCR) is not available: {self.missing}"
        if self.capped:
            return (f"text recognition (OCR) stopped after {self.options.ocr_max_pages} "
                    "page(s) (--ocr-max-pages)")
        return "text recognition (OCR) found no text on it"

    def report(self, problems: list[Problem]) -> None:
        if self.done and self.confidences:
            mean = sum(self.confidences) / len(self.confidences)
            pages = ", ".join(map(str, self.done))
            problems.append(Problem(
                "ocr_used", f"page(s) {pages} have no text layer and were read by text "
                f"recognition (Tesseract; mean word confidence {mean:.0%}, "
                f"{self.seconds:.1f} s)", "info", f"pages {pages}"))
        for error in self.errors:
            problems.append(Problem("ocr_failed", f"text recognition failed on {error}",
                                    "warning"))


def _metadata_title(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = str(value).strip()
    # Word and Excel put the file name or a placeholder there more often than a title.
    if not value or re.search(r"\.(docx?|xlsx?|pptx?|pdf|jtd)$|^Microsoft|^無題|^untitled", value,
                              re.IGNORECASE):
        return None
    return str(value)


def _quality(reads: list[_PageRead], problems: list[Problem], hint: str) -> bool:
    """Report pages without usable text; True when no page has any."""
    total = len(reads)
    if all(r.visible == 0 for r in reads):
        problems.append(Problem(
            "no_text_layer", f"none of the {total} page(s) has a text layer (scanned or "
            f"image-only); {hint}", "error"))
        return True
    for r in reads:
        share = r.bad / r.visible if r.visible else 0.0
        if r.broken:
            problems.append(Problem(
                "broken_text_layer", f"{share:.0%} of the {r.visible} characters on page "
                f"{r.number} cannot be decoded (U+FFFD or (cid:N)); the page text is left out",
                "error", f"page {r.number}"))
        elif share >= DEGRADED_PAGE_SHARE:
            problems.append(Problem(
                "broken_text_layer", f"{share:.0%} of the {r.visible} characters on page "
                f"{r.number} cannot be decoded (U+FFFD or (cid:N)); they are left out",
                "error", f"page {r.number}"))
        elif r.visible == 0 and (r.images or r.drawings):
            what = "an image" if r.images else "a drawing"
            problems.append(Problem(
                "no_text_layer", f"page {r.number} is {what} without a text layer; {hint}",
                "warning", f"page {r.number}"))
    return all(r.broken or r.visible == 0 for r in reads)


def _cover_and_title(pages: list[PageContent], body: float) -> tuple[int | None, str | None]:
    """The cover page number (1 or None) and the title printed on page 1."""
    if not pages or pages[0].lines.number != 1 or not pages[0].lines.lines:
        return None, None
    first = pages[0].lines
    lines = first.lines
    cover = len(lines) <= COVER_MAX_LINES and all(len(ln.text) <= COVER_MAX_CHARS for ln in lines)
    zone = [k for k, box in enumerate(first.boxes) if box[3] <= TITLE_ZONE_SHARE * first.height
            or cover]
    if not zone:
        return (1 if cover else None), None
    biggest = max(lines[k].size for k in zone)
    if biggest < TITLE_SIZE_RATIO * body:
        return (1 if cover else None), None
    picked = [k for k in zone if lines[k].size >= max(TITLE_SIZE_RATIO * body, 0.75 * biggest)]
    title = " ".join(lines[k].text for k in picked[:3])
    if not cover:
        key = heading_key(lines[picked[0]].text)
        if any(_same_title(key, heading_key(ln.text)) for p in pages[1:]
               for ln, box in zip(p.lines.lines, p.lines.boxes, strict=True)
               if box[3] <= TITLE_ZONE_SHARE * p.lines.height):
            return None, None  # the title of every slide, a heading on each page
    return (1 if cover else None), title


def _same_title(a: str, b: str) -> bool:
    """True when two title lines share most of their start: 方針～国の動向～, 方針～本市の取組～."""
    common = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                  min(len(a), len(b)))
    return common >= SLIDE_TITLE_PREFIX_SHARE * min(len(a), len(b)) and common >= 2


def _assemble(reads: list[_PageRead], problems: list[Problem], meta_title: str | None,
              hint: str) -> ReadResult:
    pages = len(reads)
    if _quality(reads, problems, hint):
        return ReadResult([], MEDIA_TYPE, pages=pages, problems=problems, failed=True)
    contents = [PageContent(PageLines(r.number, r.width, r.height, r.lines, _page_boxes(r)),
                            r.sequence) for r in reads if not r.broken]
    body_guess = _body_size(contents)
    furniture = find_furniture([c.lines for c in contents], body_guess)
    style = doc_style(contents, furniture)
    cover, title = _cover_and_title(contents, style.body_size)
    drafts = pages_to_drafts(contents, furniture, style)
    if title and cover is None:
        for draft in drafts:
            if draft.page == 1 and draft.table is None and title.startswith(draft.text):
                draft.title = True
                break
    drafts = classify(drafts, style, cover)
    blocks = drafts_to_blocks(drafts)
    metadata: dict[str, str | list[str]] = {}
    if furniture.running:
        metadata["running_headers"] = furniture.running
    if furniture.toc:
        metadata["toc"] = furniture.toc
    if meta_title:
        metadata["pdf_title"] = meta_title
    return ReadResult(blocks, MEDIA_TYPE, title=title or meta_title, pages=pages,
                      metadata=metadata, problems=problems, failed=not blocks)


def _body_size(contents: list[PageContent]) -> float:
    counts: dict[float, int] = {}
    for c in contents:
        for ln in c.lines.lines:
            key = round(ln.size * 2) / 2
            counts[key] = counts.get(key, 0) + len(ln.text)
    return max(counts, key=lambda k: counts[k]) if counts else 10.0
