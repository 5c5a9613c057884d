"""Excel (.xlsx) reader: every visible sheet as a heading over its tables.

A sheet's name is a heading unless it is the default one (Sheet1, シート1). Its cells are read
as the values Excel last computed (formulas are not evaluated). A blank row ends a table, as a
blank line ends a paragraph; a row with a single filled cell is a line of text (a title, a
note), not a table row. A merged range's value stands in its first column on every row it
covers, so each row of a 施策 table keeps the 基本目標 merged down its side.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from extract.blocks import Block, BlockKind, ReadResult
from extract.errors import UnreadableInput
from extract.readers.office import XLSX, open_package

_DEFAULT_SHEET = re.compile(r"^(?:sheet|シート|ｼｰﾄ)\s*\d*$", re.IGNORECASE)


def cell_text(value: object, number_format: str = "General") -> str:
    """Return a cell's value as printed: 3.0 → "3", 0.25 with a % format → "25%"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in number_format:
            return f"{value * 100:.10g}%"
        return f"{value:.10g}" if isinstance(value, float) else str(value)
    return " ".join(str(value).split())


def sheet_rows(sheet: Any) -> list[list[str]]:
    """Return a sheet's rows as cell texts, merged ranges in their first column, empty
    columns dropped."""
    grid: dict[tuple[int, int], str] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and hasattr(cell, "column"):
                grid[cell.row, cell.column] = cell_text(cell.value, cell.number_format)
    for merged in sheet.merged_cells.ranges:
        value = grid.get((merged.min_row, merged.min_col), "")
        for r in range(merged.min_row, merged.max_row + 1):
            grid[r, merged.min_col] = value
    if not grid:
        return []
    columns = sorted({c for (_, c), text in grid.items() if text})
    last_row = max(r for r, _ in grid)
    return [[grid.get((r, c), "") for c in columns] for r in range(1, last_row + 1)]


def xlsx_to_blocks(data: bytes) -> ReadResult:
    """Return the blocks of an Excel workbook, sheet by sheet."""
    import openpyxl

    stream = open_package(data)
    try:
        # Not read_only: merged ranges are only known to a fully loaded sheet (the size cap
        # in open_package bounds what that costs).
        book = openpyxl.load_workbook(stream, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, ValueError, zip and XML errors
        raise UnreadableInput(f"not a readable Excel workbook: {type(error).__name__}: "
                              f"{error}") from None
    blocks: list[Block] = []
    tables = 0
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows = sheet_rows(sheet)
        if not any(any(row) for row in rows):
            continue
        if not _DEFAULT_SHEET.match(sheet.title.strip()):
            blocks.append(Block(BlockKind.HEADING, sheet.title.strip(), level=1))
        number = 0  # rows of the current table so far (0: no table open)
        for row in rows:
            cells = list(row)
            while cells and not cells[-1]:
                cells.pop()
            filled = [c for c in cells if c]
            if len(filled) <= 1:
                tables, number = tables + (number > 0), 0
                if filled:
                    blocks.append(Block(BlockKind.PARAGRAPH, filled[0]))
                continue
            blocks.append(Block(BlockKind.TABLE_ROW, "\t".join(cells), cells=tuple(cells),
                                table=tables, row=number, header=number == 0))
            number += 1
        tables += number > 0
    title = book.properties.title
    return ReadResult(blocks, XLSX, title=title.strip() if title and title.strip() else None)
