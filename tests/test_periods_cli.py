"""`extract periods` and `extract eval --periods` through the command line."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.evaluate.periods import read_sentences, score_sentences
from extract.periods import TimeExpr, expr_to_json, find_periods
from tests.conftest import shared_path

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
    assert periods["recall"] >= 0.99 and periods["precision"] >= 0.99


def _reference(gold: Path, pred_lines: list[str], tmp_path: Path) -> dict[str, float]:
    """Return the reference scorer's figures for predicted JSON lines."""
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(line + "\n" for line in pred_lines), encoding="utf-8")
    scorer = shared_path("gold", "score.py")
    out = subprocess.run([sys.executable, str(scorer), "periods", str(gold), str(pred)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.corpus
def test_eval_periods_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    gold = shared_path("gold", "periods", "dev.jsonl")
    texts = [row["text"] for row in read_sentences(gold)]
    result = CliRunner().invoke(app, ["periods"], input="".join(t + "\n" for t in texts))
    assert result.exit_code == 0
    reference = _reference(gold, result.stdout.splitlines(), tmp_path)
    ours = json.loads(CliRunner().invoke(
        app, ["eval", "--periods", str(gold), "--json"]).stdout)["periods"]
    assert (ours["recall"], ours["precision"]) == pytest.approx(
        (reference["recall"], reference["precision"]), abs=5e-4)


@pytest.mark.corpus
def test_scorers_agree_on_a_damaged_prediction(tmp_path: Path) -> None:
    # every third range gets a wrong end and every fifth is dropped, so recall and
    # precision both fall and the two scorers must fall alike
    gold = shared_path("gold", "periods", "dev.jsonl")
    rows = read_sentences(gold)
    count = 0

    def damaged(text: str) -> list[TimeExpr]:
        nonlocal count
        kept = []
        for e in find_periods(text):
            count += 1
            if count % 5 == 0:
                continue
            wrong = count % 3 == 0 and e.duration is None and e.every is None
            kept.append(dataclasses.replace(e, end="1900") if wrong else e)
        return kept

    lines = [json.dumps({"expressions": [expr_to_json(e) for e in damaged(r["text"])]},
                        ensure_ascii=False) for r in rows]
    count = 0
    ours = score_sentences(rows, damaged)
    reference = _reference(gold, lines, tmp_path)
    assert ours.recall < 0.9
    assert (ours.recall, ours.precision) == pytest.approx(
        (reference["recall"], reference["precision"]), abs=5e-4)
