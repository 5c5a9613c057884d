"""One document → flat rows of five tables, each row with a stable id and its provenance.

    documents  one row per document version
    plans      one row per plan (role, parent plan, period and its resolved dates)
    nodes      one row per outline node, in reading order (parent node, depth, plan)
    measures   the nodes that are measures, with the titles of the sections above them
    targets    one row per numeric goal of a node (the printed target when it has no parts)

`row_id` is the key a consumer syncs on: `<document id>/<item id>`; item ids are the output's
own (stable across re-runs of the same input). Every row carries the document id, the
municipality, the source URI and version sha256. Columns and their types are declared here
once: the CSV header, the JSONL keys and the Parquet schema all come from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from extract.export.documents import Loaded
from extract.schema import Document, Node, NodeKind, Period, Span, Target

ColumnType = Literal["string", "int", "float", "bool", "date", "list"]
Value = str | int | float | bool | date | list[str] | None
Row = dict[str, Value]
Column = tuple[str, ColumnType]

KEY: list[Column] = [("row_id", "string"), ("change", "string")]
PROVENANCE: list[Column] = [
    ("document_id", "string"), ("municipality", "string"), ("municipality_code", "string"),
    ("source_uri", "string"), ("source_sha256", "string"),
]
PERIOD: list[Column] = [
    ("period_text", "string"), ("period_start", "string"), ("period_end", "string"),
    ("period_duration", "string"), ("period_every", "string"), ("start_date", "date"),
    ("end_date", "date"),
]
SPAN: list[Column] = [("page", "int"), ("span_start", "int"), ("span_end", "int")]
JUDGED: list[Column] = [("confidence", "float"), ("evidence", "list"), ("corrected", "bool")]

TABLES: dict[str, list[Column]] = {
    "documents": [*KEY, *PROVENANCE, ("prefecture", "string"), ("media_type", "string"),
                  ("title", "string"), ("status", "string"), ("issues", "list"),
                  ("schema_version", "string"), ("extractor_version", "string"),
                  ("latest", "bool"), ("plans", "int"), ("nodes", "int"), ("measures", "int"),
                  ("reviewed", "bool")],
    "plans": [*KEY, *PROVENANCE, ("plan_id", "string"), ("title", "string"), ("kind", "string"),
              ("role", "string"), ("parent_id", "string"), *PERIOD, ("adopted", "string"),
              ("aliases", "list"), *SPAN, *JUDGED],
    "nodes": [*KEY, *PROVENANCE, ("node_id", "string"), ("parent_id", "string"),
              ("plan_id", "string"), ("position", "int"), ("depth", "int"), ("kind", "string"),
              ("label", "string"), ("title", "string"), ("text", "string"), *PERIOD,
              ("responsible", "list"), ("target", "string"), *SPAN, *JUDGED],
    "measures": [*KEY, *PROVENANCE, ("node_id", "string"), ("parent_id", "string"),
                 ("plan_id", "string"), ("position", "int"), ("sections", "list"),
                 ("label", "string"), ("title", "string"), ("text", "string"), *PERIOD,
                 ("responsible", "list"), ("target", "string"), *SPAN, *JUDGED],
    "targets": [*KEY, *PROVENANCE, ("node_id", "string"), ("position", "int"),
                ("text", "string"), ("indicator", "string"), ("baseline", "string"),
                ("value", "string"), ("unit", "string"), ("year", "string"),
                ("corrected", "bool")],
}


def _period(period: Period | None) -> Row:
    if period is None:
        return {name: None for name, _ in PERIOD}
    return {"period_text": period.text, "period_start": period.start,
            "period_end": period.end, "period_duration": period.duration,
            "period_every": period.every, "start_date": period.start_date,
            "end_date": period.end_date}


def _span(span: Span | None) -> Row:
    if span is None:
        return {"page": None, "span_start": None, "span_end": None}
    return {"page": span.page, "span_start": span.start, "span_end": span.end}


def _provenance(doc: Document, loaded: Loaded) -> Row:
    entry = loaded.entry
    municipality = doc.municipality
    return {
        "document_id": doc.id,
        "municipality": municipality.name if municipality else entry.municipality,
        "municipality_code": (municipality.code if municipality and municipality.code
                              else entry.municipality_code),
        "source_uri": doc.source.uri, "source_sha256": doc.source.sha256,
    }


def _walk(nodes: list[Node], parent: Node | None = None, sections: tuple[str, ...] = ()
          ) -> Iterator[tuple[Node, Node | None, tuple[str, ...]]]:
    """Every node with its parent and the titles of the sections above it, in reading order."""
    for node in nodes:
        yield node, parent, sections
        heading = " ".join(p for p in (node.label, node.title) if p)
        yield from _walk(node.children, node, (*sections, heading) if heading else sections)


def document_rows(loaded: Loaded, doc: Document | None = None) -> dict[str, list[Row]]:
    """Return the rows of every table for a loaded document (or for `doc` in its place)."""
    doc = doc or loaded.document
    base = _provenance(doc, loaded)
    main = next((p.id for p in doc.plans if p.role.value == "main"), None)
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    for plan in doc.plans:
        tables["plans"].append({
            "row_id": f"{doc.id}/{plan.id}", **base, "plan_id": plan.id, "title": plan.title,
            "kind": plan.kind, "role": plan.role.value, "parent_id": plan.parent_id,
            **_period(plan.period), "adopted": plan.adopted, "aliases": plan.aliases,
            **_span(plan.source), "confidence": plan.confidence, "evidence": plan.evidence})
    for position, (node, parent, sections) in enumerate(_walk(doc.outline)):
        common: Row = {
            "row_id": f"{doc.id}/{node.id}", **base, "node_id": node.id,
            "parent_id": parent.id if parent else None, "plan_id": main,
            "position": position, "label": node.label, "title": node.title,
            "text": node.text, **_period(node.period), "responsible": node.responsible,
            "target": node.target, **_span(node.source), "confidence": node.confidence,
            "evidence": node.evidence}
        tables["nodes"].append({**common, "depth": len(sections), "kind": node.kind.value})
        if node.kind is NodeKind.MEASURE:
            tables["measures"].append({**common, "sections": list(sections)})
        # A printed target without parts is one target whose text alone is known.
        parts = node.targets or ([Target(text=node.target)] if node.target else [])
        for i, target in enumerate(parts):
            tables["targets"].append({
                "row_id": f"{doc.id}/{node.id}/t{i}", **base, "node_id": node.id,
                "position": i, **target.model_dump()})
    tables["documents"].append({
        "row_id": doc.id, **base,
        "prefecture": doc.municipality.prefecture if doc.municipality else None,
        "media_type": doc.source.media_type, "title": doc.title, "status": doc.status.value,
        "issues": [issue.code for issue in doc.issues], "schema_version": doc.schema_version,
        "extractor_version": doc.extractor_version, "latest": loaded.entry.latest,
        "plans": len(doc.plans), "nodes": len(tables["nodes"]),
        "measures": len(tables["measures"]), "reviewed": loaded.reviewed})
    return {name: [_complete(name, row) for row in rows] for name, rows in tables.items()}


_EMPTY = {table: dict.fromkeys(name for name, _ in columns) for table, columns in TABLES.items()}


def _complete(table: str, row: Row) -> Row:
    """Return `row` with every column of its table, in the declared order."""
    return _EMPTY[table] | row


def rows_with_corrections(loaded: Loaded) -> dict[str, list[Row]]:
    """Return the document's rows, each marked `corrected` when a reviewer changed or added it.

    A reviewed row is corrected when the raw extraction has no row with its id or a different
    one; rows a reviewer deleted are simply absent.
    """
    tables = document_rows(loaded)
    raw = document_rows(loaded, loaded.raw) if loaded.raw is not None else None
    for name, rows in tables.items():
        if "corrected" not in dict(TABLES[name]):
            continue
        before = {r["row_id"]: r for r in raw[name]} if raw is not None else {}
        for row in rows:
            row["corrected"] = raw is not None and before.get(row["row_id"]) != row
    return tables
