"""The document's title, by evidence.

In order: the subject line of a council bill (議案第N号 over "…の策定について"); the title the
reader found (the HTML h1, the cover lines of a PDF), widened to the neighbouring cover lines
set as large; the largest type on the first page when it is set larger than the body text; the
leading line of a plain text. A candidate that is a sentence (a greeting, a first paragraph)
or a table row is no title. A document
without a printed title is named by its file name.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from extract.blocks import Block, BlockKind, ReadResult
from extract.structure.lines import body_size
from extract.structure.markers import parse_marker
from extract.structure.normalize import normalize_line

# Title type is set at least this much larger than the body text.
TITLE_SIZE_RATIO = 1.15
# A title names something: "1" set large is a chapter's number.
MIN_TITLE_LETTERS = 2
# A plain text's leading line is its title when this short.
MAX_TITLE_CHARS = 80
# A cover page has at most this many lines, none longer than this many characters.
COVER_MAX_LINES = 14
COVER_MAX_CHARS = 40
# Cover lines searched for a council bill's number.
BILL_LINES = 3

# A title and its subtitle set after a wave dash or a long dash: "方針~国の動向~".
_SUBTITLE = re.compile(r"^(?P<stem>[^~〜～―]{2,})[~〜～―](?P<sub>[^~〜～―]+)[~〜～―]?$")
_BILL = re.compile(r"^議案第\s*\d+\s*号$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_DATE = re.compile(r"^(?:(?:令和|平成|昭和)\s*(?:\d+|元)|\d{4})\s*年\s*\d{1,2}\s*月")


def clean_title(text: str | None) -> str | None:
    """`text` as one line (control characters become spaces), or None when it is no title:
    a sentence ("おはようございます。"), a number ("1"), empty."""
    if text is None:
        return None
    text = normalize_line(_CONTROL.sub(" ", text))
    if sum(ch.isalpha() for ch in text) < MIN_TITLE_LETTERS or "。" in text:
        return None
    return text


def _before_heading(title: str) -> str:
    """The cover lines joined as a title, up to the first that is a numbered heading: a cover
    printing the first chapter's heading ("…経営戦略(案) 1.事業概要") under the title."""
    parts = title.split(" ")
    for k, part in enumerate(parts[1:], start=1):
        marker = parse_marker(part)
        if marker is not None and marker.numbered and marker.title:
            return " ".join(parts[:k])
    return title


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _bill_subject(blocks: list[Block]) -> str | None:
    """The subject under a council bill's number on its first page: the plan it adopts."""
    first = [b for b in blocks if b.page == 1 and b.kind is not BlockKind.TABLE_ROW]
    for k, block in enumerate(first[:BILL_LINES]):
        if _BILL.match(block.text) and k + 1 < len(first):
            return clean_title(first[k + 1].text)
    return None


def _large(block: Block, body: float) -> bool:
    return (block.font_size is not None and block.font_size >= TITLE_SIZE_RATIO * body
            and block.kind is not BlockKind.TABLE_ROW)


def _widen(title: str, blocks: list[Block], body: float | None) -> str:
    """On a cover page, the title with the neighbouring lines set as large: the series name
    above it and the edition below ("…申請の手引き" / "市町村への申請" / "令和7・8年度定期申請"),
    up to a date, a numbered line or a sentence."""
    if body is None:
        return title
    first = [b for b in blocks if b.page == 1]
    if len(first) > COVER_MAX_LINES or any(len(b.text) > COVER_MAX_CHARS for b in first):
        return title  # not a cover: what surrounds the title is content
    key = _flat(title)
    inside = [k for k, b in enumerate(first) if b.text and _flat(b.text) in key]
    if not inside:
        return title
    lo, hi = inside[0], inside[-1]

    def joins(block: Block) -> bool:
        return (_large(block, body) and not _DATE.match(block.text)
                and parse_marker(block.text) is None and clean_title(block.text) is not None)

    while lo > 0 and joins(first[lo - 1]):
        lo -= 1
    while hi + 1 < len(first) and joins(first[hi + 1]):
        hi += 1
    if (lo, hi) == (inside[0], inside[-1]):
        return title
    return " ".join(b.text for b in first[lo:hi + 1])


def _series(title: str, blocks: list[Block]) -> str:
    """The series name of slide titles: "方針~国の動向~" when another line reads
    "方針~本市の取組~" is the document "方針", each slide's title a heading of its own."""
    m = _SUBTITLE.match(title)
    if m is None:
        return title
    stem = m.group("stem")
    others = [b for b in blocks if b.text != title and b.text.startswith(stem)
              and _SUBTITLE.match(b.text)]
    return stem.strip() if others else title


def _file_title(uri: str) -> str | None:
    name = PurePosixPath(unquote(urlsplit(uri).path)).stem
    return normalize_line(name) or None


def document_title(result: ReadResult, blocks: list[Block], uri: str = ""
                   ) -> tuple[str | None, list[Block]]:
    """The document title, and the blocks without a leading title line of plain text."""
    sized = any(b.font_size is not None for b in blocks)
    body = body_size(blocks)
    subject = _bill_subject(blocks) if sized else None
    if subject:
        return subject, blocks
    title = clean_title(result.title)
    if title and sized:
        title = _before_heading(title)
    if title:
        return (_series(_widen(title, blocks, body), blocks) if sized else title), blocks
    if sized:
        first = [b for b in blocks if b.page == 1 and b.text and body and _large(b, body)]
        if first:
            largest = max(b.font_size or 0.0 for b in first)
            title = clean_title(next(b.text for b in first if b.font_size == largest))
        if title:
            return _series(title, blocks), blocks
        return (_file_title(uri) if uri else None), blocks
    if blocks and blocks[0].kind in (BlockKind.PARAGRAPH, BlockKind.HEADING) \
            and len(blocks[0].text) <= MAX_TITLE_CHARS and not blocks[0].text.endswith("。"):
        if blocks[0].kind is BlockKind.HEADING and result.media_type != "text/plain":
            return blocks[0].text, blocks
        return blocks[0].text, blocks[1:]
    return None, blocks

