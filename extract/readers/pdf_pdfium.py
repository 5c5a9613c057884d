"""PDF pages read with PDFium (pypdfium2): characters and drawn objects as `PageObjects`.

PDFium parses a page about twenty times faster than pdfminer. This module turns what it
gives into the records pdfplumber would have given for the same page:

- characters: text, the loose box (the font's em, not the ink), size = font size times the
  text matrix's scale, font name, the matrix (for rotated text); control and generated
  characters (the spaces and line breaks PDFium inserts) are left out, and so are the
  characters of a text object lying wholly outside its clipping path, which no viewer paints
  (a text box's overflow cut at its frame, a label moved off a chart's clip);
- paths: each subpath becomes a line (two points), a rect (an axis-aligned rectangle) or a
  curve (anything else, its points kept), in page coordinates through every form XObject's
  matrix; images are counted;
- /Rotate: coordinates and matrices are turned as pdfminer turns them, so a landscape page
  printed sideways reads the same with both engines.

Paths are only read on pages with text (a scanned page's vector noise never reaches the table
finder), and at most `MAX_PATH_SEGMENTS` of them: past that a page is a drawing, not a form.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from extract.blocks import Problem
from extract.readers.pdf_glyphs import FAKE_BOLD_MAX_OFFSET_PT
from extract.readers.pdf_pages import PageObjects, encrypted_problem, failed

# Past this many path segments on one page, the rest are not read: a map or a chart drawn
# in vectors has no ruled table worth the time (one scanned page holds 700,000 operators).
MAX_PATH_SEGMENTS = 60_000
# Two path points this close (points) are one: a closed subpath ends where it began.
SAME_POINT_PT = 0.01

# The share of the em below the baseline in CJK faces (MS Mincho: 141/1000, Ryumin: 120).
EM_DESCENT = 0.12
# PDFium's code for a hyphen that breaks a word at a line end; pdfminer gives "-".
SOFT_HYPHEN = 0xFFFE

_TEXT, _PATH, _IMAGE, _FORM = 1, 2, 3, 5
_MOVETO, _BEZIERTO = 2, 1
_FONT_NAME_BYTES = 256

Matrix = tuple[float, float, float, float, float, float]


def _raw() -> Any:
    import pypdfium2.raw as raw

    return raw


def open_pdfium(data: bytes, problems: list[Problem]) -> Any:
    """The opened pypdfium2 document (info problems added), or a failed result."""
    import pypdfium2 as pdfium

    raw = _raw()
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            return failed("password_protected",
                          "the PDF is encrypted and needs a password to open")
        return failed("corrupt_pdf", f"the PDF cannot be parsed: {error}")
    if raw.FPDF_GetSecurityHandlerRevision(doc.raw) != -1:
        problems.append(encrypted_problem())
    if not raw.FPDF_DocumentHasValidCrossReferenceTable(doc.raw):
        problems.append(Problem(
            "corrupt_pdf", "the PDF's cross-reference table is damaged (a file cut short?); "
            "its objects were found by a repair scan and pages may be missing or incomplete",
            "error"))
    return doc


def metadata_title(doc: Any) -> Any:
    """The Title entry of the document information dictionary ("" when absent)."""
    try:
        return doc.get_metadata_value("Title")
    except Exception:  # a damaged info dictionary is no reason to lose the text
        return ""


@dataclass(frozen=True, slots=True)
class _Turn:
    """The page's /Rotate, applied to points and matrices as pdfminer applies it."""

    rotate: int
    left: float
    bottom: float
    width: float  # unrotated
    height: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) on the displayed page of a point in PDF user space."""
        u, v = x - self.left, y - self.bottom
        if self.rotate == 90:
            return v, u
        if self.rotate == 180:
            return self.width - u, v
        if self.rotate == 270:
            return self.height - v, self.width - u
        return u, self.height - v

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float,
                                                                       float]:
        ax, at = self.point(x0, y0)
        bx, bt = self.point(x1, y1)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)

    def matrix(self, m: Matrix) -> Matrix:
        a, b, c, d, e, f = m
        if self.rotate == 90:
            return b, -a, d, -c, e, f
        if self.rotate == 180:
            return -a, -b, -c, -d, e, f
        if self.rotate == 270:
            return -b, a, -d, c, e, f
        return m

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the displayed page."""
        if self.rotate in (90, 270):
            return self.height, self.width
        return self.width, self.height


def _turn(page: Any) -> _Turn:
    """The page's rotation and media box, as pdfminer places characters in them."""
    box = page.get_mediabox(fallback_ok=False)
    if box is None:  # inherited from the page tree, which FPDFPage_GetMediaBox does not read
        raw = _raw()
        rect = raw.FS_RECTF()
        raw.FPDF_GetPageBoundingBox(page.raw, rect)
        box = (rect.left, rect.bottom, rect.right, rect.top)
    left, bottom, right, top = box
    return _Turn(page.get_rotation() % 360, left, bottom, right - left, top - bottom)


def _font_name(raw: Any, font: Any) -> str:
    buffer = ctypes.create_string_buffer(_FONT_NAME_BYTES)
    size = raw.FPDFFont_GetBaseFontName(font, buffer, _FONT_NAME_BYTES)
    value = buffer.raw[:max(size - 1, 0)]
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp932", errors="replace")


def _doubled(raw: Any, textpage: Any, kept: list[Any], dropped: list[Any]) -> set[int]:
    """Addresses of the `kept` text objects printed again, with the same text, by one of the
    `dropped` ones (text objects with no character in the text page) at nearly the same place.

    Fake-bold headings print a line several times, a fraction of a point apart. PDFium keeps
    one copy in its text page (pdfminer keeps all, and `pdf_glyphs` counts them); the copies
    are still page objects, so they are found here to mark the kept one bold.
    """
    tol = FAKE_BOLD_MAX_OFFSET_PT
    box = [ctypes.c_float() for _ in range(4)]

    def bounds(obj: Any) -> tuple[float, float, float, float]:
        raw.FPDFPageObj_GetBounds(obj, *box)
        return box[0].value, box[1].value, box[2].value, box[3].value

    grid: dict[tuple[int, int], list[tuple[Any, tuple[float, float, float, float]]]] = {}
    for obj in kept:
        b = bounds(obj)
        grid.setdefault((int(b[0] // tol), int(b[1] // tol)), []).append((obj, b))
    out: set[int] = set()
    for obj in dropped:
        b = bounds(obj)
        cx, cy = int(b[0] // tol), int(b[1] // tol)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other, o in grid.get((cx + dx, cy + dy), ()):
                    if all(abs(p - q) <= tol for p, q in zip(b, o, strict=True)) \
                            and _text(raw, textpage, obj) == _text(raw, textpage, other):
                        address = ctypes.cast(other, ctypes.c_void_p).value
                        if address:
                            out.add(address)
    return out


def _text(raw: Any, textpage: Any, obj: Any) -> str:
    size = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
    units = (ctypes.c_ushort * (size // 2 + 1))()
    raw.FPDFTextObj_GetText(obj, textpage, units, size)
    return bytes(units)[:max(size - 2, 0)].decode("utf-16-le", "replace")


@cache
def _object_address() -> Any:
    """FPDFText_GetTextObject returning the object's address as an int: characters are
    grouped by it, and a ctypes pointer object plus a cast per character would cost more
    than the rest of the character's reading."""
    raw = _raw()
    proto = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
    return ctypes.cast(raw.FPDFText_GetTextObject, proto)


def _codes(raw: Any, textpage: Any, count: int) -> list[int]:
    """The code point of every character of a text page, read in one call where possible."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer) - 1
    units = list(buffer[:count])
    if written == count and not any(0xD800 <= u <= 0xDFFF for u in units):
        return units
    # Characters outside the BMP take two UTF-16 units: one call per character then.
    return [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]


def _chars(raw: Any, textpage: Any, turn: _Turn) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    objects: dict[int | None, tuple[float, str, Matrix, bool, bool]] = {}
    fonts: dict[int | None, str] = {}
    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    loose, address = raw.FPDFText_GetLooseCharBox, _object_address()
    origin = raw.FPDFText_GetCharOrigin
    void = ctypes.c_void_p
    flat = turn.rotate == 0 and turn.left == 0 and turn.bottom == 0
    height = turn.height
    # The spaces and line breaks PDFium inserts between words and lines are whitespace,
    # left out here with the document's own: spacing comes from the geometry.
    first: dict[int | None, tuple[float, float] | None] = {}
    vertical: set[int | None] = set()
    font_of: dict[int | None, int | None] = {}
    keys: list[int | None] = []
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    for i, code in enumerate(_codes(raw, textpage, raw.FPDFText_CountChars(textpage))):
        if code <= 0x20 or 0x7F <= code <= 0x9F or chr(code).isspace():
            continue
        key = address(textpage, i)
        facts = objects.get(key)
        if facts is None:
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            m = turn.matrix((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
            scale = math.hypot(m[2], m[3]) or 1.0
            size = raw.FPDFText_GetFontSize(textpage, i) * scale
            obj = raw.FPDFText_GetTextObject(textpage, i)
            font = raw.FPDFTextObj_GetFont(obj) if obj else None
            font_key = ctypes.cast(font, void).value if font else None
            name = fonts.get(font_key)
            if name is None:
                name = fonts[font_key] = _font_name(raw, font) if font else ""
            upright = m[0] * m[3] > 0 and m[1] * m[2] <= 0
            facts = objects[key] = (size, name, m, upright, not _clipped_out(raw, obj))
            font_of[key] = font_key
        if not facts[4]:
            continue
        loose(textpage, i, rect)
        if flat:
            x0, top, x1, bottom = rect.left, height - rect.top, rect.right, height - rect.bottom
        else:
            x0, top, x1, bottom = turn.box(rect.left, rect.bottom, rect.right, rect.top)
        if facts[3]:
            # PDFium's box is the ink where a font lacks metrics ("、" a dot) and varies from
            # glyph to glyph, so one line's characters would not share a row. pdfminer's em
            # box stands on the pen's baseline; CJK faces put a tenth of the em below it.
            origin(textpage, i, origin_x, origin_y)
            here = (origin_x.value, origin_y.value)
            bottom = (height - here[1] if flat else turn.point(*here)[1]) + EM_DESCENT * facts[0]
            top = bottom - facts[0]
            # The pen's step from a text object's first character to its second tells
            # vertical writing (a vertical font moves it down), as pdfminer's advance does.
            start = first.get(key, here)
            if start is here:
                first[key] = here
            elif start is not None:
                first[key] = None
                if start[1] - here[1] > abs(here[0] - start[0]):
                    vertical.add(key)
        size, name, m, upright, _ = facts
        keys.append(key)
        text = "-" if code == SOFT_HYPHEN else chr(code)
        out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                    "size": size, "fontname": name, "upright": upright, "matrix": m})
    # An object of one character cannot show its step: it writes as its font does elsewhere.
    vertical_fonts = {font_of[key] for key in vertical}
    vertical.update(key for key, start in first.items()
                    if start is not None and font_of[key] in vertical_fonts)
    for char, key in zip(out, keys, strict=True):
        char["object"] = key
        if key in vertical:
            char["adv"] = -char["size"]
    return out


def _clipped_out(raw: Any, obj: Any) -> bool:
    """True when a text object lies wholly outside its clipping path, so nothing of it is
    painted. The clip is the intersection of its paths; both it and the object's bounds are in
    the space of the object's own content stream (a form's, inside a form XObject)."""
    if not obj:
        return False
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return False
    x, y = ctypes.c_float(), ctypes.c_float()
    area: list[float] | None = None
    for p in range(raw.FPDFClipPath_CountPaths(clip)):
        xs: list[float] = []
        ys: list[float] = []
        for s in range(raw.FPDFClipPath_CountPathSegments(clip, p)):
            raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, p, s), x, y)
            xs.append(x.value)
            ys.append(y.value)
        if not xs:
            continue
        if area is None:
            area = [min(xs), min(ys), max(xs), max(ys)]
        else:
            area = [max(area[0], min(xs)), max(area[1], min(ys)),
                    min(area[2], max(xs)), min(area[3], max(ys))]
    if area is None:
        return False
    box = [ctypes.c_float() for _ in range(4)]
    if not raw.FPDFPageObj_GetBounds(obj, *box):
        return False
    left, bottom, right, top = (b.value for b in box)
    return left >= area[2] or right <= area[0] or bottom >= area[3] or top <= area[1]


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """The transform `m` followed by `n` (row vectors, as PDF writes them)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def _objects(raw: Any, page: Any) -> Iterator[tuple[Any, int, Matrix]]:
    """Every page object with its type and its form matrices (form XObjects opened)."""
    identity: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    matrix = raw.FS_MATRIX()
    stack: list[tuple[Any, int, int, Matrix]] = [(page.raw, raw.FPDFPage_CountObjects(page.raw),
                                                  0, identity)]
    while stack:
        parent, count, k, outer = stack.pop()
        if k >= count:
            continue
        stack.append((parent, count, k + 1, outer))
        obj = raw.FPDFPage_GetObject(parent, k) if len(stack) == 1 else \
            raw.FPDFFormObj_GetObject(parent, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _FORM:
            raw.FPDFPageObj_GetMatrix(obj, matrix)
            inner = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f),
                              outer)
            stack.append((obj, raw.FPDFFormObj_CountObjects(obj), 0, inner))
        else:
            yield obj, kind, outer


def _path_points(raw: Any, obj: Any, m: Matrix, turn: _Turn, budget: list[int]
                 ) -> list[list[tuple[float, float]]]:
    """The subpaths of a path object as lists of displayed-page points."""
    x, y = ctypes.c_float(), ctypes.c_float()
    count = raw.FPDFPath_CountSegments(obj)
    budget[0] -= count
    a, b, c, d, e, f = m
    get, point_of, kind_of = (raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint,
                              raw.FPDFPathSegment_GetType)
    segments = [get(obj, k) for k in range(count)]
    kinds = [kind_of(s) for s in segments]
    subpaths: list[list[tuple[float, float]]] = []
    # An unturned page at the origin maps a point by flipping y: done inline, it is most pages.
    flat = turn.rotate == 0 and turn.left == 0 and turn.bottom == 0
    height, place = turn.height, turn.point
    for k, segment in enumerate(segments):
        point_of(segment, x, y)
        px, py = x.value, y.value
        if flat:
            point = (a * px + c * py + e, height - (b * px + d * py + f))
        else:
            point = place(a * px + c * py + e, b * px + d * py + f)
        if kinds[k] == _MOVETO or not subpaths:
            subpaths.append([point])
        else:
            subpaths[-1].append(point)
        # "h" closes a subpath: only its last segment can carry the flag.
        last = k + 1 == count or kinds[k + 1] == _MOVETO
        if last and raw.FPDFPathSegment_GetClose(segment) and subpaths[-1][0] != point:
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _shape(points: list[tuple[float, float]]) -> tuple[str, dict[str, Any]]:
    """"line", "rect" or "curve" and its pdfplumber dict, for one subpath."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    obj: dict[str, Any] = {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                           "width": x1 - x0, "height": bottom - top, "y0": -bottom, "y1": -top,
                           "pts": points}
    if len(points) == 2:
        kind = "line"
    else:
        ring = points[:-1] if len(points) == 5 and _same(points[0], points[-1]) else points
        kind = "rect" if len(ring) == 4 and x1 - x0 > SAME_POINT_PT \
            and bottom - top > SAME_POINT_PT \
            and all(_near(p[0], x0, x1) and _near(p[1], top, bottom) for p in ring) else "curve"
    obj["object_type"] = kind
    return kind, obj


def _near(v: float, low: float, high: float) -> bool:
    return abs(v - low) <= SAME_POINT_PT or abs(v - high) <= SAME_POINT_PT


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) <= SAME_POINT_PT and abs(p[1] - q[1]) <= SAME_POINT_PT


def page_objects(page: Any) -> PageObjects:
    """The characters and drawn objects of one pypdfium2 page."""
    raw = _raw()
    textpage = raw.FPDFText_LoadPage(page.raw)
    try:
        return _page_objects(raw, page, textpage)
    finally:
        if textpage:
            raw.FPDFText_ClosePage(textpage)


def _page_objects(raw: Any, page: Any, textpage: Any) -> PageObjects:
    turn = _turn(page)
    width, height = turn.size
    chars = _chars(raw, textpage, turn) if textpage else []
    out = PageObjects(width, height, chars)
    matrix = raw.FS_MATRIX()
    budget = [MAX_PATH_SEGMENTS]
    in_text = {c["object"] for c in chars}
    kept: list[Any] = []
    dropped: list[Any] = []
    void = ctypes.c_void_p
    for obj, kind, outer in _objects(raw, page):
        if kind == _TEXT and chars:
            (kept if ctypes.cast(obj, void).value in in_text else dropped).append(obj)
        elif kind == _IMAGE:
            out.images += 1
        elif kind == _PATH:
            out.drawings += 1
        if kind == _PATH and chars and budget[0] > 0:
            raw.FPDFPageObj_GetMatrix(obj, matrix)
            m = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            for points in _path_points(raw, obj, m, turn, budget):
                if len(points) < 2:
                    continue
                kind_name, shape = _shape(points)
                {"line": out.lines, "rect": out.rects, "curve": out.curves}[kind_name].append(
                    shape)
    doubled = _doubled(raw, textpage, kept, dropped) if dropped and kept else set()
    if doubled:
        for char in chars:
            if char["object"] in doubled:
                char["doubled"] = True
    return out


def read_page(doc: Any, index: int) -> PageObjects:
    """Page `index` (0-based) of an open document, closed again once read."""
    page = doc[index]
    try:
        return page_objects(page)
    finally:
        page.close()


def render_gray(doc: Any, index: int, dpi: int) -> tuple[bytes, int, int]:
    """Page `index` rendered in 8-bit grey at `dpi`: the pixel rows, width and height."""
    page = doc[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True, rotation=0)
        try:
            width, height, stride = bitmap.width, bitmap.height, bitmap.stride
            buffer = bytes(bitmap.buffer)
        finally:
            bitmap.close()
    finally:
        page.close()
    if stride != width:
        buffer = b"".join(buffer[r * stride:r * stride + width] for r in range(height))
    return buffer, width, height
