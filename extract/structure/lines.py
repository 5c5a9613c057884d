"""The readers' blocks as `Line`s: joined into the document text, with relative sizes and gaps.

The document text is the blocks' texts joined by newlines; each line keeps its span in it.
Font sizes become ratios to the body text (the size most characters of running text are set
in), the blank space between neighbouring blocks of one page becomes ems, and a text printed
on several pages (a running title the furniture pass left) is counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from extract.blocks import Block, BlockKind, Line


def body_size(blocks: list[Block]) -> float | None:
    """The font size of running text: the size carrying most characters of paragraphs."""
    weights: Counter[float] = Counter()
    for block in blocks:
        if block.font_size and block.kind is not BlockKind.HEADING:
            weights[round(block.font_size, 1)] += len(block.text)
    if not weights:
        return None
    return weights.most_common(1)[0][0]


def _gap(upper: Block, lower: Block) -> float | None:
    """Blank space between two blocks of one page, in ems of the lower one."""
    if upper.page != lower.page or upper.bbox is None or lower.bbox is None:
        return None
    size = lower.font_size or upper.font_size
    if not size:
        return None
    return round(max(0.0, lower.bbox[1] - upper.bbox[3]) / size, 2)


def _repeats(blocks: list[Block]) -> dict[str, int]:
    pages: dict[str, set[int]] = defaultdict(set)
    for block in blocks:
        if block.page is not None and block.kind is not BlockKind.TABLE_ROW:
            pages[block.text].add(block.page)
    return {text: len(found) for text, found in pages.items()}


def to_lines(blocks: list[Block]) -> tuple[str, list[Line]]:
    """The document text (blocks joined by newlines) and one `Line` per block."""
    body = body_size(blocks)
    repeats = _repeats(blocks)
    parts: list[str] = []
    lines: list[Line] = []
    pos = 0
    for k, block in enumerate(blocks):
        prev = blocks[k - 1] if k else None
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        size = round(block.font_size / body, 2) if block.font_size and body else None
        markup = (block.level or 1) if block.kind is BlockKind.HEADING else None
        cell = (block.table or 0, block.row or 0, 0) if block.kind is BlockKind.TABLE_ROW \
            else None
        lines.append(Line(
            text=block.text, span=(pos, pos + len(block.text)), kind=block.kind,
            page=block.page, bbox=block.bbox, indent=block.indent, size=size, bold=block.bold,
            markup_level=markup,
            cells=block.cells, cell=cell, header=block.header,
            gap_above=_gap(prev, block) if prev else None,
            gap_below=_gap(block, nxt) if nxt else None,
            repeats=repeats.get(block.text, 1)))
        parts.append(block.text)
        pos += len(block.text) + 1
    return "\n".join(parts), lines

