"""Where a web page's own content is, and which parts of the page are chrome.

Municipal CMS pages wrap a short body in navigation, breadcrumbs, font-size and language
menus, surveys, contact boxes and footers. The content is found from structure alone, in
this order of evidence:

1. a skip marker the templates print for screen readers ("ここから本文です", "本文ここから"):
   the content is what follows it, up to an end marker ("本文ここまで") if there is one;
2. a `<main>` (or role="main") element, else a dominant `<article>`;
3. text density: from `<body>` down, step into the child holding most of the non-link text
   while it holds most of it (a sidebar or menu never does).

Chrome is marked by tag (nav, aside, footer), ARIA role, class/id tokens (nav, menu,
breadcrumb, footer, sidebar...), survey forms and, later, by the headings templates print
("このページに関するお問い合わせ"). An element is chrome only while it holds less than half
the text around it, so a stray token on a page wrapper ("column_rnavi") never hides the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from extract.readers.html_rules import HtmlRules, class_tokens, phrase_key

Element = Any  # lxml.html.HtmlElement: lxml ships no type information

# Chrome never holds most of a page's text: an element that does is the page, whatever its class.
CHROME_MAX_SHARE = 0.5
# Density descent steps into a child holding this share of its parent's non-link text;
# a content column beside a sidebar holds 80-99%, a list item among its siblings far less.
DOMINANT_SHARE = 0.75
# A skip marker is a short line; longer text that merely contains the phrase is content.
MARKER_MAX_CHARS = 40
# Characters of non-link text after a skip marker for it to be taken as the content start.
MIN_CONTENT_CHARS = 10

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_USER_FORMS = etree.XPath(
    "//form[.//textarea or .//select or .//input[not(@type) or "
    "(@type!='hidden' and @type!='submit' and @type!='image')]]"
)
_HIDDEN = etree.XPath("//*[@hidden or @style]")


@dataclass(frozen=True, slots=True)
class Region:
    """The content of a page: `root`, from after `start` (if any) up to `end` (if any)."""

    root: Element
    start: Element | None  # content begins after this marker element
    end: Element | None  # content stops at this marker element
    how: str  # "marker" | "main" | "article" | "density": which evidence found it


def strip_invisible(doc: Element, rules: HtmlRules) -> set[Element]:
    """Remove scripts, styles, form controls and hidden elements; return the survey forms.

    Forms are found before their controls go: a form asking the reader something is a
    survey or search box, while a form that merely wraps a page (ASP.NET) has other content.
    """
    forms = set(_USER_FORMS(doc))
    for el in _HIDDEN(doc):
        style = el.get("style") or ""
        if (
            el.get("hidden") is not None or _HIDDEN_STYLE.search(style)
        ) and el.getparent() is not None:
            el.drop_tree()
    etree.strip_elements(doc, *rules.drop_tags, with_tail=False)
    return forms


@dataclass(slots=True)
class TextSizes:
    """Characters of text under each element: all of it, and the part outside links."""

    total: dict[Element, int]
    plain: dict[Element, int]


def text_sizes(root: Element, skip: set[Element] | None = None) -> TextSizes:
    """Return the text sizes of every element under `root`, counting nothing inside `skip`."""
    total: dict[Element, int] = {}
    linked: dict[Element, int] = {}
    # Reversed document order meets every descendant before its ancestor.
    for el in reversed(list(_elements(root))):
        if skip and el in skip:
            total[el] = linked[el] = 0
            continue
        size = _chars(el.text)
        links = 0
        for child in el:
            size += total.get(child, 0) + _chars(child.tail)
            links += linked.get(child, 0)
        total[el] = size
        linked[el] = size if el.tag == "a" and el.get("href") is not None else links
    return TextSizes(total, {el: total[el] - linked[el] for el in total})


def mark_chrome(
    body: Element, rules: HtmlRules, sizes: TextSizes, forms: set[Element]
) -> set[Element]:
    """Return the outermost elements of `body` that are page chrome by their markup."""
    limit = CHROME_MAX_SHARE * sizes.plain.get(body, 0)
    chrome: set[Element] = set()
    walker = etree.iterwalk(body, events=("start",))
    for _event, el in walker:
        if el is body or not isinstance(el.tag, str):
            continue
        if sizes.plain.get(el, 0) <= limit and (el in forms or is_chrome(el, rules)):
            chrome.add(el)
            walker.skip_subtree()
    return chrome


def is_chrome(el: Element, rules: HtmlRules) -> bool:
    """Return whether an element's tag, role or class/id tokens say it is page chrome."""
    tag = el.tag
    if tag in rules.chrome_tags:
        return True
    role = (el.get("role") or "").strip().lower()
    if role in rules.chrome_roles or (tag == "header" and not _inside_content(el)):
        return role != "main"
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    return any(rules.is_chrome_token(token) for token in class_tokens(names))


def find_region(body: Element, rules: HtmlRules, sizes: TextSizes) -> Region:
    """Return the page's content region (`sizes` count no chrome)."""
    start = find_marker(body, rules.content_start, sizes)
    if start is not None:
        root = _marker_root(start, body, sizes)
        if root is not None:
            end = find_marker(body, rules.content_end, sizes, after=start)
            return Region(root, start, end, "marker")
    mains = [el for el in _elements(body) if el.tag == "main" or el.get("role") == "main"]
    main = _dominant(mains, sizes, share=0.0)
    if main is not None:
        return Region(main, None, None, "main")
    article = _dominant(
        [el for el in _elements(body) if el.tag == "article"], sizes, DOMINANT_SHARE
    )
    if article is not None:
        return Region(article, None, None, "article")
    return Region(_descend(body, sizes), None, None, "density")


def find_marker(
    root: Element, phrases: frozenset[str], sizes: TextSizes, after: Element | None = None
) -> Element | None:
    """Return the outermost element whose whole text is one of `phrases` (after `after`)."""
    seen = after is None
    for el in _elements(root):
        if not seen:
            seen = el is after
            continue
        if (
            0 < sizes.total.get(el, 0) <= MARKER_MAX_CHARS
            and phrase_key(el.text_content()) in phrases
            and (after is None or not _is_ancestor(after, el))
        ):
            return el
    return None


def _marker_root(marker: Element, body: Element, sizes: TextSizes) -> Element | None:
    """Return the nearest ancestor of a skip marker with enough text after the marker."""
    node = marker
    following = 0
    while node is not body:
        parent = node.getparent()
        if parent is None:
            return None
        following += sum(sizes.plain.get(sib, 0) + _chars(sib.tail) for sib in node.itersiblings())
        following += _chars(node.tail)
        if following >= MIN_CONTENT_CHARS:
            return parent
        node = parent
    return None


def _dominant(candidates: list[Element], sizes: TextSizes, share: float) -> Element | None:
    """Return the candidate with most text if it has content and `share` of all candidates'."""
    if not candidates:
        return None
    best = max(candidates, key=lambda el: sizes.plain.get(el, 0))
    size = sizes.plain.get(best, 0)
    # Nested candidates would count twice: compare with the outermost ones only.
    outer = [c for c in candidates if not any(_is_ancestor(o, c) for o in candidates if o is not c)]
    everything = sum(sizes.plain.get(c, 0) for c in outer)
    if size < MIN_CONTENT_CHARS or size < share * everything:
        return None
    return best


def _descend(body: Element, sizes: TextSizes) -> Element:
    """Return the deepest element reached by stepping into a child that dominates the text."""
    node = body
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            return node
        best = max(children, key=lambda el: sizes.plain.get(el, 0))
        if sizes.plain.get(best, 0) < max(DOMINANT_SHARE * sizes.plain.get(node, 0), 1):
            return node
        node = best


def _inside_content(el: Element) -> bool:
    """Return whether an element sits inside a main or article element."""
    return any(a.tag in ("main", "article") or a.get("role") == "main" for a in el.iterancestors())


def _is_ancestor(ancestor: Element, el: Element) -> bool:
    """Return whether `ancestor` is `el` or one of its ancestors."""
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _elements(root: Element) -> Iterator[Element]:
    """Yield `root` and the elements under it in document order (no comments)."""
    return root.iter(tag=etree.Element)  # type: ignore[no-any-return]


def _chars(text: str | None) -> int:
    """Return how many characters a text node adds, surrounding whitespace aside."""
    return len(text.strip()) if text else 0


def mark_heading_chrome(
    body: Element, rules: HtmlRules, sizes: TextSizes, chrome: set[Element]
) -> list[Element]:
    """Add to `chrome` the boxes a template heading opens; return the contact boxes.

    A box is the outermost element that starts with the heading ("<div><h2>このページに関する
    お問い合わせ</h2>...</div>"). A heading written among the content's own paragraphs has
    text before it in every ancestor, so it opens no box and stays (the block filters see it).
    """
    limit = CHROME_MAX_SHARE * sizes.plain.get(body, 0)
    contacts: set[Element] = set()
    for el in _elements(body):
        if el.tag not in ("h1", "h2", "h3", "h4", "h5", "h6", "legend") or el in chrome:
            continue
        key = phrase_key(el.text_content())
        if not (key.startswith(rules.self_headings) or key in rules.aside_headings):
            continue
        box = _box_opened_by(el, body, sizes, limit)
        if box is None or any(a in chrome for a in box.iterancestors()):
            continue
        chrome.add(box)
        if any(word in key for word in rules.contact_heading_words):
            contacts.add(box)
    for el in chrome:
        names = class_tokens(f"{el.get('id') or ''} {el.get('class') or ''}")
        if any(c in t for t in names for c in rules.contact_tokens):
            contacts.add(el)
    return [el for el in _elements(body) if el in contacts]


def _box_opened_by(
    heading: Element, body: Element, sizes: TextSizes, limit: float
) -> Element | None:
    """Return the outermost ancestor whose text starts with `heading`, if any."""
    box = None
    node = heading
    while True:
        parent = node.getparent()
        if parent is None or parent is body or sizes.plain.get(parent, 0) > limit:
            return box
        if _chars(parent.text) or any(
            sizes.total.get(sib, 0) or _chars(sib.tail) for sib in node.itersiblings(preceding=True)
        ):
            return box
        box = parent
        node = parent
