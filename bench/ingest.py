"""Documents per second of `extract run` with --jobs 1, --jobs 2 and a 2-worker Dask
LocalCluster, their ratios, and a paper estimate of the nationwide batch.

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

The Dask row runs `extract run --dask local --jobs 2`: the cluster's start (a scheduler and
two worker processes, each loading the pipeline) is inside its time, as an operator sees it.

The estimate: every corpus PDF (../shared/corpus/pdf) through `parse_bytes` once gives pages
per second on one core and pages per document; times an assumed number of plan documents per
municipality (--per-city) for all 1,741 municipalities, that is the core-hours of a full batch.

    .venv/bin/python bench/ingest.py [--documents 200] [--rounds 5] [--per-city 30]
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

# Run as `python bench/ingest.py`, this folder comes first on sys.path, where bench/html.py would
# shadow the standard library's html module that pdfminer imports.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.txt"))
CORPUS_PDFS = sorted((ROOT.parent / "shared" / "corpus" / "pdf").rglob("*.pdf"))
MUNICIPALITIES = 1741  # 市区町村 (792 市, 743 町, 183 村, 23 特別区)
RUNS = {"--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"],
        "dask local, 2 workers": ["--dask", "local", "--jobs", "2"]}


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


def timed_run(folder: Path, documents: int, options: list[str]) -> float:
    """Return the seconds of one `extract run OPTIONS` over a fresh raw folder."""
    work = folder / "run"
    shutil.rmtree(work, ignore_errors=True)
    raw = make_raw(work, documents)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "extract", "run", str(raw), "-o", str(work / "out"),
               *options]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    written = sum(1 for _ in (work / "out").rglob("*.json")) - 1  # index.json aside
    if written != documents:
        raise SystemExit(f"{options} wrote {written} documents, expected {documents}")
    return seconds


def pdf_pages_per_second() -> tuple[float, float, int]:
    """Return (pages per second on one core, pages per document, documents) over the
    corpus PDFs, each through `parse_bytes` once."""
    from extract.pipeline import parse_bytes

    pages, seconds = 0, 0.0
    for pdf in CORPUS_PDFS:
        data = pdf.read_bytes()
        started = time.perf_counter()
        doc = parse_bytes(data, uri=pdf.name)
        seconds += time.perf_counter() - started
        pages += doc.source.pages or 0
    return pages / seconds, pages / len(CORPUS_PDFS), len(CORPUS_PDFS)


def estimate(per_city: int) -> None:
    """Print the nationwide batch's size and core-hours from measured pages per second."""
    if not CORPUS_PDFS:
        print("  no corpus PDFs in ../shared: no nationwide estimate")
        return
    rate, per_document, count = pdf_pages_per_second()
    documents = MUNICIPALITIES * per_city
    pages = documents * per_document
    core_hours = pages / rate / 3600
    print(f"nationwide estimate: {MUNICIPALITIES} municipalities x {per_city} documents "
          f"(assumed) = {documents:,} documents")
    print(f"  x {per_document:.1f} pages a document (the {count} corpus PDFs) = {pages:,.0f} "
          f"pages")
    print(f"  at {rate:.1f} pages/s on one core (measured, parse_bytes) = {core_hours:,.1f} "
          f"core-hours: {core_hours / 16:,.1f} h on one 16-core machine, "
          f"{core_hours / 64:,.1f} h on four")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-city", type=int, default=30,
                        help="plan documents assumed per municipality, for the estimate")
    args = parser.parse_args()
    if not SAMPLES:
        raise SystemExit(f"no samples in {ROOT / 'raw' / 'samples'}")
    sys.path.insert(0, str(ROOT))
    from extract.structure.segment import tokenizer

    tokenizer()  # loaded before the pool forks, as `extract run` does
    datas = varied(args.documents)
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {label: [] for label in RUNS}
    base: dict[str, list[float]] = {"--jobs 1": [], "--jobs 2": []}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for _ in range(args.rounds):
            for label, options in RUNS.items():
                if label in base:
                    base[label].append(timed_baseline(datas, int(options[-1])))
                times[label].append(timed_run(Path(tmp), args.documents, options))
    print(f"{args.documents} documents ({len(SAMPLES)} samples, varied bytes), median of "
          f"{args.rounds} rounds, {os.cpu_count()} cores, load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for title, measured in (("baseline parse_bytes", base), ("extract run", times)):
        rate = {label: args.documents / statistics.median(t) for label, t in measured.items()}
        for label, seconds in measured.items():
            print(f"  {title:<20} {label:<22} {rate[label]:6.1f} documents/s  "
                  f"{rate[label] / rate['--jobs 1']:.2f}x  (median "
                  f"{statistics.median(seconds):.2f} s; {', '.join(f'{s:.2f}' for s in seconds)})")
    estimate(args.per_city)


if __name__ == "__main__":
    main()
