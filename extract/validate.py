"""Validation of JSON documents: the schema, then what the schema alone cannot say.

Every problem is returned with its JSON path, not only the first, so a reviewer fixing a
hand-corrected file sees all that is wrong at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from extract.periods.values import resolve
from extract.schema import Document, Node, Period


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # JSON path: $.outline[0].children[2].id
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _path(loc: tuple[int | str, ...]) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_json(raw: str | bytes) -> list[Problem]:
    """Every problem of a serialized document; empty when it is valid."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        return [Problem("$", f"not JSON: {error}")]
    try:
        doc = Document.model_validate(data)
    except ValidationError as error:
        return [Problem(_path(tuple(e["loc"])), e["msg"]) for e in error.errors()]
    return list(semantic_problems(doc))


def _nodes(nodes: list[Node], path: str) -> Iterator[tuple[str, Node]]:
    for i, node in enumerate(nodes):
        here = f"{path}[{i}]"
        yield here, node
        yield from _nodes(node.children, f"{here}.children")


def _span_problems(path: str, span: Any, text_len: int) -> Iterator[Problem]:
    if span is not None and span.end > text_len:
        yield Problem(f"{path}.source", f"span {span.start}–{span.end} runs past the text "
                                        f"({text_len} characters)")


def _period_problems(path: str, period: Period | None) -> Iterator[Problem]:
    if period is None:
        return
    if not (period.start or period.end or period.duration or period.every):
        yield Problem(f"{path}.period", "a period needs start/end, duration or every")
    # start_date/end_date are the first and last day of start/end: a hand edit of one and not
    # the other leaves consumers asking what is in force with the wrong dates
    for name, point, day, last in (("start", period.start, period.start_date, False),
                                   ("end", period.end, period.end_date, True)):
        if day is None:
            continue
        if point is None:
            yield Problem(f"{path}.period.{name}_date", f"{name}_date {day} with no {name}")
            continue
        want = resolve(point, end=last)
        if day != want:
            yield Problem(f"{path}.period.{name}_date",
                          f"{name}_date {day} disagrees with {name} {point} ({want})")


def semantic_problems(doc: Document) -> Iterator[Problem]:
    """What the schema cannot check: unique ids, existing parents, spans inside the text."""
    seen: dict[str, str] = {}
    text_len = len(doc.text)
    for path, node in _nodes(doc.outline, "$.outline"):
        if node.id in seen:
            yield Problem(f"{path}.id", f"duplicate node id {node.id!r} (also at {seen[node.id]})")
        seen.setdefault(node.id, path)
        yield from _span_problems(path, node.source, text_len)
        yield from _period_problems(path, node.period)
    plan_ids = {p.id for p in doc.plans}
    plan_seen: set[str] = set()
    for i, plan in enumerate(doc.plans):
        path = f"$.plans[{i}]"
        if plan.id in plan_seen:
            yield Problem(f"{path}.id", f"duplicate plan id {plan.id!r}")
        plan_seen.add(plan.id)
        if plan.parent_id is not None and plan.parent_id not in plan_ids:
            yield Problem(f"{path}.parent_id", f"no plan has id {plan.parent_id!r}")
        if plan.parent_id == plan.id:
            yield Problem(f"{path}.parent_id", "a plan cannot be its own parent")
        yield from _span_problems(path, plan.source, text_len)
        yield from _period_problems(path, plan.period)
