"""Ruled tables: `pdf_grids` finds the grid, our glyphs fill the cells.

`pdf_grids` (pdfplumber's table finder) reads the ruling lines; the cell text is rebuilt
here from the cleaned glyphs (no fake-bold doubles, no justification spaces: "所 属 長" →
"所属長"), with a line break kept where a cell lists several entries ("総務課長\\n所属長") and
wrapped lines of one sentence joined. Rows and columns are found from the cell boxes in the
frame the table's text reads in, so a landscape table printed sideways on a portrait page reads
the right way. Grids of one column or one cell are boxes, not tables: the layout reads them as
containers.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter

from extract.readers.pdf_glyphs import Frame, Glyph, from_frame, to_frame
from extract.readers.pdf_grids import Grid
from extract.readers.pdf_layout import (
    BoxIndex,
    Segment,
    glyphs_to_segments,
    is_cjk,
    join_segments,
)

# Cell edges closer than this (points) are the same row or column edge.
EDGE_TOLERANCE_PT = 2.5
# A cell line reaching this close (in ems) to the cell's right edge wraps into the next line.
WRAP_SLACK_EM = 2.0
# A wrapped line starts at most this far (in ems) right of the line it continues.
ALIGN_EM = 0.6
# Glyphs of a line this far apart (median gap, in ems) spread it to a fixed width: a label.
LETTER_SPACED_EM = 0.4
# A first row is a header when each of its cells is a label this short at most.
HEADER_MAX_CHARS = 20
# Column edges of two tables on consecutive pages match within this many points.
JOIN_TOLERANCE_PT = 4.0

Box = tuple[float, float, float, float]
_NUMERIC = re.compile(r"^[\d０-９,，.．%％△▲\-－()（）\s]+$")
_frame_of = attrgetter("frame")


@dataclass(slots=True)
class TableGrid:
    """One table of one page: its rows of cell texts and where it sits."""

    page: int
    frame: Frame
    bbox: Box  # page coordinates
    frame_bbox: Box  # in the table's frame
    rows: list[tuple[str, ...]]
    row_boxes: list[Box]  # page coordinates
    columns: tuple[float, ...]  # left edges of the columns, in the frame
    size: float  # median font size of its text
    header: bool = False
    ocr_confidence: float | None = None  # mean, when its text was read by OCR


def _cluster(values: list[float]) -> list[float]:
    """Sorted representatives of `values`, merging those within the edge tolerance."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_TOLERANCE_PT:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    k = bisect.bisect_right(edges, value + EDGE_TOLERANCE_PT) - 1
    return max(k, 0)


def cell_text(segments: list[Segment], right: float) -> str:
    """Text of the segments of one cell: wrapped lines joined, separate entries on new lines."""
    if len(segments) < 2:  # most cells: the one segment's text as it is
        return segments[0].text if segments else ""
    segments = sorted(segments, key=lambda s: (s.top, s.x0))
    lines: list[list[Segment]] = []
    for seg in segments:
        if lines and seg.top < lines[-1][-1].bottom - 0.5 * (seg.bottom - seg.top):
            lines[-1].append(seg)
        else:
            lines.append([seg])
    out = ""
    prev: list[Segment] = []
    for line in lines:
        line.sort(key=lambda s: s.x0)
        text = join_segments(line)
        if prev:
            size = max(s.size for s in prev)
            reach = max(s.x1 for s in prev)
            # A wrapped line fills the cell and the next starts under it; a label running
            # past the cell's edge (a Gantt bar) or spread to a width (所　属　長) does not.
            wrapped = (right - WRAP_SLACK_EM * size <= reach <= right + size
                       and line[0].x0 <= prev[0].x0 + ALIGN_EM * size
                       and not _letter_spaced(prev) and not _letter_spaced(line))
            if not wrapped:
                out += "\n"
            elif not (is_cjk(out[-1]) or is_cjk(text[0])):
                out += " "
        out += text
        prev = line
    return out


def _letter_spaced(line: list[Segment]) -> bool:
    """True for a line spread to a fixed width (所　属　長): a label, never a wrapped line."""
    glyphs = [g for s in line for g in s.glyphs]
    if len(glyphs) < 2:
        return False
    gaps = sorted(b.x0 - a.x1 for a, b in itertools.pairwise(glyphs))
    return gaps[len(gaps) // 2] >= LETTER_SPACED_EM * glyphs[0].size


def _majority_frame(glyphs: list[Glyph]) -> Frame:
    """The frame most of `glyphs` are in (the first of `Frame` on a tie)."""
    counts = Counter(map(_frame_of, glyphs))
    return max(Frame, key=lambda f: counts[f])


def grid_to_table(grid: Grid, glyphs: list[Glyph], page: int, width: float,
                  height: float) -> TableGrid | None:
    """The rows of one ruled grid filled from `glyphs` (those inside it), or None."""
    frame = _majority_frame(glyphs) if glyphs else Frame.PAGE
    cells = [to_frame(c, frame, width, height) for c in grid.cells]
    if not cells:
        return None
    tops = _cluster([c[1] for c in cells])
    lefts = _cluster([c[0] for c in cells])
    if len(lefts) < 2:
        return None
    # Cell edges part text only across a gap: a Gantt bar's label running over a grid line
    # stays whole in the cell it starts in.
    index = BoxIndex(cells)
    by_cell: dict[int, list[Segment]] = {}
    home = index.home
    for seg in glyphs_to_segments([g for g in glyphs if g.frame is frame], index):
        first = seg.glyphs[0]
        k = home((first.x0 + first.x1) / 2, (first.top + first.bottom) / 2)
        if k >= 0:
            by_cell.setdefault(k, []).append(seg)
    matrix = [["" for _ in lefts] for _ in tops]
    for k, segs in by_cell.items():
        x0, top, x1, _ = index.boxes[k]
        r, c = _index(tops, top), _index(lefts, x0)
        text = cell_text(segs, x1)
        matrix[r][c] = f"{matrix[r][c]}\n{text}" if matrix[r][c] else text
    sizes = [g.size for segs in by_cell.values() for seg in segs for g in seg.glyphs]
    keep = [k for k, row in enumerate(matrix) if any(row)]
    if not keep:
        return None
    frame_bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                  max(c[2] for c in cells), max(c[3] for c in cells))
    bottoms = [*tops[1:], frame_bbox[3]]
    row_boxes = [from_frame((frame_bbox[0], tops[k], frame_bbox[2], bottoms[k]), frame, width,
                            height) for k in keep]
    rows = [tuple(matrix[k]) for k in keep]
    sizes.sort()
    confs = [g.conf for g in glyphs if g.conf is not None]
    return TableGrid(page, frame, from_frame(frame_bbox, frame, width, height), frame_bbox,
                     rows, row_boxes, tuple(lefts), sizes[len(sizes) // 2] if sizes else 0.0,
                     header=_is_header(rows),
                     ocr_confidence=round(sum(confs) / len(confs), 3) if confs else None)


def _is_header(rows: list[tuple[str, ...]]) -> bool:
    """True when the first of `rows` labels the columns: short, non-numeric, mostly filled."""
    if len(rows) < 2:
        return False
    first = [c for c in rows[0] if c]
    return (len(first) >= max(2, len(rows[0]) // 2)
            and all(len(c) <= HEADER_MAX_CHARS and not _NUMERIC.match(c) for c in first))


def continues(prev: TableGrid, nxt: TableGrid) -> bool:
    """True when `nxt`, at the top of the next page, carries on `prev` across the page break."""
    if nxt.page != prev.page + 1 or nxt.frame is not prev.frame:
        return False
    if len(nxt.columns) != len(prev.columns):
        return False
    offset = nxt.columns[0] - prev.columns[0]
    return all(abs(b - a - offset) <= JOIN_TOLERANCE_PT
               for a, b in zip(prev.columns, nxt.columns, strict=True)) \
        and abs(offset) <= JOIN_TOLERANCE_PT * 3
