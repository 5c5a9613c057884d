"""Plain-text reader: lines to blocks.

Plans flattened from web pages and PDFs arrive as text: one paragraph or heading per line,
blank lines between paragraphs, tab-separated lines for table rows, a list bullet of the
marker grammar and a space ("- ", "• ", "・ ") for list items, leading spaces (字下げ) for
paragraph starts.
"""

from __future__ import annotations

import re

from extract.blocks import Block, BlockKind, Problem, ReadResult
from extract.readers.encoding import decode
from extract.structure.markers import opening

MEDIA_TYPE = "text/plain"

# Share of control characters above which bytes are binary, not text.
BINARY_CONTROL_SHARE = 0.05

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def decode_text(data: bytes, declared: str | None = None) -> tuple[str | None, str | None,
                                                                  list[Problem]]:
    """The text, the encoding used, and problems; text None when the bytes are not text.

    A few NUL bytes in a text (a damaged copy, a C string's end) are dropped with a warning; no
    Japanese encoding but UTF-16 uses the byte inside a character, so the rest reads as it was.
    Text that decodes mostly to U+FFFD is not text either.
    """
    if not data.strip():
        return None, None, [Problem("empty_input", "the file is empty", "error")]
    binary = [Problem("binary_input", "the file holds binary data, not text", "error")]
    problems: list[Problem] = []
    nuls = data.count(b"\x00")
    if nuls and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if nuls > BINARY_CONTROL_SHARE * len(data):
            return None, None, binary
        data = data.replace(b"\x00", b"")
        problems.append(Problem("nul_bytes", f"{nuls} NUL bytes dropped from the text"))
    decoded = decode(data, declared)
    problems.extend(decoded.problems)
    if any(p.code == "unreadable_text" for p in decoded.problems):
        return None, decoded.encoding, problems
    sample = decoded.text[:65536]
    if len(_CONTROL.findall(sample)) > BINARY_CONTROL_SHARE * len(sample):
        return None, None, binary
    return decoded.text, decoded.encoding, problems


def _indent(line: str) -> int:
    """Leading indentation in characters (any white space, 　 and NBSP too, counts as one)."""
    return len(line) - len(line.lstrip())


def text_to_blocks(data: bytes, charset: str | None = None) -> ReadResult:
    """Blocks of a plain-text document, one per non-blank line; tab lines become table rows."""
    text, encoding, problems = decode_text(data, charset)
    if text is None:
        return ReadResult(blocks=[], media_type=MEDIA_TYPE, encoding=encoding, problems=problems,
                          failed=True)
    blocks: list[Block] = []
    table = -1
    row = 0
    previous_was_row = False
    for line in text.splitlines():
        if not line.strip():
            previous_was_row = False
            continue
        if "\t" in line.strip():
            cells = tuple(c.strip() for c in line.split("\t"))
            while cells and not cells[-1]:
                cells = cells[:-1]
            if not previous_was_row:
                table, row = table + 1, 0
            blocks.append(Block(BlockKind.TABLE_ROW, "\t".join(cells), cells=cells, table=table,
                                row=row, header=row == 0))
            row += 1
            previous_was_row = True
            continue
        previous_was_row = False
        indent = _indent(line)
        body = line.strip()
        item = body[1:].lstrip(" ")
        found = opening(body)
        if found is not None and found.kind == "list" and body[1:2] == " " and item:
            blocks.append(Block(BlockKind.LIST_ITEM, item, indent=indent, level=1 + indent // 2))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, body, indent=indent))
    return ReadResult(blocks=blocks, media_type=MEDIA_TYPE, encoding=encoding, problems=problems)
