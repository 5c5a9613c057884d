"""Bad and hard inputs of the PDF reader: each gets its own status and issue code, none raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.readers.pdf import pdf_to_blocks
from extract.readers.pdf_pages import ENGINES, Engine, PdfOptions
from tests.pdf_helpers import corpus_pdf, minimal_pdf, read


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each test below runs on both engines: bad input is told apart the same way."""
    value: Engine = request.param
    return value


def codes(result: object) -> set[str]:
    return {p.code for p in getattr(result, "problems", [])}


def test_empty_bytes_are_empty_input(engine: Engine) -> None:
    """Hand-made input: a 0-byte file."""
    result = pdf_to_blocks(b"", PdfOptions(engine))
    assert result.failed and codes(result) == {"empty_input"}
    assert result.blocks == []


def test_empty_file_on_disk(tmp_path: Path, engine: Engine) -> None:
    """Hand-made input: a 0-byte file named .pdf, read through its path."""
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert codes(pdf_to_blocks(path, PdfOptions(engine))) == {"empty_input"}


def test_html_named_pdf_is_not_a_pdf(tmp_path: Path, engine: Engine) -> None:
    """Hand-made input: an HTML error page saved under a .pdf name."""
    path = tmp_path / "plan.pdf"
    path.write_bytes("<html><body>404 ページが見つかりません</body></html>".encode())
    result = pdf_to_blocks(path, PdfOptions(engine))
    assert result.failed and codes(result) == {"not_a_pdf"}


def test_missing_file_is_unreadable(tmp_path: Path, engine: Engine) -> None:
    result = pdf_to_blocks(tmp_path / "nowhere.pdf", PdfOptions(engine))
    assert result.failed and codes(result) == {"unreadable"}


def test_password_protected(engine: Engine) -> None:
    """Hand-made input: a PDF encrypted with the user password "secret" (RC4, revision 2)."""
    data = minimal_pdf(user_password="secret")
    result = pdf_to_blocks(data, PdfOptions(engine))
    assert result.failed and codes(result) == {"password_protected"}


def test_hand_made_pdf_reads(engine: Engine) -> None:
    """Hand-made input: the unencrypted twin of the fixture above reads, so the failure above
    is the password's, not a broken fixture's."""
    result = pdf_to_blocks(minimal_pdf(), PdfOptions(engine))
    assert not result.failed and [b.text for b in result.blocks] == ["Hello"]


def test_header_then_garbage_is_corrupt(engine: Engine) -> None:
    """Hand-made input: a PDF header followed by junk."""
    result = pdf_to_blocks(b"%PDF-1.7\n" + b"\x00garbage" * 100, PdfOptions(engine))
    assert result.failed and codes(result) == {"corrupt_pdf"}


@pytest.mark.corpus
@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_truncated_copy_is_corrupt(tmp_path: Path, share: float, engine: Engine) -> None:
    """Hand-made input: a real PDF cut short, as an interrupted download leaves it.

    PDFium recovers the pages of a file cut near its end (the cross-reference table is what
    is lost); the document is then read but still reported corrupt, with an error.
    """
    data = corpus_pdf("nepp-chan_otoineppu/koudoukeikaku.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * share)])
    result = pdf_to_blocks(path, PdfOptions(engine))
    assert codes(result) == {"corrupt_pdf"}
    assert all(p.severity == "error" for p in result.problems)
    if share < 0.9 or engine == "pdfplumber":
        assert result.failed and not result.blocks
    else:
        assert result.blocks and "repair" in result.problems[0].message


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["aurochs_govpdf/20241224jokenhenko.pdf",
                                  "pdfminer_samples/kampo.pdf"])
def test_empty_password_encryption_opens(name: str, engine: Engine) -> None:
    result = read(name, engine)
    assert not result.failed and result.blocks
    info = [p for p in result.problems if p.code == "encrypted_empty_password"]
    assert info and info[0].severity == "info"


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["nepp-chan_otoineppu/R4rakuhyousetsujikoboushi.pdf",
                                  "nepp-chan_otoineppu/R03hinannpoint.pdf"])
def test_scans_have_no_text_layer(name: str, engine: Engine) -> None:
    """With OCR off, a scan fails, and the message says how to read it."""
    result = read(name, engine)
    assert result.failed and not result.blocks
    problem = next(p for p in result.problems if p.code == "no_text_layer")
    assert problem.severity == "error"
    assert f"{result.pages} page" in problem.message  # the message gives the page count
    assert "--no-ocr" in problem.message


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["aurochs_govpdf/20260219c000320001.pdf",
                                  "aurochs_govpdf/20260219h016500001.pdf"])
def test_replacement_character_layer_is_broken(name: str, engine: Engine) -> None:
    result = read(name, engine)
    assert result.failed and not result.blocks
    problem = next(p for p in result.problems if p.code == "broken_text_layer")
    assert problem.where == "page 1" and "%" in problem.message


@pytest.mark.corpus
def test_cid_glyphs_make_a_partial_document() -> None:
    """A white paper with 4,684 (cid:N) glyphs in pdfminer: pages reported one by one, text
    kept. (PDFium decodes those glyphs: see test_pdf_engines.)"""
    result = read("aurochs_govpdf/mlit-hakusho-r07-np101100.pdf", "pdfplumber")
    broken = [p for p in result.problems if p.code == "broken_text_layer"]
    assert not result.failed and result.blocks
    assert broken and all(p.where and p.where.startswith("page ") for p in broken)
    assert len({p.where for p in broken}) == len(broken)  # one problem per page
    assert not any("(cid:" in b.text for b in result.blocks)


def test_text_outside_its_clip_is_not_read() -> None:
    """Hand-made: one line inside a clipping rectangle and one wholly outside it. A viewer
    paints only the first; PDFium's reader keeps only the first."""
    content = (b"q 0 600 612 192 re W n "
               b"BT /F1 12 Tf 72 720 Td (Shown) Tj ET "
               b"BT /F1 12 Tf 72 300 Td (Clipped) Tj ET Q")
    result = pdf_to_blocks(minimal_pdf(content), PdfOptions("pdfium"))
    text = " ".join(b.text for b in result.blocks)
    assert "Shown" in text
    assert "Clipped" not in text
