"""Every PDF of the real corpus: read without a crash, with the status and codes it deserves."""

from __future__ import annotations

import pytest

from extract.blocks import BlockKind, ReadResult
from tests.pdf_helpers import BUDGET, corpus_names, corpus_pdf, read

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
    "aurochs_govpdf/mlit-hakusho-r07-np101100.pdf": {"broken_text_layer"},
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
    doc = parse_or_fail(path.read_bytes(), uri=path.as_posix())  # type: ignore[operator]
    codes = {i.code for i in doc.issues}
    assert "internal_error" not in codes
    if name in FAILS:
        assert doc.status.value == "failed" and FAILS[name] in codes
    else:
        assert doc.status.value in ("ok", "partial")
