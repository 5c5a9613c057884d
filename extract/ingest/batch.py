"""`extract run`: every document version in the catalog to one JSON file, incrementally.

1. scan      files placed in raw/ by hand become sources (their path under raw/ is the URI),
             their bytes copied into the store, a changed file a new version
2. plan      a version is up to date when its latest run was made by this extractor and schema
             version and its output is where it belongs; every other version is to do
3. extract   in worker processes: stored bytes → `parse_bytes` → `write_document` (atomic)
4. record    the parent records each run in the catalog as it arrives (one transaction each):
             status, issues, output and its sha256, or the error with its traceback
5. review    outputs whose source has corrections get `<sha>.reviewed.json` beside them,
             remade when the raw output or the corrections changed (`extract.review`)
6. index     `structured/index.json` lists every output and its review, rewritten atomically

Crash safety: outputs and the index are written to a temp file and renamed; the catalog commits
one run at a time. A run killed at any point leaves complete files and a consistent catalog;
the next run redoes what it did not record (rewriting identical bytes) and clears temp files.
Workers watch their parent and exit when it dies, so a killed run leaves no stray writers.

An output file that differs from what was last written there was edited by hand: it is kept,
never overwritten, and the run reports it. Corrections belong in correction records
(`extract review`), which survive every re-extraction; a hand edit stays on its own version.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import re
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from extract import __version__
from extract.errors import ExtractError
from extract.files import orphaned, write_text_atomic
from extract.ingest.catalog import CATALOG_FILES, Catalog, RunFailure, RunRecord, VersionState
from extract.ingest.limits import DEFAULT_LIMITS, DocumentTimeout, Limits, time_limit
from extract.ingest.lock import folder_lock
from extract.ingest.store import OBJECTS_DIR, RawStore, sha256_file
from extract.review.reviewed import ReviewStep, review_all
from extract.review.store import ReviewRecord
from extract.schema import SCHEMA_VERSION, Document

if TYPE_CHECKING:
    from extract.readers.pdf_pages import PdfOptions

SOURCE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".pdf", ".docx", ".xlsx", ".doc",
                             ".xls"})
INDEX_NAME = "index.json"
DONE = frozenset({"ok", "partial", "failed", "kept_edited"})  # statuses that leave an output
# Every status a document can end a run with, in the order a summary lists them.
RUN_STATUSES = ("ok", "partial", "failed", "kept_edited", "error", "unreadable")
CHUNK = 4  # tasks sent to a worker at once: fewer round trips to the parent, still balanced
IN_FLIGHT_PER_JOB = 2  # chunks queued per worker: it never waits for the parent
PARENT_POLL_SECONDS = 0.5  # how soon a worker notices its parent was killed
NAME_MAX = 80  # characters of a folder name taken from a URL or file name


@dataclass(slots=True)
class Outcome:
    """What happened to one document in this run."""

    source: str
    output: str | None
    status: str  # ok / partial / failed / error / kept_edited / unreadable
    plans: int = 0
    measures: int = 0
    message: str | None = None


@dataclass(slots=True)
class Summary:
    """A run: the documents it extracted, how many were up to date, and its time."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: int = 0  # up to date: extracted before by this extractor and schema version
    registered: int = 0  # new versions of hand-placed files
    seconds: float = 0.0
    reviews: list[ReviewStep] = field(default_factory=list)  # outputs with corrections

    @property
    def statuses(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def errored(self) -> list[Outcome]:
        """Documents that raised (a defect of ours) or files that could not be read: the
        run's own failures, unlike a failed document, which is a verdict on bad input."""
        return [o for o in self.outcomes if o.status in ("error", "unreadable")]

    def as_json(self) -> dict[str, object]:
        """Return the summary for machines (`extract run --json`)."""
        statuses = self.statuses
        return {
            "extracted": len(self.outcomes) - statuses["unreadable"],
            "up_to_date": self.skipped, "new_local_versions": self.registered,
            "statuses": {s: statuses[s] for s in RUN_STATUSES},
            "plans": sum(o.plans for o in self.outcomes),
            "measures": sum(o.measures for o in self.outcomes),
            "seconds": round(self.seconds, 3),
            "problems": [{"source": o.source, "status": o.status, "output": o.output,
                          "message": o.message} for o in self.outcomes
                         if o.status not in ("ok", "partial")],
        }

    def lines(self) -> list[str]:
        """Return the summary as short lines of plain text (whole in 80 columns, and in a
        log file); problems one per line after it."""
        facts = self.as_json()
        statuses = self.statuses
        counts = ", ".join(f"{statuses[s]} {s}" for s in RUN_STATUSES if statuses[s])
        out = [
            f"documents  {facts['extracted']} extracted, {self.skipped} up to date, "
            f"{self.registered} new local versions",
            f"statuses   {counts or 'none'}",
            f"found      {facts['plans']} plans, {facts['measures']} measures",
            f"time       {self.seconds:.1f} s",
        ]
        for o in self.outcomes:
            if o.status not in ("ok", "partial"):
                out.append(f"{o.status}: {o.source}" + (f": {o.message}" if o.message else ""))
        return out


@dataclass(frozen=True, slots=True)
class Task:
    """One version to extract, with all a worker needs (picklable, no catalog access)."""

    version_id: int
    sha256: str
    stored: str  # path of the bytes in the store
    uri: str
    media_type: str | None
    charset: str | None
    output: str
    written_sha256: str | None  # sha256 of what we last wrote at `output`, if anything
    municipality: str | None
    municipality_code: str | None
    size: int = 0
    limits: Limits = DEFAULT_LIMITS
    pdf: PdfOptions | None = None  # how PDFs are read (engine, OCR); None: the defaults


@dataclass(frozen=True, slots=True)
class Result:
    """What a worker reports for one task."""

    version_id: int
    status: str
    output: str | None = None
    output_sha256: str | None = None
    issues: tuple[str, ...] = ()
    plans: int = 0
    measures: int = 0
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0
    municipality: str | None = None  # JSON object: the municipality the output names


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document extracted and serialized but not written: what a remote worker returns."""

    version_id: int
    text: str  # the output file's exact contents
    status: str
    issues: tuple[str, ...]
    plans: int
    measures: int
    municipality: str | None
    seconds: float


class StoreDamaged(ExtractError):
    """A stored object's bytes no longer match its name (a disk fault, a power cut)."""


# -- 1. scan -----------------------------------------------------------------------------


def hand_placed(raw: Path) -> Iterator[Path]:
    """Return the source files placed under `raw` by hand (the store and catalog aside)."""
    for folder, dirs, names in os.walk(raw):
        here = Path(folder)
        # Pruned, not filtered: the store may hold many thousands of objects.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (here == raw and d == OBJECTS_DIR))
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or (here == raw and name in CATALOG_FILES):
                continue
            if path.suffix.lower() in SOURCE_SUFFIXES and not path.is_dir():
                yield path  # a dangling link stays in: reading it fails and is reported


def scan(raw: Path, store: RawStore, catalog: Catalog) -> tuple[int, list[Outcome]]:
    """Register hand-placed files; return new versions and the files that could not be read."""
    new, unreadable = 0, []
    for path in hand_placed(raw):
        relative = path.relative_to(raw).as_posix()
        try:
            stat = path.stat()
            known = catalog.local_file(relative)
            if (known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns)
                    and store.has(known[2], stat.st_size)):
                continue  # unchanged since the last scan: no need to hash it again
            # No fsync: the file in raw/ is a second copy, should a power cut damage this one.
            stored = store.put_file(path, durable=False)
        except OSError as error:
            unreadable.append(Outcome(relative, None, "unreadable",
                                      message=f"{error.strerror}: {path}"))
            continue
        media_type = mimetypes.guess_type(path.name)[0]
        new += catalog.record_local_file(relative, stat.st_size, stat.st_mtime_ns,
                                         stored.sha256, media_type)
    catalog.record_unreadable({o.source: o.message or "" for o in unreadable})
    return new, unreadable


# -- 2. plan -----------------------------------------------------------------------------


def _safe(name: str) -> str:
    """Return `name` usable as one folder name on any file system."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip().lstrip(".")
    return name[:NAME_MAX] or "_"


def output_path(state: VersionState) -> PurePosixPath:
    """Return where a version's JSON goes under the output folder.

    web:   <code>_<municipality> (or its name, or the host) / <file name>-<url hash> / <sha>.json
    local: local / <folders under raw> / <file name> / <sha>.json
    """
    version = f"{state.sha256[:16]}.json"
    if state.kind == "local":
        relative = PurePosixPath(state.uri)
        folders = [_safe(p) for p in relative.parent.parts]
        return PurePosixPath("local", *folders, _safe(relative.name), version)
    parts = urlsplit(state.uri)
    named = "_".join(p for p in (state.municipality_code, state.municipality) if p)
    segments = [s for s in unquote(parts.path).split("/") if s]
    document = segments[-1] if segments else parts.netloc
    url_hash = hashlib.sha256(state.uri.encode()).hexdigest()[:8]
    return PurePosixPath(_safe(named or parts.netloc), f"{_safe(document)}-{url_hash}", version)


def is_done(state: VersionState, out: Path, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Return whether a version's output is current and in place."""
    target = out / output_path(state)
    return (state.extractor_version == __version__ and state.schema_version == SCHEMA_VERSION
            and state.status in DONE and state.output_path == str(target) and target.is_file()
            and not limits_raised(state, limits))


def limits_raised(state: VersionState, limits: Limits) -> bool:
    """Return whether the version failed on a limit that `limits` now lifts."""
    codes = json.loads(state.issues or "[]")
    return (("too_large" in codes and state.size <= limits.max_bytes)
            or ("time_limit" in codes and (state.seconds or 0.0) < limits.max_seconds))


def plan(states: list[VersionState], out: Path, store: RawStore,
         limits: Limits = DEFAULT_LIMITS) -> tuple[list[Task], int]:
    """Return the tasks to run (largest first, to balance the workers) and how many are done."""
    tasks, done = [], 0
    for state in states:
        if is_done(state, out, limits):
            done += 1
            continue
        target = str(out / output_path(state))
        ours = state.output_sha256 if state.output_path == target else None
        tasks.append(Task(state.version_id, state.sha256, str(store.path(state.sha256)),
                          state.uri, state.media_type, state.charset, target, ours,
                          state.municipality, state.municipality_code, state.size, limits))
    sizes = {s.version_id: s.size for s in states}
    tasks.sort(key=lambda t: -sizes[t.version_id])
    return tasks, done


# -- 3. extract (in a worker) ------------------------------------------------------------


def extract_version(task: Task) -> Result:
    """Extract one version and write its JSON; a defect of ours is a result, not a crash."""
    started = time.perf_counter()
    try:
        return write_rendered(task, _render(task, None, started))
    except Exception as error:
        return _error_result(task, error, started)


# Held while a worker writes an output: a worker whose parent died exits between two writes,
# never in the middle of one, so a killed run leaves no temp file behind it.
_WRITING = threading.Lock()


def _error_result(task: Task, error: Exception, started: float) -> Result:
    return Result(task.version_id, "error", error=f"{type(error).__name__}: {error}",
                  traceback=traceback.format_exc(), seconds=time.perf_counter() - started)


def render_version(task: Task, data: bytes | None = None) -> Rendered | Result:
    """Extract one version without writing it (`data`: its bytes, else read from the store);
    a defect of ours is a Result with status error."""
    started = time.perf_counter()
    try:
        return _render(task, data, started)
    except Exception as error:
        return _error_result(task, error, started)


def _render(task: Task, data: bytes | None, started: float) -> Rendered:
    from extract.pipeline import failed_document, parse_bytes
    from extract.schema import Municipality, NodeKind, walk

    limits = task.limits
    media = task.media_type or mimetypes.guess_type(task.uri)[0] or "application/octet-stream"
    if task.size > limits.max_bytes:
        doc = failed_document(task.uri, task.sha256, task.size, media, "too_large",
                              f"{task.size} bytes, more than the batch's limit of "
                              f"{limits.max_bytes} (--max-mb)")
    else:
        data = Path(task.stored).read_bytes() if data is None else data
        if hashlib.sha256(data).hexdigest() != task.sha256:
            raise StoreDamaged(f"{task.stored} no longer holds the bytes of its name")
        try:
            with time_limit(limits.max_seconds):
                doc = parse_bytes(data, uri=task.uri, media_type=task.media_type,
                                  charset=task.charset, pdf=task.pdf)
        except DocumentTimeout:
            doc = failed_document(task.uri, task.sha256, task.size, media, "time_limit",
                                  f"extraction took longer than the batch's limit of "
                                  f"{limits.max_seconds:g} s (--max-seconds)")
    if doc.municipality is None and task.municipality:
        # The manifest names the municipality the document itself may not.
        doc = doc.model_copy(update={"municipality": Municipality(
            name=task.municipality, code=task.municipality_code)})
    measures = sum(1 for n in walk(doc.outline) if n.kind is NodeKind.MEASURE)
    named = doc.municipality.model_dump_json(exclude_none=True) if doc.municipality else None
    return Rendered(task.version_id, doc.model_dump_json(indent=2) + "\n", doc.status.value,
                    issue_codes(doc), len(doc.plans), measures, named,
                    time.perf_counter() - started)


def write_rendered(task: Task, rendered: Rendered | Result) -> Result:
    """Write a rendered document at its output unless that would change nothing or overwrite
    an edit; return the task's result."""
    if isinstance(rendered, Result):
        return rendered  # an error: nothing to write
    output = Path(task.output)
    new_sha256 = hashlib.sha256(rendered.text.encode("utf-8")).hexdigest()
    current = sha256_file(output) if output.is_file() else None
    status = rendered.status
    if current is not None and current != new_sha256 and current != task.written_sha256:
        # Not what we last wrote here, nor what we would write: a reviewer's edit (our own
        # unrecorded write from a killed run has the new bytes). An edit is never overwritten.
        status = "kept_edited"
    elif current != new_sha256:
        with _WRITING:
            write_text_atomic(output, rendered.text)
    if status == "kept_edited":
        return Result(rendered.version_id, status, str(output), issues=rendered.issues,
                      seconds=rendered.seconds)
    return Result(rendered.version_id, status, str(output), new_sha256, rendered.issues,
                  rendered.plans, rendered.measures, seconds=rendered.seconds,
                  municipality=rendered.municipality)


def issue_codes(doc: Document) -> tuple[str, ...]:
    """Return the issue codes of a document (their messages stay in its JSON)."""
    return tuple(issue.code for issue in doc.issues)


def _watch_parent(parent: int) -> None:
    """Make this worker exit when its parent dies (kill -9 leaves no orphan writing files)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        with _WRITING:
            os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def extract_versions(tasks: list[Task]) -> list[Result]:
    """Return the results of a few tasks run one after another (one round trip for all)."""
    return [extract_version(task) for task in tasks]


def execute(tasks: list[Task], jobs: int) -> Iterator[Result]:
    """Yield the result of every task, in `jobs` worker processes (in this one when 1)."""
    if jobs <= 1:
        yield from map(extract_version, tasks)
        return
    suspects: list[Task] = []
    chunks = [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    pending = list(reversed(chunks))
    while pending:
        with _pool(jobs) as pool:
            running: dict[Future[list[Result]], list[Task]] = {}
            try:
                while pending or running:
                    while pending and len(running) < jobs * IN_FLIGHT_PER_JOB:
                        chunk = pending.pop()
                        running[pool.submit(extract_versions, chunk)] = chunk
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        results = future.result()  # raises when the pool broke
                        del running[future]
                        yield from results
            except BrokenProcessPool:
                # A worker died (a crash in a native library, the OOM killer): which task
                # killed it is unknown, so each one in flight is retried alone below.
                suspects += [task for chunk in running.values() for task in chunk]
    for task in suspects:
        with _pool(1) as pool:
            try:
                yield pool.submit(extract_version, task).result()
            except BrokenProcessPool:
                yield Result(task.version_id, "error", error="the worker process died while "
                             "extracting this document (a crash or out of memory)")


def _preload() -> None:
    """Load the pipeline and its Sudachi dictionary here once: forked workers share them."""
    import extract.pipeline  # noqa: F401
    from extract.structure.segment import tokenizer

    tokenizer()


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_watch_parent,
                               initargs=(os.getpid(),))


# -- 4. record, 5. review, 6. index ----------------------------------------------------


def clear_temp_files(out: Path) -> int:
    """Remove temp files a killed process left in the output folder; return how many."""
    removed = 0
    for temp in out.rglob(".*.tmp"):
        if not orphaned(temp):
            continue  # a live process is writing it
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
            removed += 1
    return removed


def write_index(out: Path, states: list[VersionState],
                reviews: dict[tuple[str, str], ReviewRecord] | None = None) -> Path:
    """Write `index.json` listing every output under `out` (atomically); return its path.

    `reviews` by (uri, sha256): an output with one names its reviewed document, who made the
    corrections, and how many were applied, absorbed, in conflict or undone.
    """
    latest: dict[str, int] = {}
    for state in states:
        latest[state.uri] = max(latest.get(state.uri, 0), state.version_id)
    entries = []
    for state in states:
        if state.status not in DONE or not state.output_path:
            continue
        target = Path(state.output_path)
        if not target.is_file() or not target.is_relative_to(out):
            continue
        entries.append({
            "output": target.relative_to(out).as_posix(), "uri": state.uri,
            "municipality": state.municipality, "municipality_code": state.municipality_code,
            "sha256": state.sha256, "media_type": state.media_type, "status": state.status,
            "extractor_version": state.extractor_version,
            "schema_version": state.schema_version,
            "latest": latest[state.uri] == state.version_id,
            "extracted_municipality": json.loads(state.extracted_municipality)
            if state.extracted_municipality else None,
            "reviewed": _review_entry(out, (reviews or {}).get((state.uri, state.sha256))),
        })
    entries.sort(key=lambda e: str(e["output"]))
    index = out / INDEX_NAME
    listing = json.dumps({"documents": entries}, ensure_ascii=False, indent=2) + "\n"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if index.read_text("utf-8") == listing:
            return index  # unchanged: not rewritten, so its mtime says when it last changed
    write_text_atomic(index, listing)
    return index


def _review_entry(out: Path, review: ReviewRecord | None) -> dict[str, object] | None:
    if review is None or not Path(review.reviewed_output).is_file():
        return None
    reviewed = Path(review.reviewed_output)
    return {
        "output": (reviewed.relative_to(out).as_posix() if reviewed.is_relative_to(out)
                   else str(reviewed)),
        "authors": list(review.authors), "extractor_version": review.extractor_version,
        "status": review.status,
        "corrections": review.counts, "conflicts": review.counts.get("conflict", 0),
        "reviewed_at": review.finished_at,
    }


def _retire(state: VersionState, new_output: str) -> None:
    """Remove the version's previous output when it moved and is still what we wrote there."""
    old = state.output_path
    if not old or old == new_output or state.output_sha256 is None:
        return
    with contextlib.suppress(FileNotFoundError):
        if sha256_file(Path(old)) == state.output_sha256:
            Path(old).unlink()


def run(raw_dir: Path, out_dir: Path, jobs: int = 1,
        progress: Callable[[Outcome], None] | None = None,
        on_plan: Callable[[int, int], None] | None = None, *, limits: Limits = DEFAULT_LIMITS,
        dask: str | None = None, wait: float = 0.0,
        pdf: PdfOptions | None = None) -> Summary:
    """Extract every version in `raw_dir` not yet extracted by this version into `out_dir`.

    `jobs` worker processes extract (this one when 1), or, given `dask` ("local" for a
    LocalCluster of `jobs` workers, or a scheduler address), Dask workers. `on_plan(to_do,
    up_to_date)` is called once before extraction starts, `progress` once per document done;
    `pdf` says how PDFs are read.
    Both folders are locked for the run; another run waits up to `wait` seconds for them,
    then raises FolderBusy.
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as locks:
        for folder in dict.fromkeys((raw_dir.resolve(), out_dir.resolve())):
            locks.enter_context(folder_lock(folder, wait))
        summary = _run_locked(raw_dir, out_dir, jobs, progress, on_plan, limits, dask, pdf)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_locked(raw_dir: Path, out_dir: Path, jobs: int,
                progress: Callable[[Outcome], None] | None,
                on_plan: Callable[[int, int], None] | None, limits: Limits,
                dask: str | None, pdf: PdfOptions | None = None) -> Summary:
    clear_temp_files(out_dir)
    store = RawStore(raw_dir)
    summary = Summary()
    with Catalog.in_raw(raw_dir) as catalog:
        summary.registered, summary.outcomes = scan(raw_dir, store, catalog)
        states = {s.version_id: s for s in catalog.versions()}
        tasks, summary.skipped = plan(list(states.values()), out_dir.resolve(), store, limits)
        if pdf is not None:
            tasks = [replace(task, pdf=pdf) for task in tasks]
        if on_plan is not None:
            on_plan(len(tasks), summary.skipped)
        if jobs > 1 and tasks and dask is None:
            _preload()
        batch = catalog.start_batch(__version__, SCHEMA_VERSION, jobs)
        for result in _results(tasks, jobs, dask, store):
            state = states[result.version_id]
            catalog.record_run(RunRecord(
                result.version_id, __version__, SCHEMA_VERSION, result.status, result.output,
                result.output_sha256, result.issues, result.error, result.traceback,
                result.seconds, result.municipality), batch)
            if result.output and result.status != "kept_edited":
                _retire(state, result.output)
            message = result.error or (", ".join(result.issues)
                                       if result.status == "failed" else None)
            outcome = Outcome(state.uri, result.output, result.status, result.plans,
                              result.measures, message)
            summary.outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        summary.reviews, reviews = review_all(catalog.path, catalog.versions(),
                                              out_dir.resolve())  # 5
        write_index(out_dir.resolve(), catalog.versions(), reviews)  # 6
        summary.outcomes.sort(key=lambda o: o.source)
        catalog.finish_batch(batch, dict(summary.statuses, skipped=summary.skipped))
    return summary


def _results(tasks: list[Task], jobs: int, dask: str | None, store: RawStore
             ) -> Iterator[Result]:
    """Yield every task's result from the process pool, or from Dask workers."""
    if dask is None or not tasks:
        yield from execute(tasks, jobs)
        return
    from extract.ingest.dask_executor import execute_on_dask

    yield from execute_on_dask(tasks, dask, jobs, store)


# -- `extract status` --------------------------------------------------------------------


@dataclass(slots=True)
class Status:
    """What the catalog says of a raw folder and its outputs."""

    sources: Counter[str]  # by kind: web, local
    fetches: Counter[str]  # URLs by the outcome of their latest fetch
    versions: int
    extracted: Counter[str]  # up to date, by status
    stale: int  # extracted by an older extractor or schema version
    pending: int  # never extracted
    missing: int  # extracted, but the output is not where it belongs
    errors: int  # the latest extraction raised
    failures: list[RunFailure]
    last_batch: dict[str, object] | None
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, why) at last scan


def status(raw_dir: Path, out_dir: Path) -> Status:
    """Return the state of every source and version recorded in `raw_dir`'s catalog."""
    out = out_dir.resolve()
    with Catalog.in_raw(raw_dir) as catalog:
        states = catalog.versions()
        report = Status(catalog.source_kinds(), catalog.fetch_outcomes(), len(states),
                        Counter(), 0, 0, 0, 0, catalog.failures(), catalog.last_batch(),
                        catalog.unreadable())
    for state in states:
        if state.status is None:
            report.pending += 1
        elif state.status == "error":
            report.errors += 1
        elif (state.extractor_version, state.schema_version) != (__version__, SCHEMA_VERSION):
            report.stale += 1
        elif is_done(state, out):
            report.extracted[state.status] += 1
        else:
            report.missing += 1
    return report
