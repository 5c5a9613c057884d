"""What a plan's name looks like: the closed vocabulary of plan kinds, and names as keys.

A name ends with a plan word (…大綱, …計画, …プラン, …戦略 from `rules/plans.json`) and is
more than that word; 本計画 or 各計画 point at a plan, they do not name one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from extract.periods.values import to_int
from extract.rules import load

# A version printed after a plan word belongs to the name: 自殺対策計画Ver.3.
VERSION = r"(?:\s?[Vv]er\.?\s?\d+(?:\.\d+)?)"
# A plan name longer than this is a sentence, not a name.
MAX_NAME_CHARS = 40


@dataclass(frozen=True, slots=True)
class Vocab:
    kinds: tuple[str, ...]
    sub_kinds: tuple[str, ...]
    period_words: tuple[str, ...]
    schedule_words: tuple[str, ...]
    cue_words: tuple[str, ...]
    no_period: tuple[str, ...]
    self_refs: tuple[str, ...]
    splitter: re.Pattern[str]
    kind_end: re.Pattern[str]
    weights: dict[str, float]
    raw: dict[str, Any]


@cache
def vocab() -> Vocab:
    raw = load("plans")
    kinds = tuple(sorted(raw["kinds"], key=len, reverse=True))
    return Vocab(
        kinds=kinds,
        sub_kinds=tuple(raw["sub_kinds"]),
        period_words=tuple(sorted(raw["period_words"], key=len, reverse=True)),
        schedule_words=tuple(raw["schedule_words"]),
        cue_words=tuple(raw["cue_words"]),
        no_period=tuple(raw["no_period_phrases"]),
        self_refs=tuple(raw["self_references"]),
        splitter=re.compile("|".join(map(re.escape, raw["name_splitters"]))),
        kind_end=re.compile("(?P<kind>" + "|".join(map(re.escape, kinds)) + ")" + VERSION + "?$"),
        weights={k: float(v) for k, v in raw["weights"].items()},
        raw=raw,
    )


# と between two nouns joins two things; in a word (まち・ひと・しごと) it does not.
_JOINED = re.compile(r"[一-龥ァ-ヶー]と[一-龥ァ-ヶー]")
_ORDINAL = re.compile(r"第([一二三四五六七八九十]+)(次|期)")


def key(name: str) -> str:
    """A plan name for comparison: NFKC, no spaces or quotes, 第二次 → 第2次."""
    name = re.sub(r"[\s「」『』]", "", unicodedata.normalize("NFKC", name))
    return _ORDINAL.sub(lambda m: f"第{to_int(m.group(1))}{m.group(2)}", name)


def kind_of(name: str) -> str | None:
    m = vocab().kind_end.search(name)
    return m.group("kind") if m else None


def is_name(name: str) -> bool:
    """True for a plan's name: ends with a plan word and is more than a generic word.

    A bare subdivision word (アクションプラン, 実行計画) names the document's own sub-plan;
    other bare words (計画, 方針) and references (本計画, 各計画) name nothing.

    >>> is_name("ひかり市行政改革大綱"), is_name("本計画"), is_name("アクションプラン")
    (True, False, True)
    """
    kind = kind_of(name)
    if kind is None or len(name) > MAX_NAME_CHARS or "。" in name:
        return False
    if _JOINED.search(name):
        return False  # "自治基本条例と総合計画・行政経営方針": two things, not one name
    if name == kind:
        return kind in vocab().sub_kinds
    return not name.startswith(("基本", "各", "本", "この", "同", "当該", "上記", "下記"))


# A subtitle set off by wave dashes or a dash: "ひかり市DX推進方針~国の動向~".
_SUBTITLE = re.compile(r"\s*[~〜―－-][^~〜―－-]+[~〜―－-]?\s*$")
# What a title adds to a plan's name: its edition and draft state ("…計画 第2次", "(案)").
_EDITION = re.compile(r"\s*(?:第\d+次|第\d+期|改訂版|概要版|\(案\)|案)\s*$")
# What a council bill's title adds: "…の策定について", "…の変更について".
_BILL = re.compile(r"(?:の(?:策定|変更|改定|改訂|制定|廃止|一部改正))?(?:について|に関する件)$")
# A change printed after the name in a bill's subject: "(第5次変更)".
_CHANGE_NOTE = re.compile(r"\s*\([^)]*(?:変更|改定|改訂)\)")


def title_names(title: str) -> list[tuple[str, list[str]]]:
    """(name, aliases) of each plan a document title names.

    A title that names no plan as a whole may open with one and run on into words set apart by
    a space: a cover's date or issuer, or the first heading read into the title line. The
    longest such opening that names a plan is taken.

    >>> title_names("第5次ひかり市総合計画基本構想の策定について")
    [('第5次ひかり市総合計画基本構想', ['第5次ひかり市総合計画基本構想の策定について'])]
    >>> title_names("ひかり市環境基本計画(案) 令和6年3月 ひかり市")
    [('ひかり市環境基本計画', ['ひかり市環境基本計画(案)'])]
    """
    whole = _title_names(title)
    words = title.split()
    for k in range(len(words) - 1, 0, -1):
        if whole:
            break
        whole = _title_names(" ".join(words[:k]))
    return whole


def _title_names(title: str) -> list[tuple[str, list[str]]]:
    unbracketed = _BILL.sub("", _CHANGE_NOTE.sub("", title).strip())
    unbracketed = _SUBTITLE.sub("", re.sub(r"\s*\([^)]*\)\s*", "", unbracketed))
    edition = _EDITION.search(unbracketed)
    bare = _EDITION.sub("", unbracketed).strip()
    parts = [_EDITION.sub("", p).strip() for p in vocab().splitter.split(bare)]
    out: list[tuple[str, list[str]]] = []
    for part in parts:
        if not is_name(part):
            continue
        alias = [title] if len(parts) == 1 and part != title else []
        if edition and len(parts) == 1 and edition.group().strip().startswith("第"):
            alias.append(edition.group().strip() + part)  # 第2次…計画
        out.append((part, alias))
    return out


_HEADING_NAME = re.compile(
    r"^(?P<generic>[^「」()]*?)「(?P<quoted>[^」]+)」$"  # 新行政改革大綱「みらい経営プラン」
    r"|^(?P<name>[^()]+?)\s*(?:\((?P<paren>[^)]*)\))?"
    r"(?:の[^()]{1,6}|全体像|概要|体系図?|について)?(?:\(案\))?$"
)


def heading_name(title: str) -> tuple[str, list[str]] | None:
    """(name, aliases) of the plan a heading names, or None.

    >>> heading_name("ひかり改革プラン(行財政改革大綱)の体系")
    ('ひかり改革プラン', ['行財政改革大綱'])
    """
    title = re.sub(r"\s*\([^)]*(?:年|年度)[^)]*\)$", "", title)
    m = _HEADING_NAME.match(title)
    if not m:
        return None
    if m.group("quoted"):
        quoted, generic = m.group("quoted"), m.group("generic").strip()
        if not is_name(quoted):
            return None
        aliases = [title]
        if generic and kind_of(generic):
            aliases += [generic] + ([generic[1:]] if generic.startswith("新") else [])
        return quoted, aliases
    name, paren = m.group("name").strip(), (m.group("paren") or "").strip()
    if not is_name(name):
        return None
    return name, [paren] if paren and kind_of(paren) else []


# A plan of the state or the prefecture, named by whose it is: 国の総合戦略, 県の行動計画.
HIGHER_GOVERNMENT = r"[国県道都府]の"


@cache
def text_name_pattern() -> re.Pattern[str]:
    """An unquoted plan name in running text: an ordinal or a run of kanji, katakana and
    letters ending in a plan word (第5次ひかり市総合計画, 第2期DX推進計画, 介護保険事業計画).
    Hiragana ends the run, so "…につきましては" never joins a name, except a city's name in
    kana before 市/町/村 and the kana words of plan names (子ども, まちづくり: the list
    `name_kana_words`); a name starts after hiragana (a particle, a verb's ending) or a mark,
    and not with a figure. A plan of the state or the prefecture may be named by whose it is and
    its plan word alone (国の総合戦略, 県の行動計画).

    >>> [m.group() for m in text_name_pattern().finditer("国の総合戦略と同じく、道の計画も")]
    ['国の総合戦略', '道の計画']
    >>> [m.group() for m in text_name_pattern().finditer("、第1期計画・第2期計画を")]
    ['第1期計画']
    """
    kinds = "|".join(map(re.escape, vocab().kinds))
    kana = "|".join(map(re.escape, sorted(vocab().raw["name_kana_words"], key=len, reverse=True)))
    word = r"(?:[一-龥々ァ-ヶーA-Za-z0-9・]|" + kana + r")"
    city = r"(?:[ぁ-ん]{2,6}(?=[市町村]))?"  # ひかり市…, つくばひかり市…
    return re.compile(
        r"(?<![^\s、。,「」『』()ぁ-ん])(?:"
        + HIGHER_GOVERNMENT + word + r"{0,24}?(?:" + kinds + r")|"  # 国の総合戦略
        r"第\d+[次期]" + city + word + r"{0,24}?(?:" + kinds + r")|"  # 第2期計画, 第5次…
        r"(?![0-9])" + city + word + r"{1,24}?(?:" + kinds + r"))"
        + VERSION + r"?"
        r"(?![一-龥ァ-ヶー])")
