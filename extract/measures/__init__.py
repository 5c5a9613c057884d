"""Measures: the concrete actions a plan commits to, each under its outline section.

Three sources, in order of confidence:
1. table cells in a column headed 施策 / 実施項目 / 取組 …, split on "/";
2. short list items (bullets, numbered lines that are not headings);
3. action phrases in prose, found on Sudachi tokens: a noun phrase ending in an action noun
   (導入, 見直し, 策定, …) that the sentence commits to ("…の導入を進めます", "…を導入し",
   "…の見直しを行う"), or the means of a "…による" clause. Aims ("…に向けて", "…のため",
   the object of "…による") are not measures.
Sections about background (趣旨, 経緯, 現状, 基本方針 …) yield no prose measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extract.rules import load
from extract.structure.outline import UNIT_LABEL, Entry, Section, is_sentence, letters
from extract.structure.segment import Token, sentences, tokenize

# A list item this short (and without a sentence end) is itself the name of a measure.
MAX_ITEM_MEASURE_CHARS = 40
# A phrase shorter than this is a bare action word ("推進"), not a measure.
MIN_MEASURE_CHARS = 4
# A measure's name is a phrase, not a paragraph: stop widening it past this many tokens.
MAX_PHRASE_TOKENS = 16
# A measure names an action in words: "76.78" or "(C)" is not one.
MIN_MEASURE_LETTERS = 2
# A row more than half figures is data, whatever its first cell says.
MAX_NUMERIC_SHARE = 0.5
_FIGURE = re.compile(r"[\s\d.,%△▲()+\-－―]*")
_YEARISH = re.compile(r"[\s\d年度令和平成.~〜→←○●◎・-]*")
_CELL_SPLIT = re.compile(r"\s*[/／]\s*|\n")
_TRAILING = re.compile(r"(?:など|等|ほか)$")


@dataclass(frozen=True, slots=True)
class _Vocab:
    actions: frozenset[str]
    light_verbs: frozenset[str]
    adverbial: dict[str, str]
    aims: tuple[str, ...]
    means: tuple[str, ...]
    measure_columns: tuple[str, ...]
    responsible_columns: tuple[str, ...]
    target_columns: tuple[str, ...]
    background: tuple[str, ...]
    target: re.Pattern[str]
    actor: re.Pattern[str]


@cache
def _vocab() -> _Vocab:
    raw = load("measures")
    return _Vocab(
        actions=frozenset(raw["action_nouns"]),
        light_verbs=frozenset(raw["light_verbs"]),
        adverbial=dict(raw["nominalize_adverbial"]),
        aims=tuple(raw["aim_markers"]),
        means=tuple(raw["means_markers"]),
        measure_columns=tuple(raw["measure_columns"]),
        responsible_columns=tuple(raw["responsible_columns"]),
        target_columns=tuple(raw["target_columns"]),
        background=tuple(raw["background_sections"]),
        actor=re.compile(
            r"(?P<who>(?:各|当該)?[^\s、。「」()をにがはでの]{0,10}(?:"
            + "|".join(map(re.escape, raw["department_suffixes"]))
            + r"))(?:において|において、|が中心となって|が|は|により|で)"
        ),
        target=re.compile(
            r"(?P<target>[^、。をでにはが]{1,20}を[0-9.,]+(?:" + raw["target_units"] + r")"
            r"(?:\([^)]*\))?(?:以上|以下|程度)?(?:削減|増加|増|減|向上|縮減|達成|確保|引き上げ|引き下げ))"
        ),
    )


@dataclass(slots=True)
class Measure:
    title: str
    span: tuple[int, int]
    page: int | None
    label: str | None = None
    responsible: list[str] = field(default_factory=list)
    target: str | None = None


# -- prose ------------------------------------------------------------------------------------


def _is_head(tok: Token) -> bool:
    v = _vocab()
    # 適正化, 委託化 are acts; a two-character word in 化 (変化, 文化, 進化) is not one.
    return tok.is_noun and (tok.normalized in v.actions or tok.surface in v.actions
                            or (tok.surface.endswith("化") and len(tok.surface) > 2))


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
    while k < end and (tokens[k].surface in _LEADING_JUNK or tokens[k].pos[0] == "接尾辞"):
        k += 1
    return k


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
    return text.endswith(_vocab().means, 0, start)


def _followed_by_aim(text: str, end: int) -> bool:
    """True before "に向けて", "(していく)ため", "につなげ": the phrase names a goal."""
    return bool(_aim_after().match(text, end))


@cache
def _aim_after() -> re.Pattern[str]:
    aims = "|".join(map(re.escape, _vocab().aims))
    return re.compile(rf"(?:を図る|する|して|していく|し)?(?:{aims})|を図り|につなげ|につなが")


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
        nominal = _vocab().adverbial.get(tok.surface) if tok.pos[0] == "形状詞" else None
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
    measures = [Measure(title, (offset + s, offset + e), page) for title, s, e in found
                if len(title) >= MIN_MEASURE_CHARS]
    for m in _vocab().target.finditer(text):
        for measure in measures:
            if measure.span[0] - offset <= m.end() and measure.span[1] - offset >= m.start():
                measure.target = m.group("target").strip()
    for s, e in sentences(text):
        actors = [_TIME_PREFIX.sub("", m.group("who"))
                  for m in _vocab().actor.finditer(text, s, e)]
        for measure in measures:
            if actors and s <= measure.span[0] - offset < e:
                measure.responsible = list(dict.fromkeys(actors))
    return measures


# "毎年度事務局において": the time said before an actor is not part of its name.
_TIME_PREFIX = re.compile(r"^.*(?:年度|年|月|日|毎|今後)")
_Found = list[tuple[str, int, int]]  # title, start, end (offsets into the paragraph)


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
            after.is_noun and after.surface not in _CONNECTIVE_NOUNS)):
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
            out.append((_balanced(obj), tokens[first].start, tokens[last].end))
        else:
            out.append((_balanced(f"{obj}の{action}"), tokens[first].start, tokens[end].end))
    return out


def _noun_form(text: str, tokens: list[Token], head: int, end: int) -> _Found:
    """A noun phrase ending in an action noun, when the sentence commits to it."""
    v = _vocab()
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
        out.append((title, tokens[first].start, tokens[last].end))
    return out


def _aim_or_means(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """True when the phrase is the aim of the sentence rather than an action."""
    return (_preceded_by_means(text, tokens[first].start)
            or _followed_by_aim(text, tokens[last].end))


# -- sections ---------------------------------------------------------------------------------


def _is_background(section: Section) -> bool:
    title = re.sub(r"[〜~～].*$|\(.*\)$", "", section.title or "").strip()
    return bool(title) and title.endswith(_vocab().background)


def _column_is(column: str | None, words: tuple[str, ...]) -> bool:
    return column is not None and any(w in column for w in words)


def _cell_measures(entry: Entry) -> list[Measure]:
    """The measures a table cell names: one sentence, or names split on "/"."""
    if "。" in entry.text:
        return [Measure(entry.text, entry.span, entry.page, entry.label)]
    measures: list[Measure] = []
    for part in _CELL_SPLIT.split(entry.text):
        part = _TRAILING.sub("", part.strip())
        if len(part) >= MIN_MEASURE_CHARS - 1:
            start = entry.span[0] + max(entry.text.find(part), 0)
            measures.append(Measure(part, (start, start + len(part)), entry.page, entry.label))
    return measures


def _names(cell: str) -> list[str]:
    """Departments or posts listed in a cell: "総務課長\n所属長" → [総務課長, 所属長]."""
    return [n for n in re.split(r"[\n、,・/／\s]+", cell) if n]


def _numeric_share(row: list[Entry]) -> float:
    """Share of a row's cells that are figures ("28,918", "-", "76.78")."""
    cells = [c.text for c in row if c.text.strip()]
    return sum(bool(_FIGURE.fullmatch(c)) for c in cells) / len(cells) if cells else 0.0


def _table_measures(cells: list[Entry], sentences: bool) -> list[Measure]:
    """Measures of table cells, row by row, with the row's 推進者/担当 and 目標値 cells."""
    v = _vocab()
    rows: dict[tuple[int, int] | None, list[Entry]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append(cell)
    measures: list[Measure] = []
    for row in rows.values():
        if _numeric_share(row) > MAX_NUMERIC_SHARE:
            continue  # a row of figures (a budget line), not of actions
        responsible = [n for c in row if _column_is(c.column, v.responsible_columns)
                       for n in _names(c.text)]
        target = next((c.text for c in row if _column_is(c.column, v.target_columns)), None)
        for cell in row:
            text = cell.text
            if text.startswith("(") and text.endswith(")"):
                continue  # an annotation of the row, not an item
            if _column_is(cell.column, v.responsible_columns + v.target_columns):
                continue
            if _YEARISH.fullmatch(text) or len(text) < MIN_MEASURE_CHARS - 1:
                continue  # a year or a mark (○, →) in a schedule
            sentence = sentences and is_sentence(text)
            if cell.label or sentence or _column_is(cell.column, v.measure_columns):
                for m in _cell_measures(cell):
                    m.responsible, m.target = list(responsible), target
                    measures.append(m)
    return measures


def section_measures(section: Section, background: bool = False) -> list[Measure]:
    """The measures directly under `section`."""
    background = background or _is_background(section)
    # Sentences in a form's value cells are measures; in a row that is itself a heading
    # ("①挑戦と進化 | 改革の意識を…"), they describe that heading.
    sentences = not background and section.table is None
    measures = _table_measures([e for e in section.body if e.role == "cell"], sentences)
    for entry in section.body:
        text = entry.text
        if entry.role in ("row", "schedule", "cell"):
            continue
        short = len(text) <= MAX_ITEM_MEASURE_CHARS and "。" not in text
        if entry.role == "item" and (short or entry.label):  # lists count, background or not
            # A numbered entry is the unit the plan itself counts, sentence or not.
            title = _TRAILING.sub("", text).strip()
            if len(title) >= MIN_MEASURE_CHARS:
                measures.append(Measure(title, entry.span, entry.page, entry.label))
            continue
        if not background:
            heading = re.sub(r"\s", "", section.title or "")
            measures.extend(m for m in prose_measures(text, entry.span[0], entry.page)
                            if re.sub(r"\s", "", m.title) not in heading)  # restates its heading
    return _dedupe(measures)


def _dedupe(measures: list[Measure]) -> list[Measure]:
    """Measures without repeats, figures, chart labels, or phrases inside a longer one."""
    unique: list[Measure] = []
    seen: set[str] = set()
    reach = -1  # the furthest end of a kept span: spans are visited by start
    for m in sorted(measures, key=lambda m: (m.span[0], -(m.span[1] - m.span[0]))):
        if m.title in seen or m.span[1] <= reach:
            continue
        if letters(m.title) < MIN_MEASURE_LETTERS or UNIT_LABEL.search(m.title):
            continue
        seen.add(m.title)
        unique.append(m)
        reach = max(reach, m.span[1])
    return unique


def outline_measures(root: Section) -> dict[int, list[Measure]]:
    """Measures of every section, keyed by the section's id()."""
    out: dict[int, list[Measure]] = {}

    def visit(section: Section, background: bool) -> None:
        bg = background or _is_background(section)
        out[id(section)] = section_measures(section, bg)
        for child in section.children:
            visit(child, bg)

    out[id(root)] = []  # the preamble before the first heading introduces; it commits to nothing
    for child in root.children:
        visit(child, False)
    # A checklist or summary that restates measures word for word adds no new ones.
    stated: set[str] = set()
    for section in root.walk():
        kept = []
        for m in out[id(section)]:
            key = re.sub(r"\s", "", m.title)
            if key in stated:
                continue
            if "。" in key or len(key) > MAX_ITEM_MEASURE_CHARS // 2:
                stated.add(key)  # short names ("多様な主体との連携") may recur in two lists
            kept.append(m)
        out[id(section)] = kept
    return out
