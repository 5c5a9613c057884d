"""Word (.docx) reader: paragraphs and tables in body order to blocks.

1. headings   a paragraph styled 見出し N / Heading N, or with an outline level, is a heading
              of that level; the Title (表題) style is the document's title
2. numbering  Word writes list numbers (第1章, (1), ア) in numbering.xml, not in the text: they
              are counted here per list and level, and put before the paragraph's text so the
              outline reads the same markers it reads in a PDF or a page
3. tables     each row a table row, a cell merged across columns once
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extract.blocks import Block, BlockKind, ReadResult
from extract.errors import UnreadableInput
from extract.readers.office import DOCX, open_package
from extract.rules import load

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LEVEL_SLOT = re.compile(r"%([1-9])")
_STYLE_LEVEL = re.compile(r"^(?P<name>\D+?)\s*(?P<level>[1-9])$")
_KANJI_DIGITS = "〇一二三四五六七八九"


def format_number(value: int, fmt: str) -> str:
    """Return `value` written in a numbering format.

    3, "decimalFullWidth" → "３"; 12, "japaneseCounting" → "十二"; 2, "aiueoFullWidth" → "イ".
    """
    sequence: str | None = load("office_numbering")["sequences"].get(fmt)
    if sequence:
        return sequence[(value - 1) % len(sequence)]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(value))
    if fmt in ("japaneseCounting", "chineseCounting", "chineseCountingThousand"):
        return _kanji(value)
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    return str(value)  # decimal, decimalZero and formats we do not draw


def _kanji(value: int) -> str:
    """Return 1..9999 in kanji counting (十, 二十一, 百五)."""
    out = ""
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, value = divmod(value, unit)
        if digit:
            out += ("" if digit == 1 else _KANJI_DIGITS[digit]) + name
    return out + (_KANJI_DIGITS[value] if value else "") or "〇"


def _roman(value: int) -> str:
    out = ""
    for unit, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        while value >= unit:
            out, value = out + letters, value - unit
    return out


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str  # "%1." / "第%1章" / "(%2)"


@dataclass(slots=True)
class Numbering:
    """The list definitions of a document and the running count of every list."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # by numId, then ilvl
    counts: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, numbering_xml: Any | None) -> Numbering:
        """Return the definitions found in numbering.xml (its root element), if any."""
        found = cls()
        if numbering_xml is None:
            return found
        abstract: dict[str, dict[int, _Level]] = {}
        for definition in numbering_xml.iter(f"{_W}abstractNum"):
            abstract[definition.get(f"{_W}abstractNumId")] = {
                int(lvl.get(f"{_W}ilvl", "0")): _Level(
                    int(_val(lvl, "start") or 1), _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "")
                for lvl in definition.iter(f"{_W}lvl")}
        for num in numbering_xml.iter(f"{_W}num"):
            levels = dict(abstract.get(_val(num, "abstractNumId") or "", {}))
            for override in num.iter(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl", "0"))
                start = _val(override, "startOverride")
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = _Level(int(start), old.fmt, old.text)
            found.levels[num.get(f"{_W}numId")] = levels
        return found

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Count one more item of list `num_id` at `ilvl`; return its label ("(2)"), if drawn.

        A bullet has no label; a deeper level restarts when a shallower one counts on.
        """
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return None
        counts = self.counts.setdefault(num_id, [lv.start - 1 for _, lv in sorted(
            levels.items())] + [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, len(counts)):
            if deeper in levels:
                counts[deeper] = levels[deeper].start - 1
        level = levels[ilvl]
        if level.fmt in ("bullet", "none"):
            return None

        def slot(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            fmt = levels[k].fmt if k in levels else "decimal"
            return format_number(max(counts[k], 1), fmt)

        return _LEVEL_SLOT.sub(slot, level.text) or None


def _val(element: Any, tag: str) -> str | None:
    child = element.find(f"{_W}{tag}")
    return None if child is None else child.get(f"{_W}val")


def _style_chain(style: Any) -> list[Any]:
    chain: list[Any] = []
    while style is not None and len(chain) < 20:
        chain.append(style)
        style = style.base_style
    return chain


def _paragraph_props(paragraph: Any) -> tuple[int | None, str | None, int, bool]:
    """Return (heading level, numId, ilvl, is title) of a paragraph, its style chain included."""
    chain = _style_chain(paragraph.style)
    names = load("office_numbering")
    heading: int | None = None
    title = False
    for style in chain:
        name = (style.name or "").strip().lower()
        if name in names["title_styles"]:
            title = True
            break
        match = _STYLE_LEVEL.match(name)
        if match and match.group("name") in names["heading_styles"]:
            heading = int(match.group("level"))
            break
    num_id, ilvl = None, 0
    for element in [paragraph._p, *(s.element for s in chain)]:
        props = element.find(f"{_W}pPr")
        if props is None:
            continue
        outline = _val(props, "outlineLvl")
        if heading is None and outline is not None and outline.isdigit() and int(outline) < 9:
            heading = int(outline) + 1
        numbered = props.find(f"{_W}numPr")
        if numbered is not None and num_id is None:
            num_id = _val(numbered, "numId")
            ilvl = int(_val(numbered, "ilvl") or 0)
    return heading, num_id if num_id not in (None, "0") else None, ilvl, title


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split("\n")).strip()


def docx_to_blocks(data: bytes) -> ReadResult:
    """Return the blocks of a Word document, in body order."""
    import docx
    from docx.table import Table

    stream = open_package(data)
    try:
        document = docx.Document(stream)
        numbering_part = document.part.numbering_part
    except NotImplementedError:
        numbering_part = None  # a document without lists
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors...
        raise UnreadableInput(f"not a readable Word document: {type(error).__name__}: "
                              f"{error}") from None
    numbering = Numbering.of(numbering_part.element if numbering_part is not None else None)
    items = list(document.iter_inner_content())
    titled = any(_paragraph_props(p)[3] for p in items if not isinstance(p, Table))
    blocks: list[Block] = []
    title: str | None = None
    tables = 0
    for item in items:
        if isinstance(item, Table):
            blocks += _table_rows(item, tables)
            tables += 1
            continue
        text = _one_line(item.text)
        heading, num_id, ilvl, is_title = _paragraph_props(item)
        label = numbering.label(num_id, ilvl) if num_id else None
        if not text:
            continue
        bold = bool(item.runs) and all(run.bold for run in item.runs if run.text.strip())
        if is_title:
            title = title or text
            blocks.append(Block(BlockKind.HEADING, text, level=1, bold=bold))
        elif heading is not None:
            blocks.append(Block(BlockKind.HEADING, f"{label}{text}" if label else text,
                                level=heading + titled, bold=bold))
        elif num_id and label is None:
            blocks.append(Block(BlockKind.LIST_ITEM, text, level=ilvl + 1, bold=bold))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, f"{label}{text}" if label else text,
                                bold=bold))
    modified = document.core_properties.modified
    metadata: dict[str, str | list[str]] = {"updated": modified.date().isoformat()} \
        if modified else {}
    return ReadResult(blocks, DOCX, title=title, metadata=metadata)


def _table_rows(table: Any, index: int) -> list[Block]:
    """Return a table's rows as blocks; a cell spanning columns counts once."""
    rows: list[Block] = []
    for number, row in enumerate(table.rows):
        cells: list[str] = []
        seen: list[Any] = []  # the cell elements themselves: a merged cell repeats its own
        for cell in row.cells:
            if any(cell._tc is element for element in seen):
                continue
            seen.append(cell._tc)
            cells.append(_one_line(cell.text))
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            rows.append(Block(BlockKind.TABLE_ROW, "\t".join(cells), cells=tuple(cells),
                              table=index, row=len(rows), header=number == 0))
    return rows
