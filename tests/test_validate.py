"""`extract validate` on hand-edited documents: every problem named with its JSON path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from extract.pipeline import parse_bytes
from extract.validate import validate_json
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    doc = parse_bytes((SAMPLES / "000_a41e65aa208a94a2.txt").read_bytes(), uri="000.txt")
    data: dict[str, Any] = json.loads(doc.model_dump_json())
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    return [str(p) for p in validate_json(json.dumps(data, ensure_ascii=False))]


def test_extracted_document_is_valid(document: dict[str, Any]) -> None:
    assert _problems(document) == []


def test_unknown_key_is_named_with_its_path(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    edited["outline"][0]["children"][1]["titel"] = "typo"
    problems = _problems(edited)
    assert any(p.startswith("$.outline[0].children[1].titel") for p in problems), problems


def test_period_end_before_start_is_rejected(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    plan = next(p for p in edited["plans"] if p["period"])
    index = edited["plans"].index(plan)
    plan["period"]["start"], plan["period"]["end"] = "FY2015", "FY2006"
    problems = _problems(edited)
    assert any(p.startswith(f"$.plans[{index}].period") and "precedes" in p
               for p in problems), problems


def test_period_end_edited_without_its_date_is_flagged(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    index, plan = next((i, p) for i, p in enumerate(edited["plans"])
                       if p["period"] and p["period"].get("end_date"))
    plan["period"]["end"] = "FY2020"  # a reviewer moved the end and forgot end_date
    problems = _problems(edited)
    assert any(p.startswith(f"$.plans[{index}].period.end_date") and "FY2020" in p
               and "2021-03-31" in p for p in problems), problems


def test_period_start_date_edited_alone_is_flagged(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    index, plan = next((i, p) for i, p in enumerate(edited["plans"])
                       if p["period"] and p["period"].get("start_date"))
    plan["period"]["start_date"] = "2005-01-01"
    problems = _problems(edited)
    assert any(p.startswith(f"$.plans[{index}].period.start_date") for p in problems), problems


def test_duplicated_node_id_is_rejected(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    first = edited["outline"][0]["id"]
    edited["outline"][1]["children"][0]["id"] = first
    problems = _problems(edited)
    assert any(p.startswith("$.outline[1].children[0].id") and "duplicate" in p
               for p in problems), problems


def test_every_problem_is_reported_not_only_the_first(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    edited["outline"][0]["extra"] = 1
    edited["plans"][0]["role"] = "boss"
    assert len(_problems(edited)) >= 2


def test_span_outside_text_and_missing_parent(document: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(document))
    edited["outline"][0]["source"]["end"] = len(edited["text"]) + 10
    edited["plans"][1]["parent_id"] = "p-nowhere"
    problems = _problems(edited)
    assert any("$.outline[0].source" in p for p in problems), problems
    assert any("$.plans[1].parent_id" in p for p in problems), problems


def test_cli_exit_codes(document: dict[str, Any], tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    bad = tmp_path / "bad.json"
    edited = json.loads(json.dumps(document))
    edited["unknown"] = True
    bad.write_text(json.dumps(edited, ensure_ascii=False), "utf-8")
    ok = subprocess.run([sys.executable, "-m", "extract", "validate", str(good)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    fail = subprocess.run([sys.executable, "-m", "extract", "validate", str(good), str(bad)],
                          capture_output=True, text=True)
    assert fail.returncode == 1
    assert "$.unknown" in fail.stdout


def test_pipeline_reports_its_own_invalid_output(document: dict[str, Any]) -> None:
    from extract.pipeline import flag_invalid
    from extract.schema import Document

    doc = Document.model_validate(document)
    broken = doc.model_copy(update={"outline": [doc.outline[0], doc.outline[0]]})
    flagged = flag_invalid(broken)
    assert flagged.status.value == "partial"
    assert any(i.code == "invalid_output" and "duplicate" in i.message for i in flagged.issues)
    assert flag_invalid(doc) is doc
