"""PDF characters to clean glyphs: the text-layer quirks fixed before any layout.

Each engine gives one pdfplumber-style dict per character (`pdf_pages`). This module keeps
the characters that carry text and turns each into a `Glyph` in the coordinate frame of its
writing direction:

- characters outside the page, whitespace (spacing is re-derived from geometry) and
  undecodable glyphs (U+FFFD, "(cid:N)") are dropped, the last counted for the text-layer check;
- fake-bold headings, printed as the same glyph several times at near-identical positions
  (総総総総合合合合), keep one glyph flagged bold: deduplication is by position, not by text
  (PDFium drops the copies itself and flags the kept character "doubled");
- Kangxi-radical code points (⼊ U+2F0A) become the ideographs they look like (入), by NFKC
  of those code points only;
- vertical writing (縦書き) and text rotated on the page get a frame in which they read left to
  right and top to bottom, so the line and column logic is written once.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from typing import Any, NamedTuple

from extract.rules import load

# Two copies of one glyph this close (in ems) are one fake-bold glyph; real repeats
# (・・・ leaders, 々) sit at least half an em apart.
FAKE_BOLD_OFFSET_EM = 0.15
# ...and never further apart than this in points, whatever the font size.
FAKE_BOLD_MAX_OFFSET_PT = 1.5
# Consecutive characters of the stream one under the other: x within this share of an em,
# the next top within this gap below (or this overlap above) the previous bottom.
STACK_ALIGN_EM = 0.15
STACK_GAP_EM = 0.5
STACK_OVERLAP_EM = 0.35
# This many characters stacked in a row are a vertical line, not a label split over lines.
MIN_STACK = 3
# Bucket size (points) of the position index used to find duplicates; >= the offset above.
_CELL_PT = 2.0

_KANGXI = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_CID = re.compile(r"^\(cid:\d+\)$")


class Frame(IntEnum):
    """The writing direction of a glyph, and so the frame its coordinates are given in."""

    PAGE = 0  # horizontal, left to right: page coordinates as they are
    DOWN = 1  # vertical (縦書き) or turned clockwise: reads top to bottom, lines right to left
    UP = 2  # turned counter-clockwise (a landscape table on a portrait page): reads bottom to top


# The members as module names: `Frame.PAGE` looks the member up through the enum's metaclass,
# fifteen times slower than a global, and these are read for every glyph.
_PAGE, _DOWN, _UP = Frame.PAGE, Frame.DOWN, Frame.UP


class Glyph(NamedTuple):
    """One visible character in its frame: x grows along the line, y from line to line.

    A named tuple, not a frozen dataclass: pages make hundreds of thousands of them, and a
    tuple is built in a fifth of the time (a frozen dataclass sets each field through
    `object.__setattr__`).
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str  # decoded font name without subset prefix
    bold: bool  # a bold face, or a fake-bold duplicated glyph
    frame: Frame
    conf: float | None = None  # text recognition's confidence (0–1); None: from a text layer


@dataclass(frozen=True, slots=True)
class PageGlyphs:
    """The glyphs of one page and what the text layer looked like."""

    glyphs: list[Glyph]
    visible: int  # non-space characters on the page, bad ones included
    bad: int  # undecodable characters (U+FFFD, (cid:N))
    fake_bold: int  # duplicated glyphs dropped


@cache
def _font_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    raw = load("pdf_layout")
    return (re.compile(raw["bold_font"]), re.compile(raw["gothic_font"]),
            re.compile(raw["mincho_font"]))


@cache
def font_name(raw: str) -> str:
    """The readable name of a font: "b'ABCDEE+\\x82l\\x82r...'" → "MS Pゴシック"."""
    name = raw
    if raw.startswith(("b'", 'b"')):
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, bytes):
            try:
                name = value.decode("cp932")
            except UnicodeDecodeError:
                name = value.decode("latin-1")
    name = unicodedata.normalize("NFKC", name)
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


@cache
def font_is_bold(name: str) -> bool:
    """True for a bold face by its name: "MeiryoUI-Bold" → True, "MS-Mincho" → False."""
    return bool(_font_patterns()[0].search(name))


@cache
def font_family(name: str) -> str:
    """"gothic", "mincho" or "" for a font name: the two faces Japanese documents contrast."""
    gothic, mincho = _font_patterns()[1:]
    if gothic.search(name):
        return "gothic"
    if mincho.search(name):
        return "mincho"
    return ""


def to_frame(box: tuple[float, float, float, float], frame: Frame, width: float,
             height: float) -> tuple[float, float, float, float]:
    """A page box (x0, top, x1, bottom) in the coordinates of `frame`."""
    x0, top, x1, bottom = box
    if frame is _DOWN:
        return top, width - x1, bottom, width - x0
    if frame is _UP:
        return height - bottom, x0, height - top, x1
    return box


def from_frame(box: tuple[float, float, float, float], frame: Frame, width: float,
               height: float) -> tuple[float, float, float, float]:
    """A box in the coordinates of `frame` back in page coordinates."""
    a0, b0, a1, b1 = box
    if frame is _DOWN:
        return width - b1, a0, width - b0, a1
    if frame is _UP:
        return b0, height - a1, b1, height - a0
    return box


def _stacked(chars: list[dict[str, Any]]) -> set[int]:
    """Indexes of upright characters written one under the other in the content stream:
    vertical writing set with a horizontal font (官報 columns), not the font's own vertical mode.

    `_below` is written out in the loop, each character's fields read once: this runs for
    every pair of consecutive characters.
    """
    out: set[int] = set()
    run: list[int] = []
    if not chars:
        return out
    first = chars[0]
    px0, pbottom, psize = first["x0"], first["bottom"], first["size"]
    for k in range(1, len(chars)):
        char = chars[k]
        x0, size = char["x0"], char["size"]
        em: float = max(psize, size, 0.1)
        dy: float = char["top"] - pbottom
        if char["upright"] and abs(x0 - px0) < STACK_ALIGN_EM * em \
                and -STACK_OVERLAP_EM * em <= dy < STACK_GAP_EM * em:
            run = run or [k - 1]
            run.append(k)
        else:
            if len(run) >= MIN_STACK:
                out.update(run)
            run = []
        px0, pbottom, psize = x0, char["bottom"], size
    if len(run) >= MIN_STACK:
        out.update(run)
    return out


def _clean_text(text: str) -> str:
    return _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def is_bad_text(text: str) -> bool:
    """True for a character the text layer could not decode: "\\ufffd", "(cid:12)"."""
    return text == "\ufffd" or bool(_CID.match(text))


def _near_cells(value: float, cell: int, tol: float) -> tuple[int, ...]:
    """The index bucket of a coordinate and the one beside it when it lies within `tol` of
    that bucket's edge (the lower one first)."""
    if value - cell * _CELL_PT <= tol:
        return cell, cell - 1
    if (cell + 1) * _CELL_PT - value <= tol:
        return cell, cell + 1
    return (cell,)


def _duplicate(kept: list[dict[str, Any]], index: dict[tuple[str, int, int], list[int]],
               text: str, x0: float, top: float, tol: float, cx: int, cy: int) -> int | None:
    """The kept character `text` printed within `tol` of (x0, top), or None: the first found
    in the index buckets it lies in or near (`_near_cells`), in bucket order.

    Buckets next to the glyph's own are searched only when it lies within `tol` of their edge.
    """
    for bx in _near_cells(x0, cx, tol):
        for by in _near_cells(top, cy, tol):
            for k in index.get((text, bx, by), ()):
                other = kept[k]
                if abs(other["x0"] - x0) <= tol and abs(other["top"] - top) <= tol:
                    return k
    return None


def page_glyphs(chars: list[dict[str, Any]], width: float, height: float) -> PageGlyphs:
    """The clean glyphs of a page's characters, with the counts the quality check needs.

    A character whose text was kept before may be a fake-bold copy of it (`_duplicate`).
    """
    kept: list[dict[str, Any]] = []
    copies: list[int] = []
    index: dict[tuple[str, int, int], list[int]] = {}
    texts: set[str] = set()  # of the kept characters: a new one cannot be a copy
    visible = bad = 0
    for char in chars:
        text: str = char["text"]
        if not text or text.isspace():
            continue
        x0, top = char["x0"], char["top"]
        if char["x1"] < 0 or x0 > width or char["bottom"] < 0 or top > height:
            continue
        visible += 1
        if text == "\ufffd" or text.startswith("(cid:"):
            bad += 1
            continue
        cx, cy = int(x0 // _CELL_PT), int(top // _CELL_PT)
        key = (text, cx, cy)
        if text in texts:
            tol = min(FAKE_BOLD_MAX_OFFSET_PT, FAKE_BOLD_OFFSET_EM * char["size"])
            duplicate = _duplicate(kept, index, text, x0, top, tol, cx, cy)
            if duplicate is not None:
                copies[duplicate] += 1
                continue
            index.setdefault(key, []).append(len(kept))
        else:
            texts.add(text)
            index[key] = [len(kept)]
        kept.append(char)
        copies.append(1)
    return PageGlyphs(_glyphs(kept, copies, width, height), visible, bad,
                      sum(copies) - len(copies))


def _glyphs(kept: list[dict[str, Any]], copies: list[int], width: float, height: float
            ) -> list[Glyph]:
    """The kept characters as glyphs in their frames; a character printed more than once
    is bold.

    Glyphs are built with `tuple.__new__`, the same tuple the named tuple's generated
    `__new__` returns without its extra Python call (this runs once a character).
    """
    stacked = _stacked(kept)
    fonts: dict[Any, tuple[str, bool]] = {}
    glyphs: list[Glyph] = []
    append = glyphs.append
    new = tuple.__new__
    for k, char in enumerate(kept):
        if k in stacked:
            frame = _DOWN
        elif not char["upright"]:
            frame = _UP if char["matrix"][1] > 0 else _DOWN
        else:
            frame = _DOWN if char.get("adv", 1.0) < 0 else _PAGE
        if frame is _PAGE:
            x0, top, x1, bottom = char["x0"], char["top"], char["x1"], char["bottom"]
        else:
            x0, top, x1, bottom = to_frame((char["x0"], char["top"], char["x1"], char["bottom"]),
                                           frame, width, height)
        fontname = char["fontname"]
        face = fonts.get(fontname)
        if face is None:
            font = font_name(str(fontname))
            face = fonts[fontname] = (font, font_is_bold(font))
        text = char["text"]
        if len(text) > 1 or "\u2e80" <= text <= "\u2fdf":
            text = _clean_text(text)
        append(new(Glyph, (text, x0, top, x1, bottom, float(char["size"]), face[0],
                           copies[k] > 1 or face[1] or "doubled" in char, frame,
                           char.get("conf"))))
    return glyphs
