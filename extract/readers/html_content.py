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
("このページに関するお問い合わせ"). An element holding a landmark of the content (the skip
marker, `<main>`, the page's only `<h1>`) or nearly all of the page's text is never chrome,
so a stray token on a page wrapper ("column_rnavi") or a form around the whole page
(ASP.NET) cannot hide the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from extract.readers.html_rules import HtmlRules, class_tokens, phrase_key

Element = Any  # lxml.etree._Element: lxml ships no type information

# Density descent steps into a child holding this share of its parent's non-link text;
# a content column beside a sidebar holds 80-99%, a list item among its siblings far less.
DOMINANT_SHARE = 0.75
# A skip marker is a short line; longer text that merely contains the phrase is content.
MARKER_MAX_CHARS = 40
# An element with this share of the page's non-link text wraps the page, whatever its class;
# a footer or sidebar holds that much only beside a content of a few words.
WRAPPER_SHARE = 0.9

# Elements holding a line of text rather than other blocks: the density descent stops above.
# fmt: off
_TEXT_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "address", "caption",
    "figcaption", "legend", "summary", "a", "span", "font", "b", "strong", "em", "i", "u",
    "small", "big", "label",
})
# fmt: on
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
            drop_tree(el)
    etree.strip_elements(doc, *rules.drop_tags, with_tail=False)
    return forms


class TextSizes:
    """Characters of text under each element: all of it, and the part outside links.

    Counted once, bottom-up; `without(chrome)` gives a view where chrome adds nothing to
    its ancestors, at the cost of one walk up from each chrome element.
    """

    def __init__(self, sizes: dict[Element, tuple[int, int]], removed: dict[Element, int]):
        self._sizes = sizes
        self._removed = removed

    def total(self, el: Element) -> int:
        """Return all the characters of text under `el`."""
        return self._sizes.get(el, (0, 0))[0]

    def plain(self, el: Element) -> int:
        """Return the characters of text under `el` outside links (and outside chrome)."""
        return self._sizes.get(el, (0, 0))[1] - self._removed.get(el, 0)

    def without(self, chrome: set[Element]) -> TextSizes:
        """Return a view of these sizes where the `chrome` elements count for nothing."""
        removed: dict[Element, int] = {}
        for el in chrome:
            if any(a in chrome for a in el.iterancestors()):
                continue  # counted with the outer chrome element
            size = self.plain(el)
            removed[el] = removed.get(el, 0) + size
            for ancestor in el.iterancestors():
                removed[ancestor] = removed.get(ancestor, 0) + size
        return TextSizes(self._sizes, removed)


def text_sizes(root: Element) -> TextSizes:
    """Return the text sizes of every element under `root`."""
    sizes: dict[Element, tuple[int, int]] = {}
    # Reversed document order meets every descendant before its ancestor.
    for el in reversed(list(_elements(root))):
        total = _chars(el.text)
        plain = total
        for child in el:
            child_total, child_plain = sizes.get(child, (0, 0))
            tail = _chars(child.tail)
            total += child_total + tail
            plain += child_plain + tail
        if el.tag == "a" and el.get("href") is not None:
            plain = 0
        sizes[el] = (total, plain)
    return TextSizes(sizes, {})


def landmarks(body: Element, start: Element | None) -> set[Element]:
    """Return the content's landmarks and all their ancestors: elements that are not chrome.

    Landmarks: the skip marker, `<main>` / role="main", and the page's `<h1>` when it has
    only one and it is not a link (pages with several use them for menus too, and an h1
    that links is the site's logo).
    """
    marks = [el for el in _elements(body) if el.tag == "main" or el.get("role") == "main"]
    h1s = list(body.iter("h1"))
    if len(h1s) == 1 and next(h1s[0].iter("a"), None) is None:
        marks.append(h1s[0])
    if start is not None:
        marks.append(start)
    protected: set[Element] = set()
    for mark in marks:
        protected.add(mark)
        protected.update(mark.iterancestors())
    return protected


def wrappers(body: Element, sizes: TextSizes) -> set[Element]:
    """Return the elements wrapping nearly all the page's text (they nest, one in another)."""
    found: set[Element] = set()
    node = body
    while True:
        wrapper = max(node, key=sizes.plain, default=None)
        if wrapper is None or sizes.plain(wrapper) < WRAPPER_SHARE * sizes.plain(body):
            return found
        found.add(wrapper)
        node = wrapper


def mark_chrome(
    body: Element,
    rules: HtmlRules,
    forms: set[Element],
    protected: set[Element],
    wrapping: set[Element],
) -> set[Element]:
    """Return the outermost elements of `body` that are page chrome by their markup.

    `protected` elements are never chrome; `wrapping` ones only by tag or role (a <footer>
    holding everything is a page of chrome, a <div class="navi_wrap"> holding it all is not).
    """
    chrome: set[Element] = set()
    names: dict[str, bool] = {}  # class/id values repeat across a page: judge each once
    walker = etree.iterwalk(body, events=("start",))
    for _event, el in walker:
        if el is body or el in protected or not isinstance(el.tag, str):
            continue
        if is_chrome_element(el, rules) or (
            el not in wrapping and (el in forms or is_chrome_name(el, rules, names))
        ):
            chrome.add(el)
            walker.skip_subtree()
    return chrome


def is_chrome_element(el: Element, rules: HtmlRules) -> bool:
    """Return whether an element's tag or ARIA role says it is page chrome."""
    tag = el.tag
    if tag in rules.chrome_tags:
        return True
    role = el.get("role")
    if role is None and tag != "header":
        return False
    role = (role or "").strip().lower()
    if role in rules.chrome_roles or (tag == "header" and not _inside_content(el)):
        return role != "main"
    return False


def is_chrome_name(el: Element, rules: HtmlRules, seen: dict[str, bool]) -> bool:
    """Return whether an element's class/id tokens say it is page chrome (`seen` caches)."""
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    if names == " ":
        return False
    if names not in seen:
        seen[names] = any(rules.is_chrome_token(token) for token in class_tokens(names))
    return seen[names]


def find_region(body: Element, rules: HtmlRules, sizes: TextSizes, start: Element | None) -> Region:
    """Return the page's content region (`sizes` count no chrome; `start` is the skip marker)."""
    if start is not None:
        root = _marker_root(start, body, sizes)
        if root is not None:
            end = find_marker(body, rules.content_end, rules.marker_words, sizes, after=start)
            return Region(root, start, end)
    mains = [el for el in _elements(body) if el.tag == "main" or el.get("role") == "main"]
    main = _dominant(mains, sizes, share=0.0)
    if main is not None:
        return Region(main, None, None)
    article = _dominant(
        [el for el in _elements(body) if el.tag == "article"], sizes, DOMINANT_SHARE
    )
    if article is not None:
        return Region(article, None, None)
    return Region(_descend(body, sizes), None, None)


def find_marker(
    root: Element,
    phrases: frozenset[str],
    words: tuple[str, ...],
    sizes: TextSizes,
    after: Element | None = None,
) -> Element | None:
    """Return the outermost element whose whole text is one of `phrases` (after `after`).

    Only text containing one of `words` (which every phrase contains) is looked at, so the
    search costs one XPath pass instead of a phrase comparison per element.
    """
    test = " or ".join(f"contains(., '{word}')" for word in words)
    found = (after if after is not None else root).xpath(
        f"{'following::text()' if after is not None else './/text()'}[{test}]"
    )
    for text in found:
        node = text.getparent()
        if node is not None and text.is_tail:
            node = node.getparent()
        chain: list[Element] = []
        while node is not None and 0 < sizes.total(node) <= MARKER_MAX_CHARS:
            chain.append(node)
            node = node.getparent()
        for candidate in reversed(chain):
            if phrase_key(text_of(candidate)) in phrases:
                return candidate
    return None


def _marker_root(marker: Element, body: Element, sizes: TextSizes) -> Element | None:
    """Return the nearest ancestor of a skip marker with enough text after the marker."""
    node = marker
    following = 0
    while node is not body:
        parent = node.getparent()
        if parent is None:
            return None
        following += sum(sizes.plain(sib) + _chars(sib.tail) for sib in node.itersiblings())
        following += _chars(node.tail)
        if following > 0:
            return parent
        node = parent
    return None


def _dominant(candidates: list[Element], sizes: TextSizes, share: float) -> Element | None:
    """Return the candidate with most text if it has content and `share` of all candidates'."""
    if not candidates:
        return None
    best = max(candidates, key=lambda el: sizes.plain(el))
    size = sizes.plain(best)
    # Nested candidates would count twice: compare with the outermost ones only.
    outer = [c for c in candidates if not any(_is_ancestor(o, c) for o in candidates if o is not c)]
    everything = sum(sizes.plain(c) for c in outer)
    if size == 0 or size < share * everything:
        return None
    return best


def _descend(body: Element, sizes: TextSizes) -> Element:
    """Return the deepest element reached by stepping into a child that dominates the text.

    Only containers are stepped into: a paragraph or heading that dominates a short section
    is part of the content, not all of it.
    """
    node = body
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            return node
        best = max(children, key=lambda el: sizes.plain(el))
        if best.tag in _TEXT_BLOCKS or sizes.plain(best) < max(
            DOMINANT_SHARE * sizes.plain(node), 1
        ):
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
    body: Element,
    rules: HtmlRules,
    sizes: TextSizes,
    chrome: set[Element],
    protected: set[Element],
) -> list[Element]:
    """Add to `chrome` the boxes a template heading opens; return the contact boxes.

    A box is the outermost element that starts with the heading ("<div><h2>このページに関する
    お問い合わせ</h2>...</div>"). A heading written among the content's own paragraphs has
    text before it in every ancestor, so it opens no box and stays (the block filters see it).
    """
    contacts: set[Element] = set()
    for el in body.iter("h1", "h2", "h3", "h4", "h5", "h6", "legend"):
        if el in chrome:
            continue
        key = phrase_key(text_of(el))
        if not (key.startswith(rules.self_headings) or key in rules.aside_headings):
            continue
        box = _box_opened_by(el, body, sizes, protected)
        if box is None or any(a in chrome for a in box.iterancestors()):
            continue
        chrome.add(box)
        if any(word in key for word in rules.contact_heading_words):
            contacts.add(box)
    for el in chrome:
        names = class_tokens(f"{el.get('id') or ''} {el.get('class') or ''}")
        if any(c in t for t in names for c in rules.contact_tokens):
            contacts.add(el)
    if len(contacts) < 2:
        return list(contacts)
    return [el for el in _elements(body) if el in contacts]  # in document order


def _box_opened_by(
    heading: Element, body: Element, sizes: TextSizes, protected: set[Element]
) -> Element | None:
    """Return the outermost ancestor whose text starts with `heading`, if any."""
    box = None
    node = heading
    while True:
        parent = node.getparent()
        if parent is None or parent is body or parent in protected:
            return box
        if _chars(parent.text) or any(
            sizes.total(sib) or _chars(sib.tail) for sib in node.itersiblings(preceding=True)
        ):
            return box
        box = parent
        node = parent


def text_of(el: Element) -> str:
    """Return all the text inside an element."""
    return "".join(el.itertext())


def drop_tree(el: Element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
