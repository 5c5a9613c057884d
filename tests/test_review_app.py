"""The review app through its HTTP API: pages, saves as correction records, revisions, undo,
validation, and the guard (CSRF, origin, token, paths, body size)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from extract.review.app.security import TokenRequired, check_bind
from extract.review.app.server import create_app
from extract.review.records import Correction, Target
from extract.review.reviewed import reviewed_path
from extract.review.store import CorrectionStore
from extract.schema import Document, walk
from tests.conftest import shared_path
from tests.review_app import OTOINEPPU_PDF, PLAN_TEXT, extracted, served

BASE = "http://127.0.0.1:8765"


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    return extracted(tmp_path, {"kakuu/plan.txt": PLAN_TEXT})


@pytest.fixture()
def client(folders: tuple[Path, Path]) -> TestClient:
    return TestClient(create_app(*folders), base_url=BASE)


def doc_id(client: TestClient) -> str:
    found = re.findall(r'href="/doc/([^"]+)"', client.get("/").text)
    assert found, "the list shows no document"
    return str(found[0])


def csrf(client: TestClient, doc: str) -> str:
    page = client.get(f"/doc/{doc}").text
    return str(re.search(r'data-csrf="([^"]+)"', page).group(1))  # type: ignore[union-attr]


def node(state: dict[str, Any], title: str) -> dict[str, Any]:
    doc = Document.model_validate(state["document"])
    return next(n.model_dump(mode="json") for n in walk(doc.outline) if n.title == title)


def save(client: TestClient, doc: str, revision: int, *edits: dict[str, Any],
         author: str = "佐藤") -> httpx.Response:
    return client.post(f"/api/doc/{doc}/save", headers={"X-CSRF-Token": csrf(client, doc)},
                       json={"revision": revision, "author": author, "edits": list(edits)})


def state(client: TestClient, doc: str) -> dict[str, Any]:
    response = client.get(f"/api/doc/{doc}")
    assert response.status_code == 200
    return dict(response.json())


def test_list_and_document_page(client: TestClient) -> None:
    listing = client.get("/")
    assert listing.status_code == 200
    assert "架空市行政改革実施計画" in listing.text
    doc = doc_id(client)
    page = client.get(f"/doc/{doc}")
    assert page.status_code == 200
    # The text beside the tree, each node's span a mark that selects it.
    ids = {n["id"] for n in walk_json(state(client, doc)["document"]["outline"])}
    marked = set(re.findall(r'<mark data-node="([^"]+)"', page.text))
    assert marked and marked <= ids
    assert "窓口業務の委託を進めます" in page.text


def walk_json(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for n in nodes for x in (n, *walk_json(n["children"]))]


def test_edit_becomes_a_correction_and_the_page_shows_it(
        client: TestClient, folders: tuple[Path, Path]) -> None:
    raw, out = folders
    doc = doc_id(client)
    target = node(state(client, doc), "事務の見直し")
    response = save(client, doc, 0, {"op": "set", "target": {"kind": "node", "id": target["id"]},
                                     "field": "title", "value": "事務事業の見直し"},
                    {"op": "set", "target": {"kind": "node", "id": target["id"]},
                     "field": "responsible", "value": "総務課、行政改革推進室"})
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 2
    after = state(client, doc)
    assert after["revision"] == 2
    fixed = node(after, "事務事業の見直し")
    assert fixed["responsible"] == ["総務課", "行政改革推進室"]
    assert "事務事業の見直し" in client.get(f"/doc/{doc}").text
    with CorrectionStore(raw / "catalog.sqlite") as store:
        records = store.all()
    assert [(r.op, r.target.field, r.author) for r in records] == [
        ("set", "title", "佐藤"), ("set", "responsible", "佐藤")]
    assert records[0].seen == "事務の見直し" and records[0].target.anchor is not None
    # The reviewed document is written beside the raw extraction; the raw one is untouched.
    raw_output = next(out.rglob("*.json"), None)
    outputs = sorted(p.name for p in out.rglob("*.json") if p.name != "index.json")
    assert raw_output is not None and len(outputs) == 2, outputs
    raw_file = next(p for p in out.rglob("*.json") if p.name.count(".") == 1
                    and p.name != "index.json")
    assert "事務の見直し" in raw_file.read_text("utf-8")
    assert "事務事業の見直し" in reviewed_path(raw_file).read_text("utf-8")
    assert json.loads((out / "index.json").read_text())["documents"][0]["reviewed"]


def test_list_filters_reviewed_and_conflicts(client: TestClient) -> None:
    doc = doc_id(client)
    assert doc not in client.get("/?reviewed=yes").text
    assert doc in client.get("/?reviewed=no").text
    plan = state(client, doc)["document"]["plans"][0]
    response = save(client, doc, 0, {"op": "set", "target": {"kind": "plan", "id": plan["id"]},
                                     "field": "kind", "value": "実施計画"})
    assert response.status_code == 200, response.text
    assert doc in client.get("/?reviewed=yes").text
    assert doc not in client.get("/?conflicts=yes").text
    assert doc not in client.get("/?municipality=どこか").text
    assert doc in client.get("/?municipality=架空市").text  # as the document names it


def test_stale_save_is_refused_with_both_versions(client: TestClient) -> None:
    doc = doc_id(client)
    target = node(state(client, doc), "財政の健全化")
    edit = {"op": "set", "target": {"kind": "node", "id": target["id"]}, "field": "title"}
    first = save(client, doc, 0, {**edit, "value": "財政運営の健全化"}, author="佐藤")
    assert first.status_code == 200
    second = save(client, doc, 0, {**edit, "value": "財政の健全化の推進"}, author="鈴木")
    assert second.status_code == 409
    body = second.json()
    assert body["revision"] == 1
    assert body["yours"][0]["value"] == "財政の健全化の推進"
    assert [(c["author"], c["value"]) for c in body["theirs"]] == [("佐藤", "財政運営の健全化")]
    assert node(state(client, doc), "財政運営の健全化")  # the first save stands
    again = save(client, doc, 1, {**edit, "value": "財政の健全化の推進"}, author="鈴木")
    assert again.status_code == 200  # made on the revision it now names


def test_invalid_save_is_refused_at_its_field_and_nothing_is_kept(client: TestClient) -> None:
    doc = doc_id(client)
    plan = state(client, doc)["document"]["plans"][0]
    backwards = save(client, doc, 0, {"op": "set_period", "target": {"kind": "plan",
                                                                      "id": plan["id"]},
                                      "value": {"text": "", "start": "FY2025",
                                                "end": "FY2020"}})
    assert backwards.status_code == 422
    problems = backwards.json()["problems"]
    assert problems[0]["path"] == "edits[0].period"
    assert "precedes" in problems[0]["message"]
    no_period = save(client, doc, 0, {"op": "set_period", "target": {"kind": "plan",
                                                                      "id": plan["id"]},
                                      "value": {"text": "いつか"}})
    assert no_period.status_code == 422
    target = node(state(client, doc), "計画の期間")
    bad_kind = save(client, doc, 0, {"op": "set", "target": {"kind": "node", "id": target["id"]},
                                     "field": "kind", "value": "chapter"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["problems"][0]["path"] == "edits[0].kind"
    assert state(client, doc)["revision"] == 0


def test_period_typed_as_words_is_read(client: TestClient) -> None:
    doc = doc_id(client)
    plan = state(client, doc)["document"]["plans"][0]
    response = save(client, doc, 0, {"op": "set_period", "target": {"kind": "plan",
                                                                     "id": plan["id"]},
                                     "value": {"text": "令和4年度から令和8年度まで"}})
    assert response.status_code == 200, response.text
    period = state(client, doc)["document"]["plans"][0]["period"]
    assert (period["start"], period["end"], period["end_date"]) == ("FY2022", "FY2026",
                                                                    "2027-03-31")


def test_structure_edits_and_undo(client: TestClient) -> None:
    doc = doc_id(client)
    second = node(state(client, doc), "財政の健全化")
    response = save(client, doc, 0, {"op": "indent", "target": {"kind": "node",
                                                                 "id": second["id"]}})
    assert response.status_code == 200, response.text
    moved = state(client, doc)["document"]
    parent = next(n for n in walk_json(moved["outline"]) if n["title"] == "事務の見直し")
    assert parent["children"][-1]["title"] == "財政の健全化"
    out = save(client, doc, 1, {"op": "outdent", "target": {"kind": "node", "id": second["id"]}})
    assert out.status_code == 200, out.text
    chapter = next(n for n in moved["outline"] if n["title"] == "取組")
    back = next(n for n in state(client, doc)["document"]["outline"] if n["title"] == "取組")
    assert [c["title"] for c in back["children"]] == [c["title"] for c in chapter["children"]
                                                     ] + ["財政の健全化"]
    measure = node(state(client, doc), "使用料の見直しを行います。")
    gone = save(client, doc, 2, {"op": "delete", "target": {"kind": "node", "id": measure["id"]}})
    assert gone.status_code == 200
    assert "使用料の見直しを行います。" not in {n["title"] for n in
                                          walk_json(state(client, doc)["document"]["outline"])}
    token = csrf(client, doc)
    undo = client.post(f"/api/doc/{doc}/undo", headers={"X-CSRF-Token": token},
                       json={"revision": 3, "author": "佐藤"})
    assert undo.status_code == 200, undo.text
    after = state(client, doc)
    assert after["revision"] == 4  # an undo is a record of its own
    assert "使用料の見直しを行います。" in {n["title"] for n in
                                       walk_json(after["document"]["outline"])}
    assert [o["status"] for o in after["outcomes"]][-2:] == ["undone", "applied"]


def test_insert_not_heading_and_measure_from_text(client: TestClient) -> None:
    doc = doc_id(client)
    first = state(client, doc)["document"]
    text = first["text"]
    section = node({"document": first}, "事務の見直し")
    period = node({"document": first}, "計画の期間")
    start = text.index("中間年度")
    end = text.index("。", start)
    response = save(client, doc, 0,
                    {"op": "insert_after", "target": {"kind": "node", "id": section["id"]},
                     "value": {"title": "組織の見直し", "label": "3"}},
                    {"op": "add_measure", "target": {"kind": "node", "id": period["id"]},
                     "value": {"title": text[start:end], "source": {"start": start,
                                                                   "end": end}}})
    assert response.status_code == 200, response.text
    after = {"document": state(client, doc)["document"]}
    added = node(after, "中間年度に計画の進み具合を点検します")
    assert added["kind"] == "measure" and added["source"]["start"] == start
    merged = save(client, doc, 2, {"op": "not_heading",
                                   "target": {"kind": "node", "id": period["id"]}})
    assert merged.status_code == 200, merged.text
    final = state(client, doc)["document"]
    titles = [n["title"] for n in walk_json(final["outline"])]
    assert "組織の見直し" in titles and "計画の期間" not in titles
    assert "計画の期間" in node({"document": final}, "計画の概要")["text"]
    # The measure under the merged heading moved up a level, nothing was lost.
    assert "中間年度に計画の進み具合を点検します" in titles


def test_an_edit_that_changes_nothing_is_absorbed_not_refused(client: TestClient) -> None:
    doc = doc_id(client)
    first = {"document": state(client, doc)["document"]}
    section = node(first, "事務の見直し")
    response = save(client, doc, 0, {"op": "add_measure",
                                     "target": {"kind": "node", "id": section["id"]},
                                     "value": {"title": "電子申請の対象手続を拡大します。"}})
    assert response.status_code == 200
    assert [o["status"] for o in state(client, doc)["outcomes"]] == ["absorbed"]


# -- PDF source -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    pdf = shared_path("corpus", *OTOINEPPU_PDF.split("/"))
    raw, out = extracted(tmp_path_factory.mktemp("pdf"), {"otoineppu/koudoukeikaku.pdf": pdf})
    return TestClient(create_app(raw, out), base_url=BASE)


def test_pdf_pages_render_and_nodes_are_boxed_on_them(pdf_client: TestClient) -> None:
    doc = doc_id(pdf_client)
    page = pdf_client.get(f"/doc/{doc}")
    assert page.status_code == 200
    assert f'/doc/{doc}/page/1.png' in page.text and f'/doc/{doc}/page/10.png' in page.text
    png = pdf_client.get(f"/doc/{doc}/page/2.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    outline = state(pdf_client, doc)["document"]["outline"]
    on_page = {n["id"]: n for n in walk_json(outline) if (n["source"] or {}).get("page") == 2}
    boxes = pdf_client.get(f"/doc/{doc}/page/2/boxes").json()
    following = pdf_client.get(f"/doc/{doc}/page/3/boxes").json()
    # Every node read from the page is found on it again, or at the top of the next one.
    assert set(on_page) <= set(boxes) | set(following)
    assert set(boxes) <= set(on_page)
    for rects in [*boxes.values(), *following.values()]:
        for left, top, right, bottom in rects:
            assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
    chapter = next(n for n in on_page.values() if n["label"] == "第1章")
    assert boxes[chapter["id"]][0][1] < 0.2  # the chapter heading heads the page
    assert pdf_client.get(f"/doc/{doc}/page/11.png").status_code == 404
    assert pdf_client.get(f"/doc/{doc}/page/0/boxes").status_code == 404


# -- security ---------------------------------------------------------------------------------


def test_write_from_another_origin_or_without_csrf_is_refused(client: TestClient) -> None:
    doc = doc_id(client)
    target = node(state(client, doc), "財政の健全化")
    body = {"revision": 0, "author": "x", "edits": [
        {"op": "delete", "target": {"kind": "node", "id": target["id"]}}]}
    url = f"/api/doc/{doc}/save"
    assert client.post(url, json=body).status_code == 403
    assert client.post(url, json=body, headers={"Origin": "http://evil.example"}
                       ).status_code == 403
    token = csrf(client, doc)
    assert client.post(url, json=body, headers={"X-CSRF-Token": token,
                                                "Origin": "http://evil.example"}
                       ).status_code == 403
    assert client.post(url, json=body, headers={"X-CSRF-Token": token,
                                                "Sec-Fetch-Site": "cross-site"}
                       ).status_code == 403
    assert state(client, doc)["revision"] == 0
    same = client.post(url, json=body, headers={"X-CSRF-Token": token, "Origin": BASE})
    assert same.status_code == 200


@pytest.mark.parametrize("path", ["/doc/../catalog.sqlite", "/doc/..%2F..%2Findex.json",
                                  "/doc/doc-..%2Fraw", "/api/doc/..%2Findex.json",
                                  "/doc/%2E%2E/page/1.png"])
def test_a_path_for_an_id_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_bodies_over_the_limit_are_refused(folders: tuple[Path, Path]) -> None:
    client = TestClient(create_app(*folders, max_body=1000), base_url=BASE)
    doc = doc_id(client)
    body = {"revision": 0, "author": "x" * 2000, "edits": []}
    response = client.post(f"/api/doc/{doc}/save", json=body,
                           headers={"X-CSRF-Token": csrf(client, doc)})
    assert response.status_code == 413


def test_other_hosts_are_refused_on_loopback(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "rebind.example:8765"}).status_code == 421


def test_non_loopback_bind_needs_a_token() -> None:
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(TokenRequired):
            check_bind(host, None)
    with pytest.raises(TokenRequired):
        check_bind("0.0.0.0", "short")
    check_bind("0.0.0.0", "a-token-long-enough-1234")


def test_cli_refuses_to_start_on_another_address_without_a_token(
        folders: tuple[Path, Path]) -> None:
    raw, out = folders
    done = subprocess.run([sys.executable, "-m", "extract", "review", str(raw), "-o", str(out),
                           "--host", "0.0.0.0", "--port", "1"], capture_output=True, text=True,
                          timeout=60, env={"EXTRACT_REVIEW_TOKEN": "", "PATH": ""})
    assert done.returncode == 1
    assert "--token" in done.stderr


def test_token_is_required_on_every_request(folders: tuple[Path, Path]) -> None:
    token = "a-token-long-enough-1234"
    client = TestClient(create_app(*folders, token=token), base_url="http://192.168.1.10:8765")
    assert client.get("/").status_code == 401
    entered = client.get(f"/?token={token}", follow_redirects=False)
    assert entered.status_code == 303 and "token" not in entered.headers["location"]
    assert client.get("/").status_code == 200  # the cookie now carries it
    other = TestClient(create_app(*folders, token=token), base_url="http://192.168.1.10:8765")
    assert other.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert other.get("/?token=wrong-token-of-some-length").status_code == 401


def test_real_server_on_loopback(folders: tuple[Path, Path]) -> None:
    raw, out = folders
    with served(raw, out) as base:
        listing = httpx.get(base + "/")
        assert listing.status_code == 200 and "架空市" in listing.text
        doc = re.findall(r'href="/doc/([^"]+)"', listing.text)[0]
        page = httpx.get(f"{base}/doc/{doc}")
        token = re.search(r'data-csrf="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        data = httpx.get(f"{base}/api/doc/{doc}").json()
        target = node(data, "計画の期間")
        edit = {"revision": 0, "author": "佐藤", "edits": [
            {"op": "set", "target": {"kind": "node", "id": target["id"]}, "field": "label",
             "value": "一"}]}
        refused = httpx.post(f"{base}/api/doc/{doc}/save", json=edit,
                             headers={"Origin": "http://evil.example"})
        assert refused.status_code == 403
        kept = httpx.post(f"{base}/api/doc/{doc}/save", json=edit,
                          headers={"X-CSRF-Token": token, "Origin": base})
        assert kept.status_code == 200, kept.text
        assert httpx.get(f"{base}/doc/..%2F..%2Fetc%2Fpasswd").status_code == 404


def keep_elsewhere(raw: Path, doc: dict[str, Any], node_id: str, field: str, seen: str,
                   value: str, author: str) -> None:
    """Keep a `set` record as another process sharing the catalog would."""
    with CorrectionStore(raw / "catalog.sqlite") as store:
        store.append(Correction(
            document_uri=doc["source"]["uri"], sha256=doc["source"]["sha256"],
            target=Target(kind="node", id=node_id, field=field), op="set", seen=seen,
            value=value, author=author))


def test_conflicts_are_listed_with_both_values(client: TestClient,
                                               folders: tuple[Path, Path]) -> None:
    raw, _ = folders
    doc = doc_id(client)
    current = state(client, doc)["document"]
    target = node({"document": current}, "財政の健全化")
    # A record made on a document that read otherwise: the value the reviewer saw is gone.
    keep_elsewhere(raw, current, target["id"], "title", "財政運営の見直し", "財政運営の健全化",
                   "田中")
    assert doc in client.get("/?conflicts=yes").text
    assert doc not in client.get("/?conflicts=no").text
    page = client.get(f"/doc/{doc}").text
    assert "1 corrections in conflict" in page
    item = page.split('class="conflict-item"', 1)[1].split("</li>", 1)[0]
    assert "田中" in item and "財政の健全化" in item and "財政運営の健全化" in item
    assert state(client, doc)["outcomes"][0]["status"] == "conflict"


def test_list_puts_the_lowest_confidence_first(tmp_path: Path) -> None:
    raw, out = extracted(tmp_path, {"a/plan.txt": PLAN_TEXT,
                                    "b/plan.txt": PLAN_TEXT.replace("架空市", "仮想町"),
                                    "c/plan.txt": PLAN_TEXT.replace("架空市", "見本村")})
    # Confidence written by hand into the outputs as schema 1.1 allows: none in b, one
    # node's in a and c (the extractor's own confidences cleared first).
    for name, confidence in (("a", 0.9), ("b", None), ("c", 0.35)):
        path = next((out / "local" / name).rglob("*.json"))
        doc = Document.model_validate_json(path.read_bytes())
        for plan in doc.plans:
            plan.confidence = None
        for n in walk(doc.outline):
            n.confidence = None
        doc.outline[0].confidence = confidence
        path.write_text(doc.model_dump_json(), "utf-8")
    client = TestClient(create_app(raw, out), base_url=BASE)
    rows = re.findall(r'<td class="num">([^<]*)</td>\s*<td>([^<]*)</td>', client.get("/").text)
    assert rows == [("0.35", "見本村"), ("0.90", "架空市"), ("–", "仮想町")]


def test_a_save_racing_another_process_is_refused(client: TestClient,
                                                  folders: tuple[Path, Path]) -> None:
    raw, _ = folders
    doc = doc_id(client)
    current = state(client, doc)["document"]
    target = node({"document": current}, "事務の見直し")
    library = client.app.state.library  # type: ignore[attr-defined]
    reviewed = library.reviewed
    calls = []

    def other_process_saves_meanwhile(entry: Any, corrections: Any = None) -> Any:
        # Between this save's revision check and its write, another process keeps a record.
        calls.append(corrections)
        if len(calls) == 2:
            keep_elsewhere(raw, current, target["id"], "label", "1", "一", "別の工程")
        return reviewed(entry, corrections)

    library.reviewed = other_process_saves_meanwhile
    response = save(client, doc, 0, {"op": "set", "target": {"kind": "node", "id": target["id"]},
                                     "field": "title", "value": "事務事業の見直し"})
    library.reviewed = reviewed
    assert response.status_code == 409
    assert [c["author"] for c in response.json()["theirs"]] == ["別の工程"]
    with CorrectionStore(raw / "catalog.sqlite") as store:
        assert [c.author for c in store.all()] == ["別の工程"]


def test_a_streamed_body_over_the_limit_is_refused(folders: tuple[Path, Path]) -> None:
    client = TestClient(create_app(*folders, max_body=1000), base_url=BASE)
    doc = doc_id(client)

    def chunks() -> Any:
        for _ in range(20):
            yield b" " * 100  # no Content-Length: the body is counted as it arrives

    response = client.post(f"/api/doc/{doc}/save", content=chunks(),
                           headers={"X-CSRF-Token": csrf(client, doc),
                                    "Content-Type": "application/json"})
    assert response.status_code == 413


def test_markup_typed_by_a_reviewer_is_shown_as_text(client: TestClient) -> None:
    doc = doc_id(client)
    target = node(state(client, doc), "財政の健全化")
    markup = '<img src=x onerror="alert(1)">財政'
    response = save(client, doc, 0, {"op": "set", "target": {"kind": "node", "id": target["id"]},
                                     "field": "title", "value": markup})
    assert response.status_code == 200
    page = client.get(f"/doc/{doc}").text
    assert markup not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;財政" in page
    assert "<img src=x" not in page.split('id="data"', 1)[1]  # nor in the page's JSON


def test_any_standing_correction_can_be_undone_and_the_records_are_listed(
        client: TestClient) -> None:
    doc = doc_id(client)
    first, second = (node(state(client, doc), t) for t in ("事務の見直し", "財政の健全化"))
    for revision, (target, title) in enumerate(((first, "事務事業の見直し"),
                                                (second, "財政運営の健全化"))):
        response = save(client, doc, revision, {
            "op": "set", "target": {"kind": "node", "id": target["id"]}, "field": "title",
            "value": title})
        assert response.status_code == 200
    with_records = client.get(f"/doc/{doc}").text
    ids = re.findall(r'class="undo-one" data-correction="([0-9a-f]+)"', with_records)
    assert len(ids) == 2 and "2 correction records" in with_records
    token = csrf(client, doc)
    undo = client.post(f"/api/doc/{doc}/undo", headers={"X-CSRF-Token": token},
                       json={"revision": 2, "author": "佐藤", "id": ids[0]})
    assert undo.status_code == 200, undo.text
    titles = {n["title"] for n in walk_json(state(client, doc)["document"]["outline"])}
    assert {"事務の見直し", "財政運営の健全化"} <= titles  # the first undone, the second stands
    again = client.post(f"/api/doc/{doc}/undo", headers={"X-CSRF-Token": token},
                        json={"revision": 3, "author": "佐藤", "id": ids[0]})
    assert again.status_code == 422  # already undone: nothing is recorded twice
    assert state(client, doc)["revision"] == 3


def test_an_unreadable_output_is_named_and_hides_no_other(tmp_path: Path) -> None:
    raw, out = extracted(tmp_path, {"a/plan.txt": PLAN_TEXT,
                                    "b/plan.txt": PLAN_TEXT.replace("架空市", "仮想町")})
    broken = next((out / "local" / "b").rglob("*.json"))
    broken.write_text('{"id": "cut short', "utf-8")  # a hand edit gone wrong
    client = TestClient(create_app(raw, out), base_url=BASE)
    listing = client.get("/")
    assert listing.status_code == 200
    assert "架空市行政改革実施計画" in listing.text
    assert "1 outputs could not be read" in listing.text and "b/plan.txt" in listing.text
    listed = re.findall(r'data-id="([^"]+)"', listing.text)
    ids = [e.id for e in client.app.state.library.entries()]  # type: ignore[attr-defined]
    unreadable = next(i for i in ids if i not in listed)
    page = client.get(f"/doc/{unreadable}")
    assert page.status_code == 422 and "extract validate" in page.text
