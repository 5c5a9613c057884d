"""Lines and tables in reading order to blocks: paragraphs, list items, headings, table rows.

1. Lines join into a paragraph while the previous line runs to the column's edge (it wrapped
   mid-sentence), the next one opens no numbered or bulleted item and sits where a
   continuation would (not indented past the hanging indent); across a page break too.
   Lines of one small centred box (a slide's label) join as well.
2. A block is a heading candidate when it is short, not a sentence, and set apart: a font
   larger than the body text, a bold face against a regular body, a numbering marker on a
   line of its own (a run of same-marker lines with nothing between is a list), an entry of
   the table of contents, or a short unmarked line alone between blank space.
3. Heading levels rank the headings' font sizes (1 = largest); within one size, unmarked
   headings rank above marked ones, and marker families rank in order of first appearance
   (第１章 before １ before (1)), since font size alone cannot tell them apart.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from extract.blocks import Block, BlockKind
from extract.readers.pdf_furniture import Furniture, PageLines, heading_key
from extract.readers.pdf_glyphs import Frame, Glyph, font_family
from extract.readers.pdf_layout import Line, Segment, is_cjk, join_segments
from extract.readers.pdf_tables import TableGrid, continues
from extract.rules import load
from extract.structure.markers import Opening, grammar, opening, starts_with_caption_word

# A line ending this close (in ems) to its column's right edge filled the line: it wrapped.
FULL_LINE_SLACK_EM = 1.6
# A line at least this long (in ems) that ends where its neighbours end filled its measure.
LONG_LINE_EM = 15.0
# Lines of one paragraph are at most this far apart (in ems of the text), or this many
# times the document's usual line gap when it is set wide (double-spaced judgments).
LINE_GAP_EM = 1.0
LINE_GAP_RATIO = 1.5
# Lines of one paragraph differ in size by at most this share.
SIZE_TOLERANCE = 0.12
# The second line of an item may start this far (in ems) right of the first (hanging indent).
HANGING_INDENT_EM = 3.5
# The first line of a paragraph starts at most this many ems right of the second (字下げ).
FIRST_INDENT_EM = 2.5
# Later lines of one paragraph start within this many ems of each other.
ALIGN_EM = 0.6
# A box narrower than this (in ems) is a label: its centred lines join into one text.
LABEL_BOX_MAX_EM = 16.0
# Outside a box, two centred lines this short (characters) are one title set on two lines.
CENTRED_TITLE_MAX_CHARS = 20
# Lines this close (in ems) to the centre of their column are centred.
CENTRED_EM = 1.0
# Font size ratio to body text from which a short block is a heading.
HEADING_SIZE_RATIO = 1.12
# Text smaller than this share of body text is never a heading (notes, captions).
MIN_HEADING_SIZE_RATIO = 0.95
# Headings are at most this many characters (spaces not counted) ...
HEADING_MAX_CHARS = 60
# ... and an unmarked body-size line is a heading only when this short.
UNMARKED_HEADING_MAX_CHARS = 40
# ... and when the blank space above it is at least this many times the usual line gap.
ISOLATION_RATIO = 1.6
# Drafts this far before or after a heading are searched for a repeat of its text.
REPEAT_WINDOW = 60
# Heading font sizes within this many points are one size.
SIZE_STEP_PT = 0.6
# Share of bold glyphs from which a line is bold.
BOLD_SHARE = 0.5
# A cover page has at most this many lines, none longer than this many characters.
COVER_MAX_LINES = 14
COVER_MAX_CHARS = 40
# The title is set at least this much larger than body text, in the top share of page 1.
TITLE_SIZE_RATIO = 1.3
TITLE_ZONE_SHARE = 0.4

@dataclass(frozen=True, slots=True)
class _Rules:
    side_note: re.Pattern[str]
    note_reference: re.Pattern[str]
    sentence_end: re.Pattern[str]
    fragment_end: re.Pattern[str]
    subtitle_starts: str
    date_line: re.Pattern[str]


@cache
def _rules() -> _Rules:
    raw = load("pdf_layout")
    return _Rules(
        re.compile(raw["side_note"]), re.compile(raw["note_reference"]),
        re.compile(raw["sentence_end"]), re.compile(raw["fragment_end"]),
        raw["subtitle_starts"], re.compile(raw["date_line"]),
    )


def marker_family(text: str) -> Opening | None:
    """The marker family opening `text`, from the one marker grammar: "(１)配慮" → paren_num
    (a label); "・所属長" → bullet・ (a list bullet); "１年間" → None."""
    return opening(text)


@dataclass(frozen=True, slots=True)
class PageContent:
    """One page's lines (with furniture) and its reading order of lines and tables."""

    lines: PageLines
    sequence: list[int | TableGrid]  # line indexes and tables, in reading order


@dataclass(slots=True)
class _Draft:
    """A block being assembled from lines."""

    page: int
    lines: list[Line]
    boxes: list[tuple[float, float, float, float]]
    family: Opening | None
    text: str
    bold: bool
    gap_before: float | None  # blank space above the first line, in points (None: first)
    title: bool = False
    heading: bool = False
    level: int | None = None
    table: TableGrid | None = None
    table_id: int = -1
    first_row: int = 0
    skip_header: bool = False

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        first = [b for b, line in zip(self.boxes, self.lines, strict=True)]
        return (min(b[0] for b in first), min(b[1] for b in first), max(b[2] for b in first),
                max(b[3] for b in first))


@dataclass(slots=True)
class DocStyle:
    """What body text looks like in this document."""

    body_size: float
    body_family: str
    line_gap: float  # usual blank space between lines of a paragraph, in ems
    toc: set[str] = field(default_factory=set)
    margins: dict[tuple[int, Frame], float] = field(default_factory=dict)  # left text edge
    body_bold: bool = False  # most body text is bold: bold sets nothing apart
    page_widths: dict[tuple[int, Frame], float] = field(default_factory=dict)  # per frame


def doc_style(pages: list[PageContent], furniture: Furniture) -> DocStyle:
    """Body size (by characters), body font face and usual line spacing of a document."""
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()  # glyphs per font, in order of first use
    bold = 0
    glyphs = 0
    gaps: list[float] = []
    for page in pages:
        prev: Line | None = None
        for line in page.lines.lines:
            n = len(line.text)
            sizes[round(line.size * 2) / 2] += n
            for s in line.segments:
                for g in s.glyphs:
                    fonts[g.font] += 1
                    bold += g.bold
                glyphs += len(s.glyphs)
            if prev is not None and prev.box == line.box and line.top - prev.bottom > 0 \
                    and abs(prev.size - line.size) < 0.5:
                gaps.append((line.top - prev.bottom) / line.size)
            prev = line
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    # Glyphs per family, summed font by font: the same counts, families in order of first use.
    families: Counter[str] = Counter()
    for font, count in fonts.items():
        families[font_family(font)] += count
    family = families.most_common(1)[0][0] if families else ""
    gap = statistics.median(gaps) if gaps else 0.5
    toc = {heading_key(t) for t in furniture.toc}
    widths = {(p.lines.number, f): p.lines.height if f is not Frame.PAGE else p.lines.width
              for p in pages for f in Frame}
    return DocStyle(body, family, gap, toc, _margins(pages), bold > glyphs - bold, widths)


def _margins(pages: list[PageContent]) -> dict[tuple[int, Frame], float]:
    """The left edge of each page's text (per frame): where most lines start, or further left."""
    out: dict[tuple[int, Frame], float] = {}
    for page in pages:
        starts: dict[Frame, list[float]] = {}
        for line in page.lines.lines:
            starts.setdefault(line.frame, []).append(line.x0)
        for frame, xs in starts.items():
            xs.sort()
            out[(page.lines.number, frame)] = xs[len(xs) // 10]
    return out


def _line_bold(line: Line, style: DocStyle) -> bool:
    glyphs = line.glyphs
    bold = sum(g.bold for g in glyphs) >= BOLD_SHARE * len(glyphs)
    if bold or style.body_family != "mincho":
        return bold
    gothic = sum(font_family(g.font) == "gothic" for g in glyphs)
    return gothic >= BOLD_SHARE * len(glyphs)


def _join(a: str, b: str) -> str:
    """Two wrapped pieces of one text: CJK joins without a space, Latin words with one."""
    if not a or not b:
        return a + b
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[0].islower():
        return a[:-1] + b
    if is_cjk(a[-1]) or is_cjk(b[0]):
        return a + b
    return f"{a} {b}"


def _continues(draft: _Draft, line: Line, style: DocStyle, same_page: bool) -> bool:
    """True when `line` carries on the text of `draft` rather than starting a new block."""
    prev = draft.lines[-1]
    if draft.table is not None or line.frame is not prev.frame:
        return False
    if abs(line.size - prev.size) > SIZE_TOLERANCE * prev.size:
        return False
    if marker_family(line.text) is not None:
        return False
    em = prev.size
    if same_page:
        if line.box != prev.box:
            return False
        gap = line.top - prev.bottom
        if gap > max(LINE_GAP_EM, LINE_GAP_RATIO * style.line_gap) * em or gap < -0.5 * em:
            return False
        if line.x0 > prev.column[1] or line.x1 < prev.column[0]:
            return False
    if len(draft.lines) == 1:
        if not -FIRST_INDENT_EM * em <= line.x0 - prev.x0 <= HANGING_INDENT_EM * em:
            return False
    elif abs(line.x0 - prev.x0) > ALIGN_EM * em:
        return False
    full = prev.x1 >= prev.column[1] - FULL_LINE_SLACK_EM * em or (
        # A paragraph set narrower than its column (beside a figure): its long lines end
        # at one right edge.
        same_page and prev.x1 - prev.x0 >= LONG_LINE_EM * em
        and (any(abs(x.x1 - prev.x1) <= ALIGN_EM * em for x in [line, *draft.lines[:-1]])
             or prev.text.endswith(("、", "，"))))  # a clause cut by the line's end
    if not same_page:
        # Over a page break only an unfinished sentence carries on, into an unindented line.
        left = draft.lines[-1].x0  # where the paragraph's (or item's) lines start
        return (full and not _rules().sentence_end.search(draft.text)
                and line.x0 <= left + ALIGN_EM * em)
    return full or _centred_label(prev, line, em, style)


def _centred_label(prev: Line, line: Line, em: float, style: DocStyle) -> bool:
    """True for two centred lines of one narrow box, or two short centred title lines:
    one label or title set on two lines."""
    left, right = prev.column
    if prev.box == 0 or right - left > LABEL_BOX_MAX_EM * em:
        short = max(len(prev.text), len(line.text)) <= CENTRED_TITLE_MAX_CHARS
        if not (short and prev.size >= style.body_size and line.top - prev.bottom <= 0.6 * em):
            return False
        centre = (prev.x0 + prev.x1) / 2
    else:
        centre = (left + right) / 2
    return all(abs((x.x0 + x.x1) / 2 - centre) <= CENTRED_EM * em for x in (prev, line))


def _start(page: int, line: Line, box: tuple[float, float, float, float], style: DocStyle,
           gap_before: float | None) -> _Draft:
    text = line.text
    if grammar().private_use.match(text):
        text = "・" + text[1:].lstrip()  # a symbol-font bullet (Wingdings) read as private use
    return _Draft(page, [line], [box], marker_family(text), text, _line_bold(line, style),
                  gap_before)


def _piece(line: Line, segments: list[Segment]) -> Line:
    return Line(segments, join_segments(segments), min(s.x0 for s in segments),
                min(s.top for s in segments), max(s.x1 for s in segments),
                max(s.bottom for s in segments), statistics.median(s.size for s in segments),
                line.frame, line.column, line.box)


def _bullet_pieces(line: Line) -> list[Line]:
    """The items of a line whose segments each open with the same list bullet, else []."""
    segments = line.segments
    if len(segments) < 2:
        return []
    first = marker_family(segments[0].text)
    if first is None or first.kind != "list" or any(
            marker_family(s.text) != first for s in segments[1:]):
        return []
    return [_piece(line, [s]) for s in segments]


def _side_note(line: Line) -> list[Line]:
    """A title and the unit note set apart at its end (○繰入金　　（単位：千円）), else []."""
    segments = line.segments
    if len(segments) < 2 or not _rules().side_note.match(segments[-1].text):
        return []
    return [_piece(line, segments[:-1]), _piece(line, segments[-1:])]


def pages_to_drafts(pages: list[PageContent], furniture: Furniture,
                    style: DocStyle) -> list[_Draft]:
    """Paragraphs, items and tables of the document in reading order, before classification."""
    drafts: list[_Draft] = []
    open_draft: _Draft | None = None  # the text block the next line may carry on
    last_table: _Draft | None = None  # a table nothing has followed yet, maybe over the break
    table_count = 0
    for page in pages:
        number = page.lines.number
        prev_line: Line | None = None
        first_on_page = True
        for entry in page.sequence:
            if isinstance(entry, TableGrid):
                draft = _Draft(number, [], [], None, "", False, None, table=entry)
                before = last_table.table if last_table is not None else None
                if last_table is not None and before is not None and first_on_page \
                        and continues(before, entry):
                    draft.table_id = last_table.table_id
                    draft.first_row = last_table.first_row + len(before.rows)
                    draft.skip_header = before.header and before.rows[0] == entry.rows[0]
                else:
                    draft.table_id = table_count
                    table_count += 1
                drafts.append(draft)
                open_draft, last_table, first_on_page = None, draft, False
                continue
            if (number, entry) in furniture.drop:
                continue
            line, box = page.lines.lines[entry], page.lines.boxes[entry]
            same_page = open_draft is not None and open_draft.page == number
            gap = None if prev_line is None or prev_line.box != line.box \
                else line.top - prev_line.bottom
            pieces = _bullet_pieces(line) or _side_note(line)
            if pieces:  # ・所属長　・職員: several items set on one line
                for piece in pieces:
                    drafts.append(_start(number, piece, page.lines.frame_box(piece), style, gap))
                    gap = None
                open_draft = drafts[-1]
            elif open_draft is not None and _continues(open_draft, line, style, same_page):
                open_draft.lines.append(line)
                open_draft.boxes.append(box if same_page else open_draft.boxes[-1])
                open_draft.text = _join(open_draft.text, line.text)
            else:
                open_draft = _start(number, line, box, style, gap)
                drafts.append(open_draft)
            prev_line, last_table, first_on_page = line, None, False
    return drafts


# -- classification ---------------------------------------------------------------------------


def _letters(text: str) -> int:
    return sum(ch.isalpha() or (is_cjk(ch) and not ch.isspace()) for ch in text)


def _in_toc(text: str, style: DocStyle) -> bool:
    key = heading_key(text)
    return bool(key) and key in style.toc


def _runs(drafts: list[_Draft]) -> set[int]:
    """Indexes of drafts in a run of two or more same-family marked lines: list items."""
    listed: set[int] = set()
    k = 0
    while k < len(drafts):
        family = drafts[k].family
        j = k + 1
        while family is not None and j < len(drafts) and drafts[j].table is None \
                and drafts[j].family == family and len(drafts[j].lines) == 1:
            j += 1
        if j - k >= 2 and len(drafts[k].lines) == 1:
            listed.update(range(k, j))
        k = max(j, k + 1)
    return listed


def _is_heading(k: int, drafts: list[_Draft], style: DocStyle, listed: set[int],
                cover: int | None) -> bool:
    """True when draft k is set apart as a heading (see the module docstring)."""
    draft = drafts[k]
    rules = _rules()
    text = draft.text
    n = len(text.replace(" ", ""))
    if draft.table is not None or draft.title or draft.page == cover or n == 0:
        return False
    if _in_toc(text, style) and n <= HEADING_MAX_CHARS:
        return True
    if n > HEADING_MAX_CHARS or rules.sentence_end.search(text) or _letters(text) < 2:
        return False
    if "。" in text or text.endswith(("、", "，", ",")):
        return False  # a sentence, or one cut by the line's end
    kind = draft.family.kind if draft.family is not None else None
    if rules.date_line.match(text) or kind == "list":
        return False
    if kind != "label" and (rules.fragment_end.search(text) or starts_with_caption_word(text)):
        return False
    if kind is None and re.search(r"\S[:：]\S", text):
        return False  # 団体名：ひかり市: a form's label and value
    if re.search(r"\S\s*[⇒→]\s*\S", text):
        return False  # 選出 ⇒ 育成 ⇒ 策定: a flow of steps, not a title
    ratio = draft.size / style.body_size
    if ratio < MIN_HEADING_SIZE_RATIO or _off_left(draft, style):
        return False
    if _repeated_on_page(k, drafts):
        return False  # a label repeated on the page (該当数値なし in each chart)
    if ratio >= HEADING_SIZE_RATIO and len(draft.lines) <= 3:
        return True
    single = len(draft.lines) == 1
    if draft.bold and not style.body_bold and len(draft.lines) <= 2:
        return True
    if draft.family is not None:
        return single and k not in listed
    label = len(draft.lines) <= 2 and draft.lines[0].box > 0  # a box's title on two lines
    return (single or label) and n <= UNMARKED_HEADING_MAX_CHARS and _isolated(k, drafts, style)


def _off_left(draft: _Draft, style: DocStyle) -> bool:
    """True for a line starting in the right half of its column (別添１, a date, a
    signature): headings start at the left or are centred (on the column or the page)."""
    line = draft.lines[0]
    mid = sum(line.column) / 2
    centre = (line.x0 + line.x1) / 2
    page_mid = style.page_widths.get((draft.page, line.frame), 2 * mid) / 2
    return line.x0 > mid and min(abs(centre - mid), abs(centre - page_mid)) > CENTRED_EM * line.size


def _repeated_on_page(k: int, drafts: list[_Draft]) -> bool:
    draft = drafts[k]
    return any(d is not draft and d.page == draft.page and d.text == draft.text
               for d in drafts[max(0, k - REPEAT_WINDOW):k + REPEAT_WINDOW])


def _demote_repeats(drafts: list[_Draft]) -> None:
    """A heading repeated at the top of the next page (a table's title again) is not new."""
    last: dict[int | None, _Draft] = {}
    for draft in drafts:
        if not draft.heading:
            continue
        prev = last.get(draft.level)
        if prev is not None and prev.text == draft.text and draft.page == prev.page + 1:
            draft.heading = False
        last[draft.level] = draft


def _isolated(k: int, drafts: list[_Draft], style: DocStyle) -> bool:
    """True for an unmarked line at its column's left with blank space above it."""
    draft = drafts[k]
    line = draft.lines[0]
    em = line.size
    left = line.column[0] if line.box else style.margins.get((draft.page, line.frame),
                                                              line.column[0])
    centred = line.box > 0 and abs((line.x0 + line.x1) - sum(line.column)) / 2 <= CENTRED_EM * em
    if line.x0 > max(line.column[0], left) + ALIGN_EM * em and not centred:
        return False
    if any(_alike(draft, drafts[j]) for j in (k - 1, k + 1) if 0 <= j < len(drafts)):
        return False  # one of a series of short lines: a list, not a heading
    usual = style.line_gap * em
    above = draft.gap_before
    if above is not None and above < ISOLATION_RATIO * max(usual, 0.2 * em):
        return False
    nxt = drafts[k + 1] if k + 1 < len(drafts) else None
    if nxt is None or nxt.table is not None or nxt.page != draft.page:
        return True
    if not _under(draft, nxt):
        return False  # what follows sits beside it: a label of a chart, not a title
    below = nxt.gap_before
    return (below is None or below >= ISOLATION_RATIO * max(usual, 0.2 * em)
            or nxt.family is not None or len(nxt.lines) >= 2)  # a title over its paragraph


def _under(a: _Draft, b: _Draft) -> bool:
    """True when draft b starts below draft a and overlaps it horizontally."""
    la, lb = a.lines[-1], b.lines[0]
    if la.frame is not lb.frame:
        return False
    return lb.top >= la.bottom - 0.3 * la.size and min(la.x1, lb.x1) > max(la.x0, lb.x0)


def _alike(a: _Draft, b: _Draft) -> bool:
    """True for two short unmarked one-line drafts set alike: lines of one list."""
    if b.table is not None or b.family is not None or len(b.lines) != 1 or a.page != b.page:
        return False
    la, lb = a.lines[0], b.lines[0]
    return (abs(la.size - lb.size) <= SIZE_TOLERANCE * la.size
            and abs(la.x0 - lb.x0) <= ALIGN_EM * la.size
            and len(b.text) <= UNMARKED_HEADING_MAX_CHARS and la.box == lb.box)


def _merge_subtitles(drafts: list[_Draft], style: DocStyle) -> list[_Draft]:
    """Drafts with a large subtitle line (～国の動向～) joined to the heading above it."""
    out: list[_Draft] = []
    starts = _rules().subtitle_starts
    for draft in drafts:
        prev = out[-1] if out else None
        if (prev is not None and prev.table is None and draft.table is None
                and prev.page == draft.page and draft.text[:1] in starts
                and prev.size >= HEADING_SIZE_RATIO * style.body_size
                and draft.size >= HEADING_SIZE_RATIO * style.body_size
                and len(draft.lines) == 1
                and draft.lines[0].top - prev.lines[-1].bottom <= LINE_GAP_EM * prev.size):
            prev.lines.append(draft.lines[0])
            prev.boxes.append(draft.boxes[0])
            prev.text = f"{prev.text} {draft.text}"
            continue
        out.append(draft)
    return out


def _size_rank(sizes: list[float]) -> dict[float, int]:
    """Each heading size mapped to its rank, close sizes sharing one (0 = largest)."""
    ranks: dict[float, int] = {}
    rank = -1
    last = None
    for size in sorted(set(sizes), reverse=True):
        if last is None or last - size > SIZE_STEP_PT:
            rank += 1
            last = size
        ranks[size] = rank
    return ranks


def _levels(drafts: list[_Draft]) -> None:
    """Set `level` on heading drafts: font size rank, then unmarked, then family order."""
    heads = [d for d in drafts if d.heading]
    ranks = _size_rank([d.size for d in heads])
    order: dict[tuple[int, Opening | None], int] = {}
    for d in heads:
        order.setdefault((ranks[d.size], d.family), len(order))
    keys = sorted(order, key=lambda key: (key[0], key[1] is not None, order[key]))
    level = {key: n + 1 for n, key in enumerate(keys)}
    for d in heads:
        d.level = level[(ranks[d.size], d.family)]


def classify(drafts: list[_Draft], style: DocStyle, cover: int | None) -> list[_Draft]:
    """Drafts with headings marked and levelled, subtitles joined to their headings."""
    drafts = _merge_subtitles(drafts, style)
    listed = _runs(drafts)
    for k, draft in enumerate(drafts):
        draft.heading = _is_heading(k, drafts, style, listed, cover)
    _levels(drafts)
    _demote_repeats(drafts)
    return drafts


def _indent(draft: _Draft) -> int:
    line = draft.lines[0]
    return max(0, round((line.x0 - line.column[0]) / max(line.size, 1.0)))


def _confidence(glyphs: Iterable[Glyph]) -> float | None:
    """The mean OCR confidence of glyphs read by text recognition (None: a text layer)."""
    confs = [g.conf for g in glyphs if g.conf is not None]
    return round(sum(confs) / len(confs), 3) if confs else None


def drafts_to_blocks(drafts: list[_Draft]) -> list[Block]:
    """The blocks of classified drafts; a table's rows each become a block."""
    blocks: list[Block] = []
    for draft in drafts:
        table = draft.table
        if table is not None:
            for r, (cells, box) in enumerate(zip(table.rows, table.row_boxes, strict=True)):
                if r == 0 and draft.skip_header:
                    continue
                blocks.append(Block(
                    BlockKind.TABLE_ROW, "\t".join(cells), page=table.page, bbox=box,
                    font_size=table.size or None, cells=cells, table=draft.table_id,
                    row=draft.first_row + r, header=r == 0 and table.header,
                    ocr_confidence=table.ocr_confidence))
            continue
        text = draft.text
        if draft.heading:
            kind = BlockKind.HEADING
            text = _rules().note_reference.sub("", text) or text  # 用語※３: a note's mark
        elif draft.family is not None:
            kind = BlockKind.LIST_ITEM
        else:
            kind = BlockKind.PARAGRAPH
        blocks.append(Block(kind, text, level=draft.level if draft.heading else None,
                            indent=_indent(draft), page=draft.page, bbox=draft.bbox,
                            font_size=round(draft.size, 2), bold=draft.bold,
                            ocr_confidence=_confidence(g for ln in draft.lines
                                                       for g in ln.glyphs)))
    return blocks
