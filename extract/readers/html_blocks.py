"""The content region of a parsed page to Blocks in reading order.

One pass over the region's elements (lxml's iterwalk: no recursion, so 2,000-level markup is
fine). Inline text gathers into a line until a block-level tag or `<br>` ends it; the line's
kind comes from the innermost enclosing heading, list item or definition (`<dt>` at the
list's level, `<dd>` one deeper), else it is a paragraph. Numbering written inside plain
text ("(1) ...", "第2章 ...") is left in the text for the outline stage.

Data tables become one TABLE_ROW per row with cells expanded over rowspan/colspan; a table
used for layout (nested tables, headings inside, a single column) is read like any container.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from extract.blocks import Block, BlockKind

Element = Any  # lxml.etree._Element

# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
})
# fmt: on
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
# The HTML standard clamps colspan at 1000; rowspan is clamped to the rows the table has.
MAX_COLSPAN = 1000
# Cells per table expanded over spans, beyond which spans are not expanded (bounded memory).
MAX_TABLE_CELLS = 200_000

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WIDE = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60"
# A source line break between two Japanese characters is not a space (CSS segment breaks).
_WIDE_BREAK = re.compile(f"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_WIDE}])")
_SPACES = re.compile("[ \t\n\r\f\u00a0\u2028]+")
# Stands for a line break inside a cell until whitespace is collapsed: it must survive the
# removal of source line breaks between Japanese characters ("雑種<br>茶白" → "雑種 茶白").
_HARD_SPACE = "\u2028"
_HARD_NEWLINE = "\u2029"
_AROUND_NEWLINE = re.compile(" ?\u2029[ \u2029]*")


@dataclass(frozen=True, slots=True)
class Draft:
    """A block with what the chrome filters need to know about it."""

    block: Block
    link_chars: int = 0  # characters inside links to other pages


@dataclass(frozen=True, slots=True)
class Anchor:
    """A link met in the content, with the text printed after it (for file sizes)."""

    href: str
    text: str
    after: str
    draft: int  # index of the draft holding the link


@dataclass(slots=True)
class _Context:
    """What an open element says about the lines inside it."""

    el: Element
    kind: BlockKind | None = None
    level: int | None = None
    lists: int = 0  # list nesting inside this element, counting it
    definitions: int = 0  # dl nesting
    pre: bool = False


@dataclass(slots=True)
class _Walk:
    """The state of one pass over a region."""

    is_document: Callable[[str], bool]
    drafts: list[Draft] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    linked: list[bool] = field(default_factory=list)
    stack: list[_Context] = field(default_factory=list)
    open_links: list[tuple[Element, int, bool]] = field(default_factory=list)
    tables: int = 0

    def add(self, text: str | None) -> None:
        """Append inline text to the current line."""
        if text:
            self.pieces.append(text)
            self.linked.append(any(page for _el, _at, page in self.open_links))

    def flush(self) -> None:
        """End the current line: make it a block if it has text."""
        if not self.pieces:
            return
        raw = "".join(self.pieces)
        link_chars = sum(
            len(p.strip()) for p, lk in zip(self.pieces, self.linked, strict=True) if lk
        )
        self.pieces.clear()
        self.linked.clear()
        top = self.stack[-1] if self.stack else None
        kind, level = self.kind_here()
        lines = raw.splitlines() if top is not None and top.pre else [raw]
        for line in lines:
            text, indent = clean_text(line)
            if text:
                block = Block(kind, text, level=level, indent=indent)
                self.drafts.append(Draft(block, min(link_chars, len(text))))

    def kind_here(self) -> tuple[BlockKind, int | None]:
        """Return the kind and level of a line at the current position."""
        for ctx in reversed(self.stack):
            if ctx.kind is not None:
                return ctx.kind, ctx.level
        return BlockKind.PARAGRAPH, None

    def depth(self, attr: str) -> int:
        """Return the innermost list (or dl) nesting."""
        return int(getattr(self.stack[-1], attr)) if self.stack else 0


def region_to_drafts(
    root: Element,
    *,
    start: Element | None,
    end: Element | None,
    skip: Callable[[Element], bool],
    is_document: Callable[[str], bool],
) -> tuple[list[Draft], list[Anchor]]:
    """Return the drafts and anchors of `root` after `start`, before `end`, skipping chrome."""
    walk = _Walk(is_document)
    active = start is None
    skipped: set[Element] = set()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            if not active:
                continue
            if el is end:
                break
            if el is not root and skip(el):
                walker.skip_subtree()
                skipped.add(el)
                continue
            _open(walk, el, walker)
        elif start is not None and el is start:
            active = True
            walk.add(el.tail)
        elif active:
            _close(walk, el, skipped=el in skipped)
    walk.flush()
    return walk.drafts, walk.anchors


def _open(walk: _Walk, el: Element, walker: Any) -> None:
    """Handle the start of an element."""
    tag = el.tag
    if tag == "br":
        _line_break(walk)
    elif tag in BLOCK_TAGS:
        walk.flush()
    if tag == "table":
        rows = _rows(el)
        if not is_layout_table(el, rows):
            _table(walk, el, rows)
            walker.skip_subtree()
            return
    ctx = _Context(el, lists=walk.depth("lists"), definitions=walk.depth("definitions"))
    if walk.stack:
        ctx.pre = walk.stack[-1].pre
    if tag in HEADING_LEVELS:
        ctx.kind, ctx.level = BlockKind.HEADING, HEADING_LEVELS[tag]
    elif tag in ("ul", "ol", "dir", "menu"):
        ctx.lists += 1
    elif tag == "li":
        ctx.kind, ctx.level = BlockKind.LIST_ITEM, max(ctx.lists, 1)
    elif tag == "dl":
        ctx.definitions += 1
    elif tag in ("dt", "dd"):
        base = ctx.lists + max(ctx.definitions, 1)
        ctx.kind, ctx.level = BlockKind.LIST_ITEM, base + (tag == "dd")
    elif tag == "pre":
        ctx.pre = True
    elif tag == "a" and el.get("href"):
        href = el.get("href").strip()
        walk.open_links.append((el, len(walk.pieces), not walk.is_document(href)))
    walk.stack.append(ctx)
    walk.add(el.text)


def _line_break(walk: _Walk) -> None:
    """Handle <br>: a new paragraph, a second line of the same item, or a space in a heading."""
    kind, _level = walk.kind_here()
    if kind is BlockKind.LIST_ITEM:
        walk.add(_HARD_NEWLINE)
    elif kind is BlockKind.HEADING:
        walk.add(_HARD_SPACE)
    else:
        walk.flush()


def _close(walk: _Walk, el: Element, *, skipped: bool) -> None:
    """Handle the end of an element (or of a skipped one): its links, its line, its tail."""
    if not skipped:
        if walk.open_links and walk.open_links[-1][0] is el:
            _el, at, _page = walk.open_links.pop()
            text, _indent = clean_text("".join(walk.pieces[at:]))
            if not text:
                text = " ".join(img.get("alt", "") for img in el.iter("img")).strip()
            after, _indent = clean_text(el.tail or "")
            walk.anchors.append(Anchor(el.get("href").strip(), text, after, len(walk.drafts)))
        if el.tag in BLOCK_TAGS:
            walk.flush()
        if walk.stack and walk.stack[-1].el is el:
            walk.stack.pop()
    elif el.tag in BLOCK_TAGS:
        walk.flush()
    walk.add(el.tail)


def is_layout_table(table: Element, rows: list[Element]) -> bool:
    """Return whether a table lays out content rather than holding data.

    Layout: role="presentation", a table inside it, a single column, or a cell where a
    heading introduces more text. A cell that is only a heading (<td><h6>名前</h6></td>)
    is a column label, not layout.
    """
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    if next(table.iterdescendants("table"), None) is not None:
        return True
    if rows and all(len(_cells(tr)) <= 1 for tr in rows):
        return True
    if next(table.iterdescendants(*HEADING_LEVELS), None) is None:
        return False
    return any(
        _heading_chars(cell) not in (0, _text_chars(cell)) for tr in rows for cell in _cells(tr)
    )


def _heading_chars(cell: Element) -> int:
    """Return the characters of the headings inside a cell."""
    return sum(_text_chars(h) for h in cell.iterdescendants(*HEADING_LEVELS))


def _text_chars(el: Element) -> int:
    """Return an element's characters of text, spaces aside."""
    return len("".join("".join(el.itertext()).split()))


def _table(walk: _Walk, table: Element, rows: list[Element]) -> None:
    """Append a data table's caption and rows as drafts.

    `cells` hold the grid with rowspan/colspan expanded (a spanning cell's text in every
    slot it covers); `text` joins the cells printed in that row, so the document's text
    says each thing once.
    """
    index = walk.tables
    walk.tables += 1
    for caption in table.iterchildren("caption"):
        text, indent = clean_text(cell_text(caption))
        if text:
            walk.drafts.append(Draft(Block(BlockKind.PARAGRAPH, text, indent=indent)))
    grid: dict[tuple[int, int], str] = {}
    printed: list[list[str]] = []
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        printed.append([])
        for cell in _cells(tr):
            while (r, c) in grid:
                c += 1
            text, _indent = clean_text(cell_text(cell))
            printed[r].append(text)
            rowspan = min(_span(cell.get("rowspan")), len(rows) - r)
            colspan = min(_span(cell.get("colspan")), MAX_COLSPAN)
            if len(grid) + rowspan * colspan > MAX_TABLE_CELLS:
                rowspan = colspan = 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
        width = max(width, c)
    labelled = next(table.iterdescendants(*HEADING_LEVELS), None) is not None
    out_row = 0
    for r, tr in enumerate(rows):
        if not any(printed[r]):
            continue
        line = "\t".join(t for t in printed[r] if t)
        row_cells = tuple(grid.get((r, k), "") for k in range(width))
        block = Block(
            BlockKind.TABLE_ROW,
            line,
            cells=row_cells,
            table=index,
            row=out_row,
            header=_is_header(tr, labelled),
        )
        walk.drafts.append(Draft(block, min(_row_links(walk, tr), len(line))))
        out_row += 1


def _is_header(tr: Element, labelled: bool) -> bool:
    """Return whether a row labels columns: in <thead>, or every cell a th or a lone heading.

    `labelled` says whether the table has headings in its cells at all.
    """
    cells = _cells(tr)
    if not cells:
        return False
    if tr.getparent().tag == "thead" or all(cell.tag == "th" for cell in cells):
        return True
    return labelled and all(
        cell.tag == "th" or 0 < _heading_chars(cell) == _text_chars(cell) for cell in cells
    )


def _row_links(walk: _Walk, tr: Element) -> int:
    """Record a row's links as anchors; return the characters of its links to pages."""
    chars = 0
    for a in tr.iter("a"):
        href = (a.get("href") or "").strip()
        if not href:
            continue
        text, _indent = clean_text("".join(a.itertext()))
        after, _indent = clean_text(a.tail or "")
        walk.anchors.append(Anchor(href, text, after, len(walk.drafts)))
        chars += 0 if walk.is_document(href) else len(text)
    return chars


def _rows(table: Element) -> list[Element]:
    """Return a table's own rows (not those of tables nested in its cells)."""
    return list(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"))


def _cells(tr: Element) -> list[Element]:
    """Return a row's cells."""
    return [c for c in tr if c.tag in ("td", "th")]


def _span(value: str | None) -> int:
    """Return a rowspan/colspan attribute as a count of at least 1."""
    if value is None:
        return 1
    digits = re.match(r"\s*(\d+)", value or "")
    return max(int(digits.group(1)), 1) if digits else 1


def cell_text(el: Element) -> str:
    """Return an element's text with its block-level parts and line breaks as spaces."""
    if len(el) == 0:
        return str(el.text or "")
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            if node.tag in BLOCK_TAGS or node.tag == "br":
                parts.append(_HARD_SPACE)
            if node.text:
                parts.append(node.text)
        else:
            if node.tag in BLOCK_TAGS:
                parts.append(_HARD_SPACE)
            if node is not el and node.tail:
                parts.append(node.tail)
    return "".join(parts)


def clean_text(text: str) -> tuple[str, int]:
    """Return text with HTML whitespace collapsed, and its indent in ideographic spaces.

    "　本市では、\\n行政改革を" → ("本市では、行政改革を", 1).
    """
    if not text.isascii():
        text = _ZERO_WIDTH.sub("", text)
        if "\n" in text:
            text = _WIDE_BREAK.sub("", text)
    text = _SPACES.sub(" ", text)
    if _HARD_NEWLINE in text:
        text = _AROUND_NEWLINE.sub("\n", text)
    text = text.strip(" \n")
    stripped = text.lstrip("\u3000")
    indent = len(text) - len(stripped)
    return stripped.rstrip("\u3000 "), indent
