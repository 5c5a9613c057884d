"""A correction made on a document as it stands: its anchor and the value seen, filled in.

The review app and `extract review add` both build records here, so every correction carries
the same anchor and the same notion of "the value the reviewer saw" that `apply` checks.
"""

from __future__ import annotations

from typing import Any

from extract.errors import InputError
from extract.review.locate import Json, anchor_of, find_node, find_plan
from extract.review.records import Anchor, Correction, Op, Target, TargetKind
from extract.schema import Document

# Operations whose `seen` is the node's (or plan's) heading rather than one field's value.
_HEADING_SEEN = frozenset({"delete", "move", "not_heading"})
_NO_SEEN = frozenset({"insert_under", "insert_after", "add_measure"})
_FIELD_OF = {"set_period": "period", "clear_period": "period", "set_role": "role",
             "set_parent": "parent_id"}


def correction_for(doc: Document, *, op: Op, kind: TargetKind, author: str,
                   target_id: str | None = None, field: str | None = None, value: Any = None,
                   note: str | None = None) -> Correction:
    """A correction of `doc`'s node, plan or document field; `InputError` if it has none."""
    data: Json = doc.model_dump(mode="json")
    anchor: Anchor | None = None
    holder: Json = data
    if kind == "node":
        found = find_node(data, Target(kind="node", id=target_id))
        if found.place is None:
            raise InputError(f"no node has id {target_id!r} in {doc.source.uri}")
        holder, anchor = found.place.node, anchor_of(data, found.place)
    elif kind == "plan":
        found = find_plan(data, Target(kind="plan", id=target_id))
        if found.plan is None:
            raise InputError(f"no plan has id {target_id!r} in {doc.source.uri}")
        holder, anchor = found.plan, Anchor(title=found.plan["title"])
    seen: Any = None
    if op in _HEADING_SEEN:
        keys = ("label", "title") if kind == "node" else ("title",)
        seen = {k: holder.get(k) for k in keys}
    elif op == "set" and field is not None:
        seen = holder.get(field)
    elif op in _FIELD_OF:
        seen = holder.get(_FIELD_OF[op])
    elif op not in _NO_SEEN:
        seen = None
    if op == "move" and isinstance(value, dict):
        value = {**value, **{key: _with_anchor(data, value[key]) for key in ("under", "after")
                             if isinstance(value.get(key), dict)}}
    return Correction.model_validate({
        "document_uri": doc.source.uri, "sha256": doc.source.sha256,
        "target": {"kind": kind, "id": target_id if kind != "document" else None,
                   "field": field, "anchor": anchor},
        "op": op, "seen": seen, "value": value, "author": author, "note": note,
    })


def _with_anchor(data: Json, target: Json) -> Json:
    """A move's destination (a node target) with the anchor it has in the document."""
    if target.get("anchor") or not target.get("id"):
        return target
    found = find_node(data, Target(kind="node", id=target["id"]))
    if found.place is None:
        raise InputError(f"no node has id {target['id']!r}")
    return {**target, "anchor": anchor_of(data, found.place).model_dump(mode="json")}
