"""The PDF reader's fast paths give what the straightforward algorithms give.

Each test builds random hand-made pages (invented characters and boxes, fixed seeds) and
checks a fast function against a plain reference written here the obvious way.
"""

from __future__ import annotations

import random
from typing import Any

from extract.readers.pdf import _Centres
from extract.readers.pdf_glyphs import (
    _CELL_PT,
    FAKE_BOLD_MAX_OFFSET_PT,
    FAKE_BOLD_OFFSET_EM,
    MIN_STACK,
    STACK_ALIGN_EM,
    STACK_GAP_EM,
    STACK_OVERLAP_EM,
    Frame,
    Glyph,
    _near_cells,
    _stacked,
    page_glyphs,
    to_frame,
)

SEEDS = range(40)


def _random_chars(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Hand-made characters: a few texts at random spots, some printed again a fraction of a
    point away (fake bold), some stacked one under the other, a few rotated."""
    chars: list[dict[str, Any]] = []
    x, y = rng.uniform(0, 500), rng.uniform(0, 700)
    for _ in range(n):
        size = rng.choice((6.0, 9.0, 10.5, 12.0, 20.0))
        move = rng.random()
        if move < 0.3:  # a copy of the last character, slightly offset
            x += rng.uniform(-0.6, 0.6)
            y += rng.uniform(-0.6, 0.6)
        elif move < 0.5:  # the next character under the last
            x += rng.uniform(-0.2, 0.2) * size
            y += size * rng.uniform(0.9, 1.4)
        elif move < 0.8:  # the next character on the line
            x += size * rng.uniform(0.8, 1.5)
        else:
            x, y = rng.uniform(-20, 600), rng.uniform(-20, 800)
        upright = rng.random() > 0.05
        chars.append({"text": rng.choice("あい山川0 \ufffd(cid:3)"), "x0": x, "x1": x + size,
                      "top": y, "bottom": y + size, "size": size, "upright": upright,
                      "adv": rng.choice((1.0, 1.0, 1.0, -1.0)),
                      "matrix": (0, rng.choice((-1, 1)), 1, 0, x, y),
                      "fontname": rng.choice(("ABCDEF+MS-Mincho", "MS-Gothic-Bold"))})
    return chars


def _plain_stacked(chars: list[dict[str, Any]]) -> set[int]:
    def below(prev: dict[str, Any], char: dict[str, Any]) -> bool:
        em = max(prev["size"], char["size"], 0.1)
        dx = char["x0"] - prev["x0"]
        dy = char["top"] - prev["bottom"]
        return abs(dx) < STACK_ALIGN_EM * em and -STACK_OVERLAP_EM * em <= dy < STACK_GAP_EM * em

    out: set[int] = set()
    run: list[int] = []
    for k in range(1, len(chars) + 1):
        if k < len(chars) and chars[k]["upright"] and below(chars[k - 1], chars[k]):
            run = run or [k - 1]
            run.append(k)
            continue
        if len(run) >= MIN_STACK:
            out.update(run)
        run = []
    return out


def _plain_copies(chars: list[dict[str, Any]], width: float, height: float) -> list[int]:
    """How many times each kept character was printed, by the bucket search written with
    `_near_cells` calls."""
    kept: list[dict[str, Any]] = []
    copies: list[int] = []
    index: dict[tuple[str, int, int], list[int]] = {}
    for char in chars:
        text = char["text"]
        if not text or text.isspace() or text == "\ufffd" or text.startswith("(cid:"):
            continue
        x0, top = char["x0"], char["top"]
        if char["x1"] < 0 or x0 > width or char["bottom"] < 0 or top > height:
            continue
        cx, cy = int(x0 // _CELL_PT), int(top // _CELL_PT)
        tol = min(FAKE_BOLD_MAX_OFFSET_PT, FAKE_BOLD_OFFSET_EM * char["size"])
        found = next((k for bx in _near_cells(x0, cx, tol) for by in _near_cells(top, cy, tol)
                      for k in index.get((text, bx, by), ())
                      if abs(kept[k]["x0"] - x0) <= tol and abs(kept[k]["top"] - top) <= tol),
                     None)
        if found is not None:
            copies[found] += 1
            continue
        index.setdefault((text, cx, cy), []).append(len(kept))
        kept.append(char)
        copies.append(1)
    return copies


def test_stacked_matches_plain() -> None:
    for seed in SEEDS:
        chars = _random_chars(random.Random(seed), 300)
        assert _stacked(chars) == _plain_stacked(chars), seed


def test_fake_bold_copies_match_plain() -> None:
    for seed in SEEDS:
        chars = _random_chars(random.Random(seed), 300)
        found = page_glyphs(chars, 600.0, 800.0)
        copies = _plain_copies(chars, 600.0, 800.0)
        assert len(found.glyphs) == len(copies), seed
        assert found.fake_bold == sum(copies) - len(copies), seed
        assert found.fake_bold > 0  # the pages do hold copies


def _centre_in(g: Glyph, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def test_table_glyphs_match_plain() -> None:
    """The glyphs a table box takes: found by x range then y, as by testing each one."""
    for seed in SEEDS:
        rng = random.Random(seed)
        width, height = 600.0, 800.0
        glyphs = []
        for _ in range(400):
            x, y, size = rng.uniform(0, 590), rng.uniform(0, 790), rng.choice((8.0, 10.0))
            box = to_frame((x, y, x + size, y + size), rng.choice(list(Frame)), width, height)
            glyphs.append(Glyph("あ", *box, size, "MS-Mincho", False, rng.choice(list(Frame))))
        centres = _Centres(glyphs)
        taken: set[int] = set()
        for _ in range(8):
            x0, top = rng.uniform(0, 500), rng.uniform(0, 700)
            box = (x0, top, x0 + rng.uniform(10, 300), top + rng.uniform(10, 300))
            plain = [k for k, g in enumerate(glyphs) if k not in taken
                     and _centre_in(g, to_frame(box, g.frame, width, height))]
            assert centres.inside(box, width, height, taken) == plain, seed
            if rng.random() < 0.7:
                taken.update(plain)
        assert taken
