"""Readers: one per source format, each a pure function from bytes to a `ReadResult`.

`read(data, name=..., media_type=...)` picks the reader from the declared media type, the
file name's extension, then the bytes themselves.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from extract.blocks import ReadResult
from extract.readers.office import DOC, DOCX, LEGACY, PACKAGES, XLS, XLSX, sniff_office

if TYPE_CHECKING:
    from extract.readers.pdf_pages import PdfOptions

_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".doc": DOC,
    ".xls": XLS,
}
# Declared types a reader is chosen by; any other declaration is checked against the bytes.
_READABLE = frozenset({"application/pdf", "text/html", "text/plain", *PACKAGES, *LEGACY})


def sniff_media_type(data: bytes, name: str | None = None, media_type: str | None = None) -> str:
    """The media type to read `data` as: declared type, then extension, then content.

    Office files are told by their bytes first: a server calling a .docx octet-stream or
    text/plain, or a .xls saved under .xlsx, is still read as what it is; a name or type that
    says .doc/.xls is believed only of a compound file.
    """
    office = sniff_office(data)
    if office is not None:
        return office
    if media_type:
        base = media_type.split(";")[0].strip().lower()
        if base == "application/xhtml+xml":
            return "text/html"
        if base in _READABLE and base not in LEGACY:
            return base
    if name:
        by_extension = _EXTENSIONS.get(PurePath(name).suffix.lower())
        if by_extension and by_extension not in LEGACY:
            return by_extension
    # A .doc or .xls that is not a compound file: often a web page saved under that name.
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if _HTML_SNIFF.search(data[:4096]):
        return "text/html"
    return "text/plain"


def read(data: bytes, *, name: str | None = None, media_type: str | None = None,
         charset: str | None = None, pdf: PdfOptions | None = None) -> ReadResult:
    """Blocks and facts of one source, read with the reader its media type calls for;
    `pdf` says how PDFs are read (engine, OCR)."""
    kind = sniff_media_type(data, name, media_type)
    if kind in LEGACY:
        from extract.readers.office import legacy_to_result

        return legacy_to_result(kind)
    if kind == DOCX:
        from extract.readers.office_docx import docx_to_blocks

        return docx_to_blocks(data)
    if kind == XLSX:
        from extract.readers.office_xlsx import xlsx_to_blocks

        return xlsx_to_blocks(data)
    if kind == "application/pdf":
        from extract.readers.pdf import pdf_to_blocks

        return pdf_to_blocks(data, pdf)
    if kind == "text/html":
        from extract.readers.html import html_to_blocks

        return html_to_blocks(data, url=name, charset=charset)
    from extract.readers.text import text_to_blocks

    return text_to_blocks(data, charset)
