"""The heading tree, built from labelled lines.

`classify.py` has decided which lines are headings; this module decides where each one hangs.
Markup headings (h1–h6, PDF type sizes) close everything below their level. Marked headings
(第1章, 1, (1), ①, ア, ■, <…>) nest by family, with each family's depth learned over the whole
document (`family_depths`): a family that appears nested inside another one's run sits below
it. A family already open closes everything opened after it and starts a sibling; numbering
that restarts (1 right after 1, or deeper indentation) nests. Unmarked headings sit above the
marked ones: one directly followed by another unmarked heading is a group (level 1) over the
ones after it (level 2). Every other line becomes an entry of the open section; table rows
whose first cell is numbered become sections of their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.blocks import BlockKind, Line
from extract.structure.classify import Label, LineKind
from extract.structure.features import (
    ARTICLE_CAPTION,
    MAX_HEADING_CHARS,
    form_section_rank,
    letters,
)
from extract.structure.markers import Marker, parse_family, parse_marker

# A cell this long ending like a verb is a sentence even without 。.
SENTENCE_CHARS = 20
# A table row heads a section of its own only when its numbered first cell names something.
MIN_ROW_TITLE_LETTERS = 2
# A row with this many year cells is a schedule's header.
MIN_SCHEDULE_YEARS = 3
SCHEDULE_COLUMN = "工程"
_YEAR_CELL = re.compile(
    r"(?:令和|平成|昭和|[RHS])?\s*(?:\d{1,2}|元|19\d\d|20\d\d)\s*年度?|(?:19|20)\d\d"
)
_EXCERPT = re.compile(r"\s*抄$")


@dataclass(slots=True)
class Entry:
    """A piece of content placed under a section: a paragraph, a list item or a table cell."""

    text: str
    span: tuple[int, int]
    page: int | None
    role: str  # "paragraph" | "item" | "cell" | "row" | "schedule" (a row of years)
    label: str | None = None
    parent_label: str | None = None  # a compound label's parent: "1" of "1-①"
    column: str | None = None  # the header of a table cell's column
    row: tuple[int, int] | None = None  # (table, row) of a table cell


@dataclass(slots=True)
class Section:
    """A heading and everything under it."""

    title: str | None
    label: str | None
    family: str | None
    span: tuple[int, int] | None
    page: int | None = None
    num: int | None = None
    indent: int = 0
    markup_level: int | None = None
    body: list[Entry] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    table: int | None = None  # set when the section is a row of a table
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)

    def walk(self) -> list[Section]:
        """This section and all below it, in reading order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def is_sentence(text: str) -> bool:
    """True for a cell holding a sentence ("…に努めます。"), not a label or a name."""
    return "。" in text or (len(text) >= SENTENCE_CHARS and text[-1] in "るすたい要")


def family_depths(lines: list[Line], labels: list[Label]) -> dict[str, int]:
    """The depth of each heading marker family, from the ordinal runs of the whole document.

    Between two headings of family A whose numbers run on (2 after 1), every family seen is
    below A; when family B starts counting again (1 after 3), every family seen since B's last
    heading is above B. Each pair of families takes the direction most of the document votes
    for, and a family's depth is the number of families above it. Read from the marked
    headings (those the source did not set apart).
    """
    seq = [(m.family, m.num) for line, label in zip(lines, labels, strict=True)
           if label.kind is LineKind.HEADING and line.markup_level is None
           and (m := parse_marker(line.text)) is not None]
    return _depths(seq, restarts=True)


def run_depths(lines: list[Line], labels: list[Label]) -> dict[str, int]:
    """The depth of each numbered family among all headings, set apart or not, from runs that
    go on only (a family seen between 1 and 2 of another is below it). A restart is no vote
    here: a document of several parts (a plan, then its annex) restarts its top numbering."""
    seq = [(m.family, m.num) for line, label in zip(lines, labels, strict=True)
           if label.kind is LineKind.HEADING
           and (m := parse_marker(line.text)) is not None and m.num is not None]
    return _depths(seq, restarts=False)


def _depths(seq: Sequence[tuple[str, int | None]], restarts: bool) -> dict[str, int]:
    below: dict[tuple[str, str], int] = {}
    last: dict[str, tuple[int, int | None]] = {}
    for k, (family, num) in enumerate(seq):
        if family in last:
            at, prev = last[family]
            between = {f for f, _ in seq[at + 1:k] if f != family}
            if num is not None and prev is not None and num == prev + 1:
                for other in between:
                    below[(other, family)] = below.get((other, family), 0) + 1
            elif restarts and num is not None and prev is not None and num <= prev:
                for other in between:
                    below[(family, other)] = below.get((family, other), 0) + 1
        last[family] = (k, num)
    families = {f for f, _ in seq}
    return {f: sum(below.get((f, o), 0) > below.get((o, f), 0) for o in families if o != f)
            for f in families}


def bullets_over_unmarked(lines: list[Line], labels: list[Label]) -> frozenset[str]:
    """The bullet families that mark headings above the unmarked ones: "■" when more unmarked
    headings come between two "■" headings ("基本理念" and "基本テーマ" inside "■基本的な考え方")
    than "■" headings come between two unmarked ones (a "■研修" list inside "基本方針")."""
    seq: list[str] = []
    for line, label in zip(lines, labels, strict=True):
        if label.kind is LineKind.HEADING and line.markup_level is None:
            marker = parse_marker(line.text)
            seq.append("U" if marker is None else marker.family)
    unmarked = [k for k, f in enumerate(seq) if f == "U"]
    found: set[str] = set()
    for family in {f for f in seq if f.startswith("bullet")}:
        mine = [k for k, f in enumerate(seq) if f == family]
        inside = sum(seq[a + 1:b].count("U") for a, b in itertools.pairwise(mine))
        around = sum(seq[a + 1:b].count(family) for a, b in itertools.pairwise(unmarked))
        if inside > around:
            found.add(family)
    return frozenset(found)


def continued_levels(lines: list[Line], labels: list[Label]) -> list[int | None]:
    """The markup level of each heading; a numbered heading the reader did not set apart takes
    the level of the heading its number continues.

    "3 北海道警察" at the top of a page, printed like body text, after "2 北海道" set apart at
    level 4 is the third item of that run at level 4, not a child of "2". The run is the last
    heading of the same marker family, numbered one less, with no heading of a higher level
    (a smaller number) between them.
    """
    levels = [line.markup_level if label.kind is LineKind.HEADING else None
              for line, label in zip(lines, labels, strict=True)]
    last: dict[str, tuple[int, int]] = {}  # family -> (its last number, that heading's level)
    for k, (line, label) in enumerate(zip(lines, labels, strict=True)):
        if label.kind is not LineKind.HEADING:
            continue
        marker = parse_marker(line.text)
        level = levels[k]
        if level is None and marker is not None and marker.num is not None:
            prev = last.get(marker.family)
            if prev is not None and prev[0] == marker.num - 1:
                level = levels[k] = prev[1]
        if level is None:
            continue
        last = {f: v for f, v in last.items() if v[1] <= level}
        if marker is not None and marker.num is not None:
            last[marker.family] = (marker.num, level)
    return levels


def nest_by_family(lines: list[Line], labels: list[Label],
                   levels: list[int | None]) -> list[int | None]:
    """`levels` with the numbers' nesting put above the type sizes.

    A run's first heading ("1.") set as large as, or larger than, the open heading of a family
    the document's runs put above its own ("Ⅲ.", where an earlier "1." came between "Ⅰ." and
    "Ⅱ.") is a child of that heading: it and every heading after it move down by the same
    number of levels, until a heading of that family, or of one above it, comes.

    A numbering that starts again while a heading of its own family is still open above it
    ("Ⅰ." inside chapter "Ⅰ.", quoting another plan's goals), set no deeper than the heading
    before it, is a list inside that heading: its items go one level below it, and the
    headings after them keep their own levels.
    """
    depth = run_depths(lines, labels)
    out = list(levels)
    shift = 0
    until = -1  # while shifting: the depth of the family whose heading ends the shift
    open_: list[tuple[str, int]] = []  # the numbered headings open: (family, level)
    # a restarted run: (family, its last number, its level, the level of the heading it is in)
    inner: tuple[str, int, int, int] | None = None
    prev: int | None = None  # the level of the heading before
    for k, level in enumerate(levels):
        if level is None:
            continue
        marker = parse_marker(lines[k].text)
        num = marker.num if marker is not None else None
        family = marker.family if marker is not None and num is not None else None
        mine = depth.get(family or "", -1)
        if shift and family is not None and mine <= until:
            shift = 0
        new = level + shift
        if inner is not None and new <= inner[3]:
            inner = None  # a heading as high as the one the list is in closes the list
        if inner is not None and family == inner[0] and num == inner[1] + 1:
            new = inner[2]
            inner = (inner[0], inner[1] + 1, new, inner[3])
        elif family is not None and num == 1 and prev is not None and prev >= new \
                and (anchor := [lv for f, lv in open_ if f == family and lv < new]):
            new = prev + 1
            inner = (family, 1, new, anchor[-1])
        else:
            above = [(f, lv) for f, lv in open_ if depth.get(f, mine) < mine and lv >= new]
            if family is not None and num == 1 and above and not shift:
                parent_family, parent_level = above[-1]
                shift = parent_level + 1 - level
                until = depth[parent_family]
                new = level + shift
        open_ = [(f, lv) for f, lv in open_ if lv < new]
        if family is not None:
            open_.append((family, new))
        out[k] = prev = new
    return out


def run_levels(lines: list[Line], labels: list[Label]) -> list[int | None]:
    """The heading level of each line, with unnumbered headings placed by the numbered runs.

    Type sizes rank a PDF's headings, but the numbers outrank the sizes. An unnumbered heading
    set large in the middle of a run ("<特例>" between "2." and "3." of one level) belongs to
    the run's current item: its level becomes one below the run's. One set large before a run
    that counts 1, 2, 3 … without restarting, with no numbered heading above the run before
    it, and with a body of its own, is the run's sibling ("村内の主な出来事" over a timeline,
    before "Ⅰ."), not its parent; a title directly over the run's "1" stays its parent.
    """
    levels = nest_by_family(lines, labels, continued_levels(lines, labels))
    markers = [parse_marker(line.text) if level is not None else None
               for line, level in zip(lines, levels, strict=True)]
    numbered = [m is not None and m.numbered for m in markers]
    runs: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for k, (marker, level) in enumerate(zip(markers, levels, strict=True)):
        if marker is not None and marker.numbered and marker.num is not None and level:
            runs.setdefault((marker.family, level), []).append((k, marker.num))
    out = list(levels)
    for (_, level), items in runs.items():
        for (a, n), (b, m) in itertools.pairwise(items):
            if m != n + 1:
                continue
            for j in range(a + 1, b):
                if levels[j] is not None and (levels[j] or 0) <= level and not numbered[j]:
                    out[j] = level + 1
        counts = [n for _, n in items]
        if len(items) < 2 or counts != list(range(1, len(items) + 1)):
            continue
        first = items[0][0]
        if any(numbered[j] and (levels[j] or 0) < level for j in range(first)):
            continue
        for j in range(first):
            if levels[j] is not None and (levels[j] or 0) < level and not numbered[j] \
                    and levels[j + 1] is None:
                out[j] = level  # it has a body of its own: a title directly over 1 heads it
    return out


class Builder:
    """Places lines one by one into a tree of sections, keeping the stack of open headings."""

    def __init__(self, lines: list[Line], labels: list[Label]) -> None:
        self.lines = lines
        self.labels = labels
        self.root = Section(None, None, None, None)
        self.stack: list[Section] = [self.root]
        self.group_open = False
        self.depth = family_depths(lines, labels)
        self.over_unmarked = bullets_over_unmarked(lines, labels)
        self.levels = run_levels(lines, labels)

    def unmarked_heading(self, i: int) -> bool:
        """True when line i is a heading with neither markup nor a marker."""
        return (i < len(self.lines) and self.labels[i].kind is LineKind.HEADING
                and self.lines[i].markup_level is None and parse_marker(self.lines[i].text) is None)

    def article(self, i: int) -> Section | None:
        """An article of a bylaw: "(設置)" over "第1条 …", or a 附則 line; else None."""
        line = self.lines[i]
        fired = self.labels[i].fired
        if "supplementary" in fired:
            title = _EXCERPT.sub("", line.text).strip()
            return Section(title, None, "article", line.span, line.page)
        caption = ARTICLE_CAPTION.fullmatch(line.text)
        if "article_caption" not in fired or caption is None:
            return None
        body = self.lines[i + 1]
        number = parse_family("jo", body.text)
        if number is None:
            return None
        section = Section(caption.group(1), number.label, "article", line.span,
                          line.page, number.num)
        section.body.append(Entry(number.title, body.span, body.page, "paragraph"))
        return section

    # -- placement --------------------------------------------------------------------------

    def push(self, section: Section) -> None:
        self.stack[-1].children.append(section)
        self.stack.append(section)

    def place_markup(self, section: Section) -> None:
        level = 1 if section.markup_level is None else section.markup_level
        while len(self.stack) > 1 and self.closes(len(self.stack) - 1, level):
            self.stack.pop()
        self.push(section)

    def closes(self, k: int, level: int) -> bool:
        """True when a heading of markup `level` closes the open section at stack[k]: one of a
        level as high or higher, or any unmarked one; an inner form section ((原告の主張)) is
        closed only by a heading at the level of the heading it sits under, or higher."""
        open_ = self.stack[k]
        if open_.family == "form":
            anchor = next((s.markup_level for s in reversed(self.stack[:k])
                           if s.markup_level is not None), None)
            return anchor is None or anchor >= level
        return open_.markup_level is None or open_.markup_level >= level

    def place_unmarked(self, section: Section, group: bool) -> None:
        markup = max((k for k, s in enumerate(self.stack) if s.markup_level is not None
                      or s.family in self.over_unmarked), default=0)
        anchor = next((k for k, s in enumerate(self.stack) if s.family == "U1" and k > markup),
                      None)
        if group or anchor is None or not self.group_open:
            section.family = "U1"
            self.group_open = group
            self.stack = self.stack[: max(markup + 1, 1)]
        else:
            section.family = "U2"
            self.stack = self.stack[: anchor + 1]
        self.push(section)

    def place_form_section(self, section: Section, rank: str) -> None:
        """A fixed form's section name: a "top" one (主文, 事実及び理由) heads everything after
        it (level 0, above any type size); an "inner" one ((原告の主張)) opens under the heading
        it follows and closes the inner one before it with all that was opened under it."""
        section.title = (section.title or "").strip("()")
        if rank == "top":
            section.markup_level = 0
            self.place_markup(section)
            return
        section.family = "form"
        inner = [k for k, s in enumerate(self.stack) if s.family == "form"]
        if inner:
            self.stack = self.stack[:inner[-1]]
        self.push(section)

    def place_marked(self, section: Section) -> None:
        family = section.family
        positions = [k for k, s in enumerate(self.stack) if s.family == family]
        if family in self.over_unmarked:
            # a heading bullet closes the unmarked headings opened after its last heading
            while len(self.stack) > 1 and self.stack[-1].family in ("U1", "U2"):
                self.stack.pop()
            positions = [k for k in positions if k < len(self.stack)]
        if not positions:
            self.close_shallower(section)
            self.push(section)
            return
        deepest = self.stack[positions[-1]]
        if section.num == 1 and (deepest.num or 0) >= 1:
            deeper = section.indent > deepest.indent
            direct = self.stack[-1] is deepest and not deepest.body and not deepest.children
            if deeper or direct:
                self.push(section)  # numbering restarts one level down
                return
        same_indent = [k for k in positions if self.stack[k].indent == section.indent]
        pool = same_indent or positions
        follows = [k for k in pool
                   if section.num is not None and self.stack[k].num == section.num - 1]
        target = (follows or pool)[-1]
        self.stack = self.stack[:target]
        self.push(section)

    def close_shallower(self, section: Section) -> None:
        """Close open marked headings of families the document sets below this one's: a "1"
        after "(2)" returns to the level of the last "1", not under "(2)"."""
        mine = self.depth.get(section.family or "")
        if mine is None:
            return
        while len(self.stack) > 1:
            top = self.stack[-1]
            theirs = self.depth.get(top.family or "")
            if theirs is None or theirs <= mine or top.markup_level is not None:
                return
            self.stack.pop()

    def add_body(self, entry: Entry) -> None:
        self.stack[-1].body.append(entry)

    # -- tables -------------------------------------------------------------------------------

    def place_table(self, rows: list[Line]) -> None:
        """Rows whose first cell is numbered become sections; other cells are entries.

        A schedule (a row listing years, as in a 工程表) keeps that row whole, for the plan's
        period, and marks the cells past the category columns as scheduled work.
        """
        header: tuple[str, ...] = ()
        years = next((k for k, r in enumerate(rows) if _year_row(r.cells)), None)
        if years is not None:
            for row in rows[:years]:
                self.add_body(Entry(row.text, row.span, row.page, "row"))
            year_row = rows[years]
            self.add_body(Entry(year_row.text, year_row.span, year_row.page, "schedule"))
            years_cells = year_row.cells
            first_year = next(k for k, c in enumerate(years_cells)
                              if _YEAR_CELL.fullmatch(c.strip()))
            # Work items start under the first year, or just before it when a bar starts early.
            work = max(1, first_year - 1)
            header = tuple(SCHEDULE_COLUMN if k >= work else c
                           for k, c in enumerate(years_cells))
            rows = rows[years + 1:]
        elif rows[0].header and not any(
                parse_marker(c) or is_sentence(c) for c in rows[0].cells if c):
            first = rows[0]
            header = first.cells
            rows = rows[1:]
            self.add_body(Entry(first.text, first.span, first.page, "row"))
        if not rows:
            return
        owner = self.stack[-1]
        by_label: dict[str, Section] = {}
        pending: list[Entry] = []  # compound-labelled cells seen before their section's row
        current: Section | None = None
        for row in rows:
            cells = list(zip(row.cells, _cell_offsets(row.cells, row.span[0]), strict=True))
            lead = parse_marker(row.cells[0]) if row.cells[0] else None
            shift = 0
            table, index = (row.cell or (0, 0, 0))[:2]
            # A row headed by a number and one character ("1 級") or a figure ("8 -56") is a
            # row of the table's own scale, not a numbered item.
            if (lead and lead.title and lead.numbered and not lead.compound
                    and letters(lead.title) >= MIN_ROW_TITLE_LETTERS
                    and len(lead.title) <= MAX_HEADING_CHARS and not is_sentence(lead.title)):
                current = Section(lead.title, lead.label, f"table:{lead.family}", cells[0][1],
                                  row.page, lead.num, table=table,
                                  confidence=0.5, evidence=["in_table", "numbered"])
                self.stack = self.stack[: self.stack.index(owner) + 1]
                self.push(current)
                if lead.label:
                    by_label[lead.label] = current
                cells, shift = cells[1:], 1
            for k, (cell, span) in enumerate(cells):
                if not cell:
                    continue
                column = header[k + shift] if k + shift < len(header) else None
                entry = Entry(cell, span, row.page, "cell", column=column, row=(table, index))
                marker = parse_marker(cell)
                if marker and marker.label:
                    entry.label, entry.parent_label, entry.text = (
                        marker.label, marker.parent, marker.title)
                if marker and marker.parent:
                    if marker.parent not in by_label:
                        pending.append(entry)
                        continue
                    by_label[marker.parent or ""].body.append(entry)
                    continue
                (current or owner).body.append(entry)
        for entry in pending:
            by_label.get(entry.parent_label or "", current or owner).body.append(entry)
        self.stack = self.stack[: self.stack.index(owner) + 1]

    # -- driver -------------------------------------------------------------------------------

    def section(self, i: int, marker: Marker | None) -> Section:
        line, label = self.lines[i], self.labels[i]
        # A marker's title without it: a number, a bullet and brackets wrapping the whole
        # heading ("[現状と課題]") are not part of the title, whatever type sets the line.
        title = marker.title if marker is not None else line.text
        return Section(title, marker.label if marker else None,
                       marker.family if marker else None, line.span, line.page,
                       marker.num if marker else None, indent=line.indent,
                       markup_level=line.markup_level, confidence=label.confidence,
                       evidence=label.evidence)

    def build(self) -> Section:
        i = 0
        while i < len(self.lines):
            line, label = self.lines[i], self.labels[i]
            if line.kind is BlockKind.TABLE_ROW:
                j = i + 1
                while (j < len(self.lines) and self.lines[j].kind is BlockKind.TABLE_ROW
                       and _table(self.lines[j]) == _table(line)):
                    j += 1
                self.place_table(self.lines[i:j])
                i = j
                continue
            marker = parse_marker(line.text)
            if label.kind is LineKind.HEADING:
                article = self.article(i)
                if article is not None:
                    article.confidence, article.evidence = label.confidence, label.evidence
                    self.place_marked(article)
                    i += 2 if article.label else 1
                    continue
                section = self.section(i, marker)
                rank = form_section_rank(line.text) if "form_section" in label.fired else None
                if rank is not None:
                    self.place_form_section(section, rank)
                elif self.levels[i] is not None:
                    section.markup_level = self.levels[i]
                    section.family = f"h{self.levels[i]}"
                    self.place_markup(section)
                elif marker is not None:
                    self.place_marked(section)
                else:
                    self.place_unmarked(section, group=self.unmarked_heading(i + 1))
            else:
                # A figure's label or a box of a chart is no item of a list, whatever opens it.
                item = marker is not None or line.kind is BlockKind.LIST_ITEM
                role = "item" if item and label.kind is not LineKind.FIGURE_LABEL \
                    else "paragraph"
                # Brackets enclose a caption's words rather than mark an item: kept as printed.
                printed = line.text if marker is None or marker.family.startswith(
                    "bracket") else marker.title
                self.add_body(Entry(printed, line.span,
                                    line.page, role, label=marker.label if marker else None,
                                    parent_label=marker.parent if marker else None))
            i += 1
        return self.root


def _table(line: Line) -> int | None:
    return line.cell[0] if line.cell is not None else None


def _year_row(cells: tuple[str, ...]) -> bool:
    """True for a row listing years: "年度 2023 2024 2025", "令和3年度 令和4年度 …"."""
    return sum(bool(_YEAR_CELL.fullmatch(c.strip())) for c in cells) >= MIN_SCHEDULE_YEARS


def _cell_offsets(cells: tuple[str, ...], start: int) -> list[tuple[int, int]]:
    """Spans of the cells of a tab-joined row that starts at `start`."""
    spans: list[tuple[int, int]] = []
    pos = start
    for cell in cells:
        spans.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return spans


def build_tree(lines: list[Line], labels: list[Label]) -> Section:
    """The root section of the document's heading tree."""
    return Builder(lines, labels).build()
