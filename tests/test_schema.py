"""The committed JSON Schema is the one the models produce."""

from __future__ import annotations

import json
import subprocess
import sys

from extract.schema import Document
from tests.conftest import ROOT

SCHEMA_FILE = ROOT / "schema" / "document.schema.json"


def test_committed_schema_is_in_sync() -> None:
    committed = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert committed == Document.model_json_schema(), (
        "schema/document.schema.json is stale: run `extract schema > schema/document.schema.json`"
    )


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; from typer.testing import CliRunner; from extract.cli import app; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; "
            "heavy = [m for m in ('sudachipy', 'pdfplumber', 'pydantic', 'bs4')"
            " if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
