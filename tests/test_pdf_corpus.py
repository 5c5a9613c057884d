"""Every PDF of the real corpus: read without a crash, with the status and codes it deserves,
the same on both engines (PDFium, the default, against pdfplumber)."""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter

import pytest

from extract.blocks import BlockKind, ReadResult
from extract.readers.pdf_pages import PdfOptions
from tests.pdf_helpers import BUDGET, corpus_names, corpus_pdf, flat, read

# Documents that must fail, and the error code saying why; every other one must read.
FAILS = {
    "aurochs_govpdf/20260219c000320001.pdf": "broken_text_layer",
    "aurochs_govpdf/20260219h016500001.pdf": "broken_text_layer",
    "nepp-chan_otoineppu/R03hinannpoint.pdf": "no_text_layer",
    "nepp-chan_otoineppu/R4rakuhyousetsujikoboushi.pdf": "no_text_layer",
}
# Problems a readable document may carry (others would be a regression).
EXPECTED_PROBLEMS = {
    "aurochs_govpdf/20241224jokenhenko.pdf": {"encrypted_empty_password"},
    "pdfminer_samples/kampo.pdf": {"encrypted_empty_password"},
    "aurochs_govpdf/mlit-hakusho-r07-np101100.pdf": {"broken_text_layer"},  # pdfplumber only
    "nepp-chan_otoineppu/R03hinannpoint.pdf": {"encrypted_empty_password", "no_text_layer"},
    BUDGET: {"no_text_layer"},  # its two-up cover is a picture
}
NAMES = corpus_names()
SLOW = {BUDGET, "nepp-chan_otoineppu/siryou202003.pdf",
        "nepp-chan_otoineppu/R7shinseitebiki_kensetukouzi.pdf",
        "nepp-chan_otoineppu/otoineppu_jinko.pdf", "nepp-chan_otoineppu/jishin202003.pdf"}

pytestmark = pytest.mark.corpus


def _params() -> list[object]:
    if not NAMES:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason="../shared/corpus/pdf is absent"))]
    return [pytest.param(n, id=n, marks=[pytest.mark.slow] if n in SLOW else [])
            for n in NAMES]


def _check_blocks(result: ReadResult) -> None:
    pages = result.pages or 0
    for block in result.blocks:
        assert block.page is not None and 1 <= block.page <= pages
        assert block.bbox is not None and block.bbox[0] <= block.bbox[2]
        assert block.bbox[1] <= block.bbox[3]
        assert block.text.strip()
        if block.kind is BlockKind.HEADING:
            assert block.level is not None and block.level >= 1
        if block.kind is BlockKind.TABLE_ROW:
            assert block.table is not None and block.row is not None and block.cells
        else:
            assert block.font_size is not None and block.font_size > 0


@pytest.mark.parametrize("name", _params())
def test_reader_status(name: str) -> None:
    """OCR off: the scans are what the text layer makes of them (test_pdf_ocr reads them)."""
    result = read(name)
    codes = {p.code for p in result.problems}
    assert result.media_type == "application/pdf"
    assert result.pages is not None and result.pages >= 1
    if name in FAILS:
        assert result.failed and not result.blocks
        assert FAILS[name] in codes
        assert any(p.severity == "error" for p in result.problems if p.code == FAILS[name])
        return
    assert not result.failed, result.problems
    assert result.blocks
    assert codes <= EXPECTED_PROBLEMS.get(name, set())
    _check_blocks(result)


def _pipeline() -> object:
    try:
        from extract.periods import find_periods  # noqa: F401
        from extract.pipeline import parse_or_fail
    except ImportError as error:
        pytest.skip(f"the full pipeline is not on this branch yet: {error}")
    return parse_or_fail


@pytest.mark.parametrize("name", _params())
def test_extract_parse(name: str) -> None:
    """`extract parse` (the pipeline behind it) on every PDF: a status, never a crash."""
    parse_or_fail = _pipeline()
    path = corpus_pdf(name)
    doc = parse_or_fail(path.read_bytes(), uri=path.as_posix(),  # type: ignore[operator]
                        pdf=PdfOptions(ocr=False))
    codes = {i.code for i in doc.issues}
    assert "internal_error" not in codes
    if name in FAILS:
        assert doc.status.value == "failed" and FAILS[name] in codes
    else:
        assert doc.status.value in ("ok", "partial")


# Where the engines part, and why (README, "PDF engines"). Order: the share of blocks read
# the same on both engines (difflib over the block texts), at least this much. Characters:
# the share of pdfplumber's characters (NFKC, no whitespace) PDFium reads too.
SAME_BLOCKS = 0.9
SAME_CHARACTERS = 0.99
ENGINE_DIFFERENCES = {
    # PDFium decodes the 4,684 glyphs pdfminer shows as (cid:N): no broken_text_layer, and
    # the headings pdfminer lost ("第1章", "図表Ⅰ-1-1-1") are read, so blocks differ.
    "aurochs_govpdf/mlit-hakusho-r07-np101100.pdf": ({"broken_text_layer"}, 0.4),
    # Vertical columns set in a font without metrics, punctuation (、。「」) drawn apart
    # from its column: the engines cut these pages into different lines, both badly.
    "nepp-chan_otoineppu/2024-05.pdf": (set(), 0.6),
    "pdfminer_samples/kampo.pdf": (set(), 0.45),
}


def _characters(result: ReadResult) -> Counter[str]:
    return Counter("".join(unicodedata.normalize("NFKC", "".join(
        b.text for b in result.blocks)).split()))


@pytest.mark.parametrize("name", _params())
def test_engines_agree(name: str) -> None:
    """pdfplumber and PDFium give the same status, issue codes, characters and nearly the
    same blocks."""
    ours, theirs = read(name, "pdfium"), read(name, "pdfplumber")
    only_theirs, floor = ENGINE_DIFFERENCES.get(name, (set(), SAME_BLOCKS))
    assert ours.failed == theirs.failed
    assert ours.pages == theirs.pages
    assert {p.code for p in ours.problems} == {p.code for p in theirs.problems} - only_theirs
    mine, base = _characters(ours), _characters(theirs)
    assert sum((mine & base).values()) >= SAME_CHARACTERS * sum(base.values())
    same = difflib.SequenceMatcher(None, [b.text for b in ours.blocks],
                                   [b.text for b in theirs.blocks], autojunk=False).ratio()
    assert same >= floor, f"only {same:.1%} of the blocks read the same"


def test_clipped_text_is_not_read() -> None:
    """A chart's text box in gyouseihoukokur7.pdf (p. 6) holds a form's instructions drawn
    outside the box's clip: nothing of it shows on the page, and PDFium's reader leaves it
    out, while the visible chart labels stay."""
    text = unicodedata.normalize("NFKC", flat(read("nepp-chan_otoineppu/gyouseihoukokur7.pdf")))
    assert "るようにしてください" not in text
    assert "<作業>" not in text
    assert "国家公務員(R6)" in text and "国10級(特に重要課長)" in text
