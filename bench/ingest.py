"""Documents per second of `extract run` with --jobs 1 and --jobs 2, and their ratio.

The bundled samples (raw/samples/*.txt) are repeated to DOCUMENTS files, each with a numbered
line appended so every file's bytes differ (the store would keep identical bytes once). Each
round runs the real command (`python -m extract run RAW -o OUT --jobs N`) in a fresh raw folder
with no catalog, so it times everything an operator waits for: start-up, registering the
hand-placed files, extraction, the catalog and the index. Medians of ROUNDS rounds, the two job
counts alternating so a busy machine slows both alike.

    .venv/bin/python bench/ingest.py [--documents 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
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
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for _ in range(args.rounds):
            for jobs in times:
                times[jobs].append(timed_run(Path(tmp), args.documents, jobs))
    rate = {jobs: args.documents / statistics.median(t) for jobs, t in times.items()}
    print(f"extract run on {args.documents} documents ({len(SAMPLES)} samples, varied bytes), "
          f"median of {args.rounds} rounds, {os.cpu_count()} cores")
    for jobs, seconds in times.items():
        print(f"  --jobs {jobs}: {rate[jobs]:6.1f} documents/s  "
              f"(median {statistics.median(seconds):.2f} s; "
              f"runs {', '.join(f'{s:.2f}' for s in seconds)})")
    print(f"  speed-up --jobs 2 / --jobs 1: {rate[2] / rate[1]:.2f}x")


if __name__ == "__main__":
    main()
