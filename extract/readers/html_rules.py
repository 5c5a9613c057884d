"""The HTML reader's word lists, loaded once from `extract/rules/html_*.json`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from extract.rules import load

# Spaces and punctuation that templates vary freely ("ここから本文です。" / "ここから本文です").
_NOISE = re.compile(
    r"[\s\u3000。、．，.,:：;；!！?？・…「」『』【】\[\]()（）<>＜＞〈〉\"'▲▼■□◆◇○●◎＞>]+"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


def phrase_key(text: str) -> str:
    """Return text reduced for phrase comparison: NFKC, lower case, no spaces or punctuation.

    "ここから本文です。" → "ここから本文です"; "Page Top" → "pagetop".
    """
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def class_tokens(value: str) -> list[str]:
    """Return the lower-case tokens of a class or id value.

    "tmp_rnavi" → ["tmp", "rnavi"]; "sideNav" → ["side", "nav"]; "col_main" → ["col", "main"].
    """
    return [t for t in _TOKEN_SPLIT.split(_CAMEL.sub(" ", value).lower()) if t]


@dataclass(frozen=True, slots=True)
class HtmlRules:
    """Everything the HTML reader knows about page chrome and metadata labels."""

    drop_tags: frozenset[str]
    chrome_tags: frozenset[str]
    chrome_roles: frozenset[str]
    token_equals: frozenset[str]
    token_contains: tuple[str, ...]
    contact_tokens: tuple[str, ...]
    breadcrumb_tokens: tuple[str, ...]
    content_start: frozenset[str]
    content_end: frozenset[str]
    marker_words: tuple[str, ...]
    not_found: tuple[str, ...]
    boilerplate_blocks: frozenset[str]
    boilerplate_contains: re.Pattern[str]  # matches a phrase key holding any of them
    self_headings: tuple[str, ...]
    aside_headings: frozenset[str]
    contact_heading_words: tuple[str, ...]
    breadcrumb_labels: tuple[str, ...]
    updated_labels: tuple[str, ...]
    page_id_labels: tuple[str, ...]
    phone_labels: tuple[str, ...]
    fax_labels: tuple[str, ...]
    address_labels: tuple[str, ...]
    department_suffixes: tuple[str, ...]
    eras: dict[str, int]
    documents: dict[str, str]
    skip_schemes: frozenset[str]
    skip_extensions: frozenset[str]

    def is_chrome_token(self, token: str) -> bool:
        """Return whether a class/id token names page chrome ("gnavi" yes, "main" no)."""
        return token in self.token_equals or any(t in token for t in self.token_contains)


def _keys(values: list[str]) -> tuple[str, ...]:
    """Return phrases as comparison keys, in their order."""
    return tuple(phrase_key(v) for v in values)


@cache
def html_rules() -> HtmlRules:
    """Return the HTML reader's rules (read from package data once per process).

    Era names and first years come from the shared `eras.json`.
    """
    chrome = load("html_chrome")
    phrases = load("html_phrases")
    meta = load("html_metadata")
    links = load("html_links")
    return HtmlRules(
        drop_tags=frozenset(chrome["drop_tags"]),
        chrome_tags=frozenset(chrome["chrome_tags"]),
        chrome_roles=frozenset(chrome["chrome_roles"]),
        token_equals=frozenset(chrome["token_equals"]),
        token_contains=tuple(chrome["token_contains"]),
        contact_tokens=tuple(chrome["contact_tokens"]),
        breadcrumb_tokens=tuple(chrome["breadcrumb_tokens"]),
        content_start=frozenset(_keys(phrases["content_start"])),
        content_end=frozenset(_keys(phrases["content_end"])),
        marker_words=tuple(phrases["marker_words"]),
        not_found=_keys(phrases["not_found"]),
        boilerplate_blocks=frozenset(_keys(phrases["boilerplate_blocks"])),
        boilerplate_contains=re.compile(
            "|".join(map(re.escape, _keys(phrases["boilerplate_contains"])))
        ),
        self_headings=_keys(phrases["self_headings"]),
        aside_headings=frozenset(_keys(phrases["aside_headings"])),
        contact_heading_words=_keys(phrases["contact_heading_words"]),
        breadcrumb_labels=tuple(phrases["breadcrumb_labels"]),
        updated_labels=tuple(meta["updated_labels"]),
        page_id_labels=tuple(meta["page_id_labels"]),
        phone_labels=tuple(meta["phone_labels"]),
        fax_labels=tuple(meta["fax_labels"]),
        address_labels=tuple(meta["address_labels"]),
        department_suffixes=tuple(meta["department_suffixes"]),
        eras={era["name"]: era["start"] for era in load("eras")["eras"]},
        documents=dict(links["documents"]),
        skip_schemes=frozenset(links["skip_schemes"]),
        skip_extensions=frozenset(links["skip_extensions"]),
    )
