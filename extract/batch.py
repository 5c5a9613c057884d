"""`extract run`: every source under a folder to JSON, in parallel processes.

One bad document never stops the batch: its failure is written as a failed document. Each
output file is written atomically, so an interrupted run leaves no half-written JSON.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".pdf"})


@dataclass(slots=True)
class Outcome:
    source: str
    output: str | None
    status: str  # ok / partial / failed / unreadable
    plans: int = 0
    measures: int = 0
    message: str | None = None


@dataclass(slots=True)
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def statuses(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)


def sources(raw_dir: Path) -> Iterator[Path]:
    """Source files under `raw_dir` in a stable order (hidden files and folders skipped)."""
    for path in sorted(raw_dir.rglob("*")):
        parts = path.relative_to(raw_dir).parts
        if any(p.startswith(".") for p in parts) or not path.is_file():
            continue
        if path.suffix.lower() in SOURCE_SUFFIXES:
            yield path


def output_path(source: Path, raw_dir: Path, out_dir: Path) -> Path:
    """Where the JSON of `source` goes: the same relative path, with .json appended."""
    relative = source.relative_to(raw_dir)
    return out_dir / relative.parent / f"{relative.name}.json"


def extract_one(source: Path, output: Path) -> Outcome:
    """Parse one source and write its JSON; a file we cannot read is an outcome too."""
    from extract.pipeline import parse_or_fail, write_document
    from extract.schema import NodeKind, walk

    try:
        data = source.read_bytes()
    except OSError as error:
        return Outcome(str(source), None, "unreadable", message=f"{error.strerror}: {source}")
    doc = parse_or_fail(data, uri=source.as_posix())
    write_document(doc, output)
    measures = sum(1 for n in walk(doc.outline) if n.kind is NodeKind.MEASURE)
    failure = next((i.message for i in doc.issues if i.severity.value == "error"), None)
    return Outcome(str(source), str(output), doc.status.value, len(doc.plans), measures, failure)


def run(raw_dir: Path, out_dir: Path, jobs: int,
        progress: Callable[[Outcome], None] | None = None) -> Summary:
    """Extract every source under `raw_dir` into `out_dir` with `jobs` processes."""
    started = time.perf_counter()
    summary = Summary()
    todo = [(s, output_path(s, raw_dir, out_dir)) for s in sources(raw_dir)]
    if jobs <= 1:
        for source, output in todo:
            outcome = extract_one(source, output)
            summary.outcomes.append(outcome)
            if progress:
                progress(outcome)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(extract_one, s, o): s for s, o in todo}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as error:  # a worker that died: record it, go on
                    outcome = Outcome(str(futures[future]), None, "failed",
                                      message=f"{type(error).__name__}: {error}")
                summary.outcomes.append(outcome)
                if progress:
                    progress(outcome)
    summary.outcomes.sort(key=lambda o: o.source)
    summary.seconds = time.perf_counter() - started
    return summary
