"""`extract periods` and `extract eval --periods` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "periods" / "dev.jsonl"


def test_periods_command_writes_one_line_per_input_line() -> None:
    # hand-made fixture: a range, an empty line, a line with nothing about time
    result = CliRunner().invoke(app, ["periods"], input="平成18年から27年度まで\n\n第3期\n")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [
        {"expressions": [{"surface": "平成18年から27年度まで", "span": [0, 13],
                          "start": "FY2006", "end": "FY2015"}]},
        {"expressions": []},
        {"expressions": []},
    ]


def test_eval_periods_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--periods", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1
    assert "is not a file" in result.output


@pytest.mark.corpus
def test_eval_periods_json_scores_the_dev_file() -> None:
    if not DEV.is_file():
        pytest.skip(f"gold period sentences not found at {DEV} (../shared is absent)")
    result = CliRunner().invoke(app, ["eval", "--periods", str(DEV), "--json"])
    assert result.exit_code == 0
    periods = json.loads(result.stdout)["periods"]
    assert periods["gold"] == 274
    assert periods["recall"] >= 0.97 and periods["precision"] >= 0.97
