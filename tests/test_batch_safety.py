"""`extract run` on the bundled real samples: two runs on one folder, exit codes, per-document
limits, re-runs that rewrite nothing, and a summary readable in 80 columns and by machines."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extract.files import temp_prefix
from extract.ingest.batch import run, status
from extract.ingest.limits import DocumentTimeout, Limits, time_limit
from extract.ingest.lock import LOCK_NAME, FolderBusy, folder_lock
from tests.test_batch import samples_raw

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.txt"))
EXIT_BUSY = 75


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "extract", *args]


def cli(*args: str, cwd: Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns)}
    return subprocess.run(command(*args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180, check=False)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file under a folder: a rewrite changes one or the other."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(predicate: object, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class FifoFeeder:
    """A named pipe among the raw files: a run reading it blocks (holding its lock) until the
    feeder is started, which then hands the same text to every reader."""

    def __init__(self, path: Path, text: bytes) -> None:
        os.mkfifo(path)
        self.path, self.text = path, text
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._feed, daemon=True)

    def _feed(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(BrokenPipeError), open(self.path, "wb") as pipe:
                if not self.stop.is_set():  # the open blocks until a reader opens the pipe
                    pipe.write(self.text)
            # The reader sees the end only once no writer holds the pipe: give it time to.
            self.stop.wait(0.5)

    def close(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # release a blocked open
            os.close(fd)
            self.thread.join(5)


@pytest.mark.slow
def test_a_second_run_on_the_folder_is_refused_or_waits_for_the_first(tmp_path: Path) -> None:
    raw = samples_raw(tmp_path)
    feeder = FifoFeeder(raw / "zz-pipe.txt", SAMPLES[0].read_bytes() + "\n（写し）\n".encode())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(command("run", "raw", "--jobs", "1"), cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting: subprocess.Popen[str] | None = None
    try:
        lock = raw / LOCK_NAME
        wait_for(lambda: lock.is_file() and f"pid {first.pid}" in lock.read_text())
        refused = cli("run", "raw", "--jobs", "1", cwd=tmp_path)
        assert refused.returncode == EXIT_BUSY
        assert f"in use by `extract run` pid {first.pid}" in refused.stderr
        assert "--wait" in refused.stderr
        waiting = subprocess.Popen(command("run", "raw", "--jobs", "1", "--wait", "120",
                                           "--json"), cwd=tmp_path, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert waiting.poll() is None and first.poll() is None  # one blocked, one waiting
        feeder.thread.start()
        assert first.wait(120) == 0, first.stderr.read() if first.stderr else ""
        out, err = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, err
    finally:
        feeder.close()
        for process in (first, waiting):
            if process is not None and process.poll() is None:
                process.kill()
    after = json.loads(out)
    assert after["extracted"] == 0 and after["up_to_date"] == len(SAMPLES) + 1
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".lock"))]
    assert leftovers == []


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from extract.ingest.lock import folder_lock"
        "\nwith folder_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)"),
        str(tmp_path)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(FolderBusy, match=f"pid {holder.pid}"), folder_lock(tmp_path):
            pass
        holder.kill()
        holder.wait(10)
        with folder_lock(tmp_path, wait=5):  # kill -9 left the file; its lock went with it
            pass
    finally:
        holder.kill()


def test_a_run_clears_dead_writers_temp_files_and_never_a_live_ones(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = out / "local" / f".a.json.{gone.stdout.strip()}.x1y2z3.tmp"
    live = out / "local" / f"{temp_prefix('b.json')}x1y2z3.tmp"  # this process: alive
    for temp in (dead, live):
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text("{")
    run(raw, out, jobs=1)
    assert not dead.exists() and live.exists()


def test_a_rerun_that_changes_nothing_rewrites_nothing(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    run(raw, out, jobs=1)
    before = snapshot(out)
    assert "index.json" in before and len(before) == len(SAMPLES) + 1
    again = run(raw, out, jobs=2)
    assert again.outcomes == [] and snapshot(out) == before
    # Re-extracted by a "newer" extractor with the same result: recorded, still not rewritten.
    import sqlite3

    with sqlite3.connect(raw / "catalog.sqlite") as db:
        db.execute("UPDATE runs SET extractor_version = '0.0.0'")
    redone = run(raw, out, jobs=1)
    assert len(redone.outcomes) == len(SAMPLES) and snapshot(out) == before
    assert status(raw, out).stale == 0


def test_index_carries_the_municipality_each_output_names(tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    run(raw, out, jobs=1)
    entries = json.loads((out / "index.json").read_text())["documents"]
    named = 0
    for entry in entries:
        doc = json.loads((out / entry["output"]).read_text())
        expected = doc["municipality"]
        got = entry["extracted_municipality"]
        assert (got or {}).get("name") == (expected or {}).get("name")
        named += got is not None
    assert named >= len(SAMPLES) - 1  # the seeds are city plans that name their city


def test_documents_past_a_limit_fail_with_the_limit_as_issue_and_are_redone_when_raised(
        tmp_path: Path) -> None:
    raw, out = samples_raw(tmp_path), tmp_path / "structured"
    # One long plan: every sample one after another, a hundred times over (seconds to parse,
    # so that even when a long call into a C library keeps the timer's thread waiting for the
    # interpreter, it runs long before the parse is done).
    (raw / "long.txt").write_bytes(b"\n".join(p.read_bytes() for p in SAMPLES) * 100)
    largest = max(p.stat().st_size for p in SAMPLES)
    tight = Limits(max_bytes=largest)
    summary = run(raw, out, jobs=1, limits=tight)
    failed = {o.source: o.message for o in summary.outcomes if o.status == "failed"}
    assert failed == {"long.txt": "too_large"}
    assert summary.errored == []  # a limit is a verdict on the document, not an error of ours
    (long,) = [o for o in summary.outcomes if o.source == "long.txt"]
    doc = json.loads(Path(long.output or "").read_text())
    assert doc["status"] == "failed" and [i["code"] for i in doc["issues"]] == ["too_large"]
    assert run(raw, out, jobs=1, limits=tight).outcomes == []  # same limits: nothing to redo

    slow = run(raw, out, jobs=1, limits=Limits(max_seconds=0.05))
    assert [(o.source, o.status, o.message) for o in slow.outcomes] == [
        ("long.txt", "failed", "time_limit")]
    assert run(raw, out, jobs=1, limits=Limits(max_seconds=0.05)).outcomes == []

    raised = run(raw, out, jobs=1)
    assert [(o.source, o.status) for o in raised.outcomes] == [("long.txt", "ok")]


def test_a_limit_swallowed_inside_the_block_is_raised_on_leaving_it() -> None:
    with pytest.raises(DocumentTimeout), time_limit(0.01):
        deadline = time.monotonic() + 0.3
        while time.monotonic() < deadline:
            with contextlib.suppress(DocumentTimeout):  # lost, as inside a finalizer
                time.sleep(0.001)


def test_a_block_within_its_limit_leaves_nothing_to_go_off_later() -> None:
    with time_limit(0.05):
        pass
    time.sleep(0.1)  # past the limit: nothing is raised here


def test_exit_codes_status_and_an_80_column_summary(tmp_path: Path) -> None:
    raw = samples_raw(tmp_path)
    (raw / "empty.txt").write_bytes(b"")  # bad input: a failed document, not an error
    ran = cli("run", "raw", "--jobs", "1", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines[:5]), lines
    assert lines[1].startswith(f"documents  {len(SAMPLES) + 1} extracted, 0 up to date")
    assert "1 failed" in lines[2] and lines[2].startswith("statuses   ")
    assert "failed: empty.txt: empty_input" in ran.stdout

    (raw / "gone.txt").symlink_to(tmp_path / "deleted-before-the-run.txt")
    broken = cli("run", "raw", "--jobs", "1", "--json", cwd=tmp_path)
    assert broken.returncode == 1
    facts = json.loads(broken.stdout)
    assert facts["statuses"]["unreadable"] == 1 and facts["up_to_date"] == len(SAMPLES) + 1
    assert [p["source"] for p in facts["problems"]] == ["gone.txt"]
    shown = cli("status", "raw", cwd=tmp_path)
    assert shown.returncode == 0 and "unreadable gone.txt: " in shown.stdout

    assert cli("parse", str(raw / "empty.txt"), cwd=tmp_path).returncode == 1
    assert cli("parse", str(SAMPLES[0]), "-o", "one.json", cwd=tmp_path).returncode == 0
