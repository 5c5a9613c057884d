"""`extract parse` with the PDF options: the engine chosen on the command line is the one used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.pdf_helpers import corpus_pdf

# PDFium reads the glyphs pdfminer shows as (cid:N): the engines' issues tell them apart.
CID = "aurochs_govpdf/mlit-hakusho-r07-np101100.pdf"


def _parse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extract", "parse", *args],
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.corpus
@pytest.mark.slow
def test_engine_option_picks_the_engine() -> None:
    path = str(corpus_pdf(CID))
    default = json.loads(_parse(path, "--no-ocr").stdout)
    plumber = json.loads(_parse(path, "--no-ocr", "--pdf-engine", "pdfplumber").stdout)
    assert default["status"] == "ok" and plumber["status"] == "partial"
    assert "broken_text_layer" in {i["code"] for i in plumber["issues"]}
    assert "broken_text_layer" not in {i["code"] for i in default["issues"]}


def test_unknown_engine_is_a_clear_error() -> None:
    done = _parse(str(ROOT / "README.md"), "--pdf-engine", "pdfminer")
    assert done.returncode == 1
    assert "unknown PDF engine 'pdfminer'; one of pdfium, pdfplumber" in done.stderr


def test_help_states_the_ocr_page_cap() -> None:
    """The CLI does not import the reader at start-up; its help must still say its default."""
    from extract.readers.pdf_pages import OCR_MAX_PAGES

    done = _parse("--help")
    assert f"default {OCR_MAX_PAGES})" in " ".join(done.stdout.split())
