"""One document from bytes to a validated `Document`: the whole pipeline in one function."""

from __future__ import annotations

import hashlib
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from extract import __version__
from extract.blocks import Problem, ReadResult
from extract.errors import InputError
from extract.files import write_text_atomic
from extract.measures import Measure, outline_measures
from extract.periods import TimeExpr
from extract.plans import FoundPlan, find_plans
from extract.readers import read, sniff_media_type
from extract.schema import (
    Document,
    Issue,
    Link,
    Metadata,
    Municipality,
    Node,
    NodeKind,
    Period,
    Plan,
    Role,
    Severity,
    Source,
    Span,
    Status,
)
from extract.structure.boilerplate import PageFacts, strip_boilerplate
from extract.structure.lines import to_lines
from extract.structure.normalize import normalize_blocks
from extract.structure.outline import Entry, Section, build_outline
from extract.structure.title import document_title

if TYPE_CHECKING:
    from extract.readers.pdf_pages import PdfOptions


def parse_bytes(data: bytes, *, uri: str, media_type: str | None = None,
                charset: str | None = None, pdf: PdfOptions | None = None) -> Document:
    """The structured document of one source. Never raises for bad input.

    `pdf` says how PDFs are read: the engine (PDFium by default, or pdfplumber) and OCR.

    Stages:
    1. read       bytes → blocks, page metadata, links, problems (text / HTML / PDF reader)
    2. normalize  NFKC (keeping ① and Ⅰ), folded spaces, debris dropped
    3. clean      page furniture out of the content, into metadata
    4. lines      blocks joined into the document text; every block a `Line` with its span
    5. outline    each line labelled from named features, then the heading tree built
    6. periods    every time expression in the text, normalized
    7. plans      plans named, their roles and periods
    8. measures   concrete actions under each section (tables, lists, Sudachi-segmented prose);
                  none in a document without a plan or a table of actions
    9. assemble   pydantic models, validated on construction
    10. validate  what the schema cannot check (unique ids, spans inside the text); a
                  problem here is ours, reported on the document rather than hidden
    """
    sha256 = hashlib.sha256(data).hexdigest()
    kind = sniff_media_type(data, uri, media_type)
    try:
        result = read(data, name=uri, media_type=kind, charset=charset, pdf=pdf)  # 1
    except InputError as error:
        result = ReadResult([], kind, problems=[Problem(error.code, str(error), "error")],
                            failed=True)
    blocks = normalize_blocks(result.blocks)  # 2
    blocks, facts = strip_boilerplate(blocks)  # 3
    title, blocks = document_title(result, blocks, uri)
    text, lines = to_lines(blocks)  # 4
    root, _ = build_outline(lines, title)  # 5
    exprs = _find_periods(text)  # 6
    plans = find_plans(text, title, root, exprs)  # 7
    measures = outline_measures(root, has_plan=bool(plans))  # 8
    doc = _assemble(data, sha256, uri, kind, result, facts, title, text, root, plans,
                    measures)  # 9
    return flag_invalid(doc)  # 10


def parse_file(path: Path, pdf: PdfOptions | None = None) -> Document:
    """The structured document of the file at `path`."""
    return parse_bytes(path.read_bytes(), uri=path.as_posix(), pdf=pdf)


def parse_or_fail(data: bytes, *, uri: str, media_type: str | None = None,
                  charset: str | None = None, pdf: PdfOptions | None = None) -> Document:
    """Like `parse_bytes`, but a defect of ours becomes a failed document, not a crash."""
    try:
        return parse_bytes(data, uri=uri, media_type=media_type, charset=charset, pdf=pdf)
    except Exception as error:  # a bug of ours must not stop a batch
        return failed_document(
            uri, hashlib.sha256(data).hexdigest(), len(data),
            media_type or sniff_media_type(data, uri), "internal_error",
            f"{type(error).__name__}: {error}",
            where=traceback.format_exc(limit=-1).strip().splitlines()[-1])


def failed_document(uri: str, sha256: str, size: int, media_type: str, code: str,
                    message: str, where: str | None = None) -> Document:
    """A failed document with one error issue, for a source nothing could be read from."""
    return Document(
        id=_doc_id(sha256), extractor_version=__version__,
        source=Source(uri=uri, sha256=sha256, size=size, media_type=media_type),
        status=Status.FAILED,
        issues=[Issue(code=code, severity=Severity.ERROR, message=message, where=where)],
    )


def write_document(doc: Document, path: Path) -> None:
    """Write `doc` as JSON at `path` atomically: a temp file beside it, then a rename."""
    write_text_atomic(path, doc.model_dump_json(indent=2) + "\n")


def flag_invalid(doc: Document) -> Document:
    """`doc`, with every semantic problem of its own reported as an issue (status partial)."""
    from extract.validate import semantic_problems

    problems = list(semantic_problems(doc))
    if not problems:
        return doc
    issues = [*doc.issues, *(Issue(code="invalid_output", severity=Severity.ERROR,
                                   message=p.message, where=p.path) for p in problems)]
    status = Status.FAILED if doc.status is Status.FAILED else Status.PARTIAL
    return doc.model_copy(update={"issues": issues, "status": status})


# -- stages -------------------------------------------------------------------------------------


def _find_periods(text: str) -> list[TimeExpr]:
    from extract.periods import find_periods

    return find_periods(text)


# -- assembly -----------------------------------------------------------------------------------


def _doc_id(sha256: str) -> str:
    return f"doc-{sha256[:16]}"


def _node_id(parent: str, label: str | None, title: str | None, seen: dict[str, int]) -> str:
    """An id from the node's own heading, its parent's heading (`parent`: label and title, not
    the parent's id) and how many nodes so headed come before it under parents so headed.

    Not from every ancestor: a retitled chapter keeps the ids of all but its direct children,
    and the anchors of corrections catch those. The parent's heading keeps repeated headings
    (the same section under each period) apart, so renaming one leaves the others' ids alone.
    """
    base = f"{parent}/{label or ''}{title or ''}"
    seen[base] = seen.get(base, 0) + 1
    digest = hashlib.sha1(f"{base}#{seen[base]}".encode()).hexdigest()[:12]
    return f"n-{digest}"


def _period(expr: TimeExpr | None) -> Period | None:
    if expr is None:
        return None
    from extract.periods import resolve

    return Period(
        text=expr.surface, start=expr.start, end=expr.end, duration=expr.duration,
        every=expr.every,
        start_date=resolve(expr.start, end=False) if expr.start else None,
        end_date=resolve(expr.end, end=True) if expr.end else None,
    )


def _span(span: tuple[int, int] | None, page: int | None) -> Span | None:
    return None if span is None else Span(page=page, start=span[0], end=span[1])


# Entries that stay a section's text (a list item with its label, a table cell as printed;
# cells of one row join back into it).
_BODY_ROLES = frozenset({"paragraph", "item", "row", "schedule", "cell"})


def _section_text(entries: list[Entry]) -> str:
    """The text directly under a section: its paragraphs and items, and its table rows with
    their cells joined by tabs, so every character of the content text belongs to a node."""
    out: list[str] = []
    row: tuple[int, int] | None = None
    for entry in entries:
        if entry.role == "cell" and entry.row is not None:
            cell = f"{entry.label}{entry.text}" if entry.label else entry.text
            if entry.row == row:
                out[-1] += "\t" + cell
            else:
                out.append(cell)
            row = entry.row
        elif entry.role in _BODY_ROLES:
            labelled = entry.label and entry.role == "item"
            out.append(f"{entry.label} {entry.text}" if labelled else entry.text)
            row = None
    return "\n".join(out)


def _nodes(section: Section, measures: dict[int, list[Measure]], parent_id: str,
           seen: dict[str, int]) -> list[Node]:
    """Schema nodes for the children of `section`, with measures in reading order; under the
    root, the text before the first heading is a preamble node."""
    items: list[tuple[int, Node]] = []
    heading = f"{section.label or ''}{section.title or ''}"
    if not parent_id and section.body:
        first = section.body[0]
        items.append((first.span[0], Node(
            id=_node_id(heading, None, "preamble", seen), kind=NodeKind.PREAMBLE,
            text=_section_text(section.body), source=_span(first.span, first.page))))
    for child in section.children:
        node_id = _node_id(heading, child.label, child.title, seen)
        items.append((child.span[0] if child.span else 0, Node(
            id=node_id, kind=NodeKind.SECTION, label=child.label, title=child.title,
            text=_section_text(child.body), children=_nodes(child, measures, node_id, seen),
            source=_span(child.span, child.page), confidence=child.confidence,
            evidence=child.evidence,
        )))
    for m in measures.get(id(section), []):
        node_id = _node_id(heading, m.label, m.title, seen)
        items.append((m.span[0], Node(
            id=node_id, kind=NodeKind.MEASURE, label=m.label, title=m.title,
            responsible=m.responsible, target=m.target, targets=m.targets,
            source=_span(m.span, m.page), confidence=m.confidence, evidence=m.evidence,
        )))
    items.sort(key=lambda pair: pair[0])
    return [node for _, node in items]


_MUNICIPALITY = re.compile(
    r"(?P<pref>[一-龥]{2,3}?[都道府県])?(?P<name>[一-龥ぁ-んァ-ヶー]{1,6}?[市町村区])"
)


def _municipality(title: str | None, facts: PageFacts, text: str) -> Municipality | None:
    for source in (title or "", facts.address or "", facts.department or "", text[:2000]):
        m = _MUNICIPALITY.search(source)
        if m:
            return Municipality(name=m.group("name"), prefecture=m.group("pref"))
    return None


def _assemble(data: bytes, sha256: str, uri: str, kind: str, result: ReadResult,
              facts: PageFacts, title: str | None, text: str, root: Section,
              found: list[FoundPlan], measures: dict[int, list[Measure]]) -> Document:
    issues = [Issue(code=p.code, message=p.message, severity=Severity(p.severity), where=p.where)
              for p in result.problems]
    outline = _nodes(root, measures, "", {})
    status = Status.OK
    if result.failed:
        status = Status.FAILED
    elif not text:
        status = Status.FAILED
        issues.append(Issue(code="no_content", severity=Severity.ERROR,
                            message="no content was left after removing page furniture"))
    elif any(i.severity is Severity.ERROR for i in issues):
        status = Status.PARTIAL
    plan_ids: dict[int, str] = {}
    plans: list[Plan] = []
    for p in found:
        plan_ids[id(p)] = f"p-{hashlib.sha1(p.title.encode()).hexdigest()[:10]}"
    main_id = next((plan_ids[id(p)] for p in found if p.role == "main"), None)
    for p in found:
        plans.append(Plan(
            id=plan_ids[id(p)], title=p.title, kind=p.kind, role=Role(p.role),
            parent_id=main_id if p.role == "sub" else None, period=_period(p.period),
            adopted=p.adopted, aliases=p.aliases,
            source=_span(p.span, None) if p.span != (0, 0) else None,
            confidence=p.confidence, evidence=p.evidence,
        ))
    metadata = Metadata(
        breadcrumbs=facts.breadcrumbs or _list(result.metadata.get("breadcrumbs")),
        department=facts.department or _str(result.metadata.get("department")),
        phone=facts.phone or _list(result.metadata.get("phone")),
        fax=facts.fax or _list(result.metadata.get("fax")),
        email=facts.email or _list(result.metadata.get("email")),
        address=facts.address or _str(result.metadata.get("address")),
        updated=facts.updated or _str(result.metadata.get("updated")),
        page_id=facts.page_id or _str(result.metadata.get("page_id")),
    )
    return Document(
        id=_doc_id(sha256), extractor_version=__version__,
        source=Source(uri=uri, sha256=sha256, media_type=result.media_type or kind,
                      size=len(data), encoding=result.encoding, pages=result.pages),
        title=title, municipality=_municipality(title, facts, text), status=status,
        issues=issues, metadata=metadata,
        links=[Link(url=lk.url, text=lk.text, kind=lk.kind, media_type=lk.media_type,
                    size_text=lk.size_text) for lk in result.links],
        text=text, plans=plans, outline=outline,
    )


def _list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _str(value: str | list[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value[0] if value else None
