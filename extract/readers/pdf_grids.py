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
from operator import itemgetter
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
# Each crossing's vertical edges and its horizontal edges, as bit sets of their indices.
Crossings = tuple[dict[Point, int], dict[Point, int]]


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
    least = PREFILTER_MIN_PT  # tested as each edge is made, not on lists made in full
    for line in page.lines:
        x0, top, x1, bottom = line["x0"], line["top"], line["x1"], line["bottom"]
        if top == bottom:
            if line["width"] >= least:
                horizontal.append((x0, top, x1, bottom, line["width"]))
        elif line["height"] >= least:  # a slanted line too, as pdfplumber has it
            vertical.append((x0, top, x1, bottom, line["height"]))
    for r in rules:
        x0, top, x1, bottom, width, height = (r["x0"], r["top"], r["x1"], r["bottom"],
                                              r["width"], r["height"])
        if width >= least:
            horizontal.append((x0, top, x1, top, width))
            horizontal.append((x0, top + height, x1, bottom, width))
        if height >= least:
            vertical.append((x0, top, x0, bottom, height))
            vertical.append((x1, top, x1, bottom, height))
    for curve in page.curves:
        pts = curve["pts"]
        for (ax, ay), (bx, by) in itertools.pairwise(pts):
            if ax == bx:
                if abs(ay - by) >= least:
                    vertical.append((ax, min(ay, by), ax, max(ay, by), abs(ay - by)))
            elif ay == by and abs(ax - bx) >= least:
                horizontal.append((min(ax, bx), ay, max(ax, bx), ay, abs(ax - bx)))
    return vertical, horizontal


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
        average = sum([e[at] for e in group]) / len(group)
        if at == 0:
            moved = [(e[0] + (average - e[0]), e[1], e[2] + (average - e[0]), e[3], e[4])
                     for e in group]
        else:
            moved = [(e[0], e[1] + (average - e[1]), e[2], e[3] + (average - e[1]), e[4])
                     for e in group]
        for m in moved:
            out.setdefault(m[at], []).append(m)
    return out


def _join(group: list[Edge], vertical: bool) -> list[Edge]:
    """Collinear edges (one snapped line) joined across gaps up to JOIN_PT: pdfplumber's
    `join_edge_group`, with its float steps (a vertical edge's new length is its old length
    plus the growth of its bottom)."""
    if len(group) == 1:  # most lines: one edge, nothing to join
        return group
    start, end = (1, 3) if vertical else (0, 2)
    ordered = sorted(group, key=itemgetter(start))
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


def crossings(vertical: list[Edge], horizontal: list[Edge]) -> Crossings:
    """Each point where a vertical and a horizontal edge meet within CROSS_PT, with the
    vertical and the horizontal edges through it: pdfplumber's `edges_to_intersections` (its
    tests, its points), looking only at horizontal edges whose top is near the vertical edge's
    span. The edges through a point are a bit set (an int, bit k for the k-th edge): merged
    edges never share a box, so a shared bit is pdfplumber's shared edge, and an int costs
    neither a set per point nor the garbage collector's attention."""
    tol = CROSS_PT
    order = sorted(range(len(horizontal)), key=lambda k: horizontal[k][1])
    tops = [horizontal[k][1] for k in order]
    down: dict[Point, int] = {}
    across: dict[Point, int] = {}
    for n, v in enumerate(vertical):
        x, v_top, v_bottom = v[0], v[1], v[3]
        bit = 1 << n
        # A window a point wider than the tolerance; the exact tests below decide.
        first = bisect.bisect_left(tops, v_top - tol - 1.0)
        last = bisect.bisect_right(tops, v_bottom + tol + 1.0)
        for k in order[first:last]:
            h = horizontal[k]
            top = h[1]
            if v_top <= top + tol and v_bottom >= top - tol and x >= h[0] - tol \
                    and x <= h[2] + tol:
                point = (x, top)
                down[point] = down.get(point, 0) | bit
                across[point] = across.get(point, 0) | 1 << k
    return down, across


def smallest_cells(points: Crossings) -> list[Box]:
    """The smallest cell whose top-left corner is each crossing, as pdfplumber's
    `intersections_to_cells` finds them, without its rescans of every later point and its
    per-test sets: each point's edges are read once, and the points below and to the right of
    a point are the rest of its column and of its row, already in order (a slice, not a scan).
    """
    ordered = sorted(points[0])
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    place: list[tuple[list[Point], int, list[Point], int]] = []
    for p in ordered:  # sorted by x, then y: each column top to bottom, each row left to right
        column = columns.setdefault(p[0], [])
        row = rows.setdefault(p[1], [])
        place.append((column, len(column) + 1, row, len(row) + 1))
        column.append(p)
        row.append(p)
    out: list[Box] = []
    for pt, (column, below, row, right) in zip(ordered, place, strict=True):
        cell = _smallest(pt, column[below:], row[right:], points)
        if cell is not None:
            out.append(cell)
    return out


def _smallest(pt: Point, below: list[Point], right: list[Point], points: Crossings) -> Box | None:
    """The first cell from `pt` whose four sides are drawn, in pdfplumber's search order."""
    down, across = points
    down_sides, across_sides = down[pt], across[pt]
    for d in below:
        if not down_sides & down[d]:
            continue
        for side in right:
            if not across_sides & across[side]:
                continue
            corner = (side[0], d[1])
            found = down.get(corner)
            if found is not None and found & down[side] and across[corner] & across[d]:
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _corners(cell: Box) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def _components(corners: list[tuple[Point, Point, Point, Point]]) -> list[list[int]]:
    """Indices of cells linked through shared corners, one list per group (union-find), the
    groups in the order of their first cell, each in list order."""
    parent = list(range(len(corners)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    first: dict[Point, int] = {}
    for k, own in enumerate(corners):
        for c in own:
            j = first.setdefault(c, k)
            if j != k:
                a, b = root(j), root(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for k in range(len(corners)):
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def cells_to_grids(cells: list[Box]) -> list[Grid]:
    """Cells sharing corners grouped into grids, as pdfplumber's `cells_to_tables` groups them
    (the same passes over the remaining cells, so the same cells in the same order), top to
    bottom then left to right; a grid of one cell is dropped.

    pdfplumber's passes grow one group from the first remaining cell until a pass adds
    nothing, so each group is a connected component; the components are found first, and
    the passes run over one component's cells only (cells of others never join it).
    """
    corners = [_corners(cell) for cell in cells]
    groups: list[list[Box]] = []
    for component in _components(corners):
        if len(component) < 2:
            continue  # dropped below; leaving it out here keeps the others' order
        remaining = component
        current: list[Box] = []
        seen: set[Point] = set()
        while remaining:
            kept: list[int] = []
            for k in remaining:
                own = corners[k]
                if not current or any(c in seen for c in own):
                    seen.update(own)
                    current.append(cells[k])
                else:
                    kept.append(k)
            remaining = kept
        groups.append(current)
    groups.sort(key=lambda g: min((c[1], c[0]) for c in g))
    return [Grid(g) for g in groups]


def find_grids(page: PageObjects) -> list[Grid]:
    """The ruled grids of a page, leader dots ignored."""
    edges = page_edges(page)
    if edges is None or not edges[0] or not edges[1]:
        return []  # no crossing without edges both ways
    vertical, horizontal = merged_edges(*edges)
    return cells_to_grids(smallest_cells(crossings(vertical, horizontal)))
