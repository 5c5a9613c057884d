"""Text as the period rules see it (NFKC, letter-spacing removed), with a map back to offsets."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain

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
    origin: Sequence[int] | None  # None: one character per character, same offsets

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Return the raw-text span of the normalized span [start, end)."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def normalize(raw: str) -> Normalized:
    """Return `raw` NFKC-normalized (circled numbers kept) and letter-spacing removed."""
    changed = {}
    if not (raw.isascii() or unicodedata.is_normalized("NFKC", raw)):
        for ch in set(raw):  # each distinct character once: the text itself may be megabytes
            out = _nfkc(ch)
            if out != ch:
                changed[ch] = out
    text, origin = raw, None
    if changed:
        text = raw.translate({ord(k): v for k, v in changed.items()})
        if len(text) != len(raw) or any(len(v) != 1 for v in changed.values()):
            origin = _origin_of_translation(raw, changed)
    if _LETTER_SPACED.search(text):
        text, origin = _join_letter_spaced(text, origin)
    return Normalized(text, origin)


@cache
def _nfkc(ch: str) -> str:
    """Return the NFKC form of one character (circled numbers and ASCII unchanged)."""
    if ch.isascii() or _KEEP.match(ch):
        return ch
    return unicodedata.normalize("NFKC", ch)


def _origin_of_translation(raw: str, changed: dict[str, str]) -> list[int]:
    """Return, for each character of the translated text, its offset in `raw` (㍻ → 平成)."""
    resized = "".join(re.escape(k) for k, v in changed.items() if len(v) != 1)
    origin: list[int] = []
    last = 0
    for m in re.finditer(f"[{resized}]", raw):
        origin.extend(range(last, m.start()))
        origin.extend([m.start()] * len(changed[m.group()]))
        last = m.end()
    origin.extend(range(last, len(raw)))
    return origin


def _join_letter_spaced(text: str, origin: Sequence[int] | None) -> tuple[str, list[int]]:
    """Return `text` with the spaces inside letter-spaced runs dropped, and the kept origins."""
    source: Sequence[int] = range(len(text)) if origin is None else origin
    parts: list[str] = []
    kept: list[Sequence[int]] = []
    last = 0
    for m in _LETTER_SPACED.finditer(text):
        parts.append(text[last:m.start()])
        parts.append(m.group()[::2])
        kept.append(source[last:m.start()])
        kept.append(source[m.start():m.end():2])
        last = m.end()
    parts.append(text[last:])
    kept.append(source[last:])
    return "".join(parts), list(chain.from_iterable(kept))
