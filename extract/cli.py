"""The `extract` command line: thin wrappers over one stage each.

Heavy imports (pdfplumber, sudachipy, pydantic models) happen inside the commands, so
`extract --help` answers at once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Japanese municipal plans (web pages, PDFs, texts) to validated structured JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


@app.command()
def parse(
    source: Annotated[Path, typer.Argument(help="A .txt, .html or .pdf file.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
) -> None:
    """Parse one file into one JSON document (stdout without -o)."""
    from extract.pipeline import parse_or_fail, write_document

    try:
        data = source.read_bytes()
    except OSError as error:
        raise _fail(f"cannot read {source}: {error.strerror}") from None
    doc = parse_or_fail(data, uri=source.as_posix())
    if output is None:
        typer.echo(doc.model_dump_json(indent=2))
    else:
        write_document(doc, output)
        typer.echo(f"{source} → {output} ({doc.status.value})", err=True)


@app.command()
def run(
    raw_dir: Annotated[Path, typer.Argument(help="Folder of sources.")] = Path("raw"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for JSON.")] = Path(
        "structured"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes (default: all cores).")
                    ] = 0,
) -> None:
    """Extract every source under RAW_DIR into OUTPUT, in parallel."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
    from rich.table import Table

    from extract.batch import run as run_batch
    from extract.batch import sources

    if not raw_dir.is_dir():
        raise _fail(f"{raw_dir} is not a folder")
    jobs = jobs or os.cpu_count() or 1
    total = sum(1 for _ in sources(raw_dir))
    console = Console(stderr=True)
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("extracting", total=total)
        summary = run_batch(raw_dir, output, jobs, progress=lambda _: bar.advance(task))
    table = Table(title=f"extract run: {raw_dir} → {output}")
    for column in ("documents", "ok", "partial", "failed", "plans", "measures", "seconds"):
        table.add_column(column, justify="right")
    statuses = summary.statuses
    table.add_row(str(len(summary.outcomes)), str(statuses["ok"]), str(statuses["partial"]),
                  str(statuses["failed"] + statuses["unreadable"]),
                  str(sum(o.plans for o in summary.outcomes)),
                  str(sum(o.measures for o in summary.outcomes)), f"{summary.seconds:.1f}")
    console.print(table)
    for outcome in summary.outcomes:
        if outcome.status in ("failed", "unreadable"):
            console.print(f"[red]{outcome.status}[/red] {outcome.source}: {outcome.message}")


@app.command()
def periods() -> None:
    """Read lines on stdin; write one JSON line of time expressions per line."""
    from extract.periods import expr_to_json, find_periods

    for line in sys.stdin:
        text = line.rstrip("\n")
        exprs = [expr_to_json(e) for e in find_periods(text)]
        sys.stdout.write(json.dumps({"expressions": exprs}, ensure_ascii=False) + "\n")


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
        from extract.evaluate.periods import score_period_file

        result = score_period_file(periods_file)
        report["periods"] = result.as_json()
        if not as_json:
            typer.echo(result.summary())
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
