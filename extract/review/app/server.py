"""The review app's routes: server-rendered pages, page images, and the save API.

    GET  /                               documents, filtered, lowest confidence first
    GET  /doc/{id}                       the source beside the reviewed outline and plans
    GET  /doc/{id}/page/{n}.png          a PDF page rendered
    GET  /doc/{id}/page/{n}/boxes        where each node of that page is printed on it
    GET  /api/doc/{id}                   the reviewed document, its revision and outcomes
    POST /api/doc/{id}/save              edits made on revision N: kept, or refused (409, 422)
    POST /api/doc/{id}/undo              cancel the latest correction with a new record

A save is checked whole before a record is kept: every edit must become a valid correction,
apply to the reviewed document, and leave it valid (schema and semantic checks). Saves on one
document are serialized, and a save made on an older revision is refused with both versions.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from extract.review.app.edits import Edit, EditError, Save, to_correction, undo_record, undoable
from extract.review.app.library import Entry, Library, Reviewed, Unreadable
from extract.review.app.security import BodyTooLarge, Guard
from extract.review.app.source import PdfCache, text_pieces
from extract.review.records import Correction
from extract.review.reviewed import refresh
from extract.review.store import StaleRevision
from extract.schema import Document, NodeKind, Role, walk
from extract.validate import Problem, semantic_problems

HERE = Path(__file__).parent
MAX_BODY = 256 * 1024  # bytes: a save is a few edits; a whole document is never sent
PDF_TYPE = "application/pdf"
# What the page's editor shows of a node and of a plan.
# Makes a save's records from the reviewed document and the records kept before it.
MakeRecords = Callable[[Document, list[Correction]], list[Correction]]
NODE_FIELDS = {"kind", "label", "title", "responsible", "target", "period", "source"}
PLAN_FIELDS = {"title", "kind", "role", "parent_id", "period"}


def create_app(raw: Path, out: Path, *, token: str | None = None,
               max_body: int = MAX_BODY) -> Starlette:
    """Return the app serving the outputs under `out` extracted from `raw`."""
    library = Library(raw, out)
    pdfs = PdfCache()
    templates = Jinja2Templates(directory=HERE / "templates")
    # Values shown to a reviewer: Japanese as written (`tojson` escapes it for scripts).
    templates.env.filters["shown"] = lambda value: json.dumps(value, ensure_ascii=False)
    csrf = secrets.token_urlsafe(32)

    def entry_of(request: Request) -> Entry:
        entry = library.entry(request.path_params["doc_id"])
        if entry is None:
            raise HTTPException(404, "no such document")
        return entry

    def index(request: Request) -> Response:
        with library.store() as store:
            by_uri: dict[str, list[Correction]] = {}
            for correction in store.all():
                by_uri.setdefault(correction.document_uri, []).append(correction)
        rows, unreadable = [], []
        for entry in library.entries():
            try:
                rows.append(library.reviewed(entry, by_uri.get(entry.uri, [])))
            except Unreadable as error:  # one bad output never hides the others
                unreadable.append(str(error))
        filters = {k: request.query_params.get(k, "") for k in
                   ("municipality", "status", "issues", "reviewed", "conflicts", "versions")}
        shown = sorted((r for r in rows if _matches(r, filters)), key=_by_confidence)
        return templates.TemplateResponse(request, "list.html", {
            "rows": shown, "total": len(rows), "filters": filters, "unreadable": unreadable,
            "municipalities": sorted({r.municipality for r in rows} - {""}),
        })

    def document(request: Request) -> Response:
        entry = entry_of(request)
        reviewed = library.reviewed(entry)
        doc = reviewed.document
        is_pdf = _is_pdf(entry, doc)
        sizes = pdfs.pdf(entry.sha256, lambda: library.source_bytes(entry)).sizes() if is_pdf \
            else []
        return templates.TemplateResponse(request, "document.html", {
            "r": reviewed, "doc": doc, "csrf": csrf, "is_pdf": is_pdf,
            "pages": list(enumerate(sizes, 1)), "pieces": text_pieces(doc),
            "kinds": [k.value for k in NodeKind], "roles": [r.value for r in Role],
            "corrections": {c.id: c for c in reviewed.corrections},
            "undoable": undoable(list(reviewed.corrections)),
            "node_data": {n.id: n.model_dump(mode="json", include=NODE_FIELDS)
                          for n in walk(doc.outline)},
            "plan_data": {p.id: p.model_dump(mode="json", include=PLAN_FIELDS)
                          for p in doc.plans},
            "plan_titles": {p.id: p.title for p in doc.plans},
        })

    def page_png(request: Request) -> Response:
        entry, page = _pdf_page(request)
        png = pdfs.png(entry.sha256, page, lambda: library.source_bytes(entry))
        return Response(png, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=3600"})

    def page_boxes(request: Request) -> Response:
        entry, page = _pdf_page(request)
        doc = library.reviewed(entry).document
        pdf = pdfs.pdf(entry.sha256, lambda: library.source_bytes(entry))
        return JSONResponse(pdf.boxes(page, doc))

    def _pdf_page(request: Request) -> tuple[Entry, int]:
        entry = entry_of(request)
        page = int(request.path_params["page"])
        doc = library.reviewed(entry).raw
        if not _is_pdf(entry, doc) or not 1 <= page <= (doc.source.pages or 0):
            raise HTTPException(404, "no such page")
        return entry, page

    def api_document(request: Request) -> Response:
        reviewed = library.reviewed(entry_of(request))
        return JSONResponse(_state(reviewed))

    async def save(request: Request) -> Response:
        entry = entry_of(request)
        try:
            body = Save.model_validate_json(await request.body())
        except ValidationError as error:
            return _problems([Problem(".".join(map(str, e["loc"])), e["msg"])
                              for e in error.errors()])
        return _keep(entry, body.revision, body.edits, lambda doc, current: [
            to_correction(doc, edit, body.author, body.note, f"edits[{i}]")
            for i, edit in enumerate(body.edits)])

    async def undo(request: Request) -> Response:
        entry = entry_of(request)
        try:
            data = json.loads(await request.body())
            revision, author = int(data["revision"]), str(data["author"])[:100]
            wanted = str(data["id"]) if data.get("id") else None
        except (ValueError, KeyError, TypeError, AttributeError):
            return JSONResponse({"error": "undo takes {revision, author, id?}"},
                                status_code=422)

        def records(_doc: Document, current: list[Correction]) -> list[Correction]:
            last = undoable(current, wanted)
            if last is None:
                raise EditError("nothing to undo" if wanted is None else
                                f"{wanted} is not a correction that stands", "undo")
            return [undo_record(last, entry.sha256, author or "reviewer", f"undo of {last.op}")]

        return _keep(entry, revision, [], records)

    def _keep(entry: Entry, revision: int, edits: list[Edit], make: MakeRecords) -> Response:
        """Check the revision, make the records, apply and validate them, then keep them."""
        with library.lock(), library.store() as store:
            current = store.for_document(entry.uri)
            before = library.reviewed(entry, current)
            if revision != len(current):
                return _stale(edits, revision, current, before)
            try:
                records = make(before.document, current)
                after = library.reviewed(entry, [*current, *records])
            except EditError as error:
                return _problems([Problem(error.where, str(error))])
            # A record that does not apply (its value would make the document invalid, its
            # target is gone) is refused here, at the field, rather than kept as a conflict.
            where = {r.id: _where(edits, i) for i, r in enumerate(records)}
            problems = [Problem(where[o.correction_id], o.detail) for o in after.outcomes
                        if o.correction_id in where and o.status == "conflict"]
            problems += _invalid(after.document)
            if problems:
                return _problems(problems)
            try:
                # Checked again inside the write: another process may share the catalog.
                store.extend(records, revision=len(current))
            except StaleRevision:
                return _stale(edits, revision, store.for_document(entry.uri), before)
        refresh(library.raw, library.out)  # the reviewed file beside the raw one, and the index
        return JSONResponse({"revision": len(current) + len(records),
                             "kept": [r.id for r in records]})

    routes = [
        Route("/", index),
        Route("/doc/{doc_id}", document),
        Route("/doc/{doc_id}/page/{page:int}.png", page_png),
        Route("/doc/{doc_id}/page/{page:int}/boxes", page_boxes),
        Route("/api/doc/{doc_id}", api_document),
        Route("/api/doc/{doc_id}/save", save, methods=["POST"]),
        Route("/api/doc/{doc_id}/undo", undo, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    async def unreadable_output(_request: Request, error: Exception) -> Response:
        return PlainTextResponse(str(error), status_code=422)

    async def too_large(_request: Request, _error: Exception) -> Response:
        return JSONResponse({"error": f"request body over {max_body} bytes"}, status_code=413)

    app = Starlette(routes=routes, exception_handlers={BodyTooLarge: too_large,
                                                         Unreadable: unreadable_output})
    app.add_middleware(Guard, csrf=csrf, token=token, max_body=max_body)
    app.state.library = library
    app.state.pdfs = pdfs
    return app


def _is_pdf(entry: Entry, doc: Document) -> bool:
    return (entry.media_type or doc.source.media_type) == PDF_TYPE and bool(doc.source.pages)


def _stale(edits: list[Edit], revision: int, current: list[Correction], before: Reviewed
           ) -> JSONResponse:
    """Return the refusal of a save made on an older revision: its edits and the records
    kept since, so the reviewer sees both."""
    return JSONResponse({
        "error": "stale", "revision": len(current),
        "yours": [e.model_dump(mode="json") for e in edits],
        "theirs": [c.model_dump(mode="json") for c in current[revision:]],
        "current": before.document.model_dump(mode="json", exclude={"text"}),
    }, status_code=409)


def _where(edits: list[Edit], i: int) -> str:
    """Return where on the page a record's problem shows: its edit, and the field edited."""
    if i >= len(edits):
        return "undo"
    edit = edits[i]
    field = edit.field or ("period" if edit.op in ("set_period", "clear_period") else "")
    return f"edits[{i}].{field}" if field else f"edits[{i}]"


def _invalid(doc: Document) -> list[Problem]:
    """Return what the schema and the semantic checks find wrong with a reviewed document."""
    try:
        checked = Document.model_validate(doc.model_dump(mode="json"))
    except ValidationError as error:
        return [Problem("$." + ".".join(map(str, e["loc"])), e["msg"]) for e in error.errors()]
    return list(semantic_problems(checked))


def _problems(problems: list[Problem]) -> JSONResponse:
    return JSONResponse({"error": "invalid", "problems": [
        {"path": p.path, "message": p.message} for p in problems]}, status_code=422)


def _state(reviewed: Reviewed) -> dict[str, Any]:
    return {"revision": reviewed.revision,
            "document": reviewed.document.model_dump(mode="json"),
            "outcomes": [o.model_dump(mode="json") for o in reviewed.outcomes]}


def _matches(row: Reviewed, filters: dict[str, str]) -> bool:
    """Return whether a document passes the list's filters (an empty filter passes all)."""
    entry, doc = row.entry, row.raw
    checks: dict[str, Callable[[str], bool]] = {
        "municipality": lambda v: row.municipality == v,
        "status": lambda v: doc.status.value == v,
        "issues": lambda v: bool(doc.issues) == (v == "yes"),
        "reviewed": lambda v: bool(row.corrections) == (v == "yes"),
        "conflicts": lambda v: bool(row.conflicts) == (v == "yes"),
        "versions": lambda v: v == "all" or entry.latest,
    }
    if not filters.get("versions"):
        filters = {**filters, "versions": "latest"}
    return all(checks[k](v) for k, v in filters.items() if v)


def _by_confidence(row: Reviewed) -> tuple[int, float, str]:
    """Lowest confidence first; documents without one after, by municipality and source."""
    confidence = row.confidence
    return (confidence is None, confidence or 0.0, f"{row.municipality} {row.entry.uri}")


def serve(raw: Path, out: Path, *, host: str, port: int, token: str | None) -> None:
    """Serve the app until interrupted; refuse a non-loopback `host` without a token."""
    import uvicorn

    from extract.review.app.security import check_bind

    check_bind(host, token)
    app = create_app(raw, out, token=token)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    print(f"review app: {url}  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
