"""What the layout needs of one PDF page, whichever engine read it.

Two engines read PDFs: PDFium (pypdfium2, `pdf_pdfium`, the default) and pdfminer under
pdfplumber (this module). Both fill the same `PageObjects`: characters and ruling objects as
pdfplumber's dicts (x0, top, x1, bottom in points from the page's top-left corner, after the
page's /Rotate), so the glyph, table and layout modules never know which engine ran.

Opening a document turns bad input into a failed `ReadResult` with a specific issue code
(empty, not a PDF, password, corrupt), never an exception. What pdfminer logs while it parses
(a circular reference, a damaged font) becomes a document problem, not a line on stderr.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from extract.blocks import Problem, ReadResult

MEDIA_TYPE = "application/pdf"
# The PDF header may follow some junk; readers accept it within the first kilobyte.
HEADER_WINDOW = 1024
# Distinct pdfminer messages kept per document; the rest are counted in the last one.
MAX_PARSER_MESSAGES = 5

# Pages read by OCR per document at most (2–3 s each); the rest are reported.
OCR_MAX_PAGES = 30

Engine = Literal["pdfium", "pdfplumber"]
ENGINES: tuple[Engine, ...] = ("pdfium", "pdfplumber")


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """How PDFs are read: the engine, and text recognition (OCR) of pages without text."""

    engine: Engine = "pdfium"
    ocr: bool = True
    ocr_max_pages: int | None = OCR_MAX_PAGES  # per document; None: no cap

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown PDF engine {self.engine!r}; one of {', '.join(ENGINES)}")
        if self.ocr_max_pages is not None and self.ocr_max_pages < 0:
            raise ValueError("ocr_max_pages must be >= 0 (None for no cap)")


@dataclass(slots=True)
class PageObjects:
    """One page's characters and drawn objects in pdfplumber's terms."""

    width: float
    height: float
    chars: list[dict[str, Any]]
    rects: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    curves: list[dict[str, Any]] = field(default_factory=list)
    images: int = 0
    drawings: int = 0  # path objects, counted even where they are not read


def failed(code: str, message: str, pages: int | None = None) -> ReadResult:
    """A failed read with one error problem."""
    return ReadResult([], MEDIA_TYPE, pages=pages, problems=[Problem(code, message, "error")],
                      failed=True)


def check_header(data: bytes) -> ReadResult | None:
    """A failed result for bytes that cannot be a PDF, else None."""
    if not data:
        return failed("empty_input", "the file is empty (0 bytes)")
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        return failed("not_a_pdf", "the file does not start with a PDF header (%PDF-)")
    return None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages[record.getMessage()[:200]] += 1


@contextmanager
def parser_messages(problems: list[Problem]) -> Iterator[None]:
    """Within the block, pdfminer's warnings become `pdf_syntax` problems, not stderr lines."""
    logger = logging.getLogger("pdfminer")
    handler = _Collect()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        for k, (message, count) in enumerate(handler.messages.most_common()):
            if k == MAX_PARSER_MESSAGES:
                rest = sum(handler.messages.values()) - sum(
                    c for _, c in handler.messages.most_common(MAX_PARSER_MESSAGES))
                problems.append(Problem("pdf_syntax", f"{rest} more parser warning(s)",
                                        "warning"))
                break
            times = f" ({count} times)" if count > 1 else ""
            problems.append(Problem("pdf_syntax", f"the PDF parser reported: {message}{times}",
                                    "warning"))


def open_pdfplumber(data: bytes, problems: list[Problem]) -> Any:
    """The opened pdfplumber document (info problems added), or a failed result."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, PDFPasswordIncorrect):
            return failed("password_protected", "the PDF is encrypted and needs a password to "
                                                "open")
        return failed("corrupt_pdf", f"the PDF cannot be parsed: {type(cause).__name__}: "
                                     f"{cause}")
    except Exception as error:  # pdfminer raises many kinds on damaged files
        return failed("corrupt_pdf", f"the PDF cannot be parsed: {type(error).__name__}")
    if pdf.doc.encryption is not None:
        problems.append(encrypted_problem())
    return pdf


def encrypted_problem() -> Problem:
    return Problem("encrypted_empty_password",
                   "the PDF is encrypted with an empty user password; read as is", "info")


def plumber_objects(page: Any) -> PageObjects:
    """A pdfplumber page's characters and drawn objects."""
    rects, lines, curves = page.rects, page.lines, page.curves
    return PageObjects(float(page.width), float(page.height), page.chars, rects, lines, curves,
                       len(page.images), len(rects) + len(lines) + len(curves))
