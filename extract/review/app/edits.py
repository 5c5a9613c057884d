"""What the page sends (an edit on the reviewed document) to correction records.

An edit names its target by the id the page showed; the record gets that id, an anchor taken
from the reviewed document as it stands, and the value the reviewer saw, so it can be re-applied
to any later extraction. Indent and outdent are moves: under the previous sibling, or after the
parent. A period typed as words (令和2年度から令和6年度まで) is read by the period engine.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

from extract.errors import InputError
from extract.review.locate import Place, anchor_of, places
from extract.review.make import correction_for
from extract.review.records import Correction, Op, Target
from extract.schema import Document, Period

Json = dict[str, Any]
EditOp = Literal["set", "delete", "insert_after", "insert_under", "indent", "outdent",
                 "not_heading", "add_measure", "set_period", "clear_period", "set_role",
                 "set_parent"]
LIST_FIELDS = frozenset({"responsible", "aliases"})  # typed as one line, comma-separated
SPLIT = ("、", ",", "，")
NULLABLE = frozenset({"label", "title", "target", "kind", "parent_id", "adopted"})
PLAN_OPS = {"role": "set_role", "parent_id": "set_parent"}  # plan fields with an operation


class EditTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["node", "plan", "document"]
    id: str | None = Field(default=None, max_length=200)


class Edit(BaseModel):
    """One change as the page sends it."""

    model_config = ConfigDict(extra="forbid")

    op: EditOp
    target: EditTarget
    field: str | None = Field(default=None, max_length=40)
    value: JsonValue = None


class Save(BaseModel):
    """A save: the edits, the revision they were made on, who made them and why."""

    model_config = ConfigDict(extra="forbid")

    revision: int = Field(ge=0)
    author: str = Field(min_length=1, max_length=100)
    note: str | None = Field(default=None, max_length=2000)
    edits: list[Edit] = Field(min_length=1, max_length=100)


class EditError(InputError):
    """An edit that cannot become a correction; `where` names the edit and field."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.where = where


def _node_place(doc: Json, node_id: str | None, where: str) -> Place:
    for place in places(doc["outline"]):
        if place.node.get("id") == node_id:
            return place
    raise EditError(f"no node has id {node_id!r} in the reviewed document", where)


def _node_target(doc: Json, place: Place) -> JsonValue:
    return Target(kind="node", id=place.node["id"], anchor=anchor_of(doc, place)
                  ).model_dump(mode="json")


def period_value(value: JsonValue, where: str) -> JsonValue:
    """Return a period typed on the page as the schema's JSON; words are read for their years."""
    if not isinstance(value, dict):
        raise EditError("a period is {text, start, end}", where)
    text = str(value.get("text") or "").strip()
    fields = {k: (str(value[k]).strip() or None) if value.get(k) is not None else None
              for k in ("start", "end", "duration", "every")}
    if not any(fields.values()) and text:
        from extract.periods import find_periods, resolve

        found = find_periods(text)
        if not found:
            raise EditError(f"no period in {text!r}: give its start and end (FY2020)", where)
        expr = found[0]
        period = Period(text=text, start=expr.start, end=expr.end, duration=expr.duration,
                        every=expr.every,
                        start_date=resolve(expr.start, end=False) if expr.start else None,
                        end_date=resolve(expr.end, end=True) if expr.end else None)
    else:
        try:
            period = Period.model_validate({"text": text or " ".join(
                v for v in fields.values() if v), **fields})
        except ValidationError as error:
            raise EditError(error.errors()[0]["msg"], where) from None
    return period.model_dump(mode="json", exclude_none=True)


def _field_value(field: str, value: JsonValue) -> JsonValue:
    """Return a field's value as typed on the page in the schema's form."""
    if field in LIST_FIELDS and isinstance(value, str):
        for sep in SPLIT:
            value = value.replace(sep, ",")
        return [part.strip() for part in value.split(",") if part.strip()]
    if field in NULLABLE and isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _new_node(value: JsonValue, kind: str, where: str) -> Json:
    if not isinstance(value, dict):
        raise EditError("a new node is {label, title, text}", where)
    node: Json = {"kind": kind}
    for key in ("label", "title", "text", "responsible", "target", "source"):
        if value.get(key) not in (None, "", []):
            node[key] = _field_value(key, value[key])
    if not node.get("title") and not node.get("label"):
        raise EditError("a new node needs a title", f"{where}.title")
    return node


def to_correction(doc: Document, edit: Edit, author: str, note: str | None,
                  where: str) -> Correction:
    """Return the correction record of one edit made on the reviewed document `doc`."""
    op: str = edit.op
    field = edit.field if op == "set" else None
    value: JsonValue = edit.value
    if edit.target.kind == "plan" and field in PLAN_OPS:
        op, field = PLAN_OPS[field], None
    if field is not None:
        value = _field_value(field, value)
    if op in ("indent", "outdent"):
        data = doc.model_dump(mode="json")
        value = _move(data, _node_place(data, edit.target.id, where), op, where)
        op = "move"
    elif op in ("insert_after", "insert_under"):
        value = _new_node(value, "section", where)
    elif op == "add_measure":
        value = _new_node(value, "measure", where)
    elif op == "set_period":
        value = period_value(value, f"{where}.period")
    try:
        return correction_for(doc, op=cast(Op, op), kind=edit.target.kind, author=author,
                              target_id=edit.target.id, field=field, value=value, note=note)
    except InputError as error:
        raise EditError(str(error), where) from None
    except ValidationError as error:
        raise EditError(error.errors()[0]["msg"], where) from None


def _move(doc: Json, place: Place, op: str, where: str) -> JsonValue:
    """Return the `move` value of an indent (under the previous sibling, last) or an outdent
    (after the parent, in the grandparent)."""
    nodes = places(doc["outline"])
    by_id = {p.node["id"]: p for p in nodes}
    index = next(i for i, n in enumerate(place.siblings) if n is place.node)
    if op == "indent":
        if index == 0:
            raise EditError("the first of its siblings cannot be indented", where)
        under = by_id[place.siblings[index - 1]["id"]]
        children = under.node.get("children") or []
        after = by_id[children[-1]["id"]] if children else None
        return {"under": _node_target(doc, under),
                "after": _node_target(doc, after) if after else None}
    if place.parent is None:
        raise EditError("a top-level node cannot be outdented", where)
    parent = by_id[place.parent["id"]]
    grandparent = by_id[parent.parent["id"]] if parent.parent is not None else None
    return {"under": _node_target(doc, grandparent) if grandparent else None,
            "after": _node_target(doc, parent)}


def undo_record(last: Correction, sha256: str, author: str, note: str | None) -> Correction:
    """Return the record, made on the version `sha256`, that cancels `last`."""
    return Correction(document_uri=last.document_uri, sha256=sha256, target=last.target,
                      op=last.op, author=author, note=note, undoes=last.id)


def undoable(corrections: list[Correction], wanted: str | None = None) -> Correction | None:
    """Return the correction `wanted` (else the latest) if it stands: not an undo record, and
    not undone already."""
    undone = {c.undoes for c in corrections if c.undoes}
    for correction in reversed(corrections):
        if correction.undoes is None and correction.id not in undone \
                and wanted in (None, correction.id):
            return correction
    return None
