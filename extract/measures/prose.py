"""Action phrases in prose, found on Sudachi tokens.

A noun phrase ending in an action noun (導入, 見直し, 策定, …) that the sentence commits to
("…の導入を進めます", "…を導入し", "…の見直しを行う"), or the means of a "…による" clause.
Aims ("…に向けて", "…のため", the object of "…による") are not measures, nor is anything in
a sentence that only states ("…が予想される。", "…を計上している。": `predicate.py`). A target
printed with the phrase ("職員数を30人削減") and the actor of the sentence ("総務課が") go with
it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from extract.measures.predicate import tokens_state
from extract.measures.record import Measure
from extract.measures.targets import phrase_target
from extract.measures.vocab import vocab
from extract.structure.segment import Token, sentences, tokenize

# A phrase shorter than this is a bare action word ("推進"), not a measure.
MIN_MEASURE_CHARS = 4
# A measure's name is a phrase, not a paragraph: stop widening it past this many tokens.
MAX_PHRASE_TOKENS = 16


def _is_head(tok: Token) -> bool:
    v = vocab()
    # 適正化, 委託化 are acts; a two-character word in 化 (変化, 文化, 進化) is not one.
    # A compound the dictionary keeps whole (人材育成, 計画策定) ends in the act it names.
    return tok.is_noun and (tok.normalized in v.actions or tok.surface in v.actions
                            or (tok.surface.endswith("化") and len(tok.surface) > 2)
                            or _ends_in_action(tok.surface))


def _ends_in_action(word: str) -> bool:
    """True for a word longer than two characters that ends in an action noun of two or more
    characters and is longer than it: `word[1:]` ends in it exactly then (one C call)."""
    return len(word) > 2 and word[1:].endswith(_action_suffixes())


@cache
def _action_suffixes() -> tuple[str, ...]:
    return tuple(sorted(a for a in vocab().actions if len(a) >= 2))


def _nounish(tok: Token) -> bool:
    return tok.is_noun or tok.pos[0] in ("形状詞", "接頭辞") or tok.pos[:2] == ("接尾辞", "名詞的")


def _joins_phrase(tokens: list[Token], k: int) -> bool:
    """True when token k can sit inside a noun phrase ending to its right."""
    tok = tokens[k]
    left = tokens[k - 1] if k > 0 else None
    right = tokens[k + 1] if k + 1 < len(tokens) else None
    if tok.is_noun or tok.pos[0] in ("接頭辞", "連体詞") or tok.surface in _PHRASE_MARKS:
        return True
    if tok.pos[0] == "接尾辞":  # 健全[化], 制度[等]; not し[やすい]
        return left is not None and (_nounish(left) or left.surface in _PHRASE_MARKS)
    if tok.pos[0] == "形状詞":  # 有効[活用], 適正[な], 健全[化]
        return right is not None and (_nounish(right) or right.surface in ("な", "・"))
    if tok.surface in ("の", "や"):
        return left is not None and (_nounish(left) or left.surface in _NO_BEFORE)
    if tok.surface in ("へ", "と", "で", "から", "まで") and right is not None \
            and right.surface == "の":  # 市政[へ]の, 市民[と]の
        return left is not None and _nounish(left)
    if tok.surface == "と":  # 資質の向上[と]意識の変革
        return left is not None and _is_head(left)
    if tok.surface == "な":  # 適正[な], 積極的[な]
        return left is not None and (left.pos[0] == "形状詞" or left.surface.endswith("的"))
    if tok.pos[0] == "形容詞" and tok.pos[1] != "非自立可能":  # 質の[高い]サービス
        return right is not None and right.is_noun
    return False


_CONNECTIVE_NOUNS = frozenset({"ほか", "とも", "一方", "うえ", "上"})
_PHRASE_MARKS = frozenset({"・", "「", "」", "『", "』"})
_NO_BEFORE = frozenset({"」", "』", "等", "へ", "と", "で", "から", "まで"})
# Formal nouns (ため, こと) and particles never open a measure's name.
_LEADING_JUNK = frozenset({"の", "や", "と", "・", "な", "」", "』", "へ", "で", "から", "まで",
                           "ため", "こと", "もの", "よう", "ほか"})
_TRAILING_JUNK = frozenset({"など", "等", "や", "の", "・"})


def _phrase_start(tokens: list[Token], end: int) -> int:
    """Index of the first token of the noun phrase ending at token `end` (inclusive)."""
    k = end
    limit = max(0, end - MAX_PHRASE_TOKENS)
    while k - 1 >= limit and _joins_phrase(tokens, k - 1):
        k -= 1
    intro = next((j for j in range(end - 1, k, -1) if tokens[j].surface in _LIST_INTRO
                  and tokens[j - 1].surface == "の"), None)
    if intro is not None:
        k = intro + 1  # "次のとおり基本施策の展開": what introduces a list is not its name
    while k < end and (tokens[k].surface in _LEADING_JUNK or tokens[k].pos[0] == "接尾辞"):
        k += 1
    return _relative_clause_start(tokens, k, limit)


_LIST_INTRO = frozenset({"とおり", "通り"})


def _adnominal_verb(tokens: list[Token], k: int) -> int | None:
    """Index of the first word of a verb modifying the noun at `k`: its noun where it is one
    (支援[する]機能, 参加[できる]仕組み, 参加[するための]手続き), else the verb itself
    (責任を[果たせる]人材, 機動性を[持った]職員配置)."""
    at = k - 1
    if at >= 2 and tokens[at].surface == "の" and tokens[at - 1].surface == "ため":
        at -= 2
    if at >= 2 and tokens[at].surface == "た" and tokens[at - 1].pos[0] == "動詞":
        at -= 1  # 持っ[た]: the past form modifies as the verb does
    elif at < 1 or not tokens[at].pos[5].startswith("連体形"):
        return None
    if tokens[at].pos[0] != "動詞" or tokens[at].dictionary in _PARTICLE_VERBS:
        return None
    if tokens[at - 1].is_noun:
        return at - 1
    return None if tokens[at].dictionary == "する" else at


def _relative_clause_start(tokens: list[Token], k: int, limit: int) -> int:
    """`k` moved left over a short clause that names what the phrase is for: "トップマネジメント
    を支援する機能の強化", "市民が意見を寄せるための窓口の明確化", "機動性を持った職員配置";
    the clause ends at a comma, a sentence start, or the phrase's length limit."""
    head = _adnominal_verb(tokens, k)
    if head is None:
        return k
    j = head
    while j - 2 >= limit and tokens[j - 1].surface in _CLAUSE_CASES and tokens[j - 2].is_noun:
        j -= 2
        while j - 1 >= limit and tokens[j - 1].is_noun:
            j -= 1
    return j if j < head else k


# Verbs that with に/と form a compound particle (による, に関する, における, に基づく, という):
# what they join is a means or a topic, not a clause modifying the measure.
_PARTICLE_VERBS = frozenset({"よる", "関する", "対する", "おく", "係る", "わたる", "基づく",
                             "伴う", "向ける", "応じる", "応ずる", "通じる", "いう", "つく",
                             "至る"})
# Case particles inside a clause that modifies a measure: Xを支援する, 市民が参加する, 市政へ.
_CLAUSE_CASES = frozenset({"を", "が", "へ", "に", "と"})


def _conjuncts(tokens: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    """Token ranges of "AのX や BのY" split where each side ends in an action noun."""
    parts: list[tuple[int, int]] = []
    first = start
    for k in range(start + 1, end):
        if tokens[k].surface == "や" and _is_head(tokens[k - 1]):
            parts.append((first, k - 1))
            first = k + 1
    parts.append((first, end))
    return parts


def _preceded_by_means(text: str, start: int) -> bool:
    """True after "…による" / "…により、": what follows is what the means achieve."""
    start -= text.endswith("、", 0, start)
    return text.endswith(vocab().means, 0, start)


def _followed_by_aim(text: str, end: int) -> bool:
    """True before "に向けて", "(していく)ため", "につなげ": the phrase names a goal."""
    return bool(_aim_after().match(text, end))


@cache
def _aim_after() -> re.Pattern[str]:
    aims = "|".join(map(re.escape, vocab().aims))
    return re.compile(rf"(?:を図る|する|して|していく|し)?(?:{aims})|につなげ|につなが")


def _negated(text: str, end: int) -> bool:
    """True before "しません", "しない": "期間を設定しません" commits to nothing."""
    return bool(_NEGATION.match(text, end))


_NEGATION = re.compile(r"(?:し|さ|せ)(?:ません|ない|ず)")


def _balanced(text: str) -> str:
    """`text` without an unbalanced leading or trailing bracket."""
    for open_, close in (("「", "」"), ("『", "』"), ("(", ")")):
        if text.startswith(open_) and close not in text:
            text = text[1:]
        if text.endswith(open_):
            text = text[:-1]
        if text.count(close) > text.count(open_) and text.endswith(close):
            text = text[:-1]
    return text


def prose_measures(text: str, offset: int, page: int | None) -> list[Measure]:
    """Action phrases committed to in `text` (a paragraph starting at `offset`)."""
    tokens = tokenize(text)
    found: _Found = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        nominal = vocab().adverbial.get(tok.surface) if tok.pos[0] == "形状詞" else None
        if nominal and k + 2 < len(tokens) and tokens[k + 1].surface == "に":
            found.extend(_verb_form(text, tokens, k, k, action=nominal, verb_at=k + 2))
            k += 3
            continue
        if not _is_head(tok):
            k += 1
            continue
        end = k
        while end + 1 < len(tokens) and (tokens[end + 1].pos[:2] == ("接尾辞", "名詞的")
                                         or _is_head(tokens[end + 1])):
            end += 1
        nxt = tokens[end + 1] if end + 1 < len(tokens) else None
        nxt2 = tokens[end + 2] if end + 2 < len(tokens) else None
        if nxt is not None and nxt.surface == "の" and nxt2 is not None and _is_head(nxt2):
            k = end + 1  # "共有化の推進": the phrase goes on to the next head
            continue
        found.extend(_verb_form(text, tokens, k, end) or _noun_form(text, tokens, k, end))
        k = end + 1
    dropped = _stating_sentences(text, tokens)
    dropped += _outcome_spans(text, tokens)
    measures = [Measure(title, (offset + s, offset + e), page, evidence=[how])
                for title, s, e, how in found if len(title) >= MIN_MEASURE_CHARS
                and not any(a <= s < b for a, b in dropped)]
    for m in vocab().target.finditer(text):
        for measure in measures:
            if measure.span[0] - offset <= m.end() and measure.span[1] - offset >= m.start():
                measure.set_target(phrase_target(m.group("target").strip()), "target_phrase")
    for s, e in sentences(text):
        actors = [_TIME_PREFIX.sub("", m.group("who"))
                  for m in vocab().actor.finditer(text, s, e)]
        for measure in measures:
            if actors and s <= measure.span[0] - offset < e:
                measure.responsible = list(dict.fromkeys(actors))
                measure.evidence.append("responsible_sentence")
    return measures


def _stating_sentences(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Spans of the sentences of `text` that only state (`predicate.states`), read on the
    tokens of `text`: `tokenize` reads sentence by sentence, so the tokens within a sentence
    are those of the sentence alone, and no sentence is tokenized twice."""
    starts = [t.start for t in tokens]
    return [(s, e) for s, e in sentences(text) if text[s:e].strip(" \n。")
            and tokens_state(tokens[bisect_left(starts, s):bisect_left(starts, e)])]


def _outcome_spans(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Spans of what an action brings about: after "…の導入により、" or "…を図ることで、" up to
    the clause's end (とともに, ほか, また, 。), the sentence names results, not actions:
    "委託化を推進することにより、事務の効率化を図ります" gives 委託化の推進, not 事務の効率化.
    A means that is not an action ("基本方針により、") leaves what follows alone."""
    spans: list[tuple[int, int]] = []
    for m in _OUTCOME.finditer(text):
        before = next((t for t in reversed(tokens) if t.end <= m.start()
                       and t.surface not in _TRAILING_JUNK), None)  # …の実施[など]により
        if before is None or not (before.surface == "こと" or _is_head(before)):
            continue
        end = _CLAUSE_END.search(text, m.end())
        spans.append((m.end(), end.start() if end else len(text)))
    return spans


# A means clause that closes with a comma; "ことで" only after こと (a noun + で is a copula).
_OUTCOME = re.compile(r"(?:(?<=こと)で|により|によって)、")
_CLAUSE_END = re.compile(r"とともに|ほか、|。|また、|さらに、")


# "毎年度事務局において": the time said before an actor is not part of its name.
_TIME_PREFIX = re.compile(r"^.*(?:年度|年|月|日|毎|今後)")
_Found = list[tuple[str, int, int, str]]  # title, start, end (in the paragraph), evidence


def _trim(tokens: list[Token], start: int, end: int) -> int:
    """`end` moved left past trailing particles (など, 等, の)."""
    while end > start and tokens[end].surface in _TRAILING_JUNK:
        end -= 1
    return end


def _between_object_and_verb(tok: Token) -> bool:
    """True for what may stand between "Xを" and its verb: 30人(4.6%), 効果的に, 一層."""
    return (tok.pos[0] in ("副詞", "形状詞", "補助記号") or tok.pos[1] == "数詞"
            or tok.surface in ("に", "で", "%") or tok.pos[:2] == ("接尾辞", "名詞的")
            or tok.surface.endswith("的"))


def _verb_form(text: str, tokens: list[Token], head: int, end: int,
               action: str | None = None, verb_at: int | None = None) -> _Found:
    """"XをY(する)" → "XのY": the object of a verb made from an action noun.

    `action`/`verb_at` serve "Xを明確にする" → "Xの明確化" (verb at `verb_at`).
    """
    verb_at = end + 1 if verb_at is None else verb_at
    nxt = tokens[verb_at] if verb_at < len(tokens) else None
    if nxt is None or nxt.dictionary != "する":
        return []
    after = tokens[verb_at + 1] if verb_at + 1 < len(tokens) else None
    if after is not None and (after.surface == "こと" or after.pos[0] == "接尾辞" or (
            after.is_noun and after.surface not in _CONNECTIVE_NOUNS
            and not nxt.pos[5].startswith("連用形"))):
        return []  # 支援する[機能], 活用する[こと]が重要: a modifier or a topic, not an act
    k = head - 1
    while k >= 0 and tokens[k].surface != "を" and _between_object_and_verb(tokens[k]):
        k -= 1
    if k < 1 or tokens[k].surface != "を" or _negated(text, tokens[end].end):
        return []
    obj_end = _trim(tokens, 0, k - 1)
    start = _phrase_start(tokens, obj_end)
    if start > obj_end or _aim_or_means(text, tokens, start, end):
        return []
    if tokens[start].surface in _LEADING_JUNK:
        return []  # "…であることを明確にする": the object is a clause, not a thing
    action = action or text[tokens[head].start:tokens[end].end]
    out: _Found = []
    for first, last in _conjuncts(tokens, start, obj_end):
        obj = text[tokens[first].start:tokens[last].end]
        if _is_head(tokens[last]) and last != obj_end:
            out.append((_balanced(obj), tokens[first].start, tokens[last].end, "prose_verb"))
        else:
            out.append((_balanced(f"{obj}の{action}"), tokens[first].start, tokens[end].end,
                        "prose_verb"))
    return out


def _noun_form(text: str, tokens: list[Token], head: int, end: int) -> _Found:
    """A noun phrase ending in an action noun, when the sentence commits to it."""
    v = vocab()
    nxt = tokens[end + 1] if end + 1 < len(tokens) else None
    nxt2 = tokens[end + 2] if end + 2 < len(tokens) else None
    if nxt is None:
        return []
    commits = (
        nxt.surface in ("など", "や", "、", "等", "と", "とともに")
        or (nxt.surface in ("を", "に") and nxt2 is not None
            and (nxt2.dictionary in v.light_verbs or nxt2.normalized in v.light_verbs))
        or text.startswith(v.means, tokens[end].end)
    )
    if not commits:
        return []
    start = _phrase_start(tokens, end)
    if start == end and tokens[head].surface in v.actions:
        return []  # a bare action word
    out: _Found = []
    for first, last in _conjuncts(tokens, start, end):
        if first > last or _aim_or_means(text, tokens, first, last):
            continue
        title = _balanced(text[tokens[first].start:tokens[last].end])
        out.append((title, tokens[first].start, tokens[last].end, "prose_noun"))
    return out


def _aim_or_means(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """True when the phrase is the aim of the sentence rather than an action."""
    return (_preceded_by_means(text, tokens[first].start)
            or _followed_by_aim(text, tokens[last].end))
