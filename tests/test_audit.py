"""`extract audit`: checks that need no gold, on hand-made documents written for each check and
on every document of the real corpus."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.evaluate import audit as audit_module
from extract.evaluate.audit import audit
from tests.conftest import shared_path


def _section(title: str, label: str | None = None, text: str = "",
             children: list[dict[str, object]] | None = None,
             page: int | None = None) -> dict[str, object]:
    return {"kind": "section", "label": label, "title": title, "text": text,
            "children": children or [],
            "source": {"page": page, "start": 0, "end": 0} if page else None}


def _checks(doc: dict[str, object]) -> dict[str, str]:
    return {f.check: f.level for f in audit(doc)}


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(audit_module).failed == 0


def test_a_document_whose_lines_all_belong_to_a_node_is_clean() -> None:
    # Hand-made: a heading line and its body, every line owned once.
    text = "1 目的\n本計画は事務の効率化を目的とする。"
    doc = {"text": text, "title": "事務改善計画",
           "outline": [{**_section("目的", "1", "本計画は事務の効率化を目的とする。"),
                        "source": {"start": 0, "end": 4}}]}
    assert audit(doc) == []


def test_most_of_the_text_in_no_node_is_an_error_and_a_little_a_warning() -> None:
    body = "".join(f"第{i}行の本文です。\n" for i in range(40))
    doc = {"text": "見出し\n" + body, "outline": [{**_section("見出し", text=body),
                                                  "source": {"start": 0, "end": 3}}]}
    assert "uncovered_text" not in _checks(doc)
    doc["outline"][0]["text"] = ""  # type: ignore[index]
    assert _checks(doc)["uncovered_text"] == "error"
    doc["outline"][0]["text"] = "\n".join(body.splitlines()[:-1])  # type: ignore[index]
    assert _checks(doc)["uncovered_text"] == "warning"


def test_a_line_in_two_nodes_is_covered_twice() -> None:
    line = "この一文は二つの見出しの下に置かれている。"
    twice = [_section("一", text=line), _section("二", text=line)]
    doc = {"text": line, "outline": twice}
    assert "text_covered_twice" in _checks(doc)



def test_a_row_whose_first_cell_heads_a_node_and_the_rest_is_its_text_is_covered() -> None:
    # Hand-made: a table row "1 職員研修 | 年2回実施する | 総務課" made a node, its first cell the
    # heading and the other cells the node's text; nothing else holds the row.
    row = "1 職員研修\t年2回実施する\t総務課"
    doc = {"text": row, "outline": [{**_section("職員研修", "1", "年2回実施する\t総務課"),
                                     "source": {"start": 0, "end": 6}}]}
    assert "uncovered_text" not in _checks(doc)
    doc["outline"][0]["text"] = "総務課"  # type: ignore[index]
    assert "uncovered_text" in _checks(doc)


def test_a_line_the_text_prints_twice_across_a_line_break_is_not_covered_twice() -> None:
    # Hand-made: one address printed on one line, then again broken over two lines.
    text = "案内\nhttps://example.jp/map/\n英語版\nhttps://example.jp/\nmap/en.html"
    doc = {"text": text, "outline": [
        {**_section("案内", text="https://example.jp/map/"), "source": {"start": 0, "end": 2}},
        {**_section("英語版", text="https://example.jp/\nmap/en.html"),
         "source": {"start": 27, "end": 30}}]}
    assert text[27:30] == "英語版"
    assert "text_covered_twice" not in _checks(doc)
    doc["outline"].append(_section("再掲", text="https://example.jp/map/"))  # type: ignore[attr-defined]
    assert "text_covered_twice" in _checks(doc)

def test_a_heading_whose_body_repeats_its_words_is_not_covered_twice() -> None:
    # Hand-made: a contents entry, the numbered heading it names, and a body sentence opening
    # with the heading's words; the label belongs to the heading line, not to the body.
    text = ("目次\n2 市民参加の推進について\n2 市民参加の推進について\n"
            "市民参加の推進についての考え方を示す。")
    start = text.index("2", 4)
    doc = {"text": text, "outline": [
        {**_section("目次", text="2 市民参加の推進について"), "source": {"start": 0, "end": 2}},
        {**_section("市民参加の推進について", "2", "市民参加の推進についての考え方を示す。"),
         "source": {"start": start, "end": start + 13}}]}
    assert text[start:start + 13] == "2 市民参加の推進について"
    assert audit(doc) == []

def test_headings_cut_mid_sentence_are_found_but_closed_set_headings_are_not() -> None:
    cut = [_section(t) for t in ("事業の見直しを", "職員の意識改革と", "財源の確保、")]
    whole = [_section(t) for t in ("はじめに", "おわりに", "基本方針", "推進体制")]
    assert _checks({"outline": cut})["fragment_heading"] == "error"
    assert "fragment_heading" not in _checks({"outline": whole})


def test_sibling_ordinals_must_count_up_by_one_within_a_family() -> None:
    ok = [_section("a", "(1)"), _section("b", "(2)"), _section("c", "①"), _section("d", "②")]
    assert "ordinal_sequence" not in _checks({"outline": ok})
    gap = [_section("a", "第1章"), _section("b", "第3章")]
    back = [_section("a", "ア"), _section("b", "イ"), _section("c", "ア")]
    assert "ordinal_sequence" in _checks({"outline": gap})
    assert "ordinal_sequence" in _checks({"outline": back})


def test_plans_need_evidence_a_sane_period_and_a_small_number() -> None:
    good = {"title": "第2次行政改革大綱", "evidence": ["period_cue"],
            "period": {"start": "FY2020", "end": "FY2024"}}
    assert _checks({"plans": [good]}) == {}
    assert _checks({"plans": [{**good, "evidence": []}]})["plan_without_evidence"] == "error"
    far = {**good, "period": {"start": "FY2020", "end": "FY2400"}}
    assert _checks({"plans": [far]})["period_out_of_range"] == "error"
    assert _checks({"plans": [good] * 16})["too_many_plans"] == "error"


def test_too_many_headings_on_a_page() -> None:
    many = [_section(f"見出し{i}", page=3) for i in range(41)]
    assert _checks({"outline": many})["too_many_headings"] == "error"
    assert "too_many_headings" not in _checks({"outline": many[:40]})


def test_measures_in_a_document_without_a_plan() -> None:
    measure = {"kind": "measure", "title": "窓口業務の見直し", "children": []}
    assert _checks({"outline": [measure]})["measures_without_plan"] == "error"
    row = {**measure, "evidence": ["table_name_column"]}
    assert "measures_without_plan" not in _checks({"outline": [row]})  # a table of projects
    plan = {"title": "行政改革大綱", "evidence": ["title"]}
    assert "measures_without_plan" not in _checks({"outline": [measure], "plans": [plan]})


def test_a_title_with_control_characters() -> None:
    assert _checks({"title": "行政改革\x0c大綱"})["title_control_characters"] == "error"
    assert _checks({"title": "行政改革大綱"}) == {}


def test_the_command_exits_1_on_errors_and_prints_json(tmp_path: Path) -> None:
    bad = {"schema_version": "1.1", "title": "計画\x07", "outline": [], "text": ""}
    (tmp_path / "bad.json").write_text(json.dumps(bad), "utf-8")
    result = CliRunner().invoke(app, ["audit", "--json", str(tmp_path)])
    assert result.exit_code == 1
    line = json.loads(result.stdout.strip())
    assert line["findings"][0]["check"] == "title_control_characters"


def _corpus_files() -> list[Path]:
    corpus = shared_path("corpus")
    return sorted(p for folder in ("seeds", "pdf", "html") for p in (corpus / folder).rglob("*")
                  if p.is_file() and p.suffix in {".txt", ".pdf", ".html"})


@pytest.mark.corpus
@pytest.mark.slow
def test_no_error_level_finding_on_any_corpus_document() -> None:
    from extract.pipeline import parse_file

    errors = {}
    for path in _corpus_files():
        found = [f"{f.check}: {f.message}" for f in audit(parse_file(path).model_dump(mode="json"))
                 if f.level == "error"]
        if found:
            errors[path.name] = found
    assert not errors, errors
