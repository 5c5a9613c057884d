"""Exports, plans in force and diffs on real documents: two towns' plans recorded in a real
SQLite catalog as fetched (a seed text and two corpus PDFs) and one hand-placed seed text,
extracted by `extract run`, then read back as tables, queries and differences."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.export.diff import diff
from extract.export.documents import entries, latest_two, load
from extract.export.export import MANIFEST_NAME, export, read_state
from extract.export.in_force import Answer, InForce, answer_table, covers, plans_in_force
from extract.export.rows import TABLES
from extract.ingest.batch import run
from extract.ingest.catalog import Catalog, FetchRecord, now
from extract.ingest.store import RawStore
from extract.schema import NodeKind, Period, Plan, Role, walk
from tests.conftest import shared_path

AYASE = ("綾瀬市", "142352")
OTOINEPPU = ("音威子府村", "014729")
AYASE_URL = "https://www.city.ayase.example.jp/keikaku/plan.txt"
PDFS = {
    "https://www.vill.otoineppu.example.jp/files/kansui_keieis.pdf": "kansui_keieis.pdf",
    "https://www.vill.otoineppu.example.jp/files/koudoukeikaku.pdf": "koudoukeikaku.pdf",
}
SEEDS = ("corpus", "seeds")
# The edit a city makes when it republishes: one period extended, one heading reworded.
PERIOD_BEFORE, PERIOD_AFTER = "平成25年度から平成27年度", "平成25年度から平成28年度"
HEADING_BEFORE, HEADING_AFTER = "3 行政システムの改革\n 公共施設", "3 行政の仕組みの改革\n 公共施設"

runner = CliRunner()


def record_fetch(raw: Path, url: str, data: bytes, media_type: str,
                 town: tuple[str, str]) -> None:
    """Store bytes and record them as fetched from `url`, as `extract fetch` does."""
    stored = RawStore(raw).put(data)
    with Catalog.in_raw(raw) as catalog:
        catalog.record_fetch(FetchRecord(url=url, outcome="stored", fetched_at=now(),
                                         status=200, content_type=media_type,
                                         sha256=stored.sha256, size=len(data)),
                             municipality=town[0], code=town[1])


def ayase_text(edited: bool = False) -> bytes:
    text = shared_path(*SEEDS, "000_a41e65aa208a94a2.txt").read_text("utf-8")
    if edited:
        assert PERIOD_BEFORE in text and HEADING_BEFORE in text
        text = text.replace(PERIOD_BEFORE, PERIOD_AFTER).replace(HEADING_BEFORE, HEADING_AFTER)
    return text.encode()


def build(tmp: Path) -> tuple[Path, Path]:
    """Return (raw, structured) with the documents recorded and extracted once."""
    raw, out = tmp / "raw", tmp / "structured"
    record_fetch(raw, AYASE_URL, ayase_text(), "text/plain; charset=utf-8", AYASE)
    for url, name in PDFS.items():
        pdf = shared_path("corpus", "pdf", "nepp-chan_otoineppu", name)
        record_fetch(raw, url, pdf.read_bytes(), "application/pdf", OTOINEPPU)
    (raw / "plans").mkdir()
    shutil.copyfile(shared_path(*SEEDS, "002_72b46c5c509331ba.txt"), raw / "plans" / "iruma.txt")
    summary = run(raw, out, jobs=1)
    assert {o.status for o in summary.outcomes} <= {"ok", "partial"}, summary.outcomes
    return raw, out


def republish(raw: Path, out: Path) -> None:
    """Record the edited Ayase text as a new version of its URL and extract it."""
    record_fetch(raw, AYASE_URL, ayase_text(edited=True), "text/plain; charset=utf-8", AYASE)
    run(raw, out, jobs=1)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("city"))


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def ayase_output(raw: Path, out: Path) -> Path:
    (entry,) = [e for e in entries(out, raw) if e.uri == AYASE_URL and e.latest]
    return entry.output


# -- export -------------------------------------------------------------------------------


@pytest.mark.corpus
def test_export_has_a_row_for_every_plan_node_measure_and_target(
        city: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = city
    report = export(out, tmp_path / "export", "jsonl", raw_dir=raw)
    docs = [load(e).document for e in entries(out, raw)]
    nodes = [n for d in docs for n in walk(d.outline)]
    expected = {"documents": len(docs), "plans": sum(len(d.plans) for d in docs),
                "nodes": len(nodes),
                "measures": sum(n.kind is NodeKind.MEASURE for n in nodes),
                "targets": sum(len(n.targets) or (n.target is not None) for n in nodes)}
    assert report.rows == expected and not report.errors
    assert expected["plans"] and expected["measures"] and expected["targets"]
    manifest = json.loads((tmp_path / "export" / MANIFEST_NAME).read_text("utf-8"))
    assert manifest["mode"] == "full" and len(manifest["documents"]) == len(docs)
    for table, columns in TABLES.items():
        rows = read_jsonl(tmp_path / "export" / f"{table}.jsonl")
        assert manifest["tables"][table]["rows"] == len(rows) == expected[table]
        assert all(list(row) == [c for c, _ in columns] for row in rows)
        assert len({row["row_id"] for row in rows}) == len(rows), f"{table}: ids repeat"
        assert all(row["document_id"] and row["source_uri"] and row["source_sha256"]
                   and row["change"] is None for row in rows)
    plans = read_jsonl(tmp_path / "export" / "plans.jsonl")
    ayase = [p for p in plans if p["source_uri"] == AYASE_URL]
    assert ayase and all((p["municipality"], p["municipality_code"]) == AYASE for p in ayase)
    dated = [p for p in plans if p["period_start"]]
    assert dated and all(date.fromisoformat(str(p["start_date"])) for p in dated)
    node_ids = {(n["document_id"], n["node_id"]) for n in
                read_jsonl(tmp_path / "export" / "nodes.jsonl")}
    for measure in read_jsonl(tmp_path / "export" / "measures.jsonl"):
        assert (measure["document_id"], measure["node_id"]) in node_ids
        assert measure["parent_id"] is None or (
            measure["document_id"], measure["parent_id"]) in node_ids


@pytest.mark.corpus
def test_csv_and_parquet_hold_the_same_rows_with_declared_columns(
        city: tuple[Path, Path], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from extract.export.tables import arrow_schema

    raw, out = city
    export(out, tmp_path / "jsonl", "jsonl", raw_dir=raw)
    export(out, tmp_path / "csv", "csv", raw_dir=raw)
    export(out, tmp_path / "parquet", "parquet", raw_dir=raw)
    for table, columns in TABLES.items():
        rows = read_jsonl(tmp_path / "jsonl" / f"{table}.jsonl")
        with (tmp_path / "csv" / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
            cells = list(csv.DictReader(f))
        parquet = pq.read_table(tmp_path / "parquet" / f"{table}.parquet")
        assert parquet.schema.equals(arrow_schema(columns))
        assert [r["row_id"] for r in cells] == [r["row_id"] for r in rows]
        assert parquet.column("row_id").to_pylist() == [r["row_id"] for r in rows]
    plans = pq.read_table(tmp_path / "parquet" / "plans.parquet").to_pylist()
    dated = [p for p in plans if p["start_date"] is not None]
    assert dated and all(isinstance(p["start_date"], date) for p in dated)
    with (tmp_path / "csv" / "measures.csv").open(encoding="utf-8-sig", newline="") as f:
        measures = list(csv.DictReader(f))
    assert all(isinstance(json.loads(m["sections"]), list) for m in measures)


@pytest.mark.corpus
def test_since_exports_added_changed_and_removed_rows_and_chains(tmp_path: Path) -> None:
    raw, out = build(tmp_path)
    first = export(out, tmp_path / "e1", raw_dir=raw, latest_only=True)
    same = export(out, tmp_path / "e2", since=tmp_path / "e1", raw_dir=raw, latest_only=True)
    assert same.mode == "changes" and sum(same.rows.values()) == 0
    republish(raw, out)
    delta = export(out, tmp_path / "e3", since=tmp_path / "e2", raw_dir=raw, latest_only=True)
    documents = read_jsonl(tmp_path / "e3" / "documents.jsonl")
    assert Counter(str(d["change"]) for d in documents) == {"added": 1, "removed": 1}
    assert delta.changes["documents"] == {"added": 1, "changed": 0, "removed": 1}
    (added,) = [d for d in documents if d["change"] == "added"]
    assert added["source_uri"] == AYASE_URL and added["latest"] is True
    plans = read_jsonl(tmp_path / "e3" / "plans.jsonl")
    extended = [p for p in plans if p["change"] == "added" and p["period_text"] == PERIOD_AFTER]
    assert len(extended) == 1 and extended[0]["end_date"] == "2017-03-31"
    removed = [p for p in plans if p["change"] == "removed"]
    assert removed and all(p["title"] is None and p["row_id"] for p in removed)
    before = read_jsonl(tmp_path / "e1" / "plans.jsonl")
    assert len(before) == first.rows["plans"]
    assert len(removed) == sum(p["source_uri"] == AYASE_URL for p in before)
    # Without --latest the old version stays, no longer the latest: a changed row.
    every = export(out, tmp_path / "e4", since=tmp_path / "e1", raw_dir=raw)
    assert every.changes["documents"] == {"added": 1, "changed": 1, "removed": 0}
    # The state of a delta export is the whole state: the next export since it is empty.
    again = export(out, tmp_path / "e5", since=tmp_path / "e3", raw_dir=raw, latest_only=True)
    assert sum(again.rows.values()) == 0
    assert read_state(tmp_path / "e5").keys() == read_state(tmp_path / "e1").keys() - {
        removed[0]["document_id"]} | {added["document_id"]}


@pytest.mark.corpus
def test_reviewed_values_win_and_only_corrected_rows_say_so(tmp_path: Path) -> None:
    raw, out = build(tmp_path)
    export(out, tmp_path / "before", raw_dir=raw)
    output = ayase_output(raw, out)
    doc = json.loads(output.read_text("utf-8"))
    doc["plans"][0]["title"] = "あやせ経営戦略プラン（改訂）"
    dropped = doc["outline"][1]["children"][0]["children"].pop(0)
    assert dropped["kind"] == "measure"
    output.with_name(output.stem + ".reviewed.json").write_text(
        json.dumps(doc, ensure_ascii=False), "utf-8")
    export(out, tmp_path / "export", raw_dir=raw)
    plans = read_jsonl(tmp_path / "export" / "plans.jsonl")
    corrected = [p for p in plans if p["corrected"]]
    assert [p["title"] for p in corrected] == ["あやせ経営戦略プラン（改訂）"]
    assert not any(m["node_id"] == dropped["id"]
                   for m in read_jsonl(tmp_path / "export" / "measures.jsonl"))
    reviewed = [d for d in read_jsonl(tmp_path / "export" / "documents.jsonl") if d["reviewed"]]
    assert [d["source_uri"] for d in reviewed] == [AYASE_URL]
    # A review made after an export is a change to sync: the corrected row, the removed one.
    delta = export(out, tmp_path / "delta", since=tmp_path / "before", raw_dir=raw)
    assert delta.changes["plans"] == {"added": 0, "changed": 1, "removed": 0}
    assert delta.changes["measures"]["removed"] == 1
    assert delta.changes["documents"] == {"added": 0, "changed": 1, "removed": 0}
    # The query reads the reviewed values too.
    answer = plans_in_force(out, date(2008, 4, 1), raw, municipality=AYASE[0])
    assert "あやせ経営戦略プラン（改訂）" in {p.plan.title for p in answer.plans}


@pytest.mark.corpus
def test_unreadable_and_missing_outputs_are_reported_and_their_rows_kept(tmp_path: Path) -> None:
    raw, out = build(tmp_path)
    export(out, tmp_path / "before", raw_dir=raw)
    output = ayase_output(raw, out)
    output.write_text('{"schema_version": "1.1", "id": ', "utf-8")  # cut short
    (gone,) = [e.output for e in entries(out, raw) if e.uri == "plans/iruma.txt"]
    gone.unlink()
    result = runner.invoke(app, ["export", str(raw), "-o", str(tmp_path / "after"),
                                 "--since", str(tmp_path / "before")])
    assert result.exit_code == 0, result.output
    assert f"unreadable {output}" in result.output
    manifest = json.loads((tmp_path / "after" / MANIFEST_NAME).read_text("utf-8"))
    assert sorted(e["output"] for e in manifest["errors"]) == sorted([str(output), str(gone)])
    assert all(n == 0 for n in manifest["tables"]["plans"]["changes"].values())
    assert read_state(tmp_path / "after") == read_state(tmp_path / "before")


@pytest.mark.corpus
def test_an_export_replaces_a_previous_one_whole_and_never_a_foreign_folder(
        city: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = city
    dest = tmp_path / "export"
    export(out, dest, "csv", raw_dir=raw)
    export(out, dest, "jsonl", raw_dir=raw)
    assert sorted(p.suffix for p in dest.iterdir() if p.stem in TABLES) == [".jsonl"] * 5
    assert [p.name for p in tmp_path.iterdir()] == ["export"]  # no temp folder left
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "todo.txt").write_text("keep me", "utf-8")
    result = runner.invoke(app, ["export", str(raw), "-o", str(foreign)])
    assert result.exit_code == 1 and "not an export" in result.output
    assert [p.name for p in foreign.iterdir()] == ["todo.txt"]


@pytest.mark.corpus
def test_index_json_alone_gives_the_same_export_as_the_catalog(
        city: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = city
    export(out, tmp_path / "catalog", raw_dir=raw)
    export(out, tmp_path / "index")
    for table in TABLES:
        assert (read_jsonl(tmp_path / "catalog" / f"{table}.jsonl")
                == read_jsonl(tmp_path / "index" / f"{table}.jsonl"))


# -- plans in force -----------------------------------------------------------------------


@pytest.mark.corpus
def test_plans_in_force_on_a_date_by_municipality_code_and_kind(
        city: tuple[Path, Path]) -> None:
    raw, out = city
    in_2020 = plans_in_force(out, date(2020, 4, 1), raw, municipality=OTOINEPPU[1])
    titles = {p.plan.title for p in in_2020.plans if p.plan.role is Role.MAIN}
    assert titles == {"音威子府村簡易水道事業経営戦略", "音威子府村特定事業主行動計画"}
    assert all(covers(p.plan, date(2020, 4, 1)) for p in in_2020.plans)
    assert {p.municipality for p in in_2020.plans} == {OTOINEPPU[0]}
    # The 行動計画 (平成27年度から平成36年度) ended on 2025-03-31.
    in_2026 = plans_in_force(out, date(2026, 4, 1), raw, municipality=OTOINEPPU[0])
    assert "音威子府村特定事業主行動計画" not in {p.plan.title for p in in_2026.plans}
    assert "音威子府村簡易水道事業経営戦略" in {p.plan.title for p in in_2026.plans}
    kind = plans_in_force(out, date(2020, 4, 1), raw, kind="行動計画")
    assert {p.plan.title for p in kind.plans} == {"音威子府村特定事業主行動計画"}
    nothing = plans_in_force(out, date(1990, 4, 1), raw)
    assert nothing.plans == [] and nothing.undated > 0


@pytest.mark.corpus
def test_plans_command_prints_a_table_and_json(city: tuple[Path, Path]) -> None:
    raw, out = city
    args = ["plans", str(raw), "--structured", str(out), "--in-force", "2008-04-01",
            "--municipality", AYASE[0]]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "あやせ集中改革プラン" in shown.output and "plans in force on 2008-04-01" in shown.output
    as_json = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert {p["title"] for p in as_json["plans"]} >= {"あやせ経営戦略プラン",
                                                      "あやせ集中改革プラン"}
    assert all(p["start_date"] <= "2008-04-01" <= p["end_date"] for p in as_json["plans"])
    bad = runner.invoke(app, ["plans", str(raw), "--in-force", "令和7年4月1日"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_an_open_end_covers_its_side_and_an_undated_plan_nothing() -> None:
    # Hand-made periods written for the rule: from FY2021 with no end, up to FY2010, a length.
    since_2021 = Plan(id="p1", title="計画", role=Role.MAIN, period=Period(
        text="令和3年度から", start="FY2021", start_date=date(2021, 4, 1)))
    until_2010 = Plan(id="p2", title="計画", role=Role.MAIN, period=Period(
        text="平成22年度まで", end="FY2010", end_date=date(2011, 3, 31)))
    five_years = Plan(id="p3", title="計画", role=Role.MAIN,
                      period=Period(text="5年間", duration="P5Y"))
    assert covers(since_2021, date(2040, 1, 1)) and not covers(since_2021, date(2021, 3, 31))
    assert covers(until_2010, date(1990, 1, 1)) and not covers(until_2010, date(2011, 4, 1))
    assert not any(covers(five_years, day) for day in (date(2000, 1, 1), date(2030, 1, 1)))
    said = [InForce(None, None, plan).as_json()["open_end"] for plan in (since_2021, until_2010)]
    assert said == ["end", "start"]
    shown = answer_table(Answer([InForce("例市", None, since_2021)], 0, []), date(2030, 1, 1))
    assert "2021-04-01 – … (open end)" in shown


# -- diff ---------------------------------------------------------------------------------


@pytest.mark.corpus
def test_diff_of_a_republished_plan_names_what_the_city_changed(tmp_path: Path) -> None:
    raw, out = build(tmp_path)
    republish(raw, out)
    old, new = latest_two(AYASE_URL, out, raw)
    result = diff(old.document, new.document)
    assert not result.plans.added and not result.plans.removed
    (plan,) = result.plans.changed
    assert list(plan.fields) == ["period"] and PERIOD_AFTER in str(plan.fields["period"][1])
    titles = {c.fields["title"] for c in result.nodes.changed if "title" in c.fields}
    assert ("行政システムの改革", "行政の仕組みの改革") in titles
    assert any(PERIOD_AFTER in str(after) for _, after in titles)
    assert not result.nodes.added and not result.nodes.removed
    assert not (result.measures.added or result.measures.removed or result.measures.changed)
    assert result.measures.unchanged > 0
    shown = runner.invoke(app, ["diff", "--uri", AYASE_URL, "--raw", str(raw), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["plans"]["periods_changed"] == 1
    same = runner.invoke(app, ["diff", str(new.entry.output), str(new.entry.output)])
    assert "0 added, 0 removed, 0 changed" in same.output


@pytest.mark.corpus
def test_diff_pairs_renumbered_items_and_reports_added_and_removed(
        city: tuple[Path, Path]) -> None:
    raw, out = city
    (entry,) = [e for e in entries(out, raw) if e.uri == AYASE_URL]
    doc = load(entry).document
    section = next(n for n in walk(doc.outline) if n.kind is NodeKind.SECTION and n.children
                   and n.children[0].kind is NodeKind.MEASURE)
    first, *rest = section.children
    # A republished list: the first measure dropped, one new one at the end.
    added = first.model_copy(update={"id": "n-new", "title": "窓口のオンライン化"})
    edited = doc.model_copy(deep=True)
    target = next(n for n in walk(edited.outline) if n.id == section.id)
    target.children = [*rest, added]
    result = diff(doc, edited)
    assert [m["title"] for m in result.measures.added] == ["窓口のオンライン化"]
    assert [m["id"] for m in result.measures.removed] == [first.id]
    assert not result.measures.changed and not result.plans.changed


def test_diff_needs_two_versions(tmp_path: Path) -> None:
    (tmp_path / "structured").mkdir()
    (tmp_path / "structured" / "index.json").write_text('{"documents": []}', "utf-8")
    result = runner.invoke(app, ["diff", "--uri", "https://example.jp/a.txt", "--raw",
                                 str(tmp_path / "raw")])
    assert result.exit_code == 1 and "no catalog" in result.output


@pytest.mark.corpus
def test_since_refuses_a_folder_that_is_no_export_of_this_layout(
        city: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = city
    export(out, tmp_path / "old", raw_dir=raw)
    manifest = tmp_path / "old" / MANIFEST_NAME
    data = json.loads(manifest.read_text("utf-8"))
    manifest.write_text(json.dumps({**data, "manifest_version": 0}), "utf-8")
    result = runner.invoke(app, ["export", str(raw), "-o", str(tmp_path / "new"), "--since",
                                 str(tmp_path / "old")])
    assert result.exit_code == 1 and "export whole" in result.output
    result = runner.invoke(app, ["export", str(raw), "-o", str(tmp_path / "new"), "--since",
                                 str(tmp_path)])
    assert result.exit_code == 1 and "is not an export" in result.output
    assert not (tmp_path / "new").exists()
