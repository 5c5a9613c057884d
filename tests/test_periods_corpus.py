"""The period engine against the hand-checked sentences of ../shared/gold/periods."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.evaluate.periods import report, score_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "gold" / "periods" / "dev.jsonl"

# Score floors; they only move up.
RECALL_FLOOR = 0.99
PRECISION_FLOOR = 0.99

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def dev_path() -> Path:
    if not DEV.is_file():
        pytest.skip(f"gold period sentences not found at {DEV} (../shared is absent)")
    return DEV


def test_dev_sentences_reach_the_floors(dev_path: Path) -> None:
    score = score_file(dev_path)
    assert score.gold == 274, "the dev file changed: review the floors"
    assert score.recall >= RECALL_FLOOR, report(score)
    assert score.precision >= PRECISION_FLOOR, report(score)


def test_negative_sentences_yield_nothing(dev_path: Path) -> None:
    score = score_file(dev_path)
    wrong = [s for s in score.sentences if s.form == "negative"]
    assert wrong == [], report(score)
