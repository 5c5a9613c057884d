"""Rows → table files: JSONL, CSV or Parquet, each with the columns declared in `rows.py`.

CSV cells: lists as JSON arrays, booleans as true/false, nothing as an empty cell. Parquet goes
through pyarrow (the `parquet` extra) with a schema built from the declared column types, so a
table with no rows still has its columns.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from extract.errors import InputError
from extract.export.rows import Column, Row, Value

FORMATS = ("jsonl", "csv", "parquet")


def iso(value: object) -> str:
    """Return a date as JSON has it (ISO 8601): `json.dumps`'s default for our rows."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column type")


def row_json(row: Row) -> str:
    """Return a row as one line of JSON, its cells in the declared order."""
    return json.dumps(row, ensure_ascii=False, default=iso)


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value.isoformat() if isinstance(value, date) else str(value)


class TableFile:
    """One table's file, written row by row (a nationwide export never holds all its rows)."""

    def __init__(self, path: Path, columns: list[Column]) -> None:
        self.path, self.columns = path, columns

    def write(self, row: Row, line: str | None = None) -> None:
        """Write a row; `line` is its JSON (`row_json`) when already made."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class JsonlFile(TableFile):
    def __init__(self, path: Path, columns: list[Column]) -> None:
        super().__init__(path, columns)
        self._out = path.open("w", encoding="utf-8")

    def write(self, row: Row, line: str | None = None) -> None:
        # Rows hold their table's columns in the declared order (rows._complete).
        self._out.write((line or row_json(row)) + "\n")

    def close(self) -> None:
        self._out.close()


class CsvFile(TableFile):
    def __init__(self, path: Path, columns: list[Column]) -> None:
        super().__init__(path, columns)
        # utf-8-sig: spreadsheet programs on Japanese Windows read UTF-8 CSV only with a BOM.
        self._out = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._out)
        self._csv.writerow([name for name, _ in columns])

    def write(self, row: Row, line: str | None = None) -> None:
        self._csv.writerow([_cell(row[name]) for name, _ in self.columns])

    def close(self) -> None:
        self._out.close()


PARQUET_ROW_GROUP = 50_000  # rows buffered per row group: bounded memory, few groups


class ParquetFile(TableFile):
    def __init__(self, path: Path, columns: list[Column]) -> None:
        import pyarrow.parquet as pq

        super().__init__(path, columns)
        self._schema = arrow_schema(columns)
        self._writer = pq.ParquetWriter(path, self._schema)
        self._buffer: list[Row] = []

    def write(self, row: Row, line: str | None = None) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= PARQUET_ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        self._writer.write_table(pa.Table.from_pylist(self._buffer, schema=self._schema))
        self._buffer = []

    def close(self) -> None:
        if self._buffer:
            self._flush()
        self._writer.close()


def arrow_schema(columns: list[Column]) -> Any:
    """Return the pyarrow schema of a table's declared columns."""
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "bool": pa.bool_(), "date": pa.date32(), "list": pa.list_(pa.string())}
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


FILES: dict[str, type[TableFile]] = {"jsonl": JsonlFile, "csv": CsvFile, "parquet": ParquetFile}


def check_format(name: str) -> None:
    """Raise a clear error when `name` is no format, or Parquet's library is missing."""
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    if name == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError("Parquet needs pyarrow: pip install 'extract[parquet]'") from None


def open_table(folder: Path, table: str, fmt: str, columns: list[Column]) -> TableFile:
    """Open the file of one table in `folder`, its name `<table>.<format>`."""
    return FILES[fmt](folder / f"{table}.{fmt}", columns)
