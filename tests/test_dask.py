"""`extract run` on a real dask.distributed LocalCluster of worker processes, on the bundled
real samples (each repeated with a numbered line appended, so every copy is a version)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from extract.ingest.batch import Outcome, Result, Summary, plan, run
from extract.ingest.catalog import Catalog
from extract.ingest.store import RawStore

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.txt"))
COPIES = 3  # of each sample: 15 documents, enough to keep two workers busy for a while
BOUND = 180  # seconds any one batch may take before the test fails rather than hangs


def make_raw(folder: Path) -> Path:
    raw = folder / "raw"
    raw.mkdir(parents=True)
    for sample in SAMPLES:
        for copy in range(COPIES):
            (raw / f"{sample.stem}_{copy}.txt").write_bytes(
                sample.read_bytes() + f"\n（写し {copy}）\n".encode())
    return raw


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def bounded(call: Callable[[], Summary]) -> Summary:
    """Run `call` in a thread; fail the test if it has not returned within BOUND seconds."""
    done: list[Summary] = []
    thread = threading.Thread(target=lambda: done.append(call()), daemon=True)
    thread.start()
    thread.join(BOUND)
    assert done, f"the batch did not finish in {BOUND} s"
    return done[0]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as local:
        yield local


@pytest.mark.slow
def test_dask_local_writes_byte_identical_outputs_to_the_process_pool(tmp_path: Path) -> None:
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    make_raw(pool)
    shutil.copytree(pool / "raw", dask / "raw")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for folder, options in ((pool, ["--jobs", "2"]), (dask, ["--dask", "local", "--jobs", "2"])):
        done = subprocess.run([sys.executable, "-m", "extract", "run", "raw", *options],
                              cwd=folder, env=env, capture_output=True, text=True,
                              timeout=BOUND, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    expected, got = files(pool / "structured"), files(dask / "structured")
    assert len(expected) == len(SAMPLES) * COPIES + 1  # and index.json
    assert got == expected


@pytest.mark.slow
def test_a_killed_worker_costs_only_time(cluster: Any, tmp_path: Path) -> None:
    raw = make_raw(tmp_path / "a")
    shutil.copytree(raw, tmp_path / "b" / "raw")  # its own catalog: a run moves outputs
    reference = bounded(lambda: run(tmp_path / "b" / "raw", tmp_path / "reference", jobs=1))
    client = distributed.Client(cluster)
    killed: list[int] = []

    def kill_a_busy_worker(_outcome: Outcome) -> None:
        if killed:
            return
        busy = [w for w, keys in client.processing().items() if keys]
        pids = client.run(os.getpid, workers=busy[:1])
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    try:
        summary = bounded(lambda: run(raw, tmp_path / "dask", jobs=2,
                                      dask=cluster.scheduler_address,
                                      progress=kill_a_busy_worker))
        client.wait_for_workers(2, timeout=60)
        alive = set(client.run(os.getpid).values())
    finally:
        client.close()
    assert len(killed) == 1 and killed[0] not in alive  # killed mid-batch, replaced since
    assert len(summary.outcomes) == len(SAMPLES) * COPIES
    assert {o.status for o in summary.outcomes} <= {"ok", "partial"}
    assert reference.outcomes and files(tmp_path / "dask") == files(tmp_path / "reference")


@pytest.mark.slow
def test_workers_that_cannot_see_the_store_get_the_bytes(cluster: Any, tmp_path: Path) -> None:
    from extract.ingest.dask_executor import execute_on_dask

    raw, out = make_raw(tmp_path), tmp_path / "structured"
    run(raw, tmp_path / "registered", jobs=1)  # registers the versions in the catalog
    store = RawStore(raw)
    with Catalog.in_raw(raw) as catalog:
        tasks, _ = plan(catalog.versions(), out.resolve(), store)
    # As on a worker machine without the raw folder mounted: the path leads nowhere.
    elsewhere = [replace(t, stored=str(tmp_path / "not-mounted" / Path(t.stored).name))
                 for t in tasks[:4]]
    results: list[Result] = list(execute_on_dask(elsewhere, cluster.scheduler_address, 2,
                                                 store))
    assert len(results) == 4 and {r.status for r in results} <= {"ok", "partial"}
    assert all(Path(r.output or "").is_file() for r in results)


def test_a_scheduler_without_workers_is_a_clear_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from extract.ingest import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", "2s")  # the wait, not the behaviour
    raw = make_raw(tmp_path)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None,
                                  silence_logs=40) as empty, \
            pytest.raises(dask_executor.ClusterUnavailable, match="has no workers"):
        run(raw, tmp_path / "out", jobs=2, dask=empty.scheduler_address)
    assert not (tmp_path / "out" / "index.json").exists()
