"""Text as the period rules see it (NFKC, letter-spacing removed), with a map back to offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Circled numbers keep their shape: NFKC would turn 1-① into 1-1, a number range.
_KEEP = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")

# PDF extraction spaces out every glyph of some headings (平 成 2 5 年 度). A run of at least
# this many single characters separated by single spaces is read as one word.
MIN_LETTER_SPACED_RUN = 4
_LETTER_SPACED = re.compile(rf"(?<!\S)(?:\S ){{{MIN_LETTER_SPACED_RUN - 1},}}\S(?!\S)")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text and, for each of its characters, the offset it came from."""

    text: str
    origin: tuple[int, ...] | None  # None: identity map (the text needed no change)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Return the raw-text span of the normalized span [start, end)."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def normalize(raw: str) -> Normalized:
    """Return `raw` NFKC-normalized (circled numbers kept) and letter-spacing removed."""
    if _is_nfkc(raw) and not _LETTER_SPACED.search(raw):
        return Normalized(raw, None)
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(raw):
        if ch.isascii() or _KEEP.match(ch):
            chars.append(ch)
            origin.append(i)
            continue
        for out in unicodedata.normalize("NFKC", ch):
            chars.append(out)
            origin.append(i)
    text = "".join(chars)
    if _LETTER_SPACED.search(text):
        text, origin = _join_letter_spaced(text, origin)
    return Normalized(text, tuple(origin))


def _is_nfkc(raw: str) -> bool:
    """Return True when NFKC leaves `raw` unchanged and it holds no circled number."""
    return unicodedata.is_normalized("NFKC", raw)


def _join_letter_spaced(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Return `text` with the spaces inside letter-spaced runs dropped, and the kept origins."""
    drop: set[int] = set()
    for m in _LETTER_SPACED.finditer(text):
        drop.update(range(m.start() + 1, m.end(), 2))
    kept = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in kept), [origin[i] for i in kept]
