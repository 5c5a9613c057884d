"""Corrections applied on top of an extraction: a pure function of the two.

Each correction, in the order it was made, ends as exactly one outcome:

    applied    its target was found (by id, else by anchor) holding the value the reviewer saw,
               and now holds the reviewer's value
    absorbed   the extraction already gives the reviewer's value (or, for a delete or "not a
               heading", no longer gives the node at all)
    conflict   the target is gone or ambiguous, the value the reviewer saw has changed, or the
               result would not be a valid document: the extraction's value is kept, and the
               outcome carries both values
    undone     a later record undoes it (the undo record itself is applied)

Nothing is applied silently and nothing is dropped: every correction given has an outcome, and
the reviewed document lists each conflict as an issue. The result is validated by the schema
and by `extract.validate`'s semantic checks after every step; a step that breaks either is a
conflict and leaves the document as it was.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from extract.evaluate.docs import same as titles_same
from extract.review.locate import Json, Place, find_node, find_plan, heading, places
from extract.review.records import Anchor, Correction, Outcome, Target
from extract.schema import Document, Issue, Period, Severity
from extract.validate import semantic_problems

PERIOD_KEYS = ("start", "end", "duration", "every")  # what a period is; its text is how it read
PERIOD_FIELDS = frozenset(Period.model_fields)
NODE_KEYS = ("label", "title")  # what a reviewer saw of a node they deleted, moved or merged


@dataclass(slots=True)
class Reviewed:
    """An extraction with corrections applied, and what became of each correction."""

    document: Document
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "conflict"]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts


class Conflict(Exception):
    """A correction that cannot be applied: why, and the value the document holds."""

    def __init__(self, why: str, current: Any = None) -> None:
        super().__init__(why)
        self.current = current


class Absorbed(Exception):
    """The extraction already gives what the correction asks for."""


def apply(document: Document, corrections: list[Correction]) -> Reviewed:
    """`document` with `corrections` applied in the order they were made, and their outcomes."""
    ordered = sorted(enumerate(corrections), key=lambda pair: (pair[1].at, pair[0]))
    undone = _undone([c for _, c in ordered])
    state: Json = document.model_dump(mode="json")
    before = {str(p) for p in semantic_problems(document)}
    outcomes: list[Outcome] = []
    known = {c.id for c in corrections}
    for _, correction in ordered:
        if correction.id in undone:
            outcomes.append(Outcome(correction_id=correction.id, status="undone",
                                    detail=f"undone by {undone[correction.id]}"))
            continue
        if correction.undoes is not None:
            outcomes.append(
                Outcome(correction_id=correction.id, status="applied",
                        detail=f"undoes {correction.undoes}") if correction.undoes in known
                else Outcome(correction_id=correction.id, status="conflict",
                             detail=f"undoes {correction.undoes}, which is not known"))
            continue
        state, outcome = _one(state, correction, document.source.uri, before)
        outcomes.append(outcome)
    state["issues"] = [*state["issues"], *(_issue(o) for o in outcomes if o.status == "conflict")]
    return Reviewed(Document.model_validate(state), outcomes)


def _undone(corrections: list[Correction]) -> dict[str, str]:
    """Corrections cancelled by an undo that is not itself undone: id → the undoing record."""
    undoers: dict[str, list[Correction]] = {}
    for c in corrections:
        if c.undoes is not None:
            undoers.setdefault(c.undoes, []).append(c)
    memo: dict[str, str | None] = {}

    def undone_by(cid: str, depth: int = 0) -> str | None:
        if cid not in memo:
            memo[cid] = None  # a cycle of undos undoes nothing
            live = [u for u in undoers.get(cid, []) if undone_by(u.id, depth + 1) is None]
            memo[cid] = live[-1].id if live else None
        return memo[cid]

    return {c.id: by for c in corrections if (by := undone_by(c.id)) is not None}


def _issue(outcome: Outcome) -> Json:
    return Issue(code="review_conflict", severity=Severity.WARNING,
                 message=outcome.detail, where=f"correction {outcome.correction_id}"
                 ).model_dump(mode="json")


def _one(state: Json, c: Correction, uri: str, before: set[str]) -> tuple[Json, Outcome]:
    """The document after one correction, and its outcome (the same document on conflict)."""
    if c.document_uri != uri:
        return state, Outcome(correction_id=c.id, status="conflict",
                              detail=f"made on {c.document_uri}, not on {uri}")
    work = _copy(state)
    try:
        detail = OPS[c.op](work, c)
        problems = _problems(work, before)
        if problems:
            raise Conflict(f"the result would be invalid: {problems}")
    except Absorbed as done:
        return state, Outcome(correction_id=c.id, status="absorbed", detail=str(done))
    except Conflict as conflict:
        return state, Outcome(correction_id=c.id, status="conflict", detail=str(conflict),
                              current=conflict.current, wanted=c.value)
    except Exception as error:  # a value of a shape the operation cannot take: said, not lost
        detail = str(error).splitlines()[0] if str(error) else ""
        return state, Outcome(correction_id=c.id, status="conflict", wanted=c.value,
                              detail=f"cannot be applied: {type(error).__name__}: {detail}")
    return work, Outcome(correction_id=c.id, status="applied", detail=detail)


def _copy(state: Json) -> Json:
    """A copy of a document to change: what corrections can change is copied, the rest shared
    (the text and links are never changed; top-level fields are replaced, not edited)."""

    def deep(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [deep(v) for v in value]
        return value

    return {**state, "outline": deep(state["outline"]), "plans": deep(state["plans"])}


def _problems(work: Json, before: set[str]) -> str:
    """What is wrong with a document the previous step did not already have ("" if nothing)."""
    try:
        doc = Document.model_validate(work)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    new = [str(p) for p in semantic_problems(doc) if str(p) not in before]
    return "; ".join(new)


# -- comparing values ---------------------------------------------------------------------


def _norm(value: Any) -> Any:
    """A value as compared: strings without width or spacing differences, periods by value."""
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).split())
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        if value.keys() <= PERIOD_FIELDS and set(PERIOD_KEYS) & value.keys():
            return {k: _norm(value.get(k)) for k in PERIOD_KEYS}
        return {k: _norm(v) for k, v in value.items()}
    return value


def same(a: Any, b: Any) -> bool:
    """Whether two JSON values are the same correction-wise (see `_norm`)."""
    return bool(_norm(a) == _norm(b))


def _check_seen(c: Correction, current: Any) -> None:
    """Absorbed when the document already holds the new value; a conflict when it no longer
    holds what the reviewer saw."""
    if same(current, c.value):
        raise Absorbed("the extraction already gives this value")
    if not same(current, c.seen):
        raise Conflict("the value the reviewer saw has changed", current)


def _seen_node(c: Correction, node: Json) -> None:
    """A conflict when the node no longer has the label and title the reviewer saw."""
    if isinstance(c.seen, dict):
        current = {k: node.get(k) for k in c.seen}
        if not same(current, c.seen):
            raise Conflict("the node the reviewer saw has changed", current)


# -- locating -----------------------------------------------------------------------------


def _node(work: Json, target: Target, *, gone: str | None = None) -> Place:
    """The node a target names; `gone` turns "not found" into absorbed with that message."""
    found = find_node(work, target)
    if found.place is None:
        if gone is not None and "ambiguous" not in found.why:
            raise Absorbed(gone)
        raise Conflict(f"target gone: {found.why}")
    return found.place


def _plan(work: Json, target: Target) -> Json:
    found = find_plan(work, target)
    if found.plan is None:
        raise Conflict(f"target gone: {found.why}")
    return found.plan


def _holder(work: Json, target: Target) -> Json:
    """The object a field of the target lives on: a node, a plan or the document."""
    if target.kind == "document":
        return work
    if target.kind == "plan":
        return _plan(work, target)
    return _node(work, target).node


def _children_of(work: Json, target: Target | None) -> tuple[Json | None, list[Json]]:
    """The node a target names (None for the document) and the list of its children."""
    if target is None or target.kind == "document":
        return None, work["outline"]
    node = _node(work, target).node
    return node, node.setdefault("children", [])


def _new_node(c: Correction, kind: str) -> Json:
    """A node made by a correction: its id comes from the correction, so it is stable."""
    value = c.value if isinstance(c.value, dict) else {}
    if not value.get("title"):
        raise Conflict("a new node needs a title")
    node = {k: v for k, v in value.items() if k not in ("id", "children")}
    node.setdefault("kind", kind)
    node["id"] = f"n-r{c.id[:12]}"
    node["children"] = []
    return node


def _period(value: Any) -> Json | None:
    """A reviewer's period with its text and resolved dates filled in where left out."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Conflict("a period is an object {start, end} or {duration} or {every}")
    from extract.periods import resolve

    period = dict(value)
    try:
        if period.get("start") and not period.get("start_date"):
            period["start_date"] = resolve(period["start"], end=False).isoformat()
        if period.get("end") and not period.get("end_date"):
            period["end_date"] = resolve(period["end"], end=True).isoformat()
    except ValueError as error:
        raise Conflict(str(error)) from None
    if not period.get("text"):
        ends = [period.get(k) for k in ("start", "end")]
        period["text"] = "–".join(e or "" for e in ends) if any(ends) else (
            period.get("duration") or period.get("every") or "")
    return period


# -- operations ---------------------------------------------------------------------------


def _set(work: Json, c: Correction) -> str:
    name = str(c.target.field)
    found = find_node(work, c.target) if c.target.kind == "node" else None
    if found is not None and found.place is None:
        anchor = c.target.anchor
        if name in NODE_KEYS and anchor is not None:
            # The extractor may now give the corrected heading itself, under a new id.
            fixed = Target(kind="node", anchor=anchor.model_copy(update={name: c.value}))
            if find_node(work, fixed).place is not None:
                raise Absorbed("the extraction now gives the corrected heading")
        raise Conflict(f"target gone: {found.why}")
    holder = found.place.node if found is not None and found.place else _holder(work, c.target)
    value = _period(c.value) if name == "period" else c.value
    _check_seen(c, holder.get(name))
    holder[name] = value
    where = "document" if c.target.kind == "document" else f"{c.target.kind} {holder['id']}"
    return f"{where} {name} set"


def _delete(work: Json, c: Correction) -> str:
    if c.target.kind == "plan":
        plan = _plan(work, c.target)
        _seen_node(c, plan)
        work["plans"].remove(plan)
        orphans = [p for p in work["plans"] if p.get("parent_id") == plan["id"]]
        for p in orphans:
            p["parent_id"] = None
        return f"plan {plan['id']} deleted" + (
            f"; {len(orphans)} sub-plans lost their parent" if orphans else "")
    place = _node(work, c.target, gone="the extraction no longer gives this node")
    _seen_node(c, place.node)
    place.siblings.remove(place.node)
    below = len(places(place.node["children"]))
    return f"node {place.node['id']} deleted" + (f" with {below} below it" if below else "")


def _insert(work: Json, c: Correction, siblings: list[Json], index: int) -> str:
    node = _new_node(c, "section")
    key = heading(node)
    if any(heading(s) == key for s in siblings):
        raise Absorbed("the extraction already gives this heading here")
    siblings.insert(index, node)
    return f"node {node['id']} inserted"


def _insert_under(work: Json, c: Correction) -> str:
    _, children = _children_of(work, c.target)
    return _insert(work, c, children, len(children))


def _insert_after(work: Json, c: Correction) -> str:
    place = _node(work, c.target)
    return _insert(work, c, place.siblings, place.siblings.index(place.node) + 1)


def _move(work: Json, c: Correction) -> str:
    value = c.value if isinstance(c.value, dict) else {}
    place = _node(work, c.target)
    _seen_node(c, place.node)
    under = Target.model_validate(value["under"]) if value.get("under") else None
    after = Target.model_validate(value["after"]) if value.get("after") else None
    parent, siblings = _children_of(work, under)
    if parent is not None and any(p.node is parent for p in places([place.node])):
        raise Conflict("a node cannot move under itself or below itself")
    follow = None
    if after is not None:
        found = find_node(work, after, [Place(s, parent, siblings) for s in siblings])
        if found.place is None:
            raise Conflict(f"the node to follow is not there: {found.why}")
        follow = found.place.node
        if follow is place.node:
            raise Conflict("a node cannot follow itself")
    if place.siblings is siblings:
        at = siblings.index(place.node)
        if (at == 0 and follow is None) or (at > 0 and siblings[at - 1] is follow):
            raise Absorbed("the node already stands there")
    place.siblings.remove(place.node)
    siblings.insert(siblings.index(follow) + 1 if follow is not None else 0, place.node)
    return f"node {place.node['id']} moved"


def _not_heading(work: Json, c: Correction) -> str:
    nodes = places(work["outline"])
    place = _node(work, c.target, gone="the extraction no longer gives this heading")
    _seen_node(c, place.node)
    i = next(i for i, p in enumerate(nodes) if p.node is place.node)
    if i == 0:
        raise Conflict("the first node has no previous node to join")
    previous = nodes[i - 1].node
    node = place.node
    line = " ".join(x for x in (node.get("label"), node.get("title")) if x)
    previous["text"] = "\n".join(x for x in (previous.get("text"), line, node.get("text")) if x)
    at = place.siblings.index(node)
    place.siblings[at:at + 1] = node["children"]  # what was under it moves up a level
    return f"node {node['id']} joined the text of {previous['id']}"


def _add_measure(work: Json, c: Correction) -> str:
    _, children = _children_of(work, c.target)
    node = _new_node(c, "measure")
    node["kind"] = "measure"
    if any(s.get("kind") == "measure" and titles_same(node["title"], s.get("title") or "")
           for s in children):
        raise Absorbed("the extraction already gives this measure here")
    start = (node.get("source") or {}).get("start")
    index = len(children)
    if start is not None:
        index = next((i for i, s in enumerate(children)
                      if (s.get("source") or {}).get("start", -1) > start), len(children))
    children.insert(index, node)
    return f"measure {node['id']} added"


def _set_period(work: Json, c: Correction) -> str:
    holder = _holder(work, c.target)
    value = _period(c.value) if c.op == "set_period" else None
    _check_seen(c, holder.get("period"))
    holder["period"] = value
    return f"{c.target.kind} {holder.get('id')} period {'set' if value else 'cleared'}"


def _set_role(work: Json, c: Correction) -> str:
    plan = _plan(work, c.target)
    _check_seen(c, plan.get("role"))
    plan["role"] = c.value
    return f"plan {plan['id']} role set"


def _set_parent(work: Json, c: Correction) -> str:
    plan = _plan(work, c.target)
    parent = None
    if c.value is not None:
        wanted = str(c.value)
        found = find_plan(work, Target(kind="plan", id=wanted) if wanted.startswith("p-")
                          else Target(kind="plan", anchor=Anchor(title=wanted)))
        if found.plan is None:
            raise Conflict(f"the parent plan is gone: {found.why}", plan.get("parent_id"))
        parent = found.plan["id"]
    current = plan.get("parent_id")
    if current == parent:
        raise Absorbed("the extraction already gives this parent")
    if not same(current, c.seen):
        raise Conflict("the value the reviewer saw has changed", current)
    plan["parent_id"] = parent
    return f"plan {plan['id']} parent set"


OPS: dict[str, Callable[[Json, Correction], str]] = {
    "set": _set,
    "delete": _delete,
    "insert_under": _insert_under,
    "insert_after": _insert_after,
    "move": _move,
    "not_heading": _not_heading,
    "add_measure": _add_measure,
    "set_period": _set_period,
    "clear_period": _set_period,
    "set_role": _set_role,
    "set_parent": _set_parent,
}

