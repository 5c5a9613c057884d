"""The PDFium reader's fast calls read exactly what pypdfium2's own checked bindings read.

`pdf_pdfium` calls PDFium once per character and path segment through bindings declared
without argument types, and reads a page's code points in one call. Here every page of a few
corpus PDFs is read a second time the straightforward way (each of those calls made through
pypdfium2's typed bindings, each code point by FPDFText_GetUnicode) and the two readings must
give the same characters, paths and counts.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as raw
import pytest

from extract.readers import pdf_pdfium
from extract.readers.pdf_pages import PageObjects
from tests.pdf_helpers import corpus_pdf

# A ruled budget table, a form with drawn frames, and slides with rotated text and curves.
PDFS = [
    "nankoku_gikai/令和４年度事業計画予算書.pdf",
    "nepp-chan_otoineppu/kansui_keieis.pdf",
    "pdfminer_samples/nlp2004slides.pdf",
]


def _typed(pointer: Any, kind: Any) -> Any:
    return ctypes.cast(pointer, kind)


def _plain_api() -> pdf_pdfium._Api:
    """The reader's calls, the per-character and per-segment ones made through pypdfium2's
    typed bindings instead of the untyped fast ones."""
    api = pdf_pdfium._Api()
    floats, doubles = ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_double)

    def char_object(textpage: Any, index: int) -> int | None:
        obj = raw.FPDFText_GetTextObject(_typed(textpage, raw.FPDF_TEXTPAGE), index)
        value: int | None = ctypes.cast(obj, ctypes.c_void_p).value
        return value

    def char_loose_box(textpage: Any, index: int, rect: Any) -> int:
        return int(raw.FPDFText_GetLooseCharBox(_typed(textpage, raw.FPDF_TEXTPAGE), index,
                                                _typed(rect, ctypes.POINTER(raw.FS_RECTF))))

    def char_pen(textpage: Any, index: int, x: Any, y: Any) -> int:
        return int(raw.FPDFText_GetCharOrigin(_typed(textpage, raw.FPDF_TEXTPAGE), index,
                                              _typed(x, doubles), _typed(y, doubles)))

    def segment_at(obj: Any, index: int) -> Any:
        return raw.FPDFPath_GetPathSegment(_typed(obj, raw.FPDF_PAGEOBJECT), index)

    def point_of(segment: Any, x: Any, y: Any) -> int:
        return int(raw.FPDFPathSegment_GetPoint(segment, _typed(x, floats), _typed(y, floats)))

    def page_object(page: Any, index: int) -> Any:
        obj = raw.FPDFPage_GetObject(_typed(page, raw.FPDF_PAGE), index)
        return pdf_pdfium._Handle(ctypes.cast(obj, ctypes.c_void_p).value)

    def object_type(obj: Any) -> int:
        return int(raw.FPDFPageObj_GetType(_typed(obj, raw.FPDF_PAGEOBJECT)))

    def char_matrix(textpage: Any, index: int, matrix: Any) -> int:
        return int(raw.FPDFText_GetMatrix(_typed(textpage, raw.FPDF_TEXTPAGE), index,
                                          _typed(matrix, ctypes.POINTER(raw.FS_MATRIX))))

    def font_size(textpage: Any, index: int) -> float:
        return float(raw.FPDFText_GetFontSize(_typed(textpage, raw.FPDF_TEXTPAGE), index))

    api.char_matrix = char_matrix
    api.font_size = font_size
    api.page_object = page_object
    api.object_type = object_type
    api.char_object = char_object
    api.char_loose_box = char_loose_box
    api.char_pen = char_pen
    api.segment_at = segment_at
    api.point_of = point_of
    api.kind_of = raw.FPDFPathSegment_GetType
    api.closes = raw.FPDFPathSegment_GetClose
    return api


def _codes_one_by_one(_raw: Any, textpage: Any, count: int) -> list[int]:
    return [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]


def _plain_read(doc: Any, index: int, api: pdf_pdfium._Api) -> PageObjects:
    page = doc[index]
    textpage = raw.FPDFText_LoadPage(page.raw)
    try:
        return pdf_pdfium._page_objects(api, page, textpage)
    finally:
        raw.FPDFText_ClosePage(textpage)
        page.close()


def _comparable(page: PageObjects) -> PageObjects:
    """The page with each character's text object (an address, new at every page load)
    replaced by its place among the page's text objects."""
    numbers: dict[Any, int] = {}
    for char in page.chars:
        char["object"] = numbers.setdefault(char["object"], len(numbers))
    return page


@pytest.mark.slow
@pytest.mark.parametrize("name", PDFS)
def test_fast_calls_read_what_typed_calls_read(name: str, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    doc = pdf_pdfium.open_pdfium(corpus_pdf(name).read_bytes(), [])
    plain = _plain_api()
    try:
        fast = [_comparable(pdf_pdfium.read_page(doc, i)) for i in range(len(doc))]
        with monkeypatch.context() as patch:
            patch.setattr(pdf_pdfium, "_codes", _codes_one_by_one)
            slow = [_comparable(_plain_read(doc, i, plain)) for i in range(len(doc))]
    finally:
        doc.close()
    assert sum(len(p.chars) for p in fast) > 1000
    assert sum(len(p.rects) + len(p.lines) + len(p.curves) for p in fast) > 50
    for number, (ours, theirs) in enumerate(zip(fast, slow, strict=True), 1):
        assert ours == theirs, f"{name} page {number}"
