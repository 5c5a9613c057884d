"""Page furniture and tables of contents: lines that are about the pages, not the content.

- Running headers and footers: lines in the top or bottom margin band whose text (digits
  folded) recurs on many pages, at no more than body size, so a slide deck's big per-page
  title stays content. Page numbers ("- 3 -", "３", "p.3", "3/10") in the band go always.
- A table of contents: a page headed 目次 (or carrying on from one) whose lines end in page
  numbers, with or without dotted leaders. Its entries are kept to confirm headings.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from extract.readers.pdf_glyphs import from_frame
from extract.readers.pdf_layout import Line
from extract.rules import load

# The top and bottom share of the page where running headers, footers and numbers live.
MARGIN_BAND_SHARE = 0.1
# A margin line is a running header when it recurs on this share of a short document's
# pages, or on this share of a long one's (one chapter's header over its pages) ...
REPEAT_PAGE_SHARE = 0.5
REPEAT_LONG_SHARE = 0.2
REPEAT_FEW_PAGES = 3
# ... and on at least this many pages (enough when it is printed beside a page number).
REPEAT_MIN_PAGES = 2
# Repeated lines bigger than body text by this ratio are per-page titles, not furniture.
FURNITURE_MAX_SIZE_RATIO = 1.12
# Share of a page's lines that must look like entries for the page to be a contents page.
TOC_ENTRY_SHARE = 0.6
# ... or this share when it carries on the contents of the page before.
TOC_CONTINUED_SHARE = 0.3
# A contents page without a 目次 heading needs at least this many entries.
TOC_MIN_ENTRIES = 5
# A line between contents entries this short is a group title of the contents.
TOC_GROUP_MAX_CHARS = 40
# Lines of a page read before giving up on finding the 目次 heading.
TOC_TITLE_WITHIN = 4


@dataclass(frozen=True, slots=True)
class PageLines:
    """The text lines of one page in reading order, with the page size."""

    number: int
    width: float
    height: float
    lines: list[Line]
    boxes: list[tuple[float, float, float, float]]  # page bbox of each line

    def frame_box(self, line: Line) -> tuple[float, float, float, float]:
        """The page bbox of a line (or a piece of one) given in its frame."""
        return from_frame((line.x0, line.top, line.x1, line.bottom), line.frame, self.width,
                          self.height)


@dataclass(slots=True)
class Furniture:
    """What to leave out of the content, and what it said."""

    drop: set[tuple[int, int]] = field(default_factory=set)  # (page, line index)
    running: list[str] = field(default_factory=list)  # running header/footer texts
    toc: list[str] = field(default_factory=list)  # contents entries, as printed
    toc_pages: list[int] = field(default_factory=list)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str]]:
    raw = load("pdf_layout")
    titles = frozenset(_key(t) for t in raw["toc_titles"])
    return (re.compile(raw["page_number"]), re.compile(raw["toc_entry"]),
            re.compile(raw["toc_leaders"]), titles)


def _key(text: str) -> str:
    """Text folded for comparison: NFKC, no spaces, digits as #."""
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\d+", "#", flat)


def heading_key(text: str) -> str:
    """Text folded to compare a heading with a contents entry: NFKC, no spaces or leaders."""
    flat = re.sub(r"[\s・.…‥·]+", "", unicodedata.normalize("NFKC", text))
    return flat


def is_page_number(text: str) -> bool:
    """True for a page number as printed: "- 3 -", "３", "p.3", "3/10"; False for "3月"."""
    return bool(_patterns()[0].match(text.strip()))


def _in_band(box: tuple[float, float, float, float], height: float) -> str | None:
    if box[3] <= height * MARGIN_BAND_SHARE:
        return "top"
    if box[1] >= height * (1 - MARGIN_BAND_SHARE):
        return "bottom"
    return None


def find_furniture(pages: list[PageLines], body_size: float) -> Furniture:
    """Running headers, footers, page numbers and contents pages of a document."""
    out = Furniture()
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    numbered: set[tuple[str, str]] = set()  # printed beside a page number somewhere
    where: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for page in pages:
        for k, (line, box) in enumerate(zip(page.lines, page.boxes, strict=True)):
            band = _in_band(box, page.height)
            if band is None:
                continue
            # "―2― 一般会計": a page number beside a running title is one line of furniture.
            rest = [s.text for s in line.segments if not is_page_number(s.text)]
            if not rest or is_page_number(line.text):
                out.drop.add((page.number, k))
                continue
            if line.size > body_size * FURNITURE_MAX_SIZE_RATIO:
                continue
            key = (band, _key(" ".join(rest)))
            seen[key].add(page.number)
            where[key].append((page.number, k, line.text))
            if len(rest) < len(line.segments):
                numbered.add(key)
    n = len(pages)
    need = max(REPEAT_MIN_PAGES, min(REPEAT_PAGE_SHARE * n, max(REPEAT_FEW_PAGES,
                                                                  REPEAT_LONG_SHARE * n)))
    for key, numbers in seen.items():
        if len(numbers) >= (REPEAT_MIN_PAGES if key in numbered else need):
            for number, k, _text in where[key]:
                out.drop.add((number, k))
            out.running.append(where[key][0][2])
    _find_toc(pages, out)
    return out


def _toc_entry(text: str) -> str | None:
    """The title of a contents entry "第１節 目的 ……… 3" → "第１節 目的"; None otherwise."""
    _, entry, leaders, _ = _patterns()
    m = entry.match(text.strip())
    if m is None:
        return None
    title = leaders.sub("", m.group("title")).strip(" 　・.…")
    return title if len(title) >= 2 and not is_page_number(title) else None


def _find_toc(pages: list[PageLines], out: Furniture) -> None:
    titles = _patterns()[3]
    previous_was_toc = False
    for page in pages:
        kept = [(k, line) for k, line in enumerate(page.lines)
                if (page.number, k) not in out.drop]
        if not kept:
            previous_was_toc = False
            continue
        head = next((k for k, line in kept[:TOC_TITLE_WITHIN] if _key(line.text) in titles), None)
        entries = [(k, title) for k, line in kept if (title := _toc_entry(line.text))]
        share = len(entries) / len(kept)
        listed = bool(entries) and _has_leaders_or_increasing(page, entries)
        is_toc = (head is not None and len(entries) >= 2) or (listed and (
            (share >= TOC_ENTRY_SHARE and len(entries) >= TOC_MIN_ENTRIES)
            or (previous_was_toc and share >= TOC_CONTINUED_SHARE)))
        carried = previous_was_toc and head is None
        previous_was_toc = is_toc
        if not is_toc:
            continue
        out.toc_pages.append(page.number)
        if head is not None:
            out.drop.add((page.number, head))
        # From the heading to the last entry, lines without a page number are the
        # contents' group titles (Ⅰ 総合戦略について): contents too.
        titles_of = dict(entries)
        first = kept[0][0] if carried else entries[0][0] if head is None else head
        last = entries[-1][0]
        for k, line in kept:
            if k in titles_of:
                out.drop.add((page.number, k))
                out.toc.append(titles_of[k])
            elif first <= k <= last and len(line.text) <= TOC_GROUP_MAX_CHARS:
                out.drop.add((page.number, k))
                out.toc.append(line.text)


def _has_leaders_or_increasing(page: PageLines, entries: list[tuple[int, str]]) -> bool:
    """True when entries have dotted leaders or page numbers that never go down."""
    leaders = _patterns()[2]
    if sum(bool(leaders.search(page.lines[k].text)) for k, _ in entries) >= len(entries) / 2:
        return True
    numbers = []
    for k, _ in entries:
        m = re.search(r"(\d+)\s*$", unicodedata.normalize("NFKC", page.lines[k].text))
        if m:
            numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and all(b >= a for a, b in itertools.pairwise(numbers))
