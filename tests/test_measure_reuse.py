"""Measures read each paragraph's Sudachi tokens once: the sentences that only state are told
from the paragraph's tokens, as `states` tells them from each sentence tokenized on its own.

Paragraphs are hand-made (invented text), joining sentences of tests/test_measures.py that
state and that commit, with the ends `tokenize` splits at (。, ！, newline, a closing bracket).
"""

from __future__ import annotations

import pytest

from extract.measures.predicate import states
from extract.measures.prose import _action_suffixes, _ends_in_action, _stating_sentences
from extract.measures.vocab import vocab
from extract.structure.segment import sentences, tokenize

PARAGRAPHS = [
    "床上浸水とは、住家の床より上に浸水したものをいう。施設の修繕計画を策定します。",
    "現在は職員2名で管理している。\n窓口の一元化を進めます。\n",
    "「申込書を窓口に提出してください。」と案内する。利用者は減少していくことが予想される。",
    "市内に住所を有すること\n相談体制の充実を図ります！詳しくは別表を参照。。",
    "。\n\n各課は、結果を事務局に報告するものとする。",
]


@pytest.mark.parametrize("text", PARAGRAPHS)
def test_stating_sentences_agree_with_states_sentence_by_sentence(text: str) -> None:
    expected = [(s, e) for s, e in sentences(text) if states(text[s:e])]
    assert _stating_sentences(text, tokenize(text)) == expected


def test_some_sentences_state_and_some_commit() -> None:
    """The paragraphs above exercise both answers, so the agreement is no vacuous one."""
    found = [_stating_sentences(text, tokenize(text)) for text in PARAGRAPHS]
    assert any(found) and any(len(f) < len(list(sentences(t))) for f, t in zip(found, PARAGRAPHS,
                                                                              strict=True))


def test_ending_in_an_action_is_ending_in_a_shorter_action_noun() -> None:
    actions = [a for a in vocab().actions if len(a) >= 2]
    words = [*actions, *(f"市民{a}" for a in actions[:50]), *(f"{a}計画" for a in actions[:50]),
             "変化", "文化", "施設", "人口推移"]
    assert _action_suffixes() and any(_ends_in_action(w) for w in words)
    for word in words:
        expected = len(word) > 2 and any(word.endswith(a) and len(word) > len(a)
                                         for a in actions)
        assert _ends_in_action(word) is expected, word
