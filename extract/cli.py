"""The `extract` command line: thin wrappers over one stage each.

Heavy imports (pdfplumber, sudachipy, pydantic models) happen inside the commands, so
`extract --help` answers at once.
"""

# No `from __future__ import annotations` here: typer reads every command's signature when it
# builds the command line, and string annotations would be compiled and evaluated twice per
# command on every start (half of that build's cost).
import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from typer.core import TyperGroup

from extract.ingest.limits import DEFAULT_MAX_MB, DEFAULT_MAX_SECONDS

if TYPE_CHECKING:
    from extract.review.records import Op, TargetKind
    from extract.review.reviewed import ReviewStep

# No pydantic plugin is used here: without this, building the first model scans every installed
# package's entry points for one (a fifth of `extract parse`'s start-up).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

if TYPE_CHECKING:
    from extract.readers.pdf_pages import PdfOptions

app = typer.Typer(
    help="Japanese municipal plans (web pages, PDFs, texts) to validated structured JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: formatting it with rich imports rich and markdown-it, a third of a second's
    # start-up on a busy machine, for every command, --help included.
    rich_markup_mode=None,
)


class _ServeByDefault(TyperGroup):
    """`extract review [RAW]` serves the app; `extract review NAME ...` runs a subcommand."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


review_app = typer.Typer(help="Corrections: kept as records, applied to every extraction. "
                         "Without a command (`extract review [RAW]`): the review app, `serve`.",
                         cls=_ServeByDefault)
app.add_typer(review_app, name="review")

PROGRESS_REFRESH_SECONDS = 0.1  # drawing the bar per document costs the workers CPU


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


PdfEngine = Annotated[str, typer.Option(
    "--pdf-engine", help="PDF engine: pdfium (default, fast) or pdfplumber (pdfminer).")]
NoOcr = Annotated[bool, typer.Option(
    "--no-ocr", help="Leave PDF pages without a text layer unread instead of running OCR.")]
OcrMaxPages = Annotated[int | None, typer.Option(
    "--ocr-max-pages", help="OCR at most this many pages per PDF (0: no cap; default 30).",
    show_default=False)]


def _pdf_options(engine: str, no_ocr: bool, ocr_max_pages: int | None) -> "PdfOptions":
    from extract.readers.pdf_pages import PdfOptions

    try:
        if ocr_max_pages is None:
            return PdfOptions(engine, not no_ocr)  # type: ignore[arg-type]
        return PdfOptions(engine, not no_ocr, ocr_max_pages or None)  # type: ignore[arg-type]
    except ValueError as error:
        raise _fail(str(error)) from None


@app.command()
def parse(
    source: Annotated[Path, typer.Argument(help="A .txt, .html, .pdf, .docx or .xlsx file.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    pdf_engine: PdfEngine = "pdfium",
    no_ocr: NoOcr = False,
    ocr_max_pages: OcrMaxPages = None,
) -> None:
    """Parse one file into one JSON document (stdout without -o); exit 1 when it failed."""
    pdf = _pdf_options(pdf_engine, no_ocr, ocr_max_pages)
    from extract.pipeline import parse_or_fail, write_document

    try:
        data = source.read_bytes()
    except OSError as error:
        raise _fail(f"cannot read {source}: {error.strerror}") from None
    doc = parse_or_fail(data, uri=source.as_posix(), pdf=pdf)
    if output is None:
        typer.echo(doc.model_dump_json(indent=2))
    else:
        write_document(doc, output)
        typer.echo(f"{source} → {output} ({doc.status.value})", err=True)
    if doc.status.value == "failed":
        codes = ", ".join(issue.code for issue in doc.issues)
        typer.echo(f"error: {source}: the document failed ({codes})", err=True)
        raise typer.Exit(1)


@app.command()
def run(
    raw_dir: Annotated[Path, typer.Argument(help="Raw folder: the store, catalog and "
                                            "hand-placed sources.")] = Path("raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for JSON.")] = Path(
        "structured"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes, or LocalCluster "
                                      "workers with --dask local (default: all cores).")] = 0,
    max_seconds: Annotated[float, typer.Option(
        help="Seconds one document may take; past it, it fails with issue time_limit.")
    ] = DEFAULT_MAX_SECONDS,
    max_mb: Annotated[float, typer.Option(
        help="Largest document read, in MB; a larger one fails with issue too_large.")
    ] = DEFAULT_MAX_MB,
    wait: Annotated[float, typer.Option(
        help="Seconds to wait for another run on the same folders (default: refuse at once).")
    ] = 0.0,
    dask: Annotated[str | None, typer.Option(
        help="'local': extract on a Dask LocalCluster of --jobs worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Extract on the Dask cluster whose scheduler is at this address "
             "(tcp://HOST:8786).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The summary as JSON on stdout.")
                       ] = False,
    pdf_engine: PdfEngine = "pdfium",
    no_ocr: NoOcr = False,
    ocr_max_pages: OcrMaxPages = None,
) -> None:
    """Extract every document version under RAW_DIR not yet extracted by this version.

    Exit status: 0 when every document was extracted (a document failed as bad input
    included), 1 when any raised an error or a file could not be read, 75 when another run
    holds the folders.
    """
    from extract.errors import ExtractError
    from extract.ingest.batch import run as run_batch
    from extract.ingest.limits import Limits
    from extract.ingest.lock import FolderBusy

    pdf = _pdf_options(pdf_engine, no_ocr, ocr_max_pages)
    if not raw_dir.is_dir():
        raise _fail(f"{raw_dir} is not a folder")
    if dask not in (None, "local"):
        raise _fail("--dask takes 'local'; give a scheduler's address with --scheduler")
    try:
        limits = Limits(max_seconds, int(max_mb * 1024 * 1024))
    except ValueError as error:
        raise _fail(str(error)) from None
    jobs = jobs or os.cpu_count() or 1
    with _progress_bar() as (planned, advanced):
        try:
            summary = run_batch(raw_dir, output, jobs, progress=advanced, on_plan=planned,
                                limits=limits, dask=scheduler or dask, wait=wait,
                                pdf=pdf)
        except FolderBusy as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_BUSY) from None
        except ExtractError as error:  # the Dask cluster: unreachable, no workers, mismatched
            raise _fail(str(error)) from None
    if as_json:
        typer.echo(json.dumps({"raw": str(raw_dir), "output": str(output),
                               **summary.as_json()}, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"extract run: {raw_dir} → {output}")
        for line in summary.lines():
            typer.echo(line)
    _review_steps(summary.reviews, summary=True)
    if summary.errored:
        raise typer.Exit(1)


EXIT_BUSY = 75  # EX_TEMPFAIL: another run holds the folders; try again later


@contextlib.contextmanager
def _progress_bar() -> Iterator[tuple[Callable[[int, int], None], Callable[[object], None]]]:
    """A progress bar on stderr (when it is a terminal); yield its two callbacks."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    # No refresh thread: workers are forked, and a fork should not copy a thread mid-write.
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TaskProgressColumn(), TextColumn("{task.fields[rate]}"),
                  TimeRemainingColumn(), console=console, transient=True,
                  auto_refresh=False, disable=not console.is_terminal) as bar:
        task = bar.add_task("extracting", total=None, rate="")

        def planned(todo: int, _up_to_date: int) -> None:
            bar.update(task, total=todo)
            bar.refresh()

        last = [0.0]

        def advanced(_outcome: object) -> None:
            bar.advance(task)
            now = time.monotonic()
            if now - last[0] >= PROGRESS_REFRESH_SECONDS or bar.finished:
                last[0] = now
                speed = bar.tasks[0].speed
                bar.update(task, rate=f"{speed:.1f} doc/s" if speed else "")
                bar.refresh()

        yield planned, advanced


@app.command()
def fetch(
    targets: Annotated[list[str], typer.Argument(
        help="Start URLs, or one manifest (.csv, .yaml) of municipalities and start URLs.")],
    raw_dir: Annotated[Path, typer.Option("--raw", help="Raw folder (store and catalog).")
                       ] = Path("raw"),
    name: Annotated[str | None, typer.Option(help="Municipality of the URLs.")] = None,
    code: Annotated[str | None, typer.Option(help="Its 団体コード (6 digits).")] = None,
    allow: Annotated[list[str] | None, typer.Option(
        help="Page path prefix to keep to (repeatable); documents may be anywhere on the site."
    )] = None,
    depth: Annotated[int, typer.Option(help="Link hops from a start URL.")] = 2,
    max_pages: Annotated[int, typer.Option(help="URLs fetched per site.")] = 200,
    delay: Annotated[float, typer.Option(help="Seconds between requests to a host.")] = 1.0,
    per_host: Annotated[int, typer.Option(help="Requests in flight per host.")] = 1,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a server.")] = 30.0,
    retries: Annotated[int, typer.Option(help="Retries after 429/5xx/timeouts.")] = 3,
    max_size_mb: Annotated[float, typer.Option(help="Largest response kept, in MB.")] = 50.0,
    contact: Annotated[str | None, typer.Option(
        envvar="EXTRACT_CONTACT", help="E-mail or URL for site owners, sent in the User-Agent."
    )] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Also fetch from loopback, private and link-local addresses.")
    ] = False,
    proxy: Annotated[str | None, typer.Option(help="HTTP proxy for every request.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary.")] = False,
) -> None:
    """Fetch city sites politely into RAW (robots.txt, delays, retries, re-fetch if changed)."""
    from extract.errors import InputError
    from extract.ingest.catalog import FetchRecord
    from extract.ingest.fetch import CrawlOptions, crawl
    from extract.ingest.manifest import Site, load_manifest

    try:
        if len(targets) == 1 and not targets[0].startswith(("http://", "https://")):
            sites = load_manifest(Path(targets[0]))
        else:
            sites = [Site(start_urls=tuple(targets), name=name, code=code,
                          allowed_prefixes=tuple(allow or ()))]
        options = CrawlOptions(max_depth=depth, max_pages=max_pages, delay=delay,
                               per_host=per_host, timeout=timeout, retries=retries,
                               max_size=int(max_size_mb * 1024 * 1024), contact=contact,
                               allow_private=allow_private, proxy=proxy)
    except (InputError, ValueError) as error:
        raise _fail(str(error)) from None

    def show(record: FetchRecord) -> None:
        if not quiet:
            status = record.status if record.status is not None else "---"
            typer.echo(f"{status} {record.outcome:<14} {record.url}", err=True)

    report = crawl(sites, raw_dir, options, on_fetch=show)
    counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.outcomes.items()))
    typer.echo(f"fetched {sum(report.outcomes.values())} URLs ({counts or 'none'}); "
               f"{report.new_versions} new document versions in {raw_dir}"
               + (f"; {report.over_budget} left by --max-pages" if report.over_budget else ""))


@app.command()
def status(
    raw_dir: Annotated[Path, typer.Argument(help="Raw folder (store and catalog).")
                       ] = Path("raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder of JSON.")] = Path(
        "structured"),
    failed: Annotated[bool, typer.Option("--failed", help="List every failure.")] = False,
    reviewed: Annotated[bool, typer.Option("--reviewed", help="List every reviewed output.")
                        ] = False,
) -> None:
    """Print what is fetched, extracted, failed and stale."""
    from extract.ingest.batch import status as batch_status
    from extract.ingest.catalog import CATALOG_NAME

    if not (raw_dir / CATALOG_NAME).is_file():
        raise _fail(f"no catalog in {raw_dir}: run `extract fetch` or `extract run` first")
    report = batch_status(raw_dir, output)
    from extract.review.commands import reviews as latest_reviews

    reviews = latest_reviews(raw_dir)

    def counts(counter: dict[str, int]) -> str:
        return ", ".join(f"{n} {key}" for key, n in sorted(counter.items())) or "none"

    lines = [
        ("sources", f"{sum(report.sources.values())} ({counts(report.sources)})"),
        ("URLs", f"{sum(report.fetches.values())} by latest fetch ({counts(report.fetches)})"),
        ("versions", str(report.versions)),
        ("extracted", f"{sum(report.extracted.values())} up to date "
                      f"({counts(report.extracted)})"),
        ("stale", f"{report.stale} (older extractor or schema version)"),
        ("pending", f"{report.pending} never extracted, {report.missing} output missing"),
        ("errors", str(report.errors)),
    ]
    if report.last_batch:
        batch = report.last_batch
        lines.append(("last run", f"{batch['started_at']} (extractor "
                                  f"{batch['extractor_version']}, "
                                  f"{'finished' if batch['finished_at'] else 'interrupted'})"))
    if reviews:
        authors = sorted({a for r in reviews for a in r.authors})
        conflicts = sum(r.counts.get("conflict", 0) for r in reviews)
        lines.append(("reviewed", f"{len(reviews)} latest versions by "
                                  f"{', '.join(authors) or 'nobody'}; {conflicts} corrections "
                                  "in conflict"))
    for label, value in lines:
        typer.echo(f"{label:<10} {value}")
    for path, why in report.unreadable:
        typer.echo(f"unreadable {path}: {why}")
    for review in reviews if reviewed else []:
        typer.echo(f"reviewed {review.reviewed_output} ({review.status}, extractor "
                   f"{review.extractor_version}, by {', '.join(review.authors) or 'nobody'}): "
                   f"{counts(review.counts)}")
    for failure in report.failures if failed else []:
        reason = (failure.error or "").strip().splitlines()[-1:] or [failure.issues]
        typer.echo(f"{failure.status:<7} {failure.uri}: {reason[0]}")


@app.command()
def explain(
    source: Annotated[Path, typer.Argument(help="A .txt, .html or .pdf file.")],
) -> None:
    """For each line of SOURCE: what the outline took it for, its score and the features why."""
    from extract.structure.explain import explain_file

    try:
        typer.echo(explain_file(source))
    except OSError as error:
        raise _fail(f"cannot read {source}: {error.strerror}") from None


@app.command()
def periods() -> None:
    """Read lines on stdin; write one JSON line of time expressions per line."""
    from extract.periods import lines_to_jsonl

    for out in lines_to_jsonl(sys.stdin):
        sys.stdout.write(out + "\n")


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="JSON documents to check.")],
) -> None:
    """Check JSON documents against the schema and the semantic rules; exit 1 on any problem."""
    from extract.validate import validate_json

    bad = 0
    for path in files:
        try:
            problems = validate_json(path.read_bytes())
        except OSError as error:
            typer.echo(f"{path}: cannot read: {error.strerror}")
            bad += 1
            continue
        for problem in problems:
            typer.echo(f"{path}: {problem}")
        bad += bool(problems)
        if not problems:
            typer.echo(f"{path}: ok")
    if bad:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output document."""
    from extract.schema import Document

    typer.echo(json.dumps(Document.model_json_schema(), indent=2, ensure_ascii=False))


@app.command()
def audit(
    paths: Annotated[list[Path], typer.Argument(
        help="Extracted JSON documents, source files or folders of either.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per document.")] = False,
    warnings: Annotated[bool, typer.Option(
        "--warnings/--errors-only", help="Show warnings as well as errors.")] = True,
) -> None:
    """Check documents for what cannot be right whatever the gold says; exit 1 on any error."""
    from extract.evaluate.audit import audit as audit_document
    from extract.evaluate.audit import documents

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}")
    errors = 0
    for name, doc in documents(paths):
        findings = audit_document(doc)
        errors += sum(1 for f in findings if f.level == "error")
        shown = [f for f in findings if warnings or f.level == "error"]
        if as_json:
            typer.echo(json.dumps({"document": name, "findings": [f.as_json() for f in shown]},
                                  ensure_ascii=False))
            continue
        typer.echo(f"{name}: {len(findings)} findings" if findings else f"{name}: clean")
        for f in shown:
            typer.echo(f"  {f.level:<7} {f.check:<24} {f.message}"
                       + (f"  [{f.where}]" if f.where else ""))
    if errors:
        raise typer.Exit(1)


@app.command(name="eval")
def evaluate(
    raw_dir: Annotated[Path, typer.Argument(help="Raw folder whose reviewed documents "
                                            "--reviewed scores against.")] = Path("raw"),
    gold: Annotated[Path | None, typer.Option("--gold", help="Folder of gold docs/*.json.")
                    ] = None,
    reviewed: Annotated[bool, typer.Option(
        "--reviewed", help="Score against every reviewed document in RAW_DIR; exit 1 when the "
        "current extractor scores below the extraction the review was made on.")] = False,
    periods_file: Annotated[Path | None, typer.Option(
        "--periods", help="A gold period sentence file (.jsonl).")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Gold file stems to score.")
                    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Score extraction against gold files, as the gold README describes."""
    if gold is None and periods_file is None and not reviewed:
        raise _fail("give --gold DIR, --periods FILE and/or --reviewed [RAW_DIR]")
    report: dict[str, object] = {}
    regressed = False
    if gold is not None:
        from extract.evaluate.docs import evaluate as score_docs
        from extract.evaluate.docs import summary
        from extract.evaluate.report import docs_table
        from extract.pipeline import parse_file

        if not gold.is_dir():
            raise _fail(f"{gold} is not a folder")
        scores = score_docs(gold, parse_file, only)
        report["documents"] = [s.as_json() for s in scores]
        report["summary"] = summary(scores)
        if not as_json:
            typer.echo(docs_table(scores))
    if periods_file is not None:
        from extract.evaluate.periods import score_file

        if not periods_file.is_file():
            raise _fail(f"{periods_file} is not a file")
        result = score_file(periods_file)
        report["periods"] = result.as_json()
        if not as_json:
            typer.echo(result.summary())
    if reviewed:
        from extract.evaluate.docs import summary as summarize
        from extract.evaluate.report import docs_table
        from extract.evaluate.reviewed import evaluate_reviewed
        from extract.ingest.catalog import CATALOG_NAME
        from extract.pipeline import parse_or_fail

        if not (raw_dir / CATALOG_NAME).is_file():
            raise _fail(f"no catalog in {raw_dir}: run `extract run` first")
        found = evaluate_reviewed(raw_dir, lambda data, uri, media, charset: parse_or_fail(
            data, uri=uri, media_type=media, charset=charset))
        report["reviewed"] = [dict(s.current.as_json(), regressions=s.regressions,
                                   baseline=s.baseline.as_json() if s.baseline else None)
                              for s in found]
        report["reviewed_summary"] = summarize([s.current for s in found])
        regressed = any(s.regressions for s in found)
        if not as_json:
            typer.echo(docs_table([s.current for s in found]))
            for s in found:
                for fall in s.regressions:
                    typer.echo(f"regression {s.uri}: {fall}")
            typer.echo(f"{len(found)} reviewed documents, "
                       f"{sum(bool(s.regressions) for s in found)} regressed")
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    if regressed:
        raise typer.Exit(1)


# -- extract review ------------------------------------------------------------------------

RawOption = Annotated[Path, typer.Option("--raw", help="Raw folder (store and catalog).")]
OutOption = Annotated[Path, typer.Option("-o", "--output", help="Folder of JSON.")]
AuthorOption = Annotated[str | None, typer.Option(envvar="EXTRACT_AUTHOR",
                                                  help="Who (default: $USER).")]
NoteOption = Annotated[str | None, typer.Option(help="Why.")]


def _author(author: str | None) -> str:
    return author or os.environ.get("USER") or "unknown"


def _review_steps(steps: "list[ReviewStep]", summary: bool = False) -> None:
    """Report what the review stage did: each output, or (`summary`) the counts and errors."""
    for step in steps:
        if step.status == "error":
            typer.echo(f"review error {step.output}: {step.message}", err=True)
        elif step.status == "reviewed" and not summary:
            listed = f", {step.conflicts} conflicts" if step.conflicts else ""
            typer.echo(f"reviewed {step.output}{listed}", err=True)
    if summary and steps:
        anew = sum(step.status == "reviewed" for step in steps)
        conflicts = sum(step.conflicts for step in steps)
        typer.echo(f"{anew} outputs reviewed anew, {len(steps) - anew} up to date; {conflicts} "
                   "corrections in conflict" + (" (`extract review conflicts`)" if conflicts
                                                else ""), err=True)


@review_app.command("export")
def review_export(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here "
                                                "(stdout without -o).")] = None,
    raw_dir: RawOption = Path("raw"),
) -> None:
    """Every correction as JSON Lines, one record a line (keep them in git, move them)."""
    from extract.errors import InputError
    from extract.review.commands import export

    try:
        count, text = export(raw_dir, output)
    except InputError as error:
        raise _fail(str(error)) from None
    if text is not None:
        sys.stdout.write(text)
    typer.echo(f"{count} corrections" + (f" → {output}" if output else ""), err=True)


@review_app.command("import")
def review_import(
    source: Annotated[Path, typer.Argument(help="A JSON Lines file of corrections.")],
    raw_dir: RawOption = Path("raw"),
    output: OutOption = Path("structured"),
) -> None:
    """Keep the corrections of a file (those already held are skipped), then apply them."""
    from extract.errors import InputError
    from extract.review.commands import import_

    try:
        report, steps = import_(raw_dir, output, source)
    except InputError as error:
        raise _fail(str(error)) from None
    _review_steps(steps)
    typer.echo(f"{report.added} corrections added, {report.known} already held")
    if report.clashing:
        for cid in report.clashing:
            typer.echo(f"refused {cid}: held with other content (records never change)",
                       err=True)
        raise typer.Exit(1)


@review_app.command("add")
def review_add(
    uri: Annotated[str, typer.Argument(help="The source (its URL, or its path under RAW).")],
    op: Annotated[str, typer.Argument(help="set, delete, insert_under, insert_after, move, "
                                      "not_heading, add_measure, set_period, clear_period, "
                                      "set_role, set_parent.")],
    node: Annotated[str | None, typer.Option(help="Target node id.")] = None,
    plan: Annotated[str | None, typer.Option(help="Target plan id.")] = None,
    field: Annotated[str | None, typer.Option(help="Field a `set` changes.")] = None,
    value: Annotated[str | None, typer.Option(help="The new value, as JSON "
                                              "('\"a title\"', '{\"start\": \"FY2020\"}').")
                     ] = None,
    author: AuthorOption = None,
    note: NoteOption = None,
    raw_dir: RawOption = Path("raw"),
    output: OutOption = Path("structured"),
) -> None:
    """Keep one correction of a source's latest document, then apply it; print its id."""
    from extract.errors import InputError
    from extract.review.commands import add
    from extract.review.records import OP_TARGETS

    if op not in OP_TARGETS:
        raise _fail(f"unknown operation {op!r}: one of {', '.join(OP_TARGETS)}")
    kind = "node" if node else "plan" if plan else "document"
    try:
        parsed = json.loads(value) if value is not None else None
    except json.JSONDecodeError as error:
        raise _fail(f"--value is not JSON: {error}") from None
    try:
        correction, steps = add(raw_dir, output, uri, op=cast("Op", op),
                                kind=cast("TargetKind", kind), author=_author(author),
                                target_id=node or plan, field=field, value=parsed, note=note)
    except InputError as error:
        raise _fail(str(error)) from None
    _review_steps(steps)
    typer.echo(correction.id)


@review_app.command("undo")
def review_undo(
    correction: Annotated[str, typer.Argument(help="The id of the correction to undo.")],
    author: AuthorOption = None,
    note: NoteOption = None,
    raw_dir: RawOption = Path("raw"),
    output: OutOption = Path("structured"),
) -> None:
    """Undo a correction with a new record (records never change), then apply; print its id."""
    from extract.errors import InputError
    from extract.review.commands import undo

    try:
        record, steps = undo(raw_dir, output, correction,
                             author=_author(author), note=note)
    except InputError as error:
        raise _fail(str(error)) from None
    _review_steps(steps)
    typer.echo(record.id)


@review_app.command("conflicts")
def review_conflicts(
    raw_dir: RawOption = Path("raw"),
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Corrections that could not be applied to the latest version, with both values."""
    from extract.errors import InputError
    from extract.review.commands import conflict_json, list_conflicts

    try:
        found = list_conflicts(raw_dir)
    except InputError as error:
        raise _fail(str(error)) from None
    for conflict in found:
        entry = conflict_json(conflict)
        if as_json:
            typer.echo(json.dumps(entry, ensure_ascii=False, sort_keys=True))
            continue
        typer.echo(f"{entry['document_uri']} {entry['correction']} {entry['op']} "
                   f"by {entry['author']}: {entry['detail']}")
        typer.echo(f"    reviewer saw {json.dumps(entry['seen'], ensure_ascii=False)}, "
                   f"wants {json.dumps(entry['wanted'], ensure_ascii=False)}; "
                   f"now {json.dumps(entry['current'], ensure_ascii=False)}")
    if not as_json:
        typer.echo(f"{len(found)} conflicts", err=True)


@review_app.command("serve")
def review_serve(
    raw_dir: Annotated[Path, typer.Argument(help="Raw folder (store and catalog).")
                       ] = Path("raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder of JSON.")] = Path(
        "structured"),
    host: Annotated[str, typer.Option(help="Address to bind; any but loopback needs --token."
                                      )] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[str | None, typer.Option(
        envvar="EXTRACT_REVIEW_TOKEN", help="Access token (16+ characters) every request needs."
    )] = None,
) -> None:
    """The review app (the default): sources beside outlines; every edit kept as a correction."""
    from extract.review.app.security import TokenRequired
    from extract.review.app.server import serve

    if not (output / "index.json").is_file():
        raise _fail(f"no index.json in {output}: run `extract run {raw_dir} -o {output}` first")
    try:
        serve(raw_dir, output, host=host, port=port, token=token)
    except TokenRequired as error:
        raise _fail(str(error)) from None

# Where the export commands find outputs: the catalog of a raw folder, or an index.json.
ListingRaw = Annotated[Path | None, typer.Argument(
    help="Raw folder whose catalog lists the outputs (else --structured's index.json).")]
ListingOutputs = Annotated[Path, typer.Option("--structured", help="Folder of JSON outputs.")]


def _unreadable(errors: list[tuple[str, str]]) -> None:
    for path, message in errors:
        typer.echo(f"unreadable {path}: {message}", err=True)


@app.command(name="export")
def export_tables(
    raw_dir: ListingRaw = None,
    structured: ListingOutputs = Path("structured"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Export folder.")] = Path(
        "export"),
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or parquet.")] = "jsonl",
    since: Annotated[Path | None, typer.Option(
        "--since", help="A previous export: write only the rows added, changed or removed.")
    ] = None,
    latest: Annotated[bool, typer.Option("--latest", help="Only each source's newest version.")
                      ] = False,
) -> None:
    """Write documents, plans, nodes, measures and targets as flat tables, reviewed values first."""
    from extract.errors import InputError
    from extract.export.export import export

    try:
        report = export(structured, output, fmt, since, raw_dir, latest)
    except InputError as error:
        raise _fail(str(error)) from None
    _unreadable(report.errors)
    typer.echo(report.summary())


@app.command()
def plans(
    raw_dir: ListingRaw = None,
    structured: ListingOutputs = Path("structured"),
    in_force: Annotated[str | None, typer.Option(
        "--in-force", help="A date (YYYY-MM-DD): only the plans whose period covers it.")
    ] = None,
    municipality: Annotated[str | None, typer.Option(
        "--municipality", help="Its name or 団体コード.")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="A plan kind (総合計画, 実施計画…) its kind or title names.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List plans with a dated period (those in force on a date with --in-force)."""
    from datetime import date

    from extract.errors import InputError
    from extract.export.in_force import answer_table, plans_in_force

    try:
        day = date.fromisoformat(in_force) if in_force else None
    except ValueError:
        raise _fail(f"--in-force wants a date as YYYY-MM-DD, not {in_force!r}") from None
    try:
        answer = plans_in_force(structured, day, raw_dir, municipality, kind)
    except InputError as error:
        raise _fail(str(error)) from None
    _unreadable(answer.unreadable)
    if as_json:
        typer.echo(json.dumps({"date": in_force, "plans": [p.as_json() for p in answer.plans],
                               "undated": answer.undated}, ensure_ascii=False, indent=2))
    else:
        typer.echo(answer_table(answer, day))


@app.command()
def diff(
    old: Annotated[Path | None, typer.Argument(help="The older JSON document.")] = None,
    new: Annotated[Path | None, typer.Argument(help="The newer JSON document.")] = None,
    uri: Annotated[str | None, typer.Option(
        "--uri", help="A source in the catalog: compare its two newest versions.")] = None,
    raw_dir: Annotated[Path, typer.Option("--raw", help="Raw folder (catalog) for --uri.")
                       ] = Path("raw"),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Plans, periods, nodes and measures added, removed and changed between two documents."""
    from extract.errors import InputError
    from extract.export.diff import diff as diff_documents
    from extract.export.diff import diff_text
    from extract.export.documents import latest_two, read_document

    try:
        if uri is not None:
            if old is not None:
                raise InputError("give two files or --uri, not both")
            before, after = (v.document for v in latest_two(uri, Path("structured"), raw_dir))
        elif old is not None and new is not None:
            before, after = read_document(old), read_document(new)
        else:
            raise InputError("give two JSON documents, or --uri URI for a source's versions")
    except InputError as error:
        raise _fail(str(error)) from None
    result = diff_documents(before, after)
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(diff_text(result))


@app.command()
def migrate(
    files: Annotated[list[Path], typer.Argument(help="JSON documents of an older schema.")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Folder to write them in (default: rewrite each in place).")
    ] = None,
) -> None:
    """Bring documents written under an older schema version to the current one."""
    from extract.errors import InputError
    from extract.export.migrate import migrate_file

    names = [path.name for path in files]
    if output is not None and len(set(names)) < len(names):
        raise _fail("two files share a name: migrate them into -o one folder at a time")
    bad = 0
    for path in files:
        try:
            versions = migrate_file(path, output / path.name if output else None)
        except InputError as error:
            typer.echo(f"{path}: {error}", err=True)
            bad += 1
            continue
        typer.echo(f"{path}: {' → '.join(versions)}" if len(versions) > 1
                   else f"{path}: already {versions[0]}")
    if bad:
        raise typer.Exit(1)


def main() -> None:
    """Run the command line (the `extract` script and `python -m extract`)."""
    try:
        app()
    finally:
        # At exit the interpreter's last collections would walk every object the imports made
        # (a seventh of a tiny parse's CPU); frozen, they are skipped. Atexit handlers still run
        # and the standard streams are still flushed.
        gc.freeze()

