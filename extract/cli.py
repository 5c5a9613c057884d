"""The `extract` command line: thin wrappers over one stage each.

Heavy imports (pdfplumber, sudachipy, pydantic models) happen inside the commands, so
`extract --help` answers at once.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from extract.readers.pdf_pages import PdfOptions

app = typer.Typer(
    help="Japanese municipal plans (web pages, PDFs, texts) to validated structured JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


def _pdf_options(engine: str, no_ocr: bool, ocr_max_pages: int | None) -> PdfOptions:
    from extract.readers.pdf_pages import PdfOptions

    try:
        if ocr_max_pages is None:
            return PdfOptions(engine, not no_ocr)  # type: ignore[arg-type]
        return PdfOptions(engine, not no_ocr, ocr_max_pages or None)  # type: ignore[arg-type]
    except ValueError as error:
        raise _fail(str(error)) from None


@app.command()
def parse(
    source: Annotated[Path, typer.Argument(help="A .txt, .html or .pdf file.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    pdf_engine: PdfEngine = "pdfium",
    no_ocr: NoOcr = False,
    ocr_max_pages: OcrMaxPages = None,
) -> None:
    """Parse one file into one JSON document (stdout without -o)."""
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


@app.command()
def run(
    raw_dir: Annotated[Path, typer.Argument(help="Raw folder: the store, catalog and "
                                            "hand-placed sources.")] = Path("raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for JSON.")] = Path(
        "structured"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes (default: all cores).")
                    ] = 0,
    pdf_engine: PdfEngine = "pdfium",
    no_ocr: NoOcr = False,
    ocr_max_pages: OcrMaxPages = None,
) -> None:
    """Extract every document version under RAW_DIR not yet extracted by this version."""
    pdf = _pdf_options(pdf_engine, no_ocr, ocr_max_pages)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from extract.ingest.batch import run as run_batch

    if not raw_dir.is_dir():
        raise _fail(f"{raw_dir} is not a folder")
    jobs = jobs or os.cpu_count() or 1
    console = Console(stderr=True)
    # No refresh thread: workers are forked, and a fork should not copy a thread mid-write.
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TaskProgressColumn(), TextColumn("{task.fields[rate]}"),
                  TimeRemainingColumn(), console=console, transient=True,
                  auto_refresh=False) as bar:
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

        summary = run_batch(raw_dir, output, jobs, progress=advanced, on_plan=planned, pdf=pdf)
    table = Table(title=f"extract run: {raw_dir} → {output}")
    columns = ("extracted", "skipped", "ok", "partial", "failed", "errors", "plans",
               "measures", "seconds")
    for column in columns:
        table.add_column(column, justify="right")
    statuses = summary.statuses
    table.add_row(str(len(summary.outcomes)), str(summary.skipped), str(statuses["ok"]),
                  str(statuses["partial"]), str(statuses["failed"]),
                  str(statuses["error"] + statuses["unreadable"]),
                  str(sum(o.plans for o in summary.outcomes)),
                  str(sum(o.measures for o in summary.outcomes)), f"{summary.seconds:.1f}")
    console.print(table)
    if summary.registered:
        console.print(f"{summary.registered} new versions of files placed in {raw_dir} by hand")
    for outcome in summary.outcomes:
        if outcome.status in ("error", "unreadable"):
            console.print(f"[red]{outcome.status}[/red] {outcome.source}: {outcome.message}")
        elif outcome.status == "kept_edited":
            console.print(f"[yellow]kept[/yellow] {outcome.output}: edited by hand, not "
                          "overwritten")


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
                               max_size=int(max_size_mb * 1024 * 1024), contact=contact)
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
) -> None:
    """Print what is fetched, extracted, failed and stale."""
    from extract.ingest.batch import status as batch_status
    from extract.ingest.catalog import CATALOG_NAME

    if not (raw_dir / CATALOG_NAME).is_file():
        raise _fail(f"no catalog in {raw_dir}: run `extract fetch` or `extract run` first")
    report = batch_status(raw_dir, output)

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
    for label, value in lines:
        typer.echo(f"{label:<10} {value}")
    for failure in report.failures if failed else []:
        reason = (failure.error or "").strip().splitlines()[-1:] or [failure.issues]
        typer.echo(f"{failure.status:<7} {failure.uri}: {reason[0]}")


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


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path | None, typer.Option("--gold", help="Folder of gold docs/*.json.")
                    ] = None,
    periods_file: Annotated[Path | None, typer.Option(
        "--periods", help="A gold period sentence file (.jsonl).")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Gold file stems to score.")
                    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Score extraction against gold files, as the gold README describes."""
    if gold is None and periods_file is None:
        raise _fail("give --gold DIR and/or --periods FILE")
    report: dict[str, object] = {}
    if gold is not None:
        from extract.evaluate.docs import evaluate as score_docs
        from extract.evaluate.docs import totals
        from extract.evaluate.report import docs_table
        from extract.pipeline import parse_file

        if not gold.is_dir():
            raise _fail(f"{gold} is not a folder")
        scores = score_docs(gold, parse_file, only)
        report["documents"] = [s.as_json() for s in scores]
        report["total"] = totals(scores).as_json()
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
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
