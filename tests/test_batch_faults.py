"""kill -9 during `extract fetch` and during `extract run`, then the same commands again: the
result equals an uninterrupted run's, byte for byte, and the catalog is sound."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests.loopback import LoopbackSite, batch_site

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = 200


def start(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "extract", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(args: list[str], cwd: Path) -> float:
    """Run a command to its end; return its seconds."""
    started = time.monotonic()
    process = start(args, cwd)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - started


def kill_after(args: list[str], cwd: Path, seconds: float) -> bool:
    """Start a command and kill -9 it after `seconds`; return whether it was still running."""
    process = start(args, cwd)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)  # the command's own process only, as `kill -9 PID`
        process.wait()
        return True
    return False


def files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (hidden ones included) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def integrity(raw: Path) -> str:
    with sqlite3.connect(raw / "catalog.sqlite") as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.slow
def test_kill_9_twice_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    site: LoopbackSite
    with batch_site(tmp_path, DOCUMENTS) as site:
        fetch = ["fetch", site.url("/batch/"), "--allow-private", "--delay", "0",
                 "--max-pages", "500", "-q"]
        run = ["run", "--jobs", "2"]
        reference, work = tmp_path / "reference", tmp_path / "work"
        reference.mkdir()
        work.mkdir()
        fetch_seconds = finish(fetch, reference)
        run_seconds = finish(run, reference)

        first = rng.uniform(0.1, 0.6) * fetch_seconds  # margin: the machine may speed up
        second = rng.uniform(0.1, 0.6) * run_seconds
        killed_fetch = kill_after(fetch, work, first)
        finish(fetch, work)
        killed_run = kill_after(run, work, second)
        assert (killed_fetch, killed_run) == (True, True), f"seed {seed}: a kill came too late"
        finish(fetch, work)
        finish(run, work)

    expected, got = files(reference / "structured"), files(work / "structured")
    written = len(expected) - 1  # index.json aside
    if all(find_spec(f"extract.readers.{kind}") for kind in ("html", "pdf")):
        assert written == DOCUMENTS + 1  # and the /batch/ page
    else:
        assert written >= DOCUMENTS // 2  # the texts, at least, when a reader is missing
    assert sorted(got) == sorted(expected), f"seed {seed}: different files"
    assert got == expected, f"seed {seed}: same files, different bytes"
    assert not [name for name in got if name.endswith(".tmp")]
    stored = {p.name for p in (reference / "raw" / "objects").rglob("*.bin")}
    assert {p.name for p in (work / "raw" / "objects").rglob("*.bin")} == stored
    assert integrity(work / "raw") == "ok" and integrity(reference / "raw") == "ok"
