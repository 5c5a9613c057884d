"""Scanned PDFs read by Tesseract: words a person reads on the page, marked as OCR text.

Tesseract (Debian's tesseract-ocr with tesseract-ocr-jpn) must be installed; the tests that
run it skip with the reason when it is not. The words asserted were read off the rendered
pages by eye.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extract.blocks import ReadResult
from extract.readers.ocr import MAX_LINE_HEIGHT, tesseract_missing, tsv_to_chars
from extract.readers.pdf import pdf_to_blocks
from extract.readers.pdf_pages import PdfOptions
from tests.pdf_helpers import corpus_pdf, flat, read

SNOW = "nepp-chan_otoineppu/R4rakuhyousetsujikoboushi.pdf"  # one scanned page
FLOW = "nepp-chan_otoineppu/R03hinannpoint.pdf"  # four image-only pages, encrypted

needs_tesseract = pytest.mark.skipif(tesseract_missing() is not None,
                                     reason=f"OCR cannot run: {tesseract_missing()}")


@cache
def scanned(name: str) -> ReadResult:
    """A scan read with OCR on (the default), once per session."""
    return pdf_to_blocks(corpus_pdf(name))


@needs_tesseract
@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize(("name", "words"), [
    (SNOW, ["屋根からの", "事故防止", "丈夫な雪止めの設置", "北海道開発局", "旭川開発建設部"]),
    (FLOW, ["ハザードマップ", "避難行動判定フロー", "警戒レベル", "自宅の災害リスク"]),
])
def test_scan_text_is_read(name: str, words: list[str]) -> None:
    result = scanned(name)
    assert not result.failed and result.blocks
    text = flat(result)
    missing = [w for w in words if w not in text]
    assert not missing, f"not read: {missing}"


@needs_tesseract
@pytest.mark.corpus
@pytest.mark.slow
def test_ocr_blocks_and_issue() -> None:
    result = scanned(FLOW)
    assert all(b.ocr_confidence is not None and 0 < b.ocr_confidence <= 1
               for b in result.blocks)
    assert {b.page for b in result.blocks} == {1, 2, 3, 4}
    used = [p for p in result.problems if p.code == "ocr_used"]
    assert len(used) == 1 and used[0].severity == "info" and used[0].where == "pages 1, 2, 3, 4"
    assert "no_text_layer" not in {p.code for p in result.problems}
    # Font sizes come from the OCR line heights: the title line is the largest type.
    sizes = [b.font_size for b in result.blocks if b.font_size]
    assert sizes and max(sizes) > 1.5 * sorted(sizes)[len(sizes) // 2]


@needs_tesseract
@pytest.mark.corpus
@pytest.mark.slow
def test_page_cap_leaves_the_rest_reported() -> None:
    result = pdf_to_blocks(corpus_pdf(FLOW), PdfOptions(ocr_max_pages=1))
    assert {b.page for b in result.blocks} == {1}
    unread = [p for p in result.problems if p.code == "no_text_layer"]
    assert [p.where for p in unread] == ["page 2", "page 3", "page 4"]
    assert all("--ocr-max-pages" in p.message for p in unread)


@pytest.mark.corpus
def test_ocr_never_runs_on_a_text_layer() -> None:
    """A born-digital PDF read with OCR on: no page goes to Tesseract."""
    result = pdf_to_blocks(corpus_pdf("nepp-chan_otoineppu/koudoukeikaku.pdf"))
    assert result.blocks and all(b.ocr_confidence is None for b in result.blocks)
    assert "ocr_used" not in {p.code for p in result.problems}
    assert [b.text for b in result.blocks] == [b.text for b in read(
        "nepp-chan_otoineppu/koudoukeikaku.pdf").blocks]


@pytest.mark.corpus
def test_without_tesseract_the_issue_says_how(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    """With no tesseract on PATH the scan stays unread and the message tells how to fix it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    tesseract_missing.cache_clear()
    try:
        result = pdf_to_blocks(corpus_pdf(SNOW))
    finally:
        tesseract_missing.cache_clear()
    problem = next(p for p in result.problems if p.code == "no_text_layer")
    assert result.failed and problem.severity == "error"
    assert "apt-get install tesseract-ocr tesseract-ocr-jpn" in problem.message
    assert "extract[ocr]" in problem.message


# Hand-made Tesseract TSV (not from a real page): one line whose band is set by its words,
# one word of low confidence, and one line swallowed by a picture's edge.
_TSV = "\n".join([
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf"
    "\ttext",
    "4\t1\t1\t1\t1\t0\t100\t100\t400\t40\t-1\t",
    "5\t1\t1\t1\t1\t1\t100\t100\t200\t40\t95.5\t計画の",
    "5\t1\t1\t1\t1\t2\t300\t120\t20\t20\t91.0\tゃ",
    "5\t1\t1\t1\t1\t3\t330\t100\t40\t40\t5.0\t〃",
    "4\t1\t2\t1\t1\t0\t100\t200\t400\t300\t-1\t",
    "5\t1\t2\t1\t1\t1\t100\t200\t100\t40\t90.0\t目標",
    "5\t1\t2\t1\t1\t2\t300\t420\t100\t40\t80.0\t期間",
])


def test_tsv_words_become_glyphs_on_their_line() -> None:
    chars = tsv_to_chars(_TSV, 0.5, 0.5)
    assert [c["text"] for c in chars] == ["計画の", "ゃ", "目標", "期間"]
    small = chars[1]
    assert (small["top"], small["bottom"]) == (50.0, 70.0)  # the line's band, not its own
    assert small["size"] == 15.0  # the median word height of the line (30 px), in points
    assert small["conf"] == pytest.approx(0.91)
    # The second "line" spans 260 px for 40 px words: each word keeps its own band.
    assert MAX_LINE_HEIGHT * 40 < 260
    assert (chars[2]["top"], chars[3]["top"]) == (100.0, 210.0)
