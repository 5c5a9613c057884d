"""Glyphs to lines in reading order: rows, segments, boxes and a recursive XY cut.

The algorithm, in the frame of each writing direction (see `pdf_glyphs.Frame`):

1. `glyphs_to_segments`: glyphs are grouped into rows by vertical overlap, and a row is cut
   into segments where the gap between two glyphs is far wider than the spacing around it
   (two columns, a label and its value). A segment's text drops the spaces between CJK
   characters (letter-spacing, justification, 和欧間 spacing) but keeps one after a numbering
   label ("１ はじめに") and between Latin words.
2. `order_segments`: drawn boxes (rects and closed curves) that hold text become containers;
   inside each container and on the page, a recursive XY cut orders the items: a gutter that
   runs the full height of the region between two parts wide enough to be text columns cuts
   first (columns read one after the other), else the widest horizontal gaps cut (top to
   bottom). What no cut separates is one row, read left to right: a line.
"""

from __future__ import annotations

import itertools
import re
import statistics
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cmp_to_key

from extract.readers.pdf_glyphs import Frame, Glyph
from extract.structure.markers import label_only

# Two glyphs share a row when their vertical extents overlap by this share of the smaller.
ROW_OVERLAP = 0.5
# A gap narrower than this (in ems) is no space at all: kerning, tight CJK setting.
SPACE_EM = 0.18
# After a numbering label ("１", "(1)", "第１章") a gap this wide is the space before the title;
# 和欧間 autospace between a digit and a kanji ("平成 27 年") stays narrower.
LABEL_SPACE_EM = 0.4
# Digits and separators closer than this (in ems) belong to one number, however spread.
DIGIT_SPREAD_EM = 1.0
_NUMERIC = frozenset("0123456789,.")
# A gap this wide always separates segments (two columns, a form label and its field) ...
SEGMENT_GAP_EM = 2.5
# ... and one this wide does when it is also this many times the gaps beside it, so
# evenly letter-spaced labels (計 画 期 間) stay one segment.
SEGMENT_GAP_MIN_EM = 1.5
SEGMENT_GAP_RATIO = 3.0
# A part of a region is a text column when at least this wide (in ems of its text) ...
COLUMN_MIN_EM = 8.0
# ... and separated from its neighbour by a gutter at least this wide.
GUTTER_MIN_EM = 0.8
# Horizontal gaps within this share of the widest one cut together (equal paragraph gaps).
HCUT_SHARE = 0.85
# Glyph boxes are shrunk by this share of their height before looking for horizontal gaps,
# so tall glyph boxes of tightly set lines do not glue the lines together.
ROW_SHRINK = 0.2
# Pages with more candidate boxes than this are grids; their boxes are ignored for speed.
MAX_BOXES = 2000
# A table is inside a box when within this many points of its edges.
BOX_TOLERANCE_PT = 2.0
# Drawn boxes are shrunk by this much before looking for gaps, so touching boxes part.
BOX_SHRINK_PT = 1.0
# Glyphs on both sides of a box edge part only across a gap this wide (in ems).
BOX_GAP_EM = 0.3
# Cell size (points) of the grid that indexes drawn boxes by position.
_GRID_PT = 48.0

_CJK = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u30ff\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff00-\uffef\u2460-\u24ff\u2500-\u27bf\u2160-\u217f\u25a0-\u25ff\u2010-\u2027\u3200-\u33ff"
    r"\u2190-\u21ff\u2200-\u22ff\ue000-\uf8ff]"
)


def is_cjk(ch: str) -> bool:
    """True for a character set solid in Japanese text: kana, kanji, full-width forms."""
    return bool(_CJK.match(ch))


@dataclass(slots=True)
class Segment:
    """A run of glyphs on one row with no wide gap inside."""

    glyphs: list[Glyph]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    home: int = -1  # index of the smallest drawn box around it (-1: none)

    @property
    def frame(self) -> Frame:
        return self.glyphs[0].frame


def _median(values: Iterable[float]) -> float:
    """`statistics.median`, the same value, without its type checks (called once a segment)."""
    data = sorted(values)
    n = len(data)
    if n % 2:
        return data[n // 2]
    if not n:
        raise statistics.StatisticsError("no median for empty data")
    return (data[n // 2 - 1] + data[n // 2]) / 2


def segment_text(glyphs: Sequence[Glyph]) -> str:
    """The text of glyphs in reading order, with spaces only where a reader would see one."""
    prev = glyphs[0]
    parts: list[str] = [prev.text]
    widest = 0.0  # the widest gap so far: a label's space must stand out from its spacing
    for k in range(1, len(glyphs)):
        cur = glyphs[k]
        gap = cur.x0 - prev.x1
        size, cur_size = prev.size, cur.size
        em = size if size >= cur_size else cur_size
        if gap > SPACE_EM * em:
            latin = not (is_cjk(prev.text[-1]) or is_cjk(cur.text[0])) and not (
                # digits spread over a cell's width (2,0 50 ,134) are one number
                gap < DIGIT_SPREAD_EM * em and prev.text[-1] in _NUMERIC
                and cur.text[0] in _NUMERIC)
            if latin or (gap > max(LABEL_SPACE_EM * em, widest + SPACE_EM * em)
                         and label_only("".join(parts))):
                parts.append(" ")
        if gap > widest:
            widest = gap
        parts.append(cur.text)
        prev = cur
    return "".join(parts)


def join_segments(segments: Sequence[Segment]) -> str:
    """Texts of the segments of one row, a space between them except inside a spread word.

    A single CJK glyph standing apart is part of a word spread over a wide cell (目　　標).
    """
    out = segments[0].text
    for prev, cur in itertools.pairwise(segments):
        spread = (len(prev.glyphs) == 1 or len(cur.glyphs) == 1) and is_cjk(out[-1]) \
            and is_cjk(cur.text[0]) and not label_only(out)
        out += cur.text if spread else f" {cur.text}"
    return out


def _split_row(row: list[Glyph], homes: dict[int, int]) -> list[list[Glyph]]:
    """The glyphs of one row (sorted by x) cut at box edges and at gaps far wider than
    their neighbours."""
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(row)]
    last = len(gaps) - 1
    piece: list[Glyph] = [row[0]]
    pieces: list[list[Glyph]] = [piece]
    prev = row[0]
    for k, gap in enumerate(gaps):
        cur = row[k + 1]
        size, cur_size = prev.size, cur.size
        em = size if size >= cur_size else cur_size
        # With no gap beside it (a two-glyph run: 職　員) only the absolute width tells.
        wide = gap > SEGMENT_GAP_EM * em
        if not wide and last and gap > SEGMENT_GAP_MIN_EM * em:
            near = [gaps[j] for j in (k - 1, k + 1) if 0 <= j <= last]
            wide = gap > SEGMENT_GAP_RATIO * max(max(near), 0.1 * em)
        # A box edge parts two glyphs only where a gap shows it: text merely overlapping a
        # decorative box stays whole (no homes: no glyph is in a box, no edge).
        if wide or (homes and gap > BOX_GAP_EM * em
                    and homes.get(id(prev), -1) != homes.get(id(cur), -1)):
            piece = []
            pieces.append(piece)
        piece.append(cur)
        prev = cur
    return pieces


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into rows by vertical overlap, each row sorted left to right."""
    ordered = sorted(glyphs, key=_centre_y)
    rows: list[list[Glyph]] = []
    tops: list[float] = []  # each row's band: its first glyph's extent
    bottoms: list[float] = []
    open_from = 0
    count = 0  # len(bottoms)
    for g in ordered:
        top, bottom = g.top, g.bottom
        h = bottom - top
        if h < 0.1:
            h = 0.1
        while open_from < count and bottoms[open_from] < top:
            open_from += 1
        best = -1
        best_overlap = 0.0
        for k in range(open_from, count):
            band_top, band_bottom = tops[k], bottoms[k]
            overlap = (band_bottom if band_bottom < bottom else bottom) \
                - (band_top if band_top > top else top)
            band = band_bottom - band_top
            if overlap >= ROW_OVERLAP * (h if h <= band else band) and overlap > best_overlap:
                best, best_overlap = k, overlap
        if best < 0:
            rows.append([g])
            tops.append(top)
            bottoms.append(bottom)
            count += 1
        else:
            rows[best].append(g)
    for row in rows:
        if len(row) > 1:
            row.sort(key=_x0)
    return rows


def _centre_y(g: Glyph) -> float:
    return (g.top + g.bottom) / 2


def _x0(g: Glyph) -> float:
    return g.x0


def glyphs_to_segments(glyphs: list[Glyph], index: BoxIndex | None = None) -> list[Segment]:
    """Segments of glyphs that share one frame, never straddling the edge of a drawn box."""
    homes: dict[int, int] = {}
    if index is not None and index.boxes:
        for g in glyphs:
            home = index.home((g.x0 + g.x1) / 2, (g.top + g.bottom) / 2)
            if home >= 0:
                homes[id(g)] = home
    out: list[Segment] = []
    around = index.around if index is not None and homes else None
    for row in _rows(glyphs):
        for piece in _split_row(row, homes) if len(row) > 1 else [row]:
            first = piece[0]
            if len(piece) == 1:
                box = (first.x0, first.top, first.x1, first.bottom)
                size = first.size
            else:
                # A row is sorted by x0: its first glyph has the smallest.
                box = (first.x0, min([g.top for g in piece]), max([g.x1 for g in piece]),
                       max([g.bottom for g in piece]))
                size = _median([g.size for g in piece])
            out.append(Segment(piece, segment_text(piece), *box, size,
                               around(box) if around is not None else -1))
    return out


class BoxIndex:
    """Drawn boxes of one frame, smallest first, looked up by position through a grid."""

    def __init__(self, boxes: Iterable[tuple[float, float, float, float]]) -> None:
        unique = sorted(set(boxes), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        self.boxes = unique if len(unique) <= MAX_BOXES else []
        self.grid: dict[tuple[int, int], list[int]] = {}
        for k, (x0, top, x1, bottom) in enumerate(self.boxes):
            for cx in range(int(x0 // _GRID_PT), int(x1 // _GRID_PT) + 1):
                for cy in range(int(top // _GRID_PT), int(bottom // _GRID_PT) + 1):
                    self.grid.setdefault((cx, cy), []).append(k)

    def home(self, x: float, y: float) -> int:
        """The smallest box around the point (x, y), or -1."""
        for k in self.grid.get((int(x // _GRID_PT), int(y // _GRID_PT)), ()):
            x0, top, x1, bottom = self.boxes[k]
            if x0 <= x <= x1 and top <= y <= bottom:
                return k
        return -1

    def around(self, box: tuple[float, float, float, float], larger_than: float = 0.0) -> int:
        """The smallest box holding `box` whose area exceeds `larger_than`, or -1."""
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        t = BOX_TOLERANCE_PT
        for k in self.grid.get((int(x // _GRID_PT), int(y // _GRID_PT)), ()):
            x0, top, x1, bottom = self.boxes[k]
            if (x1 - x0) * (bottom - top) > larger_than and box[0] >= x0 - t \
                    and box[2] <= x1 + t and box[1] >= top - t and box[3] <= bottom + t:
                return k
        return -1


# -- reading order ------------------------------------------------------------------------------


@dataclass(slots=True)
class Item:
    """Something placed on the page: a segment, a box of items, or a table (by index)."""

    x0: float
    top: float
    x1: float
    bottom: float
    segment: Segment | None = None
    children: list[Item] = field(default_factory=list)
    table: int | None = None
    is_box: bool = False

    @property
    def solid(self) -> bool:
        """True for an item whose extent is drawn (a box or a table), not just text."""
        return self.is_box or self.table is not None


@dataclass(slots=True)
class Line:
    """One line of text in reading order, with the column it sits in."""

    segments: list[Segment]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    frame: Frame
    column: tuple[float, float]  # x-extent of the column or box the line was read in
    box: int  # index of the container the line sits in (0: none), for paragraph joins

    @property
    def glyphs(self) -> list[Glyph]:
        return [g for s in self.segments for g in s.glyphs]


@dataclass(slots=True)
class Placed:
    """An entry of a page's reading order: a line or a table."""

    line: Line | None = None
    table: int | None = None


def _extent(items: Sequence[Item]) -> tuple[float, float, float, float]:
    return (min(i.x0 for i in items), min(i.top for i in items), max(i.x1 for i in items),
            max(i.bottom for i in items))


def _em(items: Sequence[Item], fallback: float) -> float:
    sizes = [i.segment.size for i in items if i.segment is not None]
    return _median(sizes) if sizes else fallback


def _vertical_cuts(items: list[Item], em: float) -> list[float]:
    """x positions of the gutters that split `items` into columns (empty when none)."""
    spans = sorted((i.x0 + BOX_SHRINK_PT, i.x1 - BOX_SHRINK_PT) if i.solid else (i.x0, i.x1)
                   for i in items)
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > reach:
            gaps.append((reach, x0))
        reach = max(reach, x1)
    cuts: list[float] = []
    for left_edge, right_edge in gaps:
        mid = (left_edge + right_edge) / 2
        left = [i for i in items if i.x1 <= mid]
        right = [i for i in items if i.x0 >= mid]
        if all(i.solid for i in left) and all(i.solid for i in right):
            cuts.append(mid)  # boxes side by side never read across
            continue
        if right_edge - left_edge < GUTTER_MIN_EM * em:
            continue
        if min(_typical_width(left), _typical_width(right)) >= COLUMN_MIN_EM * em:
            cuts.append(mid)
    return cuts


def _typical_width(items: list[Item]) -> float:
    """The width most items of one side reach (upper quartile): a column of page numbers
    beside a running header stays narrow."""
    widths = sorted(i.x1 - i.x0 for i in items)
    return widths[(3 * len(widths)) // 4]


def _horizontal_cuts(items: list[Item]) -> list[float]:
    """y positions of the widest gaps between bands of `items` (empty when none)."""
    spans = sorted(_shrunk(i) for i in items)
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for top, bottom in spans[1:]:
        if top > reach:
            gaps.append((reach, top))
        reach = max(reach, bottom)
    if not gaps:
        return []
    widest = max(b - a for a, b in gaps)
    return [(a + b) / 2 for a, b in gaps if b - a >= HCUT_SHARE * widest]


def _shrunk(item: Item) -> tuple[float, float]:
    if item.segment is None:
        return item.top + BOX_SHRINK_PT, item.bottom - BOX_SHRINK_PT
    pad = ROW_SHRINK * (item.bottom - item.top) / 2
    return item.top + pad, item.bottom - pad


def _split(items: list[Item], cuts: list[float], vertical: bool) -> list[list[Item]]:
    parts: list[list[Item]] = [[] for _ in range(len(cuts) + 1)]
    for item in items:
        centre = (item.x0 + item.x1) / 2 if vertical else (item.top + item.bottom) / 2
        parts[bisect_left(cuts, centre)].append(item)  # cuts ascend: how many lie before
    return [p for p in parts if p]


@dataclass(slots=True)
class _Reader:
    """Walks the item tree in reading order, emitting lines and tables."""

    frame: Frame
    fallback_em: float
    out: list[Placed] = field(default_factory=list)
    boxes: int = 0

    def read(self, items: list[Item], column: tuple[float, float], box: int) -> None:
        if not items:
            return
        em = _em(items, self.fallback_em)
        rows = _horizontal_cuts(items) if len(items) > 1 else []
        if rows:  # one band of items is a row, whatever gaps it has
            cuts = _vertical_cuts(items, em)
            if cuts:
                for part in _split(items, cuts, vertical=True):
                    x0, _, x1, _ = _extent(part)
                    self.read(part, (x0, x1), box)
                return
            for part in _split(items, rows, vertical=False):
                self.read(part, column, box)
            return
        self.row(sorted(items, key=cmp_to_key(_before)), column, box)

    def row(self, items: list[Item], column: tuple[float, float], box: int) -> None:
        """Items no cut separates: segments become one line, boxes and tables are read whole."""
        pending: list[Segment] = []
        for item in items:
            if item.segment is not None:
                pending.append(item.segment)
                continue
            self.flush(pending, column, box)
            pending = []
            if item.table is not None:
                self.out.append(Placed(table=item.table))
            else:
                self.boxes += 1
                self.read(item.children, (item.x0, item.x1), self.boxes)
        self.flush(pending, column, box)

    def flush(self, segments: list[Segment], column: tuple[float, float], box: int) -> None:
        """Emit segments no cut separated as lines: one per band of vertical overlap."""
        bands: list[list[Segment]] = []
        band_top = band_bottom = 0.0  # the extent of the last band, kept as it grows
        for seg in sorted(segments, key=lambda s: (s.top + s.bottom) / 2):
            top, bottom = seg.top, seg.bottom
            if bands and min(band_bottom, bottom) - max(band_top, top) \
                    >= ROW_OVERLAP * (bottom - top):
                bands[-1].append(seg)
                band_top, band_bottom = min(band_top, top), max(band_bottom, bottom)
            else:
                bands.append([seg])
                band_top, band_bottom = top, bottom
        for band in bands:
            band.sort(key=lambda s: s.x0)
            size = _median(g.size for s in band for g in s.glyphs)
            self.out.append(Placed(line=Line(
                band, join_segments(band), min(s.x0 for s in band), min(s.top for s in band),
                max(s.x1 for s in band), max(s.bottom for s in band), size, self.frame,
                column, box)))


def _before(a: Item, b: Item) -> int:
    """Order of two items no cut separates: left to right, or top down where they overlap."""
    overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
    if overlap_x > 0.5 * min(a.x1 - a.x0, b.x1 - b.x0):
        return -1 if a.top < b.top else (1 if a.top > b.top else 0)
    return -1 if a.x0 < b.x0 else (1 if a.x0 > b.x0 else 0)


def _nest(items: list[Item], index: BoxIndex) -> list[Item]:
    """`items` with those inside drawn boxes moved into box items (smallest box wins)."""
    if not index.boxes:
        return items
    boxes = index.boxes
    members: dict[int, list[Item]] = {}
    loose: list[Item] = []
    for item in items:
        if item.segment is not None:
            home = item.segment.home
        else:
            home = index.around((item.x0, item.top, item.x1, item.bottom))
        if home < 0:
            loose.append(item)
        else:
            members.setdefault(home, []).append(item)
    # Boxes holding text become items, nested in the smallest box around them.
    nodes = {k: Item(*boxes[k], children=m, is_box=True) for k, m in members.items()}
    pending = sorted(nodes)
    while pending:
        k = pending.pop(0)
        x0, top, x1, bottom = boxes[k]
        parent = index.around(boxes[k], larger_than=(x1 - x0) * (bottom - top))
        if parent < 0:
            loose.append(nodes[k])
            continue
        if parent not in nodes:
            nodes[parent] = Item(*boxes[parent], is_box=True)
            pending.append(parent)
            pending.sort()
        nodes[parent].children.append(nodes[k])
    return loose


def order_segments(segments: list[Segment], index: BoxIndex,
                   tables: list[tuple[int, tuple[float, float, float, float]]],
                   frame: Frame, fallback_em: float) -> list[Placed]:
    """Lines and tables of one frame of a page, in reading order."""
    items = [Item(s.x0, s.top, s.x1, s.bottom, segment=s) for s in segments]
    items += [Item(*bbox, table=k) for k, bbox in tables]
    if not items:
        return []
    items = _nest(items, index)
    reader = _Reader(frame, fallback_em)
    x0, _, x1, _ = _extent(items)
    reader.read(items, (x0, x1), 0)
    return reader.out
