"""Documents per second of `extract run` with --jobs 1 and --jobs 2, and their ratio.

The bundled samples (raw/samples/*.txt) are repeated to DOCUMENTS files, each with a numbered
line appended so every file's bytes differ (the store would keep identical bytes once). Each
round runs the real command (`python -m extract run RAW -o OUT --jobs N`) in a fresh raw folder
with no catalog, so it times everything an operator waits for: start-up, registering the
hand-placed files, extraction, the catalog and the index. Medians of ROUNDS rounds, the two job
counts alternating so a busy machine slows both alike.

Baseline, in this process: the same documents through `parse_bytes` alone, one after another
and then in a 2-process pool. Its ratio is the speed-up the machine gives pure extraction at
that moment (less than 2 when other work shares the cores); the batch's ratio is read against
it.

    .venv/bin/python bench/ingest.py [--documents 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.txt"))


def make_raw(folder: Path, documents: int) -> Path:
    """Return a raw folder holding `documents` sample copies whose bytes all differ."""
    raw = folder / "raw"
    raw.mkdir(parents=True)
    originals = [(s.stem, s.read_bytes()) for s in SAMPLES]
    for number in range(documents):
        stem, data = originals[number % len(originals)]
        (raw / f"{stem}_{number:04d}.txt").write_bytes(data + f"\n（写し {number}）\n".encode())
    return raw


def varied(documents: int) -> list[bytes]:
    """Return the bytes of `documents` sample copies, each with a numbered line appended."""
    originals = [s.read_bytes() for s in SAMPLES]
    return [originals[n % len(originals)] + f"\n（写し {n}）\n".encode()
            for n in range(documents)]


def _parse(data: bytes) -> str:
    from extract.pipeline import parse_bytes

    return parse_bytes(data, uri="bench.txt").status.value


def timed_baseline(datas: list[bytes], jobs: int) -> float:
    """Return the seconds `parse_bytes` takes over `datas`, serially or in a process pool."""
    started = time.perf_counter()
    if jobs == 1:
        statuses = [_parse(data) for data in datas]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            statuses = pool.map(_parse, datas, chunksize=4)
    seconds = time.perf_counter() - started
    assert len(statuses) == len(datas)
    return seconds


def timed_run(folder: Path, documents: int, jobs: int) -> float:
    """Return the seconds of one `extract run --jobs N` over a fresh raw folder."""
    work = folder / f"jobs{jobs}"
    shutil.rmtree(work, ignore_errors=True)
    raw = make_raw(work, documents)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "extract", "run", str(raw), "-o", str(work / "out"),
               "--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    written = sum(1 for _ in (work / "out").rglob("*.json")) - 1  # index.json aside
    if written != documents:
        raise SystemExit(f"--jobs {jobs} wrote {written} documents, expected {documents}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not SAMPLES:
        raise SystemExit(f"no samples in {ROOT / 'raw' / 'samples'}")
    sys.path.insert(0, str(ROOT))
    from extract.structure.segment import tokenizer

    tokenizer()  # loaded before the pool forks, as `extract run` does
    datas = varied(args.documents)
    load_before = os.getloadavg()[0]
    times: dict[int, list[float]] = {1: [], 2: []}
    base: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for _ in range(args.rounds):
            for jobs in times:
                base[jobs].append(timed_baseline(datas, jobs))
                times[jobs].append(timed_run(Path(tmp), args.documents, jobs))
    print(f"{args.documents} documents ({len(SAMPLES)} samples, varied bytes), median of "
          f"{args.rounds} rounds, {os.cpu_count()} cores, load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    ratios = {}
    for label, measured in (("baseline parse_bytes", base), ("extract run", times)):
        rate = {jobs: args.documents / statistics.median(t) for jobs, t in measured.items()}
        ratios[label] = rate[2] / rate[1]
        for jobs, seconds in measured.items():
            print(f"  {label:<21} jobs {jobs}: {rate[jobs]:6.1f} documents/s  (median "
                  f"{statistics.median(seconds):.2f} s; {', '.join(f'{s:.2f}' for s in seconds)})")
        print(f"  {label:<21} speed-up 2 / 1: {ratios[label]:.2f}x")
    print(f"  extract run's speed-up relative to the baseline's: "
          f"{ratios['extract run'] / ratios['baseline parse_bytes']:.2f}")


if __name__ == "__main__":
    main()
