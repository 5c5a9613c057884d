"""The document's title, by evidence: the source's own title, the largest type on the first page,
or a leading title line of a plain text."""

from __future__ import annotations

from extract.blocks import Block, BlockKind, ReadResult
from extract.structure.normalize import normalize_line


def document_title(result: ReadResult, blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The document title, and the blocks without a leading title line of plain text."""
    if result.title:
        return normalize_line(result.title), blocks
    sized = [b for b in blocks if b.font_size is not None and b.page == 1 and b.text]
    if sized:  # a PDF's title is the largest type on its first page, and stays content
        largest = max(b.font_size or 0.0 for b in sized)
        return next(b.text for b in sized if b.font_size == largest), blocks
    if blocks and blocks[0].kind in (BlockKind.PARAGRAPH, BlockKind.HEADING) \
            and len(blocks[0].text) <= 80 and not blocks[0].text.endswith("。"):
        if blocks[0].kind is BlockKind.HEADING and result.media_type != "text/plain":
            return blocks[0].text, blocks
        return blocks[0].text, blocks[1:]
    return None, blocks
