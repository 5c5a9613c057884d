"""The real seed plans scored against the hand-checked gold (../shared/gold/docs/seed-*.json)."""

from __future__ import annotations

import json
import pytest

from extract.evaluate.docs import DocScore, evaluate, totals
from extract.pipeline import parse_file
from tests.conftest import shared_path

# Floors that only move up: the foundation issue's bar on the seed plans.
OUTLINE_F1 = 0.90
PLAN_PERIODS = 1.0
MEASURES_RECALL = 0.80
MEASURES_F1 = 0.70


@pytest.fixture(scope="module")
def seed_scores() -> list[DocScore]:
    gold = shared_path("gold", "docs")
    names = [p.stem for p in gold.glob("seed-*.json")]
    return evaluate(gold, parse_file, names)


@pytest.mark.corpus
def test_seed_outline_f1(seed_scores: list[DocScore]) -> None:
    total = totals(seed_scores).outline
    assert total is not None and total.f1 >= OUTLINE_F1, [s.misses["outline"] for s in seed_scores]


@pytest.mark.corpus
def test_seed_plan_periods(seed_scores: list[DocScore]) -> None:
    total = totals(seed_scores).plans
    assert total is not None and total.recall >= PLAN_PERIODS, [s.misses["plans"] for s in seed_scores]


@pytest.mark.corpus
def test_seed_measures(seed_scores: list[DocScore]) -> None:
    total = totals(seed_scores).measures
    assert total is not None
    assert total.recall >= MEASURES_RECALL, [s.misses["measures"] for s in seed_scores]
    assert total.f1 >= MEASURES_F1


@pytest.mark.corpus
def test_seed_no_boilerplate_and_all_content(seed_scores: list[DocScore]) -> None:
    for score in seed_scores:
        assert score.boilerplate == 0, (score.name, score.misses["boilerplate"])
        assert score.content is not None and score.content.recall == 1.0, score.misses["content"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["seed-000", "seed-002", "seed-004"])
def test_contact_block_becomes_metadata(name: str) -> None:
    gold = json.loads(shared_path("gold", "docs", f"{name}.json").read_text("utf-8"))
    doc = parse_file(shared_path(*gold["input"].split("/")))
    if name == "seed-004":  # an outline without a contact block: nothing invented
        assert doc.metadata.department is None and not doc.metadata.phone
        return
    assert doc.metadata.department and doc.metadata.phone
    assert all(p not in doc.text for p in doc.metadata.phone)
