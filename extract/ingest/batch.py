"""`extract run`: every document version in the catalog to one JSON file, incrementally.

1. scan      files placed in raw/ by hand become sources (their path under raw/ is the URI),
             their bytes copied into the store, a changed file a new version
2. plan      a version is up to date when its latest run was made by this extractor and schema
             version and its output is where it belongs; every other version is to do
3. extract   in worker processes: stored bytes → `parse_bytes` → `write_document` (atomic)
4. record    the parent records each run in the catalog as it arrives (one transaction each):
             status, issues, output and its sha256, or the error with its traceback
5. index     `structured/index.json` lists every output, rewritten atomically

Crash safety: outputs and the index are written to a temp file and renamed; the catalog commits
one run at a time. A run killed at any point leaves complete files and a consistent catalog;
the next run redoes what it did not record (rewriting identical bytes) and clears temp files.
Workers watch their parent and exit when it dies, so a killed run leaves no stray writers.

An output file that differs from what was last written there was edited by hand: it is kept,
never overwritten, and the run reports it.
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
from extract.files import write_text_atomic
from extract.ingest.catalog import CATALOG_FILES, Catalog, RunFailure, RunRecord, VersionState
from extract.ingest.store import OBJECTS_DIR, RawStore, sha256_file
from extract.schema import SCHEMA_VERSION, Document

if TYPE_CHECKING:
    from extract.readers.pdf_pages import PdfOptions

SOURCE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".pdf"})
INDEX_NAME = "index.json"
DONE = frozenset({"ok", "partial", "failed", "kept_edited"})  # statuses that leave an output
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

    @property
    def statuses(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)


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
            unreadable.append(Outcome(str(path), None, "unreadable",
                                      message=f"{error.strerror}: {path}"))
            continue
        media_type = mimetypes.guess_type(path.name)[0]
        new += catalog.record_local_file(relative, stat.st_size, stat.st_mtime_ns,
                                         stored.sha256, media_type)
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


def is_done(state: VersionState, out: Path) -> bool:
    """Return whether a version's output is current and in place."""
    target = out / output_path(state)
    return (state.extractor_version == __version__ and state.schema_version == SCHEMA_VERSION
            and state.status in DONE and state.output_path == str(target) and target.is_file())


def plan(states: list[VersionState], out: Path, store: RawStore) -> tuple[list[Task], int]:
    """Return the tasks to run (largest first, to balance the workers) and how many are done."""
    tasks, done = [], 0
    for state in states:
        if is_done(state, out):
            done += 1
            continue
        target = str(out / output_path(state))
        ours = state.output_sha256 if state.output_path == target else None
        tasks.append(Task(state.version_id, state.sha256, str(store.path(state.sha256)),
                          state.uri, state.media_type, state.charset, target, ours,
                          state.municipality, state.municipality_code))
    sizes = {s.version_id: s.size for s in states}
    tasks.sort(key=lambda t: -sizes[t.version_id])
    return tasks, done


# -- 3. extract (in a worker) ------------------------------------------------------------


def extract_version(task: Task) -> Result:
    """Extract one version and write its JSON; a defect of ours is a result, not a crash."""
    started = time.perf_counter()
    try:
        return _extract(task, started)
    except Exception as error:
        return Result(task.version_id, "error", error=f"{type(error).__name__}: {error}",
                      traceback=traceback.format_exc(), seconds=time.perf_counter() - started)


# Held while a worker writes an output: a worker whose parent died exits between two writes,
# never in the middle of one, so a killed run leaves no temp file behind it.
_WRITING = threading.Lock()


def _extract(task: Task, started: float) -> Result:
    from extract.pipeline import parse_bytes, write_document
    from extract.schema import Municipality, NodeKind, walk

    data = Path(task.stored).read_bytes()
    if hashlib.sha256(data).hexdigest() != task.sha256:
        raise StoreDamaged(f"{task.stored} no longer holds the bytes of its name")
    doc = parse_bytes(data, uri=task.uri, media_type=task.media_type, charset=task.charset,
                      pdf=task.pdf)
    if doc.municipality is None and task.municipality:
        # The manifest names the municipality the document itself may not.
        doc = doc.model_copy(update={"municipality": Municipality(
            name=task.municipality, code=task.municipality_code)})
    output = Path(task.output)
    status = doc.status.value
    if output.is_file() and sha256_file(output) != task.written_sha256:
        # Not what we last wrote here: either our own unrecorded write (a killed run) or a
        # reviewer's edit. Only identical bytes tell them apart; an edit is never overwritten.
        fresh = output.with_name(f".{output.name}.fresh.tmp")
        with _WRITING:
            write_document(doc, fresh)
            same = sha256_file(fresh) == sha256_file(output)
            fresh.unlink()
        if not same:
            return Result(task.version_id, "kept_edited", output=str(output),
                          issues=issue_codes(doc), seconds=time.perf_counter() - started)
    else:
        with _WRITING:
            write_document(doc, output)
    measures = sum(1 for n in walk(doc.outline) if n.kind is NodeKind.MEASURE)
    return Result(task.version_id, status, str(output), sha256_file(output), issue_codes(doc),
                  len(doc.plans), measures, seconds=time.perf_counter() - started)


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


# -- 4. record, 5. index -----------------------------------------------------------------


def clear_temp_files(out: Path) -> int:
    """Remove temp files a killed run left in the output folder; return how many."""
    removed = 0
    for temp in out.rglob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
            removed += 1
    return removed


def write_index(out: Path, states: list[VersionState]) -> Path:
    """Write `index.json` listing every output under `out` (atomically); return its path."""
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
        })
    entries.sort(key=lambda e: str(e["output"]))
    index = out / INDEX_NAME
    listing = json.dumps({"documents": entries}, ensure_ascii=False, indent=2)
    write_text_atomic(index, listing + "\n")
    return index


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
        on_plan: Callable[[int, int], None] | None = None,
        pdf: PdfOptions | None = None) -> Summary:
    """Extract every version in `raw_dir` not yet extracted by this version into `out_dir`.

    `on_plan(to_do, up_to_date)` is called once before extraction starts, `progress` once per
    document done; `pdf` says how PDFs are read.
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    clear_temp_files(out_dir)
    store = RawStore(raw_dir)
    summary = Summary()
    with Catalog.in_raw(raw_dir) as catalog:
        summary.registered, summary.outcomes = scan(raw_dir, store, catalog)
        states = {s.version_id: s for s in catalog.versions()}
        tasks, summary.skipped = plan(list(states.values()), out_dir.resolve(), store)
        if pdf is not None:
            tasks = [replace(task, pdf=pdf) for task in tasks]
        if on_plan is not None:
            on_plan(len(tasks), summary.skipped)
        if jobs > 1 and tasks:
            _preload()
        batch = catalog.start_batch(__version__, SCHEMA_VERSION, jobs)
        for result in execute(tasks, jobs):
            state = states[result.version_id]
            catalog.record_run(RunRecord(
                result.version_id, __version__, SCHEMA_VERSION, result.status, result.output,
                result.output_sha256, result.issues, result.error, result.traceback,
                result.seconds), batch)
            if result.output and result.status != "kept_edited":
                _retire(state, result.output)
            outcome = Outcome(state.uri, result.output, result.status, result.plans,
                              result.measures, result.error)
            summary.outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        write_index(out_dir.resolve(), catalog.versions())
        summary.outcomes.sort(key=lambda o: o.source)
        summary.seconds = time.perf_counter() - started
        catalog.finish_batch(batch, dict(summary.statuses, skipped=summary.skipped))
    return summary


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


def status(raw_dir: Path, out_dir: Path) -> Status:
    """Return the state of every source and version recorded in `raw_dir`'s catalog."""
    out = out_dir.resolve()
    with Catalog.in_raw(raw_dir) as catalog:
        states = catalog.versions()
        report = Status(catalog.source_kinds(), catalog.fetch_outcomes(), len(states),
                        Counter(), 0, 0, 0, 0, catalog.failures(), catalog.last_batch())
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
