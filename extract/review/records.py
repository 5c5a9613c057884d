"""Correction records: what a reviewer changed, on which document, and what became of it.

A correction is data, never an edit of an output file. It names its target by id and by an
anchor that survives id changes, keeps the value the reviewer saw beside the new one, and is
stored append-only (an undo is a new record whose `undoes` names the one it cancels).

    op              target            value
    set             node/plan/doc     the field's new value (`field` names it)
    delete          node/plan         -
    insert_under    node/document     a node (label, title, text, kind, ...): last child
    insert_after    node              a node: the next sibling of the target
    move            node              {"under": Target | null, "after": Target | null}
    not_heading     node              - (label and title join the previous node's text)
    add_measure     node              a measure node (title, label, responsible, target, source)
    set_period      plan/node         a period {text, start, end, duration, every}
    clear_period    plan/node         -
    set_role        plan              main | sub | referenced
    set_parent      plan              a plan id, or null
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

TargetKind = Literal["node", "plan", "document"]
Op = Literal["set", "delete", "insert_under", "insert_after", "move", "not_heading",
             "add_measure", "set_period", "clear_period", "set_role", "set_parent"]
OutcomeStatus = Literal["applied", "absorbed", "conflict", "undone"]

# Which kinds of target each operation accepts.
OP_TARGETS: dict[str, frozenset[str]] = {
    "set": frozenset({"node", "plan", "document"}),
    "delete": frozenset({"node", "plan"}),
    "insert_under": frozenset({"node", "document"}),
    "insert_after": frozenset({"node"}),
    "move": frozenset({"node"}),
    "not_heading": frozenset({"node"}),
    "add_measure": frozenset({"node", "document"}),
    "set_period": frozenset({"node", "plan"}),
    "clear_period": frozenset({"node", "plan"}),
    "set_role": frozenset({"plan"}),
    "set_parent": frozenset({"plan"}),
}

# Fields a `set` may change; ids, spans and children change only through the other operations.
SETTABLE: dict[str, frozenset[str]] = {
    "node": frozenset({"kind", "label", "title", "text", "responsible", "target", "targets",
                       "period"}),
    "plan": frozenset({"title", "kind", "role", "parent_id", "period", "adopted", "aliases"}),
    "document": frozenset({"title", "municipality"}),
}


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def text_digest(text: str) -> str:
    """A short digest of a body text, blind to width and whitespace ("a b" and "ａｂ" agree)."""
    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha1(flat.encode()).hexdigest()[:16]


class Anchor(Record):
    """What identifies a node when its id changed: its heading, its body and its parent."""

    label: str | None = None
    title: str | None = None
    text_digest: str | None = None  # `text_digest(node.text)`
    span_text: str | None = None  # the source text the node was read from, as it stood
    parent_title: str | None = None  # label and title of the parent, "" at the top level


class Target(Record):
    kind: TargetKind
    id: str | None = None
    field: str | None = None
    anchor: Anchor | None = None


def new_id() -> str:
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Correction(Record):
    id: str = Field(default_factory=new_id, pattern=r"^[0-9a-f]{32}$")
    document_uri: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # the version the correction was made on
    target: Target
    op: Op
    seen: JsonValue = None  # the value the reviewer saw (the field, or the node's fields)
    value: JsonValue = None
    author: str = Field(min_length=1)
    at: datetime = Field(default_factory=utc_now)
    note: str | None = None
    undoes: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        if self.at.tzinfo is None:
            raise ValueError("`at` needs a time zone (UTC)")
        if self.undoes is not None:
            if self.undoes == self.id:
                raise ValueError("a correction cannot undo itself")
            return self
        kind = self.target.kind
        if kind not in OP_TARGETS[self.op]:
            raise ValueError(f"{self.op} does not apply to a {kind}")
        if kind != "document" and self.target.id is None and self.target.anchor is None:
            raise ValueError(f"a {kind} target needs an id or an anchor")
        if self.op == "set":
            if self.target.field not in SETTABLE[kind]:
                allowed = ", ".join(sorted(SETTABLE[kind]))
                raise ValueError(f"set on a {kind} needs a field among: {allowed}")
        elif self.target.field is not None:
            raise ValueError(f"{self.op} takes no field")
        return self


class Outcome(Record):
    """What became of one correction on one extraction."""

    correction_id: str
    status: OutcomeStatus
    detail: str = ""
    current: JsonValue = None  # for a conflict: what the document holds now
    wanted: JsonValue = None  # for a conflict: the reviewer's value
