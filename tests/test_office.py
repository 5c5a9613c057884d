"""Word and Excel readers on documents made here with python-docx and openpyxl.

The .docx and .xlsx files are hand-made at test time: their text is the real seed plan of
../shared/corpus/seeds (つくばみらい市's 行財政改革 outline and its tab-separated tables), laid out
the way offices write such plans (heading styles, Word list numbering, tables, merged cells).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from extract.blocks import BlockKind
from extract.pipeline import parse_bytes
from extract.readers import read, sniff_media_type
from extract.readers.office import DOC, DOCX, MAX_ENTRIES, MAX_UNCOMPRESSED, XLS, XLSX
from extract.readers.office_docx import format_number
from extract.readers.office_xlsx import cell_text
from extract.schema import NodeKind, walk
from tests.conftest import shared_path

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")


def seed_lines() -> list[str]:
    """The lines of the seed plan with an outline and tables (tab-separated rows)."""
    seeds = sorted(shared_path("corpus", "seeds").glob("004_*.txt"))
    return [line for line in seeds[0].read_text("utf-8").splitlines() if line.strip()]


def seed_table() -> list[list[str]]:
    """The first run of tab-separated rows of the seed, as cells."""
    rows: list[list[str]] = []
    for line in seed_lines():
        if "\t" in line:
            rows.append([c.strip() for c in line.split("\t")])
        elif rows:
            break
    return rows


def make_docx(lines: list[str], table: list[list[str]]) -> bytes:
    """A Word file: the seed's first line as Title, its "- (1)…" items as numbered lists
    under Heading 1 items, the table as a Word table."""
    document = docx.Document()
    document.add_paragraph(lines[0], style="Title")
    for line in lines[1:40]:
        if "\t" in line:
            continue
        if line.startswith("- ") and line[2:3].isdigit():
            # "- 1. はじめに": the number is Word's own, drawn from numbering.xml
            document.add_paragraph(line[2:].split(" ", 1)[-1], style="Heading 1")
        elif line.startswith("- (") and ")" in line:
            document.add_paragraph(line[line.index(")") + 1:], style="List Number")
        else:
            document.add_paragraph(line)
    grid = document.add_table(rows=len(table), cols=max(len(r) for r in table))
    for r, row in enumerate(table):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text
    merged = document.add_table(rows=2, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "基本テーマ"
    for c, text in enumerate(("区分", "取組", "担当課")):
        merged.cell(1, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _element(tag: str, **attributes: str) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement(f"w:{tag}")
    for key, value in attributes.items():
        element.set(f"{_W}{key}", value)
    return element


def number_headings(document: Any) -> None:
    """Give Heading 1 and 2 Word's outline numbering "第%1章" / "(%2)", as a multilevel list
    linked to the heading styles (the way offices number their plans' chapters)."""
    numbering = document.part.numbering_part.element
    abstract = _element("abstractNum", abstractNumId="90")
    for ilvl, (fmt, text) in enumerate((("decimalFullWidth", "第%1章"), ("decimal", "(%2)"))):
        level = _element("lvl", ilvl=str(ilvl))
        for tag, value in (("start", "1"), ("numFmt", fmt), ("lvlText", text)):
            level.append(_element(tag, val=value))
        abstract.append(level)
    numbering.find(f"{_W}num").addprevious(abstract)  # abstract definitions come first
    num = _element("num", numId="90")
    num.append(_element("abstractNumId", val="90"))
    numbering.append(num)
    for ilvl, name in enumerate(("Heading 1", "Heading 2")):
        props = document.styles[name].element.get_or_add_pPr()
        numbered = _element("numPr")
        numbered.append(_element("ilvl", val=str(ilvl)))
        numbered.append(_element("numId", val="90"))
        props.insert(0, numbered)


def test_docx_heading_numbers_come_from_word_numbering_and_nest_the_outline() -> None:
    document = docx.Document()
    number_headings(document)
    for line in seed_lines()[2:26]:  # the seed's table of contents: "- 2. …", "- (1) …"
        if line.startswith("- ") and line[2:3].isdigit():
            document.add_paragraph(line[2:].split(" ", 1)[-1], style="Heading 1")
        elif line.startswith("- (") and ")" in line:
            document.add_paragraph(line[line.index(")") + 1:], style="Heading 2")
    buffer = io.BytesIO()
    document.save(buffer)
    blocks = read(buffer.getvalue(), name="plan.docx").blocks
    texts = [b.text for b in blocks]
    assert texts[:4] == ["第１章はじめに", "第２章市の行財政の状況", "(1)行政の状況",
                         "(2)財政の状況"]
    chapter3 = texts.index("第３章行財政改革の基本的な考え方")
    assert texts[chapter3 + 1] == "(1)みらい改革プランの位置付け"  # restarted under it
    doc = parse_bytes(buffer.getvalue(), uri="plan.docx")
    chapters = {n.title: n for n in doc.outline if n.kind is NodeKind.SECTION}
    assert chapters["市の行財政の状況"].label == "第2章"
    assert [c.title for c in chapters["市の行財政の状況"].children][:2] == ["行政の状況",
                                                                        "財政の状況"]


def make_xlsx(table: list[list[str]]) -> bytes:
    """An Excel file: a titled sheet with a caption line, the seed table with its first column
    merged down over two rows, and a default-named second sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "アクションプラン"
    sheet["A1"] = "行財政改革実施計画"
    for r, row in enumerate(table, start=3):
        for c, text in enumerate(row, start=1):
            sheet.cell(r, c, text)
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    sheet.cell(len(table) + 4, 1, "目標値")
    sheet.cell(len(table) + 4, 2, 0.25).number_format = "0%"
    sheet.cell(len(table) + 4, 3, 12.0)
    other = book.create_sheet("Sheet2")
    other["B2"] = "推進期間"
    other["C2"] = "令和4年度から令和8年度まで"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def word() -> bytes:
    return make_docx(seed_lines(), seed_table())


@pytest.fixture(scope="module")
def excel() -> bytes:
    return make_xlsx(seed_table())


def test_docx_is_sniffed_by_its_bytes_whatever_it_is_called(word: bytes) -> None:
    assert sniff_media_type(word) == DOCX
    assert sniff_media_type(word, "plan.bin", "application/octet-stream") == DOCX


def test_docx_headings_come_from_styles_and_list_numbers_from_numbering(word: bytes) -> None:
    result = read(word, name="plan.docx")
    lines = seed_lines()
    assert result.title == lines[0]
    headings = [b for b in result.blocks if b.kind is BlockKind.HEADING]
    assert headings[0].text == lines[0] and headings[0].level == 1
    chapters = [b.text for b in headings[1:]]
    assert chapters[:2] == ["はじめに", "市の行財政の状況"]
    assert {b.level for b in headings[1:]} == {2}  # Heading 1 under the Title
    numbered = [b.text for b in result.blocks if b.kind is BlockKind.PARAGRAPH
                and b.text[:1].isdigit()]
    # "List Number" draws "%1." and counts on across the whole list
    assert numbered[:3] == ["1.行政の状況", "2.財政の状況", "3.社会変化の状況"]


def test_docx_tables_are_rows_and_a_merged_cell_counts_once(word: bytes) -> None:
    rows = [b for b in read(word, name="plan.docx").blocks if b.kind is BlockKind.TABLE_ROW]
    table = seed_table()
    first = [b for b in rows if b.table == 0]
    assert [list(b.cells) for b in first] == [[c for c in r] for r in table]
    assert first[0].header and not first[1].header
    merged = [b.cells for b in rows if b.table == 1]
    assert merged == [("基本テーマ",), ("区分", "取組", "担当課")]


def test_docx_goes_through_the_pipeline_to_an_outline(word: bytes) -> None:
    doc = parse_bytes(word, uri="https://example.jp/plan.docx")
    assert doc.status.value in ("ok", "partial") and doc.source.media_type == DOCX
    titles = [n.title for n in walk(doc.outline) if n.kind is NodeKind.SECTION]
    assert "はじめに" in titles and "市の行財政の状況" in titles


def test_xlsx_sheets_are_headings_over_tables_with_merged_cells_filled_down(
        excel: bytes) -> None:
    result = read(excel, name="plan.xlsx")
    assert sniff_media_type(excel) == XLSX
    kinds = [(b.kind, b.text) for b in result.blocks[:2]]
    assert kinds == [(BlockKind.HEADING, "アクションプラン"),
                     (BlockKind.PARAGRAPH, "行財政改革実施計画")]
    table = seed_table()
    rows = [b for b in result.blocks if b.kind is BlockKind.TABLE_ROW and b.table == 0]
    assert rows[0].cells[0] == rows[1].cells[0] == table[0][0]  # merged down two rows
    assert rows[0].header and rows[2].cells == tuple(table[2])
    last = [b for b in result.blocks if b.kind is BlockKind.TABLE_ROW][-2]
    assert last.cells == ("目標値", "25%", "12")
    # "Sheet2" is no heading; its one row is a table of two cells
    assert result.blocks[-1].cells == ("推進期間", "令和4年度から令和8年度まで")
    assert not any(b.text == "Sheet2" for b in result.blocks)


def test_xlsx_goes_through_the_pipeline(excel: bytes) -> None:
    doc = parse_bytes(excel, uri="plan.xlsx")
    assert doc.status.value in ("ok", "partial") and doc.source.media_type == XLSX
    assert seed_table()[1][1] in doc.text


def test_number_formats_and_cell_values() -> None:
    assert [format_number(n, "decimalFullWidth") for n in (3, 12)] == ["３", "１２"]
    assert [format_number(n, "japaneseCounting") for n in (1, 10, 12, 20, 105)] == [
        "一", "十", "十二", "二十", "百五"]
    assert [format_number(n, "aiueoFullWidth") for n in (1, 2)] == ["ア", "イ"]
    assert format_number(4, "upperRoman") == "IV" and format_number(2, "decimalEnclosedCircle") \
        == "②"
    assert cell_text(3.0) == "3" and cell_text(0.1 + 0.2) == "0.3" and cell_text(None) == ""


def hand_made_ole2(stream: str) -> bytes:
    """A hand-made compound-file header with one directory entry named `stream`: the bytes
    by which .doc and .xls files are told apart (no library here writes those formats)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = stream.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    return header + entry + bytes(512 - len(entry))


@pytest.mark.parametrize(("stream", "name", "media_type"), [
    ("WordDocument", "plan.doc", DOC), ("Workbook", "plan.xls", XLS),
    ("WordDocument", "download.php", DOC)])
def test_old_binary_office_files_are_unsupported_with_their_media_type(
        stream: str, name: str, media_type: str) -> None:
    doc = parse_bytes(hand_made_ole2(stream), uri=name)
    assert doc.status.value == "failed"
    assert doc.source.media_type == media_type
    assert [i.code for i in doc.issues] == ["unsupported_format"]


def test_a_web_page_saved_as_xls_is_read_as_the_page_it_is() -> None:
    page = "<html><body><h1>事業一覧</h1><p>令和6年度の取組</p></body></html>".encode()
    assert sniff_media_type(page, "list.xls") == "text/html"


def test_broken_docx_is_unreadable_not_a_crash(word: bytes) -> None:
    doc = parse_bytes(word[: len(word) // 2], uri="plan.docx")
    assert doc.status.value == "failed" and doc.issues[0].code == "unreadable"


def _bomb_entries(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<w:document/>")
        for n in range(MAX_ENTRIES + 1):
            package.writestr(f"word/media/e{n}.xml", "")


def _bomb_size(path: Path) -> None:
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(MAX_UNCOMPRESSED // len(chunk) + 1):
                entry.write(chunk)


@pytest.mark.slow
@pytest.mark.parametrize("build", [_bomb_entries, _bomb_size], ids=["entries", "size"])
def test_zip_bombs_are_refused_before_inflating(build: object, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    build(bomb)  # type: ignore[operator]
    data = bomb.read_bytes()
    assert len(data) < MAX_UNCOMPRESSED // 100  # small on disk, huge inflated or many parts
    doc = parse_bytes(data, uri="bomb.docx")
    assert doc.status.value == "failed"
    assert [i.code for i in doc.issues] == ["zip_bomb"]
