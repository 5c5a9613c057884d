"""The source beside the tree: PDF pages as PNG with the boxes of the nodes on them, and the
document text cut into pieces at the nodes' spans.

A node's span is an offset range into the document's `text`; on a PDF page the same words are
found again in the page's own characters (pypdfium2), compared blind to width and whitespace,
so a heading printed as 「第１章 総 論」 is boxed for the node titled 「第1章 総論」.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from extract.schema import Document, Node, Span, walk

RENDER_SCALE = 1.5  # 72 dpi × 1.5: an A4 page 893 px wide, readable beside the tree
CACHED_PAGES = 64  # rendered pages kept (about 150 kB each)
CACHED_PDFS = 8  # open documents kept, each with its parsed page tree
SEARCH_CHARS = 24  # a heading is found by its first characters: long ones wrap across lines
LINE_GAP = 0.5  # a char box this far (in its own heights) below the last one starts a line

Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page

# pdfium is not thread-safe, and Starlette runs blocking handlers on a thread pool.
_PDFIUM = threading.Lock()


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the document text, and the node whose span it is (None between spans)."""

    text: str
    start: int
    node_id: str | None = None


def text_pieces(doc: Document) -> list[Piece]:
    """Return the document text cut at every node's span (overlapping spans: the first wins)."""
    spans = sorted(((n.source.start, n.source.end, n.id) for n in walk(doc.outline)
                    if n.source is not None and n.source.end > n.source.start),
                   key=lambda s: (s[0], -s[1]))
    pieces: list[Piece] = []
    pos = 0
    for start, end, node_id in spans:
        if start < pos or end > len(doc.text):
            continue
        if start > pos:
            pieces.append(Piece(doc.text[pos:start], pos))
        pieces.append(Piece(doc.text[start:end], start, node_id))
        pos = end
    if pos < len(doc.text):
        pieces.append(Piece(doc.text[pos:], pos))
    return pieces


def _flat(text: str) -> tuple[str, list[int]]:
    """Return `text` NFKC-folded without whitespace, with each kept character's index."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char):
            if not folded.isspace():
                out.append(folded)
                where.append(i)
    return "".join(out), where


def _needle(doc: Document, node: Node) -> str:
    """Return what to look for on the page: the node's source text, else its heading."""
    if node.source is not None and node.source.end > node.source.start:
        text = doc.text[node.source.start:node.source.end]
    else:
        text = f"{node.label or ''}{node.title or ''}"
    return _flat(text)[0][:SEARCH_CHARS]


class PdfSource:
    """One PDF open for rendering and for finding text on its pages."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2

        with _PDFIUM:
            self._pdf = pypdfium2.PdfDocument(data)
            self.pages = len(self._pdf)
        self._texts: dict[int, tuple[str, list[int], list[Box]]] = {}

    def render(self, page: int) -> bytes:
        """Return page `page` (1-based) as PNG."""
        with _PDFIUM:
            bitmap = self._pdf[page - 1].render(scale=RENDER_SCALE)
            image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()

    def _page_text(self, page: int) -> tuple[str, list[int], list[Box]]:
        """Return a page's folded text, the char index of each of its characters, and boxes."""
        if page not in self._texts:
            with _PDFIUM:
                pdf_page = self._pdf[page - 1]
                width, height = pdf_page.get_size()
                textpage = pdf_page.get_textpage()
                count = textpage.count_chars()
                raw = textpage.get_text_range(0, count) if count else ""
                boxes = []
                for i in range(count):
                    left, bottom, right, top = textpage.get_charbox(i)
                    boxes.append((left / width, 1 - top / height, right / width,
                                  1 - bottom / height))
            if len(raw) != count:  # pdfium's text and char indices disagree: find nothing
                raw, boxes = "", []
            flat, where = _flat(raw)
            self._texts[page] = (flat, where, boxes)
        return self._texts[page]

    def boxes(self, page: int, doc: Document) -> dict[str, list[Box]]:
        """Return the boxes of every node printed on `page`, one per printed line.

        A node is looked for on the page it was read from, then, when not there, on the next:
        a heading or a measure at a page's foot is often printed at the top of the next one.
        """
        found = self._found(page, [n for n in walk(doc.outline) if _page(n) == page], doc)
        if page > 1:
            before = [n for n in walk(doc.outline) if _page(n) == page - 1]
            missed = [n for n in before if n.id not in self._found(page - 1, before, doc)]
            found.update(self._found(page, missed, doc))
        return found

    def _found(self, page: int, nodes: list[Node], doc: Document) -> dict[str, list[Box]]:
        """Return the boxes of those of `nodes` found on `page`."""
        flat, where, char_boxes = self._page_text(page)
        found: dict[str, list[Box]] = {}
        searched_from = 0  # nodes come in reading order: search onwards, then from the top
        for node in nodes:
            if node.source is not None and node.source.bbox is not None \
                    and node.source.page == page:
                found[node.id] = [_bbox_fraction(node.source, self._size(page))]
                continue
            needle = _needle(doc, node)
            at = flat.find(needle, searched_from) if needle else -1
            if at < 0 and needle:
                at = flat.find(needle)
            if at < 0:
                continue
            searched_from = at + len(needle)
            indices = sorted({where[k] for k in range(at, at + len(needle))})
            found[node.id] = _lines(char_boxes[i] for i in indices)
        return found

    def _size(self, page: int) -> tuple[float, float]:
        with _PDFIUM:
            width, height = self._pdf[page - 1].get_size()
        return float(width), float(height)

    def sizes(self) -> list[tuple[int, int]]:
        """Return each page's size in pixels as rendered, so the page lays out before loading."""
        return [(round(w * RENDER_SCALE), round(h * RENDER_SCALE))
                for w, h in map(self._size, range(1, self.pages + 1))]


def _page(node: Node) -> int | None:
    return node.source.page if node.source is not None else None


def _bbox_fraction(span: Span, size: tuple[float, float]) -> Box:
    """Return a span's bbox (points, top-left origin) as fractions of its page."""
    assert span.bbox is not None
    x0, top, x1, bottom = span.bbox
    width, height = size
    return (x0 / width, top / height, x1 / width, bottom / height)


def _lines(boxes: Iterable[Box]) -> list[Box]:
    """Return the union of character boxes, one box per printed line."""
    lines: list[list[float]] = []
    for left, top, right, bottom in boxes:
        if right <= left or bottom <= top:
            continue  # a space or a generated line break
        last = lines[-1] if lines else None
        if last is not None and top < last[3] - LINE_GAP * (last[3] - last[1]):
            last[0], last[1] = min(last[0], left), min(last[1], top)
            last[2], last[3] = max(last[2], right), max(last[3], bottom)
        else:
            lines.append([left, top, right, bottom])
    return [(a, b, c, d) for a, b, c, d in lines]


class PdfCache:
    """Open PDFs and rendered pages, the most recently used kept."""

    def __init__(self) -> None:
        self._pdfs: OrderedDict[str, PdfSource] = OrderedDict()
        self._pngs: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def pdf(self, sha256: str, read: Callable[[], bytes]) -> PdfSource:
        """Return the open PDF of these bytes, opening it with `read()` when not cached."""
        with self._lock:
            if sha256 in self._pdfs:
                self._pdfs.move_to_end(sha256)
                return self._pdfs[sha256]
        source = PdfSource(read())
        with self._lock:
            self._pdfs[sha256] = source
            while len(self._pdfs) > CACHED_PDFS:
                self._pdfs.popitem(last=False)
        return source

    def png(self, sha256: str, page: int, read: Callable[[], bytes]) -> bytes:
        """Return page `page` of the PDF rendered as PNG."""
        key = (sha256, page)
        with self._lock:
            if key in self._pngs:
                self._pngs.move_to_end(key)
                return self._pngs[key]
        png = self.pdf(sha256, read).render(page)
        with self._lock:
            self._pngs[key] = png
            while len(self._pngs) > CACHED_PAGES:
                self._pngs.popitem(last=False)
        return png
