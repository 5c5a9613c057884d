"""What a sentence's last predicate does: commit to an action, or state something.

A plan commits in the dictionary or polite form of a verb of doing ("…を実施する。",
"…に努めます。", "…支出していく。"), or ends on a noun ("…工事を実施。", "…が必要"). What
it states is not an action: a definition ("…の被害をいう。", "…を単位とする。"), a state or a
fact ("…を計上している。", "…観測値です。", "…ことがある。"), a negation ("…含まない。"), a
report of the past ("…が決まりました。"), a conjecture ("…が予想される。"), a requirement
or an item of duties ("…であること", "…に関すること"), or a request to the reader
("…をご確認ください。"). Read on Sudachi tokens of the last sentence.
"""

from __future__ import annotations

from extract.measures.vocab import vocab
from extract.structure.segment import Token, sentences, tokenize

# Trailing tokens that carry no predicate: punctuation, closing brackets, politeness.
_TRAILING_POS = frozenset({"補助記号", "空白"})


def _last_sentence(text: str) -> str:
    spans = [(s, e) for s, e in sentences(text) if text[s:e].strip(" \n。")]
    return text[spans[-1][0]:spans[-1][1]] if spans else ""


def _predicate(tokens: list[Token]) -> list[Token]:
    """The tokens of the sentence up to its last word, polite ます dropped."""
    end = len(tokens)
    while end and tokens[end - 1].pos[0] in _TRAILING_POS:
        end -= 1
    if end and tokens[end - 1].dictionary == "ます":
        end -= 1
    return tokens[:end]


def states(text: str) -> bool:
    """True when the last sentence of `text` states, defines, requires or asks rather than
    commits to an action: "農地の被害をいう。" → True; "修繕計画を策定します。" → False."""
    return tokens_state(tokenize(_last_sentence(text)))


def tokens_state(tokens: list[Token]) -> bool:
    """`states` of a sentence read from its Sudachi tokens (the whole sentence, as `tokenize`
    gives them), for a caller that has them already."""
    v = vocab()
    tokens = _predicate(tokens)
    if not tokens:
        return False
    last = tokens[-1]
    if last.dictionary in v.statement_predicates or last.surface in v.statement_nouns:
        return True
    if last.dictionary == "する" and len(tokens) >= 3 and tokens[-2].surface == "と":
        return tokens[-3].surface not in (*v.statement_nouns, "もの")  # "…を単位とする"
    return False
