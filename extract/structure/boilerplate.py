"""Page furniture out of the content, and into metadata where it says something.

Navigation jumps, breadcrumb trails, "Get Adobe Reader" notices, contact blocks and survey
widgets survive in flattened text. They are removed from the block stream; breadcrumbs,
更新日, ページID and the contact block (department, phone, fax, mail, address) become metadata.
A document's first line that is only an attachment tag (別紙3, 別添1-2) is furniture too: it
files the document among another one's attachments and heads none of its own content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extract.blocks import Block, BlockKind
from extract.rules import load

# Furniture is short; a long block is content even when it mentions お問い合わせ.
MAX_FURNITURE_CHARS = 120
# A contact block line naming a department is short ("企画部 デジタル行政推進課").
MAX_DEPARTMENT_CHARS = 40
# Inside a footer, a block this long that matches no furniture pattern is content again.
FOOTER_ENDS_AT_PROSE_CHARS = 100


@dataclass(slots=True)
class PageFacts:
    """What the furniture said about the page."""

    breadcrumbs: list[str] = field(default_factory=list)
    updated: str | None = None
    page_id: str | None = None
    department: str | None = None
    phone: list[str] = field(default_factory=list)
    fax: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    address: str | None = None


@dataclass(frozen=True, slots=True)
class _Rules:
    drop_phrases: tuple[str, ...]
    drop_exact: frozenset[str]
    footer_starts: tuple[str, ...]
    # Whether a text holds any of the phrases / footer starts: one search, not one `in` each.
    any_drop_phrase: re.Pattern[str]
    any_footer_start: re.Pattern[str]
    survey: re.Pattern[str]
    department: re.Pattern[str]
    metadata: dict[str, re.Pattern[str]]
    contact: dict[str, re.Pattern[str]]
    breadcrumb_split: re.Pattern[str]
    breadcrumb_roots: tuple[str, ...]
    attachment_tag: re.Pattern[str]


@cache
def _rules() -> _Rules:
    raw = load("boilerplate")
    suffixes = "|".join(map(re.escape, raw["department_suffixes"]))
    return _Rules(
        drop_phrases=tuple(raw["drop_phrases"]),
        drop_exact=frozenset(raw["drop_exact"]),
        footer_starts=tuple(raw["footer_starts"]),
        any_drop_phrase=_any_of(raw["drop_phrases"]),
        any_footer_start=_any_of(raw["footer_starts"]),
        survey=re.compile("|".join(raw["survey_patterns"])),
        department=re.compile(rf"^[^\d:：]{{2,}}(?:{suffixes})(?:\s|$)"),
        metadata={k: re.compile(v) for k, v in raw["metadata_patterns"].items()},
        contact={k: re.compile(v) for k, v in raw["contact_patterns"].items()},
        breadcrumb_split=re.compile(
            r"\s*(?:" + "|".join(map(re.escape, raw["breadcrumb_separators"])) + r")\s*"
        ),
        breadcrumb_roots=tuple(raw["breadcrumb_roots"]),
        attachment_tag=re.compile(raw["attachment_tag"]),
    )


def _any_of(words: list[str]) -> re.Pattern[str]:
    """A pattern that `search` finds in a text exactly when one of `words` is in it."""
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


def is_attachment_tag(text: str) -> bool:
    """Only the tag of an attachment or a form, with nothing after it: "別紙3", "別添1-2",
    "【様式13】" (a bylaw's 別表第1 is a part of the bylaw, not an attachment)."""
    return bool(_rules().attachment_tag.match(text))


def _breadcrumbs(text: str) -> list[str] | None:
    """The trail of "トップページ > 市政情報 > …", or None for any other line."""
    rules = _rules()
    parts = [p for p in rules.breadcrumb_split.split(text) if p]
    rooted = len(parts) >= 2 and parts[0] in rules.breadcrumb_roots
    return parts if rooted or (len(parts) >= 3 and len(text) < 200) else None


def _read_contact(text: str, facts: PageFacts) -> bool:
    """Record contact details found in `text`; True when it held any."""
    rules = _rules()
    found = False
    for key, pattern in rules.contact.items():
        for m in pattern.finditer(text):
            found = True
            value = m.group("value")
            if key == "postal":
                rest = text[m.end():].strip()
                facts.address = f"〒{value} {rest}".strip() if rest else f"〒{value}"
            else:
                values: list[str] = getattr(facts, key)
                if value not in values:
                    values.append(value)
    return found


_ADDRESS = re.compile(r"\d+丁目|\d+番地?|[都道府県市区町村]\S*\d+-\d+")


def _is_address(text: str) -> bool:
    return len(text) < 60 and bool(_ADDRESS.search(text))


def _opens_footer(text: str, rules: _Rules) -> bool:
    """True for a footer's heading ("このページに関するお問い合わせ"); False for a sentence of
    the content that mentions one ("下記の問い合わせ先までご連絡下さい。")."""
    if text.startswith(rules.footer_starts):
        return True
    return (not text.endswith(("。", "。)", "。」"))
            and rules.any_footer_start.search(text) is not None)


def strip_boilerplate(blocks: list[Block]) -> tuple[list[Block], PageFacts]:
    """Content blocks without page furniture, and the facts the furniture held."""
    rules = _rules()
    facts = PageFacts()
    content: list[Block] = []
    in_footer = False
    for block in blocks:
        text = block.text
        short = len(text) <= MAX_FURNITURE_CHARS and block.kind is not BlockKind.TABLE_ROW
        if not short:
            prose = len(text) > FOOTER_ENDS_AT_PROSE_CHARS and not rules.survey.search(text)
            if in_footer and prose:
                in_footer = False
            if not in_footer:
                content.append(block)
            continue
        trail = _breadcrumbs(text)
        if trail is not None:
            facts.breadcrumbs = trail
            continue
        meta = next(((k, m) for k, p in rules.metadata.items() if (m := p.match(text))), None)
        if meta is not None:
            setattr(facts, meta[0], meta[1].group("value").strip())
            continue
        if _opens_footer(text, rules):
            in_footer = True
            continue
        if in_footer:
            if _read_contact(text, facts):
                continue
            if facts.department is None and rules.department.match(text):
                facts.department = text
            elif facts.address and _is_address(text) and " " not in facts.address:
                facts.address = f"{facts.address} {text}"
            continue
        if text in rules.drop_exact or rules.any_drop_phrase.search(text):
            continue
        if not content and is_attachment_tag(text.strip()):
            continue
        content.append(block)
    return content, facts
