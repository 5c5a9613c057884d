"""Two documents (two versions of one source, or any two outputs) → what was added, removed
and changed among plans, nodes and measures, periods among the changed fields.

Items are paired in passes, each over what the earlier ones left unpaired, in reading order:

    id       the output's own ids (a node's id hashes its path of labels and titles)
    anchor   kind + label + title: a node whose section was renumbered or moved
    title    kind + title: an item whose numbering changed (an item inserted before it)
    text     kind + a digest of its text: a section whose heading was reworded
    main     the main plan of each document: the plan the republished document defines

A pass pairs an anchor only when the old and the new side each have it once, so repeated
headings (年度 columns, 目標 rows) are never paired by guess. Pages, spans, confidence and
evidence move with any edit, so they are not compared.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field

from extract.schema import Document, Node, NodeKind, Period, Plan

FieldValue = str | list[str] | None
Item = Plan | Node
Anchor = Callable[[Item], Hashable | None]


@dataclass(frozen=True, slots=True)
class Placed:
    """An outline node with the headings above it."""

    node: Node
    sections: tuple[str, ...]


@dataclass(slots=True)
class Change:
    """One item present in both documents, with the fields that differ (old, new)."""

    kind: str
    old_id: str
    new_id: str
    name: str
    paired_by: str
    fields: dict[str, tuple[FieldValue, FieldValue]]

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "old_id": self.old_id, "new_id": self.new_id,
                "name": self.name, "paired_by": self.paired_by,
                "fields": {k: {"old": o, "new": n} for k, (o, n) in self.fields.items()}}


@dataclass(slots=True)
class Part:
    """Added, removed and changed items of one kind (plans, nodes or measures)."""

    added: list[dict[str, FieldValue]] = field(default_factory=list)
    removed: list[dict[str, FieldValue]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def periods(self) -> int:
        """Return how many changed items changed their period."""
        return sum("period" in c.fields for c in self.changed)

    def as_json(self) -> dict[str, object]:
        return {"added": self.added, "removed": self.removed,
                "changed": [c.as_json() for c in self.changed], "unchanged": self.unchanged,
                "periods_changed": self.periods}


@dataclass(slots=True)
class Diff:
    """What changed from one document to another."""

    old: str
    new: str
    document: dict[str, tuple[FieldValue, FieldValue]]
    plans: Part
    nodes: Part
    measures: Part

    def as_json(self) -> dict[str, object]:
        return {"old": self.old, "new": self.new,
                "document": {k: {"old": o, "new": n} for k, (o, n) in self.document.items()},
                "plans": self.plans.as_json(), "nodes": self.nodes.as_json(),
                "measures": self.measures.as_json()}

    @property
    def empty(self) -> bool:
        return not self.document and not any(
            p.added or p.removed or p.changed for p in (self.plans, self.nodes, self.measures))


def _norm(text: str | None) -> str:
    """Return `text` compared loosely: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _period(period: Period | None) -> str | None:
    if period is None:
        return None
    ends = f"{period.start or ''}/{period.end or ''}" if period.start or period.end else ""
    form = ends or period.duration or (f"every {period.every}" if period.every else "")
    return f"{period.text} [{form}]"


def _heading(node: Node) -> str:
    return " ".join(p for p in (node.label, node.title) if p) or node.text[:40]


def _walk(nodes: list[Node], sections: tuple[str, ...] = ()) -> Iterator[Placed]:
    for node in nodes:
        yield Placed(node, sections)
        heading = _heading(node)
        yield from _walk(node.children, (*sections, heading) if heading else sections)


def pair(old: list[Item], new: list[Item], passes: list[tuple[str, Anchor]]
         ) -> tuple[list[tuple[Item, Item, str]], list[Item], list[Item]]:
    """Return (pairs with the pass that made them, old items left, new items left)."""
    pairs: list[tuple[Item, Item, str]] = []
    for name, anchor in passes:
        old_keys = Counter(k for k in map(anchor, old) if k is not None)
        new_keys = Counter(k for k in map(anchor, new) if k is not None)
        unique = {k for k, n in old_keys.items() if n == 1 and new_keys.get(k) == 1}
        by_key = {anchor(item): item for item in new if anchor(item) in unique}
        left = []
        for item in old:
            key = anchor(item)
            if key in unique:
                pairs.append((item, by_key.pop(key), name))
            else:
                left.append(item)
        paired = {id(n) for _, n, _ in pairs}
        old, new = left, [n for n in new if id(n) not in paired]
    return pairs, old, new


def _digest(text: str) -> str | None:
    return hashlib.sha256(_norm(text).encode()).hexdigest()[:16] if _norm(text) else None


def _plan_fields(plan: Plan, titles: dict[str, str]) -> dict[str, FieldValue]:
    return {"title": plan.title, "kind": plan.kind, "role": plan.role.value,
            "parent": titles.get(plan.parent_id or ""), "period": _period(plan.period),
            "adopted": plan.adopted, "aliases": plan.aliases}


def _node_fields(placed: Placed) -> dict[str, FieldValue]:
    node = placed.node
    return {"kind": node.kind.value, "label": node.label, "title": node.title,
            "text": node.text, "sections": list(placed.sections),
            "period": _period(node.period), "responsible": node.responsible,
            "target": node.target, "targets": [t.text for t in node.targets]}


def _compare(old: dict[str, FieldValue], new: dict[str, FieldValue]
             ) -> dict[str, tuple[FieldValue, FieldValue]]:
    return {k: (old[k], new[k]) for k in old if old[k] != new[k]}


def _plans(old: Document, new: Document) -> Part:
    passes: list[tuple[str, Anchor]] = [
        ("id", lambda p: p.id),
        ("title", lambda p: _norm(p.title) if isinstance(p, Plan) else None),
        ("main", lambda p: "main" if isinstance(p, Plan) and p.role.value == "main" else None),
    ]
    pairs, removed, added = pair(list(old.plans), list(new.plans), passes)
    old_titles = {p.id: p.title for p in old.plans}
    new_titles = {p.id: p.title for p in new.plans}
    part = Part(added=[{"id": p.id, **_plan_fields(p, new_titles)}
                       for p in added if isinstance(p, Plan)],
                removed=[{"id": p.id, **_plan_fields(p, old_titles)}
                         for p in removed if isinstance(p, Plan)])
    for before, after, how in pairs:
        assert isinstance(before, Plan) and isinstance(after, Plan)
        fields = _compare(_plan_fields(before, old_titles), _plan_fields(after, new_titles))
        if fields:
            part.changed.append(Change("plan", before.id, after.id, after.title, how, fields))
        else:
            part.unchanged += 1
    return part


def _outline(old: Document, new: Document, measures: bool) -> Part:
    def chosen(doc: Document) -> list[Placed]:
        return [p for p in _walk(doc.outline)
                if (p.node.kind is NodeKind.MEASURE) == measures]

    old_placed, new_placed = chosen(old), chosen(new)
    where = {id(p.node): p for p in (*old_placed, *new_placed)}

    def anchor(key: Callable[[Node], Hashable | None]) -> Anchor:
        return lambda item: key(item) if isinstance(item, Node) else None

    passes: list[tuple[str, Anchor]] = [
        ("id", lambda n: n.id),
        ("anchor", anchor(lambda n: (n.kind, _norm(n.label), _norm(n.title))
                          if n.title else None)),
        ("title", anchor(lambda n: (n.kind, _norm(n.title)) if n.title else None)),
        ("text", anchor(lambda n: (n.kind, _digest(n.text)) if _digest(n.text) else None)),
    ]
    pairs, removed, added = pair([p.node for p in old_placed], [p.node for p in new_placed],
                                 passes)
    part = Part(added=[{"id": n.id, **_node_fields(where[id(n)])} for n in added],
                removed=[{"id": n.id, **_node_fields(where[id(n)])} for n in removed])
    for before, after, how in pairs:
        fields = _compare(_node_fields(where[id(before)]), _node_fields(where[id(after)]))
        if fields:
            assert isinstance(after, Node)
            part.changed.append(Change(after.kind.value, before.id, after.id,
                                       _heading(after), how, fields))
        else:
            part.unchanged += 1
    return part


def diff(old: Document, new: Document) -> Diff:
    """Return what changed from `old` to `new`."""
    def facts(doc: Document) -> dict[str, FieldValue]:
        town = doc.municipality
        return {"title": doc.title, "municipality": town.name if town else None,
                "municipality_code": town.code if town else None, "status": doc.status.value}

    return Diff(old.source.uri + "@" + old.source.sha256[:16],
                new.source.uri + "@" + new.source.sha256[:16],
                _compare(facts(old), facts(new)), _plans(old, new),
                _outline(old, new, measures=False), _outline(old, new, measures=True))


TEXT_WIDTH = 60  # characters of a value shown in the text report


def _show(value: FieldValue) -> str:
    text = " / ".join(value) if isinstance(value, list) else (value or "—")
    text = text.replace("\n", " ")
    return text if len(text) <= TEXT_WIDTH else text[:TEXT_WIDTH - 1] + "…"


def diff_text(result: Diff) -> str:
    """Return the diff as lines of text for a terminal."""
    lines = [f"--- {result.old}", f"+++ {result.new}"]
    for name, (old, new) in result.document.items():
        lines.append(f"~ document {name}: {_show(old)} → {_show(new)}")
    for title, part in (("plans", result.plans), ("nodes", result.nodes),
                        ("measures", result.measures)):
        lines.append(f"{title}: {len(part.added)} added, {len(part.removed)} removed, "
                     f"{len(part.changed)} changed ({part.periods} periods), "
                     f"{part.unchanged} unchanged")
        for mark, items in (("+", part.added), ("-", part.removed)):
            for item in items:
                heading = item.get("title") or item.get("text")
                label = f"{item.get('label')} " if item.get("label") else ""
                period = f"  [{_show(item['period'])}]" if item.get("period") else ""
                lines.append(f"  {mark} {label}{_show(heading)}{period}")
        for change in part.changed:
            lines.append(f"  ~ {_show(change.name)} (by {change.paired_by})")
            for key, (old, new) in change.fields.items():
                lines.append(f"      {key}: {_show(old)} → {_show(new)}")
    return "\n".join(lines)
