"""Two documents (two versions of one source, or any two outputs) → what was added, removed
and changed among plans, nodes and measures, periods among the changed fields.

Items are paired in passes, each over what the earlier ones left unpaired, in reading order:

    id       the output's own ids (stable across re-runs of the same input)
    anchor   kind + label + title under the same (paired) parent, then anywhere: a node
             whose section was renamed or that moved
    title    kind + title: an item whose numbering changed (an item inserted before it)
    text     kind + a digest of its text: a section whose heading was reworded
    children the new node under which all the paired children of an old one went: a heading
             reworded over the same content
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
Anchor = Callable[[Item, bool, dict[int, Item]], Hashable | None]


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
    sections: tuple[str, ...] = ()  # the headings above it, in the new document

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "old_id": self.old_id, "new_id": self.new_id,
                "name": self.name, "sections": list(self.sections),
                "paired_by": self.paired_by,
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
    """Return (pairs with the pass that made them, old items left, new items left).

    An anchor is called as `anchor(item, is_old, paired)`, `paired` mapping each paired old
    item's `id()` to its new item, so an anchor may name a paired parent. The passes repeat
    until one round pairs nothing more: a parent paired late lets its children pair.
    """
    pairs: list[tuple[Item, Item, str]] = []
    paired: dict[int, Item] = {}
    progress = True
    while progress:
        progress = False
        for name, anchor in passes:
            old_keys = {id(o): anchor(o, True, paired) for o in old}
            new_keys = {id(n): anchor(n, False, paired) for n in new}
            old_count = Counter(k for k in old_keys.values() if k is not None)
            new_count = Counter(k for k in new_keys.values() if k is not None)
            unique = {k for k, n in old_count.items() if n == 1 and new_count.get(k) == 1}
            if not unique:
                continue
            by_key = {new_keys[id(n)]: n for n in new if new_keys[id(n)] in unique}
            left = []
            for item in old:
                key = old_keys[id(item)]
                if key in unique:
                    pairs.append((item, by_key[key], name))
                    paired[id(item)] = by_key[key]
                else:
                    left.append(item)
            taken = {id(n) for n in by_key.values()}
            old, new = left, [n for n in new if id(n) not in taken]
            progress = True
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
            "text": node.text, "period": _period(node.period), "responsible": node.responsible,
            "target": node.target, "targets": [t.text for t in node.targets]}


def _compare(old: dict[str, FieldValue], new: dict[str, FieldValue]
             ) -> dict[str, tuple[FieldValue, FieldValue]]:
    return {k: (old[k], new[k]) for k in old if old[k] != new[k]}


def _same(key: Callable[[Item], Hashable | None]) -> Anchor:
    """Return an anchor that is the same function of an old and a new item."""
    return lambda item, _old, _paired: key(item)


def _plans(old: Document, new: Document) -> Part:
    passes: list[tuple[str, Anchor]] = [
        ("id", _same(lambda p: p.id)),
        ("title", _same(lambda p: _norm(p.title) if isinstance(p, Plan) else None)),
        ("main", _same(lambda p: "main" if isinstance(p, Plan) and p.role.value == "main"
                       else None)),
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


def _heading_key(node: Item) -> Hashable | None:
    if not isinstance(node, Node) or not node.title:
        return None
    return (node.kind, _norm(node.label), _norm(node.title))


def _outline(old: Document, new: Document) -> tuple[Part, Part]:
    """Return the changes of (sections and preambles, measures)."""
    old_placed, new_placed = list(_walk(old.outline)), list(_walk(new.outline))
    # By side: an edited copy may share unchanged node objects with its original.
    where = ({id(p.node): p for p in old_placed}, {id(p.node): p for p in new_placed})
    parent = tuple({id(child): p.node for p in placed for child in p.node.children}
                   for placed in (old_placed, new_placed))

    def in_parent(node: Item, is_old: bool, paired: dict[int, Item]) -> Hashable | None:
        heading = _heading_key(node)
        above = parent[not is_old].get(id(node))
        if heading is None:
            return None
        if above is None:
            return ("", heading)
        if is_old:
            above = paired.get(id(above))  # type: ignore[assignment]
            if above is None:
                return None
        return (id(above), heading)

    def children(node: Item, is_old: bool, paired: dict[int, Item]) -> Hashable | None:
        """The new node under which all the paired children of an old node went."""
        if not isinstance(node, Node) or not node.children:
            return None
        if not is_old:
            return (node.kind, _norm(node.label), id(node))
        went = {id(parent[1][id(paired[id(c)])]) for c in node.children
                if id(c) in paired and id(paired[id(c)]) in parent[1]}
        return (node.kind, _norm(node.label), went.pop()) if len(went) == 1 else None

    passes: list[tuple[str, Anchor]] = [
        ("id", _same(lambda n: n.id)),
        ("anchor", in_parent),
        ("anchor", _same(_heading_key)),
        ("title", _same(lambda n: (n.kind, _norm(n.title))
                        if isinstance(n, Node) and n.title else None)),
        ("text", _same(lambda n: (n.kind, _digest(n.text))
                       if isinstance(n, Node) and _digest(n.text) else None)),
        ("children", children),
    ]
    pairs, removed, added = pair([p.node for p in old_placed], [p.node for p in new_placed],
                                 passes)
    sections, measures = Part(), Part()

    def part(node: Item) -> Part:
        return measures if isinstance(node, Node) and node.kind is NodeKind.MEASURE else sections

    def listed(node: Item, side: int) -> dict[str, FieldValue]:
        placed = where[side][id(node)]
        return {"id": node.id, "sections": list(placed.sections), **_node_fields(placed)}

    for node in added:
        part(node).added.append(listed(node, 1))
    for node in removed:
        part(node).removed.append(listed(node, 0))
    paired = {id(before): after for before, after, _ in pairs}
    for before, after, how in pairs:
        assert isinstance(after, Node)
        was, now = where[0][id(before)], where[1][id(after)]
        fields = _compare(_node_fields(was), _node_fields(now))
        old_parent, new_parent = parent[0].get(id(before)), parent[1].get(id(after))
        if (paired.get(id(old_parent)) if old_parent else None) is not new_parent:
            # Moved: under another section, not merely under its renamed one.
            fields["parent"] = (" > ".join(was.sections) or None,
                                " > ".join(now.sections) or None)
        if fields:
            part(after).changed.append(Change(after.kind.value, before.id, after.id,
                                              _heading(after), how, fields, now.sections))
        else:
            part(after).unchanged += 1
    return sections, measures


def diff(old: Document, new: Document) -> Diff:
    """Return what changed from `old` to `new`."""
    def facts(doc: Document) -> dict[str, FieldValue]:
        town = doc.municipality
        return {"title": doc.title, "municipality": town.name if town else None,
                "municipality_code": town.code if town else None, "status": doc.status.value}

    sections, measures = _outline(old, new)
    return Diff(old.source.uri + "@" + old.source.sha256[:16],
                new.source.uri + "@" + new.source.sha256[:16],
                _compare(facts(old), facts(new)), _plans(old, new), sections, measures)


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
            under = "".join(f"{_show(s)} > " for s in change.sections)
            lines.append(f"  ~ {under}{_show(change.name)} (by {change.paired_by})")
            for key, (old, new) in change.fields.items():
                lines.append(f"      {key}: {_show(old)} → {_show(new)}")
    return "\n".join(lines)
