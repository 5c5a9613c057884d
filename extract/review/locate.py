"""Finding a correction's target in a document: by id, else by its anchor.

Works on the document as JSON (`Document.model_dump(mode="json")`), the form corrections are
applied to. A node's anchor is its label and title, a digest of its body, the source text it was
read from and its parent's heading: enough to find the same heading when an extractor version
renumbered ids, and to refuse (as ambiguous) rather than guess between look-alikes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extract.evaluate.docs import norm
from extract.review.records import Anchor, Target, text_digest

Json = dict[str, Any]
SPAN_TEXT_MAX = 200  # characters of source text kept in an anchor: enough to tell nodes apart


@dataclass(slots=True)
class Place:
    """A node where it stands: its parent (None at the top) and the list holding it."""

    node: Json
    parent: Json | None
    siblings: list[Json]


@dataclass(frozen=True, slots=True)
class Found:
    """A located target, or why it was not found (`place` and `plan` None)."""

    place: Place | None = None
    plan: Json | None = None
    why: str = ""
    by: str = ""  # "id" or "anchor"


def places(outline: list[Json]) -> list[Place]:
    """Every node of an outline with its parent, depth first, in reading order."""
    out: list[Place] = []

    def visit(nodes: list[Json], parent: Json | None) -> None:
        for node in nodes:
            out.append(Place(node, parent, nodes))
            visit(node.setdefault("children", []), node)

    visit(outline, None)
    return out


def heading(node: Json | None) -> str:
    """The comparable label and title of a node ("" for none: the top level)."""
    if node is None:
        return ""
    return heading_key(node.get("label"), node.get("title"))


def heading_key(label: str | None, title: str | None) -> str:
    """Label and title as the gold scorer compares them: "１." + "策定の趣旨" → "1策定の趣旨"."""
    return norm(f"{label or ''}{title or ''}")


def anchor_of(doc: Json, place: Place) -> Anchor:
    """The anchor of a node as it stands in `doc`."""
    node = place.node
    span = node.get("source")
    span_text = None
    if span:
        span_text = str(doc.get("text", ""))[span["start"]:span["end"]][:SPAN_TEXT_MAX] or None
    return Anchor(label=node.get("label"), title=node.get("title"),
                  text_digest=text_digest(node.get("text") or ""), span_text=span_text,
                  parent_title=heading(place.parent) if place.parent else "")


def _narrow(doc: Json, found: list[Place], anchor: Anchor) -> list[Place]:
    """The candidates that agree with the anchor's parent, body and source text, in turn."""
    for part in ("parent_title", "text_digest", "span_text"):
        wanted = getattr(anchor, part)
        if len(found) <= 1:
            break
        if wanted is None:
            continue
        if part == "parent_title":
            kept = [p for p in found if heading(p.parent) == norm(wanted)]
        else:
            kept = [p for p in found if getattr(anchor_of(doc, p), part) == wanted]
        found = kept or found
    return found


def find_node(doc: Json, target: Target, nodes: list[Place] | None = None) -> Found:
    """The node a target names: by id, else the one node its anchor fits."""
    nodes = places(doc["outline"]) if nodes is None else nodes
    if target.id is not None:
        for place in nodes:
            if place.node.get("id") == target.id:
                return Found(place=place, by="id")
    anchor = target.anchor
    if anchor is None:
        return Found(why=f"no node has id {target.id!r} and the target has no anchor")
    key = heading_key(anchor.label, anchor.title)
    found = [p for p in nodes if key and heading(p.node) == key]
    if not found and anchor.text_digest and anchor.text_digest != text_digest(""):
        # A retitled heading: the same body under the same parent.
        found = [p for p in nodes if anchor_of(doc, p).text_digest == anchor.text_digest
                 and heading(p.parent) == norm(anchor.parent_title)]
    found = _narrow(doc, found, anchor)
    if len(found) == 1:
        return Found(place=found[0], by="anchor")
    if not found:
        return Found(why=f"no node with id {target.id!r} or heading "
                         f"{(anchor.label or '') + (anchor.title or '')!r}")
    ids = ", ".join(str(p.node.get("id")) for p in found)
    return Found(why=f"the anchor fits {len(found)} nodes ({ids}): ambiguous")


def find_plan(doc: Json, target: Target) -> Found:
    """The plan a target names: by id, else by its title (or an alias) in the anchor."""
    plans: list[Json] = doc["plans"]
    if target.id is not None:
        for plan in plans:
            if plan.get("id") == target.id:
                return Found(plan=plan, by="id")
    title = target.anchor.title if target.anchor else None
    if not title:
        return Found(why=f"no plan has id {target.id!r}")
    key = norm(title)
    found = [p for p in plans if key in {norm(n) for n in [p.get("title"), *p.get("aliases", [])]}]
    if len(found) == 1:
        return Found(plan=found[0], by="anchor")
    if not found:
        return Found(why=f"no plan with id {target.id!r} or title {title!r}")
    return Found(why=f"{len(found)} plans are titled {title!r}: ambiguous")
