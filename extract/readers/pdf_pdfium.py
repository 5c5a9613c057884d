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


class _Api:
    """The PDFium calls made per character, per page object and per path segment, declared to
    take and return plain addresses (ints). pypdfium2's own bindings check each argument's
    pointer type and build a ctypes pointer object for every handle they return, which costs
    several times the call itself when a page has thousands of path segments."""

    def __init__(self) -> None:
        raw = _raw()
        ptr, num, dbl, size = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_ulong

        def bind(name: str, restype: Any, *argtypes: Any) -> Any:
            return ctypes.cast(getattr(raw, name), ctypes.CFUNCTYPE(restype, *argtypes))

        def fast(name: str, restype: Any) -> Any:
            return ctypes.cast(getattr(raw, name), ctypes.PYFUNCTYPE(restype))

        self.text_font = bind("FPDFTextObj_GetFont", ptr, ptr)
        self.font_name = bind("FPDFFont_GetBaseFontName", size, ptr, ptr, size)
        self.object_text = bind("FPDFTextObj_GetText", size, ptr, ptr, ptr, size)
        self.count_objects = bind("FPDFPage_CountObjects", num, ptr)
        self.count_form_objects = bind("FPDFFormObj_CountObjects", num, ptr)
        self.form_object = bind("FPDFFormObj_GetObject", _Handle, ptr, size)
        self.object_matrix = bind("FPDFPageObj_GetMatrix", num, ptr, ptr)
        self.object_bounds = bind("FPDFPageObj_GetBounds", num, ptr, ptr, ptr, ptr, ptr)
        self.clip_path = bind("FPDFPageObj_GetClipPath", ptr, ptr)
        self.clip_paths = bind("FPDFClipPath_CountPaths", num, ptr)
        self.clip_segments = bind("FPDFClipPath_CountPathSegments", num, ptr, num)
        self.clip_segment = bind("FPDFClipPath_GetPathSegment", ptr, ptr, num, num)
        self.path_segments = bind("FPDFPath_CountSegments", num, ptr)
        self.segment_point = bind("FPDFPathSegment_GetPoint", num, ptr, ptr, ptr)
        # The calls made for every character and path segment, declared without argument
        # types and keeping the GIL: ctypes then passes the C pointer objects and ints it is
        # given as they are, about a third cheaper per call than checking declared types.
        self.char_object = fast("FPDFText_GetTextObject", ptr)
        self.page_object = fast("FPDFPage_GetObject", _Handle)
        self.object_type = fast("FPDFPageObj_GetType", num)
        self.char_loose_box = fast("FPDFText_GetLooseCharBox", num)
        self.char_pen = fast("FPDFText_GetCharOrigin", num)
        self.char_matrix = fast("FPDFText_GetMatrix", num)
        self.font_size = fast("FPDFText_GetFontSize", dbl)
        self.segment_at = fast("FPDFPath_GetPathSegment", _Handle)
        self.point_of = fast("FPDFPathSegment_GetPoint", num)
        self.kind_of = fast("FPDFPathSegment_GetType", num)
        self.closes = fast("FPDFPathSegment_GetClose", num)


class _Handle(ctypes.c_void_p):
    """A handle PDFium returns, kept as a C pointer object (a subclass of c_void_p is not
    turned into an int) so it can be passed straight back to calls without argument types."""


@cache
def _api() -> _Api:
    return _Api()


def _address(handle: Any) -> int | None:
    """The address of a pypdfium2 handle (None for a null one)."""
    value: int | None = ctypes.cast(handle, ctypes.c_void_p).value
    return value


class _Floats:
    """`n` C numbers of one type with their addresses, for PDFium's out-parameters."""

    def __init__(self, kind: Any, n: int) -> None:
        self.values = (kind * n)()
        step = ctypes.sizeof(kind)
        self.at = [ctypes.addressof(self.values) + k * step for k in range(n)]
        self.pointers = [ctypes.c_void_p(at) for at in self.at]


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


def _font_name(api: _Api, font: int) -> str:
    buffer = ctypes.create_string_buffer(_FONT_NAME_BYTES)
    size = api.font_name(font, ctypes.addressof(buffer), _FONT_NAME_BYTES)
    value = buffer.raw[:max(size - 1, 0)]
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp932", errors="replace")


def _doubled(api: _Api, textpage: int, kept: list[int], dropped: list[int]) -> set[int]:
    """Addresses of the `kept` text objects printed again, with the same text, by one of the
    `dropped` ones (text objects with no character in the text page) at nearly the same place.

    Fake-bold headings print a line several times, a fraction of a point apart. PDFium keeps
    one copy in its text page (pdfminer keeps all, and `pdf_glyphs` counts them); the copies
    are still page objects, so they are found here to mark the kept one bold.
    """
    tol = FAKE_BOLD_MAX_OFFSET_PT
    box = _Floats(ctypes.c_float, 4)

    def bounds(obj: int) -> tuple[float, float, float, float]:
        api.object_bounds(obj, *box.at)
        v = box.values
        return v[0], v[1], v[2], v[3]

    grid: dict[tuple[int, int], list[tuple[int, tuple[float, float, float, float]]]] = {}
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
                            and _text(api, textpage, obj) == _text(api, textpage, other):
                        out.add(other)
    return out


def _text(api: _Api, textpage: int, obj: int) -> str:
    size = api.object_text(obj, textpage, None, 0)
    units = (ctypes.c_ushort * (size // 2 + 1))()
    api.object_text(obj, textpage, ctypes.addressof(units), size)
    return bytes(units)[:max(size - 2, 0)].decode("utf-16-le", "replace")


def _codes(raw: Any, textpage: Any, count: int) -> list[int]:
    """The code point of every character of a text page, read in one call where possible."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer) - 1
    units = list(buffer[:count])
    if written == count and not any(0xD800 <= u <= 0xDFFF for u in units):
        return units
    # Characters outside the BMP take two UTF-16 units: one call per character then.
    return [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]


def _chars(api: _Api, textpage: Any, turn: _Turn) -> list[dict[str, Any]]:
    raw = _raw()
    page = _address(textpage)
    out: list[dict[str, Any]] = []
    objects: dict[int | None, tuple[float, str, Matrix, bool, bool]] = {}
    fonts: dict[int | None, str] = {}
    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    matrix_ptr = ctypes.c_void_p(ctypes.addressof(matrix))
    origin = _Floats(ctypes.c_double, 2)
    origin_xy = origin.values
    xy, box = _Floats(ctypes.c_float, 2), _Floats(ctypes.c_float, 4)
    # The per-character calls take C pointer objects made once here (see `_Api`).
    handle, rect_ptr = ctypes.c_void_p(page), ctypes.c_void_p(ctypes.addressof(rect))
    x_ptr, y_ptr = origin.pointers
    loose, address, pen = api.char_loose_box, api.char_object, api.char_pen
    flat = turn.rotate == 0 and turn.left == 0 and turn.bottom == 0
    height = turn.height
    # The spaces and line breaks PDFium inserts between words and lines are whitespace,
    # left out here with the document's own: spacing comes from the geometry.
    first: dict[int | None, tuple[float, float] | None] = {}
    vertical: set[int | None] = set()
    font_of: dict[int | None, int | None] = {}
    for i, code in enumerate(_codes(raw, textpage, raw.FPDFText_CountChars(textpage))):
        if code <= 0x20 or 0x7F <= code <= 0x9F or chr(code).isspace():
            continue
        key = address(handle, i)
        facts = objects.get(key)
        if facts is None:
            api.char_matrix(handle, i, matrix_ptr)
            m = turn.matrix((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
            scale = math.hypot(m[2], m[3]) or 1.0
            size = api.font_size(handle, i) * scale
            font = api.text_font(key) if key else None
            name = fonts.get(font)
            if name is None:
                name = fonts[font] = _font_name(api, font) if font else ""
            upright = m[0] * m[3] > 0 and m[1] * m[2] <= 0
            facts = objects[key] = (size, name, m, upright, not _clipped_out(api, key, xy, box))
            font_of[key] = font
        if not facts[4]:
            continue
        loose(handle, i, rect_ptr)
        size, name, m, upright, _ = facts
        if upright:
            # PDFium's box is the ink where a font lacks metrics ("、" a dot) and varies from
            # glyph to glyph, so one line's characters would not share a row. pdfminer's em
            # box stands on the pen's baseline; CJK faces put a tenth of the em below it.
            pen(handle, i, x_ptr, y_ptr)
            here = (origin_xy[0], origin_xy[1])
            if flat:
                x0, x1 = rect.left, rect.right
                bottom = height - here[1] + EM_DESCENT * size
            else:
                x0, _, x1, _ = turn.box(rect.left, rect.bottom, rect.right, rect.top)
                bottom = turn.point(*here)[1] + EM_DESCENT * size
            top = bottom - size
            # The pen's step from a text object's first character to its second tells
            # vertical writing (a vertical font moves it down), as pdfminer's advance does.
            start = first.get(key, here)
            if start is here:
                first[key] = here
            elif start is not None:
                first[key] = None
                if start[1] - here[1] > abs(here[0] - start[0]):
                    vertical.add(key)
        elif flat:
            x0, top, x1, bottom = rect.left, height - rect.top, rect.right, height - rect.bottom
        else:
            x0, top, x1, bottom = turn.box(rect.left, rect.bottom, rect.right, rect.top)
        text = "-" if code == SOFT_HYPHEN else chr(code)
        out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                    "size": size, "fontname": name, "upright": upright, "matrix": m,
                    "object": key})
    # An object of one character cannot show its step: it writes as its font does elsewhere.
    vertical_fonts = {font_of[key] for key in vertical}
    vertical.update(key for key, start in first.items()
                    if start is not None and font_of[key] in vertical_fonts)
    if vertical:
        for char in out:
            if char["object"] in vertical:
                char["adv"] = -char["size"]
    return out


def _clipped_out(api: _Api, obj: int | None, xy: _Floats, box: _Floats) -> bool:
    """True when a text object lies wholly outside its clipping path, so nothing of it is
    painted. The clip is the intersection of its paths; both it and the object's bounds are in
    the space of the object's own content stream (a form's, inside a form XObject). `xy` and
    `box`: two and four C floats for PDFium to write into."""
    if not obj:
        return False
    clip = api.clip_path(obj)
    if not clip:
        return False
    area: list[float] | None = None
    for p in range(api.clip_paths(clip)):
        xs: list[float] = []
        ys: list[float] = []
        for s in range(api.clip_segments(clip, p)):
            api.segment_point(api.clip_segment(clip, p, s), *xy.at)
            xs.append(xy.values[0])
            ys.append(xy.values[1])
        if not xs:
            continue
        if area is None:
            area = [min(xs), min(ys), max(xs), max(ys)]
        else:
            area = [max(area[0], min(xs)), max(area[1], min(ys)),
                    min(area[2], max(xs)), min(area[3], max(ys))]
    if area is None:
        return False
    if not api.object_bounds(obj, *box.at):
        return False
    left, bottom, right, top = (float(v) for v in box.values)
    return left >= area[2] or right <= area[0] or bottom >= area[3] or top <= area[1]


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """The transform `m` followed by `n` (row vectors, as PDF writes them)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def _objects(api: _Api, page: int) -> Iterator[tuple[_Handle, int, Matrix]]:
    """Every page object (a `_Handle`) with its type and its form matrices (form XObjects
    opened, depth first, where they stand among the page's objects)."""
    identity: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    matrix = _raw().FS_MATRIX()
    handle = ctypes.c_void_p(page)
    for k in range(api.count_objects(page)):
        obj = api.page_object(handle, k)
        kind = api.object_type(obj)
        if kind == _FORM:
            yield from _form_objects(api, obj, identity, matrix)
        else:
            yield obj, kind, identity


def _form_objects(api: _Api, form: _Handle, outer: Matrix, matrix: Any
                  ) -> Iterator[tuple[_Handle, int, Matrix]]:
    """The objects of a form XObject, nested forms opened (without recursion: forms nest
    deeply in some files), each with the product of the form matrices around it."""
    matrix_at = ctypes.addressof(matrix)
    stack: list[tuple[_Handle, int, int, Matrix]] = []

    def open_form(obj: _Handle, around: Matrix) -> None:
        api.object_matrix(obj, matrix_at)
        inner = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), around)
        stack.append((obj, api.count_form_objects(obj), 0, inner))

    open_form(form, outer)
    while stack:
        parent, count, k, around = stack.pop()
        if k >= count:
            continue
        stack.append((parent, count, k + 1, around))
        obj = api.form_object(parent, k)
        kind = api.object_type(obj)
        if kind == _FORM:
            open_form(obj, around)
        else:
            yield obj, kind, around


def _path_points(api: _Api, obj: _Handle, m: Matrix, turn: _Turn, budget: list[int], xy: _Floats
                 ) -> list[list[tuple[float, float]]]:
    """The subpaths of a path object as lists of displayed-page points (`xy`: two C floats
    PDFium writes each point into)."""
    values = xy.values
    x_ptr, y_ptr = xy.pointers
    count = api.path_segments(obj)
    budget[0] -= count
    a, b, c, d, e, f = m
    get, point_of, kind_of = api.segment_at, api.point_of, api.kind_of
    segments = [get(obj, k) for k in range(count)]
    kinds = [kind_of(s) for s in segments]
    subpaths: list[list[tuple[float, float]]] = []
    # An unturned page at the origin maps a point by flipping y: done inline, it is most pages.
    flat = turn.rotate == 0 and turn.left == 0 and turn.bottom == 0
    height, place = turn.height, turn.point
    for k, segment in enumerate(segments):
        point_of(segment, x_ptr, y_ptr)
        px, py = values[0], values[1]
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
        if last and api.closes(segment) and subpaths[-1][0] != point:
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _shape(points: list[tuple[float, float]]) -> tuple[str, dict[str, Any]]:
    """"line", "rect" or "curve" and its pdfplumber dict, for one subpath."""
    if len(points) == 2:  # most subpaths: the two ends of a rule, compared without lists
        (ax, ay), (bx, by) = points
        x0, x1 = (bx, ax) if bx < ax else (ax, bx if bx > ax else ax)
        top, bottom = (by, ay) if by < ay else (ay, by if by > ay else ay)
    else:
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
            and bottom - top > SAME_POINT_PT and _on_box(ring, x0, top, x1, bottom) else "curve"
    obj["object_type"] = kind
    return kind, obj


def _on_box(ring: list[tuple[float, float]], x0: float, top: float, x1: float, bottom: float
            ) -> bool:
    """True when every point lies on a corner of the box (within SAME_POINT_PT each way)."""
    near = SAME_POINT_PT
    for x, y in ring:
        if not (abs(x - x0) <= near or abs(x - x1) <= near) \
                or not (abs(y - top) <= near or abs(y - bottom) <= near):
            return False
    return True


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) <= SAME_POINT_PT and abs(p[1] - q[1]) <= SAME_POINT_PT


def page_objects(page: Any) -> PageObjects:
    """The characters and drawn objects of one pypdfium2 page."""
    raw = _raw()
    textpage = raw.FPDFText_LoadPage(page.raw)
    try:
        return _page_objects(_api(), page, textpage)
    finally:
        if textpage:
            raw.FPDFText_ClosePage(textpage)


def _page_objects(api: _Api, page: Any, textpage: Any) -> PageObjects:
    turn = _turn(page)
    width, height = turn.size
    chars = _chars(api, textpage, turn) if textpage else []
    out = PageObjects(width, height, chars)
    matrix = _raw().FS_MATRIX()
    matrix_at = ctypes.addressof(matrix)
    budget = [MAX_PATH_SEGMENTS]
    xy = _Floats(ctypes.c_float, 2)
    in_text = {c["object"] for c in chars}
    kept: list[int] = []
    dropped: list[int] = []
    lists = {"line": out.lines, "rect": out.rects, "curve": out.curves}
    for obj, kind, outer in _objects(api, _address(page.raw) or 0):
        if kind == _TEXT and chars:
            address = obj.value or 0
            (kept if address in in_text else dropped).append(address)
        elif kind == _IMAGE:
            out.images += 1
        elif kind == _PATH:
            out.drawings += 1
        if kind == _PATH and chars and budget[0] > 0:
            api.object_matrix(obj, matrix_at)
            m = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            for points in _path_points(api, obj, m, turn, budget, xy):
                if len(points) < 2:
                    continue
                kind_name, shape = _shape(points)
                lists[kind_name].append(shape)
    doubled = _doubled(api, _address(textpage) or 0, kept, dropped) if dropped and kept \
        else set()
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
