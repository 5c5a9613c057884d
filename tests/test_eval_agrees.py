"""`extract eval` agrees with the reference scorer (`../shared/gold/score.py`) on every gold file.

Each gold input is parsed once, written as `extract parse` writes it, and scored both ways."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract.evaluate.docs import score_json, summary
from extract.pipeline import parse_file, write_document
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gold_dir = shared_path("gold", "docs")
    out = tmp_path_factory.mktemp("gold-outputs")
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        write_document(parse_file(gold_dir.parent.parent / gold["input"]), out / path.name)
    return out


@pytest.mark.corpus
@pytest.mark.slow
def test_eval_agrees_with_the_reference_scorer_on_every_gold_file(outputs: Path) -> None:
    gold_dir = shared_path("gold", "docs")
    scorer = shared_path("gold", "score.py")
    ran = subprocess.run([sys.executable, str(scorer), "docs", str(gold_dir), str(outputs)],
                         capture_output=True, text=True, check=True)
    reference = json.loads(ran.stdout)
    ours = [score_json(p.stem, json.loads(p.read_text("utf-8")),
                       json.loads((outputs / p.name).read_text("utf-8")))
            for p in sorted(gold_dir.glob("*.json"))]
    for score in ours:
        ref = reference["per_doc"][score.name]
        if score.outline:
            o = score.outline
            assert (o.hit, o.gold, round(o.precision, 3), round(o.recall, 3), round(o.f1, 3)) == (
                ref["outline"]["hit"], ref["outline"]["gold"], ref["outline"]["p"],
                ref["outline"]["r"], ref["outline"]["f1"]), score.name
        if score.plans and score.plan_claims:
            assert (score.plans.hit, score.plans.gold) == (
                ref["plans"]["right"], ref["plans"]["gold"]), score.name
            assert (score.plan_claims.hit, score.plan_claims.found) == (
                ref["plans"]["dated_right"], ref["plans"]["dated_out"]), score.name
        if score.measures:
            assert round(score.measures.f1, 3) == ref["measures"]["f1"], score.name
            assert round(score.measures.recall, 3) == ref["measures"]["r"], score.name
        if score.content:
            assert round(score.content.recall, 3) == ref["content"], score.name
        assert score.boilerplate == ref.get("boilerplate"), score.name
        assert score.title == ref.get("title"), score.name
    expected = {k: v for k, v in reference["summary"].items() if k != "errors"}
    assert summary(ours) == expected
