"""What a web page says about itself: title, breadcrumbs, dates, contact, linked documents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from extract.blocks import BlockKind, Link
from extract.readers.html_blocks import Anchor, Draft, cell_text, clean_text
from extract.readers.html_rules import HtmlRules, class_tokens, phrase_key

Element = Any  # lxml.etree._Element

# A department name is a short line ("健康局環境衛生課"); longer lines are prose.
MAX_DEPARTMENT_CHARS = 60
# Templates print the update date and page ID next to the title or after the body: on a
# huge page only its ends are searched.
META_SCAN_CHARS = 100_000
# How far after a link its file size may be printed ("資料（PDF：512KB）").
SIZE_LOOKAHEAD_CHARS = 40

_TITLE_SEPARATORS = re.compile(r"\s*(?:｜|\||／|/|：|:|\s-\s|\s–\s|\s—\s)\s*")
_CRUMB_SEPARATORS = re.compile(r"\s*[>＞›»≫]\s*")
_SIZE = re.compile(
    r"(?:(?:PDF|ＰＤＦ|Word|ワード|Excel|エクセル|[A-Za-zＡ-Ｚａ-ｚ]{2,5})(?:ファイル|形式|文書)?"
    r"\s*[:：/／,、]?\s*)?[0-9０-９][0-9０-９,，.．]*\s*"
    r"(?:[KkＫｋMmＭｍGgＧｇ][BbＢｂ]|キロバイト|メガバイト|バイト)"
)
_NAMED = etree.XPath(".//*[@id or @class or @aria-label or @itemtype]")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_NUMBER = r"\+?\d[\d\-‐ー−()（） ]{4,}\d"
_DATE = (
    r"(?:(?:(?P<era>{eras})(?P<eyear>元|\d{{1,2}})|(?P<year>\d{{4}}))年\s*(?P<month>\d{{1,2}})月"
    r"\s*(?P<day>\d{{1,2}})日|(?P<y2>\d{{4}})[/.\-](?P<m2>\d{{1,2}})[/.\-](?P<d2>\d{{1,2}}))"
)


@dataclass(frozen=True, slots=True)
class HeadInfo:
    """What the page's head says: its <title>, og:title, site name and own address."""

    title: str | None
    og_title: str | None
    site_name: str | None
    base: str | None


def read_head(doc: Element, url: str | None) -> HeadInfo:
    """Return the head's title, site name and the base URL for resolving links."""

    def meta(prop: str) -> str | None:
        for el in doc.iter("meta"):
            if prop in (el.get("property"), el.get("name")) and el.get("content"):
                return str(el.get("content")).strip() or None
        return None

    title_el = doc.find(".//title")
    title = clean_text("".join(title_el.itertext()))[0] if title_el is not None else ""
    return HeadInfo(title or None, meta("og:title"), meta("og:site_name"), _base(doc, url, meta))


def _base(doc: Element, url: str | None, meta: Callable[[str], str | None]) -> str | None:
    """Return the URL links are relative to.

    The address the page was fetched from, moved by `<base href>`; when the page was read
    from a file (no http address), the address it gives for itself: `<base>`, the canonical
    link, then og:url; the file's own path last.
    """
    fetched = url if url and urlsplit(url).scheme in ("http", "https") else None
    declared = None
    canonical = None
    for el in doc.iter("base", "link"):
        href = (el.get("href") or "").strip()
        if el.tag == "base" and href and declared is None:
            declared = href
        elif el.tag == "link" and (el.get("rel") or "").lower() == "canonical" and href:
            canonical = canonical or href
    if fetched:
        return urljoin(fetched, declared) if declared else fetched
    for candidate in (declared, canonical, meta("og:url")):
        if candidate and urlsplit(candidate).scheme in ("http", "https"):
            return candidate
    return url


def page_title(drafts: list[Draft], head: HeadInfo) -> str | None:
    """Return the content's title: its h1, else the head's title without the site name."""
    for draft in drafts:
        if draft.block.kind is BlockKind.HEADING and draft.block.level == 1:
            return draft.block.text
    for candidate in (head.og_title, head.title):
        if candidate:
            return _strip_site_name(candidate, head.site_name)
    for draft in drafts:
        if draft.block.kind is BlockKind.HEADING:
            return draft.block.text
    return None


def _strip_site_name(title: str, site_name: str | None) -> str:
    """Return a head title without the site's name ("千葉市：計画" → "計画")."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    if len(parts) < 2 or _unbalanced(parts):
        return title
    if site_name:
        kept = [p for p in parts if p not in site_name and site_name not in p]
        if kept:
            return max(kept, key=len)
    return max(parts, key=len)


def _unbalanced(parts: list[str]) -> bool:
    """Return whether splitting cut through brackets ("情報（本所／県北部）")."""
    return any(p.count("（") != p.count("）") or p.count("(") != p.count(")") for p in parts)


def read_breadcrumbs(body: Element, rules: HtmlRules) -> list[str]:
    """Return the breadcrumb trail's items, home first."""
    trail = None
    seen: dict[str, bool] = {}  # class/id values repeat across a page: judge each once
    for el in _NAMED(body):
        names = f"{el.get('id') or ''} {el.get('class') or ''}"
        if names not in seen:
            tokens = class_tokens(names)
            seen[names] = any(c in t for t in tokens for c in rules.breadcrumb_tokens)
        label = (el.get("aria-label") or "").lower()
        if (
            seen[names]
            or "パンくず" in label
            or "breadcrumb" in label
            or "BreadcrumbList" in (el.get("itemtype") or "")
        ):
            trail = el
            break
    if trail is None:
        return []
    leaves = [li for li in trail.iter("li") if li.find(".//li") is None]
    pieces = [cell_text(li) for li in leaves] if leaves else [cell_text(trail)]
    items: list[str] = []
    for piece in pieces:
        for part in _CRUMB_SEPARATORS.split(clean_text(piece)[0]):
            part = _strip_label(part.strip(), rules.breadcrumb_labels)
            if part:
                items.append(part)
    return items


def _strip_label(text: str, labels: tuple[str, ...]) -> str:
    """Return text without a leading label such as "現在の位置：" (a bare label gives "")."""
    for label in labels:
        if text.startswith(label):
            return text[len(label) :].lstrip(" :：").strip()
    return text


def read_page_facts(text: str, rules: HtmlRules) -> dict[str, str]:
    """Return the page's update date (ISO) and page ID printed near its top or bottom."""
    if len(text) > 2 * META_SCAN_CHARS:
        text = text[:META_SCAN_CHARS] + "\n" + text[-META_SCAN_CHARS:]
    text = unicodedata.normalize("NFKC", text)
    facts: dict[str, str] = {}
    eras = "|".join(rules.eras)
    for label in rules.updated_labels:
        pattern = (
            re.escape(unicodedata.normalize("NFKC", label))
            + r"\s*[:]?\s*"
            + _DATE.format(eras=eras)
        )
        for match in re.finditer(pattern, text):
            day = _iso_date(match, rules.eras)
            if day:
                facts["updated"] = day
                break
        if "updated" in facts:
            break
    for label in rules.page_id_labels:
        pattern = (
            re.escape(unicodedata.normalize("NFKC", label))
            + r"\s*[:]?\s*([A-Za-z0-9][A-Za-z0-9_-]*)"
        )
        found = re.search(pattern, text)
        if found:
            facts["page_id"] = found.group(1)
            break
    return facts


def _iso_date(match: re.Match[str], eras: dict[str, int]) -> str | None:
    """Return a matched date as YYYY-MM-DD, or None when it is no real day."""
    if match.group("y2"):
        year, month, day = int(match.group("y2")), int(match.group("m2")), int(match.group("d2"))
    else:
        if match.group("era"):
            era_year = match.group("eyear")
            year = eras[match.group("era")] + (1 if era_year == "元" else int(era_year)) - 1
        else:
            year = int(match.group("year"))
        month, day = int(match.group("month")), int(match.group("day"))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def read_contact(
    drafts: list[Draft], mailtos: list[str], rules: HtmlRules
) -> dict[str, str | list[str]]:
    """Return department, phone, fax, email and address from a contact box's lines."""
    lines = [
        unicodedata.normalize("NFKC", d.block.text)
        for d in drafts
        if d.block.kind is not BlockKind.HEADING
    ]
    text = "\n".join(lines)
    found: dict[str, str | list[str]] = {}
    phones = _numbers(text, rules.phone_labels)
    faxes = _numbers(text, rules.fax_labels)
    emails = list(dict.fromkeys([*mailtos, *_EMAIL.findall(text)]))
    if phones:
        found["phone"] = phones
    if faxes:
        found["fax"] = faxes
    if emails:
        found["email"] = emails
    stops = [
        *rules.phone_labels,
        *rules.fax_labels,
        *rules.address_labels,
        "〒",
        "郵便番号",
        "メール",
        "E-mail",
        "Email",
    ]
    stop = re.compile("|".join(re.escape(s) for s in sorted(stops, key=len, reverse=True)))
    address = _address(lines, rules, stop)
    if address:
        found["address"] = address
    for line in lines:
        head = stop.split(line, maxsplit=1)[0].strip(" :")
        if head and len(head) <= MAX_DEPARTMENT_CHARS and head.endswith(rules.department_suffixes):
            found["department"] = head
            break
    return found


def _numbers(text: str, labels: tuple[str, ...]) -> list[str]:
    """Return the numbers printed after any of `labels` ("電話：0123-45-6789")."""
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    pattern = rf"(?:{alternatives})(?:番号)?\s*(?:[(（][^)）]{{1,6}}[)）])?\s*[:]?\s*({_NUMBER})"
    return list(dict.fromkeys(m.group(1).strip() for m in re.finditer(pattern, text)))


def _address(lines: list[str], rules: HtmlRules, stop: re.Pattern[str]) -> str | None:
    """Return the postal address: after an address label, else the line with 〒."""
    for line in lines:
        for label in rules.address_labels:
            at = line.find(label)
            if at >= 0:
                rest = line[at + len(label) :].lstrip(" :")
                return stop.split(rest, maxsplit=1)[0].strip() or None
    for line in lines:
        at = line.find("〒")
        if at >= 0:
            rest = line[at:]
            tail = stop.split(rest[1:], maxsplit=1)[0]
            return ("〒" + tail).strip()
    return None


def anchors_to_links(anchors: list[Anchor], base: str | None, rules: HtmlRules) -> list[Link]:
    """Return the content's links to documents and pages, absolute where a base is known."""
    links: list[Link] = []
    seen: set[str] = set()
    page = urldefrag(base)[0] if base else None
    for anchor in anchors:
        href = anchor.href
        scheme = urlsplit(href).scheme.lower()
        if href.startswith("#") or scheme in rules.skip_schemes:
            continue
        absolute = urljoin(base, href) if base else href
        absolute = urldefrag(absolute)[0]
        if (
            not absolute
            or absolute == page
            or absolute in seen
            or _extension(absolute) in rules.skip_extensions
        ):
            continue
        seen.add(absolute)
        media_type = document_type(absolute, rules)
        size = find_size(anchor.text) or find_size(anchor.after[:SIZE_LOOKAHEAD_CHARS])
        kind = "document" if media_type else "page"
        links.append(Link(absolute, anchor.text, kind, media_type, size))
    return links


def document_type(href: str, rules: HtmlRules) -> str | None:
    """Return the media type of a linked document by its extension, None for a page."""
    return rules.documents.get(_extension(href))


def _extension(href: str) -> str:
    """Return the lower-case extension of a URL's file name ("" when it has none)."""
    name = urlsplit(href).path.lower().rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def find_size(text: str) -> str | None:
    """Return a file size as printed ("PDFファイル：512KB"), or None."""
    match = _SIZE.search(text)
    return match.group(0).strip() if match else None


def is_not_found(texts: list[str], rules: HtmlRules) -> bool:
    """Return whether a page's title or top heading says the page does not exist."""
    for text in texts:
        key = phrase_key(text)
        if any(phrase in key for phrase in rules.not_found):
            return True
    return False
