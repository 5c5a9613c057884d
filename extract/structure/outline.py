"""The heading hierarchy, inferred from numbering markers, markup levels and layout.

Japanese plans number their headings with families of markers (第1章, 1, (1), ①, ア, ■, <…>)
whose nesting differs from one document to the next. The depth of a family is learned from
the order the families appear in: a family not yet open nests under the current heading; a
family already open closes everything opened after it and starts a sibling. Numbering that
restarts (1 right after 1, or deeper indentation) nests. Unmarked headings (short lines
without a sentence end) sit above the marked ones: one directly followed by another unmarked
heading is a group (level 1) over the ones after it (level 2). Markup headings (h1–h6, PDF
heading levels) close everything below their level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from extract.blocks import Block, BlockKind
from extract.periods.values import to_int
from extract.rules import load

# A numbered line longer than this, or ending in 。, is a list item with a body, not a heading.
MAX_HEADING_CHARS = 60
# An unmarked line is a heading candidate only when this short (titles are noun phrases).
MAX_UNMARKED_HEADING_CHARS = 40
# Share of long paragraphs indented (字下げ) above which an indented line is never a heading.
INDENTED_PARAGRAPH_SHARE = 0.5
# A line ending in one of these is a sentence cut by the layout, not a title.
_FRAGMENT_END = re.compile(r"[はがをにでともへやの、,。.:：;]$|から$|より$|ため$")

# A title names something: "76.78" set in large type is a figure, not a heading ("猫" is one).
MIN_TITLE_LETTERS = 1
# An unmarked plain-text line needs more to pass for a title.
MIN_UNMARKED_LETTERS = 2
# A title that ends with its unit names a chart or an indicator, not a section.
UNIT_LABEL = re.compile(r"\((?:%|円|人|千円|万円|件|m3|m³|km2|倍|回|時間)\)$")
# Bylaws (例規): an article's caption over its number, supplementary provisions, lists.
_CAPTION = re.compile(r"\(([^()]{1,20})\)")
_ARTICLE = re.compile(r"(第([0-9一二三四五六七八九十百]+)条(?:の[0-9]+)?)\s*")
_SUPPLEMENTARY = re.compile(r"^附\s*則(?:\s*\(.*\))?\s*(?:抄)?$")
_EXCERPT = re.compile(r"\s*抄$")
_LIST_CUES = ("次に掲げる", "次のとおり", "次の各号", "以下のとおり", "次のような")
# A line that is only a date or a bylaw's number heads nothing ("条例第13号").
_NOT_A_TITLE = re.compile(
    r"^(?:(?:明治|大正|昭和|平成|令和)(?:\d+|元)年\d+月\d+日|(?:条例|規則|訓令|告示)第\d+号)$"
)
# A diagram's box holds fragments this short ("住民本位の行政と").
MAX_FRAGMENT_CHARS = 20
# A cell this long ending like a verb is a sentence even without 。.
SENTENCE_CHARS = 20
# A row with this many year cells is a schedule's header.
MIN_SCHEDULE_YEARS = 3
SCHEDULE_COLUMN = "工程"
_YEAR_CELL = re.compile(
    r"(?:令和|平成|昭和|[RHS])?\s*(?:\d{1,2}|元|19\d\d|20\d\d)\s*年度?|(?:19|20)\d\d"
)

_KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノ"
    "ハヒフヘホマミムメモヤユヨラリルレロワヲン"
)
_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"


@dataclass(frozen=True, slots=True)
class Marker:
    """A numbering marker at the start of a line."""

    family: str
    label: str | None  # as printed; None for bullets and bracketed headings
    num: int | None  # ordinal for numbering continuity
    parent: str | None  # "1" of a compound label "1-①"
    title: str  # the line without its marker


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    ordinal: str
    pattern: re.Pattern[str]


@cache
def _families() -> tuple[tuple[_Family, ...], str, dict[str, str], tuple[str, ...]]:
    raw = load("markers")
    families = tuple(
        _Family(f["family"], f["ordinal"], re.compile(f["pattern"])) for f in raw["families"]
    )
    return families, raw["bullets"], raw["brackets"], tuple(raw["caption_prefixes"])


def _ordinal(kind: str, text: str) -> int | None:
    if kind in ("number", "kanji"):
        return to_int(text)
    if kind == "circled":
        return ord(text) - ord("①") + 1
    if kind == "katakana":
        return _KATAKANA.index(text) + 1 if text in _KATAKANA else None
    if kind == "roman":
        return _ROMAN.index(text) + 1 if text in _ROMAN else None
    if kind == "alpha":
        return ord(text.upper()) - ord("A") + 1
    return None


def parse_marker(text: str) -> Marker | None:
    """The marker opening `text`: "(1)「成果志向」…" → (1); "1年間の…" → None."""
    families, bullets, brackets, _ = _families()
    if len(text) > 1 and text[0] in bullets:
        title = text.lstrip(bullets + " ")
        return Marker(f"bullet{text[0]}", None, None, None, title) if title else None
    close = brackets.get(text[:1])
    if close and text.endswith(close) and 1 < len(text) <= MAX_UNMARKED_HEADING_CHARS:
        inner = text[1:-1].strip()
        if inner and close not in inner:
            return Marker(f"bracket{text[0]}", None, None, None, inner)
    for family in families:
        m = family.pattern.match(text)
        if m:
            groups = m.groupdict()
            num = _ordinal(family.ordinal, groups["num"]) if groups.get("num") else None
            return Marker(family.name, m.group("label"), num, groups.get("parent"),
                          m.group("title").strip())
    return None


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

    def walk(self) -> list[Section]:
        """This section and all below it, in reading order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass(frozen=True, slots=True)
class Placed:
    """A block with its span in the document text."""

    block: Block
    span: tuple[int, int]


def _is_caption(text: str) -> bool:
    prefixes = _families()[3]
    return any(text.startswith(p) and len(text) > len(p) and not text[len(p)].isalpha()
               for p in prefixes)


def _demote_diagram_labels(placed: list[Placed]) -> list[Placed]:
    """Headings that are labels inside a diagram, as plain paragraphs.

    On slide-like pages a box label is often set larger than the headings around it
    (12pt heading, 16pt label, 10pt heading). Such a label holds only short fragments
    ("住民視点に沿った" / "利便性が感じられる行政の実現") and sits between smaller headings;
    as a heading it would capture the smaller headings that follow it.
    """
    heads = [k for k, p in enumerate(placed)
             if p.block.kind is BlockKind.HEADING and p.block.level is not None
             and p.block.font_size is not None]
    out = list(placed)
    for prev, here, nxt in zip(heads, heads[1:], heads[2:], strict=False):
        level = placed[here].block.level or 0
        if not ((placed[prev].block.level or 0) > level < (placed[nxt].block.level or 0)):
            continue
        between = [p.block for p in placed[here + 1:nxt]]
        fragments = bool(between) and all(
            b.kind is BlockKind.PARAGRAPH and len(b.text) <= MAX_FRAGMENT_CHARS
            and "。" not in b.text for b in between)
        if fragments:
            out[here] = Placed(replace(placed[here].block, kind=BlockKind.PARAGRAPH),
                               placed[here].span)
    return out


def _uses_indentation(blocks: list[Block]) -> bool:
    long = [b for b in blocks if b.kind is BlockKind.PARAGRAPH and len(b.text) > 40]
    return bool(long) and sum(b.indent > 0 for b in long) >= INDENTED_PARAGRAPH_SHARE * len(long)


class _Builder:
    """Places blocks one by one into a tree of sections, keeping the stack of open headings."""

    def __init__(self, blocks: list[Placed]) -> None:
        self.placed = _demote_diagram_labels(blocks)
        self.root = Section(None, None, None, None)
        self.stack: list[Section] = [self.root]
        self.indented = _uses_indentation([p.block for p in blocks])
        # Where the source marks its headings (h1–h6, PDF type sizes), short lines are not
        # guessed to be headings; flat text is all there is to go on otherwise.
        self.marked_up = any(p.block.kind is BlockKind.HEADING for p in blocks)
        self.group_open = False
        self.in_list: str | None = None  # the marker family of a list a sentence announced

    # -- classification -------------------------------------------------------------------

    def unmarked_heading(self, i: int) -> bool:
        """True when block i is a short, unnumbered, unindented title line."""
        if i >= len(self.placed):
            return False
        block = self.placed[i].block
        text = block.text
        if block.kind is not BlockKind.PARAGRAPH or self.marked_up:
            return False
        if self.indented and block.indent > 0:
            return False
        if len(text) > MAX_UNMARKED_HEADING_CHARS or _FRAGMENT_END.search(text):
            return False
        if _is_caption(text) or parse_marker(text) is not None or _NOT_A_TITLE.match(text):
            return False
        if text.startswith("(") and text.endswith(")"):
            return False  # an annotation ("(平7条例16・一部改正)")
        return letters(text) >= MIN_UNMARKED_LETTERS and i + 1 < len(self.placed)

    def marked_heading(self, i: int, marker: Marker) -> bool:
        """True when a numbered or bulleted line i is a heading rather than a list item."""
        block = self.placed[i].block
        title = marker.title
        if not title or len(title) > MAX_HEADING_CHARS or "。" in title:
            return False
        if letters(title) < MIN_TITLE_LETTERS or UNIT_LABEL.search(title):
            return False  # 【76.78】 is a figure; "①給水原価(円)" labels a chart's axis
        if block.kind is BlockKind.LIST_ITEM and marker.family == "bullet・":
            return False  # the plain list bullet never heads a section
        if marker.family.startswith("dash_"):
            return False  # compound labels (1-①) number items of a list under heading 1
        if marker.family.startswith("bullet"):
            # A run of bullets is a list; a lone bulleted line over text is a heading.
            near = [self.placed[j].block for j in (i - 1, i + 1) if 0 <= j < len(self.placed)]
            same = any((m := parse_marker(b.text)) and m.family == marker.family for b in near)
            return not same and i + 1 < len(self.placed) and not _FRAGMENT_END.search(title)
        return block.kind is not BlockKind.TABLE_ROW

    def article(self, i: int) -> Section | None:
        """An article of a bylaw: "(設置)" over "第1条 …", or a 附則 line; else None."""
        block = self.placed[i].block
        text = block.text
        if _SUPPLEMENTARY.match(text):
            title = _EXCERPT.sub("", text).strip()
            return Section(title, None, "article", self.placed[i].span, block.page)
        caption = _CAPTION.fullmatch(text)
        if caption is None or i + 1 >= len(self.placed):
            return None
        body = self.placed[i + 1]
        number = _ARTICLE.match(body.block.text)
        if number is None:
            return None
        section = Section(caption.group(1), number.group(1), "article", self.placed[i].span,
                          block.page, to_int(number.group(2)))
        section.body.append(Entry(body.block.text[number.end():].strip(), body.span,
                                  body.block.page, "paragraph"))
        return section

    @staticmethod
    def introduces_list(text: str) -> bool:
        """True for a sentence that announces the numbered items after it (次に掲げる…)."""
        announced = text.endswith("。") and any(cue in text for cue in _LIST_CUES)
        return announced or text.endswith(("次のとおり", "次のとおり:", "以下のとおり"))

    # -- placement --------------------------------------------------------------------------

    def push(self, section: Section) -> None:
        self.stack[-1].children.append(section)
        self.stack.append(section)

    def place_markup(self, section: Section) -> None:
        level = section.markup_level or 1
        while len(self.stack) > 1 and (
            self.stack[-1].markup_level is None or self.stack[-1].markup_level >= level
        ):
            self.stack.pop()
        self.push(section)

    def place_unmarked(self, section: Section, group: bool) -> None:
        anchor = next((k for k, s in enumerate(self.stack) if s.family == "U1"), None)
        markup = max((k for k, s in enumerate(self.stack) if s.markup_level is not None),
                     default=0)
        if group or anchor is None or not self.group_open:
            section.family = "U1"
            self.group_open = group
            self.stack = self.stack[: max(markup + 1, 1)]
        else:
            section.family = "U2"
            self.stack = self.stack[: anchor + 1]
        self.push(section)

    def place_marked(self, section: Section) -> None:
        family = section.family
        positions = [k for k, s in enumerate(self.stack) if s.family == family]
        if not positions:
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

    def add_body(self, entry: Entry) -> None:
        self.stack[-1].body.append(entry)

    # -- tables -------------------------------------------------------------------------------

    def place_table(self, rows: list[Placed]) -> None:
        """Rows whose first cell is numbered become sections; other cells are entries.

        A schedule (a row listing years, as in a 工程表) keeps that row whole, for the plan's
        period, and marks the cells past the category columns as scheduled work.
        """
        header: tuple[str, ...] = ()
        years = next((k for k, p in enumerate(rows) if _year_row(p.block.cells)), None)
        if years is not None:
            for placed in rows[:years]:
                self.add_body(Entry(placed.block.text, placed.span, placed.block.page, "row"))
            year_row = rows[years]
            self.add_body(Entry(year_row.block.text, year_row.span, year_row.block.page,
                                "schedule"))
            years_cells = year_row.block.cells
            first_year = next(k for k, c in enumerate(years_cells)
                              if _YEAR_CELL.fullmatch(c.strip()))
            # Work items start under the first year, or just before it when a bar starts early.
            work = max(1, first_year - 1)
            header = tuple(SCHEDULE_COLUMN if k >= work else c
                           for k, c in enumerate(years_cells))
            rows = rows[years + 1:]
        elif rows[0].block.header and not any(
                parse_marker(c) or is_sentence(c) for c in rows[0].block.cells if c):
            first = rows[0]
            header = first.block.cells
            rows = rows[1:]
            self.add_body(Entry(first.block.text, first.span, first.block.page, "row"))
        if not rows:
            return
        owner = self.stack[-1]
        by_label: dict[str, Section] = {}
        pending: list[Entry] = []  # compound-labelled cells seen before their section's row
        current: Section | None = None
        for placed in rows:
            block = placed.block
            cells = list(zip(block.cells, _cell_offsets(block.cells, placed.span[0]), strict=True))
            lead = parse_marker(block.cells[0]) if block.cells[0] else None
            shift = 0
            if (lead and lead.title and not lead.family.startswith(("dash_", "bullet"))
                    and len(lead.title) <= MAX_HEADING_CHARS and "。" not in lead.title):
                current = Section(lead.title, lead.label, f"table:{lead.family}", cells[0][1],
                                  block.page, lead.num, table=block.table)
                self.stack = self.stack[: self.stack.index(owner) + 1]
                self.push(current)
                if lead.label:
                    by_label[lead.label] = current
                cells, shift = cells[1:], 1
            for k, (cell, span) in enumerate(cells):
                if not cell:
                    continue
                column = header[k + shift] if k + shift < len(header) else None
                entry = Entry(cell, span, block.page, "cell", column=column,
                              row=(block.table or 0, block.row or 0))
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

    def build(self) -> Section:
        i = 0
        while i < len(self.placed):
            placed = self.placed[i]
            block = placed.block
            if block.kind is BlockKind.TABLE_ROW:
                j = i
                while (j < len(self.placed) and self.placed[j].block.kind is BlockKind.TABLE_ROW
                       and self.placed[j].block.table == block.table):
                    j += 1
                self.place_table(self.placed[i:j])
                i = j
                continue
            marker = parse_marker(block.text)
            article = self.article(i)
            if article is not None:
                self.place_marked(article)
                i += 2 if article.label else 1
                self.in_list = None
                if article.body and self.introduces_list(article.body[0].text) \
                        and i < len(self.placed):
                    following = parse_marker(self.placed[i].block.text)
                    self.in_list = following.family if following else None
                continue
            if (marker is not None and self.in_list and marker.family == self.in_list
                    and block.kind is not BlockKind.HEADING):
                self.add_body(Entry(marker.title, placed.span, block.page, "item",
                                    label=marker.label, parent_label=marker.parent))
                i += 1
                continue
            self.in_list = None
            if self.introduces_list(block.text):
                following = parse_marker(self.placed[i + 1].block.text) \
                    if i + 1 < len(self.placed) else None
                self.in_list = following.family if following else None
            if block.kind is BlockKind.HEADING and letters(block.text) >= MIN_TITLE_LETTERS:
                plain = marker is not None and (marker.label or marker.family.startswith("bullet"))
                section = Section(marker.title if marker and plain else block.text,
                                  marker.label if marker else None, f"h{block.level or 1}",
                                  placed.span, block.page, marker.num if marker else None,
                                  markup_level=block.level or 1)
                self.place_markup(section)
            elif marker is not None and self.marked_heading(i, marker):
                section = Section(marker.title, marker.label, marker.family, placed.span,
                                  block.page, marker.num, indent=block.indent)
                self.place_marked(section)
            elif block.kind is not BlockKind.LIST_ITEM and self.unmarked_heading(i):
                section = Section(block.text, None, None, placed.span, block.page,
                                  indent=block.indent)
                self.place_unmarked(section, group=self.unmarked_heading(i + 1))
            else:
                role = "item" if marker is not None or block.kind is BlockKind.LIST_ITEM \
                    else "paragraph"
                entry = Entry(marker.title if marker else block.text, placed.span, block.page,
                              role, label=marker.label if marker else None,
                              parent_label=marker.parent if marker else None)
                self.add_body(entry)
            i += 1
        return self.root


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def is_sentence(text: str) -> bool:
    """True for a cell holding a sentence ("…に努めます。"), not a label or a name."""
    return "。" in text or (len(text) >= SENTENCE_CHARS and text[-1] in "るすたい要")


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


def blocks_to_outline(blocks: list[Placed]) -> Section:
    """The root section of the document's heading tree."""
    return _Builder(blocks).build()
