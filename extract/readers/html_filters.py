"""Template sections and boilerplate lines out of a page's drafts; the page heading in."""

from __future__ import annotations

from extract.blocks import Block, BlockKind
from extract.readers.html_blocks import Anchor, Draft, clean_text
from extract.readers.html_content import Element, text_of
from extract.readers.html_meta import document_type
from extract.readers.html_rules import HtmlRules, phrase_key

# A boilerplate notice is a line, not a paragraph that happens to name Adobe Reader.
MAX_BOILERPLATE_CHARS = 120
# A related-links section is links and little else.
LINK_SECTION_SHARE = 0.7


def drop_template_parts(
    drafts: list[Draft], anchors: list[Anchor], rules: HtmlRules
) -> tuple[list[Draft], list[Anchor]]:
    """Return the drafts without template sections and boilerplate lines (and their links).

    A section under a heading the templates print about the page itself ("このページに関する
    お問い合わせ") goes whole; one under a related-links heading ("関連情報") goes when it is
    links to other pages and nothing else.
    """
    drop = [False] * len(drafts)
    documents = {
        a.draft for a in anchors if a.draft < len(drafts) and _is_document_anchor(a, rules)
    }
    in_page: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        in_page.setdefault(anchor.draft, []).append(anchor)
    for i, draft in enumerate(drafts):
        block = draft.block
        heading = block.kind is BlockKind.HEADING
        if len(block.text) > MAX_BOILERPLATE_CHARS and not heading:
            continue
        key = phrase_key(block.text)
        if key in rules.boilerplate_blocks or rules.boilerplate_contains.search(key):
            drop[i] = True
        elif not heading and i in in_page and _only_in_page_links(key, in_page[i]):
            drop[i] = True  # a table of contents repeating the headings, or "back to top"
        elif heading and key.startswith(rules.self_headings):
            for k in [i, *_section(drafts, i)]:
                drop[k] = True
        elif heading and key in rules.aside_headings:
            section = _section(drafts, i)
            if section and not documents.intersection(section):
                text = sum(len(drafts[k].block.text) for k in section)
                links = sum(drafts[k].link_chars for k in section)
                if links >= LINK_SECTION_SHARE * text:
                    for k in [i, *section]:
                        drop[k] = True
    kept_index: dict[int, int] = {}
    kept: list[Draft] = []
    for i, draft in enumerate(drafts):
        if not drop[i]:
            kept_index[i] = len(kept)
            kept.append(draft)
    kept_anchors = [
        Anchor(a.href, a.text, a.after, kept_index[a.draft])
        for a in anchors
        if a.draft in kept_index
    ]
    return kept, kept_anchors


def _only_in_page_links(key: str, anchors: list[Anchor]) -> bool:
    """Return whether a line (as a phrase key) is nothing but links within the page."""
    if not anchors or not all(a.href.startswith("#") for a in anchors):
        return False
    return phrase_key("".join(a.text for a in anchors)) == key


def _section(drafts: list[Draft], at: int) -> list[int]:
    """Return the indexes of the drafts under the heading at `at`, up to the next such heading."""
    level = drafts[at].block.level or 1
    section: list[int] = []
    for k in range(at + 1, len(drafts)):
        block = drafts[k].block
        if block.kind is BlockKind.HEADING and (block.level or 1) <= level:
            break
        section.append(k)
    return section


def _is_document_anchor(anchor: Anchor, rules: HtmlRules) -> bool:
    """Return whether an anchor points at a document file."""
    return document_type(anchor.href, rules) is not None


def with_page_heading(drafts: list[Draft], body: Element, chrome: set[Element]) -> list[Draft]:
    """Return the drafts led by the page's h1 when the template printed it above the content."""
    if any(d.block.kind is BlockKind.HEADING and d.block.level == 1 for d in drafts):
        return drafts
    h1s = [
        el
        for el in body.iter("h1")
        if el not in chrome and not any(a in chrome for a in el.iterancestors())
    ]
    if len(h1s) != 1:
        return drafts
    text, _indent = clean_text(text_of(h1s[0]))
    if not text:
        return drafts
    return [Draft(Block(BlockKind.HEADING, text, level=1)), *drafts]
