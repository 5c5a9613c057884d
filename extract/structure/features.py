"""Named facts about one line of a document, one small pure function each.

Every feature reads the line, its neighbours and a few facts of the whole document (`Context`)
and answers yes or no. The classifier (`classify.py`) weighs them with the weights in
`rules/line_weights.json`; `extract explain` prints the ones that fired. Examples in the
docstrings are one line that matches and one that does not.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property

from extract.blocks import BlockKind, Line
from extract.rules import load
from extract.structure.boilerplate import is_attachment_tag
from extract.structure.markers import Marker, is_caption, parse_family, parse_marker

# A numbered title longer than this is a list item with a body, not a heading.
MAX_HEADING_CHARS = 60
# An unmarked line is a heading candidate only when this short (titles are noun phrases).
MAX_UNMARKED_HEADING_CHARS = 40
# Share of long paragraphs indented (字下げ) above which a document indents its paragraphs.
INDENTED_PARAGRAPH_SHARE = 0.5
# A paragraph this long says something; shorter ones may be titles.
LONG_PARAGRAPH_CHARS = 40
# Type this much larger than the body text sets a line apart; this much smaller is a note.
LARGE_SIZE = 1.12
SMALL_SIZE = 0.95
# Blank space (in ems) that sets a line apart from its neighbours.
ISOLATION_EM = 1.0
# A line whose characters are at least this share digits is a figure or a scale.
NUMERIC_SHARE = 0.4
# A short text printed this many times is a label (a form's name in each row), not a title.
REPEATED_TIMES = 3
# Short unmarked lines this common in a document without markup set no line apart.
SHORT_LINES_SHARE = 0.75
# A share of fewer lines than this says nothing of the document.
MIN_LINES_FOR_SHARE = 20
# A text printed on this share of a document's pages runs along them: a header or a footer.
RUNNING_SHARE = 0.5
# A diagram's box holds fragments this short ("市民目線の窓口と").
MAX_FRAGMENT_CHARS = 20

# A line ending in one of these is a sentence cut by the layout, not a title.
_OPEN_END = re.compile(r"[はがをにでともへやの、,:：;]$|から$|より$|ため$")
# Sentence forms: the polite and plain copula and verb endings close a sentence without 。.
_SENTENCE_END = re.compile(r"(?:です|ます|である|ました|でした|ください)$")
# A line this long may have been cut by the layout; a shorter one ends where its title ends.
RUN_ON_CHARS = 25
# A line ending in one of these closes what it says.
_CLOSERS = "。)」』】>〉]!?"
# A legend or a row of column heads: this many short labels side by side.
LEGEND_PARTS = 3
MAX_LEGEND_PART_CHARS = 15
# A label, a colon and its value, as in a form or a contact block.
_FIELD_VALUE = re.compile(r"^[^:：\s]{1,12}[:：]\s*\S")
# A title that ends with its unit names a chart or an indicator, not a section.
UNIT_LABEL = re.compile(r"\((?:%|円|人|千円|万円|件|m3|m³|km2|倍|回|時間)\)$")
# The name of an organisation unit or a post, in brackets or not, with its holder in
# parentheses: "DX推進本部", "総務課", "本部長(市長)", "【事務局】"; never a phrase with の.
ORG_UNIT = re.compile(
    r"[【\[<〈]?[^\sの、。,:：()]{1,12}?(?:課|部|室|局|本部|部会|班|事務局|長|員)"
    r"(?:\([^()]{1,12}\))?[】\]>〉]?"
)
# A line that is only a date or a bylaw's number heads nothing ("条例第13号").
_DATE_OR_NUMBER = re.compile(
    r"^(?:(?:(?:明治|大正|昭和|平成|令和)\s*(?:\d+|元)|\d{4})\s*年\s*\d+\s*月\s*\d+\s*日"
    r"|(?:午前|午後)?\s*\d{1,2}\s*時(?:\s*\d{1,2}\s*分)?|(?:条例|規則|訓令|告示)第\d+号)$"
)
# Bylaws (例規): an article's caption "(設置)" over its number "第1条 …" (the grammar's "jo").
ARTICLE_CAPTION = re.compile(r"\(([^()]{1,20})\)")
_ARTICLE_RANGE = re.compile(r"\(第\d+条(?:の\d+)?(?:\s*[―‐\-~〜・]\s*第\d+条(?:の\d+)?)?\)$")
_SUPPLEMENTARY = re.compile(r"^附\s*則(?:\s*\(.*\))?\s*(?:抄)?$")
# Any run of white space, removed before comparing names (compiled once: asked of every line).
_WHITESPACE = re.compile(r"\s+")
# Sentences that announce the numbered items after them.
_LIST_CUES = ("次に掲げる", "次のとおり", "次の各号", "以下のとおり", "次のような")


def letters(text: str) -> int:
    """How many letters `text` holds (`map` over the characters: no generator per call)."""
    return sum(map(str.isalpha, text))


@cache
def _section_names() -> tuple[frozenset[str], frozenset[str]]:
    raw = load("section_names")
    inner = frozenset(party + raw["inner_suffix"] for party in raw["parties"])
    return frozenset(raw["top"]), inner


def form_section_rank(text: str) -> str | None:
    """"top" for a section name that heads a fixed form's whole text ("主文", "事 実 及 び 理 由"),
    "inner" for one that sits under a numbered heading ("(原告の主張)"), None otherwise
    ("主文の内容", "理由書の提出")."""
    bare = _WHITESPACE.sub("", text)
    if bare[:1] == "(" and bare[-1:] == ")":
        bare = bare[1:-1]
    top, inner = _section_names()
    return "top" if bare in top else "inner" if bare in inner else None


@dataclass(frozen=True)
class Context:
    """A document's lines and the facts about the whole document the features read."""

    lines: tuple[Line, ...]
    doc_title: str | None = None  # the document's title, as the title stage found it

    @cached_property
    def markers(self) -> tuple[Marker | None, ...]:
        return tuple(None if line.in_table else parse_marker(line.text) for line in self.lines)

    @cached_property
    def marked_up(self) -> bool:
        """True when the source marks its headings (h1–h6, PDF type sizes)."""
        return any(line.markup_level is not None for line in self.lines)

    @cached_property
    def indents_paragraphs(self) -> bool:
        """True when most long paragraphs start indented (字下げ)."""
        long = [line for line in self.lines
                if line.kind is BlockKind.PARAGRAPH and len(line.text) > LONG_PARAGRAPH_CHARS]
        return bool(long) and (sum(line.indent > 0 for line in long)
                               >= INDENTED_PARAGRAPH_SHARE * len(long))

    @cached_property
    def counts(self) -> Counter[str]:
        return Counter(line.text for line in self.lines if not line.in_table)

    @cached_property
    def announced(self) -> frozenset[int]:
        """Lines that are items of a list a sentence announced (次に掲げる…) right before."""
        out: set[int] = set()
        family: str | None = None
        for i, line in enumerate(self.lines):
            marker = self.markers[i]
            if family is not None and marker is not None and marker.family == family \
                    and line.markup_level is None:
                out.add(i)
                continue
            family = None
            if announces_list(line.text):
                following = self.markers[i + 1] if i + 1 < len(self.lines) else None
                family = following.family if following else None
        return frozenset(out)

    @cached_property
    def runs(self) -> frozenset[int]:
        """Numbered lines whose number continues (n after n-1) or starts (n before n+1) a run
        of their family."""
        out: set[int] = set()
        seen: dict[str, set[int]] = {}
        numbered = [(k, m) for k, m in enumerate(self.markers) if m is not None and m.num]
        for k, m in numbered:
            if (m.num or 0) - 1 in seen.setdefault(m.family, set()):
                out.add(k)
            seen[m.family].add(m.num or 0)
        seen = {}
        for k, m in reversed(numbered):
            if (m.num or 0) + 1 in seen.setdefault(m.family, set()):
                out.add(k)
            seen[m.family].add(m.num or 0)
        return frozenset(out)

    @cached_property
    def short_lines_common(self) -> bool:
        """True when a document without markup is mostly short unmarked lines without a full
        stop (a slide's boxes, verse, a list): being short then sets no line apart."""
        plain = [k for k, line in enumerate(self.lines) if not line.in_table
                 and self.markers[k] is None and line.markup_level is None]
        if self.marked_up or len(plain) < MIN_LINES_FOR_SHARE:
            return False
        brief = sum(short(self, k) and "。" not in self.lines[k].text for k in plain)
        return brief >= SHORT_LINES_SHARE * len(plain)

    @cached_property
    def bylaw(self) -> bool:
        """True when two articles or more carry a caption: the document is a bylaw (例規)."""
        return sum(article_caption(self, k) for k in range(len(self.lines))) >= 2

    @cached_property
    def pages(self) -> int:
        """How many pages the document's lines are on (0 without pages)."""
        return len({line.page for line in self.lines if line.page is not None})

    @cached_property
    def heads(self) -> tuple[int, ...]:
        """Indexes of the lines the source marks as headings."""
        return tuple(k for k, line in enumerate(self.lines) if line.markup_level is not None)

    def title(self, i: int) -> str:
        """Line i without its marker."""
        marker = self.markers[i]
        return marker.title if marker is not None else self.lines[i].text


def announces_list(text: str) -> bool:
    """True for a sentence announcing numbered items: "…次に掲げる事務を行う。"."""
    announced = text.endswith("。") and any(cue in text for cue in _LIST_CUES)
    return announced or text.endswith(("次のとおり", "次のとおり:", "以下のとおり"))


Feature = Callable[[Context, int], bool]


# -- what the source states ---------------------------------------------------------------------


def markup(ctx: Context, i: int) -> bool:
    """The source's markup makes the line a heading: <h2>方針</h2>. Not: <p>方針</p>, nor a
    PDF line set large (that is `set_apart`)."""
    line = ctx.lines[i]
    return line.markup_level is not None and line.size is None and letters(line.text) >= 1


def set_apart(ctx: Context, i: int) -> bool:
    """The PDF reader set the line apart as a heading (larger or bold type, alone on its
    line). Not: a line of body text, nor an HTML heading (that is `markup`)."""
    line = ctx.lines[i]
    return line.markup_level is not None and line.size is not None and letters(line.text) >= 1


def in_table(ctx: Context, i: int) -> bool:
    """A table row: "施策\t担当課". Not: "施策の推進"."""
    return ctx.lines[i].in_table


def list_item(ctx: Context, i: int) -> bool:
    """The source marks an unnumbered list item: <li>広報紙</li>. Not: <p>広報紙</p>, nor
    "(1) 研修" in a list (its number speaks for it)."""
    line = ctx.lines[i]
    marker = ctx.markers[i]
    return line.kind is BlockKind.LIST_ITEM and (marker is None or marker.family == "bullet・")


# -- the marker ---------------------------------------------------------------------------------


def numbered(ctx: Context, i: int) -> bool:
    """Opens with a counting marker of its own: "(2) 組織の見直し". Not: "1-② 研修", "・研修"."""
    marker = ctx.markers[i]
    return marker is not None and marker.numbered and not marker.compound \
        and bool(marker.title)


def compound_label(ctx: Context, i: int) -> bool:
    """Numbered under another item's number: "1-② 研修の充実". Not: "(2) 研修の充実"."""
    marker = ctx.markers[i]
    return marker is not None and marker.compound


def bullet(ctx: Context, i: int) -> bool:
    """Opens with a bullet symbol: "■ 基本方針". Not: "基本方針"."""
    marker = ctx.markers[i]
    return marker is not None and marker.family.startswith("bullet")


def bracketed(ctx: Context, i: int) -> bool:
    """Wrapped whole in title brackets: "【基本理念】", "<重点項目>". Not: "【参考】用語"."""
    marker = ctx.markers[i]
    return marker is not None and marker.family.startswith("bracket")


def in_bullet_run(ctx: Context, i: int) -> bool:
    """A bulleted line next to another with the same bullet: a list, not a heading.
    Matches "・回覧板" after "・ホームページ"; not "■ 基本方針" over a paragraph."""
    marker = ctx.markers[i]
    if marker is None or not marker.family.startswith("bullet"):
        return False
    near = (ctx.markers[j] for j in (i - 1, i + 1) if 0 <= j < len(ctx.lines))
    return any(m is not None and m.family == marker.family for m in near)


def ordinal_run(ctx: Context, i: int) -> bool:
    """The number continues or starts a run of its family: "(2)" after an earlier "(1)", or
    "(1)" with a "(2)" later. Not: a lone "(3)" with no (2) before nor (4) after."""
    return i in ctx.runs


def announced_item(ctx: Context, i: int) -> bool:
    """An item of a list the sentence before announced: "一 条例の制定" after "…次に掲げる事務を
    行う。". Not: "(1) 研修" after a heading."""
    return i in ctx.announced


def article_caption(ctx: Context, i: int) -> bool:
    """A bylaw article's caption over its number: "(設置)" followed by "第1条 …". Not:
    "(平7条例16・一部改正)" over a paragraph."""
    return (bool(ARTICLE_CAPTION.fullmatch(ctx.lines[i].text)) and i + 1 < len(ctx.lines)
            and parse_family("jo", ctx.lines[i + 1].text) is not None)


def supplementary(ctx: Context, i: int) -> bool:
    """A bylaw's supplementary provisions: "附 則", "附則(平成20年条例第5号) 抄". Not:
    "附則の規定により…"."""
    return bool(_SUPPLEMENTARY.match(ctx.lines[i].text))


def unmarked_in_bylaw(ctx: Context, i: int) -> bool:
    """A line of a bylaw with neither markup, a marker, nor an article's caption form: a bylaw
    heads its parts with 第N章/第N節, article captions and 附則 only, so a distribution list
    above the first article ("庁中一般"), "目次" or "第10条 削除" heads nothing. Not:
    "(設置)" over "第1条 …", nor any line of a document that is no bylaw."""
    line = ctx.lines[i]
    return (ctx.bylaw and line.markup_level is None and ctx.markers[i] is None
            and not article_caption(ctx, i) and not supplementary(ctx, i))


def contents_entry(ctx: Context, i: int) -> bool:
    """A bylaw's table of contents entry: a part with the range of its articles, "第1章 総則
    (第1条―第3条)", "第5章 附属機関(第28条)", and the "附則" listed after them. Not: the
    part's own heading "第1章 総則", nor the 附則 after the last article."""
    if _ARTICLE_RANGE.search(ctx.lines[i].text):
        return True
    return i > 0 and supplementary(ctx, i) and bool(_ARTICLE_RANGE.search(ctx.lines[i - 1].text))


def form_section(ctx: Context, i: int) -> bool:
    """A section name of a fixed document form's closed vocabulary (`rules/section_names.json`):
    a court judgment's "主文", "事実及び理由", "(被告の主張)". Not: "主文の内容について"."""
    return ctx.markers[i] is None and form_section_rank(ctx.lines[i].text) is not None


# -- the words ----------------------------------------------------------------------------------


def sentence(ctx: Context, i: int) -> bool:
    """The title holds a full stop: "(1) 研修を行う。". Not: "(1) 研修の実施"."""
    return "。" in ctx.title(i)


def sentence_form(ctx: Context, i: int) -> bool:
    """A clause and a sentence ending without the 。: "① 管理職に対して、休暇の取得を指導させます".
    Not: "(2)「対話重視」の市政運営を進めます" (a title may be a sentence, never a clause)."""
    title = ctx.title(i)
    return bool(_SENTENCE_END.search(title)) and ("、" in title or "," in title)


def open_end(ctx: Context, i: int) -> bool:
    """Ends on a particle or a comma, as a line cut by the layout does: "市民目線の窓口と".
    Not: "行政の実現"."""
    return bool(_OPEN_END.search(ctx.title(i))) or ctx.lines[i].text.endswith("。")


def cut_mid_sentence(ctx: Context, i: int) -> bool:
    """Ends on a particle and the next line carries on the sentence without a marker:
    "3. 補助金の交付及び交付決定に係る書類の提出に" over "関する事務". Not: "1 はじめに" over a
    sentence of its own ("本計画は…。")."""
    if not _OPEN_END.search(ctx.title(i)) or i + 1 >= len(ctx.lines):
        return False
    nxt = ctx.lines[i + 1]
    return (ctx.markers[i + 1] is None and not nxt.in_table and nxt.page == ctx.lines[i].page
            and len(nxt.text) <= MAX_FRAGMENT_CHARS and "。" not in nxt.text)


def runs_on(ctx: Context, i: int) -> bool:
    """A long line (25 characters or more) the next line carries on mid-word: the next, on the
    same page, unnumbered and outside a table, opens with hiragana, as the rest of a word
    or an inflection does ("2 各課の経費については、…職員の手当が含ま" over "れており、…。"). Not: a
    heading over a sentence that opens with a word ("1 はじめに" over "本計画は…")."""
    title = ctx.title(i)
    if len(title) < RUN_ON_CHARS or title[-1] in _CLOSERS or i + 1 >= len(ctx.lines):
        return False
    nxt = ctx.lines[i + 1]
    return (ctx.markers[i + 1] is None and not nxt.in_table and nxt.page == ctx.lines[i].page
            and "ぁ" <= nxt.text[:1] <= "ゖ")


def carries_on(ctx: Context, i: int) -> bool:
    """Opens with hiragana right after a line on the same page, outside a table, that does not
    close and is long (25 characters or more) or ends on a particle: the rest of a sentence
    the layout cut ("…表記の揺れを避けるため" over "に、用語を一つに揃え"). Not:
    "まちづくりの推進" after a sentence that ends with "。"."""
    line = ctx.lines[i]
    if i == 0 or ctx.markers[i] is not None or not "ぁ" <= line.text[:1] <= "ゖ":
        return False
    prev = ctx.lines[i - 1]
    return (not prev.in_table and prev.page == line.page and prev.text[-1] not in _CLOSERS
            and (len(prev.text) >= RUN_ON_CHARS or bool(_OPEN_END.search(prev.text))))


def spaced_labels(ctx: Context, i: int) -> bool:
    """Three short labels side by side, as a chart's legend or a table's column heads print
    them: "ひかり市 県平均 全国平均". Not: "基本方針 ~行政から経営へ~", a title
    with one space, nor a letter-spaced word ("全 職 員")."""
    parts = ctx.title(i).split()
    return len(parts) >= LEGEND_PARTS and "。" not in ctx.title(i) \
        and all(2 <= len(p) <= MAX_LEGEND_PART_CHARS for p in parts)


def field_value(ctx: Context, i: int) -> bool:
    """A form's label and its value: "電話:000-000-0000", "団体名:ひかり市". Not:
    "基本方針 ~行政から経営へ~"."""
    return bool(_FIELD_VALUE.match(ctx.title(i)))


def long_title(ctx: Context, i: int) -> bool:
    """A title over 60 characters: a paragraph that starts with a number. Not: "(1) 研修"."""
    return len(ctx.title(i)) > MAX_HEADING_CHARS


def short(ctx: Context, i: int) -> bool:
    """An unnumbered line short enough for a title (≤ 40 characters, two letters or more):
    "計画の位置づけ". Not: "計画の位置づけについては、次のとおりとする。…" nor "1 研修"."""
    text = ctx.lines[i].text
    return (ctx.markers[i] is None and len(text) <= MAX_UNMARKED_HEADING_CHARS
            and letters(text) >= 2)


def short_among_short(ctx: Context, i: int) -> bool:
    """Short, in a document without markup whose lines are mostly short (three quarters of its
    unmarked lines or more): verse, a slide deck's boxes. Not: a short line among paragraphs."""
    return ctx.short_lines_common and short(ctx, i)


def no_letters(ctx: Context, i: int) -> bool:
    """The title has no letter: "【76.78】", "(3) 2,400". Not: "(3) 猫"."""
    return letters(ctx.title(i)) < 1


def numeric(ctx: Context, i: int) -> bool:
    """Mostly digits: a scale or a figure ("4 月5月6月7月8月", "20 人"). Not: "第2期計画"."""
    text = ctx.lines[i].text.replace(" ", "")
    return bool(text) and sum(map(str.isdigit, text)) >= NUMERIC_SHARE * len(text)


def over_scale(ctx: Context, i: int) -> bool:
    """Not set large, directly over a line of bare numbers outside a table, as a chart's title
    is over its axis ("①収益的収支比率(%)" over "110.00"). Not: a heading over a sentence or a
    table, nor a section heading set large over the chart that is its only content."""
    if i + 1 >= len(ctx.lines) or large(ctx, i):
        return False
    nxt = ctx.lines[i + 1]
    return not nxt.in_table and letters(nxt.text) == 0 and numeric(ctx, i + 1)


def stray_rule(ctx: Context, i: int) -> bool:
    """A vertical bar outside a table: a box's border that OCR read as a glyph ("| |区困村が
    指定してい"), or a formula. Japanese headings print no "|". Not: "避難行動判定フロー"."""
    return not ctx.lines[i].in_table and "|" in ctx.lines[i].text


def org_box(ctx: Context, i: int) -> bool:
    """Only the name of an organisation unit or a post, with no sentence after it: a box of an
    organisation chart ("DX推進本部", "本部長(市長)", "【事務局】" over other boxes). Not:
    "<行政改革推進本部>" over the sentence on what the body does, nor a bylaw article's
    caption "(会計課)"."""
    text = ctx.lines[i].text
    if text.startswith("(") or not ORG_UNIT.fullmatch(text):
        return False
    nxt = ctx.lines[i + 1] if i + 1 < len(ctx.lines) else None
    return nxt is None or nxt.in_table or (
        "。" not in nxt.text and len(nxt.text) < LONG_PARAGRAPH_CHARS)


def unit_label(ctx: Context, i: int) -> bool:
    """Ends with its unit, as an axis or an indicator does: "① 給水原価(円)". Not: "① 給水原価"."""
    return bool(UNIT_LABEL.search(ctx.title(i)))


def caption(ctx: Context, i: int) -> bool:
    """A figure or table caption, or a note: "図1 人口の推移", "※ 見込み". Not: "図書館の整備"."""
    return is_caption(ctx.lines[i].text)


def date_or_number(ctx: Context, i: int) -> bool:
    """The title is only a date, a time or a bylaw's number: "令和2年3月31日", "1 午前9時15分",
    "条例第13号". Not: "令和2年度の取組"."""
    return bool(_DATE_OR_NUMBER.match(ctx.title(i)))


def attachment_tag(ctx: Context, i: int) -> bool:
    """Only the tag of an attachment or a form, printed at the top of its first page: "別紙3",
    "別添1-2", "【様式13】". Not: "(別紙)投稿記事目録", "様式集(建設工事編)"."""
    return is_attachment_tag(ctx.lines[i].text)


def is_title(ctx: Context, i: int) -> bool:
    """A first-page line of a paged document that is its title: the title is no node of the
    outline. Not: the same words later in the text, nor an HTML page's h1 (its root)."""
    line = ctx.lines[i]
    return (ctx.doc_title is not None and line.page == 1
            and _WHITESPACE.sub("", line.text) == _WHITESPACE.sub("", ctx.doc_title))


def annotation(ctx: Context, i: int) -> bool:
    """Wrapped whole in parentheses: "(平7条例16・一部改正)". Not: "(1) 研修"."""
    text = ctx.lines[i].text
    return text.startswith("(") and text.endswith(")") and ctx.markers[i] is None


# -- layout -------------------------------------------------------------------------------------


def large(ctx: Context, i: int) -> bool:
    """Set larger than the body text (size ≥ 1.12). Not: body-size text."""
    size = ctx.lines[i].size
    return size is not None and size >= LARGE_SIZE


def small(ctx: Context, i: int) -> bool:
    """Set smaller than the body text (size < 0.95): a note or a label. Not: body-size text."""
    size = ctx.lines[i].size
    return size is not None and size < SMALL_SIZE


def bold(ctx: Context, i: int) -> bool:
    """Set in a bold face. Not: regular text."""
    return ctx.lines[i].bold


def isolated(ctx: Context, i: int) -> bool:
    """Blank space of at least an em above and below. Not: a line inside a paragraph."""
    line = ctx.lines[i]
    return (line.gap_above is not None and line.gap_above >= ISOLATION_EM
            and line.gap_below is not None and line.gap_below >= ISOLATION_EM)


def indented_paragraph(ctx: Context, i: int) -> bool:
    """Indented in a document that indents its paragraphs (字下げ). Not: an unindented line."""
    return ctx.indents_paragraphs and ctx.lines[i].indent > 0


def unmarked_in_marked_up(ctx: Context, i: int) -> bool:
    """An unmarked, unnumbered line in a document that marks its headings: the source would
    have marked it. Not: a line of a plain text."""
    return ctx.marked_up and ctx.lines[i].markup_level is None and ctx.markers[i] is None


def repeated(ctx: Context, i: int) -> bool:
    """A short text printed three times or more (a form's name in each block: "様式2"), or
    on three pages. Not: a title printed once."""
    line = ctx.lines[i]
    return line.repeats >= REPEATED_TIMES or (
        ctx.counts[line.text] >= REPEATED_TIMES and len(line.text) <= MAX_FRAGMENT_CHARS)


def running_header(ctx: Context, i: int) -> bool:
    """Printed on half the pages or more, three at least: a running header or footer the
    furniture pass left ("第2章 交通分野の取組…" atop each page of a chapter). Not: a
    subhead printed in each of four sections of a 13-page plan ("[現状と課題]")."""
    return ctx.lines[i].repeats >= max(REPEATED_TIMES, RUNNING_SHARE * ctx.pages)


def last_line(ctx: Context, i: int) -> bool:
    """Nothing follows: a heading heads something. Not: any line before the last."""
    return i + 1 >= len(ctx.lines)


def diagram_label(ctx: Context, i: int) -> bool:
    """A marked heading between two deeper ones with only short fragments between it and the
    next: a box label of a slide ("基本理念" over "市民目線に立った" / "利便性が…"). Not: a
    heading over paragraphs, nor "3." of a run of numbered headings."""
    lines = ctx.lines
    level = lines[i].markup_level
    if level is None or lines[i].size is None or i in ctx.runs:
        return False  # a number that carries on a run of headings labels no box
    heads = ctx.heads
    at = bisect_left(heads, i)
    if at == 0 or at + 1 >= len(heads):
        return False
    prev, nxt = heads[at - 1], heads[at + 1]
    if not ((lines[prev].markup_level or 0) > level < (lines[nxt].markup_level or 0)):
        return False
    between = lines[i + 1:nxt]
    return bool(between) and all(
        line.kind is BlockKind.PARAGRAPH and len(line.text) <= MAX_FRAGMENT_CHARS
        and "。" not in line.text for line in between)


FEATURES: dict[str, Feature] = {f.__name__: f for f in (
    markup, set_apart, in_table, list_item, numbered, compound_label, bullet, bracketed,
    in_bullet_run, ordinal_run, announced_item, article_caption, supplementary,
    unmarked_in_bylaw, contents_entry, form_section,
    sentence, sentence_form, open_end, cut_mid_sentence, runs_on, carries_on, spaced_labels,
    field_value, long_title, short, short_among_short,
    no_letters, numeric, over_scale, stray_rule, org_box, unit_label, caption, date_or_number,
    attachment_tag, is_title, annotation, large, small, bold, isolated, indented_paragraph,
    unmarked_in_marked_up, repeated, running_header, last_line, diagram_label,
)}
