"""Measures from table rows: the action cell by its column (事業名, 施策, 取組 …), with the row's
number (番号), responsible departments (担当課, 所管課, 推進者 …) and KPI cells (指標, 現状値,
目標値, 目標年度) as its target. A row that only holds a KPI belongs to the measure above it."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from extract.measures.predicate import states
from extract.measures.record import Measure
from extract.measures.targets import kpi_target
from extract.measures.vocab import vocab
from extract.schema import Target
from extract.structure.outline import UNIT_LABEL, Entry, is_sentence, letters

# A cell shorter than this is a mark or a code, not an action.
MIN_CELL_CHARS = 3
# A name needs letters: "92.21" under 事業名 is a figure of a form's second header row.
MIN_NAME_LETTERS = 2
# A row more than half figures is data, whatever its first cell says.
MAX_NUMERIC_SHARE = 0.5
_FIGURE = re.compile(r"[\s\d.,%△▲()+\-－―]*")
_YEARISH = re.compile(r"[\s\d年度令和平成.~〜→←○●◎・-]*")
_CELL_SPLIT = re.compile(r"\s*[/／]\s*|\n")
_TRAILING = re.compile(r"(?:など|等|ほか)$")
# A line break after a particle is inside a phrase: the cell was wrapped, not listed.
_RUN_ON = re.compile(r"(?<=[をがのにとへでや])\n")


def _column_is(column: str | None, words: tuple[str, ...]) -> bool:
    return column is not None and any(w in column for w in words)


def names_actions(column: str | None, words: tuple[str, ...]) -> bool:
    """True when a column header names the actions: "事業名", "推進施策", "主な事業内容"; not
    a word inside a compound about something else: "事業所名" (a place), "事業費" (a cost)."""
    if column is None:
        return False
    compounds = vocab().column_compounds
    for w in words:
        at = column.find(w) if w else -1
        while at >= 0:
            if not column.startswith(compounds, at + len(w)):
                return True
            at = column.find(w, at + len(w))
    return False


def _names(cell: str) -> list[str]:
    """Departments or posts listed in a cell: "総務課長\\n所属長" → [総務課長, 所属長]."""
    joined = re.sub(r"(?<=[^\s、,・/／])\n(?=[課室係部局])", "", cell)  # 子育て支援\n課
    return [n for n in re.split(r"[\n、,・/／\s]+", joined) if n]


def _numeric_share(row: list[Entry]) -> float:
    """Share of a row's cells that are figures ("28,918", "-", "76.78")."""
    cells = [c.text for c in row if c.text.strip()]
    return sum(bool(_FIGURE.fullmatch(c)) for c in cells) / len(cells) if cells else 0.0


def _cell_measures(entry: Entry, label: str | None) -> list[Measure]:
    """The measures a table cell names: one sentence, or names split on "/" and line ends;
    a line ending in a particle runs on ("高齢者がスマートフォンを\n使える講座の開催" is one)."""
    if "。" in entry.text:
        return [Measure(entry.text, entry.span, entry.page, label)]
    measures: list[Measure] = []
    kept = [i for i in range(len(entry.text)) if not _RUN_ON.match(entry.text, i)]
    joined = "".join(entry.text[i] for i in kept)  # kept[j]: where joined[j] was printed
    at = 0
    for part in _CELL_SPLIT.split(joined):
        at = joined.find(part, at)
        name = _TRAILING.sub("", part.strip())
        if len(name) >= MIN_CELL_CHARS:
            first = at + part.find(name)
            span = (entry.span[0] + kept[first], entry.span[0] + kept[first + len(name) - 1] + 1)
            measures.append(Measure(name, span, entry.page, label))
        at += len(part)
    return measures


def _not_measure_columns() -> tuple[str, ...]:
    v = vocab()
    return (v.responsible_columns + v.target_columns + v.indicator_columns + v.baseline_columns
            + v.year_columns + v.label_columns)


def _row_measures(row: list[Entry], sentences: bool, labels: bool) -> list[Measure]:
    v = vocab()
    label = next((c.text.strip() for c in row if _column_is(c.column, v.label_columns)
                  and c.text.strip()), None)
    named = [c for c in row if names_actions(c.column, v.name_columns)]
    if named:  # 事業名 beside 主な事業内容: the name is the measure, the rest describes it
        return [m for c in named for m in _cell_measures(c, label or c.label)
                if _note(m, "table_name_column")]
    if _numeric_share(row) > MAX_NUMERIC_SHARE:
        return []  # a row of figures (a budget line), not of actions
    out: list[Measure] = []
    for cell in row:
        text = cell.text
        if text.startswith("(") and text.endswith(")"):
            continue  # an annotation of the row, not an item
        if _column_is(cell.column, _not_measure_columns()):
            continue
        if _YEARISH.fullmatch(text) or len(text) < MIN_CELL_CHARS:
            continue  # a year or a mark (○, →) in a schedule
        how = ("table_measure_column" if names_actions(cell.column, v.measure_columns)
               else "table_label" if cell.label and labels
               else "table_sentence" if sentences and is_sentence(text) and not states(text)
               else None)
        if how is not None:
            out += [m for m in _cell_measures(cell, cell.label) if _note(m, how)]
    return out


def _note(measure: Measure, how: str) -> bool:
    measure.evidence.append(how)
    return True


_NOTE_CELL = re.compile(r"\(.*\)")


def _headed(rows: list[list[Entry]]) -> list[list[Entry]]:
    """Rows with their column headers: a KPI table whose header row the reader did not mark
    (指標 | 現状値 | 目標値, then "(KPI) | (2014年度) | (2019年度)") gets it from its first rows,
    each cell named by the header above it; other tables are left as they are."""
    if not rows:
        return rows
    words = vocab().indicator_columns + vocab().baseline_columns + vocab().goal_columns
    marked = all(c.column is not None for c in rows[0])
    header = [c.column or "" for c in rows[0]] if marked else [c.text for c in rows[0]]
    if not any(w in h for h in header for w in words):
        return rows
    body = rows if marked else rows[1:]
    while body and len(body[0]) == len(header) and all(
            _NOTE_CELL.fullmatch(c.text) for c in body[0]):
        header = [h + c.text for h, c in zip(header, body[0], strict=True)]  # 目標値(2019年度)
        body = body[1:]
    return [[replace(c, column=h) for c, h in zip(row, header, strict=True)]
            if len(row) == len(header) else row for row in body]


def table_measures(cells: list[Entry], sentences: bool,
                   labels: bool = True) -> tuple[list[Measure], list[Target]]:
    """Measures of a section's table cells, row by row, and the KPI targets of rows that name
    no measure of their own (they belong to the measure above the table)."""
    v = vocab()
    rows: dict[tuple[int, int] | None, list[Entry]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append(cell)
    measures: list[Measure] = []
    orphans: list[Target] = []
    counted = _tables_of_figures(rows)
    for row in _headed(list(rows.values())):
        responsible = [n for c in row if _column_is(c.column, v.responsible_columns)
                       for n in _names(c.text)]
        printed = next((c.text for c in row if _column_is(c.column, v.target_columns)), None)
        kpi = kpi_target({c.column or "": c.text for c in row})
        table = row[0].row[0] if row and row[0].row is not None else None
        found = _row_measures(row, sentences, labels and table not in counted)
        if not found and kpi is not None:
            orphans.append(kpi)
        for m in found:
            if responsible:
                m.responsible = list(responsible)
                m.evidence.append("responsible_column")
            if kpi is not None:
                m.set_target(kpi, "kpi_row")
            elif printed is not None:
                m.target = printed
        measures += found
    return _without_form_fields(measures, rows), orphans


def _tables_of_figures(rows: dict[tuple[int, int] | None, list[Entry]]) -> set[int]:
    """Tables most of whose rows print a figure (an amount, a count): their numbered row labels
    (1.雑収益, 9.役務費) name lines of a budget or a statistic, not actions."""
    per_table: dict[int, list[bool]] = {}
    for key, row in rows.items():
        if key is not None:
            per_table.setdefault(key[0], []).append(
                any(_FIGURE.fullmatch(c.text) and any(ch.isdigit() for ch in c.text)
                    for c in row))
    return {table for table, figures in per_table.items()
            if sum(figures) > len(figures) * MAX_NUMERIC_SHARE}


def _without_form_fields(measures: list[Measure],
                         rows: dict[tuple[int, int] | None, list[Entry]]) -> list[Measure]:
    """`measures` less the name of a table that names one row only: "事業名 | 簡易水道事業"
    beside 業種名 and 類似団体区分 is a form's field saying which undertaking the form is
    about, not a list of the actions a plan commits to."""
    cells = sorted((c.span[0], key) for key, row in rows.items() if key is not None
                   for c in row)
    starts = [start for start, _ in cells]

    def row_of(m: Measure) -> tuple[int, int] | None:
        at = bisect_right(starts, m.span[0]) - 1
        return cells[at][1] if at >= 0 else None

    named: dict[int, set[tuple[int, int]]] = {}
    for m in measures:
        key = row_of(m)
        if ("table_name_column" in m.evidence and key is not None
                and letters(m.title) >= MIN_NAME_LETTERS and not UNIT_LABEL.search(m.title)):
            named.setdefault(key[0], set()).add(key)
    single = {table for table, keys in named.items() if len(keys) == 1}
    return [m for m in measures if not ("table_name_column" in m.evidence
                                        and (row_of(m) or (-1, -1))[0] in single)]
