"""Rows → table files: JSONL, CSV or Parquet, each with the columns declared in `rows.py`.

CSV cells: lists as JSON arrays, booleans as true/false, nothing as an empty cell. Parquet goes
through pyarrow (the `parquet` extra) with a schema built from the declared column types, so a
table with no rows still has its columns.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
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


def write_jsonl(path: Path, columns: list[Column], rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:  # rows hold their table's columns in order (rows._complete)
            out.write(row_json(row))
            out.write("\n")


def write_csv(path: Path, columns: list[Column], rows: Iterable[Row]) -> None:
    # utf-8-sig: spreadsheet programs on Japanese Windows read UTF-8 CSV only with a BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([name for name, _ in columns])
        for row in rows:
            writer.writerow([_cell(row[name]) for name, _ in columns])


def arrow_schema(columns: list[Column]) -> Any:
    """Return the pyarrow schema of a table's declared columns."""
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "bool": pa.bool_(), "date": pa.date32(), "list": pa.list_(pa.string())}
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


def write_parquet(path: Path, columns: list[Column], rows: Iterable[Row]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=arrow_schema(columns))
    pq.write_table(table, path)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}


def check_format(name: str) -> None:
    """Raise a clear error when `name` is no format, or Parquet's library is missing."""
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    if name == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError("Parquet needs pyarrow: pip install 'extract[parquet]'") from None


def write_table(folder: Path, table: str, fmt: str, columns: list[Column],
                rows: Iterable[Row]) -> str:
    """Write one table into `folder`; return its file name."""
    name = f"{table}.{fmt}"
    WRITERS[fmt](folder / name, columns, rows)
    return name
