"""The furniture pass tells whether a line holds one of its phrases with one search.

Lines are hand-made (invented text) around the phrases of rules/boilerplate.json.
"""

from __future__ import annotations

from extract.rules import load
from extract.structure.boilerplate import _any_of, _rules


def _lines(words: list[str]) -> list[str]:
    out = ["ひかり市の計画", "", "。", "問合せ先は下記"]
    for w in words:
        out += [w, f"前{w}", f"{w}後", w[:-1], w[1:], f"{w[:1]} {w[1:]}"]
    return out


def test_one_search_finds_a_phrase_exactly_when_one_is_in_the_line() -> None:
    raw = load("boilerplate")
    for words, pattern in ((raw["drop_phrases"], _rules().any_drop_phrase),
                           (raw["footer_starts"], _rules().any_footer_start)):
        assert words
        for line in _lines(words):
            assert (pattern.search(line) is not None) == any(w in line for w in words), line


def test_no_words_match_nothing() -> None:
    assert _any_of([]).search("ひかり市") is None
    assert _any_of(["a.b"]).search("axb") is None  # the words are literal text
