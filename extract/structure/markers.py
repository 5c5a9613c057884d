"""The numbering-marker grammar: one set of families composed from named fragments.

Japanese documents number their headings and items with families of markers (第1章, 1, (1),
①, ア, Ⅰ, ■, <…>). `rules/markers.json` states each family as a label pattern and what may
follow it, written with named fragments (`{digits}`, `{circled}`, `{katakana}` …) so one
fragment means the same thing in every family. Every reader and stage asks this module:

- `parse_marker`: the heading or item marker of a normalized line, with its title (the outline);
- `opening`: the marker a line of a page opens with, whatever follows (a reader deciding where
  an item starts), on raw or normalized text;
- `label_only`: whether a text is a marker and nothing else ("(1)", "第1章", "■").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from extract.rules import load
from extract.structure.normalize import normalize_line

# A bracketed line longer than this is a sentence in brackets, not a bracketed heading.
MAX_BRACKETED_CHARS = 40

_KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノ"
    "ハヒフヘホマミムメモヤユヨラリルレロワヲン"
)
_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟"
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
class Opening:
    """The marker a line opens with, as a reader sees it: its family and its kind.

    kind: "label" (a numbering label or a tag: 第1章, (1), ア., 【目標】), "set_apart" (a
    symbol that marks headings and items alike: ■, ◎), "list" (a symbol that marks list items
    only: ・, ▶, -, →, a symbol-font glyph).
    """

    family: str
    kind: str


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    ordinal: str
    pattern: re.Pattern[str]  # the whole line: label, then `after` with the title
    opening: re.Pattern[str] | None  # the start of a line: label, then `opens` (None: never)
    alone: re.Pattern[str]  # the label and nothing else
    outline: bool  # a heading marker of the outline, not only an item's start for readers


@dataclass(frozen=True, slots=True)
class Grammar:
    families: tuple[Family, ...]
    bullets: str  # the outline's bullets: set-apart and list symbols
    bullet_kinds: dict[str, str]  # symbol -> "set_apart" | "list" (dashes included)
    private_use: re.Pattern[str]  # a symbol-font glyph (Wingdings) read as private use
    brackets: dict[str, str]
    caption_prefixes: tuple[str, ...]
    # Which outline family's `pattern` matches first, in one match: the outline families'
    # patterns as lookaheads in order, each with an empty group named by its index.
    first_outline: re.Pattern[str]


def compose(template: str, fragments: dict[str, str]) -> str:
    """`template` with each `{name}` replaced by its fragment; `{1,3}` quantifiers stay."""
    return _FRAGMENT.sub(lambda m: fragments[m.group(1)], template)


@cache
def grammar() -> Grammar:
    raw = load("markers")
    fragments: dict[str, str] = raw["fragments"]
    families = []
    for f in raw["families"]:
        label = "^(?P<label>" + compose(f["label"], fragments) + ")"
        families.append(Family(
            f["family"], f["ordinal"], re.compile(label + compose(f["after"], fragments) + "$"),
            None if "opens" in f and f["opens"] is None
            else re.compile(label + compose(f.get("opens", ""), fragments)),
            re.compile(label + "$"), f.get("outline", True)))
    bullets: dict[str, str] = raw["bullets"]
    kinds = {ch: kind for kind, chars in bullets.items() for ch in chars}
    kinds.update((ch, "list") for ch in bullets["dash"])
    return Grammar(tuple(families), bullets["set_apart"] + bullets["list"], kinds,
                   re.compile(raw["private_use_bullet"]), raw["brackets"],
                   tuple(raw["caption_prefixes"]), _first_of(families))


def _first_of(families: list[Family]) -> re.Pattern[str]:
    """One pattern whose `lastgroup` names (as "f" and its index in `families`) the first
    outline family whose pattern matches a text: one match in place of one per family.
    Alternatives are tried in order, so the first that matches wins, as in a loop."""
    alternatives = [f"(?=(?:{_unnamed(f.pattern.pattern)}))(?P<f{k}>)"
                    for k, f in enumerate(families) if f.outline]
    return re.compile("|".join(alternatives))


def _unnamed(pattern: str) -> str:
    """`pattern` with its named groups made plain groups, so several may share one pattern."""
    if "(?P=" in pattern:
        raise ValueError(f"a marker pattern refers back to a named group: {pattern}")
    return re.sub(r"\(\?P<[a-z_]+>", "(?:", pattern)


def ordinal(kind: str, text: str) -> int | None:
    """The count a marker stands for: ("circled", "③") → 3, ("katakana", "ウ") → 3."""
    if kind in ("number", "kanji"):
        # Imported here: the readers ask this grammar, and the period engine's package
        # compiles its patterns on import.
        from extract.periods.values import to_int

        return to_int(text)
    if kind == "circled":
        return _CIRCLED.index(text) + 1 if text in _CIRCLED else None
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
    first = g.first_outline.match(text)
    if first is None or first.lastgroup is None:
        return None
    return _parse(g.families[int(first.lastgroup[1:])], text)


def parse_family(name: str, text: str) -> Marker | None:
    """`text` read as a marker of the family `name`, whether or not the outline takes that
    family as a heading: ("jo", "第3条の2 目的") → 第3条の2, num 3, title "目的"."""
    return _parse(next(f for f in grammar().families if f.name == name), text)


def _parse(family: Family, text: str) -> Marker | None:
    m = family.pattern.match(text)
    return None if m is None else _marker(family, m, m.group("label"), m.group("title").strip())


def _marker(family: Family, m: re.Match[str], label: str, title: str) -> Marker:
    groups = m.groupdict()
    num = ordinal(family.ordinal, groups["num"]) if groups.get("num") else None
    return Marker(family.name, label, num, groups.get("parent"), title)


def _bullet(text: str) -> Opening | None:
    g = grammar()
    if g.private_use.match(text):
        return Opening(f"bullet{text[0]}", "list")
    kind = g.bullet_kinds.get(text[:1])
    return Opening(f"bullet{text[0]}", kind) if kind else None


# Readers ask about each line and segment; a bounded cache keeps repeated texts cheap in a batch.
@lru_cache(maxsize=4096)
def opening(text: str) -> Opening | None:
    """The marker `text` opens with, whatever follows; `text` may be raw (full-width forms).

    >>> opening("（１）配慮する事項"), opening("・所属長")
    (Opening(family='paren_num', kind='label'), Opening(family='bullet・', kind='list'))
    >>> opening("１年間の取組") is None, opening("第３回会議") is None
    (True, True)
    """
    if not text:
        return None
    # Bullets as printed: NFKC would fold a full-width dash (－注－, a subtitle's rule) into
    # the hyphen that opens list items.
    found = _bullet(text)
    if found is not None:
        return found
    text = normalize_line(text)
    for family in grammar().families:
        if family.opening is not None and family.opening.match(text):
            return Opening(family.name, "label")
    return None


def parse_label(text: str) -> Marker | None:
    """A printed label alone, as a node carries it, with its family and ordinal:
    "(3)" → paren_num 3, "第十二章" → sho 12, "Ⅱ." → roman 2; "■" and "はじめに" → None.
    A branch article counts within its article, as a compound label within its parent:
    "第4条の2" → jo 2 under 4."""
    return _alone(normalize_line(text))


def _alone(text: str) -> Marker | None:
    for family in grammar().families:
        m = family.alone.match(text)
        if m:
            marker = _marker(family, m, text, "")
            branch = m.groupdict().get("branch")
            return replace(marker, num=int(branch), parent=str(marker.num)) if branch else marker
    return None


@lru_cache(maxsize=4096)
def label_only(text: str) -> bool:
    """True for a text that is a marker and nothing else: "１", "(1)", "第１章", "ア.", "■";
    False for "１ はじめに" or "1年"."""
    text = normalize_line(text)
    return (len(text) == 1 and text in grammar().bullets) or _alone(text) is not None


def is_caption(text: str) -> bool:
    """True for a figure or table caption or a note: "図1 人口の推移", "※ 見込み", "＊2 …";
    not "図書館". `text` may be raw (full-width forms)."""
    text = normalize_line(text)
    prefixes = grammar().caption_prefixes
    # One C call rules out the usual line that opens with no caption word at all.
    return text.startswith(prefixes) and any(
        text.startswith(p) and len(text) > len(p) and not text[len(p)].isalpha()
        for p in prefixes)


def starts_with_caption_word(text: str) -> bool:
    """True for a text opening with a caption or note word, even one run into a longer word:
    "図1 人口", "グラフ凡例", "図書館"; not "人口の推移". A looser test than `is_caption`, for a
    reader keeping such lines out of its headings. `text` may be raw (full-width forms)."""
    return normalize_line(text).startswith(grammar().caption_prefixes)
