"""Measures under each outline section, resolved once for the document.

Sources, each named in the measure's evidence: table rows (`tables.py`), list items (numbered
or short), short sentences that commit to an action (`commitment_sentence`: "…を実施します。"),
and action phrases in prose (`prose.py`). Sections about background (趣旨, 現状, 課題 …) give
no prose, list or numbered-row measures, sections about the plan's own governance (推進体制,
進行管理, 点検, 評価; "計画の…") or its expected effects give none at all, and a summary that
restates measures word for word adds none. A sentence that states rather than commits
(`predicate.py`), a note (※…) and the caption of a KPI table are not measures. A document
with neither a plan nor a table of actions gets no measures.
"""

from __future__ import annotations

import re

from extract.measures.predicate import states
from extract.measures.prose import MIN_MEASURE_CHARS, prose_measures
from extract.measures.record import Measure
from extract.measures.tables import names_actions, table_measures
from extract.measures.vocab import confidence, vocab
from extract.schema import Target
from extract.structure.outline import UNIT_LABEL, Entry, Section, letters
from extract.structure.segment import sentences as sentence_spans
from extract.structure.segment import tokenize

# A list item this short (and without a sentence end) is itself the name of a measure.
MAX_ITEM_MEASURE_CHARS = 40
# A paragraph of one sentence this short that commits to an action is itself a measure.
MAX_COMMITMENT_CHARS = 60
# A measure names an action in words: "76.78" or "(C)" is not one.
MIN_MEASURE_LETTERS = 2
_TRAILING = re.compile(r"(?:など|等|ほか)$")


# Brackets that wrap a whole heading: "[現状と課題]", "【期待される効果】", "<主な事業>".
_WRAPPED = re.compile(r"^[\[［【<〈《〔(]\s*(.+?)\s*[\]］】>〉》〕)]$")


def _bare_title(section: Section) -> str:
    """The heading's title without wrapping brackets, a subtitle (〜…〜, (…)) or a closing
    等: "[期待される施策の主な効果]" → "期待される施策の主な効果", "検討状況等" → "検討状況"."""
    title = (section.title or "").strip()
    title = _WRAPPED.sub(r"\1", title)
    title = re.sub(r"[〜~～].*$|\(.*\)$", "", title).strip()
    return re.sub(r"等$", "", title)


def is_background(section: Section) -> bool:
    """A section about the situation, not the actions: "現状と課題", "策定の趣旨". A title that
    names the actions themselves ("未反映の取組の概要", "今後の投資の検討状況") is not one."""
    title = _bare_title(section)
    v = vocab()
    return (bool(title) and title.endswith(v.background)
            and not any(w in title for w in v.action_topics))


def is_governance(section: Section) -> bool:
    """A section about running the plan itself (推進体制, 計画の点検) or about what its actions
    are expected to bring (期待される効果), not about the actions."""
    v = vocab()
    title = _bare_title(section)
    return bool(title) and (title.endswith(v.governance_ends)
                            or title.startswith(v.governance_starts))


def _commitment(text: str) -> bool:
    """One short sentence ending in a commitment and naming what it commits to: "施設の修繕計画
    を策定します。", not a line's wrapped verb alone ("実施します。")."""
    ending = next((e for e in vocab().commitments if text.endswith(e)), None)
    return (ending is not None and len(text) <= MAX_COMMITMENT_CHARS and text.count("。") == 1
            and len(text) - len(ending) >= MIN_MEASURE_CHARS and not _opens_mid_sentence(text))


def _opens_mid_sentence(text: str) -> bool:
    """True for text opening on a verb, an ending or a particle: the tail of a wrapped line
    ("行いながら実施します。"), not a sentence of its own."""
    first = next(iter(tokenize(text[:12])), None)
    return first is not None and first.pos[0] in ("動詞", "助動詞", "助詞", "接尾辞")


def section_measures(section: Section, background: bool = False) -> list[Measure]:
    """The measures directly under `section`."""
    return _section_measures(section, background)[0]


def _section_measures(section: Section, background: bool) -> tuple[list[Measure], list[Target]]:
    """The measures directly under `section`, and KPI targets it holds for none of them."""
    background = background or is_background(section)
    # Sentences in a form's value cells are measures; in a row that is itself a heading
    # ("①挑戦と進化 | 改革の意識を…"), they describe that heading.
    sentences = not background and section.table is None
    # Row labels of a table with a column per year ((1)地方債 | 28,918 | …) name lines of
    # figures, not actions.
    by_year = any(e.role == "schedule" for e in section.body)
    measures, kpis = table_measures([e for e in section.body if e.role == "cell"], sentences,
                                    labels=not by_year and not background)
    for at, entry in enumerate(section.body):
        text = entry.text
        if entry.role in ("row", "schedule", "cell"):
            continue
        short = len(text) <= MAX_ITEM_MEASURE_CHARS and "。" not in text
        if entry.role == "item" and _heads_kpi_table(section.body[at + 1:at + 2]):
            continue  # "◎施策の目標" over 指標 | 現状値 | 目標値: the table's caption
        if entry.role == "item" and (short or entry.label) and not background:
            # A numbered entry is the unit the plan itself counts, sentence or not; a
            # sentence that states (a definition, a fact, a duty, a request) commits to nothing.
            title = _TRAILING.sub("", text).strip()
            if len(title) >= MIN_MEASURE_CHARS and not states(title):
                how = "numbered_item" if entry.label else "list_item"
                measures.append(Measure(title, entry.span, entry.page, entry.label,
                                        evidence=[how]))
            continue
        if background or text.startswith(vocab().note_marks):
            continue  # a note (※…, *…) explains or qualifies; it commits to nothing
        heading = re.sub(r"\s", "", section.title or "")
        phrases = [m for m in prose_measures(text, entry.span[0], entry.page)
                   if re.sub(r"\s", "", m.title) not in heading]  # restates its heading
        measures.extend(phrases)
        for s, e in sentence_spans(text):  # a commitment no phrase names: its sentence does
            start, end = entry.span[0] + s, entry.span[0] + e
            if _commitment(text[s:e].strip()) and not any(
                    start <= m.span[0] < end for m in phrases):
                measures.append(Measure(text[s:e].strip(), (start, end), entry.page,
                                        evidence=["commitment_sentence"]))
    kept = _dedupe(measures)
    for target in kpis:  # a KPI table under the measures it measures
        if kept:
            kept[-1].set_target(target, "kpi_row")
    return kept, [] if kept else kpis


def _heads_kpi_table(following: list[Entry]) -> bool:
    """True when the entry that follows is the first cell of a KPI table (指標, 現状値, 目標値
    in its header or its text)."""
    v = vocab()
    words = v.indicator_columns + v.baseline_columns + v.goal_columns
    return any(e.role == "cell" and any(w in f"{e.column or ''}{e.text}" for w in words)
               for e in following)


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


def _has_actions(root: Section) -> bool:
    """True when the document has a table of actions: a row with a name column (事業名)."""
    v = vocab()
    return any(e.role == "cell" and names_actions(e.column, v.name_columns)
               for s in root.walk() for e in s.body)


def outline_measures(root: Section, has_plan: bool = True) -> dict[int, list[Measure]]:
    """Measures of every section, keyed by the section's id()."""
    out: dict[int, list[Measure]] = {id(s): [] for s in root.walk()}
    if not has_plan and not _has_actions(root):
        return out  # an adoption page, a judgment: nothing here commits to an action

    def visit(section: Section, background: bool, above: list[Measure]) -> None:
        if is_governance(section):
            return
        bg = background or is_background(section)
        out[id(section)], kpis = _section_measures(section, bg)
        if kpis and above:  # "施策の目標" under a measure's heading: its KPI table
            for target in kpis:
                above[-1].set_target(target, "kpi_row")
        for child in section.children:
            visit(child, bg, out[id(section)] or above)

    # The preamble before the first heading introduces, and commits to nothing, unless it
    # holds a table of actions under the document's title.
    out[id(root)] = [m for m in section_measures(root, True) if "table_name_column" in m.evidence]
    for child in root.children:
        visit(child, False, [])
    # A checklist or summary that restates measures word for word adds no new ones. Without
    # a plan, only the rows of a table of actions (事業名 …) are measures: the lists and prose
    # of a budget or a newsletter commit to nothing.
    stated: set[str] = set()
    for section in root.walk():
        kept = []
        for m in out[id(section)]:
            if not has_plan and "table_name_column" not in m.evidence:
                continue
            key = re.sub(r"\s", "", m.title)
            if key in stated:
                continue
            if "。" in key or len(key) > MAX_ITEM_MEASURE_CHARS // 2:
                stated.add(key)  # short names ("多様な主体との連携") may recur in two lists
            m.confidence = confidence(m.evidence)
            kept.append(m)
        out[id(section)] = kept
    return out
