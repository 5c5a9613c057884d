"""The period engine's word lists and eras, loaded once from `extract/rules/*.json`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from extract.rules import load


@dataclass(frozen=True, slots=True)
class Era:
    """One Japanese era: its name, first western year and abbreviations."""

    name: str
    start: int
    latin: str
    latin_bare: bool
    latin_dotted: bool
    kanji_abbrev: str
    kanji_abbrev_safe: bool


@dataclass(frozen=True, slots=True)
class Words:
    """Closed word lists of `periods_words.json`."""

    range_separators: tuple[str, ...]
    range_phrases: tuple[str, ...]
    phrase_verbs: tuple[str, ...]
    approx_words: tuple[str, ...]
    list_separators: tuple[str, ...]
    open_start_words: tuple[str, ...]
    length_after_start: tuple[str, ...]
    relative_after: tuple[str, ...]
    range_end_words: tuple[str, ...]
    point_suffixes: tuple[str, ...]
    duration_prefixes: tuple[str, ...]
    duration_year_units: tuple[str, ...]
    duration_month_units: tuple[str, ...]
    duration_suffixes: tuple[str, ...]
    bare_year_duration_followers: tuple[str, ...]
    recurrence_words: dict[str, str]
    recurrence_suffixes: tuple[str, ...]
    not_recurrence_after: dict[str, tuple[str, ...]]
    weekdays: str
    law_words: tuple[str, ...]
    adopted_words: tuple[str, ...]
    published_labels: tuple[str, ...]
    published_words: tuple[str, ...]
    as_of_words: tuple[str, ...]
    first_half_words: tuple[str, ...]
    second_half_words: tuple[str, ...]
    review_words: tuple[str, ...]
    grade_prefixes: tuple[str, ...]
    age_words: tuple[str, ...]
    length_words: dict[str, str]
    length_modifiers: tuple[str, ...]


@cache
def eras() -> tuple[Era, ...]:
    """Return the eras, oldest first."""
    return tuple(Era(**e) for e in load("eras")["eras"])


@cache
def words() -> Words:
    """Return the period word lists."""
    raw = load("periods_words")
    fields: dict[str, Any] = {}
    for name in Words.__slots__:
        value = raw[name]
        if isinstance(value, list):
            value = tuple(value)
        elif name == "not_recurrence_after":
            value = {k: tuple(v) for k, v in value.items()}
        fields[name] = value
    return Words(**fields)


def alternation(items: tuple[str, ...] | list[str]) -> str:
    """Return a regex alternation of literal `items`, longest first so none hides a longer one."""
    return "|".join(re.escape(s) for s in sorted(items, key=len, reverse=True))
