"""Plain-text reader: lines to blocks.

Plans flattened from web pages and PDFs arrive as text: one paragraph or heading per line,
blank lines between paragraphs, tab-separated lines for table rows, "- " or "• " for list
items, leading spaces (字下げ) for paragraph starts.
"""

from __future__ import annotations

import re

from extract.blocks import Block, BlockKind, Problem, ReadResult

MEDIA_TYPE = "text/plain"

# Share of control characters above which bytes are binary, not text.
BINARY_CONTROL_SHARE = 0.05
# Encodings tried in order when the bytes carry no BOM; CP932 is Shift_JIS with the vendor
# characters (①, ㈱) Japanese offices use.
FALLBACK_ENCODINGS = ("utf-8", "cp932", "euc_jp")

_LIST_BULLET = re.compile(r"^(?P<bullet>[-•・*]) +(?=\S)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def decode_text(data: bytes) -> tuple[str | None, str | None, list[Problem]]:
    """The text, the encoding used, and problems; text None when the bytes are not text."""
    if not data.strip():
        return None, None, [Problem("empty_input", "the file is empty", "error")]
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16", []
    sample = data[:65536]
    if b"\x00" in sample:
        return None, None, [Problem("binary_input", "the file holds binary data, not text", "error")]
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            return None, None, [Problem("binary_input", "no text encoding fits the bytes", "error")]
        text, encoding = str(best), best.encoding
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > BINARY_CONTROL_SHARE * min(len(text), 65536):
        return None, None, [Problem("binary_input", "the file holds binary data, not text", "error")]
    return text, encoding, []


def _indent(line: str) -> int:
    """Leading indentation in characters (any white space, 　 and NBSP too, counts as one)."""
    return len(line) - len(line.lstrip())


def text_to_blocks(data: bytes) -> ReadResult:
    """Blocks of a plain-text document, one per non-blank line; tab lines become table rows."""
    text, encoding, problems = decode_text(data)
    if text is None:
        return ReadResult(blocks=[], media_type=MEDIA_TYPE, problems=problems, failed=True)
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
        bullet = _LIST_BULLET.match(body)
        if bullet:
            blocks.append(Block(BlockKind.LIST_ITEM, body[bullet.end():], indent=indent,
                                level=1 + indent // 2))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, body, indent=indent))
    return ReadResult(blocks=blocks, media_type=MEDIA_TYPE, encoding=encoding, problems=problems)
