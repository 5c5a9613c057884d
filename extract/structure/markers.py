"""The numbering-marker grammar: one set of families composed from named fragments.

Japanese documents number their headings and items with families of markers (第1章, 1, (1),
①, ア, Ⅰ, ■, <…>). `rules/markers.json` states each family as a label pattern and what may
follow it, written with named fragments (`{digits}`, `{circled}`, `{katakana}` …) so one
fragment means the same thing in every family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extract.periods.values import to_int
from extract.rules import load

# A bracketed line longer than this is a sentence in brackets, not a bracketed heading.
MAX_BRACKETED_CHARS = 40

_KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノ"
    "ハヒフヘホマミムメモヤユヨラリルレロワヲン"
)
_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_FRAGMENT = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Marker:
    """A numbering marker at the start of a line."""

    family: str
    label: str | None  # as printed; None for bullets and bracketed headings
    num: int | None  # ordinal for numbering continuity
    parent: str | None  # "1" of a compound label "1-①"
    title: str  # the line without its marker

    @property
    def numbered(self) -> bool:
        """True for a counting marker (1, (1), 第1章), False for bullets and brackets."""
        return self.label is not None

    @property
    def compound(self) -> bool:
        """True for a label under another one's number (1-①, 3-2)."""
        return self.parent is not None


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    ordinal: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Grammar:
    families: tuple[Family, ...]
    bullets: str
    brackets: dict[str, str]
    caption_prefixes: tuple[str, ...]


def compose(template: str, fragments: dict[str, str]) -> str:
    """`template` with each `{name}` replaced by its fragment; `{1,3}` quantifiers stay."""
    return _FRAGMENT.sub(lambda m: fragments[m.group(1)], template)


@cache
def grammar() -> Grammar:
    raw = load("markers")
    fragments: dict[str, str] = raw["fragments"]
    families = tuple(
        Family(f["family"], f["ordinal"], re.compile(
            "^(?P<label>" + compose(f["label"], fragments) + ")"
            + compose(f["after"], fragments) + "$"))
        for f in raw["families"])
    return Grammar(families, raw["bullets"], raw["brackets"], tuple(raw["caption_prefixes"]))


def ordinal(kind: str, text: str) -> int | None:
    """The count a marker stands for: ("circled", "③") → 3, ("katakana", "ウ") → 3."""
    if kind in ("number", "kanji"):
        return to_int(text)
    if kind == "circled":
        return ord(text) - ord("①") + 1
    if kind == "katakana":
        return _KATAKANA.index(text) + 1 if text in _KATAKANA else None
    if kind == "roman":
        return _ROMAN.index(text) + 1 if text in _ROMAN else None
    if kind == "alpha":
        return ord(text.upper()) - ord("A") + 1
    return None


def parse_marker(text: str) -> Marker | None:
    """The marker opening `text`: "(1)「対話重視」…" → (1); "1年間の…" → None."""
    g = grammar()
    if len(text) > 1 and text[0] in g.bullets:
        title = text.lstrip(g.bullets + " ")
        return Marker(f"bullet{text[0]}", None, None, None, title) if title else None
    close = g.brackets.get(text[:1])
    if close and text.endswith(close) and 1 < len(text) <= MAX_BRACKETED_CHARS:
        inner = text[1:-1].strip()
        if inner and close not in inner:
            return Marker(f"bracket{text[0]}", None, None, None, inner)
    for family in g.families:
        m = family.pattern.match(text)
        if m:
            groups = m.groupdict()
            num = ordinal(family.ordinal, groups["num"]) if groups.get("num") else None
            return Marker(family.name, m.group("label"), num, groups.get("parent"),
                          m.group("title").strip())
    return None


def is_caption(text: str) -> bool:
    """True for a figure or table caption or a note: "図1 人口の推移", "※ 見込み"; not "図書館"."""
    return any(text.startswith(p) and len(text) > len(p) and not text[len(p)].isalpha()
               for p in grammar().caption_prefixes)
