"""`extract run` as a catalog-driven, incremental batch, on the bundled real samples and on
documents fetched from a loopback city site; `extract fetch` and `extract status` end to end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from extract import __version__
from extract.ingest.batch import Task, execute, run, status
from extract.ingest.catalog import Catalog, FetchRecord, now
from extract.ingest.fetch import CrawlOptions, crawl
from extract.ingest.manifest import Site
from extract.ingest.store import RawStore, sha256_file
from tests.loopback import SJIS_PAGE, TEST_MAX_SIZE, batch_site, city_site, corpus_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.txt"))
FAST = CrawlOptions(delay=0.0, backoff=0.01, timeout=0.3, retries=1, max_size=TEST_MAX_SIZE,
                   allow_private=True)


def samples_raw(tmp: Path) -> Path:
    raw = tmp / "raw"
    (raw / "samples").mkdir(parents=True)
    for sample in SAMPLES:
        shutil.copyfile(sample, raw / "samples" / sample.name)
    return raw


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.json"))}


def age_runs(raw: Path) -> None:
    """Make every recorded run look made by an older extractor version."""
    with sqlite3.connect(raw / "catalog.sqlite") as db:
        db.execute("UPDATE runs SET extractor_version = '0.0.0'")


def test_hand_placed_files_are_sources_and_each_version_gets_one_json(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    summary = run(raw, out, jobs=1)
    assert summary.registered == len(SAMPLES) and summary.skipped == 0
    assert {o.status for o in summary.outcomes} <= {"ok", "partial"}
    files = outputs(out)
    index = json.loads(files.pop("index.json"))
    assert len(files) == len(SAMPLES)
    for sample in SAMPLES:
        (path,) = [p for p in files if p.startswith(f"local/samples/{sample.name}/")]
        doc = json.loads(files[path])
        assert doc["source"]["uri"] == f"samples/{sample.name}"
        assert path.endswith(doc["source"]["sha256"][:16] + ".json")
        assert doc["extractor_version"] == __version__
    assert sorted(e["output"] for e in index["documents"]) == sorted(files)
    assert all(e["latest"] and e["status"] in ("ok", "partial") for e in index["documents"])


def test_a_second_run_skips_what_is_up_to_date_and_redoes_what_is_stale(
        tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    run(raw, out, jobs=1)
    first = outputs(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.json") if p.name != "index.json"}

    again = run(raw, out, jobs=1)
    assert (again.outcomes, again.skipped, again.registered) == ([], len(SAMPLES), 0)
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes

    age_runs(raw)
    assert status(raw, out).stale == len(SAMPLES)
    redone = run(raw, out, jobs=1)
    assert (len(redone.outcomes), redone.skipped) == (len(SAMPLES), 0)
    assert outputs(out) == first  # same extractor, same bytes: same JSON


def test_a_changed_file_is_a_new_version_and_the_old_output_stays(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    run(raw, out, jobs=1)
    changed = raw / "samples" / SAMPLES[0].name
    addendum = "\n附則 この計画は令和6年4月1日から施行する。\n"
    changed.write_bytes(changed.read_bytes() + addendum.encode())
    summary = run(raw, out, jobs=1)
    assert (summary.registered, len(summary.outcomes), summary.skipped) == (1, 1, len(SAMPLES))
    versions = sorted((out / "local" / "samples" / SAMPLES[0].name).glob("*.json"))
    assert len(versions) == 2
    index = json.loads((out / "index.json").read_text("utf-8"))["documents"]
    mine = [e for e in index if e["uri"] == f"samples/{SAMPLES[0].name}"]
    assert sorted(e["latest"] for e in mine) == [False, True]


def test_a_failure_is_recorded_with_its_traceback_and_retried_next_run(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    run(raw, out, jobs=1)
    age_runs(raw)
    with Catalog.in_raw(raw) as catalog:
        victim = catalog.versions()[0]
    stored = raw / "objects" / victim.sha256[:2] / f"{victim.sha256}.bin"
    kept = stored.read_bytes()
    # The file was removed from raw/ and the store lost its object: reading fails in the worker.
    (raw / victim.uri).unlink()
    stored.unlink()
    summary = run(raw, out, jobs=1)
    assert summary.statuses["error"] == 1 and len(summary.outcomes) == len(SAMPLES)
    with Catalog.in_raw(raw) as catalog:
        (failure,) = catalog.failures()
    assert failure.uri == victim.uri and failure.error and "FileNotFoundError" in failure.error
    assert failure.traceback and "Traceback (most recent call last)" in failure.traceback
    assert status(raw, out).errors == 1

    stored.write_bytes(kept)
    retried = run(raw, out, jobs=1)
    assert [o.source for o in retried.outcomes] == [victim.uri]
    assert status(raw, out).errors == 0


def test_a_damaged_store_object_is_an_error_not_a_wrong_output(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "structured"
    with Catalog.in_raw(raw) as catalog:
        catalog.record_fetch(FetchRecord(
            url="https://www.city.example.lg.jp/plan.txt", outcome="stored", fetched_at=now(),
            status=200, content_type="text/plain", sha256=sha256_file(SAMPLES[0]),
            size=SAMPLES[0].stat().st_size))
    RawStore(raw).put(SAMPLES[0].read_bytes())
    RawStore(raw).path(sha256_file(SAMPLES[0])).write_bytes(b"\0" * 10)  # a disk fault
    summary = run(raw, out, jobs=1)
    assert summary.statuses == {"error": 1}
    assert "no longer holds the bytes" in (summary.outcomes[0].message or "")
    assert not list(out.rglob("*/*.json"))


def test_an_output_edited_by_hand_is_never_overwritten(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    run(raw, out, jobs=1)
    target = next(p for p in out.rglob("*.json") if p.name != "index.json")
    doc = json.loads(target.read_text("utf-8"))
    doc["title"] = "校正済みの表題"
    edited = json.dumps(doc, ensure_ascii=False, indent=2)
    target.write_text(edited, "utf-8")
    age_runs(raw)
    summary = run(raw, out, jobs=1)
    assert summary.statuses["kept_edited"] == 1
    assert target.read_text("utf-8") == edited
    age_runs(raw)
    assert run(raw, out, jobs=1).statuses["kept_edited"] == 1  # still kept a version later
    assert target.read_text("utf-8") == edited


def test_two_processes_write_exactly_what_one_does(tmp_path: Path) -> None:
    one, two = samples_raw(tmp_path / "a"), samples_raw(tmp_path / "b")
    run(one, tmp_path / "a" / "structured", jobs=1)
    summary = run(two, tmp_path / "b" / "structured", jobs=2)
    assert len(summary.outcomes) == len(SAMPLES)
    assert outputs(tmp_path / "a" / "structured") == outputs(tmp_path / "b" / "structured")


def test_fetched_documents_are_extracted_under_their_municipality(tmp_path: Path) -> None:
    pytest.importorskip("extract.readers.html", reason="the HTML reader is not in this tree")
    pytest.importorskip("extract.readers.pdf", reason="the PDF reader is not in this tree")
    raw, out = tmp_path / "raw", tmp_path / "structured"
    with city_site(tmp_path) as site:
        start = site.url("/keikaku/index.html")
        crawl([Site((start,), name="鯖江市", code="182079")], raw, FAST)
    summary = run(raw, out, jobs=2)
    assert summary.outcomes and not summary.statuses["error"]
    index = json.loads((out / "index.json").read_text("utf-8"))["documents"]
    assert index and all(e["output"].startswith("182079_鯖江市/") for e in index)
    (sjis,) = [e for e in index if e["uri"].endswith("/keikaku/kurashi.html")]
    assert sjis["output"].startswith("182079_鯖江市/kurashi.html-")
    doc = json.loads((out / sjis["output"]).read_text("utf-8"))
    assert doc["source"]["encoding"] in ("shift_jis", "cp932")
    # Text of the real page, decoded from Shift_JIS by the charset in the HTTP header alone.
    original = corpus_file(SJIS_PAGE).read_text("utf-8")
    assert "金沢市" in original and "金沢市" in doc["text"]
    assert doc["municipality"]["code"] is not None or doc["municipality"]["name"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "extract", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_fetch_then_run_then_status_in_an_empty_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    assert cli("status", cwd=work).returncode == 1  # nothing yet: a message, exit 1
    with batch_site(tmp_path, 12) as site:
        fetched = cli("fetch", site.url("/batch/"), "--allow-private", "--delay", "0",
                      "--contact", "ops@example.jp", "-q", cwd=work)
        assert fetched.returncode == 0, fetched.stderr
        assert "13 new document versions" in fetched.stdout
        assert all("ops@example.jp" in h.headers["user-agent"] for h in site.log)
    ran = cli("run", "--jobs", "2", cwd=work)
    assert ran.returncode == 0, ran.stderr
    shown = cli("status", cwd=work)
    assert shown.returncode == 0 and "stale      0" in shown.stdout
    written = len(list((work / "structured").rglob("*.json"))) - 1  # index.json aside
    texts = sum(1 for h in site.log if h.path.startswith("/batch/doc") and ".txt" in h.path)
    # Every version is extracted, or an error is reported (a reader absent from this tree).
    errors = int(shown.stdout.split("errors")[1].split()[0])
    assert written >= texts and written + errors == 13
    assert f"extracted  {written} up to date" in shown.stdout
    bad = cli("fetch", str(tmp_path / "missing.csv"), cwd=work)
    assert bad.returncode == 1 and "cannot read manifest" in bad.stderr


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_folder_that_is_not_there_is_a_clear_error(tmp_path: Path, jobs: int) -> None:
    result = cli("run", str(tmp_path / "nowhere"), "--jobs", str(jobs), cwd=tmp_path)
    assert result.returncode == 1 and "is not a folder" in result.stderr


def _kill_readers_of(fifo: Path, stop: threading.Event) -> None:
    """Kill -9 each child process that opens `fifo` to read it, until `stop` is set."""
    inode = fifo.stat().st_ino
    while True:
        writer = os.open(fifo, os.O_WRONLY)  # returns once a reader has opened it
        if stop.is_set():
            os.close(writer)
            return
        for proc in Path("/proc").iterdir():
            try:
                if not proc.name.isdigit():
                    continue
                if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) != os.getpid():
                    continue
                if any(os.stat(fd).st_ino == inode for fd in (proc / "fd").iterdir()):
                    os.kill(int(proc.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue
        os.close(writer)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_a_worker_that_dies_costs_only_its_own_document(tmp_path: Path) -> None:
    fifo = tmp_path / "never-ending"
    os.mkfifo(fifo)  # a worker reading it blocks until the helper kills it
    tasks = [Task(number, sha256_file(sample), str(sample), f"samples/{sample.name}",
                  "text/plain", None, str(tmp_path / "out" / f"{number}.json"), None, None,
                  None)
             for number, sample in enumerate(SAMPLES * 2)]
    tasks.insert(3, Task(99, "0" * 64, str(fifo), "doomed.txt", "text/plain", None,
                         str(tmp_path / "out" / "99.json"), None, None, None))
    stop = threading.Event()
    killer = threading.Thread(target=_kill_readers_of, args=(fifo, stop), daemon=True)
    killer.start()
    try:
        results = {r.version_id: r for r in execute(tasks, jobs=2)}
    finally:
        stop.set()
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # let the helper's open return
        killer.join(timeout=5)
    assert sorted(results) == sorted(t.version_id for t in tasks)  # each exactly once
    assert results[99].status == "error" and "worker process died" in (results[99].error or "")
    assert {r.status for v, r in results.items() if v != 99} == {"ok"}
