"""Text normalization: NFKC that keeps the characters the outline needs, plus debris removal.

NFKC makes full-width digits and brackets ASCII and maps Kangxi radicals (⼊ → 入), but it would
also turn the numbering markers ① and Ⅱ into "1" and "II", losing the marker family the outline
infers depth from. Those characters (`nfkc_kept` in rules/markers.json) are passed through
unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import cache

from extract.blocks import Block, BlockKind
from extract.rules import load

# Zero-width and formatting characters carry nothing and break matching.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t]+")
# A short fragment that opens a bracket and never closes it is text-layer or flattening debris
# ("「 古兄"), never content: real short cells ("策定", "1-①") close what they open.
_DEBRIS = re.compile(r"^[「『(\[<〈《【][^」』)\]>〉》】]{0,4}$")


@cache
def _kept() -> re.Pattern[str]:
    """The marker characters NFKC would change (① → 1), from the marker grammar's rules."""
    return re.compile(load("markers")["nfkc_kept"])


def normalize_text(text: str) -> str:
    """NFKC of `text` except numbering markers, without invisible characters."""
    text = _INVISIBLE.sub("", text)
    if _kept().search(text) is None:  # the common case: no marker to keep, one NFKC call
        return unicodedata.normalize("NFKC", text)
    out: list[str] = []
    last = 0
    for m in _kept().finditer(text):
        out.append(unicodedata.normalize("NFKC", text[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(unicodedata.normalize("NFKC", text[last:]))
    return "".join(out)


def normalize_line(text: str) -> str:
    """One line of content: normalized, inner runs of spaces folded, ends stripped."""
    return _SPACES.sub(" ", normalize_text(text)).strip()


def is_debris(text: str) -> bool:
    """True for a fragment that is extraction debris, e.g. "「 古兄"; False for "策定"."""
    return bool(_DEBRIS.match(text.replace(" ", "")))


def normalize_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks with normalized text; empty blocks and debris dropped."""
    out: list[Block] = []
    for block in blocks:
        if block.kind is BlockKind.TABLE_ROW:
            cells = tuple("" if is_debris(c) else normalize_line(c) for c in block.cells)
            if not any(cells):
                continue
            joined = "\t".join(cells)
            # A block is frozen: one already normal is kept, not copied field by field.
            same = cells == block.cells and joined == block.text
            out.append(block if same else replace(block, cells=cells, text=joined))
            continue
        text = normalize_line(block.text)
        if text and not is_debris(text):
            out.append(block if text == block.text else replace(block, text=text))
    return out
