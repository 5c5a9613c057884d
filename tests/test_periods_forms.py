"""The period engine form by form, on hand-made sentences, and the schema's view of its output.

`tests/fixtures/periods/forms.jsonl` is hand-made: one sentence per line, each written for
one form of the period engine (ranges, points, lengths, recurrences) or for a trap that must
yield nothing (ordinals, era year 0, counts), in the gold file format with a `form` class.
`bench/periods.py --gold tests/fixtures/periods/forms.jsonl` scores ja-timex on the same lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extract.periods import expr_to_json, find_periods
from extract.schema import Period

FORMS = Path(__file__).parent / "fixtures" / "periods" / "forms.jsonl"
ROWS: list[dict[str, Any]] = [json.loads(line) for line in FORMS.read_text("utf-8").splitlines()]
_KEYS = ("surface", "start", "end", "duration", "every")


def _expressions(text: str) -> list[dict[str, Any]]:
    """Return the engine's expressions of `text` with the keys the fixture gives."""
    return [{k: v for k, v in expr_to_json(e).items() if k in _KEYS} for e in find_periods(text)]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['form']}:{r['text'][:20]}" for r in ROWS])
def test_form_sentence(row: dict[str, Any]) -> None:
    assert _expressions(row["text"]) == row["expressions"]


def test_every_form_class_has_positives_and_negatives() -> None:
    for form in ("range", "point", "duration", "every"):
        rows = [r for r in ROWS if r["form"] == form]
        assert any(r["expressions"] for r in rows), form
        assert any(not r["expressions"] for r in rows), form
    assert all(not r["expressions"] for r in ROWS if r["form"] == "trap")


@pytest.mark.parametrize("text", [r["text"] for r in ROWS if r["expressions"]])
def test_schema_accepts_every_value_emitted(text: str) -> None:
    for e in find_periods(text):
        Period(text=e.surface, start=e.start, end=e.end, duration=e.duration, every=e.every)


@pytest.mark.parametrize(("text", "want"), [
    # hand-made: the same value whatever the width or numerals it is printed in
    ("２０２１／７／１８", "2021-07-18"),
    ("令和３－７－１８", "2021-07-18"),
    ("二〇二一年七月十八日", "2021-07-18"),
    ("令和三年七月十八日", "2021-07-18"),
])
def test_same_date_in_other_print(text: str, want: str) -> None:
    (e,) = find_periods(text)
    assert (e.start, e.end) == (want, want)


@pytest.mark.parametrize(("text", "want"), [
    # hand-made: a bare two-digit year is read as 20NN up to 30, else needs its era
    ("15年度の実績", "FY2015"),
    ("30年度の見込み", "FY2030"),
    ("平成29年度の実績と31年度の見込み", "FY2019"),
])
def test_bare_two_digit_year(text: str, want: str) -> None:
    assert find_periods(text)[-1].start == want


def test_bare_year_above_thirty_needs_an_era() -> None:
    assert find_periods("31年度の見込み") == []  # hand-made
