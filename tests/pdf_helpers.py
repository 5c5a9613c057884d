"""Shared helpers of the PDF reader tests: the real corpus, read once, and PDF builders.

The corpus lives in ../shared beside the project root; tests that need it skip with a clear
reason when it is absent. `minimal_pdf` writes small hand-made PDFs for what the corpus lacks
(a password-protected file): every use says it is hand-made.
"""

from __future__ import annotations

import struct
from functools import cache
from hashlib import md5
from pathlib import Path

from extract.blocks import ReadResult
from extract.readers.pdf import pdf_to_blocks
from extract.readers.pdf_pages import Engine, PdfOptions
from tests.conftest import SHARED, shared_path

CORPUS_PDF = SHARED / "corpus" / "pdf"
BUDGET = "nankoku_gikai/議案第８号：令和４年度一般会計予算.pdf"


def corpus_pdf(name: str) -> Path:
    """The path of a corpus PDF, or skip the test when ../shared is not there."""
    return shared_path("corpus", "pdf", name)


def corpus_names() -> list[str]:
    """Every PDF of the corpus, as paths relative to corpus/pdf (empty when absent)."""
    if not CORPUS_PDF.is_dir():
        return []
    return sorted(p.relative_to(CORPUS_PDF).as_posix() for p in CORPUS_PDF.rglob("*.pdf"))


@cache
def read(name: str, engine: Engine = "pdfium", ocr: bool = False) -> ReadResult:
    """The reader's result for a corpus PDF on one engine, computed once per test session.

    OCR is off unless asked for: the tests of scans ask, the others stay fast.
    """
    return pdf_to_blocks(corpus_pdf(name), PdfOptions(engine, ocr))


def texts(result: ReadResult) -> list[str]:
    """The text of every block, table cells included."""
    return [b.text for b in result.blocks]


def flat(result: ReadResult) -> str:
    """All block text joined without any whitespace, for substring checks."""
    return "".join("".join(t.split()) for t in texts(result))


_PADDING = (b"(\xbfN^Nu\x8aAd\x00NV\xff\xfa\x01\x08..\x00\xb6\xd0h>\x80/\x0c\xa9\xfedSiz")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def minimal_pdf(content: bytes = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET",
                user_password: str | None = None) -> bytes:
    """A one-page PDF drawing `content` in Helvetica; encrypted (RC4, revision 2) with
    `user_password` when given, so it cannot be opened without it."""
    doc_id = b"0123456789abcdef"
    owner = bytes(range(32))  # any owner entry: only the user password is tried
    permissions = -4
    key = b""
    if user_password is not None:
        key = md5((user_password.encode("latin-1") + _PADDING)[:32] + owner
                  + struct.pack("<L", permissions & 0xFFFFFFFF) + doc_id).digest()[:5]
        # Strings and streams are encrypted with a key made from the object number (here 4).
        content = _rc4(md5(key + struct.pack("<L", 4)[:3] + b"\0\0").digest()[:10], content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    trailer = b"<< /Size %d /Root 1 0 R /ID [<%s> <%s>]" % (
        len(objects) + 1 + (user_password is not None), doc_id.hex().encode(),
        doc_id.hex().encode())
    if user_password is not None:
        user = _rc4(key, _PADDING)
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P %d /O <%s> /U <%s> >>"
                       % (permissions, owner.hex().encode(), user.hex().encode()))
        trailer += b" /Encrypt %d 0 R" % len(objects)
    trailer += b" >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
