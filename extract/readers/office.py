"""Office files: what they are, and opening their zip packages safely.

Word (.docx) and Excel (.xlsx) files are zip packages of XML parts. A package is opened only
after its directory is checked: too many entries, or more decompressed bytes than a plan could
ever need, is a zip bomb and is refused before anything is inflated. Python's zipfile never
inflates an entry past the size its directory declares (and fails the CRC when that size lies),
so the declared sizes bound what the libraries behind the readers can be made to allocate.

The old binary formats (.doc, .xls: OLE2 compound files) are recognised and reported as
`unsupported_format`, keeping their media type, rather than failing as binary text.
"""

from __future__ import annotations

import io
import zipfile

from extract.blocks import Problem, ReadResult
from extract.errors import UnreadableInput

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
OLE2 = "application/x-ole-storage"  # a compound file that is neither Word nor Excel
PACKAGES = frozenset({DOCX, XLSX})
LEGACY = frozenset({DOC, XLS, OLE2})

# A plan of some hundred pages is a few MB of XML; 256 MB inflated is far past any of them.
MAX_UNCOMPRESSED = 256 * 1024 * 1024
# A Word or Excel package has tens of parts (hundreds with many images or sheets).
MAX_ENTRIES = 5_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE2 directory (UTF-16LE) that say which program wrote the file.
_OLE2_STREAMS = (("WordDocument".encode("utf-16-le"), DOC), ("Workbook".encode("utf-16-le"), XLS),
                 ("Book".encode("utf-16-le"), XLS))
_PACKAGE_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))


def sniff_office(data: bytes) -> str | None:
    """Return the Office media type the bytes are, or None.

    A zip holding word/document.xml → docx; an OLE2 file with a WordDocument stream → msword;
    a zip of anything else (an EPUB, a plain archive) → None.
    """
    if data.startswith(_OLE2_MAGIC):
        return next((kind for name, kind in _OLE2_STREAMS if name in data), OLE2)
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        return next((kind for part, kind in _PACKAGE_PARTS if part in names), None)
    return None


def open_package(data: bytes) -> io.BytesIO:
    """Return the bytes of a zip package to hand to a library, once its directory is safe.

    Raises UnreadableInput (code `unreadable` or `zip_bomb`) for a broken or oversized package.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableInput(f"not a readable zip package: {error}") from None
    if len(entries) > MAX_ENTRIES:
        raise UnreadableInput(f"the package has {len(entries)} entries, more than "
                              f"{MAX_ENTRIES}: refused as a zip bomb", code="zip_bomb")
    inflated = sum(entry.file_size for entry in entries)
    if inflated > MAX_UNCOMPRESSED:
        raise UnreadableInput(f"the package inflates to {inflated} bytes, more than "
                              f"{MAX_UNCOMPRESSED}: refused as a zip bomb", code="zip_bomb")
    return io.BytesIO(data)


def legacy_to_result(media_type: str) -> ReadResult:
    """Return the failed result of an old binary Office file, its media type kept."""
    what = {DOC: "a Word 97-2003 (.doc) file", XLS: "an Excel 97-2003 (.xls) file"}.get(
        media_type, "an OLE2 compound file")
    return ReadResult([], media_type, failed=True, problems=[Problem(
        "unsupported_format", f"{what}: only .docx and .xlsx are read; save it in the "
        "current format to extract it", "error")])
