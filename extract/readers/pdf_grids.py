"""Ruling lines to grids of cells: pdfplumber's table finder ("lines" strategy), made fast.

The steps and their results are pdfplumber's (`TableFinder` with default settings), to the
last float: the same edges in the same order, snapped to the same averages, joined the same
way, crossing at the same points, giving the same cells grouped into the same tables.
What differs is the cost: an edge is a tuple, not a dict copied at every step; crossings are
looked up among the horizontal edges near each vertical one instead of all pairs; a cell's
four sides are tested once per point; tables are grouped without rescanning a list.

1. edges      every line, every side of a rect, every step of a curve, as pdfplumber makes
              them (`rect_to_edges`, `line_to_edge`, `curve_to_edges`); short ones dropped
2. snap       edges within SNAP_PT of one another move to their cluster's average
3. join       collinear edges with gaps up to JOIN_PT become one
4. crossings  points where a vertical and a horizontal edge meet (within CROSS_PT)
5. cells      from each crossing, the smallest rectangle with four drawn sides
6. grids      cells sharing a corner, one grid each (a grid of one cell is dropped)
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import Any

from extract.readers.pdf_pages import PageObjects

# pdfplumber's TableSettings defaults, which the layout was tuned with.
SNAP_PT = 3.0
JOIN_PT = 3.0
CROSS_PT = 3.0
# Edges shorter than this are dropped before snapping, and after joining shorter than the next.
PREFILTER_MIN_PT = 1.0
EDGE_MIN_PT = 3.0
# Rects smaller than this (points, both sides) are dots of a leader line or a pattern, not rules.
MIN_RULE_PT = 2.0
# Pages need at least this many ruling objects before the table finder is worth running.
MIN_RULES = 4

Box = tuple[float, float, float, float]
# x0, top, x1, bottom and the edge's length (pdfplumber's "height" of a vertical edge, "width"
# of a horizontal one, which is not always recomputed from the ends).
Edge = tuple[float, float, float, float, float]
Point = tuple[float, float]
Sides = set[Box]


@dataclass(frozen=True, slots=True)
class Grid:
    """One ruled table: its cells (page coordinates, pdfplumber's order) and its box."""

    cells: list[Box]

    @property
    def bbox(self) -> Box:
        c = self.cells
        return (min(b[0] for b in c), min(b[1] for b in c), max(b[2] for b in c),
                max(b[3] for b in c))


def _is_rule(obj: dict[str, Any]) -> bool:
    return max(float(obj["width"]), float(obj["height"])) >= MIN_RULE_PT


def page_edges(page: PageObjects) -> tuple[list[Edge], list[Edge]] | None:
    """The vertical and horizontal edges of the page's rules, in pdfplumber's order (lines,
    then each rule's top, bottom, left and right side, then each step of each curve), or None
    with too few rules for a table."""
    rules = [r for r in page.rects if _is_rule(r)]
    if len(rules) + len(page.lines) + len(page.curves) < MIN_RULES:
        return None
    vertical: list[Edge] = []
    horizontal: list[Edge] = []
    for line in page.lines:
        x0, top, x1, bottom = line["x0"], line["top"], line["x1"], line["bottom"]
        if top == bottom:
            horizontal.append((x0, top, x1, bottom, line["width"]))
        else:  # a slanted line too, as pdfplumber has it
            vertical.append((x0, top, x1, bottom, line["height"]))
    for r in rules:
        x0, top, x1, bottom, width, height = (r["x0"], r["top"], r["x1"], r["bottom"],
                                              r["width"], r["height"])
        horizontal.append((x0, top, x1, top, width))
        horizontal.append((x0, top + height, x1, bottom, width))
        vertical.append((x0, top, x0, bottom, height))
        vertical.append((x1, top, x1, bottom, height))
    for curve in page.curves:
        pts = curve["pts"]
        for (ax, ay), (bx, by) in itertools.pairwise(pts):
            if ax == bx:
                vertical.append((ax, min(ay, by), ax, max(ay, by), abs(ay - by)))
            elif ay == by:
                horizontal.append((min(ax, bx), ay, max(ax, bx), ay, abs(ax - bx)))
    return ([e for e in vertical if e[4] >= PREFILTER_MIN_PT],
            [e for e in horizontal if e[4] >= PREFILTER_MIN_PT])


def _snap(edges: list[Edge], at: int) -> dict[float, list[Edge]]:
    """Edges within SNAP_PT of one another (by coordinate `at`: 0 is x0, 1 is top, chained
    through sorted distinct values) moved by their cluster's average, grouped by where they
    land: pdfplumber's `snap_objects`, whose float steps (sum in input order, shift = average
    minus own value, added to both ends) are kept."""
    values = sorted({e[at] for e in edges})
    cluster: dict[float, int] = {}
    k = 0
    for n, v in enumerate(values):
        if n and v > values[n - 1] + SNAP_PT:
            k += 1
        cluster[v] = k
    members: list[list[Edge]] = [[] for _ in range(k + 1 if values else 0)]
    for e in edges:
        members[cluster[e[at]]].append(e)
    out: dict[float, list[Edge]] = {}
    for group in members:
        average = sum(e[at] for e in group) / len(group)
        for e in group:
            shift = average - e[at]
            if at == 0:
                moved = (e[0] + shift, e[1], e[2] + shift, e[3], e[4])
            else:
                moved = (e[0], e[1] + shift, e[2], e[3] + shift, e[4])
            out.setdefault(moved[at], []).append(moved)
    return out


def _join(group: list[Edge], vertical: bool) -> list[Edge]:
    """Collinear edges (one snapped line) joined across gaps up to JOIN_PT: pdfplumber's
    `join_edge_group`, with its float steps (a vertical edge's new length is its old length
    plus the growth of its bottom)."""
    start, end = (1, 3) if vertical else (0, 2)
    ordered = sorted(group, key=lambda e: e[start])
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[start] <= last[end] + JOIN_PT:
            if e[end] > last[end]:
                if vertical:
                    joined[-1] = (last[0], last[1], last[2], e[3], last[4] + (e[3] - last[3]))
                else:
                    joined[-1] = (last[0], last[1], e[2], last[3], e[2] - last[0])
        else:
            joined.append(e)
    return joined


def merged_edges(vertical: list[Edge], horizontal: list[Edge]) -> tuple[list[Edge], list[Edge]]:
    """The edges snapped, joined and filtered by length (pdfplumber's `merge_edges` and the
    final `filter_edges`): vertical ones by x0, horizontal ones by top."""
    out: list[list[Edge]] = []
    for edges, at, is_vertical in ((vertical, 0, True), (horizontal, 1, False)):
        lines = _snap(edges, at)
        out.append([e for place in sorted(lines) for e in _join(lines[place], is_vertical)
                    if e[4] >= EDGE_MIN_PT])
    return out[0], out[1]


def crossings(vertical: list[Edge], horizontal: list[Edge]) -> dict[Point, tuple[Sides, Sides]]:
    """Each point where a vertical and a horizontal edge meet within CROSS_PT, with the boxes of
    the vertical and the horizontal edges through it: pdfplumber's `edges_to_intersections`
    (its tests, its points), looking only at horizontal edges whose top is near the vertical
    edge's span."""
    tol = CROSS_PT
    by_top = sorted(horizontal, key=lambda e: e[1])
    tops = [e[1] for e in by_top]
    out: dict[Point, tuple[Sides, Sides]] = {}
    for v in vertical:
        x, v_top, v_bottom = v[0], v[1], v[3]
        # A window a point wider than the tolerance; the exact tests below decide.
        first = bisect.bisect_left(tops, v_top - tol - 1.0)
        last = bisect.bisect_right(tops, v_bottom + tol + 1.0)
        for h in by_top[first:last]:
            top = h[1]
            if v_top <= top + tol and v_bottom >= top - tol and x >= h[0] - tol \
                    and x <= h[2] + tol:
                point = (x, top)
                sides = out.get(point)
                if sides is None:
                    sides = out[point] = (set(), set())
                sides[0].add(v[:4])
                sides[1].add(h[:4])
    return out


def smallest_cells(points: dict[Point, tuple[Sides, Sides]]) -> list[Box]:
    """The smallest cell whose top-left corner is each crossing, as pdfplumber's
    `intersections_to_cells` finds them, without its rescans of every later point and its
    per-test sets: each point's edges are read once, and the points below and to the right of
    a point are its column and its row, already in order.
    """
    ordered = sorted(points)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for p in ordered:  # sorted by x, then y: each column top to bottom, each row left to right
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)
    out: list[Box] = []
    for pt in ordered:
        below = [q for q in columns[pt[0]] if q[1] > pt[1]]
        right = [q for q in rows[pt[1]] if q[0] > pt[0]]
        cell = _smallest(pt, below, right, points)
        if cell is not None:
            out.append(cell)
    return out


def _smallest(pt: Point, below: list[Point], right: list[Point],
              points: dict[Point, tuple[Sides, Sides]]) -> Box | None:
    """The first cell from `pt` whose four sides are drawn, in pdfplumber's search order."""
    down_sides, across_sides = points[pt]
    for down in below:
        if down_sides.isdisjoint(points[down][0]):
            continue
        for side in right:
            if across_sides.isdisjoint(points[side][1]):
                continue
            corner = (side[0], down[1])
            found = points.get(corner)
            if found is not None and not found[0].isdisjoint(points[side][0]) \
                    and not found[1].isdisjoint(points[down][1]):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _corners(cell: Box) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def cells_to_grids(cells: list[Box]) -> list[Grid]:
    """Cells sharing corners grouped into grids, as pdfplumber's `cells_to_tables` groups them
    (the same passes over the remaining cells, so the same cells in the same order), top to
    bottom then left to right; a grid of one cell is dropped."""
    remaining = list(cells)
    groups: list[list[Box]] = []
    current: list[Box] = []
    corners: set[Point] = set()
    while remaining:
        grown = False
        kept: list[Box] = []
        for cell in remaining:
            own = _corners(cell)
            if not current or any(c in corners for c in own):
                corners.update(own)
                current.append(cell)
                grown = True
            else:
                kept.append(cell)
        remaining = kept
        if not grown:
            groups.append(current)
            current, corners = [], set()
    if current:
        groups.append(current)
    groups.sort(key=lambda g: min((c[1], c[0]) for c in g))
    return [Grid(g) for g in groups if len(g) > 1]


def find_grids(page: PageObjects) -> list[Grid]:
    """The ruled grids of a page, leader dots ignored."""
    edges = page_edges(page)
    if edges is None or not edges[0] or not edges[1]:
        return []  # no crossing without edges both ways
    vertical, horizontal = merged_edges(*edges)
    return cells_to_grids(smallest_cells(crossings(vertical, horizontal)))
