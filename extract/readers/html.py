"""Web pages to blocks: `html_to_blocks`.

Stages, each a function of the module named in brackets:

1. check the bytes (empty, binary, oversized) and decode them [encoding];
2. parse with lxml's HTML parser: C code, no recursion in Python, depth capped by libxml2;
3. read the head (title, site name, base URL); strip scripts, styles and hidden parts
   [html_meta, html_content];
4. mark page chrome and find the content region [html_content];
5. read the page's metadata: breadcrumbs, update date, page ID, contact box [html_meta];
6. turn the region into blocks, then drop template sections and boilerplate lines
   [html_blocks, html_filters];
7. list the documents and pages the content links to [html_meta].

lxml's etree is used directly, not BeautifulSoup nor lxml.html: the same libxml2 parse without
a second tree of Python objects (BeautifulSoup) or a Python class lookup per element
(lxml.html), both several times slower on the walks below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from extract.blocks import Problem, ReadResult
from extract.readers.encoding import decode
from extract.readers.html_blocks import region_to_drafts
from extract.readers.html_content import (
    Element,
    Region,
    find_marker,
    find_region,
    landmarks,
    mark_chrome,
    mark_heading_chrome,
    strip_invisible,
    text_of,
    text_sizes,
    wrappers,
)
from extract.readers.html_filters import drop_template_parts, with_page_heading
from extract.readers.html_meta import (
    anchors_to_links,
    document_type,
    is_not_found,
    page_title,
    read_breadcrumbs,
    read_contact,
    read_head,
    read_page_facts,
)
from extract.readers.html_rules import HtmlRules, html_rules

MEDIA_TYPE = "text/html"
# Larger inputs are no web page we can use; refusing them bounds memory (the tree and its
# bookkeeping take 15 to 25 times the page).
MAX_INPUT_BYTES = 32 * 1024 * 1024
# Bytes looked at to tell a binary file from a page.
BINARY_PROBE_BYTES = 8192
# Share of control bytes above which the input is not text (text has next to none).
BINARY_CONTROL_SHARE = 0.05

_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\xd0\xcf\x11\xe0",
    b"\x1f\x8b",
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_HTML_OPEN = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_HTML_CLOSE = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
# Nesting kept when a page is too deep for libxml2 (2,048): real pages stay far below.
MAX_DEPTH = 512
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# fmt: off
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})
# fmt: on


def html_to_blocks(
    data: bytes, *, url: str | None = None, charset: str | None = None
) -> ReadResult:
    """Return a web page's content blocks, title, metadata, links and problems.

    `url` is where the page was fetched from (to resolve links), `charset` the encoding the
    server declared. Bad input never raises: the result is `failed` with a problem code.
    """
    problem = _check_bytes(data)
    if problem is not None:
        return _failed(problem)
    decoded = decode(data, charset)
    problems = list(decoded.problems)
    encoding = decoded.encoding
    if any(p.code == "unreadable_text" for p in problems):
        return _failed(*problems, encoding=encoding)
    text = decoded.text
    del decoded  # the text is parsed below; holding it would double a big page's memory
    if _HTML_OPEN.search(text[:4096]) and not _HTML_CLOSE.search(text):
        problems.append(Problem("truncated_html", "the page ends before </body> or </html>"))
    doc = _parse(text, problems)
    del text
    if doc is None:
        return _failed(*problems, encoding=encoding)
    result = _read_page(doc, url, html_rules(), problems)
    result.encoding = encoding
    return result


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the content is and which elements inside it to skip as chrome."""

    region: Region
    chrome: set[Element]  # the outermost elements marked as chrome
    contacts: list[Element]  # contact boxes, in document order


def _read_page(
    doc: Element, url: str | None, rules: HtmlRules, problems: list[Problem]
) -> ReadResult:
    """Return the reading of a parsed page (stages 3 to 7)."""
    head = read_head(doc, url)
    forms = strip_invisible(doc, rules)
    body = doc.find("body")
    if body is None:
        body = doc
    h1s = [text_of(el) for el in body.iter("h1")]
    if is_not_found([head.title or "", *h1s[:2]], rules):
        problems.append(Problem("no_main_content", "the page says it does not exist", "error"))
        return _failed(*problems)
    layout = _layout(body, rules, forms)
    region = layout.region
    metadata = _metadata(body, region, layout.contacts, rules)

    def is_document(href: str) -> bool:
        return document_type(href, rules) is not None

    drafts, anchors = region_to_drafts(
        region.root,
        start=region.start,
        end=region.end,
        skip=layout.chrome.__contains__,
        is_document=is_document,
    )
    drafts, anchors = drop_template_parts(drafts, anchors, rules)
    drafts = with_page_heading(drafts, body, layout.chrome)
    if not drafts:
        problems.append(
            Problem("no_main_content", "no content found among the page chrome", "error")
        )
        return _failed(*problems)
    return ReadResult(
        blocks=[d.block for d in drafts],
        media_type=MEDIA_TYPE,
        title=page_title(drafts, head),
        metadata=metadata,
        links=anchors_to_links(anchors, head.base, rules),
        problems=problems,
    )


def _layout(body: Element, rules: HtmlRules, forms: set[Element]) -> _Layout:
    """Return the content region, the chrome to skip in it and the contact boxes.

    The per-element text sizes live only here: on a big page they weigh as much as the tree.
    """
    sizes = text_sizes(body)
    start = find_marker(body, rules.content_start, rules.marker_words, sizes)
    protected = landmarks(body, start)
    chrome = mark_chrome(body, rules, forms, protected, wrappers(body, sizes))
    contacts = mark_heading_chrome(body, rules, sizes, chrome, protected)
    region = find_region(body, rules, sizes.without(chrome), start)
    return _Layout(region, chrome, contacts)


def _check_bytes(data: bytes) -> Problem | None:
    """Return why the bytes cannot be a web page, or None when they may be one."""
    if not data.strip():
        return Problem("empty_input", "the file is empty", "error")
    if len(data) > MAX_INPUT_BYTES:
        return Problem("too_large", f"{len(data)} bytes is more than a web page", "error")
    probe = data[:BINARY_PROBE_BYTES]
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text has NUL bytes by design
    controls = len(probe) - len(probe.translate(None, _CONTROL))
    if probe.startswith(_MAGIC) or controls > BINARY_CONTROL_SHARE * len(probe):
        return Problem("binary_input", "the file is binary, not a web page", "error")
    return None


def _parse(text: str, problems: list[Problem]) -> Element | None:
    """Return the parsed page, or None (with a problem) when nothing could be parsed.

    libxml2 stops reading at 2,048 levels of nesting (unclosed <font> tags get there) and
    drops the rest of the page; such a page is parsed again with the tags below
    MAX_DEPTH levels removed, so their text is kept in the enclosing element.
    """
    doc, too_deep = _parse_once(text, problems)
    if doc is None or not too_deep:
        return doc
    problems.append(
        Problem("too_deep", f"markup nested deeper than {MAX_DEPTH} levels; deeper tags ignored")
    )
    return _parse_once(_flatten_deep(text, MAX_DEPTH), problems)[0]


def _parse_once(text: str, problems: list[Problem]) -> tuple[Element | None, bool]:
    """Return the page parsed by lxml (None when there is no markup) and whether it hit the
    parser's depth limit."""
    # huge_tree lifts the 10 MB text-node limit and moves the depth cap from 256 to 2048.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True
    )
    try:
        doc = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except (etree.LxmlError, ValueError) as error:
        problems.append(Problem("no_main_content", f"no markup to read: {error}", "error"))
        return None, False
    if doc is None:
        problems.append(Problem("no_main_content", "no markup to read", "error"))
        return None, False
    return doc, any("depth" in entry.message.lower() for entry in parser.error_log)


def _flatten_deep(text: str, limit: int) -> str:
    """Return the markup without the tags that open deeper than `limit` levels."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open tags: name, kept
    position = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if not closing:
            kept = len(stack) < limit
            stack.append((name, kept))
        else:
            at = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == name), None)
            if at is None:
                continue
            kept = stack[at][1]
            del stack[at:]
        if not kept:
            out.append(text[position : match.start()])
            position = match.end()
    out.append(text[position:])
    return "".join(out)


def _metadata(
    body: Element, region: Region, contacts: list[Element], rules: HtmlRules
) -> dict[str, str | list[str]]:
    """Return breadcrumbs, update date, page ID and the contact box's fields."""
    metadata: dict[str, str | list[str]] = {}
    crumbs = read_breadcrumbs(body, rules)
    if crumbs:
        metadata["breadcrumbs"] = crumbs
    metadata.update(read_page_facts(text_of(body), rules))
    inside = [c for c in contacts if any(a is region.root for a in c.iterancestors())]
    for box in inside or contacts:
        lines, _anchors = region_to_drafts(
            box, start=None, end=None, skip=lambda _el: False, is_document=lambda _h: False
        )
        mailtos = [
            a.get("href", "")[7:].split("?")[0]
            for a in box.iter("a")
            if a.get("href", "").lower().startswith("mailto:")
        ]
        contact = read_contact(lines, mailtos, rules)
        if contact:
            metadata.update(contact)
            break
    return metadata


def _failed(*problems: Problem, encoding: str | None = None) -> ReadResult:
    """Return the result for a page with nothing usable."""
    return ReadResult(
        blocks=[], media_type=MEDIA_TYPE, encoding=encoding, problems=list(problems), failed=True
    )
