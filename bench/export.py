"""`extract export` time per format and with `--since`, against reading the outputs alone.

The bundled samples are repeated to DOCUMENTS files (bench/ingest.py's raw folder) and
extracted once. Then, ROUNDS times in this process and alternating, each export is timed
into a fresh folder, and so is the baseline: every output read and validated as a `Document`
(what any consumer of our JSON pays at least). Medians; the ratio export / baseline is what
turning documents into rows and files costs on top of reading them. Last, the peak of memory
Python allocates (tracemalloc) while exporting a quarter of the documents and all of them:
rows are streamed to the files, so the peak should not grow with the number of documents.

    .venv/bin/python bench/export.py [--documents 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import make_raw

from extract.export.documents import entries
from extract.export.export import export
from extract.ingest.batch import run
from extract.schema import Document


def read_all(out: Path) -> int:
    """Return how many outputs were read and validated (the baseline's work)."""
    listed = entries(out)
    for entry in listed:
        Document.model_validate_json(entry.output.read_bytes())
    return len(listed)


def peak_mib(case: Callable[[], object]) -> float:
    """Return the peak of memory Python allocated while `case` ran, in MiB."""
    tracemalloc.start()
    try:
        case()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw, out = make_raw(folder, args.documents), folder / "structured"
        run(raw, out, jobs=1)
        rows = sum(export(out, folder / "first").rows.values())
        cases: dict[str, Callable[[Path], object]] = {
            "baseline: read and validate every output": lambda _dest: read_all(out),
            "export jsonl": lambda dest: export(out, dest, "jsonl"),
            "export csv": lambda dest: export(out, dest, "csv"),
            "export parquet": lambda dest: export(out, dest, "parquet"),
            "export jsonl --since (nothing changed)": lambda dest: export(
                out, dest, "jsonl", since=folder / "first"),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for round_ in range(args.rounds):
            for number, (name, case) in enumerate(cases.items()):
                started = time.perf_counter()
                case(folder / f"e{round_}-{number}")
                times[name].append(time.perf_counter() - started)
        # Memory: the same export over a quarter of the documents; rows are streamed, so the
        # peak should not grow with the number of documents.
        quarter = folder / "quarter"
        run(make_raw(quarter, args.documents // 4), quarter / "structured", jobs=1)
        peaks = {
            f"export jsonl, {args.documents // 4} documents": peak_mib(
                lambda: export(quarter / "structured", quarter / "export")),
            f"export jsonl, {args.documents} documents": peak_mib(
                lambda: export(out, folder / "peak")),
            f"export parquet, {args.documents} documents": peak_mib(
                lambda: export(out, folder / "peak-parquet", "parquet")),
        }
    base = statistics.median(times["baseline: read and validate every output"])
    load = os.getloadavg()[0]
    print(f"{args.documents} documents, {rows} rows; medians of {args.rounds} rounds; "
          f"{os.cpu_count()} cores, load average {load:.1f} after")
    print(f"| {'case':<42} | seconds | × baseline |")
    print(f"| {'-' * 42} | ------- | ---------- |")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"| {name:<42} | {median:7.3f} | {median / base:9.2f}× |")
    for name, mib in peaks.items():
        print(f"peak Python memory, {name}: {mib:.1f} MiB")


if __name__ == "__main__":
    main()
