"""Readers: one per source format, each a pure function from bytes to a `ReadResult`.

`read(data, name=..., media_type=...)` picks the reader from the declared media type, the
file name's extension, then the bytes themselves.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from extract.blocks import ReadResult

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
}


def sniff_media_type(data: bytes, name: str | None = None, media_type: str | None = None) -> str:
    """The media type to read `data` as: declared type, then extension, then content."""
    if media_type:
        base = media_type.split(";")[0].strip().lower()
        if base in ("application/pdf", "text/html", "application/xhtml+xml", "text/plain"):
            return "text/html" if base == "application/xhtml+xml" else base
    if name:
        by_extension = _EXTENSIONS.get(PurePath(name).suffix.lower())
        if by_extension:
            return by_extension
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
    if kind == "application/pdf":
        from extract.readers.pdf import pdf_to_blocks

        return pdf_to_blocks(data, pdf)
    if kind == "text/html":
        from extract.readers.html import html_to_blocks

        return html_to_blocks(data, url=name, charset=charset)
    from extract.readers.text import text_to_blocks

    return text_to_blocks(data, charset)
